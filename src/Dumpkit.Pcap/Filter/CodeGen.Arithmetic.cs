// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Pcap.Capture;

namespace Dumpkit.Pcap.Filter;

// packet accessors, arithmetic, relations, len, less/greater, inbound/outbound, ifindex
internal sealed partial class CodeGen
{
    private static Stmt XferToX(Arth a) => new(Bpf.Ldx | Bpf.Mem, (uint)a.Regno);
    private static Stmt XferToA(Arth a) => new(Bpf.Ld | Bpf.Mem, (uint)a.Regno);

    /// <summary>proto[inst : size]</summary>
    public Arth Load(QProto proto, Arth inst, uint size)
    {
        int regno = AllocReg();
        FreeReg(inst.Regno);
        int sizeCode = size switch
        {
            1 => Bpf.B,
            2 => Bpf.H,
            4 => Bpf.W,
            _ => throw Error("data size must be 1, 2, or 4"),
        };
        Stmt s;
        switch (proto)
        {
            case QProto.Radio:
                throw Error("radio information not present in capture");
            case QProto.Link:
                {
                    var v = AbsOffsetVarPart(_offLinkHdr);
                    if (v != null)
                    {
                        s = v;
                        Stmt.Append(s, XferToA(inst));
                        Stmt.Append(s, new Stmt(Bpf.Alu | Bpf.Add | Bpf.X));
                        Stmt.Append(s, new Stmt(Bpf.Misc | Bpf.Tax));
                    }
                    else s = XferToX(inst);
                    Stmt.Append(s, new Stmt(Bpf.Ld | Bpf.Ind | sizeCode, _offLinkHdr.ConstantPart));
                    Stmt.Append(inst.S, s);
                    break;
                }
            case QProto.Ip:
            case QProto.Arp:
            case QProto.Rarp:
            case QProto.Atalk:
            case QProto.Decnet:
            case QProto.Sca:
            case QProto.Lat:
            case QProto.Moprc:
            case QProto.Mopdl:
            case QProto.Ipv6:
                {
                    var v = AbsOffsetVarPart(_offLinkPl);
                    if (v != null)
                    {
                        s = v;
                        Stmt.Append(s, XferToA(inst));
                        Stmt.Append(s, new Stmt(Bpf.Alu | Bpf.Add | Bpf.X));
                        Stmt.Append(s, new Stmt(Bpf.Misc | Bpf.Tax));
                    }
                    else s = XferToX(inst);
                    Stmt.Append(s, new Stmt(Bpf.Ld | Bpf.Ind | sizeCode, _offLinkPl.ConstantPart + _offNl));
                    Stmt.Append(inst.S, s);
                    var b = ProtoAbbrev(proto);
                    if (inst.B != null) Block.And(inst.B, b);
                    inst.B = b;
                    break;
                }
            case QProto.Sctp:
            case QProto.Tcp:
            case QProto.Udp:
            case QProto.Icmp:
            case QProto.Igmp:
            case QProto.Igrp:
            case QProto.Pim:
            case QProto.Vrrp:
            case QProto.Carp:
                {
                    s = LoadXIpHdrLen();
                    Stmt.Append(s, XferToA(inst));
                    Stmt.Append(s, new Stmt(Bpf.Alu | Bpf.Add | Bpf.X));
                    Stmt.Append(s, new Stmt(Bpf.Misc | Bpf.Tax));
                    Stmt.Append(s, new Stmt(Bpf.Ld | Bpf.Ind | sizeCode, _offLinkPl.ConstantPart + _offNl));
                    Stmt.Append(inst.S, s);
                    var pa = ProtoAbbrev(proto);
                    var b = IpFrag();
                    Block.And(pa, b);
                    if (inst.B != null) Block.And(inst.B, b);
                    Block.And(ProtoAbbrev(QProto.Ip), b);
                    inst.B = b;
                    break;
                }
            case QProto.Icmpv6:
                {
                    var b = ProtoAbbrev(QProto.Ipv6);
                    if (inst.B != null) Block.And(inst.B, b);
                    inst.B = b;
                    b = Cmp(OffRel.LinkPl, 6, Bpf.B, 58);
                    if (inst.B != null) Block.And(inst.B, b);
                    inst.B = b;
                    var v = AbsOffsetVarPart(_offLinkPl);
                    if (v != null)
                    {
                        s = v;
                        Stmt.Append(s, XferToA(inst));
                        Stmt.Append(s, new Stmt(Bpf.Alu | Bpf.Add | Bpf.X));
                        Stmt.Append(s, new Stmt(Bpf.Misc | Bpf.Tax));
                    }
                    else s = XferToX(inst);
                    Stmt.Append(s, new Stmt(Bpf.Ld | Bpf.Ind | sizeCode, _offLinkPl.ConstantPart + _offNl + 40));
                    Stmt.Append(inst.S, s);
                    break;
                }
            default:
                throw Error("unsupported index operation");
        }
        inst.Regno = regno;
        Stmt.Append(inst.S, new Stmt(Bpf.St, (uint)regno));
        return inst;
    }

    /// <summary>a0 relop a1 (reversed: the negated relation, for &lt;, &lt;= and !=).</summary>
    public Block Relation(int code, Arth a0, Arth a1, bool reversed)
    {
        var s0 = XferToX(a1);
        var s1 = XferToA(a0);
        Block b;
        if (code == Bpf.Jeq)
        {
            var s2 = new Stmt(Bpf.Alu | Bpf.Sub | Bpf.X);
            b = NewBlock(JmpK(code));
            Stmt.Append(s1, s2);
        }
        else b = NewBlock(Bpf.Jmp | code | Bpf.X);
        if (reversed) Block.Not(b);
        Stmt.Append(s0, s1);
        Stmt.Append(a1.S, s0);
        Stmt.Append(a0.S, a1.S);
        b.Stmts = a0.S;
        FreeReg(a0.Regno);
        FreeReg(a1.Regno);
        Block? tmp;
        if (a0.B != null)
        {
            if (a1.B != null)
            {
                Block.And(a0.B, a1.B);
                tmp = a1.B;
            }
            else tmp = a0.B;
        }
        else tmp = a1.B;
        if (tmp != null) Block.And(tmp, b);
        return b;
    }

    public Arth LoadLen()
    {
        int regno = AllocReg();
        var s = new Stmt(Bpf.Ld | Bpf.Len) { Next = new Stmt(Bpf.St, (uint)regno) };
        return new Arth(s, regno);
    }

    public Arth LoadI(uint val)
    {
        int reg = AllocReg();
        var s = new Stmt(Bpf.Ld | Bpf.Imm, val) { Next = new Stmt(Bpf.St, (uint)reg) };
        return new Arth(s, reg);
    }

    public Arth Neg(Arth a)
    {
        Stmt.Append(a.S, XferToA(a));
        Stmt.Append(a.S, new Stmt(Bpf.Alu | Bpf.Neg));
        Stmt.Append(a.S, new Stmt(Bpf.St, (uint)a.Regno));
        return a;
    }

    public Arth Arith(int code, Arth a0, Arth a1)
    {
        if (code == Bpf.Div && a1.S.Code == (Bpf.Ld | Bpf.Imm) && a1.S.K == 0) throw Error("division by zero");
        if (code == Bpf.Mod && a1.S.Code == (Bpf.Ld | Bpf.Imm) && a1.S.K == 0) throw Error("modulus by zero");
        if ((code == Bpf.Lsh || code == Bpf.Rsh) && a1.S.Code == (Bpf.Ld | Bpf.Imm) && a1.S.K > 31)
            throw Error("shift by more than 31 bits");
        var s0 = XferToX(a1);
        var s1 = XferToA(a0);
        Stmt.Append(s1, new Stmt(Bpf.Alu | Bpf.X | code));
        Stmt.Append(s0, s1);
        Stmt.Append(a1.S, s0);
        Stmt.Append(a0.S, a1.S);
        FreeReg(a0.Regno);
        FreeReg(a1.Regno);
        var st = new Stmt(Bpf.St);
        a0.Regno = AllocReg();
        st.K = (uint)a0.Regno;
        Stmt.Append(a0.S, st);
        return a0;
    }

    private static Block Len(int jmp, uint n) => NewBlock(JmpK(jmp), new Stmt(Bpf.Ld | Bpf.Len), n);

    public Block Greater(uint n) => Len(Bpf.Jge, n);

    public Block Less(uint n)
    {
        var b = Len(Bpf.Jgt, n);
        Block.Not(b);
        return b;
    }

    /// <summary>"byte idx op val" (op one of = &lt; &gt; | &amp;).</summary>
    public Block ByteOp(char op, uint idx, uint val)
    {
        Stmt s;
        switch (op)
        {
            case '=': return Cmp(OffRel.LinkHdr, idx, Bpf.B, val);
            case '<': return CmpLt(OffRel.LinkHdr, idx, Bpf.B, val);
            case '>': return CmpGt(OffRel.LinkHdr, idx, Bpf.B, val);
            case '|': s = new Stmt(Bpf.Alu | Bpf.Or | Bpf.K, val); break;
            default: s = new Stmt(Bpf.Alu | Bpf.And | Bpf.K, val); break;
        }
        var b = NewBlock(JmpK(Bpf.Jeq), s);
        Block.Not(b);
        return b;
    }

    public Block Inbound(bool outbound)
    {
        Block b0;
        switch (_linktype)
        {
            case LinkTypes.LinuxSll:
                b0 = Cmp(OffRel.LinkHdr, 0, Bpf.H, 4);
                if (!outbound) Block.Not(b0);
                return b0;
            case LinkTypes.LinuxSll2:
                b0 = Cmp(OffRel.LinkHdr, 10, Bpf.B, 4);
                if (!outbound) Block.Not(b0);
                return b0;
            default:
                if (_fromFile)
                    throw Error($"inbound/outbound not supported on {LinkDescription} when reading savefiles");
                b0 = Cmp(OffRel.LinkHdr, Bpf.SkfAdOff + Bpf.SkfAdPktType, Bpf.H, 4);
                if (!outbound) Block.Not(b0);
                return b0;
        }
    }

    public Block IfIndex(uint ifindex)
    {
        if (_linktype == LinkTypes.LinuxSll2) return Cmp(OffRel.LinkHdr, 4, Bpf.W, ifindex);
        if (_fromFile) throw Error($"ifindex not supported on {LinkDescription} when reading savefiles");
        return Cmp(OffRel.LinkHdr, Bpf.SkfAdOff + Bpf.SkfAdIfIndex, Bpf.W, ifindex);
    }
}
