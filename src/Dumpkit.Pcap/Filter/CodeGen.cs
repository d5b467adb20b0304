// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Pcap.Capture;

namespace Dumpkit.Pcap.Filter;

/// <summary>Protocol qualifier of a primitive (pcap-filter's "proto").</summary>
internal enum QProto : byte
{
    Default, Link, Ip, Arp, Rarp, Sctp, Tcp, Udp, Icmp, Igmp, Igrp, Atalk, Decnet, Lat, Sca, Moprc, Mopdl,
    Ipv6, Icmpv6, Ah, Esp, Pim, Vrrp, Aarp, Iso, Esis, Isis, Clnp, Stp, Ipx, Netbeui,
    IsisL1, IsisL2, IsisIih, IsisSnp, IsisCsnp, IsisPsnp, IsisLsp, Radio, Carp, Undef = 255,
}

/// <summary>Direction qualifier.</summary>
internal enum QDir : byte { Default, Src, Dst, Or, And, Addr1, Addr2, Addr3, Addr4, Ra, Ta, Undef = 255 }

/// <summary>Address-type qualifier.</summary>
internal enum QAddr : byte { Default, Host, Net, Port, Gateway, Proto, Protochain, Portrange, Undef = 255 }

/// <summary>The qualifiers in effect for an identifier.</summary>
internal readonly record struct Qual(QAddr Addr, QProto Proto, QDir Dir)
{
    public static readonly Qual Err = new(QAddr.Undef, QProto.Undef, QDir.Undef);
}

/// <summary>An arithmetic value under construction: code that leaves it in scratch register Regno.</summary>
internal sealed class Arth(Stmt s, int regno)
{
    public Stmt S = s;
    public int Regno = regno;
    public Block? B;
}

/// <summary>Where a packet load is relative to.</summary>
internal enum OffRel { Packet, LinkHdr, PrevLinkHdr, Llc, PrevMplsHdr, LinkPl, LinkPlNoSnap, LinkType, TranIpv4, TranIpv6 }

/// <summary>An offset with an optional run-time part held in a scratch register.</summary>
internal sealed class AbsOffset
{
    public bool IsVariable;
    public uint ConstantPart;
    public int Reg = -1;

    public AbsOffset Clone() => (AbsOffset)MemberwiseClone();
}

/// <summary>
/// Code generation for pcap-filter primitives: each generator returns a block list whose exits are resolved later,
/// shaped the way libpcap 1.10 shapes its code so that listings (and the optimizer's input) are the same.
/// </summary>
internal sealed partial class CodeGen
{
    public const uint OffsetNotSet = 0xffffffff;

    // ethertypes and SAPs
    public const uint EtherTypeIp = 0x0800, EtherTypeArp = 0x0806, EtherTypeRevArp = 0x8035, EtherTypeIpv6 = 0x86dd,
        EtherTypeAtalk = 0x809b, EtherTypeAarp = 0x80f3, EtherTypeDn = 0x6003, EtherTypeSca = 0x6007, EtherTypeLat = 0x6004,
        EtherTypeMopDl = 0x6001, EtherTypeMopRc = 0x6002, EtherType8021Q = 0x8100, EtherType8021AD = 0x88a8,
        EtherType8021QinQ = 0x9100, EtherTypeMpls = 0x8847, EtherTypePppoeD = 0x8863, EtherTypePppoeS = 0x8864,
        EtherTypeTeb = 0x6558, EtherTypeLoopback = 0x9000, EtherTypeNs = 0x0600, EtherTypeIpx = 0x8137, EtherMtu = 1500;
    public const uint LlcSapIsoNs = 0xfe, LlcSapIp = 0x06, LlcSapNetbeui = 0xf0, LlcSapIpx = 0xe0, LlcSap8021D = 0x42, LlcSapSnap = 0xaa;
    public const uint SllP8023 = 0x0001, SllP8022 = 0x0004;

    private readonly int _snaplen;
    private readonly uint? _netmask;
    private readonly bool _fromFile, _swapped, _linuxExt;
    public bool NoOptimize;
    private readonly Names _names;

    private int _linktype, _outermostLinktype, _prevLinktype;
    private AbsOffset _offLinkHdr = new(), _offPrevLinkHdr = new(), _offOutermostLinkHdr = new(), _offLinkPl = new(), _offLinkType = new();
    private uint _offNl, _offNlNoSnap;
    private bool _isGeneve, _isVlanVloffset;
    private int _labelStackDepth, _vlanStackDepth;
    private readonly bool[] _regUsed = new bool[Bpf.MemWords];
    private int _curReg;

    /// <param name="linktype">the DLT compiled for</param>
    /// <param name="snaplen">what an accepting program returns</param>
    /// <param name="netmask">for "ip broadcast"; null = unknown</param>
    /// <param name="fromFile">compiling for a savefile (libpcap's rfile != NULL): DLT_NULL checks all BSD AF_INET6 values, inbound/ifindex are refused</param>
    /// <param name="swapped">the savefile's byte order differs from ours (DLT_NULL family values are swapped)</param>
    /// <param name="linuxExt">Linux socket-filter mode (live capture): VLAN tests through [vlanp]/[vlan_tci]</param>
    /// <param name="names">where host, service, protocol and network names are looked up</param>
    public CodeGen(int linktype, int snaplen, uint? netmask, bool fromFile, bool swapped, bool linuxExt, Names names)
    {
        _snaplen = snaplen;
        _netmask = netmask;
        _fromFile = fromFile;
        _swapped = swapped;
        _linuxExt = linuxExt;
        _names = names;
        InitLinktype(linktype);
    }

    private static FilterException Error(string msg) => new(msg);

    private void InitLinktype(int dlt)
    {
        _outermostLinktype = _prevLinktype = _linktype = dlt;
        switch (dlt)
        {
            case LinkTypes.Ethernet:
                _offLinkType.ConstantPart = 12; _offLinkPl.ConstantPart = 14; _offNl = 0; _offNlNoSnap = 3; break;
            case LinkTypes.Null:
            case LinkTypes.Loop:
                _offLinkType.ConstantPart = 0; _offLinkPl.ConstantPart = 4; _offNl = 0; _offNlNoSnap = 0; break;
            case LinkTypes.Raw:
            case LinkTypes.Ipv4:
            case LinkTypes.Ipv6:
                _offLinkType.ConstantPart = OffsetNotSet; _offLinkPl.ConstantPart = 0; _offNl = 0; _offNlNoSnap = 0; break;
            case LinkTypes.LinuxSll:
                _offLinkType.ConstantPart = 14; _offLinkPl.ConstantPart = 16; _offNl = 0; _offNlNoSnap = 0; break;
            case LinkTypes.LinuxSll2:
                _offLinkType.ConstantPart = 0; _offLinkPl.ConstantPart = 20; _offNl = 0; _offNlNoSnap = 0; break;
            case 9: // PPP
                _offLinkType.ConstantPart = 2; _offLinkPl.ConstantPart = 4; _offNl = 0; _offNlNoSnap = 0; break;
            default:
                // libpcap's "matching" range (DLT_MATCHING_MIN..MAX, e.g. DOCSIS, NFLOG): only raw link[N:M] filtering
                if (dlt < 104 || dlt > 289) throw Error($"unknown data link type {dlt}");
                _offLinkType.ConstantPart = OffsetNotSet; _offLinkPl.ConstantPart = OffsetNotSet; _offNl = OffsetNotSet;
                _offNlNoSnap = OffsetNotSet;
                break;
        }
        _offOutermostLinkHdr = _offLinkHdr.Clone();
        _offPrevLinkHdr = _offLinkHdr.Clone();
    }

    /// <summary>libpcap's description of the current link type, for error messages.</summary>
    private string LinkDescription => LinkTypes.Describe(_linktype)?.Desc ?? $"DLT {_linktype}";

    // ---- registers ------------------------------------------------------------------------------------------

    private int AllocReg()
    {
        for (int n = Bpf.MemWords; --n >= 0;)
        {
            if (_regUsed[_curReg]) _curReg = (_curReg + 1) % Bpf.MemWords;
            else
            {
                _regUsed[_curReg] = true;
                return _curReg;
            }
        }
        throw Error("too many registers needed to evaluate expression");
    }

    private void FreeReg(int n) => _regUsed[n] = false;

    // ---- finishing ----------------------------------------------------------------------------------------------

    /// <summary>Resolves the expression's exits to "accept" / "reject" returns; returns the root block.</summary>
    public Block Finish(Block p)
    {
        InsertComputeVlOffsets(p.Head);
        Block.Backpatch(p, RetBlock((uint)_snaplen));
        p.Sense = !p.Sense;
        Block.Backpatch(p, RetBlock(0));
        return p.Head;
    }

    public Block RetBlock(uint v) => new(Bpf.Ret | Bpf.K, v);

    private void InsertComputeVlOffsets(Block b)
    {
        if (_offLinkPl.Reg != -1 && _offLinkHdr.IsVariable && _offLinkHdr.Reg == -1)
            _offLinkHdr.Reg = AllocReg();
        if (_isVlanVloffset)
        {
            if (_offLinkPl.Reg == -1) _offLinkPl.Reg = AllocReg();
            if (_offLinkType.Reg == -1) _offLinkType.Reg = AllocReg();
            var s = new Stmt(Bpf.Ld | Bpf.W | Bpf.Imm, 0);
            Stmt.Append(s, new Stmt(Bpf.St, (uint)_offLinkPl.Reg));
            Stmt.Append(s, new Stmt(Bpf.St, (uint)_offLinkType.Reg));
            Stmt.Append(s, b.Stmts);
            b.Stmts = s;
        }
    }

    // ---- loads and comparisons ----------------------------------------------------------------------------------

    private static Block NewBlock(int code, Stmt? stmts = null, uint k = 0) => new(code, k) { Stmts = stmts };

    private static int JmpK(int op) => Bpf.Jmp | op | Bpf.K;

    private Block Cmp(OffRel rel, uint offset, int size, uint v) => NCmp(rel, offset, size, 0xffffffff, Bpf.Jeq, false, v);
    private Block CmpGt(OffRel rel, uint offset, int size, uint v) => NCmp(rel, offset, size, 0xffffffff, Bpf.Jgt, false, v);
    private Block CmpGe(OffRel rel, uint offset, int size, uint v) => NCmp(rel, offset, size, 0xffffffff, Bpf.Jge, false, v);
    private Block CmpLt(OffRel rel, uint offset, int size, uint v) => NCmp(rel, offset, size, 0xffffffff, Bpf.Jge, true, v);
    private Block CmpLe(OffRel rel, uint offset, int size, uint v) => NCmp(rel, offset, size, 0xffffffff, Bpf.Jgt, true, v);
    private Block MCmp(OffRel rel, uint offset, int size, uint v, uint mask) => NCmp(rel, offset, size, mask, Bpf.Jeq, false, v);

    private Block NCmp(OffRel rel, uint offset, int size, uint mask, int jtype, bool reverse, uint v)
    {
        var s = LoadA(rel, offset, size);
        if (mask != 0xffffffff) Stmt.Append(s, new Stmt(Bpf.Alu | Bpf.And | Bpf.K, mask));
        var b = NewBlock(JmpK(jtype), s, v);
        if (reverse && (jtype == Bpf.Jgt || jtype == Bpf.Jge)) Block.Not(b);
        return b;
    }

    /// <summary>Compares size bytes at offset with v (big-endian), as a conjunction of word/half/byte tests.</summary>
    private Block BCmp(OffRel rel, uint offset, uint size, ReadOnlySpan<byte> v)
    {
        Block? b = null;
        while (size >= 4)
        {
            var p = v[(int)(size - 4)..];
            var tmp = Cmp(rel, offset + size - 4, Bpf.W, (uint)(p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]));
            if (b != null) Block.And(b, tmp);
            b = tmp;
            size -= 4;
        }
        while (size >= 2)
        {
            var p = v[(int)(size - 2)..];
            var tmp = Cmp(rel, offset + size - 2, Bpf.H, (uint)(p[0] << 8 | p[1]));
            if (b != null) Block.And(b, tmp);
            b = tmp;
            size -= 2;
        }
        if (size > 0)
        {
            var tmp = Cmp(rel, offset, Bpf.B, v[0]);
            if (b != null) Block.And(b, tmp);
            b = tmp;
        }
        return b!;
    }

    private Stmt? AbsOffsetVarPart(AbsOffset off)
    {
        if (!off.IsVariable) return null;
        if (off.Reg == -1) off.Reg = AllocReg();
        return new Stmt(Bpf.Ldx | Bpf.Mem, (uint)off.Reg);
    }

    private Stmt LoadAbsOffsetRel(AbsOffset abs, uint offset, int size)
    {
        var s = AbsOffsetVarPart(abs);
        if (s != null)
        {
            Stmt.Append(s, new Stmt(Bpf.Ld | Bpf.Ind | size, abs.ConstantPart + offset));
            return s;
        }
        return new Stmt(Bpf.Ld | Bpf.Abs | size, abs.ConstantPart + offset);
    }

    private Stmt LoadA(OffRel rel, uint offset, int size)
    {
        switch (rel)
        {
            case OffRel.Packet: return new Stmt(Bpf.Ld | Bpf.Abs | size, offset);
            case OffRel.LinkHdr: return LoadAbsOffsetRel(_offLinkHdr, offset, size);
            case OffRel.PrevLinkHdr: return LoadAbsOffsetRel(_offPrevLinkHdr, offset, size);
            case OffRel.Llc: return LoadAbsOffsetRel(_offLinkPl, offset, size);
            case OffRel.PrevMplsHdr: return LoadAbsOffsetRel(_offLinkPl, _offNl - 4 + offset, size);
            case OffRel.LinkPl: return LoadAbsOffsetRel(_offLinkPl, _offNl + offset, size);
            case OffRel.LinkPlNoSnap: return LoadAbsOffsetRel(_offLinkPl, _offNlNoSnap + offset, size);
            case OffRel.LinkType: return LoadAbsOffsetRel(_offLinkType, offset, size);
            case OffRel.TranIpv4:
                {
                    var s = LoadXIpHdrLen();
                    Stmt.Append(s, new Stmt(Bpf.Ld | Bpf.Ind | size, _offLinkPl.ConstantPart + _offNl + offset));
                    return s;
                }
            default: return LoadAbsOffsetRel(_offLinkPl, _offNl + 40 + offset, size);
        }
    }

    /// <summary>X = IPv4 header length (+ the variable part of the link-layer payload offset).</summary>
    private Stmt LoadXIpHdrLen()
    {
        var s = AbsOffsetVarPart(_offLinkPl);
        if (s != null)
        {
            Stmt.Append(s, new Stmt(Bpf.Ld | Bpf.Ind | Bpf.B, _offLinkPl.ConstantPart + _offNl));
            Stmt.Append(s, new Stmt(Bpf.Alu | Bpf.And | Bpf.K, 0xf));
            Stmt.Append(s, new Stmt(Bpf.Alu | Bpf.Lsh | Bpf.K, 2));
            Stmt.Append(s, new Stmt(Bpf.Alu | Bpf.Add | Bpf.X));
            Stmt.Append(s, new Stmt(Bpf.Misc | Bpf.Tax));
            return s;
        }
        return new Stmt(Bpf.Ldx | Bpf.Msh | Bpf.B, _offLinkPl.ConstantPart + _offNl);
    }

    private static Block Uncond(bool rsense) => NewBlock(JmpK(Bpf.Jeq), new Stmt(Bpf.Ld | Bpf.Imm, rsense ? 0u : 1u));
    public static Block True() => Uncond(true);
    public static Block False() => Uncond(false);

    // ---- link-layer type tests ------------------------------------------------------------------------------------

    private Block EtherLinktype(uint llProto)
    {
        Block b0, b1;
        switch (llProto)
        {
            case LlcSapIsoNs:
            case LlcSapIp:
            case LlcSapNetbeui:
                b0 = CmpGt(OffRel.LinkType, 0, Bpf.H, EtherMtu);
                Block.Not(b0);
                b1 = Cmp(OffRel.Llc, 0, Bpf.H, llProto << 8 | llProto);
                Block.And(b0, b1);
                return b1;
            case LlcSapIpx:
                b0 = Cmp(OffRel.Llc, 0, Bpf.B, LlcSapIpx);
                b1 = Cmp(OffRel.Llc, 0, Bpf.H, 0xffff);
                Block.Or(b0, b1);
                b0 = Snap(0x000000, EtherTypeIpx);
                Block.Or(b0, b1);
                b0 = CmpGt(OffRel.LinkType, 0, Bpf.H, EtherMtu);
                Block.Not(b0);
                Block.And(b0, b1);
                b0 = Cmp(OffRel.LinkType, 0, Bpf.H, EtherTypeIpx);
                Block.Or(b0, b1);
                return b1;
            case EtherTypeAtalk:
            case EtherTypeAarp:
                b0 = CmpGt(OffRel.LinkType, 0, Bpf.H, EtherMtu);
                Block.Not(b0);
                b1 = llProto == EtherTypeAtalk ? Snap(0x080007, EtherTypeAtalk) : Snap(0x000000, EtherTypeAarp);
                Block.And(b0, b1);
                b0 = Cmp(OffRel.LinkType, 0, Bpf.H, llProto);
                Block.Or(b0, b1);
                return b1;
            default:
                if (llProto <= EtherMtu)
                {
                    b0 = CmpGt(OffRel.LinkType, 0, Bpf.H, EtherMtu);
                    Block.Not(b0);
                    b1 = Cmp(OffRel.LinkType, 2, Bpf.B, llProto);
                    Block.And(b0, b1);
                    return b1;
                }
                return Cmp(OffRel.LinkType, 0, Bpf.H, llProto);
        }
    }

    private Block LinuxSllLinktype(uint llProto)
    {
        Block b0, b1;
        switch (llProto)
        {
            case LlcSapIsoNs:
            case LlcSapIp:
            case LlcSapNetbeui:
                b0 = Cmp(OffRel.LinkType, 0, Bpf.H, SllP8022);
                b1 = Cmp(OffRel.Llc, 0, Bpf.H, llProto << 8 | llProto);
                Block.And(b0, b1);
                return b1;
            case LlcSapIpx:
                b0 = Cmp(OffRel.Llc, 0, Bpf.B, LlcSapIpx);
                b1 = Snap(0x000000, EtherTypeIpx);
                Block.Or(b0, b1);
                b0 = Cmp(OffRel.LinkType, 0, Bpf.H, SllP8022);
                Block.And(b0, b1);
                b0 = Cmp(OffRel.LinkType, 0, Bpf.H, SllP8023);
                Block.Or(b0, b1);
                b0 = Cmp(OffRel.LinkType, 0, Bpf.H, EtherTypeIpx);
                Block.Or(b0, b1);
                return b1;
            case EtherTypeAtalk:
            case EtherTypeAarp:
                b0 = Cmp(OffRel.LinkType, 0, Bpf.H, SllP8022);
                b1 = llProto == EtherTypeAtalk ? Snap(0x080007, EtherTypeAtalk) : Snap(0x000000, EtherTypeAarp);
                Block.And(b0, b1);
                b0 = Cmp(OffRel.LinkType, 0, Bpf.H, llProto);
                Block.Or(b0, b1);
                return b1;
            default:
                if (llProto <= EtherMtu)
                {
                    b0 = Cmp(OffRel.LinkType, 0, Bpf.H, SllP8022);
                    b1 = Cmp(OffRel.LinkHdr, _offLinkPl.ConstantPart, Bpf.B, llProto);
                    Block.And(b0, b1);
                    return b1;
                }
                return Cmp(OffRel.LinkType, 0, Bpf.H, llProto);
        }
    }

    private Block Snap(uint orgcode, uint ptype)
    {
        ReadOnlySpan<byte> snap = [(byte)LlcSapSnap, (byte)LlcSapSnap, 0x03,
            (byte)(orgcode >> 16), (byte)(orgcode >> 8), (byte)orgcode, (byte)(ptype >> 8), (byte)ptype];
        return BCmp(OffRel.Llc, 0, 8, snap);
    }

    private Block LoopbackLinktype(uint llProto)
    {
        if (_linktype == LinkTypes.Null)
        {
            if (_fromFile && _swapped) llProto = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(llProto);
            llProto = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(llProto); // htonl on a little-endian host
        }
        return Cmp(OffRel.LinkHdr, 0, Bpf.W, llProto);
    }

    private static uint EtherTypeToPppType(uint p) => p switch
    {
        EtherTypeIp => 0x21,
        EtherTypeIpv6 => 0x57,
        EtherTypeDn => 0x27,
        EtherTypeAtalk => 0x29,
        EtherTypeNs => 0x25,
        LlcSapIsoNs => 0x23,
        LlcSap8021D => 0x31,
        LlcSapIpx => 0x2b,
        _ => p,
    };

    private Block? PrevLinkHdrCheck() => _isGeneve ? GeneveLlCheck() : null;

    private Block Linktype(uint llProto)
    {
        if (_labelStackDepth > 0) return MplsLinktype(llProto);
        switch (_linktype)
        {
            case LinkTypes.Ethernet:
                {
                    Block? b0 = _isGeneve ? null : PrevLinkHdrCheck();
                    var b1 = EtherLinktype(llProto);
                    if (b0 != null) Block.And(b0, b1);
                    return b1;
                }
            case LinkTypes.LinuxSll:
                return LinuxSllLinktype(llProto);
            case LinkTypes.Raw:
                return llProto switch
                {
                    EtherTypeIp => MCmp(OffRel.LinkHdr, 0, Bpf.B, 0x40, 0xf0),
                    EtherTypeIpv6 => MCmp(OffRel.LinkHdr, 0, Bpf.B, 0x60, 0xf0),
                    _ => False(),
                };
            case LinkTypes.Ipv4:
                return llProto == EtherTypeIp ? True() : False();
            case LinkTypes.Ipv6:
                return llProto == EtherTypeIpv6 ? True() : False();
            case 9: // PPP
                return Cmp(OffRel.LinkType, 0, Bpf.H, EtherTypeToPppType(llProto));
            case LinkTypes.Null:
            case LinkTypes.Loop:
                switch (llProto)
                {
                    case EtherTypeIp:
                        return LoopbackLinktype(2);
                    case EtherTypeIpv6:
                        if (_fromFile)
                        {
                            var b0 = LoopbackLinktype(24);
                            var b1 = LoopbackLinktype(28);
                            Block.Or(b0, b1);
                            b0 = LoopbackLinktype(30);
                            Block.Or(b0, b1);
                            return b1;
                        }
                        return LoopbackLinktype(10);
                    default:
                        return False();
                }
            case LinkTypes.Docsis:
                throw Error("DOCSIS link-layer type filtering not implemented");
            case LinkTypes.Nflog:
                throw Error("NFLOG link-layer type filtering not implemented");
            default:
                if (_offLinkType.ConstantPart != OffsetNotSet) return Cmp(OffRel.LinkType, 0, Bpf.H, llProto);
                throw Error($"{LinkDescription} link-layer type filtering not implemented");
        }
    }
}
