// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>PPP control protocols: the LCP-style packet (LCP, IPCP, IP6CP, CCP, BACP, OSICP, MPLSCP) and their
/// configuration options, CHAP, PAP, BAP and multilink fragments.</summary>
/// <remarks>Specification: RFC 1661 (LCP), RFC 1332 and RFC 1877 (IPCP), RFC 5072 (IP6CP), RFC 1962 (CCP),
/// RFC 1979 (Deflate), RFC 1977 (BSD-Comp), RFC 2125 (BACP/BAP), RFC 1334 (PAP), RFC 1994 (CHAP), RFC 1990 (multilink),
/// RFC 1570 (LCP extensions), RFC 3544 (IP header compression), RFC 2153 (vendor extensions).</remarks>
internal static class PppControl
{
    private static string? Code(int c) => c switch
    {
        0 => "Vendor-Extension", 1 => "Conf-Request", 2 => "Conf-Ack", 3 => "Conf-Nack", 4 => "Conf-Reject", 5 => "Term-Request",
        6 => "Term-Ack", 7 => "Code-Reject", 8 => "Prot-Reject", 9 => "Echo-Request", 10 => "Echo-Reply", 11 => "Disc-Req",
        12 => "Ident", 13 => "Time-Rem", 14 => "Reset-Req", 15 => "Reset-Ack", _ => null,
    };

    private static readonly string[] LcpOptions =
    [
        "Vend-Ext", "MRU", "ACCM", "Auth-Prot", "Qual-Prot", "Magic-Num", "deprecated(6)", "PFC", "ACFC", "FCS-Alt", "SDP",
        "Num-Mode", "deprecated(12)", "Call-Back", "deprecated(14)", "deprecated(15)", "deprecated(16)", "MRRU", "12-Bit seq #",
        "End-Disc", "Proprietary", "DCE-Id", "MP+", "Link-Disc", "LCP-Auth-Opt", "COBS", "Prefix-elision",
        "Multilink-header-Form", "I18N", "SDL-over-SONET/SDH", "PPP-Muxing",
    ];

    private static string IpcpOption(int o) => o switch
    {
        1 => "IP-Addrs", 2 => "IP-Comp", 3 => "IP-Addr", 4 => "Home-Addr", 129 => "Pri-DNS", 130 => "Pri-NBNS", 131 => "Sec-DNS",
        132 => "Sec-NBNS", _ => "unknown",
    };

    private static string CcpOption(int o) => o switch
    {
        0 => "OUI", 1 => "Pred-1", 2 => "Pred-2", 3 => "Puddle", 16 => "HP-PPC", 17 => "Stac-LZS", 18 => "MPPC", 19 => "Gand-FZA",
        20 => "V.42bis", 21 => "BSD-Comp", 23 => "LZS-DCP", 24 => "MVRCA", 25 => "DEC", 26 => "Deflate", 255 => "Reserved",
        _ => "Unknown",
    };

    private static string CallbackOp(int o) => o switch
    {
        0 => "UserAuth", 1 => "DialString", 2 => "LocalID", 3 => "E.164", 4 => "X.500", 6 => "CBCP", _ => "Unknown",
    };

    /// <summary>print_unknown_data with tcpdump's unsigned length: a negative length means "to the end".</summary>
    private static void Unknown(PrintContext nd, int cp, string indent, long len) =>
        HexDump.UnknownData(nd, cp, indent, len < 0 || len > int.MaxValue ? int.MaxValue : (int)len);

    /// <summary>An LCP-style control packet (code, id, length, data) of protocol proto at p.</summary>
    public static void Print(PrintContext nd, int proto, int p, int length)
    {
        string type = Ppp.TypeName(proto) ?? $"unknown ctrl-proto (0x{proto:x4})";
        nd.Print($"{type}, ");
        if (length < 4 || !nd.TTest(p, 2)) { nd.Print($"[|{type}]"); return; }
        int code = nd.U8(p);
        nd.Print($"{Code(code) ?? "Unknown Opcode"} (0x{code:x2}), id {nd.U8(p + 1)}, length {(uint)(length + 2)}");
        if (nd.Verbose == 0) return;
        int len = nd.Be16(p + 2);
        int t = p + 4;
        if (len < 4) { nd.Print($"\n\tencoded length {len} (< 4))"); return; }
        if (len > length) { nd.Print($"\n\tencoded length {len} (> packet length {length}))"); return; }
        length = len;
        nd.Print($"\n\tencoded length {len} (=Option(s) length {len - 4})");
        if (length == 4) return;
        if (nd.Verbose > 1) Unknown(nd, p - 2, "\n\t", 6);
        switch (code)
        {
            case 0:
                if (length < 11) break;
                nd.Print($"\n\t  Magic-Num 0x{nd.Be32(t):x8}");
                uint oui = nd.Be24(t + 4);
                nd.Print($" Vendor: {Llc.Oui(oui) ?? "Unknown"} ({oui})");
                break;
            case 1: case 2: case 3: case 4:
                Options(nd, proto, t, len);
                break;
            case 8:
                if (length < 6) break;
                int rp = nd.Be16(t);
                nd.Print($"\n\t  Rejected {Ppp.TypeName(rp) ?? "unknown"} Protocol (0x{rp:x4})");
                if (len > 6)
                {
                    nd.Print("\n\t  Rejected Packet");
                    Unknown(nd, t + 2, "\n\t    ", len - 2);
                }
                break;
            case 9: case 10: case 11:
                if (length < 8) break;
                nd.Print($"\n\t  Magic-Num 0x{nd.Be32(t):x8}");
                if (len > 8)
                {
                    nd.Print("\n\t  -----trailing data-----");
                    if (!nd.TTest(t + 4, len - 8)) { nd.Print($"[|{type}]"); return; }
                    Unknown(nd, t + 4, "\n\t  ", len - 8);
                }
                break;
            case 12:
                if (length < 8) break;
                nd.Print($"\n\t  Magic-Num 0x{nd.Be32(t):x8}");
                if (len > 8)
                {
                    nd.Print("\n\t  Message\n\t    ");
                    int n = len - 4, s = t + 4;
                    while (n > 0 && s < nd.SnapEnd) { Text.PrintChar(nd, nd.U8(s)); s++; n--; }
                    if (n != 0) { nd.Print($"[|{type}]"); return; }
                }
                break;
            case 13:
                if (length < 12) break;
                nd.Print($"\n\t  Magic-Num 0x{nd.Be32(t):x8}");
                nd.Print($", Seconds-Remaining {nd.Be32(t + 4)}s");
                break;
            case 5: case 6: case 7:
                break;
            default:
                if (nd.Verbose <= 1) Unknown(nd, p - 2, "\n\t  ", length + 2);
                break;
        }
    }

    private static void Options(PrintContext nd, int proto, int t, int len)
    {
        int tlen = len - 4;
        do
        {
            int advance = proto switch
            {
                0xc021 => Lcp(nd, t, len),
                0x8021 => Ipcp(nd, t, len),
                0x8057 => Ip6cp(nd, t, len),
                0x80fd => Ccp(nd, t, len),
                0xc02b => Bacp(nd, t, len),
                _ => 0,
            };
            if (advance == 0) break;
            if (tlen < advance)
            {
                nd.Print($" [remaining options length {tlen} < {advance}]");
                nd.PrintInvalid();
                break;
            }
            tlen -= advance;
            t += advance;
        } while (tlen != 0);
    }

    /// <summary>The hex dump of an option's value that -vv adds after every option.</summary>
    private static void Trailer(PrintContext nd, int p, int len)
    {
        if (nd.Verbose > 1) Unknown(nd, p + 2, "\n\t    ", len - 2);
    }

    private static void UnknownValue(PrintContext nd, int p, int len)
    {
        if (nd.Verbose < 2) Unknown(nd, p + 2, "\n\t    ", len - 2);
    }

    private static int Lcp(PrintContext nd, int p, int length)
    {
        if (length < 2) return 0;
        if (!nd.TTest(p, 2)) { nd.Print("[|lcp]"); return 0; }
        int opt = nd.U8(p), len = nd.U8(p + 1);
        if (length < len) return 0;
        if (len < 2)
        {
            if (opt < LcpOptions.Length)
                nd.Print($"\n\t  {LcpOptions[opt]} Option (0x{opt:x2}), length {len} (length bogus, should be >= 2)");
            else nd.Print($"\n\tunknown LCP option 0x{opt:x2}");
            return 0;
        }
        if (opt >= LcpOptions.Length) { nd.Print($"\n\tunknown LCP option 0x{opt:x2}"); return len; }
        nd.Print($"\n\t  {LcpOptions[opt]} Option (0x{opt:x2}), length {len}");
        switch (opt)
        {
            case 0:
                if (len < 6) { nd.Print(" (length bogus, should be >= 6)"); return len; }
                uint oui = nd.Be24(p + 2);
                nd.Print($": Vendor: {Llc.Oui(oui) ?? "Unknown"} ({oui})");
                break;
            case 1:
            case 17:
                if (len != 4) { nd.Print(" (length bogus, should be = 4)"); return opt == 1 ? len : 0; }
                nd.Print($": {nd.Be16(p + 2)}");
                break;
            case 2:
                if (len != 6) { nd.Print(" (length bogus, should be = 6)"); return len; }
                nd.Print($": 0x{nd.Be32(p + 2):x8}");
                break;
            case 3:
                if (len < 4) { nd.Print(" (length bogus, should be >= 4)"); return len; }
                int ap = nd.Be16(p + 2);
                nd.Print($": {Ppp.TypeName(ap) ?? "Unknown Auth Proto (0x04x)"}");
                switch (ap)
                {
                    case 0xc223:
                        int alg = nd.U8(p + 4);
                        nd.Print($", {alg switch { 5 => "MD5", 128 => "MS-CHAPv1", 129 => "MS-CHAPv2", _ => $"Unknown Auth Alg {alg}" }}");
                        break;
                    case 0xc023: case 0xc227: case 0xc027: case 0xc123:
                        break;
                    default:
                        Unknown(nd, p, "\n\t", len);
                        break;
                }
                break;
            case 4:
                if (len < 4) { nd.Print(" (length bogus, should be >= 4)"); return 0; }
                nd.Print(nd.Be16(p + 2) == 0xc025 ? ": LQR" : ": unknown");
                break;
            case 5:
                if (len != 6) { nd.Print(" (length bogus, should be = 6)"); return 0; }
                nd.Print($": 0x{nd.Be32(p + 2):x8}");
                break;
            case 7:
            case 8:
                break;
            case 23:
                if (len != 4) { nd.Print(" (length bogus, should be = 4)"); return 0; }
                nd.Print($": 0x{nd.Be16(p + 2):x4}");
                break;
            case 13:
                if (len < 3) { nd.Print(" (length bogus, should be >= 3)"); return 0; }
                nd.Print(": ");
                int op = nd.U8(p + 2);
                nd.Print($": Callback Operation {CallbackOp(op)} ({op})");
                break;
            case 19:
                if (len < 3) { nd.Print(" (length bogus, should be >= 3)"); return 0; }
                if (!EndpointDiscriminator(nd, p, len)) return 0;
                break;
            default:
                UnknownValue(nd, p, len);
                break;
        }
        Trailer(nd, p, len);
        return len;
    }

    private static bool EndpointDiscriminator(PrintContext nd, int p, int len)
    {
        int cls = nd.U8(p + 2);
        switch (cls)
        {
            case 0: nd.Print(": Null"); break;
            case 1: nd.Print(": Local"); break;
            case 2:
                if (len != 7) { nd.Print(" (length bogus, should be = 7)"); return false; }
                nd.Print($": IPv4 {nd.A4(p + 3)}");
                break;
            case 3:
                if (len != 9) { nd.Print(" (length bogus, should be = 9)"); return false; }
                nd.Check(p + 3, 6);
                nd.Print(": MAC ");
                nd.Mac(p + 3);
                break;
            case 4: nd.Print(": Magic-Num-Block"); break;
            case 5: nd.Print(": PSNDN"); break;
            default: nd.Print($": Unknown class {cls}"); break;
        }
        return true;
    }

    /// <summary>The common head of IPCP, IP6CP, CCP and BACP options; -1 when the caller must return 0.</summary>
    private static int Head(PrintContext nd, int p, int length, string trunc, Func<int, string> name, out int opt)
    {
        opt = 0;
        if (length < 2) return -1;
        if (!nd.TTest(p, 2)) { nd.Print(trunc); return -1; }
        opt = nd.U8(p);
        int len = nd.U8(p + 1);
        if (length < len) return -1;
        if (len < 2)
        {
            nd.Print($"\n\t  {name(opt)} Option (0x{opt:x2}), length {len} (length bogus, should be >= 2)");
            return -1;
        }
        nd.Print($"\n\t  {name(opt)} Option (0x{opt:x2}), length {len}");
        return len;
    }

    private static int Ipcp(PrintContext nd, int p, int length)
    {
        int len = Head(nd, p, length, "[|ipcp]", IpcpOption, out int opt);
        if (len < 0) return 0;
        switch (opt)
        {
            case 1:
                if (len != 10) { nd.Print(" (length bogus, should be = 10)"); return len; }
                nd.Print($": src {nd.A4(p + 2)}, dst {nd.A4(p + 6)}");
                break;
            case 2:
                if (len < 4) { nd.Print(" (length bogus, should be >= 4)"); return 0; }
                if (!Compression(nd, p, len)) return 0;
                break;
            case 3: case 4: case 129: case 130: case 131: case 132:
                if (len != 6) { nd.Print(" (length bogus, should be = 6)"); return 0; }
                nd.Print($": {nd.A4(p + 2)}");
                break;
            default:
                UnknownValue(nd, p, len);
                break;
        }
        Trailer(nd, p, len);
        return len;
    }

    private static bool Compression(PrintContext nd, int p, int len)
    {
        const int MinLen = 14;
        int cp = nd.Be16(p + 2);
        nd.Print($": {cp switch { 0x002d => "VJ-Comp", 0x61 => "IP Header Compression", _ => "Unknown" }} (0x{cp:x2}):");
        if (cp != 0x61) return true;
        if (len < MinLen) { nd.Print($" (length bogus, should be >= {MinLen})"); return false; }
        if (!nd.TTest(p + 2, MinLen)) { nd.Print("[|ipcp]"); return false; }
        nd.Print($"\n\t    TCP Space {nd.Be16(p + 4)}, non-TCP Space {nd.Be16(p + 6)}, maxPeriod {nd.Be16(p + 8)}, maxTime {nd.Be16(p + 10)}");
        nd.Print($", maxHdr {nd.Be16(p + 12)}");
        if (len <= MinLen) return true;
        int total = len - MinLen;
        p += MinLen;
        nd.Print($"\n\t      Suboptions, length {total}");
        while (total >= 2)
        {
            if (!nd.TTest(p, 2)) { nd.Print("[|ipcp]"); return false; }
            int so = nd.U8(p), sl = nd.U8(p + 1);
            if (so == 0 || sl == 0) break;
            string sname = so switch { 1 => "RTP-Compression", 2 => "Enhanced RTP-Compression", _ => "Unknown" };
            nd.Print($"\n\t\t{sname} Suboption #{so}, length {sl}");
            if (total < sl)
            {
                nd.Print($" [remaining suboptions length {total} < {sl}]");
                nd.PrintInvalid();
                break;
            }
            total -= sl;
            p += sl;
        }
        return true;
    }

    private static int Ip6cp(PrintContext nd, int p, int length)
    {
        int len = Head(nd, p, length, "[|ip6cp]", o => o == 1 ? "Interface-ID" : "unknown", out int opt);
        if (len < 0) return 0;
        if (opt == 1)
        {
            if (len != 10) { nd.Print(" (length bogus, should be = 10)"); return len; }
            if (!nd.TTest(p + 2, 8)) { nd.Print("[|ip6cp]"); return 0; }
            nd.Print($": {nd.Be16(p + 2):x4}:{nd.Be16(p + 4):x4}:{nd.Be16(p + 6):x4}:{nd.Be16(p + 8):x4}");
        }
        else UnknownValue(nd, p, len);
        Trailer(nd, p, len);
        return len;
    }

    private static int Ccp(PrintContext nd, int p, int length)
    {
        int len = Head(nd, p, length, "[|ccp]", CcpOption, out int opt);
        if (len < 0) return 0;
        switch (opt)
        {
            case 21:
                if (len < 3) { nd.Print(" (length bogus, should be >= 3)"); return len; }
                nd.Print($": Version: {nd.U8(p + 2) >> 5}, Dictionary Bits: {nd.U8(p + 2) & 0x1f}");
                break;
            case 24:
                if (len < 4) { nd.Print(" (length bogus, should be >= 4)"); return len; }
                int f = nd.U8(p + 2);
                string pxp = (f & 0x20) != 0 ? "Enabled" : "Disabled";
                nd.Print($": Features: {(f & 0xc0) >> 6}, PxP: {pxp}, History: {f & 0x1f}, #CTX-ID: {nd.U8(p + 3)}");
                break;
            case 26:
                if (len < 4) { nd.Print(" (length bogus, should be >= 4)"); return len; }
                int w = nd.U8(p + 2), c = nd.U8(p + 3);
                string method = (w & 0x0f) == 8 ? "zlib" : "unknown";
                nd.Print($": Window: {(w & 0xf0) >> 4}K, Method: {method} (0x{w & 0x0f:x}), MBZ: {(c & 0xfc) >> 2}, CHK: {c & 0x03}");
                break;
            default:
                UnknownValue(nd, p, len);
                break;
        }
        Trailer(nd, p, len);
        return len;
    }

    private static int Bacp(PrintContext nd, int p, int length)
    {
        int len = Head(nd, p, length, "[|bacp]", o => o == 1 ? "Favored-Peer" : "Unknown", out int opt);
        if (len < 0) return 0;
        if (opt == 1)
        {
            if (len != 6) { nd.Print(" (length bogus, should be = 6)"); return len; }
            nd.Print($": Magic-Num 0x{nd.Be32(p + 2):x8}");
        }
        else UnknownValue(nd, p, len);
        Trailer(nd, p, len);
        return len;
    }

    /// <summary>A multilink PPP fragment header (12-bit sequence numbers).</summary>
    public static void Multilink(PrintContext nd, int p, int length)
    {
        if (!nd.Settings.LinkHeader) nd.Print("MLPPP, ");
        if (length < 2 || !nd.TTest(p, 2)) { nd.Print("[|mlppp]"); return; }
        int b = nd.U8(p) & 0xc0;
        string flags = b switch { 0 => "none", 0x80 => "begin", 0x40 => "end", _ => "begin, end" };
        nd.Print($"seq 0x{nd.Be16(p) & 0x0fff:x3}, Flags [{flags}], length {length}");
    }

    private static void Chars(PrintContext nd, int p, long n)
    {
        for (long i = 0; i < n; i++) Text.PrintChar(nd, nd.U8(p + (int)i));
    }

    public static void Chap(PrintContext nd, int p, int length)
    {
        if (length < 1) { nd.Print("[|chap]"); return; }
        if (length < 4) { nd.Print($"[|chap 0x{nd.U8(p):x2}]"); return; }
        int code = nd.U8(p);
        string name = code switch { 1 => "Challenge", 2 => "Response", 3 => "Success", 4 => "Fail", _ => "unknown" };
        nd.Print($"CHAP, {name} (0x{code:x2})");
        nd.Print($", id {nd.U8(p + 1)}");
        int len = nd.Be16(p + 2);
        int off = 4;
        switch (code)
        {
            case 1:
            case 2:
                if (length - off < 1) return;
                int vs = nd.U8(p + off);
                off++;
                if (length - off < vs) return;
                nd.Print(", Value ");
                for (int i = 0; i < vs; i++) { nd.Print($"{nd.U8(p + off):x2}"); off++; }
                nd.Print(", Name ");
                Chars(nd, p + off, (uint)(len - off));
                break;
            case 3:
            case 4:
                nd.Print(", Msg ");
                Chars(nd, p + off, (uint)(len - off));
                break;
        }
    }

    public static void Pap(PrintContext nd, int p, int length)
    {
        if (length < 1) { nd.Print("[|pap]"); return; }
        if (length < 4) { nd.Print($"[|pap 0x{nd.U8(p):x2}]"); return; }
        int code = nd.U8(p);
        string name = code switch { 1 => "Auth-Req", 2 => "Auth-ACK", 3 => "Auth-NACK", _ => "unknown" };
        nd.Print($"PAP, {name} (0x{code:x2})");
        nd.Print($", id {nd.U8(p + 1)}");
        int len = nd.Be16(p + 2);
        int off = 4;
        if (len > length) { nd.Print($", length {len} > packet size"); return; }
        length = len;
        if (length < off) { nd.Print($", length {length} < PAP header length"); return; }
        switch (code)
        {
            case 1:
                if (len < 6) { nd.Print("[|pap]"); return; }
                if (length - off < 1) return;
                int pl = nd.U8(p + off);
                off++;
                if (length - off < pl) return;
                nd.Print(", Peer ");
                Chars(nd, p + off, pl);
                off += pl;
                if (length - off < 1) return;
                int wl = nd.U8(p + off);
                off++;
                if (length - off < wl) return;
                nd.Print(", Name ");
                Chars(nd, p + off, wl);
                break;
            case 2:
            case 3:
                if (len < 5) { nd.Print("[|pap]"); return; }
                if (length - off < 1) return;
                int ml = nd.U8(p + off);
                off++;
                if (length - off < ml) return;
                nd.Print(", Msg ");
                Chars(nd, p + off, ml);
                break;
        }
    }
}
