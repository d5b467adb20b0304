// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>ICMPv6: errors, echo, MLD v1/v2, neighbour discovery with options.</summary>
/// <remarks>Specification: RFC 4443, RFC 4861 (ND), RFC 2710 and RFC 3810 (MLD), RFC 6550 (RPL), RFC 2894, RFC 4620.</remarks>
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

    private static void Bits(PrintContext nd, uint v, ReadOnlySpan<(uint Bit, string Name)> tab)
    {
        bool any = false;
        foreach (var (bit, name) in tab)
        {
            if ((v & bit) != 0)
            {
                if (any) nd.Print(", ");
                nd.Print(name);
                any = true;
            }
        }
        if (!any) nd.Print("none");
    }

    public static void Print(PrintContext nd, int bp, int length, int ip6, bool fragmented)
    {
        nd.Proto = "icmp6";
        if (length == 0) { nd.Print("ICMP6, length 0"); nd.PrintInvalid(); return; }
        if (nd.Verbose > 0 && !fragmented && nd.TTest(bp, length))
        {
            int usum = nd.Be16(bp + 2);
            ushort sum = Checksum.Pseudo(nd, ip6, true, 58, bp, length);
            if (sum != 0) nd.Print($"[bad icmp6 cksum 0x{usum:x4} -> 0x{Checksum.ShouldBe((ushort)usum, sum):x4}!] ");
            else nd.Print("[icmp6 sum ok] ");
        }
        int type = nd.U8(bp);
        nd.Print($"ICMP6, {TypeName(type) ?? $"unknown icmp6 type ({type})"}");
        if (nd.Verbose > 0 && type is 133 or 134 or 136 or 135 or 137 or 145 or 147) nd.Print($", length {length}");
        int code = nd.U8(bp + 1);
        int oip = bp + 8;
        switch (type)
        {
            case 1:
                nd.Print(", ");
                nd.Print(code switch
                {
                    0 => "unreachable route", 1 => " unreachable prohibited", 2 => "beyond scope", 3 => "unreachable address",
                    4 => "unreachable port", _ => $"unknown unreach code ({code})",
                });
                switch (code)
                {
                    case 0: case 1: case 3:
                        nd.Print(' '); nd.Ip6(oip + 24);
                        break;
                    case 2:
                        nd.Print(' '); nd.Ip6(oip + 24); nd.Print(", source address "); nd.Ip6(oip + 8);
                        break;
                    case 4:
                    {
                        int uh = UpperLayer(nd, oip, out int prot);
                        if (uh < 0) goto trunc;
                        int dport = nd.Be16(uh + 2);
                        nd.Print(", ");
                        nd.Ip6(oip + 24);
                        if (prot == 6) { nd.Print(" tcp port "); Tcp.Port(nd, dport); }
                        else if (prot == 17) { nd.Print(" udp port "); Udp.Port(nd, dport); }
                        else nd.Print($" protocol {prot} port {dport} unreachable");
                        break;
                    }
                    default:
                        if (nd.Verbose <= 1) { HexDump.UnknownData(nd, bp, "\n\t", length); return; }
                        break;
                }
                break;
            case 2:
                nd.Print($", mtu {nd.Be32(bp + 4)}");
                break;
            case 3:
                switch (code)
                {
                    case 0: nd.Print(" for "); nd.Ip6(oip + 24); break;
                    case 1: nd.Print(" (reassembly)"); break;
                    default: nd.Print($", unknown code ({code})"); break;
                }
                break;
            case 4:
                if (!nd.TTest(oip + 24, 16)) goto trunc;
                switch (code)
                {
                    case 0: nd.Print($", erroneous - octet {nd.Be32(bp + 4)}"); break;
                    case 1: nd.Print($", next header - octet {nd.Be32(bp + 4)}"); break;
                    case 2: nd.Print($", option - octet {nd.Be32(bp + 4)}"); break;
                    case 3: nd.Print($", incomplete header chain - octet {nd.Be32(bp + 4)}"); break;
                    default: nd.Print($", code-#{code}"); break;
                }
                break;
            case 128:
            case 129:
                nd.Print($", id {nd.Be16(bp + 4)}, seq {nd.Be16(bp + 6)}");
                break;
            case 130:
                if (length == 24) Mld(nd, bp);
                else if (length >= 28) { nd.Print(" v2"); Mld2Query(nd, bp, length); }
                else nd.Print($" unknown-version (len {length}) ");
                break;
            case 131:
            case 132:
                Mld(nd, bp);
                break;
            case 133:
                if (nd.Verbose > 0 && !Options(nd, bp + 8, length - 8)) goto trunc;
                break;
            case 134:
                if (nd.Verbose > 0)
                {
                    int fl = nd.U8(bp + 5);
                    nd.Print($"\n\thop limit {nd.U8(bp + 4)}, Flags [");
                    Bits(nd, (uint)fl, [(0x80, "managed"), (0x40, "other stateful"), (0x20, "home agent"), (0x02, "ipv6 only")]);
                    nd.Print($"], pref {RtPref(fl)}, router lifetime {nd.Be16(bp + 6)}s" +
                        $", reachable time {nd.Be32(bp + 8)}ms, retrans timer {nd.Be32(bp + 12)}ms");
                    if (!Options(nd, bp + 16, length - 16)) goto trunc;
                }
                break;
            case 135:
                nd.Print(", who has "); nd.Ip6(bp + 8);
                if (nd.Verbose > 0 && !Options(nd, bp + 24, length - 24)) goto trunc;
                break;
            case 136:
                nd.Print(", tgt is "); nd.Ip6(bp + 8);
                if (nd.Verbose > 0)
                {
                    nd.Print(", Flags [");
                    Bits(nd, nd.Be32(bp + 4), [(0x80000000, "router"), (0x40000000, "solicited"), (0x20000000, "override")]);
                    nd.Print("]");
                    if (!Options(nd, bp + 24, length - 24)) goto trunc;
                }
                break;
            case 137:
                nd.Print(", "); nd.Ip6(bp + 24);
                nd.Print(" to "); nd.Ip6(bp + 8);
                if (nd.Verbose > 0 && !Options(nd, bp + 40, length - 40)) goto trunc;
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
                nd.Print($", id 0x{nd.Be16(bp + 4):x4}");
                break;
            case 145:
                if (nd.Verbose > 0)
                {
                    nd.Print($", id 0x{nd.Be16(bp + 4):x4}");
                    int end = bp + length;
                    for (int p = bp + 8; p < end; p += 16) { nd.Print(", "); nd.Ip6(p); }
                }
                break;
            case 147:
                if (nd.Verbose > 0)
                {
                    nd.Print($", id 0x{nd.Be16(bp + 4):x4}");
                    int flags = nd.Be16(bp + 6);
                    if ((flags & 0xc000) != 0) nd.Print(' ');
                    if ((flags & 0x8000) != 0) nd.Print('M');
                    if ((flags & 0x4000) != 0) nd.Print('O');
                    if (!Options(nd, bp + 8, length - 8)) goto trunc;
                }
                break;
            default:
                nd.Print($", length {length}");
                if (nd.Verbose <= 1) HexDump.UnknownData(nd, bp, "\n\t", length);
                return;
        }
        if (nd.Verbose == 0) nd.Print($", length {length}");
        return;
    trunc:
        nd.PrintTrunc();
    }

    private static int UpperLayer(PrintContext nd, int bp, out int prot)
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

    private static void Mld(PrintContext nd, int bp)
    {
        if (bp + 24 > nd.SnapEnd) return;
        nd.Print($"max resp delay: {nd.Be16(bp + 4)} ");
        nd.Print("addr: "); nd.Ip6(bp + 8);
    }

    private static void Mld2Report(PrintContext nd, int bp, int len)
    {
        if (len < 8) { nd.Print($" [invalid len {len}]"); return; }
        int ngroups = nd.Be16(bp + 6);
        nd.Print($", {ngroups} group record(s)");
        if (nd.Verbose == 0) return;
        int group = 8;
        for (int i = 0; i < ngroups; i++)
        {
            if (len < group + 20) { nd.Print(" [invalid number of groups]"); return; }
            // as tcpdump: the address is fetched before " [gaddr" is printed
            nd.Check(bp + group + 4, 16);
            nd.Print(" [gaddr "); nd.Ip6(bp + group + 4);
            int t = nd.U8(bp + group);
            nd.Print(' ');
            nd.Print(t switch { 1 => "is_in", 2 => "is_ex", 3 => "to_in", 4 => "to_ex", 5 => "allow", 6 => "block", _ => $" [v2-report-#{t}]" });
            int nsrcs = nd.Be16(bp + group + 2);
            if (len < group + 20 + nsrcs * 16) { nd.Print($" [invalid number of sources {nsrcs}]"); return; }
            if (nd.Verbose == 1) nd.Print($", {nsrcs} source(s)");
            else
            {
                nd.Print(" {");
                for (int j = 0; j < nsrcs; j++) { nd.Check(bp + group + 20 + j * 16, 16); nd.Print(' '); nd.Ip6(bp + group + 20 + j * 16); }
                nd.Print(" }");
            }
            group += 20 + nsrcs * 16;
            nd.Print("]");
        }
    }

    private static void Mld2Query(PrintContext nd, int bp, int len)
    {
        if (len < 28) { nd.Print($" [invalid len {len}]"); return; }
        int mrc = nd.Be16(bp + 4);
        uint mrt = mrc < 32768 ? (uint)mrc : (uint)(((mrc & 0x0fff) | 0x1000) << (((mrc & 0x7000) >> 12) + 3));
        if (nd.Verbose > 0) nd.Print($" [max resp delay={mrt}]");
        nd.Check(bp + 8, 16);
        nd.Print(" [gaddr "); nd.Ip6(bp + 8);
        if (nd.Verbose > 0)
        {
            int b24 = nd.U8(bp + 24);
            if ((b24 & 0x08) != 0) nd.Print(" sflag");
            if ((b24 & 0x07) != 0) nd.Print($" robustness={b24 & 7}");
            int b25 = nd.U8(bp + 25);
            int qqi = b25 < 128 ? b25 : ((b25 & 0x0f) | 0x10) << (((b25 & 0x70) >> 4) + 3);
            nd.Print($" qqi={qqi}");
        }
        int nsrcs = nd.Be16(bp + 26);
        if (nsrcs > 0)
        {
            if (len < 28 + nsrcs * 16) nd.Print(" [invalid number of sources]");
            else if (nd.Verbose > 1)
            {
                nd.Print(" {");
                for (int i = 0; i < nsrcs; i++) { nd.Check(bp + 28 + i * 16, 16); nd.Print(' '); nd.Ip6(bp + 28 + i * 16); }
                nd.Print(" }");
            }
            else nd.Print($", {nsrcs} source(s)");
        }
        nd.Print("]");
    }

    private static bool Options(PrintContext nd, int bp, int resid)
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
            nd.Print($"\n\t  {name} option ({t}), length {olen << 3} ({olen}): ");
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
                    nd.Print($"/{nd.U8(cp + 2)}{(olen != 4 ? "badlen" : "")}, Flags [");
                    Bits(nd, nd.U8(cp + 3), [(0x80, "onlink"), (0x40, "auto"), (0x20, "router")]);
                    nd.Print($"], valid time {Lifetime(nd.Be32(cp + 4))}");
                    nd.Print($", pref. time {Lifetime(nd.Be32(cp + 8))}");
                    break;
                }
                case 4:
                    HexDump.UnknownData(nd, bp, "\n\t    ", olen << 3);
                    break;
                case 5:
                    nd.Print($" {nd.Be32(cp + 4)}{(olen != 1 ? "bad option length" : "")}");
                    break;
                case 25:
                {
                    int l = (olen - 1) / 2;
                    nd.Print($" lifetime {nd.Be32(cp + 4)}s,");
                    for (int i = 0; i < l; i++) { nd.Print(" addr: "); nd.Ip6(cp + 8 + 16 * i); }
                    break;
                }
                case 31:
                {
                    nd.Print($" lifetime {nd.Be32(cp + 4)}s, domain(s):");
                    int domp = cp + 8;
                    while (domp < cp + (olen << 3) && nd.U8(domp) != 0)
                    {
                        nd.Print(' ');
                        if ((domp = Dns.Name(nd, domp, bp)) < 0) return false;
                    }
                    break;
                }
                case 7:
                    nd.Print($" {nd.Be32(cp + 4)}ms");
                    break;
                case 8:
                    nd.Print($" preference {nd.Be16(cp + 4)}, lifetime {nd.Be16(cp + 6)}");
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
                    nd.Print(' ');
                    Ip6Format.Write(nd.Out, in6);
                    nd.Print($"/{nd.U8(cp + 2)}");
                    nd.Print($", pref={RtPref(nd.U8(cp + 3))}");
                    nd.Print($", lifetime={Lifetime(nd.Be32(cp + 4))}");
                    break;
                }
                default:
                    if (nd.Verbose <= 1)
                    {
                        HexDump.UnknownData(nd, cp + 2, "\n\t  ", (olen << 3) - 2);
                        return true;
                    }
                    break;
            }
            if (nd.Verbose > 1) HexDump.UnknownData(nd, cp + 2, "\n\t    ", (olen << 3) - 2);
            cp += olen << 3;
            resid -= olen << 3;
        }
        return true;
    }

    // ---- RPL (RFC 6550) ----
    private static void Rpl(PrintContext nd, int code, int bp, int length)
    {
        if ((code & 0x80) != 0) { nd.Print(", (SEC) [worktodo]"); return; }
        nd.Print(", (CLR)");
        switch (code & 0x7f)
        {
            case 0:
                nd.Print("DODAG Information Solicitation");
                break;
            case 1:
                nd.Print("DODAG Information Object");
                if (nd.Verbose > 0)
                {
                    if (length < 24) { nd.Print($" [length {length} < 24]"); nd.PrintInvalid(); return; }
                    int mp = nd.U8(bp + 4);
                    nd.Check(bp + 8, 16);
                    nd.Print(" [dagid:");
                    nd.Ip6(bp + 8);
                    int mop = (mp >> 3) & 7;
                    string mops = mop switch { 0 => "nonstoring", 1 => "storing", 2 => "nonstoring-multicast", 3 => "storing-multicast", _ => $"mop{mop}" };
                    nd.Print($",seq:{nd.U8(bp + 5)},instance:{nd.U8(bp)},rank:{nd.Be16(bp + 2)}," +
                        $"{((mp & 0x80) != 0 ? "grounded," : "")}mop:{mops},prf:{mp & 7}]");
                    if (nd.Verbose > 1) RplOptions(nd, bp + 24, length - 24);
                }
                break;
            case 2:
                nd.Print("Destination Advertisement Object");
                if (nd.Verbose > 0) RplDao(nd, bp, length);
                break;
            case 3:
                nd.Print("Destination Advertisement Object Ack");
                if (nd.Verbose > 0) RplDaoAck(nd, bp, length);
                break;
            default:
                nd.Print($"RPL message, unknown code {code}");
                break;
        }
    }

    private static void RplDao(PrintContext nd, int bp, int length)
    {
        int dao = bp;
        if (!nd.TTest(dao, 20)) { nd.PrintTrunc(); return; }
        if (length < 4) { nd.Print(" [|length too short]"); return; }
        bp += 4; length -= 4;
        int flags = nd.U8(dao + 1);
        bool d = (flags & 0x40) != 0;
        if (d)
        {
            if (!nd.TTest(dao + 4, 16)) { nd.PrintTrunc(); return; }
            if (length < 16) { nd.Print(" [|length too short]"); return; }
            bp += 16; length -= 16;
        }
        nd.Print(" [dagid:");
        if (d) nd.Ip6(dao + 4); else nd.Print("<elided>");
        nd.Print($",seq:{nd.U8(dao + 3)},instance:{nd.U8(dao)}{((flags & 0x80) != 0 ? ",acK" : "")}{(d ? ",Dagid" : "")},{flags:x2}]");
        if (nd.Verbose > 1) RplOptions(nd, bp, length);
    }

    private static void RplDaoAck(PrintContext nd, int bp, int length)
    {
        int ack = bp;
        if (!nd.TTest(ack, 4)) { nd.PrintTrunc(); return; }
        if (length < 4) { nd.Print(" [|dao-length too short]"); return; }
        bp += 4; length -= 4;
        bool d = (nd.U8(ack + 1) & 0x80) != 0;
        if (d)
        {
            if (!nd.TTest(ack + 4, 16)) { nd.PrintTrunc(); return; }
            if (length < 16) { nd.Print(" [|dao-length too short]"); return; }
            bp += 16; length -= 16;
        }
        nd.Print(" [dagid:");
        if (d) nd.Ip6(ack + 4); else nd.Print("<elided>");
        nd.Print($",seq:{nd.U8(ack + 2)},instance:{nd.U8(ack)},status:{nd.U8(ack + 3)}]");
        if (nd.Verbose > 1) RplOptions(nd, bp, length);
    }

    private static void RplOptions(PrintContext nd, int opts, int length)
    {
        while (length != 0)
        {
            int t = nd.U8(opts);
            int optlen;
            if (t == 0) { optlen = 1; nd.Print(" opt:pad1"); }
            else
            {
                if (length < 2) { nd.PrintTrunc(); return; }
                optlen = nd.U8(opts + 1) + 2;
                string name = t switch
                {
                    1 => "padN", 2 => "metrics", 3 => "routinginfo", 4 => "config", 5 => "rpltarget", 6 => "transitinfo",
                    8 => "destprefix", 9 => "rpltargetdesc", _ => $"subopt:{t}",
                };
                nd.Print($" opt:{name} len:{optlen} ");
                if (!nd.TTest(opts, optlen)) { nd.PrintTrunc(); return; }
                if (length < optlen) { nd.PrintTrunc(); return; }
                if (nd.Verbose > 2) HexDump.Hex(nd, " ", opts + 2, optlen - 2);
            }
            opts += optlen;
            length -= optlen;
        }
    }

    // ---- router renumbering (RFC 2894) ----
    private static void RouterRenumbering(PrintContext nd, int bp, int ep)
    {
        if (ep < bp) return;
        int cp = bp + 16;
        if (!nd.TTest(bp + 12, 4)) { nd.PrintTrunc(); return; }
        int code = nd.U8(bp + 1);
        nd.Print(code switch { 0 => ", command", 1 => ", result", 255 => ", sequence number reset", _ => $", code-#{code}" });
        nd.Print($", seq={nd.Be32(bp + 4)}");
        if (nd.Verbose > 0)
        {
            int f = nd.U8(bp + 9);
            nd.Print("[");
            if (f != 0)
                nd.Print($"{((f & 0x80) != 0 ? "T" : "")}{((f & 0x40) != 0 ? "R" : "")}{((f & 0x20) != 0 ? "A" : "")}" +
                    $"{((f & 0x10) != 0 ? "S" : "")}{((f & 0x08) != 0 ? "P" : "")},");
            nd.Print($"seg={nd.U8(bp + 8)},");
            nd.Print($"maxdelay={nd.Be16(bp + 10)}");
            if (nd.Be32(bp + 12) != 0) nd.Print($"rsvd=0x{nd.Be32(bp + 12):x}");
            nd.Print("]");
        }
        if (code != 0) return;
        int match = cp;
        cp = match + 24;
        if (!nd.TTest(match + 8, 16)) { nd.PrintTrunc(); return; }
        nd.Print(nd.Verbose > 1 ? "\n\t" : " ");
        nd.Print("match(");
        int mc = nd.U8(match);
        nd.Print(mc switch { 1 => "add", 2 => "change", 3 => "setglobal", _ => $"#{mc}" });
        if (nd.Verbose > 0) nd.Print($",ord={nd.U8(match + 2)},min={nd.U8(match + 4)},max={nd.U8(match + 5)}");
        nd.Print(',');
        nd.Ip6(match + 8);
        nd.Print($"/{nd.U8(match + 3)})");
        int n = nd.U8(match + 1) - 3;
        if (n % 4 != 0) { nd.PrintTrunc(); return; }
        n /= 4;
        while (n-- > 0)
        {
            int use = cp;
            cp = use + 32;
            if (!nd.TTest(use + 16, 16)) { nd.PrintTrunc(); return; }
            nd.Print(nd.Verbose > 1 ? "\n\t" : " ");
            nd.Print("use(");
            int uf = nd.U8(use + 12);
            if (uf != 0) nd.Print($"{((uf & 0x80) != 0 ? "V" : "")}{((uf & 0x40) != 0 ? "P" : "")},");
            if (nd.Verbose > 0)
            {
                nd.Print($"mask=0x{nd.U8(use + 2):x},");
                nd.Print($"raflags=0x{nd.U8(use + 3):x},");
                uint vl = nd.Be32(use + 4), pl = nd.Be32(use + 8);
                nd.Print(vl == 0xffffffff ? "vltime=infty," : $"vltime={vl},");
                nd.Print(pl == 0xffffffff ? "pltime=infty," : $"pltime={pl},");
            }
            nd.Ip6(use + 16);
            nd.Print($"/{nd.U8(use)}/{nd.U8(use + 1)})");
        }
    }

    // ---- node information (RFC 4620) ----
    private static void DnsName(PrintContext nd, int cp, int ep)
    {
        nd.Print(", \"");
        while (cp < ep)
        {
            int i = nd.U8(cp++);
            if (i != 0)
            {
                if (i > ep - cp) { nd.Print("???"); break; }
                while (i-- > 0 && cp < ep) Text.PrintChar(nd, nd.U8(cp++));
                if (cp + 1 < ep && nd.U8(cp) != 0) nd.Print('.');
            }
            else
            {
                if (cp == ep) nd.Print('.');
                else if (cp + 1 == ep && nd.U8(cp) == 0) { }
                else nd.Print("???");
                break;
            }
        }
        nd.Print('"');
    }

    private static void NodeAddrFlags(PrintContext nd, int i, bool reply)
    {
        string bits = ((i & 0x40) != 0 ? "a" : "") + ((i & 0x20) != 0 ? "G" : "") + ((i & 0x10) != 0 ? "S" : "") + ((i & 0x08) != 0 ? "L" : "")
            + ((i & 0x04) != 0 ? "C" : "") + ((i & 0x02) != 0 ? "A" : "") + (reply && (i & 0x01) != 0 ? "T" : "");
        nd.Print($" [{bits}]");
    }

    private static void NodeInfo(PrintContext nd, int icmp6len, int bp, int ep)
    {
        if (ep < bp) return;
        int siz = ep - bp;
        int type = nd.U8(bp);
        if (type == 139)
        {
            if (siz == 8 + 4) { nd.Print(" who-are-you request"); return; }
            nd.Print(" node information query");
            if (!nd.TTest(bp, 16)) { nd.PrintTrunc(); return; }
            nd.Print(" (");
            int qtype = nd.Be16(bp + 4);
            switch (qtype)
            {
                case 0: nd.Print("noop"); break;
                case 1:
                {
                    nd.Print("supported qtypes");
                    int i = nd.Be16(bp + 6);
                    if (i != 0) nd.Print($" [{((i & 1) != 0 ? "C" : "")}]");
                    break;
                }
                case 2: nd.Print("DNS name"); break;
                case 3:
                {
                    nd.Print("node addresses");
                    int i = nd.Be16(bp + 6);
                    if (i != 0) NodeAddrFlags(nd, i, false);
                    break;
                }
                default: nd.Print("unknown"); break;
            }
            if (qtype == 0 || qtype == 1)
            {
                if (siz != 16 && nd.Verbose > 0) nd.Print(", invalid len");
                nd.Print(")");
                return;
            }
            if (siz == 16) { nd.Print(", 03 draft)"); return; }
            int cp = bp + 16;
            switch (nd.U8(bp + 1))
            {
                case 0:
                    if (!nd.TTest(bp, 32)) break;
                    if (siz != 32) { if (nd.Verbose > 0) nd.Print(", invalid subject len"); break; }
                    nd.Print(", subject="); nd.Ip6(cp);
                    break;
                case 1:
                    nd.Print(", subject=DNS name");
                    if (nd.U8(cp) == ep - cp - 1)
                    {
                        if (nd.Verbose > 0) nd.Print(", 03 draft");
                        cp++;
                        nd.Print(", \"");
                        while (cp < ep) Text.PrintChar(nd, nd.U8(cp++));
                        nd.Print('"');
                    }
                    else DnsName(nd, cp, ep);
                    break;
                case 2:
                    if (!nd.TTest(bp, 20)) break;
                    if (siz != 20) { if (nd.Verbose > 0) nd.Print(", invalid subject len"); break; }
                    nd.Print(", subject="); nd.Ip4(cp);
                    break;
                default:
                    nd.Print(", unknown subject");
                    break;
            }
            nd.Print(")");
        }
        else
        {
            if (icmp6len > siz) { nd.PrintTrunc(); return; }
            bool comma = false;
            if (!nd.TTest(bp, 16)) { nd.PrintTrunc(); return; }
            nd.Print(" node information reply");
            nd.Print(" (");
            int code = nd.U8(bp + 1);
            switch (code)
            {
                case 0:
                    if (nd.Verbose > 0) { nd.Print("success"); comma = true; }
                    break;
                case 1:
                    nd.Print("refused"); comma = true;
                    if (siz != 16 && nd.Verbose > 0) nd.Print(", invalid length");
                    break;
                case 2:
                    nd.Print("unknown"); comma = true;
                    if (siz != 16 && nd.Verbose > 0) nd.Print(", invalid length");
                    break;
            }
            if (code != 0) { nd.Print(")"); return; }
            if (comma) nd.Print(", ");
            switch (nd.Be16(bp + 4))
            {
                case 0:
                    nd.Print("noop");
                    if (siz != 16 && nd.Verbose > 0) nd.Print(", invalid length");
                    break;
                case 1:
                {
                    nd.Print("supported qtypes");
                    int i = nd.Be16(bp + 6);
                    if (i != 0) nd.Print($" [{((i & 1) != 0 ? "C" : "")}]");
                    break;
                }
                case 2:
                {
                    nd.Print("DNS name");
                    int cp = bp + 16 + 4;
                    if (nd.U8(cp) == ep - cp - 1)
                    {
                        if (nd.Verbose > 0) nd.Print(", 03 draft");
                        cp++;
                        nd.Print(", \"");
                        while (cp < ep) Text.PrintChar(nd, nd.U8(cp++));
                        nd.Print('"');
                    }
                    else DnsName(nd, cp, ep);
                    if ((nd.Be16(bp + 6) & 1) != 0) nd.Print($" [TTL={nd.Be32(bp + 16)}]");
                    break;
                }
                case 3:
                {
                    nd.Print("node addresses");
                    int i = 16;
                    while (i < siz)
                    {
                        if (i + 4 + 16 > siz) break;
                        nd.Check(bp + i + 4, 16);
                        nd.Print(' '); nd.Ip6(bp + i + 4); nd.Print($"({nd.Be32(bp + i)})");
                        i += 20;
                    }
                    int fl = nd.Be16(bp + 6);
                    if (fl != 0) NodeAddrFlags(nd, fl, true);
                    break;
                }
                default:
                    nd.Print("unknown");
                    break;
            }
            nd.Print(")");
        }
    }
}
