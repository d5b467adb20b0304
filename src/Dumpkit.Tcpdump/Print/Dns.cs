// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>DNS (and mDNS) messages: header flags, questions, resource records, EDNS options.</summary>
/// <remarks>Specification: RFC 1035, RFC 6891 (EDNS), RFC 4034 (DNSSEC types), RFC 6762 (mDNS).</remarks>
internal static class Dns
{
    private static readonly string[] Ops =
    [
        "", " inv_q", " stat", " op3", " notify", " update", " op6", " op7", " op8", " updateA", " updateD", " updateDA",
        " updateM", " updateMA", " zoneInit", " zoneRef",
    ];

    private static readonly string[] Resp =
    [
        "", " FormErr", " ServFail", " NXDomain", " NotImp", " Refused", " YXDomain", " YXRRSet", " NXRRSet", " NotAuth",
        " NotZone", " Resp11", " Resp12", " Resp13", " Resp14", " NoChange", " BadVers", "Resp17", " Resp18", " Resp19",
        " Resp20", "Resp21", " Resp22", " BadCookie",
    ];

    private static string RCode(int r) => r < Resp.Length ? Resp[r] : $" Resp{r & 0xfff}";

    public static string? TypeName(int t) => t switch
    {
        1 => "A", 2 => "NS", 3 => "MD", 4 => "MF", 5 => "CNAME", 6 => "SOA", 7 => "MB", 8 => "MG", 9 => "MR", 10 => "NULL",
        11 => "WKS", 12 => "PTR", 13 => "HINFO", 14 => "MINFO", 15 => "MX", 16 => "TXT", 17 => "RP", 18 => "AFSDB",
        19 => "X25", 20 => "ISDN", 21 => "RT", 22 => "NSAP", 23 => "NSAP_PTR", 24 => "SIG", 25 => "KEY", 26 => "PX",
        27 => "GPOS", 28 => "AAAA", 29 => "LOC", 30 => "NXT", 31 => "EID", 32 => "NIMLOC", 33 => "SRV", 34 => "ATMA",
        35 => "NAPTR", 36 => "KX", 37 => "CERT", 38 => "A6", 39 => "DNAME", 40 => "SINK", 41 => "OPT", 42 => "APL",
        43 => "DS", 44 => "SSHFP", 45 => "IPSECKEY", 46 => "RRSIG", 47 => "NSEC", 48 => "DNSKEY", 99 => "SPF",
        100 => "UINFO", 101 => "UID", 102 => "GID", 103 => "UNSPEC", 104 => "UNSPECA", 249 => "TKEY", 250 => "TSIG",
        251 => "IXFR", 252 => "AXFR", 253 => "MAILB", 254 => "MAILA", 255 => "ANY", 256 => "URI",
        _ => null,
    };

    private static string ClassName(int c) => c switch { 1 => "IN", 3 => "CHAOS", 4 => "HS", 255 => "ANY", _ => $"(Class {c})" };

    /// <summary>Skips a name; returns the offset after it or -1.</summary>
    private static int Skip(PrintContext nd, int cp)
    {
        if (!nd.TTest(cp, 1)) return -1;
        int i = nd.U8(cp++);
        while (i != 0)
        {
            switch (i & 0xc0)
            {
                case 0xc0: return cp + 1;
                case 0x40:
                {
                    if ((i & 0x3f) != 1) return -1;
                    if (!nd.TTest(cp, 1)) return -1;
                    int bitlen = nd.U8(cp);
                    if (bitlen == 0) bitlen = 256;
                    cp++;
                    cp += (bitlen + 7) / 8;
                    break;
                }
                case 0x80: return -1;
                default: cp += i; break;
            }
            if (!nd.TTest(cp, 1)) return -1;
            i = nd.U8(cp++);
        }
        return cp;
    }

    private static int BitLabel(PrintContext nd, int cp)
    {
        if (!nd.TTest(cp, 1)) return -1;
        int bitlen = nd.U8(cp);
        if (bitlen == 0) bitlen = 256;
        int slen = (bitlen + 3) / 4;
        int lim = cp + 1 + slen;
        nd.Print("\\[x");
        int bitp = cp + 1, b = bitlen;
        for (; bitp < lim && b > 7; b -= 8, bitp++) nd.Out.PutHex2(nd.U8(bitp));
        if (b > 4) { int tc = nd.U8(bitp); nd.Out.PutHex2((byte)(tc & (0xff << (8 - b)))); }
        else if (b > 0) { int tc = nd.U8(bitp); nd.Print($"{((tc >> 4) & 0x0f) & (0x0f << (4 - b)):x1}"); }
        nd.Print($"/{bitlen}]");
        return lim;
    }

    private static int LabelLen(PrintContext nd, int cp)
    {
        if (!nd.TTest(cp, 1)) return -1;
        int i = nd.U8(cp);
        switch (i & 0xc0)
        {
            case 0x40:
            {
                int elt = i & 0x3f;
                if (elt != 1) { nd.Print($"<ELT {elt}>"); return -1; }
                if (!nd.TTest(cp + 1, 1)) return -1;
                int bitlen = nd.U8(cp + 1);
                if (bitlen == 0) bitlen = 256;
                return (bitlen + 7) / 8 + 1;
            }
            case 0xc0:
            case 0x00:
                return i;
            default:
                nd.Print("<BAD LABEL TYPE>");
                return -1;
        }
    }

    /// <summary>Prints n bytes escaped, stopping at the snap end; false if cut short.</summary>
    private static bool PrintN(PrintContext nd, int s, int n)
    {
        while (n > 0 && s < nd.SnapEnd)
        {
            n--;
            Text.PrintChar(nd, nd.U8(s++));
        }
        return n == 0;
    }

    /// <summary>Prints a (possibly compressed) domain name; returns the offset after it in the record or -1.</summary>
    public static int Name(PrintContext nd, int cp, int bp)
    {
        int l = LabelLen(nd, cp);
        if (l == -1) return -1;
        if (!nd.TTest(cp, 1)) return -1;
        uint maxOffset = unchecked((uint)(cp - bp));
        int i = nd.U8(cp++);
        int rp = -1;
        bool compress = false;
        int nameChars = 0;
        if ((i & 0xc0) != 0xc0) rp = cp + l;
        if (i != 0)
        {
            while (i != 0 && cp < nd.SnapEnd)
            {
                switch (i & 0xc0)
                {
                    case 0xc0:
                    {
                        if (!compress) { rp = cp + 1; compress = true; }
                        if (!nd.TTest(cp, 1)) return -1;
                        uint offset = (uint)(((i << 8) | nd.U8(cp)) & 0x3fff);
                        if (offset >= maxOffset) { nd.Print("<BAD PTR>"); return -1; }
                        maxOffset = offset;
                        cp = bp + (int)offset;
                        if (!nd.TTest(cp, 1)) return -1;
                        i = nd.U8(cp);
                        if ((l = LabelLen(nd, cp)) == -1) return -1;
                        cp++;
                        continue;
                    }
                    case 0x40:
                    {
                        int elt = i & 0x3f;
                        if (elt == 1) { if (BitLabel(nd, cp) == -1) return -1; }
                        else { nd.Print($"<ELT {elt}>"); return -1; }
                        break;
                    }
                    case 0x80:
                        nd.Print("<BAD LABEL TYPE>");
                        return -1;
                    default:
                        if (nameChars + l <= 255) { if (!PrintN(nd, cp, l)) return -1; }
                        else if (nameChars < 255) { if (!PrintN(nd, cp, 255 - nameChars)) return -1; }
                        nameChars += l;
                        break;
                }
                cp += l;
                if (nameChars <= 255) nd.Print('.');
                nameChars++;
                if (!nd.TTest(cp, 1)) return -1;
                i = nd.U8(cp);
                if ((l = LabelLen(nd, cp)) == -1) return -1;
                cp++;
                if (!compress) rp += l + 1;
            }
            if (nameChars > 255) nd.Print("<DOMAIN NAME TOO LONG>");
        }
        else nd.Print('.');
        return rp;
    }

    public static void Print(PrintContext nd, int bp, int length, bool overTcp, bool mdns)
    {
        nd.Proto = "domain";
        if (overTcp)
        {
            if (length < 2) { nd.Print($" [DNS over TCP: length {length} < 2]"); nd.PrintInvalid(); return; }
            length -= 2;
            int pl = nd.Be16(bp);
            if (pl != length) { nd.Print($" [prefix length({pl}) != length({length})]"); nd.PrintInvalid(); return; }
            bp += 2;
            nd.Print(' ');
        }
        int np = bp;
        if (length < 12) { nd.Print($"domain [length {length} < 12]"); nd.PrintInvalid(); return; }
        // ND_TCHECK in tcpdump: a cut header ends the print normally (" [|domain]"), so -x/-X/-A still skip the link header
        if (!nd.TTest(np, 12)) goto trunc;
        int flags = nd.Be16(np + 2);
        int qd = nd.Be16(np + 4), an = nd.Be16(np + 6), ns = nd.Be16(np + 8), ar = nd.Be16(np + 10);
        int cp = np + 12;
        int rcode = flags & 0xf;
        // find the EDNS extended rcode
        {
            int i;
            for (i = 0; i < qd; i++)
            {
                if ((cp = Skip(nd, cp)) < 0) goto done;
                cp += 4;
                if (cp >= nd.SnapEnd) goto done;
            }
            for (i = 0; i < an + ns; i++)
            {
                if ((cp = Skip(nd, cp)) < 0) goto done;
                cp += 8;
                if (cp + 2 > nd.SnapEnd) goto done;
                int rdlen = nd.Be16(cp);
                cp += 2 + rdlen;
                if (cp >= nd.SnapEnd) goto done;
            }
            for (i = 0; i < ar; i++)
            {
                if ((cp = Skip(nd, cp)) < 0) goto done;
                if (cp + 2 > nd.SnapEnd) goto done;
                int type = nd.Be16(cp);
                cp += 4;
                if (cp + 1 > nd.SnapEnd) goto done;
                if (type == 41) { rcode |= nd.U8(cp) << 4; goto done; }
                cp += 4;
                if (cp + 2 > nd.SnapEnd) goto done;
                int rdlen = nd.Be16(cp);
                cp += 2 + rdlen;
                if (cp >= nd.SnapEnd) goto done;
            }
        }
    done:
        int opcode = (flags >> 11) & 0xf;
        if ((flags & 0x8000) != 0)
        {
            string marks = ((flags & 0x0400) != 0 ? "*" : "") + ((flags & 0x0080) != 0 ? "" : "-") + ((flags & 0x0200) != 0 ? "|" : "")
                + ((flags & 0x0020) != 0 ? "$" : "");
            nd.Print($"{nd.Be16(np)}{Ops[opcode]}{RCode(rcode)}{marks}");
            if (qd != 1) nd.Print($" [{qd}q]");
            cp = np + 12;
            for (int i = 0; i < qd; i++)
            {
                if (i != 0) nd.Print(',');
                if (nd.Verbose > 1)
                {
                    nd.Print(" q:");
                    if ((cp = Question(nd, cp, bp, mdns)) < 0) goto trunc;
                }
                else
                {
                    if ((cp = Skip(nd, cp)) < 0) goto trunc;
                    cp += 4;
                }
            }
            nd.Print($" {an}/{ns}/{ar}");
            if (an > 0)
            {
                if ((cp = Record(nd, cp, bp, mdns)) < 0) goto trunc;
                an--;
                while (cp < nd.SnapEnd && an > 0)
                {
                    nd.Print(',');
                    if ((cp = Record(nd, cp, bp, mdns)) < 0) goto trunc;
                    an--;
                }
            }
            if (an > 0) goto trunc;
            if (nd.Verbose > 1)
            {
                if (!Section(nd, ref cp, bp, mdns, ref ns, " ns:")) goto trunc;
                if (!Section(nd, ref cp, bp, mdns, ref ar, " ar:")) goto trunc;
            }
        }
        else
        {
            nd.Print($"{nd.Be16(np)}{Ops[opcode]}{((flags & 0x0100) != 0 ? "+" : "")}{((flags & 0x0010) != 0 ? "%" : "")}");
            int b2 = nd.Be16(np + 2);
            if ((b2 & 0x6cf) != 0) nd.Print($" [b2&3=0x{b2:x}]");
            if (opcode == 1)
            {
                if (qd != 0) nd.Print($" [{qd}q]");
                if (an != 1) nd.Print($" [{an}a]");
            }
            else
            {
                if (an != 0) nd.Print($" [{an}a]");
                if (qd != 1) nd.Print($" [{qd}q]");
            }
            if (ns != 0) nd.Print($" [{ns}n]");
            if (ar != 0) nd.Print($" [{ar}au]");
            cp = np + 12;
            if (qd > 0)
            {
                cp = Question(nd, cp, np, mdns);
                if (cp < 0) goto trunc;
                qd--;
                while (cp < nd.SnapEnd && qd > 0)
                {
                    cp = Question(nd, cp, np, mdns);
                    if (cp < 0) goto trunc;
                    qd--;
                }
            }
            if (qd > 0) goto trunc;
            if (nd.Verbose > 1)
            {
                if (an > 0)
                {
                    if ((cp = Record(nd, cp, bp, mdns)) < 0) goto trunc;
                    an--;
                    while (cp < nd.SnapEnd && an > 0)
                    {
                        nd.Print(',');
                        if ((cp = Record(nd, cp, bp, mdns)) < 0) goto trunc;
                        an--;
                    }
                }
                if (an > 0) goto trunc;
                if (!Section(nd, ref cp, bp, mdns, ref ns, " ns:")) goto trunc;
                if (!Section(nd, ref cp, bp, mdns, ref ar, " ar:")) goto trunc;
            }
        }
        nd.Print($" ({length})");
        return;
    trunc:
        nd.PrintTrunc();
    }

    private static bool Section(PrintContext nd, ref int cp, int bp, bool mdns, ref int count, string label)
    {
        if (cp < nd.SnapEnd && count > 0)
        {
            nd.Print(label);
            if ((cp = Record(nd, cp, bp, mdns)) < 0) return false;
            count--;
            while (cp < nd.SnapEnd && count > 0)
            {
                nd.Print(',');
                if ((cp = Record(nd, cp, bp, mdns)) < 0) return false;
                count--;
            }
        }
        return count == 0;
    }

    private static int Question(PrintContext nd, int cp, int bp, bool mdns)
    {
        int np = cp;
        cp = Skip(nd, cp);
        if (cp < 0 || !nd.TTest(cp, 4)) return -1;
        int t = nd.Be16(cp);
        nd.Print($" {TypeName(t) ?? $"Type{t}"}");
        int i = nd.Be16(cp + 2);
        int cls = mdns ? i & 0x7fff : i;
        if (cls != 1) nd.Print($" {ClassName(cls)}");
        if (mdns) nd.Print((i & 0x8000) != 0 ? " (QU)" : " (QM)");
        nd.Print("? ");
        int r = Name(nd, np, bp);
        return r < 0 ? -1 : r + 4;
    }

    private static int Record(PrintContext nd, int cp, int bp, bool mdns)
    {
        if (nd.Verbose > 0)
        {
            nd.Print(' ');
            if ((cp = Name(nd, cp, bp)) < 0) return -1;
        }
        else cp = Skip(nd, cp);
        if (cp < 0 || !nd.TTest(cp, 10)) return nd.SnapEnd;
        int typ = nd.Be16(cp);
        int i = nd.Be16(cp + 2);
        cp += 4;
        int cls = mdns ? i & 0x7fff : i;
        if (cls != 1 && typ != 41) nd.Print($" {ClassName(cls)}");
        if (mdns && (i & 0x8000) != 0) nd.Print(" (Cache flush)");
        int optFlags = 0;
        if (typ == 41) { cp += 2; optFlags = nd.Be16(cp); cp += 2; }
        else if (nd.Verbose > 2) { nd.Print(" ["); Text.RelTime(nd, nd.Be32(cp)); nd.Print("]"); cp += 4; }
        else cp += 4;
        int len = nd.Be16(cp);
        cp += 2;
        int rp = cp + len;
        nd.Print($" {TypeName(typ) ?? $"Type{typ}"}");
        if (rp > nd.SnapEnd) return -1;
        switch (typ)
        {
            case 1:
                if (!nd.TTest(cp, 4)) return -1;
                nd.Print(' '); nd.Ip4Numeric(cp); // tcpdump prints resource records' addresses as numbers
                break;
            case 2: case 5: case 12: case 39:
                nd.Print(' ');
                if (Name(nd, cp, bp) < 0) return -1;
                break;
            case 6:
                if (nd.Verbose == 0) break;
                nd.Print(' ');
                if ((cp = Name(nd, cp, bp)) < 0) return -1;
                nd.Print(' ');
                if ((cp = Name(nd, cp, bp)) < 0) return -1;
                if (!nd.TTest(cp, 20)) return -1;
                for (int k = 0; k < 5; k++) nd.Print($" {nd.Be32(cp + 4 * k)}");
                break;
            case 15:
                nd.Print(' ');
                if (!nd.TTest(cp, 2)) return -1;
                if (Name(nd, cp + 2, bp) < 0) return -1;
                nd.Print($" {nd.Be16(cp)}");
                break;
            case 16:
                while (cp < rp)
                {
                    nd.Print(" \"");
                    if (!nd.TTest(cp, 1)) return -1;
                    int n = nd.U8(cp++);
                    if (!PrintN(nd, cp, n)) return -1;
                    cp += n;
                    nd.Print('"');
                }
                break;
            case 33:
                nd.Print(' ');
                if (!nd.TTest(cp, 6)) return -1;
                if (Name(nd, cp + 6, bp) < 0) return -1;
                nd.Print($":{nd.Be16(cp + 4)} {nd.Be16(cp)} {nd.Be16(cp + 2)}");
                break;
            case 28:
                if (!nd.TTest(cp, 16)) return -1;
                nd.Print(' '); nd.Ip6Numeric(cp);
                break;
            case 38:
            {
                if (!nd.TTest(cp, 1)) return -1;
                int pbit = nd.U8(cp);
                int pbyte = (pbit & ~7) / 8;
                if (pbit > 128) { nd.Print($" {pbit}(bad plen)"); break; }
                if (pbit < 128)
                {
                    Span<byte> a = stackalloc byte[16];
                    a.Clear();
                    nd.Bytes(cp + 1, 16 - pbyte).CopyTo(a[pbyte..]);
                    nd.Print($" {pbit} ");
                    Ip6Format.Write(nd.Out, a);
                }
                if (pbit > 0)
                {
                    nd.Print(' ');
                    if (Name(nd, cp + 1 + 16 - pbyte, bp) < 0) return -1;
                }
                break;
            }
            case 256:
                if (!nd.TTest(cp, len)) return -1;
                nd.Print($" {nd.Be16(cp)} {nd.Be16(cp + 2)} ");
                if (!PrintN(nd, cp + 4, len - 4)) return -1;
                break;
            case 41:
                nd.Print($" UDPsize={cls}");
                if ((optFlags & 0x8000) != 0) nd.Print(" DO");
                if (cp < rp)
                {
                    nd.Print(" [");
                    while (cp < rp)
                    {
                        cp = EdnsOption(nd, cp);
                        if (cp < 0) return -1;
                        if (cp < rp) nd.Print(',');
                    }
                    nd.Print("]");
                }
                break;
            case 104:
                if (!nd.TTest(cp, len)) return -1;
                if (!PrintN(nd, cp, len)) return -1;
                break;
            case 250:
            {
                if (cp + len > nd.SnapEnd) return -1;
                if (nd.Verbose == 0) break;
                nd.Print(' ');
                if ((cp = Name(nd, cp, bp)) < 0) return -1;
                cp += 6;
                if (!nd.TTest(cp, 2)) return -1;
                nd.Print($" fudge={nd.Be16(cp)}");
                cp += 2;
                if (!nd.TTest(cp, 2)) return -1;
                nd.Print($" maclen={nd.Be16(cp)}");
                cp += 2 + nd.Be16(cp);
                if (!nd.TTest(cp, 2)) return -1;
                nd.Print($" origid={nd.Be16(cp)}");
                cp += 2;
                if (!nd.TTest(cp, 2)) return -1;
                nd.Print($" error={nd.Be16(cp)}");
                cp += 2;
                if (!nd.TTest(cp, 2)) return -1;
                nd.Print($" otherlen={nd.Be16(cp)}");
                break;
            }
        }
        return rp;
    }

    private static string Alg(int t, int kind) => kind switch
    {
        0 => t switch
        {
            0 => "DELETE", 1 => "RSAMD5", 2 => "DH", 3 => "DS", 5 => "RSASHA1", 6 => "DSA-NSEC3-SHA1", 7 => "RSASHA1-NSEC3-SHA1",
            8 => "RSASHA256", 10 => "RSASHA512", 12 => "ECC-GOST", 13 => "ECDSAP256SHA256", 14 => "ECDSAP384SHA384",
            15 => "ED25519", 16 => "ED448", 252 => "INDIRECT", 253 => "PRIVATEDNS", 254 => "PRIVATEOID", _ => $"Alg_{t}",
        },
        1 => t switch { 1 => "SHA-1", 2 => "SHA-256", 3 => "GOST_R_34.11-94", 4 => "SHA-384", _ => $"Alg_{t}" },
        _ => t == 1 ? "SHA-1" : $"Alg_{t}",
    };

    private static int EdnsOption(PrintContext nd, int cp)
    {
        if (!nd.TTest(cp, 2)) return -1;
        int opt = nd.Be16(cp);
        cp += 2;
        nd.Print(opt switch
        {
            1 => "LLQ", 2 => "UL", 3 => "NSID", 5 => "DAU", 6 => "DHU", 7 => "N3U", 8 => "ECS", 9 => "EXPIRE", 10 => "COOKIE",
            11 => "KEEPALIVE", 12 => "PADDING", 13 => "CHAIN", 14 => "KEY-TAG", 16 => "CLIENT-TAG", 17 => "SERVER-TAG",
            _ => $"Opt{opt}",
        });
        if (!nd.TTest(cp, 2)) return -1;
        int dl = nd.Be16(cp);
        cp += 2;
        if (!nd.TTest(cp, dl)) return -1;
        if (dl > 0)
        {
            nd.Print(' ');
            switch (opt)
            {
                case 8:
                {
                    if (dl < 4) { nd.PrintInvalid(); break; }
                    int family = nd.Be16(cp), src = nd.U8(cp + 2), scope = nd.U8(cp + 3);
                    int bits = family == 1 ? 32 : family == 2 ? 128 : 0;
                    if (bits == 0 || dl - 4 > bits / 8 || src > bits || scope > bits || (src + 7) / 8 != dl - 4) { nd.PrintInvalid(); break; }
                    Span<byte> pad = stackalloc byte[16];
                    pad.Clear();
                    nd.Bytes(cp + 4, dl - 4).CopyTo(pad);
                    if (family == 1) nd.Print($"{pad[0]}.{pad[1]}.{pad[2]}.{pad[3]}");
                    else Ip6Format.Write(nd.Out, pad);
                    nd.Print($"/{src}/{scope}");
                    break;
                }
                case 10:
                    if (dl < 8 || (dl > 8 && dl < 16) || dl > 40) nd.PrintInvalid();
                    else
                        for (int i = 0; i < dl; i++)
                        {
                            if (i == 8) nd.Print(' ');
                            nd.Out.PutHex2(nd.U8(cp + i));
                        }
                    break;
                case 11:
                    if (dl != 2) nd.PrintInvalid();
                    else nd.Print($"{(nd.Be16(cp) / 10.0).ToString("F1", System.Globalization.CultureInfo.InvariantCulture)} sec");
                    break;
                case 9:
                    if (dl != 4) nd.PrintInvalid();
                    else nd.Print($"{nd.Be32(cp)} sec");
                    break;
                case 12:
                    nd.Print($"({dl})");
                    break;
                case 14:
                    if (dl % 2 != 0) nd.PrintInvalid();
                    else
                        for (int i = 0; i < dl; i += 2)
                        {
                            if (i > 0) nd.Print(' ');
                            nd.Print($"{nd.Be16(cp + i)}");
                        }
                    break;
                case 5: case 6: case 7:
                    for (int i = 0; i < dl; i++)
                    {
                        if (i > 0) nd.Print(' ');
                        nd.Print(Alg(nd.U8(cp + i), opt - 5));
                    }
                    break;
                case 13:
                {
                    // the name is bounded by the option data
                    int saved = nd.SnapEnd;
                    Name(nd, cp, cp + dl);
                    nd.SnapEnd = saved;
                    break;
                }
                default:
                    for (int i = 0; i < dl; i++) nd.Out.PutHex2(nd.U8(cp + i));
                    break;
            }
        }
        return cp + dl;
    }
}
