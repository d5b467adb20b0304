// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>PGM (RFC 3208, IP protocol 113, or UDP-encapsulated with -T pgm): header, message types and options at -v.</summary>
/// <remarks>Specification: RFC 3208.</remarks>
internal static class Pgm
{
    private const int Inet = 1, Inet6 = 2;

    /// <summary>Reads an NLA of the given address family at bp into a printable value; false for other families.</summary>
    private static bool Nla(PrintContext nd, int afi, ref int bp, out string s)
    {
        switch (afi)
        {
            case Inet:
                s = new V4(nd.Be32(bp)).ToString(); // tcpdump prints the NLA as a number, also without -n
                bp += 4;
                return true;
            case Inet6:
            {
                nd.Check(bp, 16);
                s = Ip6Format.ToText(nd.Buf.AsSpan(bp, 16));
                bp += 16;
                return true;
            }
            default:
                s = "";
                return false;
        }
    }

    public static void Print(PrintContext nd, int bp, int length, int iph)
    {
        nd.Proto = "pgm";
        bool v6 = (nd.U8(iph) >> 4) == 6;
        if (!nd.TTest(bp + 2, 2))
        {
            if (v6) nd.Print($"{nd.A6(iph + 8)} > {nd.A6(iph + 24)}:");
            else nd.Print($"{nd.A4(iph + 12)} > {nd.A4(iph + 16)}:");
            nd.PrintTrunc();
            return;
        }
        int sport = nd.Be16(bp), dport = nd.Be16(bp + 2);
        if (v6)
        {
            if (nd.U8(iph + 6) == 113) nd.Print($"{nd.A6(iph + 8)}.{sport} > {nd.A6(iph + 24)}.{dport}: ");
            else nd.Print($"{sport} > {dport}: ");
        }
        else
        {
            if (nd.U8(iph + 9) == 113) nd.Print($"{nd.A4(iph + 12)}.{sport} > {nd.A4(iph + 16)}.{dport}: ");
            else nd.Print($"{sport} > {dport}: ");
        }
        nd.Check(bp, 16);
        nd.Print($"PGM, length {nd.Be16(bp + 14)}");
        if (nd.Verbose == 0) return;
        int type = nd.Buf[bp + 4];
        nd.Print(" 0x");
        for (int i = 0; i < 6; i++) nd.Out.PutHex2(nd.Buf[bp + 8 + i]);
        nd.Print(' ');
        int p = bp + 16;
        string nla;
        switch (type)
        {
            case 0:
            {
                nd.Check(p, 16);
                int q = p + 16;
                if (!Nla(nd, nd.Be16(p + 12), ref q, out nla)) { nd.PrintTrunc(); return; }
                nd.Print($"SPM seq {nd.Be32(p)} trail {nd.Be32(p + 4)} lead {nd.Be32(p + 8)} nla {nla}");
                p = q;
                break;
            }
            case 1:
            {
                nd.Check(p, 12);
                int q = p + 12;
                if (!Nla(nd, nd.Be16(p + 8), ref q, out nla)) { nd.PrintTrunc(); return; }
                uint ivl = nd.Be32(q), rnd = nd.Be32(q + 4), mask = nd.Be32(q + 8);
                nd.Print($"POLL seq {nd.Be32(p)} round {nd.Be16(p + 4)} nla {nla} ivl {ivl} rnd 0x{rnd:x8} mask 0x{mask:x8}");
                p = q + 12;
                break;
            }
            case 2:
                nd.Check(p, 8);
                nd.Print($"POLR seq {nd.Be32(p)} round {nd.Be16(p + 4)}");
                p += 8;
                break;
            case 4:
            case 5:
                nd.Check(p, 8);
                nd.Print($"{(type == 4 ? "ODATA" : "RDATA")} trail {nd.Be32(p + 4)} seq {nd.Be32(p)}");
                p += 8;
                break;
            case 8:
            case 9:
            case 10:
            {
                nd.Check(p, 8);
                int q = p + 8;
                if (!Nla(nd, nd.Be16(p + 4), ref q, out string src)) { nd.PrintTrunc(); return; }
                q += 4;
                if (!Nla(nd, nd.Be16(q), ref q, out string grp)) { nd.PrintTrunc(); return; }
                nd.Print(type switch { 8 => "NAK ", 9 => "NNAK ", _ => "NCF " });
                nd.Print($"({src} -> {grp}), seq {nd.Be32(p)}");
                p = q;
                break;
            }
            case 11:
                nd.Check(p, 8);
                nd.Print($"ACK seq {nd.Be32(p)}");
                p += 8;
                break;
            case 12:
                nd.Print("SPMR");
                p = bp;
                break;
            default:
                // options of types without a body are looked for from the start of the header, as tcpdump does
                nd.Print($"UNKNOWN type 0x{type:x2}");
                p = bp;
                break;
        }
        if ((nd.U8(bp + 5) & 0x01) != 0 && !Options(nd, ref p)) return;
        nd.Print($" [{(uint)length}]");
        if (nd.Settings.ForcedType == "pgm_zmtp1" && type is 4 or 5) ZeroMq.Datagram(nd, p, nd.Be16(bp + 14));
    }

    /// <summary>The option list; false when printing stopped early (a bracketed complaint or truncation).</summary>
    private static bool Options(PrintContext nd, ref int bp)
    {
        nd.Check(bp, 4);
        int optType = nd.Buf[bp++];
        if ((optType & 0x7f) != 0)
        {
            nd.Print($"[First option bad, should be PGM_OPT_LENGTH, is {optType & 0x7f}]");
            return false;
        }
        int optLen = nd.Buf[bp++];
        if (optLen != 4)
        {
            nd.Print($"[Bad OPT_LENGTH option, length {optLen} != 4]");
            return false;
        }
        uint optsLen = nd.Be16(bp);
        bp += 2;
        if (optsLen < 4)
        {
            nd.Print($"[Bad total option length {optsLen} < 4]");
            return false;
        }
        nd.Print($" OPTS LEN {optsLen}");
        optsLen -= 4;
        while (optsLen != 0)
        {
            if (optsLen < 4)
            {
                nd.Print("[Total option length leaves no room for final option]");
                return false;
            }
            optType = nd.U8(bp++);
            optLen = nd.U8(bp++);
            if (optLen < 4)
            {
                nd.Print($"[Bad option, length {optLen} < 4]");
                break;
            }
            if (optsLen < optLen)
            {
                nd.Print("[Total option length leaves no room for final option]");
                return false;
            }
            nd.Check(bp, optLen - 2);
            bool Fixed(string name, int want)
            {
                if (optLen == want) return true;
                nd.Print($"[Bad {name} option, length {optLen} != {want}]");
                return false;
            }
            switch (optType & 0x7f)
            {
                case 0x00:
                    if (!Fixed("OPT_LENGTH", 4)) return false;
                    nd.Print($" OPTS LEN (extra?) {nd.Be16(bp)}");
                    bp += 2;
                    optsLen -= 4;
                    break;
                case 0x01:
                    if (!Fixed("OPT_FRAGMENT", 16)) return false;
                    nd.Print($" FRAG seq {nd.Be32(bp + 2)} off {nd.Be32(bp + 6)} len {nd.Be32(bp + 10)}");
                    bp += 14;
                    optsLen -= 16;
                    break;
                case 0x02:
                    bp += 2;
                    optLen -= 4;
                    nd.Print(" NAK LIST");
                    while (optLen != 0)
                    {
                        if (optLen < 4)
                        {
                            nd.Print("[Option length not a multiple of 4]");
                            return false;
                        }
                        nd.Print($" {nd.Be32(bp)}");
                        bp += 4;
                        optLen -= 4;
                        optsLen -= 4;
                    }
                    break;
                case 0x03:
                    if (!Fixed("OPT_JOIN", 8)) return false;
                    nd.Print($" JOIN {nd.Be32(bp + 2)}");
                    bp += 6;
                    optsLen -= 8;
                    break;
                case 0x04:
                    if (!Fixed("OPT_NAK_BO_IVL", 12)) return false;
                    nd.Print($" BACKOFF ivl {nd.Be32(bp + 2)} ivlseq {nd.Be32(bp + 6)}");
                    bp += 10;
                    optsLen -= 12;
                    break;
                case 0x05:
                    if (!Fixed("OPT_NAK_BO_RNG", 12)) return false;
                    nd.Print($" BACKOFF max {nd.Be32(bp + 2)} min {nd.Be32(bp + 6)}");
                    bp += 10;
                    optsLen -= 12;
                    break;
                case 0x07:
                {
                    if (optLen < 8)
                    {
                        nd.Print($"[Bad OPT_REDIRECT option, length {optLen} < 8]");
                        return false;
                    }
                    int afi = nd.Be16(bp + 2);
                    bp += 6;
                    int want = afi == Inet ? 12 : afi == Inet6 ? 24 : -1;
                    if (want < 0) { nd.PrintTrunc(); return false; }
                    if (optLen != want)
                    {
                        nd.Print($"[Bad OPT_REDIRECT option, length {optLen} != 8 + address size]");
                        return false;
                    }
                    Nla(nd, afi, ref bp, out string nla);
                    optsLen -= (uint)want;
                    nd.Print($" REDIRECT {nla}");
                    break;
                }
                case 0x08:
                    if (!Fixed("OPT_PARITY_PRM", 8)) return false;
                    nd.Print($" PARITY MAXTGS {nd.Be32(bp + 2)}");
                    bp += 6;
                    optsLen -= 8;
                    break;
                case 0x09:
                    if (!Fixed("OPT_PARITY_GRP", 8)) return false;
                    nd.Print($" PARITY GROUP {nd.Be32(bp + 2)}");
                    bp += 6;
                    optsLen -= 8;
                    break;
                case 0x0a:
                    if (!Fixed("OPT_CURR_TGSIZE", 8)) return false;
                    nd.Print($" PARITY ATGS {nd.Be32(bp + 2)}");
                    bp += 6;
                    optsLen -= 8;
                    break;
                case 0x0b:
                    if (!Fixed("OPT_NBR_UNREACH", 4)) return false;
                    bp += 2;
                    nd.Print(" NBR_UNREACH");
                    optsLen -= 4;
                    break;
                case 0x0c:
                    nd.Print($" PATH_NLA [{optLen}]");
                    bp += optLen;
                    optsLen -= (uint)optLen;
                    break;
                case 0x0d:
                    if (!Fixed("OPT_SYN", 4)) return false;
                    bp += 2;
                    nd.Print(" SYN");
                    optsLen -= 4;
                    break;
                case 0x0e:
                    if (!Fixed("OPT_FIN", 4)) return false;
                    bp += 2;
                    nd.Print(" FIN");
                    optsLen -= 4;
                    break;
                case 0x0f:
                    if (!Fixed("OPT_RST", 4)) return false;
                    bp += 2;
                    nd.Print(" RST");
                    optsLen -= 4;
                    break;
                case 0x10:
                    nd.Print(" CR");
                    bp += optLen;
                    optsLen -= (uint)optLen;
                    break;
                case 0x11:
                    if (!Fixed("OPT_CRQST", 4)) return false;
                    bp += 2;
                    nd.Print(" CRQST");
                    optsLen -= 4;
                    break;
                case 0x12:
                case 0x13:
                {
                    bool data = (optType & 0x7f) == 0x12;
                    string name = data ? "OPT_PGMCC_DATA" : "OPT_PGMCC_FEEDBACK";
                    if (optLen < 12)
                    {
                        nd.Print($"[Bad {(data ? name : "PGM_OPT_PGMCC_FEEDBACK")} option, length {optLen} < 12]");
                        return false;
                    }
                    uint offset = nd.Be32(bp + 2);
                    int afi = nd.Be16(bp + 6);
                    bp += 10;
                    int want = afi == Inet ? 16 : afi == Inet6 ? 28 : -1;
                    if (want < 0) { nd.PrintTrunc(); return false; }
                    if (optLen != want)
                    {
                        nd.Print($"[Bad {name} option, length {optLen} != 12 + address size]");
                        return false;
                    }
                    Nla(nd, afi, ref bp, out string nla);
                    optsLen -= (uint)want;
                    nd.Print($" PGMCC {(data ? "DATA" : "FEEDBACK")} {offset} {nla}");
                    break;
                }
                default:
                    nd.Print($" OPT_{optType:X2} [{optLen}] ");
                    bp += optLen;
                    optsLen -= (uint)optLen;
                    break;
            }
            if ((optType & 0x80) != 0) break;
        }
        return true;
    }
}
