// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Pcap.Filter;

// port / portrange / proto / protochain / protocol abbreviations
internal sealed partial class CodeGen
{
    private const uint IpProtoTcp = 6, IpProtoUdp = 17, IpProtoSctp = 132, IpProtoIcmp = 1, IpProtoIgmp = 2, IpProtoIgrp = 9,
        IpProtoPim = 103, IpProtoVrrp = 112, IpProtoIcmpv6 = 58, IpProtoAh = 51, IpProtoEsp = 50, IpProtoFragment = 44,
        IpProtoHopOpts = 0, IpProtoDstOpts = 60, IpProtoRouting = 43, IpProtoNone = 59;
    private const uint IsoClnp = 0x81, IsoEsis = 0x82, IsoIsis = 0x83;
    private const uint IsisL1LanIih = 15, IsisL2LanIih = 16, IsisPtpIih = 17, IsisL1Lsp = 18, IsisL2Lsp = 20,
        IsisL1Csnp = 24, IsisL2Csnp = 25, IsisL1Psnp = 26, IsisL2Psnp = 27;

    public Block ProtoAbbrev(QProto proto)
    {
        Block b0, b1;
        switch (proto)
        {
            case QProto.Sctp: return Proto(IpProtoSctp, QProto.Default, QDir.Default);
            case QProto.Tcp: return Proto(IpProtoTcp, QProto.Default, QDir.Default);
            case QProto.Udp: return Proto(IpProtoUdp, QProto.Default, QDir.Default);
            case QProto.Icmp: return Proto(IpProtoIcmp, QProto.Ip, QDir.Default);
            case QProto.Igmp: return Proto(IpProtoIgmp, QProto.Ip, QDir.Default);
            case QProto.Igrp: return Proto(IpProtoIgrp, QProto.Ip, QDir.Default);
            case QProto.Pim: return Proto(IpProtoPim, QProto.Default, QDir.Default);
            case QProto.Vrrp: return Proto(IpProtoVrrp, QProto.Ip, QDir.Default);
            case QProto.Carp: return Proto(IpProtoVrrp, QProto.Ip, QDir.Default);
            case QProto.Ip: return Linktype(EtherTypeIp);
            case QProto.Arp: return Linktype(EtherTypeArp);
            case QProto.Rarp: return Linktype(EtherTypeRevArp);
            case QProto.Link: throw Error("link layer applied in wrong context");
            case QProto.Atalk: return Linktype(EtherTypeAtalk);
            case QProto.Aarp: return Linktype(EtherTypeAarp);
            case QProto.Decnet: return Linktype(EtherTypeDn);
            case QProto.Sca: return Linktype(EtherTypeSca);
            case QProto.Lat: return Linktype(EtherTypeLat);
            case QProto.Mopdl: return Linktype(EtherTypeMopDl);
            case QProto.Moprc: return Linktype(EtherTypeMopRc);
            case QProto.Ipv6: return Linktype(EtherTypeIpv6);
            case QProto.Icmpv6: return Proto(IpProtoIcmpv6, QProto.Ipv6, QDir.Default);
            case QProto.Ah: return Proto(IpProtoAh, QProto.Default, QDir.Default);
            case QProto.Esp: return Proto(IpProtoEsp, QProto.Default, QDir.Default);
            case QProto.Iso: return Linktype(LlcSapIsoNs);
            case QProto.Esis: return Proto(IsoEsis, QProto.Iso, QDir.Default);
            case QProto.Isis: return Proto(IsoIsis, QProto.Iso, QDir.Default);
            case QProto.IsisL1: return IsisOr(IsisL1LanIih, IsisPtpIih, IsisL1Lsp, IsisL1Csnp, IsisL1Psnp);
            case QProto.IsisL2: return IsisOr(IsisL2LanIih, IsisPtpIih, IsisL2Lsp, IsisL2Csnp, IsisL2Psnp);
            case QProto.IsisIih: return IsisOr(IsisL1LanIih, IsisL2LanIih, IsisPtpIih);
            case QProto.IsisLsp: return IsisOr(IsisL1Lsp, IsisL2Lsp);
            case QProto.IsisSnp: return IsisOr(IsisL1Csnp, IsisL2Csnp, IsisL1Psnp, IsisL2Psnp);
            case QProto.IsisCsnp: return IsisOr(IsisL1Csnp, IsisL2Csnp);
            case QProto.IsisPsnp: return IsisOr(IsisL1Psnp, IsisL2Psnp);
            case QProto.Clnp: return Proto(IsoClnp, QProto.Iso, QDir.Default);
            case QProto.Stp: return Linktype(LlcSap8021D);
            case QProto.Ipx: return Linktype(LlcSapIpx);
            case QProto.Netbeui: return Linktype(LlcSapNetbeui);
            case QProto.Radio: throw Error("'radio' is not a valid protocol type");
            default: throw Error("syntax error in filter expression");
        }

        Block IsisOr(params uint[] types)
        {
            b0 = Proto(types[0], QProto.Isis, QDir.Default);
            b1 = Proto(types[1], QProto.Isis, QDir.Default);
            Block.Or(b0, b1);
            for (int i = 2; i < types.Length; i++)
            {
                b0 = Proto(types[i], QProto.Isis, QDir.Default);
                Block.Or(b0, b1);
            }
            return b1;
        }
    }

    private Block IpFrag()
    {
        var b = NewBlock(JmpK(Bpf.Jset), LoadA(OffRel.LinkPl, 6, Bpf.H), 0x1fff);
        Block.Not(b);
        return b;
    }

    private Block PortAtom(uint off, uint v) => Cmp(OffRel.TranIpv4, off, Bpf.H, v);
    private Block PortAtom6(uint off, uint v) => Cmp(OffRel.TranIpv6, off, Bpf.H, v);

    private Block PortOp(uint port, uint proto, QDir dir)
    {
        var tmp = Cmp(OffRel.LinkPl, 9, Bpf.B, proto);
        var b0 = IpFrag();
        Block.And(tmp, b0);
        var b1 = DirPair(dir, "ports", o => PortAtom(o, port));
        Block.And(b0, b1);
        return b1;
    }

    private Block DirPair(QDir dir, string what, Func<uint, Block> atom)
    {
        switch (dir)
        {
            case QDir.Src: return atom(0);
            case QDir.Dst: return atom(2);
            case QDir.And:
                {
                    var tmp = atom(0);
                    var b1 = atom(2);
                    Block.And(tmp, b1);
                    return b1;
                }
            case QDir.Default:
            case QDir.Or:
                {
                    var tmp = atom(0);
                    var b1 = atom(2);
                    Block.Or(tmp, b1);
                    return b1;
                }
            default:
                throw DirError(dir, what);
        }
    }

    /// <summary>ipProto &lt; 0: tcp, udp or sctp.</summary>
    private Block Port(uint port, int ipProto, QDir dir)
    {
        var b0 = Linktype(EtherTypeIp);
        Block b1;
        if (ipProto >= 0) b1 = PortOp(port, (uint)ipProto, dir);
        else
        {
            var tmp = PortOp(port, IpProtoTcp, dir);
            b1 = PortOp(port, IpProtoUdp, dir);
            Block.Or(tmp, b1);
            tmp = PortOp(port, IpProtoSctp, dir);
            Block.Or(tmp, b1);
        }
        Block.And(b0, b1);
        return b1;
    }

    private Block PortOp6(uint port, uint proto, QDir dir)
    {
        var b0 = Cmp(OffRel.LinkPl, 6, Bpf.B, proto);
        var b1 = DirPair(dir, "ports", o => PortAtom6(o, port));
        Block.And(b0, b1);
        return b1;
    }

    private Block Port6(uint port, int ipProto, QDir dir)
    {
        var b0 = Linktype(EtherTypeIpv6);
        Block b1;
        if (ipProto >= 0) b1 = PortOp6(port, (uint)ipProto, dir);
        else
        {
            var tmp = PortOp6(port, IpProtoTcp, dir);
            b1 = PortOp6(port, IpProtoUdp, dir);
            Block.Or(tmp, b1);
            tmp = PortOp6(port, IpProtoSctp, dir);
            Block.Or(tmp, b1);
        }
        Block.And(b0, b1);
        return b1;
    }

    private Block PortRangeAtom(OffRel rel, uint off, uint v1, uint v2)
    {
        if (v1 > v2) (v1, v2) = (v2, v1);
        var b1 = CmpGe(rel, off, Bpf.H, v1);
        var b2 = CmpLe(rel, off, Bpf.H, v2);
        Block.And(b1, b2);
        return b2;
    }

    private Block PortRangeOp(uint p1, uint p2, uint proto, QDir dir)
    {
        var tmp = Cmp(OffRel.LinkPl, 9, Bpf.B, proto);
        var b0 = IpFrag();
        Block.And(tmp, b0);
        var b1 = DirPair(dir, "port ranges", o => PortRangeAtom(OffRel.TranIpv4, o, p1, p2));
        Block.And(b0, b1);
        return b1;
    }

    private Block PortRange(uint p1, uint p2, int ipProto, QDir dir)
    {
        var b0 = Linktype(EtherTypeIp);
        Block b1;
        if (ipProto >= 0) b1 = PortRangeOp(p1, p2, (uint)ipProto, dir);
        else
        {
            var tmp = PortRangeOp(p1, p2, IpProtoTcp, dir);
            b1 = PortRangeOp(p1, p2, IpProtoUdp, dir);
            Block.Or(tmp, b1);
            tmp = PortRangeOp(p1, p2, IpProtoSctp, dir);
            Block.Or(tmp, b1);
        }
        Block.And(b0, b1);
        return b1;
    }

    private Block PortRangeOp6(uint p1, uint p2, uint proto, QDir dir)
    {
        var b0 = Cmp(OffRel.LinkPl, 6, Bpf.B, proto);
        var b1 = DirPair(dir, "port ranges", o => PortRangeAtom(OffRel.TranIpv6, o, p1, p2));
        Block.And(b0, b1);
        return b1;
    }

    private Block PortRange6(uint p1, uint p2, int ipProto, QDir dir)
    {
        var b0 = Linktype(EtherTypeIpv6);
        Block b1;
        if (ipProto >= 0) b1 = PortRangeOp6(p1, p2, (uint)ipProto, dir);
        else
        {
            var tmp = PortRangeOp6(p1, p2, IpProtoTcp, dir);
            b1 = PortRangeOp6(p1, p2, IpProtoUdp, dir);
            Block.Or(tmp, b1);
            tmp = PortRangeOp6(p1, p2, IpProtoSctp, dir);
            Block.Or(tmp, b1);
        }
        Block.And(b0, b1);
        return b1;
    }

    public Block Proto(uint v, QProto proto, QDir dir)
    {
        if (dir != QDir.Default) throw Error("direction applied to 'proto'");
        Block b0, b1, b2;
        switch (proto)
        {
            case QProto.Default:
                b0 = Proto(v, QProto.Ip, dir);
                b1 = Proto(v, QProto.Ipv6, dir);
                Block.Or(b0, b1);
                return b1;
            case QProto.Link:
                return Linktype(v);
            case QProto.Ip:
                b0 = Linktype(EtherTypeIp);
                b1 = Cmp(OffRel.LinkPl, 9, Bpf.B, v);
                Block.And(b0, b1);
                return b1;
            case QProto.Arp: throw Error("arp does not encapsulate another protocol");
            case QProto.Rarp: throw Error("rarp does not encapsulate another protocol");
            case QProto.Atalk: throw Error("AppleTalk encapsulation is not specifiable");
            case QProto.Decnet: throw Error("DECNET encapsulation is not specifiable");
            case QProto.Lat: throw Error("LAT does not encapsulate another protocol");
            case QProto.Sca: throw Error("SCA does not encapsulate another protocol");
            case QProto.Moprc: throw Error("MOPRC does not encapsulate another protocol");
            case QProto.Mopdl: throw Error("MOPDL does not encapsulate another protocol");
            case QProto.Ipv6:
                b0 = Linktype(EtherTypeIpv6);
                b2 = Cmp(OffRel.LinkPl, 6, Bpf.B, IpProtoFragment);
                b1 = Cmp(OffRel.LinkPl, 40, Bpf.B, v);
                Block.And(b2, b1);
                b2 = Cmp(OffRel.LinkPl, 6, Bpf.B, v);
                Block.Or(b2, b1);
                Block.And(b0, b1);
                return b1;
            case QProto.Iso:
                b0 = Linktype(LlcSapIsoNs);
                b1 = Cmp(OffRel.LinkPlNoSnap, 0, Bpf.B, v);
                Block.And(b0, b1);
                return b1;
            case QProto.Isis:
                b0 = Proto(IsoIsis, QProto.Iso, QDir.Default);
                b1 = Cmp(OffRel.LinkPlNoSnap, 4, Bpf.B, v);
                Block.And(b0, b1);
                return b1;
            case QProto.Clnp: throw Error("'clnp proto' is not supported");
            default: throw Error($"'{ProtoName(proto)} proto' is bogus");
        }
    }

    /// <summary>protochain: walks IPv6 extension headers / IPv4 AH at run time (a loop, so no optimization).</summary>
    public Block Protochain(uint v, QProto proto)
    {
        int reg2 = AllocReg();
        switch (proto)
        {
            case QProto.Ip:
            case QProto.Ipv6:
                break;
            case QProto.Default:
                {
                    var b0d = Protochain(v, QProto.Ip);
                    var bd = Protochain(v, QProto.Ipv6);
                    Block.Or(b0d, bd);
                    return bd;
                }
            default:
                throw Error("bad protocol applied for 'protochain'");
        }
        if (_offLinkPl.IsVariable) throw Error("'protochain' not supported with variable length headers");
        NoOptimize = true;
        var s = new List<Stmt>();
        Block b0;
        uint nl = _offLinkPl.ConstantPart + _offNl;
        if (proto == QProto.Ip)
        {
            b0 = Linktype(EtherTypeIp);
            s.Add(new Stmt(Bpf.Ld | Bpf.Abs | Bpf.B, nl + 9));
            s.Add(new Stmt(Bpf.Ldx | Bpf.Msh | Bpf.B, nl));
        }
        else
        {
            b0 = Linktype(EtherTypeIpv6);
            s.Add(new Stmt(Bpf.Ld | Bpf.Abs | Bpf.B, nl + 6));
            s.Add(new Stmt(Bpf.Ldx | Bpf.Imm, 40));
        }
        // indexes below count from 1 like libpcap's (s[0] is its dummy), so "again - i - 1" offsets come out the same
        int Idx() => s.Count + 1;
        int again = Idx();
        var fix5 = new Stmt(JmpK(Bpf.Jeq), v); s.Add(fix5);
        var fix2 = new Stmt(JmpK(Bpf.Jeq), IpProtoNone); s.Add(fix2);
        fix5.Jf = fix2;
        Stmt? fix3 = null;
        if (proto == QProto.Ipv6)
        {
            var hop = new Stmt(JmpK(Bpf.Jeq), IpProtoHopOpts); s.Add(hop);
            fix2.Jf = hop;
            var dst = new Stmt(JmpK(Bpf.Jeq), IpProtoDstOpts); s.Add(dst); hop.Jf = dst;
            var rt = new Stmt(JmpK(Bpf.Jeq), IpProtoRouting); s.Add(rt); dst.Jf = rt;
            var frag = new Stmt(JmpK(Bpf.Jeq), IpProtoFragment); s.Add(frag); rt.Jf = frag;
            fix3 = frag;
            var advance = new Stmt(Bpf.Ld | Bpf.Ind | Bpf.B, nl); s.Add(advance);
            s.Add(new Stmt(Bpf.St, (uint)reg2));
            s.Add(new Stmt(Bpf.Ld | Bpf.Ind | Bpf.B, nl + 1));
            s.Add(new Stmt(Bpf.Alu | Bpf.Add | Bpf.K, 1));
            s.Add(new Stmt(Bpf.Alu | Bpf.Mul | Bpf.K, 8));
            s.Add(new Stmt(Bpf.Alu | Bpf.Add | Bpf.X, 0));
            s.Add(new Stmt(Bpf.Misc | Bpf.Tax));
            var ldm = new Stmt(Bpf.Ld | Bpf.Mem, (uint)reg2); s.Add(ldm);
            int i = Idx();
            var ja = new Stmt(Bpf.Jmp | Bpf.Ja, (uint)(again - i - 1)); s.Add(ja);
            ldm.Jf = ja;
            foreach (var j in new[] { hop, dst, rt, frag }) j.Jt = advance;
        }
        else
        {
            var add0 = new Stmt(Bpf.Alu | Bpf.Add | Bpf.K, 0); s.Add(add0);
            fix2.Jf = add0;
        }
        var ahcheck = new Stmt(JmpK(Bpf.Jeq), IpProtoAh); s.Add(ahcheck);
        if (fix3 != null) fix3.Jf = ahcheck;
        var fix4 = ahcheck;
        var txa = new Stmt(Bpf.Misc | Bpf.Txa); s.Add(txa);
        fix4.Jt = txa;
        s.Add(new Stmt(Bpf.Ld | Bpf.Ind | Bpf.B, nl));
        var st = new Stmt(Bpf.St, (uint)reg2); s.Add(st);
        var txa2 = new Stmt(Bpf.Misc | Bpf.Txa); s.Add(txa2);
        st.Jt = txa2;
        s.Add(new Stmt(Bpf.Alu | Bpf.Add | Bpf.K, 1));
        s.Add(new Stmt(Bpf.Misc | Bpf.Tax));
        s.Add(new Stmt(Bpf.Ld | Bpf.Ind | Bpf.B, nl));
        s.Add(new Stmt(Bpf.Alu | Bpf.Add | Bpf.K, 2));
        s.Add(new Stmt(Bpf.Alu | Bpf.Mul | Bpf.K, 4));
        s.Add(new Stmt(Bpf.Misc | Bpf.Tax));
        s.Add(new Stmt(Bpf.Ld | Bpf.Mem, (uint)reg2));
        {
            int i = Idx();
            s.Add(new Stmt(Bpf.Jmp | Bpf.Ja, (uint)(again - i - 1)));
        }
        var end = new Stmt(Bpf.Alu | Bpf.Add | Bpf.K, 0); s.Add(end);
        fix2.Jt = end;
        fix4.Jf = end;
        fix5.Jt = end;
        for (int i = 0; i < s.Count - 1; i++) s[i].Next = s[i + 1];
        var b = NewBlock(JmpK(Bpf.Jeq), s[0], v);
        FreeReg(reg2);
        Block.And(b0, b);
        return b;
    }
}
