// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>IPv6 header and extension headers (hop-by-hop, destination options, fragment, routing incl. SRH).</summary>
/// <remarks>Specification: RFC 8200, RFC 8754 (segment routing header).</remarks>
internal static class Ip6
{
    public static void Print(PrintContext nd, int ip6, int length)
    {
        nd.Proto = "ip6";
        // a short header is reported here, not unwound to the packet printer: -x/-X then dump after the link header
        if (!nd.TTest(ip6, 40)) { nd.PrintTrunc(); return; }
        if (length < 40) { nd.Print($"truncated-ip6 {length}"); return; }
        if (!nd.Settings.LinkHeader) nd.Print("IP6 ");
        int ver = nd.U8(ip6) >> 4;
        if (ver != 6) { nd.Print($"version error: {ver} != 6"); return; }
        uint payloadLen = nd.Be16(ip6 + 4);
        long len;
        if (payloadLen != 0)
        {
            len = payloadLen + 40;
            if (length < len) nd.Print($"truncated-ip6 - {len - length} bytes missing!");
        }
        else len = (long)length + 40;
        int ph = 255;
        int nh = nd.U8(ip6 + 6);
        if (nd.Verbose > 0)
        {
            uint flow = nd.Be32(ip6);
            nd.Print('(');
            if ((flow & 0x0ff00000) != 0) nd.Print($"class 0x{(flow & 0x0ff00000) >> 20:x2}, ");
            if ((flow & 0x000fffff) != 0) nd.Print($"flowlabel 0x{flow & 0x000fffff:x5}, ");
            nd.Print($"hlim {nd.U8(ip6 + 7)}, next-header {Ip.ProtoName(nh) ?? "unknown"} ({nh}) payload length: {payloadLen}) ");
        }
        int outer = nd.SnapEnd;
        int saved = nd.PushSnap(ip6, (int)Math.Min(len, int.MaxValue));
        try
        {
            int cp = ip6;
            int advance = 40;
            long totalAdvance = 0;
            bool foundExt = false, foundJumbo = false, foundHbh = false, fragmented = false;
            while (cp < nd.SnapEnd && advance > 0)
            {
                if (len < advance) { nd.PrintTrunc(); return; }
                cp += advance;
                len -= advance;
                totalAdvance += advance;
                if (cp == ip6 + 40 && nh != 6 && nh != 17 && nh != 33 && nh != 132)
                {
                    nd.Ip6(ip6 + 8); nd.Print(" > "); nd.Ip6(ip6 + 24); nd.Print(": ");
                }
                switch (nh)
                {
                    case 0:
                        if (foundHbh) { nd.Print("[The Hop-by-Hop Options header was already found]"); nd.PrintInvalid(); return; }
                        if (ph != 255) { nd.Print("[The Hop-by-Hop Options header don't follow the IPv6 header]"); nd.PrintInvalid(); return; }
                        advance = OptHeader(nd, cp, true, ref payloadLen, ref foundJumbo);
                        if (payloadLen == 0 && !foundJumbo) { nd.Print("[No valid Jumbo Payload Hop-by-Hop option found]"); nd.PrintInvalid(); return; }
                        if (advance < 0) return;
                        foundExt = true; foundHbh = true;
                        nh = nd.U8(cp);
                        break;
                    case 60:
                    {
                        bool dummy = false;
                        uint pl = payloadLen;
                        advance = OptHeader(nd, cp, false, ref pl, ref dummy);
                        if (advance < 0) return;
                        foundExt = true;
                        nh = nd.U8(cp);
                        break;
                    }
                    case 44:
                        advance = Frag(nd, cp, ip6);
                        if (advance < 0 || nd.SnapEnd <= cp + advance) return;
                        foundExt = true;
                        nh = nd.U8(cp);
                        fragmented = true;
                        break;
                    case 135:
                    case 62:
                        Mobility.Print(nd, cp);
                        return;
                    case 43:
                        nd.Check(cp, 1);
                        advance = Routing(nd, cp);
                        if (advance < 0) return;
                        foundExt = true;
                        nh = nd.U8(cp);
                        break;
                    default:
                        if (foundJumbo)
                        {
                            len = (long)payloadLen + 40;
                            if (len < totalAdvance) { nd.PrintTrunc(); return; }
                            if (length < len) nd.Print($"truncated-ip6 - {len - length} bytes missing!");
                            ChangeSnap(nd, ip6, len, outer);
                            len -= totalAdvance;
                        }
                        else if (payloadLen == 0)
                        {
                            if (foundExt) { nd.PrintTrunc(); return; }
                            len = 40;
                            ChangeSnap(nd, ip6, len, outer);
                            len -= totalAdvance;
                        }
                        Ip.Demux(nd, cp, len, 6, fragmented, nd.U8(ip6 + 7), nh, ip6);
                        return;
                }
                ph = nh;
                nd.Proto = "ip6";
            }
        }
        finally
        {
            nd.PopSnap(saved);
        }
    }

    private static void ChangeSnap(PrintContext nd, int bp, long len, int outer)
    {
        long end = bp + len;
        nd.SnapEnd = (int)Math.Min(end, outer);
    }

    private static int Frag(PrintContext nd, int bp, int ip6)
    {
        nd.Proto = "frag6";
        int off = nd.Be16(bp + 2) & 0xfff8;
        ulong rest = unchecked(40UL + nd.Be16(ip6 + 4) - (ulong)(bp - ip6) - 8UL);
        if (nd.Verbose > 0) nd.Print($"frag (0x{nd.Be32(bp + 4):x8}:{off}|{rest})");
        else nd.Print($"frag ({off}|{rest})");
        if (off != 0) return -1;
        nd.Print(' ');
        return 8;
    }

    private static int Routing(PrintContext nd, int bp)
    {
        nd.Proto = "rt6";
        nd.Print("RT6");
        int len = nd.U8(bp + 1);
        nd.Print($" (len={len}");
        int type = nd.U8(bp + 2);
        nd.Print($", type={type}");
        if (type == 0) nd.Print(" [Deprecated]");
        nd.Print($", segleft={nd.U8(bp + 3)}");
        switch (type)
        {
            case 0:
            case 2:
            {
                uint rsv = nd.Be32(bp + 4);
                if (rsv != 0 || nd.Verbose > 0) nd.Print($", rsv=0x{rsv:x}");
                if (len % 2 == 1) { nd.Print($" (invalid length {len})"); nd.PrintInvalid(); return -1; }
                len >>= 1;
                int p = bp + 8;
                for (int i = 0; i < len; i++) { nd.Print($", [{i}]"); nd.Ip6(p); p += 16; }
                nd.Print(") ");
                return (nd.U8(bp + 1) + 1) << 3;
            }
            case 4:
            {
                nd.Print($", last-entry={nd.U8(bp + 4)}");
                int flags = nd.U8(bp + 5);
                if (flags != 0 || nd.Verbose > 0) nd.Print($", flags=0x{flags:x}");
                nd.Print($", tag={nd.Be16(bp + 6):x}");
                if (len % 2 == 1) { nd.Print($" (invalid length {len})"); nd.PrintInvalid(); return -1; }
                len >>= 1;
                int p = bp + 8;
                for (int i = 0; i < len; i++) { nd.Print($", [{i}]"); nd.Ip6(p); p += 16; }
                nd.Print(") ");
                return (nd.U8(bp + 1) + 1) << 3;
            }
            default:
                nd.Print(" (unknown type)");
                nd.PrintInvalid();
                return -1;
        }
    }

    /// <summary>Hop-by-hop (hbh=true) or destination options header; returns its length or -1.</summary>
    private static int OptHeader(PrintContext nd, int bp, bool hbh, ref uint payloadLen, ref bool foundJumbo)
    {
        nd.Proto = hbh ? "hbhopt" : "dstopt";
        int hlen = (nd.U8(bp + 1) + 1) << 3;
        if (!nd.TTest(bp, hlen)) { nd.PrintTrunc(); return -1; }
        nd.Print(hbh ? "HBH " : "DSTOPT ");
        if (hbh || nd.Verbose > 0)
        {
            if (!Options(nd, bp + 2, hlen - 2, hbh, ref payloadLen, ref foundJumbo)) { nd.PrintTrunc(); return -1; }
        }
        return hlen;
    }

    private static bool Options(PrintContext nd, int bp, int len, bool hbh, ref uint payloadLen, ref bool foundJumboOut)
    {
        if (len == 0) return true;
        bool v = nd.Verbose > 0;
        bool foundJumbo = false;
        int optlen;
        for (int i = 0; i < len; i += optlen)
        {
            int t = nd.U8(bp + i);
            if (t == 0) optlen = 1;
            else
            {
                if (i + 1 < len) optlen = nd.U8(bp + i + 1) + 2;
                else return false;
            }
            if (i + optlen > len) return false;
            switch (t)
            {
                case 0: if (v) nd.Print("(pad1)"); break;
                case 1:
                    if (len - i < 2) { nd.Print("(padn: trunc)"); return false; }
                    if (v) nd.Print("(padn)");
                    break;
                case 5:
                    if (len - i < 4) { nd.Print("(rtalert: trunc)"); return false; }
                    if (nd.U8(bp + i + 1) != 2) { nd.Print($"(rtalert: invalid len {nd.U8(bp + i + 1)})"); return false; }
                    if (v) nd.Print($"(rtalert: 0x{nd.Be16(bp + i + 2):x4}) ");
                    break;
                case 0xc2:
                {
                    if (len - i < 6) { nd.Print("(jumbo: trunc)"); return false; }
                    if (nd.U8(bp + i + 1) != 4) { nd.Print($"(jumbo: invalid len {nd.U8(bp + i + 1)})"); return false; }
                    uint jl = nd.Be32(bp + i + 2);
                    if (foundJumbo) { if (v) nd.Print($"(jumbo: {jl} - already seen) "); }
                    else
                    {
                        foundJumbo = true;
                        if (!hbh) { if (v) nd.Print($"(jumbo: {jl} - not a hop-by-hop option) "); }
                        else if (payloadLen != 0) { if (v) nd.Print($"(jumbo: {jl} - payload len != 0) "); }
                        else if (jl < 65536) { if (v) nd.Print($"(jumbo: {jl} - < 65536) "); }
                        else
                        {
                            if (v) nd.Print($"(jumbo: {jl}) ");
                            payloadLen = jl;
                            foundJumboOut = true;
                        }
                    }
                    break;
                }
                case 0xc9:
                    if (len - i < 18) { nd.Print("(homeaddr: trunc)"); return false; }
                    if (nd.U8(bp + i + 1) < 16) { nd.Print($"(homeaddr: invalid len {nd.U8(bp + i + 1)})"); return false; }
                    if (v)
                    {
                        nd.Print("(homeaddr: ");
                        nd.Ip6(bp + i + 2);
                        if (nd.U8(bp + i + 1) > 16)
                        {
                            if (!SubOptions(nd, bp + i + 18, optlen - 18)) return false;
                        }
                        nd.Print(")");
                    }
                    break;
                default:
                    if (len - i < 2) { nd.Print($"(type {t}: trunc)"); return false; }
                    if (v) nd.Print($"(opt_type 0x{t:x2}: len={nd.U8(bp + i + 1)})");
                    break;
            }
        }

        if (v) nd.Print(" ");
        return true;
    }

    private static bool SubOptions(PrintContext nd, int bp, int len)
    {
        int optlen;
        for (int i = 0; i < len; i += optlen)
        {
            int t = nd.U8(bp + i);
            if (t == 0) optlen = 1;
            else
            {
                if (i + 1 < len) optlen = nd.U8(bp + i + 1) + 2;
                else return false;
            }
            if (i + optlen > len) return false;
            switch (t)
            {
                case 0: nd.Print(", pad1"); break;
                case 1:
                    if (len - i < 2) { nd.Print(", padn: trunc"); return false; }
                    nd.Print(", padn");
                    break;
                default:
                    if (len - i < 2) { nd.Print($", sopt_type {t}: trunc)"); return false; }
                    nd.Print($", sopt_type 0x{t:x2}: len={nd.U8(bp + i + 1)}");
                    break;
            }
        }
        return true;
    }

    /// <summary>Offset of the destination address used for upper-layer checksums (last routing-header hop).</summary>
    public static int FinalDestination(PrintContext nd, int ip6)
    {
        int cp = ip6;
        int advance = 40;
        int nh = nd.U8(ip6 + 6);
        int dst = ip6 + 24;
        while (cp < nd.SnapEnd)
        {
            cp += advance;
            switch (nh)
            {
                case 0: case 60: case 62: case 135:
                    advance = (nd.U8(cp + 1) + 1) << 3;
                    nh = nd.U8(cp);
                    break;
                case 44:
                    advance = 8;
                    nh = nd.U8(cp);
                    break;
                case 43:
                {
                    if (!nd.TTest(cp, 4)) return dst;
                    int len = nd.U8(cp + 1);
                    int type = nd.U8(cp + 2);
                    if (type is 0 or 2)
                    {
                        if (len % 2 == 1) return dst;
                        len >>= 1;
                        int p = cp + 8;
                        for (int i = 0; i < len; i++)
                        {
                            if (!nd.TTest(p, 16)) return dst;
                            dst = p;
                            p += 16;
                        }
                    }
                    else if (type == 4)
                    {
                        if (len % 2 == 1) return dst;
                        if (!nd.TTest(cp + 8, 16)) return dst;
                        dst = cp + 8;
                    }
                    return dst;
                }
                default:
                    return dst;
            }
        }
        return dst;
    }
}
