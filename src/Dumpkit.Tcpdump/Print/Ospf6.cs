// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>OSPF for IPv6 (OSPFv3, IP protocol 89 over IPv6): Hello, Database Description, LS Request/Update/Ack with
/// the LSAs, link-local signalling and the authentication trailer. Grace and TE LSAs are dumped in hex.</summary>
/// <remarks>Specification: RFC 5340 (OSPFv3), RFC 5613 (LLS), RFC 7166 (authentication trailer), RFC 5838 (AF bit).
/// </remarks>
internal static class Ospf6
{
    private const int HeaderLen = 16, LsaHeaderLen = 20;

    private static readonly Tok[] Options =
    [
        new(0x01, "V6"), new(0x02, "External"), new(0x04, "Deprecated"), new(0x08, "NSSA"), new(0x10, "Router"),
        new(0x20, "Demand Circuit"), new(0x100, "AFs Support"), new(0x200, "LLS"), new(0x400, "Authentication Trailer"),
    ];

    private static readonly Tok[] RlaFlags =
        [new(0x01, "ABR"), new(0x02, "External"), new(0x04, "Virtual-Link Endpoint"), new(0x08, "Deprecated"), new(0x10, "NSSA Translator")];

    private static readonly Tok[] AslaFlags = [new(0x80000000, "External Type 2"), new(0x02000000, "Forwarding"), new(0x01000000, "Tag")];

    private static readonly Tok[] DdFlags = [new(0x04, "Init"), new(0x02, "More"), new(0x01, "Master"), new(0x10, "IPv6 MTU")];

    private static readonly Tok[] PrefixOptions =
    [
        new(0x01, "No Unicast"), new(0x02, "Local address"), new(0x04, "Deprecated"), new(0x08, "Propagate"), new(0x10, "Down"),
        new(0x20, "N-bit"),
    ];

    private static string? Type(int t) => t switch
    {
        1 => "Hello", 2 => "Database Description", 3 => "LS-Request", 4 => "LS-Update", 5 => "LS-Ack", _ => null,
    };

    private static string LsaName(int t) => t switch
    {
        1 => "Router", 2 => "Network", 3 => "Inter-Area Prefix", 4 => "Inter-Area Router", 5 => "External", 6 => "Deprecated",
        7 => "NSSA", 8 => "Link", 9 => "Intra-Area Prefix", 10 => "Intra-Area TE", 11 => "Grace", 12 => "Router Information",
        13 => "Inter-AS-TE", 14 => "Layer 1 VPN", _ => "Unknown",
    };

    /// <summary>bittok2str: the names of the set bits joined by ", ", or none.</summary>
    private static string Flags(Tok[] t, uint v)
    {
        string s = "";
        foreach (var e in t)
            if ((v & e.V) != 0) s = s.Length == 0 ? e.S : s + ", " + e.S;
        return s.Length == 0 ? "none" : s;
    }

    public static void Print(PrintContext nd, int bp, int length)
    {
        nd.Proto = "ospf3";
        int type = nd.U8(bp + 1);
        string? name = Type(type);
        nd.Print($"OSPFv{nd.U8(bp)}, {name ?? $"unknown packet type ({type})"}, length {length}");
        if (name == null || nd.Verbose == 0) return;
        int datalen = nd.Be16(bp + 2);
        if (datalen > length) { nd.Print($" [len {datalen}]"); return; }
        int end = bp + datalen;
        nd.Print($"\n\tRouter-ID {nd.A4(bp + 4)}");
        if (nd.Be32(bp + 8) != 0) nd.Print($", Area {nd.A4(bp + 8)}");
        else nd.Print(", Backbone Area");
        if (nd.U8(bp + 14) != 0) nd.Print($", Instance {nd.U8(bp + 14)}");
        if (nd.U8(bp) != 3) return;
        if (Decode(nd, bp, end) || Trailer(nd, bp, end, length - datalen)) nd.PrintTrunc();
    }

    private static void LsType(PrintContext nd, int lsType, int stateId)
    {
        string scope = (lsType & 0x6000) switch { 0 => "Link Local", 0x2000 => "Area Local", 0x4000 => "Domain Wide", _ => "Unknown" };
        string u = (lsType & 0x8000) != 0 ? ", transitive" : "";
        nd.Print($"\n\t    {LsaName(lsType & 0x1fff)} LSA ({lsType & 0x1fff}), {scope} Scope{u}, LSA-ID {nd.A4(stateId)}");
    }

    /// <summary>An LSA header; true when it does not fit before end.</summary>
    private static bool LsHeader(PrintContext nd, int p, int end)
    {
        if (p + LsaHeaderLen > end) return true;
        nd.Print($"\n\t  Advertising Router {nd.A4(p + 8)}, seq 0x{nd.Be32(p + 12):x8}, age {nd.Be16(p)}s, length {(ulong)(nd.Be16(p + 18) - LsaHeaderLen)}");
        LsType(nd, nd.Be16(p + 2), p + 4);
        return false;
    }

    /// <summary>An address prefix of an LSA; its length in bytes, or -1 when it does not fit.</summary>
    private static int Prefix(PrintContext nd, int p, int lsaLength)
    {
        if (lsaLength < 4) return -1;
        lsaLength -= 4;
        nd.Check(p, 4);
        int plen = nd.U8(p);
        int words = (plen + 31) / 32;
        if (words * 4 > 16)
        {
            nd.Print($" bogus prefixlen /{plen}");
            return -1;
        }
        if (lsaLength < words * 4) return -1;
        Span<byte> a = stackalloc byte[16];
        a.Clear();
        nd.Bytes(p + 4, words * 4).CopyTo(a);
        nd.Print($"\n\t\t{nd.Ip6String(a)}/{plen}");
        int opt = nd.U8(p + 1);
        if (opt != 0)
        {
            nd.Print($", Options [{Flags(PrefixOptions, (uint)opt)}]");
        }
        nd.Print($", metric {nd.Be16(p + 2)}");
        return 4 + words * 4;
    }

    /// <summary>Prints count prefixes (or, when count is negative, prefixes until the LSA ends); false when one is cut.</summary>
    private static bool Prefixes(PrintContext nd, ref int t, ref int lsaLength, long count)
    {
        while (count < 0 ? lsaLength != 0 : count > 0)
        {
            int n = Prefix(nd, t, lsaLength);
            if (n < 0) return false;
            if (count > 0) count--;
            lsaLength -= n;
            t += n;
        }
        return true;
    }

    /// <summary>An LSA; true when it is cut short.</summary>
    private static bool Lsa(PrintContext nd, int p, int end)
    {
        if (LsHeader(nd, p, end)) return true;
        int length = nd.Be16(p + 18);
        if (length < LsaHeaderLen || p + length > end) return true;
        int lsaLength = length - LsaHeaderLen;
        int t = p + LsaHeaderLen;
        switch (nd.Be16(p + 2))
        {
            case 0x2001:
                if (lsaLength < 4) return true;
                lsaLength -= 4;
                nd.Print($"\n\t      Options [{Flags(Options, nd.Be32(t))}]");
                nd.Print($", RLA-Flags [{Flags(RlaFlags, nd.U8(t))}]");
                for (int l = t + 4; lsaLength != 0; l += 16)
                {
                    if (lsaLength < 16) return true;
                    lsaLength -= 16;
                    nd.Check(l, 16);
                    int lt = nd.U8(l);
                    string? head = lt switch
                    {
                        4 => "Virtual Link: Neighbor Router-ID", 1 => "Neighbor Router-ID", 2 => "Neighbor Network-ID", _ => null,
                    };
                    if (head == null)
                    {
                        nd.Print($"\n\t      Unknown Router Links Type 0x{lt:x2}");
                        return false;
                    }
                    nd.Print($"\n\t      {head} {nd.A4(l + 12)}\n\t      Neighbor Interface-ID {nd.A4(l + 8)}, Interface {nd.A4(l + 4)}");
                    nd.Print($", metric {nd.Be16(l + 2)}");
                }
                break;
            case 0x2002:
                if (lsaLength < 4) return true;
                lsaLength -= 4;
                nd.Print($"\n\t      Options [{Flags(Options, nd.Be32(t))}]");
                nd.Print("\n\t      Connected Routers:");
                for (int a = t + 4; lsaLength != 0; a += 4)
                {
                    if (lsaLength < 4) return true;
                    lsaLength -= 4;
                    nd.Print($"\n\t\t{nd.A4(a)}");
                }
                break;
            case 0x2003:
                if (lsaLength < 4) return true;
                lsaLength -= 4;
                nd.Print($", metric {nd.Be32(t) & 0xffffff}");
                t += 4;
                if (!Prefixes(nd, ref t, ref lsaLength, -1)) return true;
                break;
            case 0x4005:
                return External(nd, t, lsaLength);
            case 0x0008:
                if (lsaLength < 4) return true;
                lsaLength -= 4;
                nd.Check(t, 4);
                nd.Print($"\n\t      Options [{Flags(Options, nd.Be32(t))}]");
                if (lsaLength < 20) return true;
                lsaLength -= 20;
                uint np = nd.Be32(t + 20);
                nd.Print($"\n\t      Priority {nd.U8(t)}, Link-local address {nd.A6(t + 4)}, Prefixes {np}:");
                t += 24;
                if (!Prefixes(nd, ref t, ref lsaLength, np)) return true;
                break;
            case 0x2009:
                if (lsaLength < 4) return true;
                lsaLength -= 4;
                nd.Check(t + 8, 4);
                LsType(nd, nd.Be16(t + 2), t + 4);
                if (lsaLength < 2) return true;
                lsaLength -= 2;
                int count = nd.Be16(t);
                nd.Print($"\n\t      Prefixes {count}:");
                t += 12;
                if (!Prefixes(nd, ref t, ref lsaLength, count)) return true;
                break;
            default:
                if (!nd.TTest(t, 0))
                {
                    nd.Print("\n\t      Dissector error: print_unknown_data called with pointer past end of packet");
                    return true;
                }
                HexDump.UnknownData(nd, t, "\n\t      ", lsaLength);
                break;
        }
        return false;
    }

    private static bool External(PrintContext nd, int t, int lsaLength)
    {
        if (lsaLength < 4) return true;
        lsaLength -= 4;
        uint flags = nd.Be32(t);
        nd.Print($"\n\t     Flags [{Flags(AslaFlags, flags)}]");
        nd.Print($" metric {nd.Be32(t) & 0xffffff}");
        int prefix = t + 4;
        int n = Prefix(nd, prefix, lsaLength);
        if (n < 0) return true;
        lsaLength -= n;
        t = prefix + n;
        if ((flags & 0x02000000) != 0)
        {
            if (lsaLength < 16) return true;
            lsaLength -= 16;
            nd.Print($" forward {nd.A6(t)}");
            t += 16;
        }
        if ((flags & 0x01000000) != 0)
        {
            if (lsaLength < 4) return true;
            lsaLength -= 4;
            nd.Print($" tag {nd.A4(t)}");
            t += 4;
        }
        if (nd.U8(prefix + 2) != 0)
        {
            if (lsaLength < 4) return true;
            nd.Print($" RefLSID: {nd.A4(t)}");
        }
        return false;
    }

    /// <summary>The packet body; true when it is cut short.</summary>
    private static bool Decode(PrintContext nd, int op, int end)
    {
        int b = op + HeaderLen;
        switch (nd.U8(op + 1))
        {
            case 1:
                nd.Print($"\n\tOptions [{Flags(Options, nd.Be32(b + 4))}]");
                nd.Print($"\n\t  Hello Timer {nd.Be16(b + 8)}s, Dead Timer {nd.Be16(b + 10)}s, Interface-ID {nd.A4(b)}, Priority {nd.U8(b + 4)}");
                if (nd.Be32(b + 12) != 0) nd.Print($"\n\t  Designated Router {nd.A4(b + 12)}");
                if (nd.Be32(b + 16) != 0) nd.Print($", Backup Designated Router {nd.A4(b + 16)}");
                if (nd.Verbose > 1)
                {
                    nd.Print("\n\t  Neighbor List:");
                    for (int a = b + 20; a < end; a += 4) nd.Print($"\n\t    {nd.A4(a)}");
                }
                break;
            case 2:
                nd.Print($"\n\tOptions [{Flags(Options, nd.Be32(b))}]");
                nd.Print($", DD Flags [{Flags(DdFlags, nd.U8(b + 7))}]");
                nd.Print($", MTU {nd.Be16(b + 4)}, DD-Sequence 0x{nd.Be32(b + 8):x8}");
                if (nd.Verbose > 1)
                    for (int h = b + 12; h < end; h += LsaHeaderLen)
                        if (LsHeader(nd, h, end)) return true;
                break;
            case 3:
                if (nd.Verbose > 1)
                {
                    for (int r = b; r < end; r += 12)
                    {
                        nd.Check(r, 12);
                        nd.Print($"\n\t  Advertising Router {nd.A4(r + 8)}");
                        LsType(nd, nd.Be16(r + 2), r + 4);
                    }
                }
                break;
            case 4:
                if (nd.Verbose > 1)
                {
                    long i = (int)nd.Be32(b);
                    int l = b + 4;
                    while (l < end && i-- != 0)
                    {
                        if (Lsa(nd, l, end)) return true;
                        l += nd.Be16(l + 18);
                    }
                }
                break;
            case 5:
                if (nd.Verbose > 1)
                    for (int h = b; h < end; h += LsaHeaderLen)
                        if (LsHeader(nd, h, end)) return true;
                break;
        }
        return false;
    }

    /// <summary>LLS block and authentication trailer after the OSPF data; true when cut short.</summary>
    private static bool Trailer(PrintContext nd, int op, int cp, int len)
    {
        int type = nd.U8(op + 1);
        bool lls = false;
        if (type == 1) lls = (nd.Be32(op + HeaderLen + 4) & 0x200) != 0;
        else if (type == 2) lls = (nd.Be32(op + HeaderLen) & 0x200) != 0;
        int llsLen = 0;
        if (lls && len != 0)
        {
            if (len < 4) return true;
            nd.Print($"\n\tLLS Checksum 0x{nd.Be16(cp):x4}");
            llsLen = nd.Be16(cp + 2);
            nd.Print($", Data Length {llsLen}");
            if (llsLen < 4 || llsLen > len) return true;
            nd.Check(cp + 4, llsLen - 4);
        }
        return AuthTrailer(nd, cp + llsLen, len - llsLen);
    }

    private static bool AuthTrailer(PrintContext nd, int cp, int len)
    {
        if (len == 0) return false;
        if (len < 16) return true;
        int at = nd.Be16(cp);
        nd.Print($"\n\tAuthentication Type {(at == 1 ? "HMAC" : $"unknown (0x{at:x4})")}");
        int alen = nd.Be16(cp + 2);
        nd.Print($", Length {alen}");
        if (alen < 16 || alen > len) return true;
        nd.Print($", SAID {nd.Be16(cp + 6)}");
        nd.Print($", CSN 0x{nd.Be32(cp + 8):x8}");
        nd.Print($":{nd.Be32(cp + 12):x8}");
        nd.Check(cp + 16, alen - 16);
        if (nd.Verbose > 1) HexDump.UnknownData(nd, cp + 16, "\n\tAuthentication Data ", alen - 16);
        return false;
    }
}
