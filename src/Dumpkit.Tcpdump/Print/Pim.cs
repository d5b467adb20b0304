namespace Dumpkit.Tcpdump.Print;

/// <summary>PIM version 2 (IP protocol 103): hello options, register, join/prune, bootstrap, assert, C-RP, DF election.</summary>
internal static class Pim
{
    private sealed class Trunc : Exception;
    private static readonly Trunc TruncInstance = new();

    private static string TypeName(int t) => t switch
    {
        0 => "Hello", 1 => "Register", 2 => "Register Stop", 3 => "Join / Prune", 4 => "Bootstrap", 5 => "Assert", 6 => "Graft",
        7 => "Graft Acknowledgement", 8 => "Candidate RP Advertisement", 9 => "Prune Refresh", 10 => "DF Election",
        11 => "ECMP Redirect", _ => "Unknown Type",
    };

    public static void Print(Nd nd, int bp, int len, int iph)
    {
        nd.Proto = "pim";
        int tv = nd.U8(bp);
        int ver = (tv & 0xf0) >> 4;
        if (ver != 2) { nd.P($"PIMv{ver}, length {len}"); return; }
        if (nd.V == 0) { nd.P($"PIMv{ver}, {TypeName(tv & 0xf)}, length {len}"); return; }
        nd.P($"PIMv{ver}, length {len}\n\t{TypeName(tv & 0xf)}");
        try { V2(nd, bp, len, iph); }
        catch (Trunc) { nd.PrintTrunc(); }
    }

    private enum At { Unicast, Group, Source }

    /// <summary>Encoded address; returns bytes consumed, throws Trunc like tcpdump's "goto trunc".</summary>
    private static int Addr(Nd nd, int bp, int len, At at, int addrLen)
    {
        int hdr;
        bool v6;
        if (addrLen == 0)
        {
            if (len < 2) throw TruncInstance;
            int af = nd.U8(bp);
            if (af == 1) { v6 = false; addrLen = 4; }
            else if (af == 2) { v6 = true; addrLen = 16; }
            else throw TruncInstance;
            if (nd.U8(bp + 1) != 0) throw TruncInstance;
            hdr = 2;
        }
        else
        {
            if (addrLen == 4) v6 = false;
            else if (addrLen == 16) v6 = true;
            else throw TruncInstance;
            hdr = 0;
        }
        bp += hdr; len -= hdr;
        if (at == At.Unicast)
        {
            if (len < addrLen || !nd.TTest(bp, addrLen)) throw TruncInstance;
            if (v6) nd.Ip6(bp); else nd.Ip4(bp);
            return hdr + addrLen;
        }
        if (len < addrLen + 2 || !nd.TTest(bp, addrLen + 2)) throw TruncInstance;
        if (v6) nd.Ip6(bp + 2); else nd.Ip4(bp + 2);
        int ml = nd.U8(bp + 1);
        if (ml != (v6 ? 128 : 32)) nd.P($"/{ml}");
        int f = nd.U8(bp);
        if (f != 0)
        {
            if (at == At.Group) nd.P($"(0x{f:x2})");
            else
            {
                nd.P($"({((f & 4) != 0 ? "S" : "")}{((f & 2) != 0 ? "W" : "")}{((f & 1) != 0 ? "R" : "")}");
                if ((f & 0xf8) != 0) nd.P($"+0x{f & 0xf8:x2}");
                nd.P(")");
            }
        }
        return hdr + 2 + addrLen;
    }

    private static int Checksum4or6(Nd nd, int bp, int iph, int len)
    {
        if (!nd.TTest(bp, len)) return 2;
        int v = nd.Buf[iph] >> 4;
        if (v == 4) return Checksum.Compute(nd.Buf.AsSpan(bp, len)) != 0 ? 1 : 0;
        if (v == 6) return Checksum.Pseudo(nd, iph, true, 103, bp, len) != 0 ? 1 : 0;
        return 2;
    }

    private static void V2(Nd nd, int bp, int len, int iph)
    {
        nd.Proto = "pimv2";
        if (len < 2) { nd.P($"[length {len} < 2]"); nd.PrintInvalid(); return; }
        int tv = nd.U8(bp), type = tv & 0xf;
        int al = nd.U8(bp + 1) & 0x0f;
        if (al != 0) nd.P(", RFC2117-encoding");
        if (len < 4) { nd.P($"[length {len} < 4]"); nd.PrintInvalid(); return; }
        int ck = nd.Be16(bp + 2);
        nd.P($", cksum 0x{ck:x4} ");
        if (ck == 0) nd.P("(unverified)");
        else
        {
            int st;
            if (type == 1) { st = Checksum4or6(nd, bp, iph, 8); if (st == 1) st = Checksum4or6(nd, bp, iph, len); }
            else st = Checksum4or6(nd, bp, iph, len);
            nd.P(st switch { 0 => "(correct)", 1 => "(incorrect)", _ => "(unverified)" });
        }
        int subtype = (nd.U8(bp + 1) & 0xf0) >> 4;
        bp += 4; len -= 4;
        int adv;
        switch (type)
        {
            case 0:
                while (len > 0)
                {
                    if (len < 4) throw TruncInstance;
                    int ot = nd.Be16(bp), ol = nd.Be16(bp + 2);
                    string on = ot switch
                    {
                        1 => "Hold Time", 2 => "LAN Prune Delay", 18 => "DR Priority (Old)", 19 => "DR Priority", 20 => "Generation ID",
                        21 => "State Refresh Capability", 22 => "Bi-Directional Capability", 24 => "Address List",
                        65001 => "Address List (Old)", _ => "Unknown",
                    };
                    nd.P($"\n\t  {on} Option ({ot}), length {ol}, Value: ");
                    bp += 4; len -= 4;
                    if (len < ol || !nd.TTest(bp, ol)) throw TruncInstance;
                    switch (ot)
                    {
                        case 1:
                            if (ol != 2) { nd.P($"[option length {ol} != 2]"); nd.PrintInvalid(); return; }
                            Dns.RelTime(nd, nd.Be16(bp));
                            break;
                        case 2:
                        {
                            if (ol != 4) { nd.P($"[option length {ol} != 4]"); nd.PrintInvalid(); return; }
                            int ld = nd.Be16(bp), oi = nd.Be16(bp + 2);
                            nd.P($"\n\t    T-bit={((ld & 0x8000) != 0 ? 1 : 0)}, LAN delay {ld & 0x7fff}ms, Override interval {oi}ms");
                            break;
                        }
                        case 18:
                        case 19:
                            if (ol == 0) nd.P("Bi-Directional Capability (Old)");
                            else if (ol == 4) nd.P($"{nd.Be32(bp)}");
                            else { nd.P($"[option length {ol} != 4]"); nd.PrintInvalid(); return; }
                            break;
                        case 20:
                            if (ol != 4) { nd.P($"[option length {ol} != 4]"); nd.PrintInvalid(); return; }
                            nd.P($"0x{nd.Be32(bp):x8}");
                            break;
                        case 21:
                            if (ol != 4) { nd.P($"[option length {ol} != 4]"); nd.PrintInvalid(); return; }
                            nd.P($"v{nd.U8(bp)}");
                            if (nd.U8(bp + 1) != 0) { nd.P(", interval "); Dns.RelTime(nd, nd.U8(bp + 1)); }
                            if (nd.Be16(bp + 2) != 0) nd.P($" ?0x{nd.Be16(bp + 2):x4}?");
                            break;
                        case 22:
                            break;
                        case 24:
                        case 65001:
                            if (nd.V > 1)
                            {
                                int ptr = bp, plen = len;
                                while (ptr < bp + ol)
                                {
                                    nd.P("\n\t    ");
                                    adv = Addr(nd, ptr, plen, At.Unicast, al);
                                    ptr += adv; plen -= adv;
                                }
                            }
                            break;
                        default:
                            if (nd.V <= 1) Icmp.UnknownData(nd, bp, "\n\t    ", ol);
                            break;
                    }
                    if (nd.V > 1) Icmp.UnknownData(nd, bp, "\n\t    ", ol);
                    bp += ol; len -= ol;
                }
                break;
            case 1:
            {
                if (len < 4) throw TruncInstance;
                if (!nd.TTest(bp, 4)) throw TruncInstance;
                uint fl = nd.Be32(bp);
                nd.P($", Flags [ {(fl == 0x80000000 ? "Border" : fl == 0x40000000 ? "Null" : "none")} ]\n\t");
                bp += 4; len -= 4;
                if (len == 0) throw TruncInstance;
                int v = nd.U8(bp) >> 4;
                switch (v)
                {
                    case 0: nd.P($"IP-Null-header {nd.A4(bp + 12)} > {nd.A4(bp + 16)}"); break;
                    case 4: Ip.Print(nd, bp, len); break;
                    case 6: Ip6.Print(nd, bp, len); break;
                    default: nd.P($"IP ver {v}"); break;
                }
                break;
            }
            case 2:
                nd.P(" group=");
                adv = Addr(nd, bp, len, At.Group, al); bp += adv; len -= adv;
                nd.P(" source=");
                adv = Addr(nd, bp, len, At.Unicast, al); bp += adv; len -= adv;
                break;
            case 3:
            case 6:
            case 7:
            {
                if (type != 7)
                {
                    nd.P(", upstream-neighbor: ");
                    adv = Addr(nd, bp, len, At.Unicast, al); bp += adv; len -= adv;
                }
                if (len < 4 || !nd.TTest(bp, 4)) throw TruncInstance;
                int ngroup = nd.U8(bp + 1), hold = nd.Be16(bp + 2);
                nd.P($"\n\t  {ngroup} group(s)");
                if (type != 7)
                {
                    nd.P(", holdtime: ");
                    if (hold == 0xffff) nd.P("infinite"); else Dns.RelTime(nd, (uint)hold);
                }
                bp += 4; len -= 4;
                for (int i = 0; i < ngroup; i++)
                {
                    nd.P($"\n\t    group #{i + 1}: ");
                    adv = Addr(nd, bp, len, At.Group, al); bp += adv; len -= adv;
                    if (len < 4 || !nd.TTest(bp, 4)) throw TruncInstance;
                    int nj = nd.Be16(bp), np = nd.Be16(bp + 2);
                    nd.P($", joined sources: {nj}, pruned sources: {np}");
                    bp += 4; len -= 4;
                    for (int j = 0; j < nj; j++)
                    {
                        nd.P($"\n\t      joined source #{j + 1}: ");
                        adv = Addr(nd, bp, len, At.Source, al); bp += adv; len -= adv;
                    }
                    for (int j = 0; j < np; j++)
                    {
                        nd.P($"\n\t      pruned source #{j + 1}: ");
                        adv = Addr(nd, bp, len, At.Source, al); bp += adv; len -= adv;
                    }
                }
                break;
            }
            case 4:
            {
                if (len < 2) throw TruncInstance;
                nd.P($" tag={nd.Be16(bp):x}");
                bp += 2; len -= 2;
                if (len < 1) throw TruncInstance;
                nd.P($" hashmlen={nd.U8(bp)}");
                if (len < 2) throw TruncInstance;
                if (!nd.TTest(bp + 2, 1)) throw TruncInstance;
                nd.P($" BSRprio={nd.U8(bp + 1)}");
                bp += 2; len -= 2;
                nd.P(" BSR=");
                adv = Addr(nd, bp, len, At.Unicast, al); bp += adv; len -= adv;
                for (int i = 0; len > 0; i++)
                {
                    nd.P($" (group{i}: ");
                    adv = Addr(nd, bp, len, At.Group, al); bp += adv; len -= adv;
                    if (len < 1) throw TruncInstance;
                    nd.P($" RPcnt={nd.U8(bp)}");
                    if (len < 2) throw TruncInstance;
                    int frp = nd.U8(bp + 1);
                    nd.P($" FRPcnt={frp}");
                    if (len < 4) throw TruncInstance;
                    bp += 4; len -= 4;
                    for (int j = 0; j < frp && len > 0; j++)
                    {
                        nd.P($" RP{j}=");
                        adv = Addr(nd, bp, len, At.Unicast, al); bp += adv; len -= adv;
                        if (len < 2) throw TruncInstance;
                        nd.P(",holdtime=");
                        Dns.RelTime(nd, nd.Be16(bp));
                        if (len < 3) throw TruncInstance;
                        nd.P($",prio={nd.U8(bp + 2)}");
                        if (len < 4) throw TruncInstance;
                        bp += 4; len -= 4;
                    }
                    nd.P(")");
                }
                break;
            }
            case 5:
                nd.P(" group=");
                adv = Addr(nd, bp, len, At.Group, al); bp += adv; len -= adv;
                nd.P(" src=");
                adv = Addr(nd, bp, len, At.Unicast, al); bp += adv; len -= adv;
                if (len < 8 || !nd.TTest(bp, 8)) throw TruncInstance;
                if ((nd.U8(bp) & 0x80) != 0) nd.P(" RPT");
                nd.P($" pref={nd.Be32(bp) & 0x7fffffff}");
                nd.P($" metric={nd.Be32(bp + 4)}");
                break;
            case 8:
            {
                if (len < 1) throw TruncInstance;
                int pfx = nd.U8(bp);
                nd.P($" prefix-cnt={pfx}");
                if (len < 2) throw TruncInstance;
                nd.P($" prio={nd.U8(bp + 1)}");
                if (len < 4) throw TruncInstance;
                nd.P(" holdtime=");
                Dns.RelTime(nd, nd.Be16(bp + 2));
                bp += 4; len -= 4;
                nd.P(" RP=");
                adv = Addr(nd, bp, len, At.Unicast, al); bp += adv; len -= adv;
                for (int i = 0; i < pfx && len > 0; i++)
                {
                    nd.P($" Group{i}=");
                    adv = Addr(nd, bp, len, At.Group, al); bp += adv; len -= adv;
                }
                break;
            }
            case 9:
                nd.P(" src=");
                adv = Addr(nd, bp, len, At.Unicast, al); bp += adv; len -= adv;
                nd.P(" grp=");
                adv = Addr(nd, bp, len, At.Group, al); bp += adv; len -= adv;
                nd.P(" forwarder=");
                adv = Addr(nd, bp, len, At.Unicast, al); bp += adv; len -= adv;
                if (len < 2) throw TruncInstance;
                nd.P(" TUNR ");
                Dns.RelTime(nd, nd.Be16(bp));
                break;
            case 10:
            {
                nd.P($"\n\t  {subtype switch { 1 => "Offer", 2 => "Winner", 3 => "Backoff", 4 => "Pass", _ => "Unknown" }},");
                nd.P(" rpa=");
                adv = Addr(nd, bp, len, At.Unicast, al); bp += adv; len -= adv;
                nd.P($" sender pref={nd.Be32(bp)}");
                nd.P($" sender metric={nd.Be32(bp + 4)}");
                bp += 8; len -= 8;
                if (subtype is 3 or 4)
                {
                    string s = subtype == 3 ? "offer" : "new winner";
                    nd.P($"\n\t  {s} addr=");
                    adv = Addr(nd, bp, len, At.Unicast, al); bp += adv; len -= adv;
                    nd.P($" {s} pref={nd.Be32(bp)}");
                    nd.P($" {s} metric={nd.Be32(bp + 4)}");
                    bp += 8; len -= 8;
                    if (subtype == 3) nd.P($" interval {nd.Be16(bp)}ms");
                }
                break;
            }
            default:
                nd.P($" [type {type}]");
                break;
        }
    }

    // ---- PIM version 1 (carried in IGMP type 0x14) ----
    public static void PrintV1(Nd nd, int bp, int len)
    {
        nd.Proto = "pimv1";
        int type = nd.U8(bp + 1);
        nd.P(" ");
        nd.P(type switch
        {
            0 => "Query", 1 => "Register", 2 => "Register-Stop", 3 => "Join/Prune", 4 => "RP-reachable", 5 => "Assert",
            6 => "Graft", 7 => "Graft-ACK", _ => $"[type {type}]",
        });
        switch (type)
        {
            case 0:
                if (nd.TTest(bp + 8, 1))
                {
                    int m = nd.U8(bp + 8) >> 4;
                    nd.P(m switch { 0 => " Dense-mode", 1 => " Sparse-mode", 2 => " Sparse-Dense-mode", _ => $" mode-{m}" });
                }
                if (nd.V > 0) { nd.P(" (Hold-time "); Dns.RelTime(nd, nd.Be16(bp + 10)); nd.P(")"); }
                break;
            case 1:
                if (!nd.TTest(bp + 8, 20)) { nd.PrintTrunc(); return; }
                nd.P($" for {nd.A4(bp + 20)} > {nd.A4(bp + 24)}");
                break;
            case 2:
                nd.P($" for {nd.A4(bp + 8)} > {nd.A4(bp + 12)}");
                break;
            case 4:
                if (nd.V > 0)
                {
                    nd.P($" group {nd.A4(bp + 8)}");
                    if (nd.Be32(bp + 12) != 0xffffffff) nd.P($"/{nd.A4(bp + 12)}");
                    nd.P($" RP {nd.A4(bp + 16)} hold ");
                    Dns.RelTime(nd, nd.Be16(bp + 22));
                }
                break;
            case 5:
                nd.P($" for {nd.A4(bp + 16)} > {nd.A4(bp + 8)}");
                if (nd.Be32(bp + 12) != 0xffffffff) nd.P($"/{nd.A4(bp + 12)}");
                nd.P($" {((nd.U8(bp + 20) & 0x80) != 0 ? "RP-tree" : "SPT")} pref {nd.Be32(bp + 20) & 0x7fffffff} metric {nd.Be32(bp + 24)}");
                break;
            case 3:
            case 6:
            case 7:
                if (nd.V > 0)
                {
                    if (len < 8) { nd.PrintTrunc(); return; }
                    if (!JoinPruneV1(nd, bp + 8, len - 8)) { nd.PrintTrunc(); return; }
                }
                break;
        }
        if ((nd.U8(bp + 4) >> 4) != 1) nd.P($" [v{nd.U8(bp + 4) >> 4}]");
    }

    private static bool JoinPruneV1(Nd nd, int bp, int len)
    {
        int njoin;
        if (nd.TTest(bp, 30) && nd.U8(bp + 11) == 1 && (njoin = nd.Be16(bp + 20)) + nd.Be16(bp + 22) == 1)
        {
            nd.P($" RPF {nd.A4(bp)} ");
            int hold = nd.Be16(bp + 6);
            if (hold != 180) { nd.P("Hold "); Dns.RelTime(nd, (uint)hold); }
            nd.P($"{(njoin != 0 ? "Join" : "Prune")} ({nd.A4(bp + 26)}/{nd.U8(bp + 25) & 0x3f}, {nd.A4(bp + 12)}");
            if (nd.Be32(bp + 16) != 0xffffffff) nd.P($"/{nd.A4(bp + 16)}");
            nd.P($") {((nd.U8(bp + 24) & 1) != 0 ? "Sparse" : "Dense")}{((nd.U8(bp + 25) & 0x80) != 0 ? " WC" : "")} {((nd.U8(bp + 25) & 0x40) != 0 ? "RP" : "SPT")}");
            return true;
        }
        if (len < 4) return false;
        if (nd.V > 1) nd.P("\n");
        nd.P($" Upstream Nbr: {nd.A4(bp)}");
        bp += 4; len -= 4;
        if (len < 4) return false;
        if (nd.V > 1) nd.P("\n");
        nd.P(" Hold time: ");
        Dns.RelTime(nd, nd.Be16(bp + 2));
        if (nd.V < 2) return true;
        bp += 4; len -= 4;
        if (len < 4) return false;
        int ngroups = nd.U8(bp + 3);
        bp += 4; len -= 4;
        while (ngroups != 0)
        {
            if (len < 4) return false;
            nd.P($"\n\tGroup: {nd.A4(bp)}");
            bp += 4; len -= 4;
            if (len < 4) return false;
            if (nd.Be32(bp) != 0xffffffff) nd.P($"/{nd.A4(bp)}");
            bp += 4; len -= 4;
            if (len < 4) return false;
            int nj = nd.Be16(bp), np = nd.Be16(bp + 2);
            nd.P($" joined: {nj} pruned: {np}");
            bp += 4; len -= 4;
            for (int k = 0; k < nj + np; k++)
            {
                string t = k < nj ? "Join " : "Prune";
                if (len < 6) return false;
                nd.P($"\n\t{t} {((nd.U8(bp) & 1) != 0 ? "Sparse " : "Dense ")}{((nd.U8(bp + 1) & 0x80) != 0 ? "WC " : "")}{((nd.U8(bp + 1) & 0x40) != 0 ? "RP " : "SPT ")}{nd.A4(bp + 2)}/{nd.U8(bp + 1) & 0x3f}");
                bp += 6; len -= 6;
            }
            ngroups--;
        }
        return true;
    }
}
