// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Pcap.Capture;

namespace Dumpkit.Pcap.Filter;

// host / net / ether host / broadcast / multicast
internal sealed partial class CodeGen
{
    private static FilterException DirError(QDir dir, string what) => dir switch
    {
        QDir.Addr1 => Error($"'addr1' and 'address1' are not valid qualifiers for {what}"),
        QDir.Addr2 => Error($"'addr2' and 'address2' are not valid qualifiers for {what}"),
        QDir.Addr3 => Error($"'addr3' and 'address3' are not valid qualifiers for {what}"),
        QDir.Addr4 => Error($"'addr4' and 'address4' are not valid qualifiers for {what}"),
        QDir.Ra => Error($"'ra' is not a valid qualifier for {what}"),
        QDir.Ta => Error($"'ta' is not a valid qualifier for {what}"),
        _ => Error("syntax error in filter expression"),
    };

    private Block HostOp(uint addr, uint mask, QDir dir, uint llProto, uint srcOff, uint dstOff)
    {
        uint offset;
        Block b0, b1;
        switch (dir)
        {
            case QDir.Src: offset = srcOff; break;
            case QDir.Dst: offset = dstOff; break;
            case QDir.And:
                b0 = HostOp(addr, mask, QDir.Src, llProto, srcOff, dstOff);
                b1 = HostOp(addr, mask, QDir.Dst, llProto, srcOff, dstOff);
                Block.And(b0, b1);
                return b1;
            case QDir.Default:
            case QDir.Or:
                b0 = HostOp(addr, mask, QDir.Src, llProto, srcOff, dstOff);
                b1 = HostOp(addr, mask, QDir.Dst, llProto, srcOff, dstOff);
                Block.Or(b0, b1);
                return b1;
            default:
                throw DirError(dir, "addresses other than 802.11 MAC addresses");
        }
        b0 = Linktype(llProto);
        b1 = MCmp(OffRel.LinkPl, offset, Bpf.W, addr, mask);
        Block.And(b0, b1);
        return b1;
    }

    private Block HostOp6(ReadOnlySpan<uint> addr, ReadOnlySpan<uint> mask, QDir dir, uint llProto, uint srcOff, uint dstOff)
    {
        uint offset;
        Block b0, b1;
        switch (dir)
        {
            case QDir.Src: offset = srcOff; break;
            case QDir.Dst: offset = dstOff; break;
            case QDir.And:
                b0 = HostOp6(addr, mask, QDir.Src, llProto, srcOff, dstOff);
                b1 = HostOp6(addr, mask, QDir.Dst, llProto, srcOff, dstOff);
                Block.And(b0, b1);
                return b1;
            case QDir.Default:
            case QDir.Or:
                b0 = HostOp6(addr, mask, QDir.Src, llProto, srcOff, dstOff);
                b1 = HostOp6(addr, mask, QDir.Dst, llProto, srcOff, dstOff);
                Block.Or(b0, b1);
                return b1;
            default:
                throw DirError(dir, "addresses other than 802.11 MAC addresses");
        }
        b1 = MCmp(OffRel.LinkPl, offset + 12, Bpf.W, addr[3], mask[3]);
        b0 = MCmp(OffRel.LinkPl, offset + 8, Bpf.W, addr[2], mask[2]);
        Block.And(b0, b1);
        b0 = MCmp(OffRel.LinkPl, offset + 4, Bpf.W, addr[1], mask[1]);
        Block.And(b0, b1);
        b0 = MCmp(OffRel.LinkPl, offset + 0, Bpf.W, addr[0], mask[0]);
        Block.And(b0, b1);
        b0 = Linktype(llProto);
        Block.And(b0, b1);
        return b1;
    }

    private Block EHostOp(ReadOnlySpan<byte> eaddr, QDir dir)
    {
        Block b0, b1;
        switch (dir)
        {
            case QDir.Src: return BCmp(OffRel.LinkHdr, 6, 6, eaddr);
            case QDir.Dst: return BCmp(OffRel.LinkHdr, 0, 6, eaddr);
            case QDir.And:
                b0 = EHostOp(eaddr, QDir.Src);
                b1 = EHostOp(eaddr, QDir.Dst);
                Block.And(b0, b1);
                return b1;
            case QDir.Default:
            case QDir.Or:
                b0 = EHostOp(eaddr, QDir.Src);
                b1 = EHostOp(eaddr, QDir.Dst);
                Block.Or(b0, b1);
                return b1;
            case QDir.Addr1: throw Error("'addr1' and 'address1' are only supported on 802.11 with 802.11 headers");
            case QDir.Addr2: throw Error("'addr2' and 'address2' are only supported on 802.11 with 802.11 headers");
            case QDir.Addr3: throw Error("'addr3' and 'address3' are only supported on 802.11 with 802.11 headers");
            case QDir.Addr4: throw Error("'addr4' and 'address4' are only supported on 802.11 with 802.11 headers");
            case QDir.Ra: throw Error("'ra' is only supported on 802.11 with 802.11 headers");
            default: throw Error("'ta' is only supported on 802.11 with 802.11 headers");
        }
    }

    private static string ProtoName(QProto p) => p switch
    {
        QProto.Sctp => "sctp", QProto.Tcp => "tcp", QProto.Udp => "udp", QProto.Icmp => "icmp", QProto.Igmp => "igmp",
        QProto.Igrp => "igrp", QProto.Icmpv6 => "icmp6", QProto.Ah => "ah", QProto.Esp => "esp", QProto.Pim => "pim",
        QProto.Vrrp => "vrrp", QProto.Esis => "esis", QProto.Isis => "isis", QProto.Clnp => "clnp", QProto.Stp => "stp",
        QProto.Netbeui => "netbeui", QProto.IsisL1 => "l1", QProto.IsisL2 => "l2", QProto.IsisIih => "iih",
        QProto.IsisSnp => "snp", QProto.IsisCsnp => "csnp", QProto.IsisPsnp => "psnp", QProto.IsisLsp => "lsp",
        QProto.Radio => "radio", QProto.Carp => "carp", QProto.Ip => "ip", QProto.Rarp => "rarp", QProto.Arp => "arp",
        QProto.Decnet => "decnet", QProto.Lat => "lat", QProto.Sca => "sca", QProto.Moprc => "moprc", QProto.Mopdl => "mopdl",
        QProto.Aarp => "aarp", QProto.Iso => "iso", QProto.Ipx => "ipx", QProto.Ipv6 => "ip6", QProto.Atalk => "atalk",
        _ => "?",
    };

    private Block Host(uint addr, uint mask, QProto proto, QDir dir, QAddr type)
    {
        string typestr = type == QAddr.Net ? "net" : "host";
        switch (proto)
        {
            case QProto.Default:
                {
                    var b0 = Host(addr, mask, QProto.Ip, dir, type);
                    if (_labelStackDepth == 0)
                    {
                        var b1 = Host(addr, mask, QProto.Arp, dir, type);
                        Block.Or(b0, b1);
                        b0 = Host(addr, mask, QProto.Rarp, dir, type);
                        Block.Or(b1, b0);
                    }
                    return b0;
                }
            case QProto.Link: throw Error($"link-layer modifier applied to {typestr}");
            case QProto.Ip: return HostOp(addr, mask, dir, EtherTypeIp, 12, 16);
            case QProto.Rarp: return HostOp(addr, mask, dir, EtherTypeRevArp, 14, 24);
            case QProto.Arp: return HostOp(addr, mask, dir, EtherTypeArp, 14, 24);
            case QProto.Atalk: throw Error("AppleTalk host filtering not implemented");
            case QProto.Decnet: throw Error("DECnet host filtering is not supported by this implementation");
            case QProto.Lat: throw Error("LAT host filtering not implemented");
            case QProto.Sca: throw Error("SCA host filtering not implemented");
            case QProto.Moprc: throw Error("MOPRC host filtering not implemented");
            case QProto.Mopdl: throw Error("MOPDL host filtering not implemented");
            case QProto.Ipv6: throw Error("'ip6' modifier applied to ip host");
            case QProto.Aarp: throw Error("AARP host filtering not implemented");
            case QProto.Iso: throw Error("ISO host filtering not implemented");
            case QProto.Ipx: throw Error("IPX host filtering not implemented");
            default: throw Error($"'{ProtoName(proto)}' modifier applied to {typestr}");
        }
    }

    private Block Host6(ReadOnlySpan<uint> addr, ReadOnlySpan<uint> mask, QProto proto, QDir dir, QAddr type)
    {
        string typestr = type == QAddr.Net ? "net" : "host";
        return proto switch
        {
            QProto.Default or QProto.Ipv6 => HostOp6(addr, mask, dir, EtherTypeIpv6, 8, 24),
            QProto.Link => throw Error($"link-layer modifier applied to ip6 {typestr}"),
            QProto.Atalk => throw Error($"AppleTalk modifier applied to ip6 {typestr}"),
            _ => throw Error($"'{ProtoName(proto)}' modifier applied to ip6 {typestr}"),
        };
    }

    private Block EtherHost(ReadOnlySpan<byte> mac, QDir dir, bool named)
    {
        if (_linktype == LinkTypes.Ethernet)
        {
            var tmp = PrevLinkHdrCheck();
            var b = EHostOp(mac, dir);
            if (tmp != null) Block.And(tmp, b);
            return b;
        }
        throw Error(named
            ? "only ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel supports link-level host name"
            : "ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel");
    }

    /// <summary>An identifier that is a name (host, port, protocol, network name).</summary>
    public Block SCode(string name, Qual q)
    {
        var proto = q.Proto;
        var dir = q.Dir;
        switch (q.Addr)
        {
            case QAddr.Net:
                {
                    uint addr = _names.NetworkAddress(name) ?? throw Error($"unknown network '{name}'");
                    if (addr == 0) throw Error($"unknown network '{name}'");
                    uint mask = 0xffffffff;
                    while (addr != 0 && (addr & 0xff000000) == 0) { addr <<= 8; mask <<= 8; }
                    return Host(addr, mask, proto, dir, q.Addr);
                }
            case QAddr.Default:
            case QAddr.Host:
                {
                    if (proto == QProto.Link)
                    {
                        if (_linktype != LinkTypes.Ethernet)
                            throw Error("only ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel supports link-level host name");
                        var mac = _names.EtherHost(name) ?? throw Error($"unknown ether host '{name}'");
                        return EtherHost(mac, dir, true);
                    }
                    if (proto == QProto.Decnet)
                        throw Error($"decnet name support not included, '{name}' cannot be translated\n");
                    var addrs = _names.HostAddresses(name);
                    if (addrs.Count == 0) throw Error($"unknown host '{name}'");
                    Block? b = null;
                    var tproto = proto;
                    var tproto6 = proto;
                    if (_offLinkType.ConstantPart == OffsetNotSet && tproto == QProto.Default)
                    {
                        tproto = QProto.Ip;
                        tproto6 = QProto.Ipv6;
                    }
                    Span<uint> all = [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff];
                    foreach (var a in addrs)
                    {
                        Block tmp;
                        var bytes = a.GetAddressBytes();
                        if (bytes.Length == 4)
                        {
                            if (tproto == QProto.Ipv6) continue;
                            tmp = Host(BE32(bytes, 0), 0xffffffff, tproto, dir, q.Addr);
                        }
                        else
                        {
                            if (tproto6 == QProto.Ip) continue;
                            Span<uint> a6 = [BE32(bytes, 0), BE32(bytes, 4), BE32(bytes, 8), BE32(bytes, 12)];
                            tmp = Host6(a6, all, tproto6, dir, q.Addr);
                        }
                        if (b != null) Block.Or(b, tmp);
                        b = tmp;
                    }
                    return b ?? throw Error($"unknown host '{name}'{(proto == QProto.Default ? "" : " for specified address family")}");
                }
            case QAddr.Port:
                {
                    if (proto != QProto.Default && proto != QProto.Udp && proto != QProto.Tcp && proto != QProto.Sctp)
                        throw Error("illegal qualifier of 'port'");
                    if (!_names.Port(name, out int port, out int realProto)) throw Error($"unknown port '{name}'");
                    realProto = CheckPortProto(proto, realProto, $"port '{name}'");
                    if (port > 65535) throw Error($"illegal port number {port} > 65535");
                    var b = Port((uint)port, realProto, dir);
                    Block.Or(Port6((uint)port, realProto, dir), b);
                    return b;
                }
            case QAddr.Portrange:
                {
                    if (proto != QProto.Default && proto != QProto.Udp && proto != QProto.Tcp && proto != QProto.Sctp)
                        throw Error("illegal qualifier of 'portrange'");
                    if (!_names.PortRange(name, out int p1, out int p2, out int realProto)) throw Error($"unknown port in range '{name}'");
                    realProto = CheckPortProto(proto, realProto, $"port in range '{name}'");
                    if (p1 < 0) throw Error($"illegal port number {p1} < 0");
                    if (p1 > 65535) throw Error($"illegal port number {p1} > 65535");
                    if (p2 < 0) throw Error($"illegal port number {p2} < 0");
                    if (p2 > 65535) throw Error($"illegal port number {p2} > 65535");
                    var b = PortRange((uint)p1, (uint)p2, realProto, dir);
                    Block.Or(PortRange6((uint)p1, (uint)p2, realProto, dir), b);
                    return b;
                }
            case QAddr.Gateway:
                throw Error("'gateway' not supported in this configuration");
            case QAddr.Proto:
                {
                    int rp = LookupProto(name, proto);
                    if (rp >= 0) return Proto((uint)rp, proto, dir);
                    throw Error($"unknown protocol: {name}");
                }
            case QAddr.Protochain:
                {
                    int rp = LookupProto(name, proto);
                    if (rp >= 0) return Protochain((uint)rp, proto);
                    throw Error($"unknown protocol: {name}");
                }
            default:
                throw Error("syntax error in filter expression");
        }
    }

    private static uint BE32(byte[] b, int i) => (uint)(b[i] << 24 | b[i + 1] << 16 | b[i + 2] << 8 | b[i + 3]);

    private static int CheckPortProto(QProto proto, int realProto, string what)
    {
        const int Tcp = 6, Udp = 17, Sctp = 132;
        if (proto == QProto.Udp)
        {
            if (realProto == Tcp) throw Error($"{what} is tcp");
            if (realProto == Sctp) throw Error($"{what} is sctp");
            return Udp;
        }
        if (proto == QProto.Tcp)
        {
            if (realProto == Udp) throw Error($"{what} is udp");
            if (realProto == Sctp) throw Error($"{what} is sctp");
            return Tcp;
        }
        if (proto == QProto.Sctp)
        {
            if (realProto == Udp) throw Error($"{what} is udp");
            if (realProto == Tcp) throw Error($"{what} is tcp");
            return Sctp;
        }
        return realProto;
    }

    private int LookupProto(string name, QProto proto)
    {
        switch (proto)
        {
            case QProto.Default:
            case QProto.Ip:
            case QProto.Ipv6:
                return _names.Protocol(name) ?? throw Error($"unknown ip proto '{name}'");
            case QProto.Link:
                {
                    int v = Names.EtherProto(name);
                    if (v < 0) v = Names.LlcProto(name);
                    if (v < 0) throw Error($"unknown ether proto '{name}'");
                    return v;
                }
            case QProto.Iso:
                return name switch
                {
                    "esis" => 0x82,
                    "isis" => 0x83,
                    "clnp" => 0x81,
                    _ => throw Error($"unknown osi proto '{name}'"),
                };
            default:
                return -1;
        }
    }

    /// <summary>"a.b.c.d/len" and "a.b.c.d mask m.m.m.m".</summary>
    public Block MCode(string s1, string? s2, uint masklen, Qual q)
    {
        int nlen = AtoIn(s1, out uint n);
        if (nlen < 0) throw Error($"invalid IPv4 address '{s1}'");
        n = nlen == 0 ? 0 : n << (32 - nlen);
        uint m;
        if (s2 != null)
        {
            int mlen = AtoIn(s2, out m);
            if (mlen < 0) throw Error($"invalid IPv4 address '{s2}'");
            m = mlen == 0 ? 0 : m << (32 - mlen);
            if ((n & ~m) != 0) throw Error($"non-network bits set in \"{s1} mask {s2}\"");
        }
        else
        {
            if (masklen > 32) throw Error("mask length must be <= 32");
            m = masklen == 0 ? 0 : 0xffffffff << (int)(32 - masklen);
            if ((n & ~m) != 0) throw Error($"non-network bits set in \"{s1}/{(int)masklen}\"");
        }
        if (q.Addr == QAddr.Net) return Host(n, m, q.Proto, q.Dir, q.Addr);
        throw Error("Mask syntax for networks only");
    }

    /// <summary>A number or dotted IPv4 address as an identifier (s == null: a plain number v).</summary>
    public Block NCode(string? s, uint v, Qual q)
    {
        var proto = q.Proto;
        var dir = q.Dir;
        int vlen;
        if (s == null) vlen = 32;
        else if (proto == QProto.Decnet) throw Error($"malformed decnet address '{s}'");
        else
        {
            vlen = AtoIn(s, out v);
            if (vlen < 0) throw Error($"invalid IPv4 address '{s}'");
        }
        switch (q.Addr)
        {
            case QAddr.Default:
            case QAddr.Host:
            case QAddr.Net:
                {
                    if (proto == QProto.Decnet) throw Error("DECnet host filtering is not supported by this implementation");
                    if (proto == QProto.Link) throw Error("illegal link layer address");
                    uint mask = 0xffffffff;
                    if (s == null && q.Addr == QAddr.Net)
                    {
                        while (v != 0 && (v & 0xff000000) == 0) { v <<= 8; mask <<= 8; }
                    }
                    else
                    {
                        // C shifts by 32 - vlen; a shift by 32 of a 32-bit value is what x86 does: by 0
                        int sh = (32 - vlen) & 31;
                        v <<= sh;
                        mask <<= sh;
                    }
                    return Host(v, mask, proto, dir, q.Addr);
                }
            case QAddr.Port:
            case QAddr.Portrange:
                {
                    bool range = q.Addr == QAddr.Portrange;
                    int p = proto switch
                    {
                        QProto.Udp => 17,
                        QProto.Tcp => 6,
                        QProto.Sctp => 132,
                        QProto.Default => -1,
                        _ => throw Error(range ? "illegal qualifier of 'portrange'" : "illegal qualifier of 'port'"),
                    };
                    if (v > 65535) throw Error($"illegal port number {v} > 65535");
                    Block b;
                    if (range)
                    {
                        b = PortRange(v, v, p, dir);
                        Block.Or(PortRange6(v, v, p, dir), b);
                    }
                    else
                    {
                        b = Port(v, p, dir);
                        Block.Or(Port6(v, p, dir), b);
                    }
                    return b;
                }
            case QAddr.Gateway: throw Error("'gateway' requires a name");
            case QAddr.Proto: return Proto(v, proto, dir);
            case QAddr.Protochain: return Protochain(v, proto);
            default: throw Error("syntax error in filter expression");
        }
    }

    /// <summary>An IPv6 address, optionally with a prefix length.</summary>
    public Block MCode6(string s1, uint masklen, Qual q)
    {
        if (!System.Net.IPAddress.TryParse(s1, out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            throw Error($"invalid ip6 address {s1}");
        var a = ip.GetAddressBytes();
        if (masklen > 128) throw Error("mask length must be <= 128");
        var mb = new byte[16];
        for (int i = 0; i < masklen / 8; i++) mb[i] = 0xff;
        if (masklen % 8 != 0) mb[masklen / 8] = (byte)(0xff << (int)(8 - masklen % 8));
        for (int i = 0; i < 16; i++)
            if ((a[i] & ~mb[i]) != 0) throw Error($"non-network bits set in \"{s1}/{(int)masklen}\"");
        switch (q.Addr)
        {
            case QAddr.Default:
            case QAddr.Host:
                if (masklen != 128) throw Error("Mask syntax for networks only");
                goto case QAddr.Net;
            case QAddr.Net:
                {
                    Span<uint> a6 = [BE32(a, 0), BE32(a, 4), BE32(a, 8), BE32(a, 12)];
                    Span<uint> m6 = [BE32(mb, 0), BE32(mb, 4), BE32(mb, 8), BE32(mb, 12)];
                    return Host6(a6, m6, q.Proto, q.Dir, q.Addr);
                }
            default:
                throw Error("invalid qualifier against IPv6 address");
        }
    }

    /// <summary>A MAC address identifier.</summary>
    public Block ECode(string s, Qual q)
    {
        if ((q.Addr == QAddr.Host || q.Addr == QAddr.Default) && q.Proto == QProto.Link)
        {
            var mac = Names.ParseMac(s) ?? throw Error("malloc");
            return EtherHost(mac, q.Dir, false);
        }
        throw Error("ethernet address used in non-ether expression");
    }

    /// <summary>libpcap's __pcap_atoin: dotted decimal, returns the number of bits given (8 per part) or -1.</summary>
    internal static int AtoIn(string s, out uint addr)
    {
        addr = 0;
        int len = 0, i = 0;
        while (true)
        {
            uint n = 0;
            while (i < s.Length && s[i] != '.')
            {
                if (n > 25) return -1;
                n = n * 10 + (uint)(s[i++] - '0');
            }
            if (n > 255) return -1;
            addr = addr << 8 | n;
            len += 8;
            if (i >= s.Length) return len;
            i++;
        }
    }

    public Block Broadcast(QProto proto)
    {
        switch (proto)
        {
            case QProto.Default:
            case QProto.Link:
                if (_linktype == LinkTypes.Ethernet)
                {
                    var b1 = PrevLinkHdrCheck();
                    var b0 = EHostOp([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], QDir.Dst);
                    if (b1 != null) Block.And(b1, b0);
                    return b0;
                }
                throw Error("not a broadcast link");
            case QProto.Ip:
                {
                    if (_netmask is not uint nm) throw Error("netmask not known, so 'ip broadcast' not supported");
                    var b0 = Linktype(EtherTypeIp);
                    uint hostmask = ~nm;
                    var b1 = MCmp(OffRel.LinkPl, 16, Bpf.W, 0, hostmask);
                    var b2 = MCmp(OffRel.LinkPl, 16, Bpf.W, hostmask, hostmask);
                    Block.Or(b1, b2);
                    Block.And(b0, b2);
                    return b2;
                }
        }
        throw Error("only link-layer/IP broadcast filters supported");
    }

    private Block MacMulticast(uint offset) => NewBlock(JmpK(Bpf.Jset), LoadA(OffRel.LinkHdr, offset, Bpf.B), 1);

    public Block Multicast(QProto proto)
    {
        switch (proto)
        {
            case QProto.Default:
            case QProto.Link:
                if (_linktype == LinkTypes.Ethernet)
                {
                    var b1 = PrevLinkHdrCheck();
                    var b0 = MacMulticast(0);
                    if (b1 != null) Block.And(b1, b0);
                    return b0;
                }
                break;
            case QProto.Ip:
                {
                    var b0 = Linktype(EtherTypeIp);
                    var b1 = CmpGe(OffRel.LinkPl, 16, Bpf.B, 224);
                    Block.And(b0, b1);
                    return b1;
                }
            case QProto.Ipv6:
                {
                    var b0 = Linktype(EtherTypeIpv6);
                    var b1 = Cmp(OffRel.LinkPl, 24, Bpf.B, 255);
                    Block.And(b0, b1);
                    return b1;
                }
        }
        throw Error("link-layer multicast filters supported only on ethernet/FDDI/token ring/ARCNET/802.11/ATM LANE/Fibre Channel");
    }
}
