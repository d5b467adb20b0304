// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>BOOTP / DHCP with RFC 1048 options.</summary>
/// <remarks>Specification: RFC 951 (BOOTP), RFC 2131 and RFC 2132 (DHCP and its options).</remarks>
internal static class Bootp
{
    private static string? Tag(int t) => t switch
    {
        0 => " PAD", 1 => "iSubnet-Mask", 2 => "LTime-Zone", 3 => "iDefault-Gateway", 4 => "iTime-Server", 5 => "iIEN-Name-Server",
        6 => "iDomain-Name-Server", 7 => "iLOG", 8 => "iCS", 9 => "iLPR-Server", 10 => "iIM", 11 => "iRL", 12 => "aHostname",
        13 => "sBS", 255 => " END", 14 => "aDP", 15 => "aDomain-Name", 16 => "iSS", 17 => "aRP", 18 => "aEP", 19 => "BIPF",
        20 => "BSRT", 21 => "pPF", 22 => "sRSZ", 23 => "bTTL", 24 => "lMTU-Timeout", 25 => "sMTU-Table", 26 => "sMTU",
        27 => "BLSN", 28 => "iBR", 29 => "BMD", 30 => "BMS", 31 => "BRouter-Discovery", 32 => "iRSA", 33 => "pStatic-Route",
        34 => "BUT", 35 => "lAT", 36 => "BIE", 37 => "bTT", 38 => "lKI", 39 => "BKG", 40 => "aYD", 41 => "iYS", 42 => "iNTP",
        43 => "bVendor-Option", 44 => "iNetbios-Name-Server", 45 => "iWDD", 46 => "$Netbios-Node", 47 => "aNetbios-Scope",
        48 => "iXFS", 49 => "iXDM", 64 => "sN+D", 65 => "iN+S", 68 => "iMH", 69 => "iSMTP", 70 => "iPOP3", 71 => "iNNTP",
        72 => "iWWW", 73 => "iFG", 74 => "iIRC", 75 => "iSTS", 76 => "iSTDA", 50 => "iRequested-IP", 51 => "lLease-Time",
        52 => "$OO", 66 => "aTFTP", 67 => "aBF", 53 => " DHCP-Message", 54 => "iServer-ID", 55 => "bParameter-Request",
        56 => "aMSG", 57 => "sMSZ", 58 => "lRN", 59 => "lRB", 60 => "aVendor-Class", 61 => "$Client-ID", 98 => "aUAP",
        116 => "BNOAUTO", 78 => "bSLP-DA", 79 => "bSLP-SCOPE", 117 => "sNSSEARCH", 77 => "$User-Class", 118 => "iSUBNET",
        121 => "$Classless-Static-Route", 249 => "$Classless-Static-Route-Microsoft", 150 => "iTFTP-Server-Address",
        80 => "aSLP-NA", 81 => "$FQDN", 82 => "$Agent-Information", 83 => "bARMT", 88 => "aTZSTR", 89 => "bFQDNS",
        90 => "bAUTH", 91 => "LLast-Transaction-Time", 92 => "iAssociated-IP", 93 => "sARCH", 94 => "bNDI", 97 => "bGUID",
        95 => "aLDAP", 100 => "aPOSIX-TZ", 101 => "aTZ-Name", 112 => "iNI", 113 => "aNITAG", 114 => "aURL", 161 => "aMUD-URL",
        _ => null,
    };

    private static bool PrintN(PrintContext nd, int s, int n)
    {
        while (n > 0 && s < nd.SnapEnd) { n--; Text.PrintChar(nd, nd.U8(s++)); }
        return n == 0;
    }

    /// <summary>nd_printztn: null-terminated within n bytes; false when cut short.</summary>
    private static bool PrintZ(PrintContext nd, int s, int n)
    {
        while (true)
        {
            if (n == 0 || s >= nd.SnapEnd) return false;
            byte c = nd.U8(s++);
            n--;
            if (c == 0) return true;
            Text.PrintChar(nd, c);
        }
    }

    public static void Print(PrintContext nd, int bp, int length)
    {
        nd.Proto = "bootp";
        int op = nd.U8(bp);
        nd.Print($"BOOTP/DHCP, {(op == 1 ? "Request" : op == 2 ? "Reply" : $"unknown (0x{op:x2})")}");
        int htype = nd.U8(bp + 1), hlen = nd.U8(bp + 2);
        if (htype == 1 && hlen == 6 && op == 1) { nd.Print(" from "); nd.Mac(bp + 28); }
        nd.Print($", length {length}");
        if (nd.Verbose == 0) return;
        if (!nd.TTest(bp + 8, 2)) { nd.PrintTrunc(); return; }
        if (htype != 1) nd.Print($", htype {htype}");
        if (htype != 1 || hlen != 6) nd.Print($", hlen {hlen}");
        if (nd.U8(bp + 3) != 0) nd.Print($", hops {nd.U8(bp + 3)}");
        if (nd.Be32(bp + 4) != 0) nd.Print($", xid 0x{nd.Be32(bp + 4):x}");
        if (nd.Be16(bp + 8) != 0) nd.Print($", secs {nd.Be16(bp + 8)}");
        int flags = nd.Be16(bp + 10);
        nd.Print($", Flags [{((flags & 0x8000) != 0 ? "Broadcast" : "none")}]");
        if (nd.Verbose > 1) nd.Print($" (0x{flags:x4})");
        if (nd.Be32(bp + 12) != 0) { nd.Print("\n\t  Client-IP "); nd.Ip4(bp + 12); }
        if (nd.Be32(bp + 16) != 0) { nd.Print("\n\t  Your-IP "); nd.Ip4(bp + 16); }
        if (nd.Be32(bp + 20) != 0) { nd.Print("\n\t  Server-IP "); nd.Ip4(bp + 20); }
        if (nd.Be32(bp + 24) != 0) { nd.Print("\n\t  Gateway-IP "); nd.Ip4(bp + 24); }
        if (htype == 1 && hlen == 6) { nd.Print("\n\t  Client-Ethernet-Address "); nd.Mac(bp + 28); }
        if (nd.U8(bp + 44) != 0)
        {
            nd.Print("\n\t  sname \"");
            if (!PrintZ(nd, bp + 44, 64)) { nd.Print("\""); nd.PrintTrunc(); return; }
            nd.Print("\"");
        }
        if (nd.U8(bp + 108) != 0)
        {
            nd.Print("\n\t  file \"");
            if (!PrintZ(nd, bp + 108, 128)) { nd.Print("\""); nd.PrintTrunc(); return; }
            nd.Print("\"");
        }
        int vend = bp + 236;
        if (!nd.TTest(vend, 4)) { nd.PrintTrunc(); return; }
        uint magic = nd.Be32(vend);
        if (magic == 0x63825363) Rfc1048(nd, vend);
        else if (magic == 0x636d7500) Cmu(nd, vend);
        else if (magic != 0) nd.Print($"\n\t  Vendor-#0x{magic:x}");
    }

    private static void Cmu(PrintContext nd, int bp)
    {
        nd.Print(" vend-cmu");
        if (!nd.TTest(bp + 4, 4)) { nd.PrintTrunc(); return; }
        int vf = nd.U8(bp + 4);
        if ((vf & ~1) != 0) nd.Print($" F:0x{vf:x}");
        (int Off, string Name)[] fields = [(12, "DG"), (8, (vf & 1) != 0 ? "SM" : "SM*"), (16, "NS1"),
            (20, "NS2"), (24, "IEN1"), (28, "IEN2"), (32, "TS1"), (36, "TS2")];
        foreach (var (off, name) in fields)
        {
            if (!nd.TTest(bp + off, 4)) { nd.PrintTrunc(); return; }
            if (nd.Be32(bp + off) != 0) { nd.Print($" {name}:"); nd.Ip4(bp + off); }
        }
    }

    private static void Rfc1048(PrintContext nd, int bp)
    {
        nd.Print("\n\t  Vendor-rfc1048 Extensions");
        nd.Print($"\n\t    Magic Cookie 0x{nd.Be32(bp):x8}");
        bp += 4;
        while (nd.TTest(bp, 1))
        {
            int tag = nd.U8(bp++);
            if (tag == 0 && nd.Verbose < 3) continue;
            if (tag == 255 && nd.Verbose < 3) return;
            string name = Tag(tag) ?? "?Unknown";
            char c = name[0];
            string cp = name[1..];
            int len;
            if (tag == 0 || tag == 255) len = 0;
            else len = nd.U8(bp++);
            nd.Print($"\n\t    {cp} ({tag}), length {len}{(len > 0 ? ": " : "")}");
            if (tag == 0 && nd.Verbose > 2)
            {
                int ntag = 1;
                while (nd.TTest(bp, 1) && nd.U8(bp) == 0) { bp++; ntag++; }
                if (ntag > 1) nd.Print($", occurs {ntag}");
            }
            if (!nd.TTest(bp, len)) { nd.PrintTrunc(); return; }
            if (tag == 53 && len == 1)
            {
                int m = nd.U8(bp++);
                nd.Print(m switch
                {
                    1 => "Discover", 2 => "Offer", 3 => "Request", 4 => "Decline", 5 => "ACK", 6 => "NACK", 7 => "Release",
                    8 => "Inform", 10 => "LeaseQuery", 11 => "LeaseUnassigned", 12 => "LeaseUnknown", 13 => "LeaseActive",
                    _ => $"Unknown ({m})",
                });
                continue;
            }
            if (tag == 55)
            {
                int idx = 0;
                while (len > 0)
                {
                    int inner = nd.U8(bp++);
                    len--;
                    string iname = (Tag(inner) ?? "?Unknown")[1..];
                    nd.Print(idx % 4 == 0 ? "\n\t      " : ", ");
                    nd.Print($"{iname} ({inner})");
                    idx++;
                }
                continue;
            }
            if (c == '?') c = (len & 1) != 0 ? 'b' : (len & 2) != 0 ? 's' : 'l';
            bool first = true;
            switch (c)
            {
                case 'a':
                    nd.Print('"');
                    if (!PrintN(nd, bp, len)) { nd.Print('"'); nd.PrintTrunc(); return; }
                    nd.Print('"');
                    bp += len; len = 0;
                    break;
                case 'i': case 'l': case 'L':
                    while (len >= 4)
                    {
                        if (!first) nd.Print(',');
                        if (c == 'i') nd.Ip4(bp);
                        else if (c == 'L') nd.Print($"{(int)nd.Be32(bp)}");
                        else nd.Print($"{nd.Be32(bp)}");
                        bp += 4; len -= 4; first = false;
                    }
                    break;
                case 'p':
                    while (len >= 8)
                    {
                        if (!first) nd.Print(',');
                        nd.Print('('); nd.Ip4(bp); nd.Print(':');
                        nd.Ip4(bp + 4); nd.Print(')');
                        bp += 8; len -= 8; first = false;
                    }
                    break;
                case 's':
                    while (len >= 2)
                    {
                        if (!first) nd.Print(',');
                        nd.Print($"{nd.Be16(bp)}");
                        bp += 2; len -= 2; first = false;
                    }
                    break;
                case 'B':
                    while (len > 0)
                    {
                        if (!first) nd.Print(',');
                        int b = nd.U8(bp);
                        nd.Print(b == 0 ? "N" : b == 1 ? "Y" : $"{b}?");
                        bp++; len--; first = false;
                    }
                    break;
                case '$':
                    if (!Special(nd, tag, ref bp, ref len)) { nd.PrintTrunc(); return; }
                    break;
                default:
                    while (len > 0)
                    {
                        if (!first) nd.Print(c == 'x' ? ':' : '.');
                        int b = nd.U8(bp);
                        if (c == 'x') nd.Out.PutHex2((byte)b); else nd.Print($"{b}");
                        bp++; len--; first = false;
                    }
                    break;
            }
            if (len != 0)
            {
                nd.Print($"\n\t  trailing data length {len}");
                bp += len;
            }
        }
    }

    private static bool Special(PrintContext nd, int tag, ref int bp, ref int len)
    {
        bool first = true;
        switch (tag)
        {
            case 46:
            {
                if (len < 1) { nd.Print("[ERROR: length < 1 bytes]"); break; }
                int t = nd.U8(bp++); len--;
                nd.Print(t switch { 1 => "b-node", 2 => "p-node", 4 => "m-node", 8 => "h-node",
                    _ => "#" + t.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                break;
            }
            case 52:
            {
                if (len < 1) { nd.Print("[ERROR: length < 1 bytes]"); break; }
                int t = nd.U8(bp++); len--;
                nd.Print(t switch { 1 => "file", 2 => "sname", 3 => "file+sname", _ => "#" + t.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                break;
            }
            case 81:
            {
                if (len < 3) { nd.Print("[ERROR: length < 3 bytes]"); bp += len; len = 0; break; }
                int f = nd.U8(bp);
                if ((f & 0xf0) != 0) nd.Print($"[ERROR: MBZ nibble 0x{(f & 0xf0) >> 4:x} != 0] ");
                if ((f & 0x0f) != 0)
                {
                    nd.Print('[');
                    if ((f & 1) != 0) nd.Print('S');
                    if ((f & 2) != 0) nd.Print('O');
                    if ((f & 4) != 0) nd.Print('E');
                    if ((f & 8) != 0) nd.Print('N');
                    nd.Print("] ");
                }
                bp++;
                if (nd.U8(bp) != 0 || nd.U8(bp + 1) != 0) nd.Print($"{nd.U8(bp)}/{nd.U8(bp + 1)} ");
                bp += 2;
                nd.Print('"');
                if (!PrintN(nd, bp, len - 3)) { nd.Print('"'); return false; }
                nd.Print('"');
                bp += len - 3; len = 0;
                break;
            }
            case 61:
            {
                if (len < 1) { nd.Print("[ERROR: length < 1 bytes]"); break; }
                int type = nd.U8(bp++); len--;
                if (type == 0)
                {
                    nd.Print('"');
                    if (!PrintN(nd, bp, len)) { nd.Print('"'); return false; }
                    nd.Print('"');
                    bp += len; len = 0;
                }
                else
                {
                    nd.Print(type switch
                    {
                        1 => "ether", 6 => "ieee802", 7 => "arcnet", 0xf => "frelay", 0x17 => "strip", 0x18 => "ieee1394",
                        _ => $"hardware-type {type},",
                    });
                    nd.Print(' ');
                    while (len > 0)
                    {
                        if (!first) nd.Print(':');
                        nd.Out.PutHex2(nd.U8(bp));
                        bp++; len--; first = false;
                    }
                }
                break;
            }
            case 82:
                while (len >= 2)
                {
                    int sub = nd.U8(bp), sublen = nd.U8(bp + 1);
                    bp += 2; len -= 2;
                    string sn = sub switch { 1 => "Circuit-ID", 2 => "Remote-ID", 6 => "Subscriber-ID", _ => "Unknown" };
                    if (sublen > len)
                    {
                        nd.Print($"\n\t      {sn} SubOption {sub}, length {sublen}: length goes past end of option");
                        bp += len; len = 0;
                        break;
                    }
                    nd.Print($"\n\t      {sn} SubOption {sub}, length {sublen}: ");
                    if (sub is 1 or 2 or 6) { if (!PrintN(nd, bp, sublen)) return false; }
                    else HexDump.UnknownData(nd, bp, "\n\t\t", sublen);
                    len -= sublen; bp += sublen;
                }
                break;
            case 121:
            case 249:
            {
                if (len < 5) { nd.Print("[ERROR: length < 5 bytes]"); bp += len; len = 0; break; }
                while (len > 0)
                {
                    if (!first) nd.Print(',');
                    int mw = nd.U8(bp++); len--;
                    if (mw > 32) { nd.Print($"[ERROR: Mask width ({mw}) > 32]"); bp += len; len = 0; break; }
                    int so = (mw + 7) / 8;
                    if (len < so + 4) { nd.Print($"[ERROR: Remaining length ({len}) < {so + 4} bytes]"); bp += len; len = 0; break; }
                    nd.Print('(');
                    if (mw == 0) nd.Print("default");
                    else
                    {
                        for (int i = 0; i < so; i++) { if (i > 0) nd.Print('.'); nd.Print($"{nd.U8(bp)}"); bp++; }
                        for (int i = so; i < 4; i++) nd.Print(".0");
                        nd.Print($"/{mw}");
                    }
                    nd.Print(':'); nd.Ip4(bp); nd.Print(')');
                    bp += 4;
                    len -= so + 4;
                    first = false;
                }
                break;
            }
            case 77:
            {
                int n = 1;
                if (len < 2) { nd.Print("[ERROR: length < 2 bytes]"); bp += len; len = 0; break; }
                while (len > 0)
                {
                    int sl = nd.U8(bp++); len--;
                    nd.Print("\n\t      ");
                    nd.Print($"instance#{n}: ");
                    if (sl == 0) { nd.Print("[ERROR: suboption length must be non-zero]"); bp += len; len = 0; break; }
                    if (len < sl) { nd.Print("[ERROR: invalid option]"); bp += len; len = 0; break; }
                    nd.Print('"');
                    if (!PrintN(nd, bp, sl)) { nd.Print('"'); return false; }
                    nd.Print('"');
                    nd.Print($", length {sl}");
                    n++;
                    len -= sl; bp += sl;
                }
                break;
            }
            default:
                nd.Print($"[unknown special tag {tag}, size {len}]");
                bp += len; len = 0;
                break;
        }
        return true;
    }
}
