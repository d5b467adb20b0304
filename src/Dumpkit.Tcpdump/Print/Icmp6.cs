namespace Dumpkit.Tcpdump.Print;

/// <summary>ICMPv6: errors, echo, MLD v1/v2, neighbour discovery with options.</summary>
internal static class Icmp6
{
    private static string? TypeName(int t) => t switch
    {
        1 => "destination unreachable", 2 => "packet too big", 3 => "time exceeded in-transit", 4 => "parameter problem",
        128 => "echo request", 129 => "echo reply", 130 => "multicast listener query", 131 => "multicast listener report",
        132 => "multicast listener done", 133 => "router solicitation", 134 => "router advertisement",
        135 => "neighbor solicitation", 136 => "neighbor advertisement", 137 => "redirect", 138 => "router renumbering",
        141 => "inverse neighbor solicitation", 142 => "inverse neighbor advertisement", 143 => "multicast listener report v2",
        144 => "ha discovery request", 145 => "ha discovery reply", 146 => "mobile router solicitation",
        147 => "mobile router advertisement", 139 => "who-are-you request", 140 => "who-are-you reply",
        201 => "mtrace message", 200 => "mtrace response", 155 => "RPL",
        _ => null,
    };

    private static string Lifetime(uint v) => v == uint.MaxValue ? "infinity" : $"{v}s";

    private static string RtPref(int v) => (((v & 0x18) >> 3) & 3) switch { 0 => "medium", 1 => "high", 2 => "rsv", _ => "low" };

    private static void Bits(Nd nd, uint v, ReadOnlySpan<(uint Bit, string Name)> tab)
    {
        bool any = false;
        foreach (var (bit, name) in tab)
        {
            if ((v & bit) != 0)
            {
                if (any) nd.P(", ");
                nd.P(name);
                any = true;
            }
        }
        if (!any) nd.P("none");
    }

    public static void Print(Nd nd, int bp, int length, int ip6, bool fragmented)
    {
        nd.Proto = "icmp6";
        if (length == 0) { nd.P("ICMP6, length 0"); nd.PrintInvalid(); return; }
        if (nd.V > 0 && !fragmented && nd.TTest(bp, length))
        {
            int usum = nd.Be16(bp + 2);
            ushort sum = Checksum.Pseudo(nd, ip6, true, 58, bp, length);
            if (sum != 0) nd.P($"[bad icmp6 cksum 0x{usum:x4} -> 0x{Checksum.ShouldBe((ushort)usum, sum):x4}!] ");
            else nd.P("[icmp6 sum ok] ");
        }
        int type = nd.U8(bp);
        nd.P($"ICMP6, {TypeName(type) ?? $"unknown icmp6 type ({type})"}");
        if (nd.V > 0 && type is 133 or 134 or 136 or 135 or 137 or 145 or 147) nd.P($", length {length}");
        int code = nd.U8(bp + 1);
        int oip = bp + 8;
        switch (type)
        {
            case 1:
                nd.P(", ");
                nd.P(code switch
                {
                    0 => "unreachable route", 1 => " unreachable prohibited", 2 => "beyond scope", 3 => "unreachable address",
                    4 => "unreachable port", _ => $"unknown unreach code ({code})",
                });
                switch (code)
                {
                    case 0: case 1: case 3:
                        nd.P(' '); nd.Ip6(oip + 24);
                        break;
                    case 2:
                        nd.P(' '); nd.Ip6(oip + 24); nd.P(", source address "); nd.Ip6(oip + 8);
                        break;
                    case 4:
                    {
                        int uh = UpperLayer(nd, oip, out int prot);
                        if (uh < 0) goto trunc;
                        int dport = nd.Be16(uh + 2);
                        nd.P(", ");
                        nd.Ip6(oip + 24);
                        if (prot == 6) nd.P($" tcp port {dport}");
                        else if (prot == 17) nd.P($" udp port {dport}");
                        else nd.P($" protocol {prot} port {dport} unreachable");
                        break;
                    }
                    default:
                        if (nd.V <= 1) { Icmp.UnknownData(nd, bp, "\n\t", length); return; }
                        break;
                }
                break;
            case 2:
                nd.P($", mtu {nd.Be32(bp + 4)}");
                break;
            case 3:
                switch (code)
                {
                    case 0: nd.P(" for "); nd.Ip6(oip + 24); break;
                    case 1: nd.P(" (reassembly)"); break;
                    default: nd.P($", unknown code ({code})"); break;
                }
                break;
            case 4:
                if (!nd.TTest(oip + 24, 16)) goto trunc;
                switch (code)
                {
                    case 0: nd.P($", erroneous - octet {nd.Be32(bp + 4)}"); break;
                    case 1: nd.P($", next header - octet {nd.Be32(bp + 4)}"); break;
                    case 2: nd.P($", option - octet {nd.Be32(bp + 4)}"); break;
                    case 3: nd.P($", incomplete header chain - octet {nd.Be32(bp + 4)}"); break;
                    default: nd.P($", code-#{code}"); break;
                }
                break;
            case 128:
            case 129:
                nd.P($", id {nd.Be16(bp + 4)}, seq {nd.Be16(bp + 6)}");
                break;
            case 130:
                if (length == 24) Mld(nd, bp);
                else if (length >= 28) { nd.P(" v2"); Mld2Query(nd, bp, length); }
                else nd.P($" unknown-version (len {length}) ");
                break;
            case 131:
            case 132:
                Mld(nd, bp);
                break;
            case 133:
                if (nd.V > 0 && !Options(nd, bp + 8, length - 8)) goto trunc;
                break;
            case 134:
                if (nd.V > 0)
                {
                    int fl = nd.U8(bp + 5);
                    nd.P($"\n\thop limit {nd.U8(bp + 4)}, Flags [");
                    Bits(nd, (uint)fl, [(0x80, "managed"), (0x40, "other stateful"), (0x20, "home agent"), (0x02, "ipv6 only")]);
                    nd.P($"], pref {RtPref(fl)}, router lifetime {nd.Be16(bp + 6)}s, reachable time {nd.Be32(bp + 8)}ms, retrans timer {nd.Be32(bp + 12)}ms");
                    if (!Options(nd, bp + 16, length - 16)) goto trunc;
                }
                break;
            case 135:
                nd.P(", who has "); nd.Ip6(bp + 8);
                if (nd.V > 0 && !Options(nd, bp + 24, length - 24)) goto trunc;
                break;
            case 136:
                nd.P(", tgt is "); nd.Ip6(bp + 8);
                if (nd.V > 0)
                {
                    nd.P(", Flags [");
                    Bits(nd, nd.Be32(bp + 4), [(0x80000000, "router"), (0x40000000, "solicited"), (0x20000000, "override")]);
                    nd.P("]");
                    if (!Options(nd, bp + 24, length - 24)) goto trunc;
                }
                break;
            case 137:
                nd.P(", "); nd.Ip6(bp + 24);
                nd.P(" to "); nd.Ip6(bp + 8);
                if (nd.V > 0 && !Options(nd, bp + 40, length - 40)) goto trunc;
                break;
            case 141:
            case 142:
                break;
            case 143:
                Mld2Report(nd, bp, length);
                break;
            case 146:
            case 144:
                nd.P($", id 0x{nd.Be16(bp + 4):x4}");
                break;
            case 145:
                if (nd.V > 0)
                {
                    nd.P($", id 0x{nd.Be16(bp + 4):x4}");
                    int end = bp + length;
                    for (int p = bp + 8; p < end; p += 16) { nd.P(", "); nd.Ip6(p); }
                }
                break;
            case 147:
                if (nd.V > 0)
                {
                    nd.P($", id 0x{nd.Be16(bp + 4):x4}");
                    int flags = nd.Be16(bp + 6);
                    if ((flags & 0xc000) != 0) nd.P(' ');
                    if ((flags & 0x8000) != 0) nd.P('M');
                    if ((flags & 0x4000) != 0) nd.P('O');
                    if (!Options(nd, bp + 8, length - 8)) goto trunc;
                }
                break;
            default:
                nd.P($", length {length}");
                if (nd.V <= 1) Icmp.UnknownData(nd, bp, "\n\t", length);
                return;
        }
        if (nd.V == 0) nd.P($", length {length}");
        return;
    trunc:
        nd.PrintTrunc();
    }

    private static int UpperLayer(Nd nd, int bp, out int prot)
    {
        prot = 0;
        if (!nd.TTest(bp + 6, 1)) return -1;
        int nh = nd.U8(bp + 6);
        int hlen = 40;
        int ep = nd.SnapEnd;
        while (bp < ep)
        {
            bp += hlen;
            switch (nh)
            {
                case 17: case 6:
                    prot = nh;
                    return nd.TTest(bp + 2, 2) ? bp : -1;
                case 0: case 60: case 43:
                    if (!nd.TTest(bp + 1, 1)) return -1;
                    nh = nd.U8(bp);
                    hlen = (nd.U8(bp + 1) + 1) << 3;
                    break;
                case 44:
                    if (!nd.TTest(bp + 2, 2)) return -1;
                    if ((nd.Be16(bp + 2) & 0xfff8) != 0) return -1;
                    nh = nd.U8(bp);
                    hlen = 8;
                    break;
                case 51:
                    if (!nd.TTest(bp + 1, 1)) return -1;
                    nh = nd.U8(bp);
                    hlen = (nd.U8(bp + 1) + 2) << 2;
                    break;
                default:
                    return -1;
            }
        }
        return -1;
    }

    private static void Mld(Nd nd, int bp)
    {
        if (bp + 24 > nd.SnapEnd) return;
        nd.P($"max resp delay: {nd.Be16(bp + 4)} ");
        nd.P("addr: "); nd.Ip6(bp + 8);
    }

    private static void Mld2Report(Nd nd, int bp, int len)
    {
        if (len < 8) { nd.P($" [invalid len {len}]"); return; }
        int ngroups = nd.Be16(bp + 6);
        nd.P($", {ngroups} group record(s)");
        if (nd.V == 0) return;
        int group = 8;
        for (int i = 0; i < ngroups; i++)
        {
            if (len < group + 20) { nd.P(" [invalid number of groups]"); return; }
            nd.P(" [gaddr "); nd.Ip6(bp + group + 4);
            int t = nd.U8(bp + group);
            nd.P(' ');
            nd.P(t switch { 1 => "is_in", 2 => "is_ex", 3 => "to_in", 4 => "to_ex", 5 => "allow", 6 => "block", _ => $" [v2-report-#{t}]" });
            int nsrcs = nd.Be16(bp + group + 2);
            if (len < group + 20 + nsrcs * 16) { nd.P($" [invalid number of sources {nsrcs}]"); return; }
            if (nd.V == 1) nd.P($", {nsrcs} source(s)");
            else
            {
                nd.P(" {");
                for (int j = 0; j < nsrcs; j++) { nd.P(' '); nd.Ip6(bp + group + 20 + j * 16); }
                nd.P(" }");
            }
            group += 20 + nsrcs * 16;
            nd.P("]");
        }
    }

    private static void Mld2Query(Nd nd, int bp, int len)
    {
        if (len < 28) { nd.P($" [invalid len {len}]"); return; }
        int mrc = nd.Be16(bp + 4);
        uint mrt = mrc < 32768 ? (uint)mrc : (uint)(((mrc & 0x0fff) | 0x1000) << (((mrc & 0x7000) >> 12) + 3));
        if (nd.V > 0) nd.P($" [max resp delay={mrt}]");
        nd.P(" [gaddr "); nd.Ip6(bp + 8);
        if (nd.V > 0)
        {
            int b24 = nd.U8(bp + 24);
            if ((b24 & 0x08) != 0) nd.P(" sflag");
            if ((b24 & 0x07) != 0) nd.P($" robustness={b24 & 7}");
            int b25 = nd.U8(bp + 25);
            int qqi = b25 < 128 ? b25 : ((b25 & 0x0f) | 0x10) << (((b25 & 0x70) >> 4) + 3);
            nd.P($" qqi={qqi}");
        }
        int nsrcs = nd.Be16(bp + 26);
        if (nsrcs > 0)
        {
            if (len < 28 + nsrcs * 16) nd.P(" [invalid number of sources]");
            else if (nd.V > 1)
            {
                nd.P(" {");
                for (int i = 0; i < nsrcs; i++) { nd.P(' '); nd.Ip6(bp + 28 + i * 16); }
                nd.P(" }");
            }
            else nd.P($", {nsrcs} source(s)");
        }
        nd.P("]");
    }

    private static bool Options(Nd nd, int bp, int resid)
    {
        int cp = bp;
        int ep = nd.SnapEnd;
        while (cp < ep)
        {
            if (!nd.TTest(cp + 1, 1)) return false;
            if (resid <= 0) return true;
            int t = nd.U8(cp);
            int olen = nd.U8(cp + 1);
            if (olen == 0) return false;
            if (cp + (olen << 3) > ep) return false;
            string name = t switch
            {
                1 => "source link-address", 2 => "destination link-address", 3 => "prefix info", 4 => "redirected header",
                5 => "mtu", 25 => "rdnss", 31 => "dnssl", 7 => "advertisement interval", 8 => "homeagent information",
                24 => "route info", _ => "unknown",
            };
            nd.P($"\n\t  {name} option ({t}), length {olen << 3} ({olen}): ");
            switch (t)
            {
                case 1:
                case 2:
                    nd.HexColon(cp + 2, (olen << 3) - 2);
                    break;
                case 3:
                {
                    nd.Check(cp + 16, 16);
                    nd.Ip6(cp + 16);
                    nd.P($"/{nd.U8(cp + 2)}{(olen != 4 ? "badlen" : "")}, Flags [");
                    Bits(nd, nd.U8(cp + 3), [(0x80, "onlink"), (0x40, "auto"), (0x20, "router")]);
                    nd.P($"], valid time {Lifetime(nd.Be32(cp + 4))}");
                    nd.P($", pref. time {Lifetime(nd.Be32(cp + 8))}");
                    break;
                }
                case 4:
                    Icmp.UnknownData(nd, bp, "\n\t    ", olen << 3);
                    break;
                case 5:
                    nd.P($" {nd.Be32(cp + 4)}{(olen != 1 ? "bad option length" : "")}");
                    break;
                case 25:
                {
                    int l = (olen - 1) / 2;
                    nd.P($" lifetime {nd.Be32(cp + 4)}s,");
                    for (int i = 0; i < l; i++) { nd.P(" addr: "); nd.Ip6(cp + 8 + 16 * i); }
                    break;
                }
                case 31:
                {
                    nd.P($" lifetime {nd.Be32(cp + 4)}s, domain(s):");
                    int domp = cp + 8;
                    while (domp < cp + (olen << 3) && nd.U8(domp) != 0)
                    {
                        nd.P(' ');
                        if ((domp = Dns.Name(nd, domp, bp)) < 0) return false;
                    }
                    break;
                }
                case 7:
                    nd.P($" {nd.Be32(cp + 4)}ms");
                    break;
                case 8:
                    nd.P($" preference {nd.Be16(cp + 4)}, lifetime {nd.Be16(cp + 6)}");
                    break;
                case 24:
                {
                    if (!nd.TTest(cp + 4, 4)) return false;
                    Span<byte> in6 = stackalloc byte[16];
                    in6.Clear();
                    switch (olen)
                    {
                        case 1: break;
                        case 2: nd.Bytes(cp + 8, 8).CopyTo(in6); break;
                        case 3: nd.Bytes(cp + 8, 16).CopyTo(in6); break;
                        default: return false;
                    }
                    nd.P(' ');
                    Ip6Format.Write(nd.O, in6);
                    nd.P($"/{nd.U8(cp + 2)}");
                    nd.P($", pref={RtPref(nd.U8(cp + 3))}");
                    nd.P($", lifetime={Lifetime(nd.Be32(cp + 4))}");
                    break;
                }
                default:
                    if (nd.V <= 1)
                    {
                        Icmp.UnknownData(nd, cp + 2, "\n\t  ", (olen << 3) - 2);
                        return true;
                    }
                    break;
            }
            if (nd.V > 1) Icmp.UnknownData(nd, cp + 2, "\n\t    ", (olen << 3) - 2);
            cp += olen << 3;
            resid -= olen << 3;
        }
        return true;
    }
}
