// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;

namespace Dumpkit.Tcpdump.Print;

/// <summary>OSPF version 2 (RFC 2328, IP protocol 89 over IPv4): all packet types and LSAs, NSSA (RFC 3101), opaque
/// LSAs (RFC 5250) with traffic engineering (RFC 3630, GMPLS RFC 4203, Diffserv-TE RFC 4124), graceful restart
/// (RFC 3623) and router information, multi-topology metrics, link-local signalling (RFC 5613) and authentication.</summary>
internal static class Ospf
{
    private static readonly Tok[] Options =
    [
        new(0x01, "MultiTopology"), new(0x02, "External"), new(0x04, "Multicast"), new(0x08, "NSSA"), new(0x10, "LLS"),
        new(0x20, "Demand Circuit"), new(0x40, "Opaque"), new(0x80, "Up/Down"),
    ];

    private static readonly Tok[] RlaFlags =
        [new(0x01, "ABR"), new(0x02, "ASBR"), new(0x04, "Virtual"), new(0x08, "Wildcard"), new(0x10, "Nt"), new(0x80, "Host")];

    private static readonly Tok[] DdFlags = [new(0x04, "Init"), new(0x02, "More"), new(0x01, "Master"), new(0x08, "OOBResync")];

    private static readonly Tok[] RiCaps =
    [
        new(1, "Reserved"), new(2, "Reserved"), new(4, "Reserved"), new(8, "Reserved"), new(16, "graceful restart capable"),
        new(32, "graceful restart helper"), new(64, "Stub router support"), new(128, "Traffic engineering"),
        new(256, "p2p over LAN"), new(512, "path computation server"),
    ];

    private static readonly Tok[] LlsEoOptions = [new(1, "LSDB resync"), new(2, "Restart")];

    private static string? PacketType(int t) => t switch
    {
        1 => "Hello", 2 => "Database Description", 3 => "LS-Request", 4 => "LS-Update", 5 => "LS-Ack", _ => null,
    };

    private static string LsaType(uint t) => t switch
    {
        1 => "Router", 2 => "Network", 3 => "Summary", 4 => "ASBR Summary", 5 => "External", 6 => "Multicast Group", 7 => "NSSA",
        9 => "Link Local Opaque", 10 => "Area Local Opaque", 11 => "Domain Wide Opaque", _ => "unknown",
    };

    private static string OpaqueType(int t) => t switch
    {
        1 => "Traffic Engineering", 3 => "Graceful restart", 4 => "Router Information", _ => "unknown",
    };

    private static string TeLinkSubTlv(uint t) => t switch
    {
        1 => "Link Type", 2 => "Link ID", 3 => "Local Interface IP address", 4 => "Remote Interface IP address",
        5 => "Traffic Engineering Metric", 6 => "Maximum Bandwidth", 7 => "Maximum Reservable Bandwidth",
        8 => "Unreserved Bandwidth", 9 => "Administrative Group", 11 => "Link Local/Remote Identifier",
        14 => "Link Protection Type", 15 => "Interface Switching Capability", 16 => "Shared Risk Link Group",
        17 => "Bandwidth Constraints", _ => "unknown",
    };

    private static string Topology(uint t) => t switch { 0 => "default", 1 => "multicast", 2 => "management", _ => "Unknown" };

    private static string Mbps(PrintContext nd, int off)
    {
        float f = BitConverter.Int32BitsToSingle((int)nd.Be32(off)) * 8 / 1000000;
        return ((double)f).ToString("F3", CultureInfo.InvariantCulture);
    }

    private static void Bits(PrintContext nd, Tok[] t, string none, uint v) => Toks.Bits(nd, t, none, v);

    /// <summary>print_unknown_data, with its result: false when the data starts past the captured end.</summary>
    private static bool Unknown(PrintContext nd, int cp, string indent, int len)
    {
        bool ok = nd.TTest(cp, 0);
        HexDump.UnknownData(nd, cp, indent, len);
        return ok;
    }

    public static void Print(PrintContext nd, int bp, int length)
    {
        nd.Proto = "ospf2";
        int saved = nd.SnapEnd;
        try
        {
            Body(nd, bp, length);
        }
        finally
        {
            nd.SnapEnd = saved;
        }
    }

    private static void Body(PrintContext nd, int bp, int length)
    {
        uint len = (uint)length;
        if (nd.Be16(bp + 14) == 2)
        {
            len -= 16;
            nd.SnapEnd -= 16;
        }
        int type = nd.U8(bp + 1);
        string? name = PacketType(type);
        nd.Print($"OSPFv{nd.U8(bp)}, {name ?? $"unknown LS-type {type}"}, length {len}");
        if (name == null || nd.Verbose == 0) return;
        uint ospfLen = nd.Be16(bp + 2);
        if (len != ospfLen) nd.Print($" [len {ospfLen}]");
        int dataend = len > ospfLen ? bp + (int)ospfLen : bp + (int)len;
        nd.Print($"\n\tRouter-ID {nd.A4(bp + 4)}");
        if (nd.Be32(bp + 8) != 0) nd.Print($", Area {nd.A4(bp + 8)}");
        else nd.Print(", Backbone Area");
        nd.Check(bp + 16, 8);
        int auth = nd.Be16(bp + 14);
        nd.Print($", Authentication Type: {auth switch { 0 => "none", 1 => "simple", 2 => "MD5", _ => "unknown" }} ({auth})");
        switch (auth)
        {
            case 0: break;
            case 1:
                nd.Print("\n\tSimple text password: ");
                Text.PrintUntilNul(nd, bp + 16, 8);
                break;
            case 2:
                nd.Print($"\n\tKey-ID: {nd.U8(bp + 18)}, Auth-Length: {nd.U8(bp + 19)}, Crypto Sequence Number: 0x{nd.Be32(bp + 20):x8}");
                break;
            default:
                return;
        }
        int version = nd.U8(bp);
        if (version != 2)
        {
            nd.Print($" ospf [version {version}]");
            return;
        }
        if (!DecodeV2(nd, bp, dataend)) PrintContext.Trunc();
        if (len > nd.Be16(bp + 2)) Lls(nd, bp, len);
    }

    private static bool DecodeV2(PrintContext nd, int op, int dataend)
    {
        switch (nd.U8(op + 1))
        {
            case 1:
                {
                    uint hopts = nd.U8(op + 30);
                    nd.Print("\n\tOptions [");
                    Bits(nd, Options, "none", hopts);
                    nd.Print(']');
                    nd.Print($"\n\t  Hello Timer {nd.Be16(op + 28)}s, Dead Timer {nd.Be32(op + 32)}s, Mask {nd.A4(op + 24)}, Priority {nd.U8(op + 31)}");
                    if (nd.Be32(op + 36) != 0) nd.Print($"\n\t  Designated Router {nd.A4(op + 36)}");
                    if (nd.Be32(op + 40) != 0) nd.Print($", Backup Designated Router {nd.A4(op + 40)}");
                    int ap = op + 44;
                    if (ap < dataend) nd.Print("\n\t  Neighbor List:");
                    for (; ap < dataend; ap += 4) nd.Print($"\n\t    {nd.A4(ap)}");
                    return true;
                }
            case 2:
                {
                    uint dopts = nd.U8(op + 26);
                    nd.Print("\n\tOptions [");
                    Bits(nd, Options, "none", dopts);
                    uint dflags = nd.U8(op + 27);
                    nd.Print("], DD Flags [");
                    Bits(nd, DdFlags, "none", dflags);
                    nd.Print(']');
                    if (nd.Be16(op + 24) != 0) nd.Print($", MTU: {nd.Be16(op + 24)}");
                    nd.Print($", Sequence: 0x{nd.Be32(op + 28):x8}");
                    for (int lsh = op + 32; lsh < dataend && LsHeader(nd, lsh) != -1; lsh += 20) { }
                    return true;
                }
            case 3:
                for (int lsr = op + 24; lsr < dataend; lsr += 12)
                {
                    if (!nd.TTest(lsr, 12)) return false;
                    uint t = nd.Be32(lsr);
                    nd.Print($"\n\t  Advertising Router: {nd.A4(lsr + 8)}, {LsaType(t)} LSA ({t})");
                    if (t is 9 or 10 or 11)
                        nd.Print($", Opaque-Type: {OpaqueType(nd.U8(lsr + 4))} LSA ({nd.U8(lsr + 4)}), Opaque-ID: {nd.Be24(lsr + 5)}");
                    else nd.Print($", LSA-ID: {nd.A4(lsr + 4)}");
                }
                return true;
            case 4:
                {
                    uint max = nd.Be32(op + 24);
                    nd.Print($", {max} LSA{(max == 1 ? "" : "s")}");
                    int lsa = op + 28;
                    for (uint n = 1; n <= max; n++)
                    {
                        nd.Print($"\n\t  LSA #{n}");
                        lsa = Lsa(nd, lsa);
                        if (lsa < 0) return false;
                    }
                    return true;
                }
            case 5:
                for (int lsh = op + 24; LsHeader(nd, lsh) != -1; lsh += 20) { }
                return true;
        }
        return true;
    }

    /// <summary>ospf_print_lshdr: the LSA header; its length field, -1 when shorter than a header.</summary>
    private static int LsHeader(PrintContext nd, int p)
    {
        int len = nd.Be16(p + 18);
        if (len < 20)
        {
            nd.Print($"\n\t    Bogus length {len} < header (20)");
            return -1;
        }
        nd.Print($"\n\t  Advertising Router {nd.A4(p + 8)}, seq 0x{nd.Be32(p + 12):x8}, age {nd.Be16(p)}s, length {len - 20}");
        uint type = nd.U8(p + 3);
        if (type is 9 or 10 or 11)
            nd.Print($"\n\t    {LsaType(type)} LSA ({type}), Opaque-Type {OpaqueType(nd.U8(p + 4))} LSA ({nd.U8(p + 4)}), Opaque-ID {nd.Be24(p + 5)}");
        else nd.Print($"\n\t    {LsaType(type)} LSA ({type}), LSA-ID: {nd.A4(p + 4)}");
        nd.Print("\n\t    Options: [");
        Bits(nd, Options, "none", nd.U8(p + 2));
        nd.Print(']');
        return len;
    }

    private static void TosMetrics(PrintContext nd, int tos)
    {
        uint count = (uint)nd.U8(tos + 1) + 1;
        for (uint m = 0; count != 0; m++, tos += 4, count--)
        {
            uint t = m != 0 ? (uint)nd.U8(tos) : 0u;
            nd.Print($"\n\t\ttopology {Topology(t)} ({t}), metric {nd.Be16(tos + 2)}");
        }
    }

    /// <summary>ospf_print_lsa: one LSA; the offset past it, -1 when cut or shorter than its header.</summary>
    private static int Lsa(PrintContext nd, int lsap)
    {
        int r = LsHeader(nd, lsap);
        if (r < 0) return -1;
        int lsEnd = lsap + r;
        int lsLength = r - 20;
        int body = lsap + 20;
        switch (nd.U8(lsap + 3))
        {
            case 1:
                {
                    uint rflags = nd.U8(body);
                    nd.Print("\n\t    Router LSA Options: [");
                    Bits(nd, RlaFlags, "none", rflags);
                    nd.Print(']');
                    int count = nd.Be16(body + 2);
                    if (!nd.TTest(body + 4, 12)) return -1;
                    int rlp = body + 4;
                    for (int i = count; i != 0; i--)
                    {
                        if (!nd.TTest(rlp, 12)) return -1;
                        int lt = nd.U8(rlp + 8);
                        switch (lt)
                        {
                            case 4: nd.Print($"\n\t      Virtual Link: Neighbor Router-ID: {nd.A4(rlp)}, Interface Address: {nd.A4(rlp + 4)}"); break;
                            case 1: nd.Print($"\n\t      Neighbor Router-ID: {nd.A4(rlp)}, Interface Address: {nd.A4(rlp + 4)}"); break;
                            case 2: nd.Print($"\n\t      Neighbor Network-ID: {nd.A4(rlp)}, Interface Address: {nd.A4(rlp + 4)}"); break;
                            case 3: nd.Print($"\n\t      Stub Network: {nd.A4(rlp)}, Mask: {nd.A4(rlp + 4)}"); break;
                            default:
                                nd.Print($"\n\t      Unknown Router Link Type ({lt})");
                                return lsEnd;
                        }
                        TosMetrics(nd, rlp + 8);
                        rlp += 12 + nd.U8(rlp + 9) * 4;
                    }
                    break;
                }
            case 2:
                nd.Print($"\n\t    Mask {nd.A4(body)}\n\t    Connected Routers:");
                for (int ap = body + 4; ap < lsEnd; ap += 4) nd.Print($"\n\t      {nd.A4(ap)}");
                break;
            case 3 or 4:
                {
                    if (nd.U8(lsap + 3) == 3)
                    {
                        if (!nd.TTest(body, 4)) return -1;
                        nd.Print($"\n\t    Mask {nd.A4(body)}");
                    }
                    if (!nd.TTest(body + 4, 4)) return -1;
                    for (int lp = body + 4; lp < lsEnd; lp += 4)
                    {
                        uint ul = nd.Be32(lp);
                        uint topo = (ul & 0x7f000000) >> 24;
                        nd.Print($"\n\t\ttopology {Topology(topo)} ({topo}) metric {ul & 0x00ffffff}");
                    }
                    break;
                }
            case 5 or 7:
                {
                    if (!nd.TTest(body, 4)) return -1;
                    nd.Print($"\n\t    Mask {nd.A4(body)}");
                    if (!nd.TTest(body + 4, 4)) return -1;
                    for (int a = body + 4; a < lsEnd; a += 12)
                    {
                        uint ul = nd.Be32(a);
                        uint topo = (ul & 0x7f000000) >> 24;
                        nd.Print($"\n\t\ttopology {Topology(topo)} ({topo}), type {((ul & 0x80000000) != 0 ? 2 : 1)}, metric");
                        if ((ul & 0x00ffffff) == 0xffffff) nd.Print(" infinite");
                        else nd.Print($" {ul & 0x00ffffff}");
                        if (nd.Be32(a + 4) != 0) nd.Print($", forward {nd.A4(a + 4)}");
                        if (nd.Be32(a + 8) != 0) nd.Print($", tag {nd.A4(a + 8)}");
                    }
                    break;
                }
            case 6:
                for (int mcp = body; mcp < lsEnd; mcp += 8)
                {
                    uint vt = nd.Be32(mcp);
                    if (vt == 1) nd.Print($"\n\t    Router Router-ID {nd.A4(mcp + 4)}");
                    else if (vt == 2) nd.Print($"\n\t    Network Designated Router {nd.A4(mcp + 4)}");
                    else nd.Print($"\n\t    unknown VertexType ({vt})");
                }
                break;
            case 9 or 10 or 11:
                switch (nd.U8(lsap + 4))
                {
                    case 4:
                        {
                            int tptr = body;
                            uint rem = (uint)lsLength;
                            while (rem != 0)
                            {
                                if (!nd.TTest(tptr, 4)) return -1;
                                if (rem < 4)
                                {
                                    nd.Print($"\n\t    Remaining LS length {rem} < 4");
                                    return lsEnd;
                                }
                                uint t = nd.Be16(tptr), l = nd.Be16(tptr + 2);
                                tptr += 4;
                                rem -= 4;
                                nd.Print($"\n\t    {(t == 1 ? "Router Capabilities" : "unknown")} TLV ({t}), length: {l}, value: ");
                                if (l > rem)
                                {
                                    nd.Print($"\n\t    Bogus length {l} > remaining LS length {rem}");
                                    return lsEnd;
                                }
                                if (!nd.TTest(tptr, (int)l)) return -1;
                                if (t == 1)
                                {
                                    if (l != 4)
                                    {
                                        nd.Print($"\n\t    Bogus length {l} != 4");
                                        return lsEnd;
                                    }
                                    nd.Print("Capabilities: ");
                                    Bits(nd, RiCaps, "Unknown", nd.Be32(tptr));
                                }
                                else if (nd.Verbose <= 1 && !Unknown(nd, tptr, "\n\t      ", (int)l)) return lsEnd;
                                tptr += (int)l;
                                rem -= l;
                            }
                            break;
                        }
                    case 3:
                        if (!Grace(nd, body, (uint)lsLength)) return lsEnd;
                        break;
                    case 1:
                        if (!Te(nd, body, (uint)lsLength)) return lsEnd;
                        break;
                    default:
                        if (nd.Verbose <= 1 && !Unknown(nd, body, "\n\t    ", lsLength)) return lsEnd;
                        break;
                }
                break;
        }
        if (nd.Verbose > 1 && !Unknown(nd, body, "\n\t    ", lsLength)) return lsEnd;
        return lsEnd;
    }

    private static bool Grace(PrintContext nd, int tptr, uint lsLength)
    {
        while (lsLength > 0)
        {
            if (!nd.TTest(tptr, 4)) return false;
            if (lsLength < 4)
            {
                nd.Print($"\n\t    Remaining LS length {lsLength} < 4");
                return false;
            }
            uint t = nd.Be16(tptr), l = nd.Be16(tptr + 2);
            tptr += 4;
            lsLength -= 4;
            string name = t switch { 1 => "Grace Period", 2 => "Graceful restart Reason", 3 => "IPv4 interface address", _ => "unknown" };
            nd.Print($"\n\t    {name} TLV ({t}), length {l}, value: ");
            if (l > lsLength)
            {
                nd.Print($"\n\t    Bogus length {l} > {lsLength}");
                return false;
            }
            if (t == 0 || l == 0) return false;
            if (!nd.TTest(tptr, (int)l)) return false;
            switch (t)
            {
                case 1:
                    if (l != 4) { nd.Print($"\n\t    Bogus length {l} != 4"); return false; }
                    nd.Print($"{nd.Be32(tptr)}s");
                    break;
                case 2:
                    if (l != 1) { nd.Print($"\n\t    Bogus length {l} != 1"); return false; }
                    int reason = nd.U8(tptr);
                    string rs = reason switch
                    {
                        0 => "Unknown", 1 => "Software Restart", 2 => "Software Reload/Upgrade", 3 => "Control Processor Switch", _ => "Unknown",
                    };
                    nd.Print($"{rs} ({reason})");
                    break;
                case 3:
                    if (l != 4) { nd.Print($"\n\t    Bogus length {l} != 4"); return false; }
                    nd.Print($"{nd.A4(tptr)}");
                    break;
                default:
                    if (nd.Verbose <= 1 && !Unknown(nd, tptr, "\n\t      ", (int)l)) return false;
                    break;
            }
            if (l % 4 != 0) l += 4 - l % 4;
            lsLength -= l;
            tptr += (int)l;
        }
        return true;
    }

    private static bool Te(PrintContext nd, int tptr, uint lsLength)
    {
        while (lsLength != 0)
        {
            if (!nd.TTest(tptr, 4)) return false;
            if (lsLength < 4)
            {
                nd.Print($"\n\t    Remaining LS length {lsLength} < 4");
                return false;
            }
            uint t = nd.Be16(tptr), l = nd.Be16(tptr + 2);
            tptr += 4;
            lsLength -= 4;
            nd.Print($"\n\t    {t switch { 1 => "Router Address", 2 => "Link", _ => "unknown" }} TLV ({t}), length: {l}");
            if (l > lsLength)
            {
                nd.Print($"\n\t    Bogus length {l} > {lsLength}");
                return false;
            }
            if (t == 0 || l == 0) return false;
            switch (t)
            {
                case 2:
                    while (l != 0)
                    {
                        if (l < 4)
                        {
                            nd.Print($"\n\t    Remaining TLV length {l} < 4");
                            return false;
                        }
                        uint st = nd.Be16(tptr), sl = nd.Be16(tptr + 2);
                        tptr += 4;
                        l -= 4;
                        if (st == 0 || sl == 0)
                        {
                            nd.PrintInvalid();
                            return false;
                        }
                        nd.Print($"\n\t      {TeLinkSubTlv(st)} subTLV ({st}), length: {sl}");
                        if (l < sl)
                        {
                            nd.Print($"\n\t    Remaining TLV length {l + 4} < {sl + 4}");
                            return false;
                        }
                        if (!nd.TTest(tptr, (int)sl)) return false;
                        switch (SubTlv(nd, st, sl, ref tptr))
                        {
                            case 1:
                                nd.PrintInvalid();
                                return false;
                            case 2:
                                return false;
                        }
                        if (sl % 4 != 0) sl += 4 - sl % 4;
                        if (l < sl)
                        {
                            nd.Print($"\n\t    Remaining TLV length {l + 4} < {sl + 4}");
                            return false;
                        }
                        l -= sl;
                        tptr += (int)sl;
                    }
                    break;
                case 1:
                    if (l < 4)
                    {
                        nd.Print($"\n\t    TLV length {l} < 4");
                        return false;
                    }
                    nd.Print($", {nd.A4(tptr)}");
                    break;
                default:
                    if (nd.Verbose <= 1 && !Unknown(nd, tptr, "\n\t      ", (int)l)) return false;
                    break;
            }
            if (l % 4 != 0) l += 4 - l % 4;
            if (l > lsLength)
            {
                nd.Print($"\n\t    Bogus padded length {l} > {lsLength}");
                return false;
            }
            lsLength -= l;
            tptr += (int)l;
        }
        return true;
    }

    /// <summary>One TE link sub-TLV: 0 done, 1 invalid, 2 stop without a mark. The SRLG list advances tptr as tcpdump does.</summary>
    private static int SubTlv(PrintContext nd, uint st, uint sl, ref int tptr)
    {
        switch (st)
        {
            case 9:
                if (sl != 4) { nd.Print(" != 4"); return 1; }
                nd.Print($", 0x{nd.Be32(tptr):x8}");
                return 0;
            case 2 or 11:
                if (sl != 4 && sl != 8) { nd.Print(" != 4 && != 8"); return 1; }
                nd.Print($", {nd.A4(tptr)} (0x{nd.Be32(tptr):x8})");
                if (sl == 8) nd.Print($", {nd.A4(tptr + 4)} (0x{nd.Be32(tptr + 4):x8})");
                return 0;
            case 3 or 4:
                if (sl != 4) { nd.Print(" != 4"); return 1; }
                nd.Print($", {nd.A4(tptr)}");
                return 0;
            case 6 or 7:
                if (sl != 4) { nd.Print(" != 4"); return 1; }
                nd.Print($", {Mbps(nd, tptr)} Mbps");
                return 0;
            case 8:
                if (sl != 32) { nd.Print(" != 32"); return 1; }
                for (int c = 0; c < 8; c++) nd.Print($"\n\t\tTE-Class {c}: {Mbps(nd, tptr + c * 4)} Mbps");
                return 0;
            case 17:
                {
                    if (sl < 4) { nd.Print(" < 4"); return 1; }
                    int model = nd.U8(tptr);
                    nd.Print($"\n\t\tBandwidth Constraints Model ID: {Gmpls.DiffservBcModel(model) ?? "unknown"} ({model})");
                    if (sl % 4 != 0) { nd.Print($"\n\t\tlength {sl} != N x 4"); return 1; }
                    if (sl > 36) { nd.Print($"\n\t\tlength {sl} > 36"); return 1; }
                    for (int c = 0; c < (sl - 4) / 4; c++) nd.Print($"\n\t\t  Bandwidth constraint CT{c}: {Mbps(nd, tptr + 4 + c * 4)} Mbps");
                    return 0;
                }
            case 5:
                if (sl != 4) { nd.Print(" != 4"); return 1; }
                nd.Print($", Metric {nd.Be32(tptr)}");
                return 0;
            case 14:
                if (sl != 4) { nd.Print(" != 4"); return 1; }
                nd.Print(", ");
                Bits(nd, Gmpls.LinkProtection, "none", nd.U8(tptr));
                return 0;
            case 15:
                if (sl < 36) { nd.Print(" < 36"); return 1; }
                nd.Print($"\n\t\tInterface Switching Capability: {Gmpls.SwitchCap(nd.U8(tptr)) ?? "Unknown"}");
                nd.Print($"\n\t\tLSP Encoding: {Gmpls.Encoding(nd.U8(tptr + 1)) ?? "Unknown"}\n\t\tMax LSP Bandwidth:");
                for (int p = 0; p < 8; p++) nd.Print($"\n\t\t  priority level {p}: {Mbps(nd, tptr + 4 + p * 4)} Mbps");
                return 0;
            case 1:
                {
                    if (sl != 1) { nd.Print(" != 1"); return 1; }
                    int lt = nd.U8(tptr);
                    nd.Print($", {lt switch { 1 => "Point-to-point", 2 => "Multi-Access", _ => "unknown" }} ({lt})");
                    return 0;
                }
            case 16:
                {
                    if (sl % 4 != 0) { nd.Print(" != N x 4"); return 1; }
                    uint n = sl / 4;
                    if (n != 0) nd.Print("\n\t\t  Shared risk group: ");
                    while (n > 0)
                    {
                        nd.Print($"{nd.Be32(tptr)}");
                        tptr += 4;
                        n--;
                        if (n > 0) nd.Print(", ");
                    }
                    return 0;
                }
            default:
                if (nd.Verbose <= 1 && !Unknown(nd, tptr, "\n\t\t", (int)sl)) return 2;
                return 0;
        }
    }

    private static void Lls(PrintContext nd, int op, uint length)
    {
        int type = nd.U8(op + 1);
        if (type == 1) { if ((nd.U8(op + 30) & 0x10) == 0) return; }
        else if (type == 2) { if ((nd.U8(op + 26) & 0x10) == 0) return; }
        else return;
        uint length2 = nd.Be16(op + 2);
        int dptr = op + (int)length2;
        long dataend = op + (long)length;
        if (nd.Be16(op + 14) == 2)
        {
            dptr += nd.U8(op + 19);
            length2 += nd.U8(op + 19);
        }
        if (length2 >= length)
        {
            nd.Print("\n\t[LLS truncated]");
            return;
        }
        nd.Print($"\n\t  LLS: checksum: 0x{nd.Be16(dptr):x4}");
        dptr += 2;
        nd.Print($", length: {nd.Be16(dptr)}");
        dptr += 2;
        while (dptr < dataend)
        {
            int lt = nd.Be16(dptr);
            nd.Print($"\n\t    {lt switch { 1 => "Extended Options", 2 => "MD5 Authentication", _ => "Unknown TLV" }} ({lt})");
            dptr += 2;
            int ll = nd.Be16(dptr);
            nd.Print($", length: {ll}");
            dptr += 2;
            if (lt == 1)
            {
                if (ll != 4) { nd.Print(" [should be 4]"); ll = 4; }
                uint f = nd.Be32(dptr);
                nd.Print($"\n\t      Options: 0x{f:x8} [");
                Bits(nd, LlsEoOptions, "?", f);
                nd.Print(']');
            }
            else if (lt == 2)
            {
                if (ll != 20) { nd.Print(" [should be 20]"); ll = 20; }
                nd.Print($"\n\t      Sequence number: 0x{nd.Be32(dptr):x8}");
            }
            dptr += ll;
        }
    }
}
