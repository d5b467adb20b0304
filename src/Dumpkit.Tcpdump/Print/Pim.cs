// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>PIM version 2 (IP protocol 103): hello options, register, join/prune, bootstrap, assert, C-RP, DF election.</summary>
/// <remarks>Specification: RFC 7761 (PIM-SM), RFC 5059 (BSR), RFC 5015 (DF election); PIMv1 as Cisco's.</remarks>
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

    public static void Print(PrintContext nd, int bp, int len, int iph)
    {
        nd.Proto = "pim";
        int tv = nd.U8(bp);
        int ver = (tv & 0xf0) >> 4;
        if (ver != 2) { nd.Print($"PIMv{ver}, length {len}"); return; }
        if (nd.Verbose == 0) { nd.Print($"PIMv{ver}, {TypeName(tv & 0xf)}, length {len}"); return; }
        nd.Print($"PIMv{ver}, length {len}\n\t{TypeName(tv & 0xf)}");
        try { V2(nd, bp, len, iph); }
        catch (Trunc) { nd.PrintTrunc(); }
    }

    private enum At { Unicast, Group, Source }

    /// <summary>Encoded address; returns bytes consumed, throws Trunc like tcpdump's "goto trunc".</summary>
    private static int Addr(PrintContext nd, int bp, int len, At at, int addrLen)
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
        if (ml != (v6 ? 128 : 32)) nd.Print($"/{ml}");
        int f = nd.U8(bp);
        if (f != 0)
        {
            if (at == At.Group) nd.Print($"(0x{f:x2})");
            else
            {
                nd.Print($"({((f & 4) != 0 ? "S" : "")}{((f & 2) != 0 ? "W" : "")}{((f & 1) != 0 ? "R" : "")}");
                if ((f & 0xf8) != 0) nd.Print($"+0x{f & 0xf8:x2}");
                nd.Print(")");
            }
        }
        return hdr + 2 + addrLen;
    }

    private static int Checksum4or6(PrintContext nd, int bp, int iph, int len)
    {
        if (!nd.TTest(bp, len)) return 2;
        int v = nd.Buf[iph] >> 4;
        if (v == 4) return Checksum.Compute(nd.Buf.AsSpan(bp, len)) != 0 ? 1 : 0;
        if (v == 6) return Checksum.Pseudo(nd, iph, true, 103, bp, len) != 0 ? 1 : 0;
        return 2;
    }

    private static void V2(PrintContext nd, int bp, int len, int iph)
    {
        nd.Proto = "pimv2";
        if (len < 2) { nd.Print($"[length {len} < 2]"); nd.PrintInvalid(); return; }
        int tv = nd.U8(bp), type = tv & 0xf;
        int al = nd.U8(bp + 1) & 0x0f;
        if (al != 0) nd.Print(", RFC2117-encoding");
        if (len < 4) { nd.Print($"[length {len} < 4]"); nd.PrintInvalid(); return; }
        int ck = nd.Be16(bp + 2);
        nd.Print($", cksum 0x{ck:x4} ");
        if (ck == 0) nd.Print("(unverified)");
        else
        {
            int st;
            if (type == 1) { st = Checksum4or6(nd, bp, iph, 8); if (st == 1) st = Checksum4or6(nd, bp, iph, len); }
            else st = Checksum4or6(nd, bp, iph, len);
            nd.Print(st switch { 0 => "(correct)", 1 => "(incorrect)", _ => "(unverified)" });
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
                    nd.Print($"\n\t  {on} Option ({ot}), length {ol}, Value: ");
                    bp += 4; len -= 4;
                    if (len < ol || !nd.TTest(bp, ol)) throw TruncInstance;
                    switch (ot)
                    {
                        case 1:
                            if (ol != 2) { nd.Print($"[option length {ol} != 2]"); nd.PrintInvalid(); return; }
                            Text.RelTime(nd, nd.Be16(bp));
                            break;
                        case 2:
                        {
                            if (ol != 4) { nd.Print($"[option length {ol} != 4]"); nd.PrintInvalid(); return; }
                            int ld = nd.Be16(bp), oi = nd.Be16(bp + 2);
                            nd.Print($"\n\t    T-bit={((ld & 0x8000) != 0 ? 1 : 0)}, LAN delay {ld & 0x7fff}ms, Override interval {oi}ms");
                            break;
                        }
                        case 18:
                        case 19:
                            if (ol == 0) nd.Print("Bi-Directional Capability (Old)");
                            else if (ol == 4) nd.Print($"{nd.Be32(bp)}");
                            else { nd.Print($"[option length {ol} != 4]"); nd.PrintInvalid(); return; }
                            break;
                        case 20:
                            if (ol != 4) { nd.Print($"[option length {ol} != 4]"); nd.PrintInvalid(); return; }
                            nd.Print($"0x{nd.Be32(bp):x8}");
                            break;
                        case 21:
                            if (ol != 4) { nd.Print($"[option length {ol} != 4]"); nd.PrintInvalid(); return; }
                            nd.Print($"v{nd.U8(bp)}");
                            if (nd.U8(bp + 1) != 0) { nd.Print(", interval "); Text.RelTime(nd, nd.U8(bp + 1)); }
                            if (nd.Be16(bp + 2) != 0) nd.Print($" ?0x{nd.Be16(bp + 2):x4}?");
                            break;
                        case 22:
                            break;
                        case 24:
                        case 65001:
                            if (nd.Verbose > 1)
                            {
                                int ptr = bp, plen = len;
                                while (ptr < bp + ol)
                                {
                                    nd.Print("\n\t    ");
                                    adv = Addr(nd, ptr, plen, At.Unicast, al);
                                    ptr += adv; plen -= adv;
                                }
                            }
                            break;
                        default:
                            if (nd.Verbose <= 1) HexDump.UnknownData(nd, bp, "\n\t    ", ol);
                            break;
                    }
                    if (nd.Verbose > 1) HexDump.UnknownData(nd, bp, "\n\t    ", ol);
                    bp += ol; len -= ol;
                }
                break;
            case 1:
            {
                if (len < 4) throw TruncInstance;
                if (!nd.TTest(bp, 4)) throw TruncInstance;
                uint fl = nd.Be32(bp);
                nd.Print($", Flags [ {(fl == 0x80000000 ? "Border" : fl == 0x40000000 ? "Null" : "none")} ]\n\t");
                bp += 4; len -= 4;
                if (len == 0) throw TruncInstance;
                int v = nd.U8(bp) >> 4;
                switch (v)
                {
                    case 0: nd.Print($"IP-Null-header {nd.A4(bp + 12)} > {nd.A4(bp + 16)}"); break;
                    case 4: Ip.Print(nd, bp, len); break;
                    case 6: Ip6.Print(nd, bp, len); break;
                    default: nd.Print($"IP ver {v}"); break;
                }
                break;
            }
            case 2:
                nd.Print(" group=");
                adv = Addr(nd, bp, len, At.Group, al); bp += adv; len -= adv;
                nd.Print(" source=");
                adv = Addr(nd, bp, len, At.Unicast, al); bp += adv; len -= adv;
                break;
            case 3:
            case 6:
            case 7:
            {
                if (type != 7)
                {
                    nd.Print(", upstream-neighbor: ");
                    adv = Addr(nd, bp, len, At.Unicast, al); bp += adv; len -= adv;
                }
                if (len < 4 || !nd.TTest(bp, 4)) throw TruncInstance;
                int ngroup = nd.U8(bp + 1), hold = nd.Be16(bp + 2);
                nd.Print($"\n\t  {ngroup} group(s)");
                if (type != 7)
                {
                    nd.Print(", holdtime: ");
                    if (hold == 0xffff) nd.Print("infinite"); else Text.RelTime(nd, (uint)hold);
                }
                bp += 4; len -= 4;
                for (int i = 0; i < ngroup; i++)
                {
                    nd.Print($"\n\t    group #{i + 1}: ");
                    adv = Addr(nd, bp, len, At.Group, al); bp += adv; len -= adv;
                    if (len < 4 || !nd.TTest(bp, 4)) throw TruncInstance;
                    int nj = nd.Be16(bp), np = nd.Be16(bp + 2);
                    nd.Print($", joined sources: {nj}, pruned sources: {np}");
                    bp += 4; len -= 4;
                    for (int j = 0; j < nj; j++)
                    {
                        nd.Print($"\n\t      joined source #{j + 1}: ");
                        adv = Addr(nd, bp, len, At.Source, al); bp += adv; len -= adv;
                    }
                    for (int j = 0; j < np; j++)
                    {
                        nd.Print($"\n\t      pruned source #{j + 1}: ");
                        adv = Addr(nd, bp, len, At.Source, al); bp += adv; len -= adv;
                    }
                }
                break;
            }
            case 4:
            {
                if (len < 2) throw TruncInstance;
                nd.Print($" tag={nd.Be16(bp):x}");
                bp += 2; len -= 2;
                if (len < 1) throw TruncInstance;
                nd.Print($" hashmlen={nd.U8(bp)}");
                if (len < 2) throw TruncInstance;
                if (!nd.TTest(bp + 2, 1)) throw TruncInstance;
                nd.Print($" BSRprio={nd.U8(bp + 1)}");
                bp += 2; len -= 2;
                nd.Print(" BSR=");
                adv = Addr(nd, bp, len, At.Unicast, al); bp += adv; len -= adv;
                for (int i = 0; len > 0; i++)
                {
                    nd.Print($" (group{i}: ");
                    adv = Addr(nd, bp, len, At.Group, al); bp += adv; len -= adv;
                    if (len < 1) throw TruncInstance;
                    nd.Print($" RPcnt={nd.U8(bp)}");
                    if (len < 2) throw TruncInstance;
                    int frp = nd.U8(bp + 1);
                    nd.Print($" FRPcnt={frp}");
                    if (len < 4) throw TruncInstance;
                    bp += 4; len -= 4;
                    for (int j = 0; j < frp && len > 0; j++)
                    {
                        nd.Print($" RP{j}=");
                        adv = Addr(nd, bp, len, At.Unicast, al); bp += adv; len -= adv;
                        if (len < 2) throw TruncInstance;
                        nd.Print(",holdtime=");
                        Text.RelTime(nd, nd.Be16(bp));
                        if (len < 3) throw TruncInstance;
                        nd.Print($",prio={nd.U8(bp + 2)}");
                        if (len < 4) throw TruncInstance;
                        bp += 4; len -= 4;
                    }
                    nd.Print(")");
                }
                break;
            }
            case 5:
                nd.Print(" group=");
                adv = Addr(nd, bp, len, At.Group, al); bp += adv; len -= adv;
                nd.Print(" src=");
                adv = Addr(nd, bp, len, At.Unicast, al); bp += adv; len -= adv;
                if (len < 8 || !nd.TTest(bp, 8)) throw TruncInstance;
                if ((nd.U8(bp) & 0x80) != 0) nd.Print(" RPT");
                nd.Print($" pref={nd.Be32(bp) & 0x7fffffff}");
                nd.Print($" metric={nd.Be32(bp + 4)}");
                break;
            case 8:
            {
                if (len < 1) throw TruncInstance;
                int pfx = nd.U8(bp);
                nd.Print($" prefix-cnt={pfx}");
                if (len < 2) throw TruncInstance;
                nd.Print($" prio={nd.U8(bp + 1)}");
                if (len < 4) throw TruncInstance;
                nd.Print(" holdtime=");
                Text.RelTime(nd, nd.Be16(bp + 2));
                bp += 4; len -= 4;
                nd.Print(" RP=");
                adv = Addr(nd, bp, len, At.Unicast, al); bp += adv; len -= adv;
                for (int i = 0; i < pfx && len > 0; i++)
                {
                    nd.Print($" Group{i}=");
                    adv = Addr(nd, bp, len, At.Group, al); bp += adv; len -= adv;
                }
                break;
            }
            case 9:
                nd.Print(" src=");
                adv = Addr(nd, bp, len, At.Unicast, al); bp += adv; len -= adv;
                nd.Print(" grp=");
                adv = Addr(nd, bp, len, At.Group, al); bp += adv; len -= adv;
                nd.Print(" forwarder=");
                adv = Addr(nd, bp, len, At.Unicast, al); bp += adv; len -= adv;
                if (len < 2) throw TruncInstance;
                nd.Print(" TUNR ");
                Text.RelTime(nd, nd.Be16(bp));
                break;
            case 10:
            {
                nd.Print($"\n\t  {subtype switch { 1 => "Offer", 2 => "Winner", 3 => "Backoff", 4 => "Pass", _ => "Unknown" }},");
                nd.Print(" rpa=");
                adv = Addr(nd, bp, len, At.Unicast, al); bp += adv; len -= adv;
                nd.Print($" sender pref={nd.Be32(bp)}");
                nd.Print($" sender metric={nd.Be32(bp + 4)}");
                bp += 8; len -= 8;
                if (subtype is 3 or 4)
                {
                    string s = subtype == 3 ? "offer" : "new winner";
                    nd.Print($"\n\t  {s} addr=");
                    adv = Addr(nd, bp, len, At.Unicast, al); bp += adv; len -= adv;
                    nd.Print($" {s} pref={nd.Be32(bp)}");
                    nd.Print($" {s} metric={nd.Be32(bp + 4)}");
                    bp += 8; len -= 8;
                    if (subtype == 3) nd.Print($" interval {nd.Be16(bp)}ms");
                }
                break;
            }
            default:
                nd.Print($" [type {type}]");
                break;
        }
    }

    // ---- PIM version 1 (carried in IGMP type 0x14) ----
    public static void PrintV1(PrintContext nd, int bp, int len)
    {
        nd.Proto = "pimv1";
        int type = nd.U8(bp + 1);
        nd.Print(" ");
        nd.Print(type switch
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
                    nd.Print(m switch { 0 => " Dense-mode", 1 => " Sparse-mode", 2 => " Sparse-Dense-mode", _ => $" mode-{m}" });
                }
                if (nd.Verbose > 0) { nd.Print(" (Hold-time "); Text.RelTime(nd, nd.Be16(bp + 10)); nd.Print(")"); }
                break;
            case 1:
                if (!nd.TTest(bp + 8, 20)) { nd.PrintTrunc(); return; }
                nd.Print($" for {nd.A4(bp + 20)} > {nd.A4(bp + 24)}");
                break;
            case 2:
                nd.Print($" for {nd.A4(bp + 8)} > {nd.A4(bp + 12)}");
                break;
            case 4:
                if (nd.Verbose > 0)
                {
                    nd.Print($" group {nd.A4(bp + 8)}");
                    if (nd.Be32(bp + 12) != 0xffffffff) nd.Print($"/{nd.A4(bp + 12)}");
                    nd.Print($" RP {nd.A4(bp + 16)} hold ");
                    Text.RelTime(nd, nd.Be16(bp + 22));
                }
                break;
            case 5:
                nd.Print($" for {nd.A4(bp + 16)} > {nd.A4(bp + 8)}");
                if (nd.Be32(bp + 12) != 0xffffffff) nd.Print($"/{nd.A4(bp + 12)}");
                nd.Print($" {((nd.U8(bp + 20) & 0x80) != 0 ? "RP-tree" : "SPT")} pref {nd.Be32(bp + 20) & 0x7fffffff} metric {nd.Be32(bp + 24)}");
                break;
            case 3:
            case 6:
            case 7:
                if (nd.Verbose > 0)
                {
                    if (len < 8) { nd.PrintTrunc(); return; }
                    if (!JoinPruneV1(nd, bp + 8, len - 8)) { nd.PrintTrunc(); return; }
                }
                break;
        }
        if ((nd.U8(bp + 4) >> 4) != 1) nd.Print($" [v{nd.U8(bp + 4) >> 4}]");
    }

    private static bool JoinPruneV1(PrintContext nd, int bp, int len)
    {
        int njoin;
        if (nd.TTest(bp, 30) && nd.U8(bp + 11) == 1 && (njoin = nd.Be16(bp + 20)) + nd.Be16(bp + 22) == 1)
        {
            nd.Print($" RPF {nd.A4(bp)} ");
            int hold = nd.Be16(bp + 6);
            if (hold != 180) { nd.Print("Hold "); Text.RelTime(nd, (uint)hold); }
            nd.Print($"{(njoin != 0 ? "Join" : "Prune")} ({nd.A4(bp + 26)}/{nd.U8(bp + 25) & 0x3f}, {nd.A4(bp + 12)}");
            if (nd.Be32(bp + 16) != 0xffffffff) nd.Print($"/{nd.A4(bp + 16)}");
            nd.Print($") {((nd.U8(bp + 24) & 1) != 0 ? "Sparse" : "Dense")}{((nd.U8(bp + 25) & 0x80) != 0 ? " WC" : "")}" +
                $" {((nd.U8(bp + 25) & 0x40) != 0 ? "RP" : "SPT")}");
            return true;
        }
        if (len < 4) return false;
        if (nd.Verbose > 1) nd.Print("\n");
        nd.Print($" Upstream Nbr: {nd.A4(bp)}");
        bp += 4; len -= 4;
        if (len < 4) return false;
        if (nd.Verbose > 1) nd.Print("\n");
        nd.Print(" Hold time: ");
        Text.RelTime(nd, nd.Be16(bp + 2));
        if (nd.Verbose < 2) return true;
        bp += 4; len -= 4;
        if (len < 4) return false;
        int ngroups = nd.U8(bp + 3);
        bp += 4; len -= 4;
        while (ngroups != 0)
        {
            if (len < 4) return false;
            nd.Print($"\n\tGroup: {nd.A4(bp)}");
            bp += 4; len -= 4;
            if (len < 4) return false;
            if (nd.Be32(bp) != 0xffffffff) nd.Print($"/{nd.A4(bp)}");
            bp += 4; len -= 4;
            if (len < 4) return false;
            int nj = nd.Be16(bp), np = nd.Be16(bp + 2);
            nd.Print($" joined: {nj} pruned: {np}");
            bp += 4; len -= 4;
            for (int k = 0; k < nj + np; k++)
            {
                string t = k < nj ? "Join " : "Prune";
                if (len < 6) return false;
                nd.Print($"\n\t{t} {((nd.U8(bp) & 1) != 0 ? "Sparse " : "Dense ")}{((nd.U8(bp + 1) & 0x80) != 0 ? "WC " : "")}" +
                    $"{((nd.U8(bp + 1) & 0x40) != 0 ? "RP " : "SPT ")}{nd.A4(bp + 2)}"
                    + $"/{nd.U8(bp + 1) & 0x3f}");
                bp += 6; len -= 6;
            }
            ngroups--;
        }
        return true;
    }
}
