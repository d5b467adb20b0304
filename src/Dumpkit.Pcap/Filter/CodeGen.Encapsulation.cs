// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Pcap.Capture;

namespace Dumpkit.Pcap.Filter;

// vlan / mpls / pppoed / pppoes / geneve: these move the offsets used by everything after them
internal sealed partial class CodeGen
{
    private Block MplsLinktype(uint llProto)
    {
        Block b0, b1;
        switch (llProto)
        {
            case EtherTypeIp:
                b0 = MCmp(OffRel.LinkPl, unchecked((uint)-2), Bpf.B, 0x01, 0x01);
                b1 = MCmp(OffRel.LinkPl, 0, Bpf.B, 0x40, 0xf0);
                Block.And(b0, b1);
                return b1;
            case EtherTypeIpv6:
                b0 = MCmp(OffRel.LinkPl, unchecked((uint)-2), Bpf.B, 0x01, 0x01);
                b1 = MCmp(OffRel.LinkPl, 0, Bpf.B, 0x60, 0xf0);
                Block.And(b0, b1);
                return b1;
            default:
                throw Error("unsupported protocol over mpls");
        }
    }

    private Block VlanTpidTest()
    {
        var b0 = Linktype(EtherType8021Q);
        var b1 = Linktype(EtherType8021AD);
        Block.Or(b0, b1);
        b0 = b1;
        b1 = Linktype(EtherType8021QinQ);
        Block.Or(b0, b1);
        return b1;
    }

    private Block VlanVidTest(uint vlan)
    {
        if (vlan > 0x0fff) throw Error($"VLAN tag {vlan} greater than maximum {0x0fff}");
        return MCmp(OffRel.LinkPl, 0, Bpf.H, vlan, 0x0fff);
    }

    private Block VlanNoBpfExtensions(uint vlan, bool hasTag)
    {
        var b0 = VlanTpidTest();
        if (hasTag)
        {
            var b1 = VlanVidTest(vlan);
            Block.And(b0, b1);
            b0 = b1;
        }
        _offLinkPl.ConstantPart += 4;
        _offLinkType.ConstantPart += 4;
        return b0;
    }

    private void VlanVlOffsetAdd(AbsOffset off, uint v, Stmt s)
    {
        off.IsVariable = true;
        if (off.Reg == -1) off.Reg = AllocReg();
        Stmt.Append(s, new Stmt(Bpf.Ld | Bpf.Mem, (uint)off.Reg));
        Stmt.Append(s, new Stmt(Bpf.Alu | Bpf.Add | Bpf.K, v));
        Stmt.Append(s, new Stmt(Bpf.St, (uint)off.Reg));
    }

    private void VlanPatchTpidTest(Block bTpid)
    {
        var s = new Stmt(Stmt.Nop);
        _isVlanVloffset = true;
        VlanVlOffsetAdd(_offLinkPl, 4, s);
        VlanVlOffsetAdd(_offLinkType, 4, s);
        Stmt.Append(s.Next!, bTpid.Head.Stmts);
        bTpid.Head.Stmts = s.Next;
    }

    private void VlanPatchVidTest(Block bVid)
    {
        var s = new Stmt(Bpf.Ld | Bpf.B | Bpf.Abs, Bpf.SkfAdOff + Bpf.SkfAdVlanTagPresent);
        var sjeq = new Stmt(JmpK(Bpf.Jeq), 1) { Jf = bVid.Stmts };
        Stmt.Append(s, sjeq);
        var s2 = new Stmt(Bpf.Ld | Bpf.B | Bpf.Abs, Bpf.SkfAdOff + Bpf.SkfAdVlanTag);
        Stmt.Append(s, s2);
        sjeq.Jt = s2;
        uint cnt = 0;
        for (var x = bVid.Stmts; x != null; x = x.Next) cnt++;
        Stmt.Append(s, new Stmt(Bpf.Jmp | Bpf.Ja, cnt - 1));
        Stmt.Append(s, bVid.Stmts);
        bVid.Stmts = s;
    }

    private Block VlanBpfExtensions(uint vlan, bool hasTag)
    {
        var b0 = NewBlock(JmpK(Bpf.Jeq), new Stmt(Bpf.Ld | Bpf.B | Bpf.Abs, Bpf.SkfAdOff + Bpf.SkfAdVlanTagPresent), 1);
        var bTpid = VlanTpidTest();
        Block? bVid = hasTag ? VlanVidTest(vlan) : null;
        VlanPatchTpidTest(bTpid);
        Block.Or(b0, bTpid);
        b0 = bTpid;
        if (bVid != null)
        {
            VlanPatchVidTest(bVid);
            Block.And(b0, bVid);
            b0 = bVid;
        }
        return b0;
    }

    public Block Vlan(uint vlan, bool hasTag)
    {
        if (_labelStackDepth > 0) throw Error("no VLAN match after MPLS");
        Block b0;
        if (_linktype == LinkTypes.Ethernet)
        {
            if (_vlanStackDepth == 0 && !_offLinkHdr.IsVariable && _offLinkHdr.ConstantPart == _offOutermostLinkHdr.ConstantPart && _linuxExt)
                b0 = VlanBpfExtensions(vlan, hasTag);
            else
                b0 = VlanNoBpfExtensions(vlan, hasTag);
        }
        else throw Error($"no VLAN support for {LinkDescription}");
        _vlanStackDepth++;
        return b0;
    }

    public Block Mpls(uint label, bool hasLabel)
    {
        Block b0;
        if (_labelStackDepth > 0) b0 = MCmp(OffRel.PrevMplsHdr, 2, Bpf.B, 0, 0x01);
        else if (_linktype == LinkTypes.Ethernet) b0 = Linktype(EtherTypeMpls);
        else if (_linktype == 9) b0 = Linktype(0x0281);
        else throw Error($"no MPLS support for {LinkDescription}");
        if (hasLabel)
        {
            if (label > 0xfffff) throw Error($"MPLS label {label} greater than maximum {0xfffff}");
            var b1 = MCmp(OffRel.LinkPl, 0, Bpf.W, label << 12, 0xfffff000);
            Block.And(b0, b1);
            b0 = b1;
        }
        _offNlNoSnap += 4;
        _offNl += 4;
        _labelStackDepth++;
        return b0;
    }

    public Block PppoeD() => Linktype(EtherTypePppoeD);

    public Block PppoeS(uint sess, bool hasSess)
    {
        var b0 = Linktype(EtherTypePppoeS);
        if (hasSess)
        {
            if (sess > 0xffff) throw Error($"PPPoE session number {sess} greater than maximum {0xffff}");
            var b1 = MCmp(OffRel.LinkPl, 0, Bpf.W, sess, 0x0000ffff);
            Block.And(b0, b1);
            b0 = b1;
        }
        PushLinkHdr(9, _offLinkPl.IsVariable, _offLinkPl.ConstantPart + _offNl + 6, _offLinkPl.Reg);
        _offLinkType = _offLinkHdr.Clone();
        _offLinkPl.ConstantPart = _offLinkHdr.ConstantPart + 2;
        _offNl = 0;
        _offNlNoSnap = 0;
        return b0;
    }

    private void PushLinkHdr(int newLinktype, bool isVariable, uint constantPart, int reg)
    {
        _prevLinktype = _linktype;
        _offPrevLinkHdr = _offLinkHdr.Clone();
        _linktype = newLinktype;
        _offLinkHdr = new AbsOffset { IsVariable = isVariable, ConstantPart = constantPart, Reg = reg };
        _isGeneve = false;
    }

    private Block GeneveCheck(bool v6, uint vni, bool hasVni)
    {
        const uint GenevePort = 6081;
        var rel = v6 ? OffRel.TranIpv6 : OffRel.TranIpv4;
        var b0 = v6 ? Port6(GenevePort, (int)IpProtoUdp, QDir.Dst) : Port(GenevePort, (int)IpProtoUdp, QDir.Dst);
        var b1 = MCmp(rel, 8, Bpf.B, 0, 0xc0);
        Block.And(b0, b1);
        b0 = b1;
        if (hasVni)
        {
            if (vni > 0xffffff) throw Error($"Geneve VNI {vni} greater than maximum {0xffffff}");
            b1 = MCmp(rel, 12, Bpf.W, vni << 8, 0xffffff00);
            Block.And(b0, b1);
            b0 = b1;
        }
        return b0;
    }

    private Block Geneve4(uint vni, bool hasVni)
    {
        var b0 = GeneveCheck(false, vni, hasVni);
        var s = LoadXIpHdrLen();
        Stmt.Append(s, new Stmt(Bpf.Misc | Bpf.Txa));
        var b1 = NewBlock(Bpf.Jmp | Bpf.Jeq | Bpf.X, s);
        Block.And(b0, b1);
        return b1;
    }

    private Block Geneve6(uint vni, bool hasVni)
    {
        var b0 = GeneveCheck(true, vni, hasVni);
        var s = AbsOffsetVarPart(_offLinkPl);
        if (s != null)
        {
            Stmt.Append(s, new Stmt(Bpf.Ld | Bpf.Imm, 40));
            Stmt.Append(s, new Stmt(Bpf.Alu | Bpf.Add | Bpf.X, 0));
        }
        else s = new Stmt(Bpf.Ld | Bpf.Imm, 40);
        Stmt.Append(s, new Stmt(Bpf.Misc | Bpf.Tax));
        var b1 = NewBlock(Bpf.Jmp | Bpf.Jeq | Bpf.X, s);
        Block.And(b0, b1);
        return b1;
    }

    private Stmt GeneveOffsets()
    {
        var s = new Stmt(Bpf.Alu | Bpf.Add | Bpf.K, _offLinkPl.ConstantPart + _offNl + 8);
        Stmt.Append(s, new Stmt(Bpf.Misc | Bpf.Tax));
        Stmt.Append(s, new Stmt(Bpf.Alu | Bpf.Add | Bpf.K, 2));
        _offLinkType.Reg = AllocReg();
        _offLinkType.IsVariable = true;
        _offLinkType.ConstantPart = 0;
        Stmt.Append(s, new Stmt(Bpf.St, (uint)_offLinkType.Reg));
        Stmt.Append(s, new Stmt(Bpf.Ld | Bpf.Ind | Bpf.B, 0));
        Stmt.Append(s, new Stmt(Bpf.Alu | Bpf.And | Bpf.K, 0x3f));
        Stmt.Append(s, new Stmt(Bpf.Alu | Bpf.Mul | Bpf.K, 4));
        Stmt.Append(s, new Stmt(Bpf.Alu | Bpf.Add | Bpf.K, 8));
        Stmt.Append(s, new Stmt(Bpf.Alu | Bpf.Add | Bpf.X, 0));
        PushLinkHdr(LinkTypes.Ethernet, true, 0, AllocReg());
        Stmt.Append(s, new Stmt(Bpf.St, (uint)_offLinkHdr.Reg));
        NoOptimize = true;
        Stmt.Append(s, new Stmt(Bpf.Ld | Bpf.Ind | Bpf.H, 2));
        Stmt.Append(s, new Stmt(Bpf.Ldx | Bpf.Mem, (uint)_offLinkHdr.Reg));
        var sProto = new Stmt(JmpK(Bpf.Jeq), EtherTypeTeb);
        Stmt.Append(s, sProto);
        var txa = new Stmt(Bpf.Misc | Bpf.Txa);
        Stmt.Append(s, txa);
        sProto.Jt = txa;
        Stmt.Append(s, new Stmt(Bpf.Alu | Bpf.Add | Bpf.K, 12));
        Stmt.Append(s, new Stmt(Bpf.St, (uint)_offLinkType.Reg));
        Stmt.Append(s, new Stmt(Bpf.Alu | Bpf.Add | Bpf.K, 2));
        Stmt.Append(s, new Stmt(Bpf.Misc | Bpf.Tax));
        _offLinkPl.Reg = AllocReg();
        _offLinkPl.IsVariable = true;
        _offLinkPl.ConstantPart = 0;
        var stx = new Stmt(Bpf.Stx, (uint)_offLinkPl.Reg);
        Stmt.Append(s, stx);
        sProto.Jf = stx;
        _offNl = 0;
        return s;
    }

    public Block Geneve(uint vni, bool hasVni)
    {
        var b0 = Geneve4(vni, hasVni);
        var b1 = Geneve6(vni, hasVni);
        Block.Or(b0, b1);
        b0 = b1;
        var s = GeneveOffsets();
        b1 = True();
        Stmt.Append(s, b1.Stmts);
        b1.Stmts = s;
        Block.And(b0, b1);
        _isGeneve = true;
        return b1;
    }

    private Block GeneveLlCheck()
    {
        var s = new Stmt(Bpf.Ld | Bpf.Mem, (uint)_offLinkHdr.Reg);
        Stmt.Append(s, new Stmt(Bpf.Ldx | Bpf.Mem, (uint)_offLinkPl.Reg));
        var b0 = NewBlock(Bpf.Jmp | Bpf.Jeq | Bpf.X, s);
        Block.Not(b0);
        return b0;
    }
}
