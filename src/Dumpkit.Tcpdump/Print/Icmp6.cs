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
            case 138:
                RouterRenumbering(nd, bp, nd.SnapEnd);
                break;
            case 139:
            case 140:
                NodeInfo(nd, length, bp, nd.SnapEnd);
                break;
            case 155:
                Rpl(nd, code, bp + 4, length - 8 + 4);
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

    // ---- RPL (RFC 6550) ----
    private static void Rpl(Nd nd, int code, int bp, int length)
    {
        if ((code & 0x80) != 0) { nd.P(", (SEC) [worktodo]"); return; }
        nd.P(", (CLR)");
        switch (code & 0x7f)
        {
            case 0:
                nd.P("DODAG Information Solicitation");
                break;
            case 1:
                nd.P("DODAG Information Object");
                if (nd.V > 0)
                {
                    if (length < 24) { nd.P($" [length {length} < 24]"); nd.PrintInvalid(); return; }
                    int mp = nd.U8(bp + 4);
                    nd.Check(bp + 8, 16);
                    nd.P(" [dagid:");
                    nd.Ip6(bp + 8);
                    int mop = (mp >> 3) & 7;
                    string mops = mop switch { 0 => "nonstoring", 1 => "storing", 2 => "nonstoring-multicast", 3 => "storing-multicast", _ => $"mop{mop}" };
                    nd.P($",seq:{nd.U8(bp + 5)},instance:{nd.U8(bp)},rank:{nd.Be16(bp + 2)},{((mp & 0x80) != 0 ? "grounded," : "")}mop:{mops},prf:{mp & 7}]");
                    if (nd.V > 1) RplOptions(nd, bp + 24, length - 24);
                }
                break;
            case 2:
                nd.P("Destination Advertisement Object");
                if (nd.V > 0) RplDao(nd, bp, length);
                break;
            case 3:
                nd.P("Destination Advertisement Object Ack");
                if (nd.V > 0) RplDaoAck(nd, bp, length);
                break;
            default:
                nd.P($"RPL message, unknown code {code}");
                break;
        }
    }

    private static void RplDao(Nd nd, int bp, int length)
    {
        int dao = bp;
        if (!nd.TTest(dao, 20)) { nd.PrintTrunc(); return; }
        if (length < 4) { nd.P(" [|length too short]"); return; }
        bp += 4; length -= 4;
        int flags = nd.U8(dao + 1);
        bool d = (flags & 0x40) != 0;
        if (d)
        {
            if (!nd.TTest(dao + 4, 16)) { nd.PrintTrunc(); return; }
            if (length < 16) { nd.P(" [|length too short]"); return; }
            bp += 16; length -= 16;
        }
        nd.P(" [dagid:");
        if (d) nd.Ip6(dao + 4); else nd.P("<elided>");
        nd.P($",seq:{nd.U8(dao + 3)},instance:{nd.U8(dao)}{((flags & 0x80) != 0 ? ",acK" : "")}{(d ? ",Dagid" : "")},{flags:x2}]");
        if (nd.V > 1) RplOptions(nd, bp, length);
    }

    private static void RplDaoAck(Nd nd, int bp, int length)
    {
        int ack = bp;
        if (!nd.TTest(ack, 4)) { nd.PrintTrunc(); return; }
        if (length < 4) { nd.P(" [|dao-length too short]"); return; }
        bp += 4; length -= 4;
        bool d = (nd.U8(ack + 1) & 0x80) != 0;
        if (d)
        {
            if (!nd.TTest(ack + 4, 16)) { nd.PrintTrunc(); return; }
            if (length < 16) { nd.P(" [|dao-length too short]"); return; }
            bp += 16; length -= 16;
        }
        nd.P(" [dagid:");
        if (d) nd.Ip6(ack + 4); else nd.P("<elided>");
        nd.P($",seq:{nd.U8(ack + 2)},instance:{nd.U8(ack)},status:{nd.U8(ack + 3)}]");
        if (nd.V > 1) RplOptions(nd, bp, length);
    }

    private static void RplOptions(Nd nd, int opts, int length)
    {
        while (length != 0)
        {
            int t = nd.U8(opts);
            int optlen;
            if (t == 0) { optlen = 1; nd.P(" opt:pad1"); }
            else
            {
                if (length < 2) { nd.PrintTrunc(); return; }
                optlen = nd.U8(opts + 1) + 2;
                string name = t switch
                {
                    1 => "padN", 2 => "metrics", 3 => "routinginfo", 4 => "config", 5 => "rpltarget", 6 => "transitinfo",
                    8 => "destprefix", 9 => "rpltargetdesc", _ => $"subopt:{t}",
                };
                nd.P($" opt:{name} len:{optlen} ");
                if (!nd.TTest(opts, optlen)) { nd.PrintTrunc(); return; }
                if (length < optlen) { nd.PrintTrunc(); return; }
                if (nd.V > 2) HexDump.Hex(nd, " ", opts + 2, optlen - 2);
            }
            opts += optlen;
            length -= optlen;
        }
    }

    // ---- router renumbering (RFC 2894) ----
    private static void RouterRenumbering(Nd nd, int bp, int ep)
    {
        if (ep < bp) return;
        int cp = bp + 16;
        if (!nd.TTest(bp + 12, 4)) { nd.PrintTrunc(); return; }
        int code = nd.U8(bp + 1);
        nd.P(code switch { 0 => ", command", 1 => ", result", 255 => ", sequence number reset", _ => $", code-#{code}" });
        nd.P($", seq={nd.Be32(bp + 4)}");
        if (nd.V > 0)
        {
            int f = nd.U8(bp + 9);
            nd.P("[");
            if (f != 0)
                nd.P($"{((f & 0x80) != 0 ? "T" : "")}{((f & 0x40) != 0 ? "R" : "")}{((f & 0x20) != 0 ? "A" : "")}{((f & 0x10) != 0 ? "S" : "")}{((f & 0x08) != 0 ? "P" : "")},");
            nd.P($"seg={nd.U8(bp + 8)},");
            nd.P($"maxdelay={nd.Be16(bp + 10)}");
            if (nd.Be32(bp + 12) != 0) nd.P($"rsvd=0x{nd.Be32(bp + 12):x}");
            nd.P("]");
        }
        if (code != 0) return;
        int match = cp;
        cp = match + 24;
        if (!nd.TTest(match + 8, 16)) { nd.PrintTrunc(); return; }
        nd.P(nd.V > 1 ? "\n\t" : " ");
        nd.P("match(");
        int mc = nd.U8(match);
        nd.P(mc switch { 1 => "add", 2 => "change", 3 => "setglobal", _ => $"#{mc}" });
        if (nd.V > 0) nd.P($",ord={nd.U8(match + 2)},min={nd.U8(match + 4)},max={nd.U8(match + 5)}");
        nd.P(',');
        nd.Ip6(match + 8);
        nd.P($"/{nd.U8(match + 3)})");
        int n = nd.U8(match + 1) - 3;
        if (n % 4 != 0) { nd.PrintTrunc(); return; }
        n /= 4;
        while (n-- > 0)
        {
            int use = cp;
            cp = use + 32;
            if (!nd.TTest(use + 16, 16)) { nd.PrintTrunc(); return; }
            nd.P(nd.V > 1 ? "\n\t" : " ");
            nd.P("use(");
            int uf = nd.U8(use + 12);
            if (uf != 0) nd.P($"{((uf & 0x80) != 0 ? "V" : "")}{((uf & 0x40) != 0 ? "P" : "")},");
            if (nd.V > 0)
            {
                nd.P($"mask=0x{nd.U8(use + 2):x},");
                nd.P($"raflags=0x{nd.U8(use + 3):x},");
                uint vl = nd.Be32(use + 4), pl = nd.Be32(use + 8);
                nd.P(vl == 0xffffffff ? "vltime=infty," : $"vltime={vl},");
                nd.P(pl == 0xffffffff ? "pltime=infty," : $"pltime={pl},");
            }
            nd.Ip6(use + 16);
            nd.P($"/{nd.U8(use)}/{nd.U8(use + 1)})");
        }
    }

    // ---- node information (RFC 4620) ----
    private static void DnsName(Nd nd, int cp, int ep)
    {
        nd.P(", \"");
        while (cp < ep)
        {
            int i = nd.U8(cp++);
            if (i != 0)
            {
                if (i > ep - cp) { nd.P("???"); break; }
                while (i-- > 0 && cp < ep) Text.PrintChar(nd, nd.U8(cp++));
                if (cp + 1 < ep && nd.U8(cp) != 0) nd.P('.');
            }
            else
            {
                if (cp == ep) nd.P('.');
                else if (cp + 1 == ep && nd.U8(cp) == 0) { }
                else nd.P("???");
                break;
            }
        }
        nd.P('"');
    }

    private static void NodeAddrFlags(Nd nd, int i, bool reply)
    {
        nd.P($" [{((i & 0x40) != 0 ? "a" : "")}{((i & 0x20) != 0 ? "G" : "")}{((i & 0x10) != 0 ? "S" : "")}{((i & 0x08) != 0 ? "L" : "")}{((i & 0x04) != 0 ? "C" : "")}{((i & 0x02) != 0 ? "A" : "")}{(reply && (i & 0x01) != 0 ? "T" : "")}]");
    }

    private static void NodeInfo(Nd nd, int icmp6len, int bp, int ep)
    {
        if (ep < bp) return;
        int siz = ep - bp;
        int type = nd.U8(bp);
        if (type == 139)
        {
            if (siz == 8 + 4) { nd.P(" who-are-you request"); return; }
            nd.P(" node information query");
            if (!nd.TTest(bp, 16)) { nd.PrintTrunc(); return; }
            nd.P(" (");
            int qtype = nd.Be16(bp + 4);
            switch (qtype)
            {
                case 0: nd.P("noop"); break;
                case 1:
                {
                    nd.P("supported qtypes");
                    int i = nd.Be16(bp + 6);
                    if (i != 0) nd.P($" [{((i & 1) != 0 ? "C" : "")}]");
                    break;
                }
                case 2: nd.P("DNS name"); break;
                case 3:
                {
                    nd.P("node addresses");
                    int i = nd.Be16(bp + 6);
                    if (i != 0) NodeAddrFlags(nd, i, false);
                    break;
                }
                default: nd.P("unknown"); break;
            }
            if (qtype == 0 || qtype == 1)
            {
                if (siz != 16 && nd.V > 0) nd.P(", invalid len");
                nd.P(")");
                return;
            }
            if (siz == 16) { nd.P(", 03 draft)"); return; }
            int cp = bp + 16;
            switch (nd.U8(bp + 1))
            {
                case 0:
                    if (!nd.TTest(bp, 32)) break;
                    if (siz != 32) { if (nd.V > 0) nd.P(", invalid subject len"); break; }
                    nd.P(", subject="); nd.Ip6(cp);
                    break;
                case 1:
                    nd.P(", subject=DNS name");
                    if (nd.U8(cp) == ep - cp - 1)
                    {
                        if (nd.V > 0) nd.P(", 03 draft");
                        cp++;
                        nd.P(", \"");
                        while (cp < ep) Text.PrintChar(nd, nd.U8(cp++));
                        nd.P('"');
                    }
                    else DnsName(nd, cp, ep);
                    break;
                case 2:
                    if (!nd.TTest(bp, 20)) break;
                    if (siz != 20) { if (nd.V > 0) nd.P(", invalid subject len"); break; }
                    nd.P(", subject="); nd.Ip4(cp);
                    break;
                default:
                    nd.P(", unknown subject");
                    break;
            }
            nd.P(")");
        }
        else
        {
            if (icmp6len > siz) { nd.PrintTrunc(); return; }
            bool comma = false;
            if (!nd.TTest(bp, 16)) { nd.PrintTrunc(); return; }
            nd.P(" node information reply");
            nd.P(" (");
            int code = nd.U8(bp + 1);
            switch (code)
            {
                case 0:
                    if (nd.V > 0) { nd.P("success"); comma = true; }
                    break;
                case 1:
                    nd.P("refused"); comma = true;
                    if (siz != 16 && nd.V > 0) nd.P(", invalid length");
                    break;
                case 2:
                    nd.P("unknown"); comma = true;
                    if (siz != 16 && nd.V > 0) nd.P(", invalid length");
                    break;
            }
            if (code != 0) { nd.P(")"); return; }
            if (comma) nd.P(", ");
            switch (nd.Be16(bp + 4))
            {
                case 0:
                    nd.P("noop");
                    if (siz != 16 && nd.V > 0) nd.P(", invalid length");
                    break;
                case 1:
                {
                    nd.P("supported qtypes");
                    int i = nd.Be16(bp + 6);
                    if (i != 0) nd.P($" [{((i & 1) != 0 ? "C" : "")}]");
                    break;
                }
                case 2:
                {
                    nd.P("DNS name");
                    int cp = bp + 16 + 4;
                    if (nd.U8(cp) == ep - cp - 1)
                    {
                        if (nd.V > 0) nd.P(", 03 draft");
                        cp++;
                        nd.P(", \"");
                        while (cp < ep) Text.PrintChar(nd, nd.U8(cp++));
                        nd.P('"');
                    }
                    else DnsName(nd, cp, ep);
                    if ((nd.Be16(bp + 6) & 1) != 0) nd.P($" [TTL={nd.Be32(bp + 16)}]");
                    break;
                }
                case 3:
                {
                    nd.P("node addresses");
                    int i = 16;
                    while (i < siz)
                    {
                        if (i + 4 + 16 > siz) break;
                        nd.Check(bp + i + 4, 16);
                        nd.P(' '); nd.Ip6(bp + i + 4); nd.P($"({nd.Be32(bp + i)})");
                        i += 20;
                    }
                    int fl = nd.Be16(bp + 6);
                    if (fl != 0) NodeAddrFlags(nd, fl, true);
                    break;
                }
                default:
                    nd.P("unknown");
                    break;
            }
            nd.P(")");
        }
    }
}
