// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>The IS-IS TLV bodies with sub-TLVs: extended IS reachability and its traffic engineering sub-TLVs,
/// extended IPv4/IPv6 reachability with prefix sub-TLVs, multi-topology IDs, SPB port and MT capabilities, router
/// capability with SR capabilities.</summary>
/// <remarks>Specification: RFC 5305, RFC 4124, RFC 4205, RFC 5308, RFC 5120, RFC 6329, RFC 7981, RFC 8667.</remarks>
internal static class IsisTlv
{
    private static readonly Tok[] IsReachSub =
    [
        new(3, "Administrative groups"), new(4, "Link Local/Remote Identifier"), new(5, "Link Remote Identifier"),
        new(6, "IPv4 interface address"), new(8, "IPv4 neighbor address"), new(9, "Maximum link bandwidth"),
        new(10, "Reservable link bandwidth"), new(11, "Unreserved bandwidth"), new(18, "Traffic Engineering Metric"),
        new(19, "Link Attribute"), new(20, "Link Protection Type"), new(21, "Interface Switching Capability"),
        new(12, "Bandwidth Constraints (old)"), new(22, "Bandwidth Constraints"), new(32, "LAN Adjacency Segment Identifier"),
        new(29, "SPB Metric"), new(250, "Reserved for cisco specific extensions"), new(251, "Reserved for cisco specific extensions"),
        new(252, "Reserved for cisco specific extensions"), new(253, "Reserved for cisco specific extensions"),
        new(254, "Reserved for cisco specific extensions"), new(255, "Reserved for future expansion"),
    ];

    private static readonly Tok[] IpReachSubs =
        [new(1, "32-Bit Administrative tag"), new(2, "64-Bit Administrative tag"), new(3, "Prefix SID"), new(117, "Management Prefix Color")];

    private static readonly Tok[] PrefixSidFlags =
        [new(0x80, "Readvertisement"), new(0x40, "Node"), new(0x20, "No-PHP"), new(0x10, "Explicit NULL"), new(0x08, "Value"), new(0x04, "Local")];

    private static readonly Tok[] LinkAttributes =
        [new(1, "Local Protection Available"), new(2, "Link excluded from local protection path"), new(4, "Local maintenance required")];

    private static readonly Tok[] LanAdjSidFlags =
    [
        new(0x80, "Address family IPv6"), new(0x40, "Backup"), new(0x20, "Value"), new(0x10, "Local significance"),
        new(0x08, "Set of adjacencies"), new(0x04, "Persistent"),
    ];

    private static readonly Tok[] MtFlags = [new(0x4000, "ATT bit set"), new(0x8000, "Overload bit set")];
    private static readonly Tok[] SrFlags = [new(0x80, "ipv4"), new(0x40, "ipv6")];

    private static readonly Tok[] LinkProtection =
    [
        new(0x01, "Extra Traffic"), new(0x02, "Unprotected"), new(0x04, "Shared"), new(0x08, "Dedicated 1:1"),
        new(0x10, "Dedicated 1+1"), new(0x20, "Enhanced"), new(0x40, "Reserved"), new(0x80, "Reserved"),
    ];

    private static readonly Tok[] SwitchCaps =
    [
        new(1, "Packet-Switch Capable-1"), new(2, "Packet-Switch Capable-2"), new(3, "Packet-Switch Capable-3"),
        new(4, "Packet-Switch Capable-4"), new(51, "Layer-2 Switch Capable"), new(100, "Time-Division-Multiplex"),
        new(150, "Lambda-Switch Capable"), new(200, "Fiber-Switch Capable"),
    ];

    private static readonly Tok[] Encodings =
    [
        new(1, "Packet"), new(2, "Ethernet V2/DIX"), new(3, "ANSI/ETSI PDH"), new(4, "Reserved"),
        new(5, "SDH ITU-T G.707/SONET ANSI T1.105"), new(6, "Reserved"), new(7, "Digital Wrapper"), new(8, "Lambda (photonic)"),
        new(9, "Fiber"), new(10, "Reserved"), new(11, "FiberChannel"),
    ];

    private static readonly Tok[] BcModels = [new(0, "Russian dolls"), new(1, "Maximum allocation"), new(254, "Maximum allocation with E-LSP support")];

    /// <summary>An IEEE single-precision bandwidth in bytes per second as tcpdump shows it, in Mbit/s.</summary>
    private static string Mbps(uint bits) => Osi.Fixed3(BitConverter.UInt32BitsToSingle(bits) * 8 / 1000000);

    /// <summary>A multi-topology ID line; the bytes it used (2), or 0 when fewer than 2 remain.</summary>
    public static int MtId(PrintContext nd, int t, string ind, int remaining)
    {
        if (remaining < 2) return 0;
        int v = nd.Be16(t);
        int id = v & 0x0fff;
        string name = id switch
        {
            0 => "IPv4 unicast", 1 => "In-Band Management", 2 => "IPv6 unicast", 3 => "Multicast",
            4095 => "Development, Experimental or Proprietary", _ => "Reserved for IETF Consensus",
        };
        nd.Print($"{ind}{name}");
        nd.Print($" Topology (0x{id:x3}), Flags: [");
        Toks.Bits(nd, MtFlags, "none", (uint)(v & 0xf000));
        nd.Print("]");
        return 2;
    }

    /// <summary>One neighbour of TLV 22, 24 or 222 with its sub-TLVs; the bytes it used, 0 on truncation.</summary>
    public static int ExtIsReach(PrintContext nd, int t, string ind, int tlvType, int remaining)
    {
        if (!nd.TTest(t, 7) || remaining < 7) return 0;
        nd.Print($"{ind}IS Neighbor: {Osi.Id(nd, t, 7)}");
        t += 7; remaining -= 7;
        int used = 7;
        if (tlvType != 24)
        {
            if (!nd.TTest(t, 3) || remaining < 3) return 0;
            nd.Print($", Metric: {nd.Be24(t)}");
            t += 3; remaining -= 3; used += 3;
        }
        if (!nd.TTest(t, 1) || remaining < 1) return 0;
        int sum = nd.U8(t);
        t++; remaining--; used++;
        nd.Print($", {(sum != 0 ? "" : "no ")}sub-TLVs present");
        if (sum == 0) return used;
        nd.Print($" ({sum})");
        ind += "  ";
        while (sum != 0)
        {
            if (!nd.TTest(t, 2)) return 0;
            if (remaining < 2)
            {
                nd.Print($"{ind}Remaining data in TLV shorter than a subTLV header");
                used += remaining;
                break;
            }
            if (sum < 2)
            {
                nd.Print($"{ind}Remaining data in subTLVs shorter than a subTLV header");
                used += sum;
                break;
            }
            int st = nd.U8(t), sl = nd.U8(t + 1);
            t += 2; remaining -= 2; sum -= 2; used += 2;
            nd.Print($"{ind}{Toks.Find(IsReachSub, (uint)st) ?? "unknown"} subTLV #{st}, length: {sl}");
            if (sum < sl)
            {
                nd.Print(" (remaining data in subTLVs shorter than the current subTLV)");
                used += sum;
                break;
            }
            if (remaining < sl)
            {
                nd.Print(" (> remaining tlv length)");
                used += remaining;
                break;
            }
            if (!nd.TTest(t, sl)) return 0;
            // bytes a sub-TLV decoder steps over itself: they count as used but not against the TLV's remainder
            int moved = 0;
            if (!ExtIsReachSub(nd, t, sl, st, ind, ref moved)) return 0;
            t += moved; sl -= moved; sum -= moved; used += moved;
            t += sl; remaining -= sl; sum -= sl; used += sl;
        }
        return used;
    }

    private static bool ExtIsReachSub(PrintContext nd, int t, int sl, int st, string ind, ref int moved)
    {
        switch (st)
        {
            case 3:
            case 4:
            case 5:
                if (sl >= 4)
                {
                    nd.Print($", 0x{nd.Be32(t):x8}");
                    if (sl == 8) nd.Print($", 0x{nd.Be32(t + 4):x8}");
                }
                break;
            case 6:
            case 8:
                if (sl >= 4) nd.Print($", {nd.A4(t)}");
                break;
            case 9:
            case 10:
                if (sl >= 4) nd.Print($", {Mbps(nd.Be32(t))} Mbps");
                break;
            case 11:
                if (sl >= 32)
                    for (int c = 0; c < 8; c++, moved += 4)
                        nd.Print($"{ind}  TE-Class {c}: {Mbps(nd.Be32(t + moved))} Mbps");
                break;
            case 22:
            case 12:
            {
                if (sl == 0) break;
                int model = nd.U8(t);
                nd.Print($"{ind}Bandwidth Constraints Model ID: {Toks.Find(BcModels, (uint)model) ?? "unknown"} ({model})");
                moved = 1;
                for (int c = 0; sl - moved != 0; c++, moved += 4)
                {
                    if (sl - moved < 4) break;
                    nd.Print($"{ind}  Bandwidth constraint CT{c}: {Mbps(nd.Be32(t + moved))} Mbps");
                }
                break;
            }
            case 18:
                if (sl >= 3) nd.Print($", {nd.Be24(t)}");
                break;
            case 19:
                if (sl == 2)
                {
                    int v = nd.Be16(t);
                    nd.Print(", [ ");
                    Toks.Bits(nd, LinkAttributes, "Unknown", (uint)v);
                    nd.Print($" ] (0x{v:x4})");
                }
                break;
            case 20:
                if (sl >= 2)
                {
                    nd.Print(", ");
                    Toks.Bits(nd, LinkProtection, "none", nd.U8(t));
                    nd.Print($", Priority {nd.U8(t + 1)}");
                }
                break;
            case 29:
                if (sl >= 6)
                {
                    nd.Print($", LM: {nd.Be24(t)}");
                    nd.Print($", P: {nd.U8(t + 3)}");
                    nd.Print($", P-ID: {nd.Be16(t + 4)}");
                    moved = 4;
                }
                break;
            case 21:
                if (sl >= 36) return SwitchingCapability(nd, t, sl, ind, ref moved);
                break;
            case 32:
                if (sl >= 8)
                {
                    int f = nd.U8(t);
                    nd.Print($"{ind}  Flags: [");
                    Toks.Bits(nd, LanAdjSidFlags, "none", (uint)f);
                    nd.Print("]");
                    nd.Print($"{ind}  Weight: {nd.U8(t + 1)}");
                    moved = 2;
                    int q = t + 2;
                    if (sl - 2 >= 6)
                    {
                        Osi.Need(nd, q, 6);
                        nd.Print($"{ind}  Neighbor System-ID: {Osi.Id(nd, q, 6)}");
                    }
                    bool vf = (f & 0x20) != 0, lf = (f & 0x10) != 0;
                    if (vf && lf) nd.Print($"{ind}  Label: {nd.Be24(q + 6)}");
                    else if (!vf && !lf) nd.Print($"{ind}  Index: {nd.Be32(q + 6)}");
                    else nd.PrintInvalid();
                }
                break;
            default:
                if (!Osi.Unknown(nd, t, "\n\t\t    ", (uint)sl)) return false;
                break;
        }
        return true;
    }

    private static bool SwitchingCapability(PrintContext nd, int t, int sl, string ind, ref int moved)
    {
        int cap = nd.U8(t);
        nd.Print($"{ind}  Interface Switching Capability:{Toks.Find(SwitchCaps, (uint)cap) ?? "Unknown"}");
        nd.Print($", LSP Encoding: {Toks.Find(Encodings, nd.U8(t + 1)) ?? "Unknown"}");
        moved = 4;
        nd.Print($"{ind}  Max LSP Bandwidth:");
        for (int level = 0; level < 8; level++, moved += 4)
            nd.Print($"{ind}    priority level {level}: {Mbps(nd.Be32(t + moved))} Mbps");
        int q = t + moved, left = sl - moved;
        switch (cap)
        {
            case 1:
            case 2:
            case 3:
            case 4:
                if (left < 6) break;
                nd.Print($"{ind}  Min LSP Bandwidth: {Mbps(nd.Be32(q))} Mbps");
                nd.Print($"{ind}  Interface MTU: {nd.Be16(q + 4)}");
                break;
            case 100:
            {
                if (left < 8) break;
                nd.Print($"{ind}  Min LSP Bandwidth: {Mbps(nd.Be32(q))} Mbps");
                int ind2 = nd.U8(q + 4);
                nd.Print($"{ind}  Indication {(ind2 == 0 ? "Standard SONET/SDH" : ind2 == 1 ? "Arbitrary SONET/SDH" : $"Unknown ({ind2})")}");
                break;
            }
            default:
                if (left != 0 && !Osi.Unknown(nd, q, "\n\t\t    ", (uint)left)) return false;
                break;
        }
        return true;
    }

    /// <summary>One prefix of TLV 135, 235, 236 or 237 with its sub-TLVs; the bytes it used, 0 on error.</summary>
    public static uint ExtdIpReach(PrintContext nd, int t, string ind, bool v6)
    {
        uint metric = nd.Be32(t);
        uint used = 4;
        t += 4;
        int status, bits;
        if (!v6)
        {
            status = nd.U8(t);
            t++;
            bits = status & 0x3f;
            if (bits > 32)
            {
                nd.Print($"{ind}IPv4 prefix: bad bit length {bits}");
                return 0;
            }
            used++;
        }
        else
        {
            status = nd.U8(t);
            bits = nd.U8(t + 1);
            if (bits > 128)
            {
                nd.Print($"{ind}IPv6 prefix: bad bit length {bits}");
                return 0;
            }
            t += 2;
            used += 2;
        }
        int bytes = (bits + 7) / 8;
        Span<byte> prefix = stackalloc byte[16];
        nd.Bytes(t, bytes).CopyTo(prefix);
        t += bytes;
        used += (uint)bytes;
        if (!v6)
            nd.Print($"{ind}IPv4 prefix: {nd.Ip4String(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(prefix)),15}/{bits}");
        else
            nd.Print($"{ind}IPv6 prefix: {nd.Ip6String(prefix)}/{bits}");
        nd.Print($", Distribution: {((status & 0x80) != 0 ? "down" : "up")}, Metric: {metric}");
        bool sub;
        if (!v6)
        {
            sub = (status & 0x40) != 0;
            if (sub) nd.Print(", sub-TLVs present");
        }
        else
        {
            sub = (status & 0x20) != 0;
            nd.Print($", {((status & 0x40) != 0 ? "External" : "Internal")}{(sub ? ", sub-TLVs present" : "")}");
        }
        if (!sub) return used;
        uint sublen = nd.U8(t);
        t++;
        used += sublen + 1;
        nd.Print($" ({sublen})");
        while (sublen > 0)
        {
            int st = nd.U8(t), sl = nd.U8(t + 1);
            t += 2;
            if (!IpReachSub(nd, t, st, sl, ind + "  ")) return 0;
            t += sl;
            sublen -= (uint)(sl + 2);
        }
        return used;
    }

    private static bool IpReachSub(PrintContext nd, int t, int st, int sl, string ind)
    {
        nd.Print($"{ind}{Toks.Find(IpReachSubs, (uint)st) ?? "unknown"} subTLV #{st}, length: {sl}");
        if (!nd.TTest(t, sl)) { nd.PrintTrunc(); return false; }
        switch (st)
        {
            case 117:
            case 1:
                for (; sl >= 4; sl -= 4, t += 4) nd.Print($", 0x{nd.Be32(t):x8} (={nd.Be32(t)})");
                break;
            case 2:
                for (; sl >= 8; sl -= 8, t += 8) nd.Print($", 0x{nd.Be32(t):x8}{nd.Be32(t + 4):x8}");
                break;
            case 3:
            {
                int flags = nd.U8(t), algo = nd.U8(t + 1);
                uint sid;
                bool value = (flags & 0x08) != 0;
                if (value)
                {
                    if (sl < 5) { nd.PrintTrunc(); return false; }
                    sid = nd.Be24(t + 2);
                }
                else
                {
                    if (sl < 6) { nd.PrintTrunc(); return false; }
                    sid = nd.Be32(t + 2);
                }
                nd.Print(", Flags [");
                Toks.Bits(nd, PrefixSidFlags, "None", (uint)flags);
                string an = algo == 0 ? "SPF" : algo == 1 ? "strict-SPF" : "Unknown";
                nd.Print($"], Algo {an} ({algo}), {(value ? "label" : "index")} {sid}");
                break;
            }
            default:
                if (!Osi.Unknown(nd, t, "\n\t\t    ", (uint)sl)) return false;
                break;
        }
        return true;
    }

    /// <summary>Sub-TLVs of TLV 143 (SPB MCID, digest, BVIDs).</summary>
    public static void MtPortCap(PrintContext nd, int t, uint len)
    {
        while (len > 2)
        {
            int st = nd.U8(t);
            uint sl = nd.U8(t + 1);
            string name = st switch { 4 => "SPB MCID", 5 => "SPB Digest", 6 => "SPB BVID", _ => "unknown" };
            nd.Print($"\n\t       {name} subTLV #{st}, length: {sl}");
            t += 2; len -= 2;
            if (len < sl) { nd.Print(" (> containing TLV length)"); return; }
            if (!nd.TTest(t, (int)sl)) { nd.PrintTrunc(); return; }
            switch (st)
            {
                case 4:
                    if (sl < 102) { nd.Print(" (too short)"); return; }
                    nd.Print("\n\t         MCID: ");
                    Mcid(nd, t);
                    nd.Print("\n\t         AUX-MCID: ");
                    Mcid(nd, t + 51);
                    t += 102; len -= 102; sl -= 102;
                    break;
                case 5:
                {
                    if (sl < 33) { nd.Print(" (too short)"); return; }
                    int b = nd.U8(t);
                    nd.Print($"\n\t        RES: {b >> 5} V: {(b >> 4) & 1} A: {(b >> 2) & 3} D: {b & 3}");
                    t++;
                    nd.Print("\n\t         Digest: ");
                    for (int i = 1; i <= 8; i++, t += 4)
                    {
                        nd.Print($"{nd.Be32(t):x8} ");
                        if (i % 4 == 0 && i != 8) nd.Print("\n\t                 ");
                    }
                    len -= 33; sl -= 33;
                    break;
                }
                case 6:
                    while (sl != 0)
                    {
                        if (sl < 4) { nd.Print(" (too short)"); return; }
                        nd.Print($"\n\t           ECT: {nd.Be32(t):x8}");
                        t += 4; len -= 4; sl -= 4;
                        if (sl < 2) { nd.Print(" (too short)"); return; }
                        int w = nd.Be16(t);
                        nd.Print($" BVID: {w >> 4}, U:{(w >> 3) & 1:x1} M:{(w >> 2) & 1:x1} ");
                        t += 2; len -= 2; sl -= 2;
                    }
                    break;
            }
            t += (int)sl;
            len -= sl;
        }
    }

    private static void Mcid(PrintContext nd, int m)
    {
        if (!nd.TTest(m, 51)) { nd.PrintTrunc(); return; }
        nd.Print($"ID: {nd.U8(m)}, Name: ");
        Text.PrintUntilNul(nd, m + 1, 32);
        nd.Print($"\n\t              Lvl: {nd.Be16(m + 33)}");
        nd.Print(", Digest: ");
        for (int i = 0; i < 16; i++) nd.Print($"{nd.Buf[m + 35 + i]:x2} ");
    }

    /// <summary>Sub-TLVs of TLV 144 (SPB instance, SPBM service identifier).</summary>
    public static void MtCapability(PrintContext nd, int t, uint len)
    {
        while (len > 2)
        {
            int st = nd.U8(t);
            uint sl = nd.U8(t + 1);
            t += 2; len -= 2;
            string name = st switch { 1 => "SPB Instance", 3 => "SPBM Service Identifier and Unicast Address", _ => "unknown" };
            nd.Print($"\n\t      {name} subTLV #{st}, length: {sl}");
            if (len < sl) { nd.Print(" (> containing TLV length)"); return; }
            if (!nd.TTest(t, (int)sl)) { nd.PrintTrunc(); return; }
            switch (st)
            {
                case 1:
                {
                    if (sl < 19) { nd.Print(" (too short)"); return; }
                    nd.Print($"\n\t        CIST Root-ID: {nd.Be32(t):x8}");
                    nd.Print($" {nd.Be32(t + 4):x8}");
                    nd.Print($", Path Cost: {nd.Be32(t + 8):x8}");
                    nd.Print($", Prio: {nd.Be16(t + 12)}");
                    t += 14;
                    nd.Print($"\n\t        RES: {nd.Be16(t) >> 5}");
                    nd.Print($", V: {(nd.Be16(t) >> 4) & 1}");
                    nd.Print($", SPSource-ID: {nd.Be32(t) & 0x000fffff}");
                    t += 4;
                    int trees = nd.U8(t);
                    nd.Print($", No of Trees: {trees:x}");
                    t++;
                    len -= 19; sl -= 19;
                    for (; trees > 0; trees--)
                    {
                        if (sl < 8) { nd.PrintTrunc(); return; }
                        int b = nd.U8(t);
                        nd.Print($"\n\t         U:{b >> 7}, M:{(b >> 6) & 1}, A:{(b >> 5) & 1}, RES:{b & 0x1f}");
                        t++;
                        nd.Print($", ECT: {nd.Be32(t):x8}");
                        t += 4;
                        uint v = nd.Be24(t);
                        nd.Print($", BVID: {(v >> 12) & 0xfff}, SPVID: {v & 0xfff}");
                        t += 3;
                        len -= 8; sl -= 8;
                    }
                    break;
                }
                case 3:
                    if (sl < 8) { nd.PrintTrunc(); return; }
                    nd.Print($"\n\t        BMAC: {nd.Be32(t):x8}");
                    nd.Print($"{nd.Be16(t + 4):x4}");
                    t += 6;
                    nd.Print($", RES: {nd.Be16(t) >> 12}, VID: {nd.Be16(t) & 0x0fff}");
                    t += 2; len -= 8; sl -= 8;
                    for (; sl >= 4; t += 4, len -= 4, sl -= 4)
                    {
                        uint w = nd.Be32(t);
                        nd.Print($"\n\t        T: {w >> 31}, R: {(w >> 30) & 1}, RES: {(w >> 24) & 0x3f}, ISID: {w & 0xffffff}");
                    }
                    break;
            }
            t += (int)sl;
            len -= sl;
        }
    }

    /// <summary>Sub-TLVs of the router capability TLV (242): SR capabilities with their SID/label ranges.</summary>
    public static void RouterCap(PrintContext nd, int t, int tlen)
    {
        tlen &= 0xff;
        while (tlen >= 2)
        {
            int st = nd.U8(t), sl = nd.U8(t + 1);
            tlen -= 2; t += 2;
            nd.Print($"\n\t\t{(st == 2 ? "SR-Capabilities" : "unknown")} subTLV #{st}, length: {sl}");
            if (sl > tlen) break;
            if (!nd.TTest(t, sl)) return;
            if (st == 2)
            {
                int flags = nd.U8(t);
                uint range = nd.Be24(t + 1);
                nd.Print(", Flags [");
                Toks.Bits(nd, SrFlags, "None", (uint)flags);
                nd.Print($"], Range {range}");
                int q = t + 4;
                int left = (sl - 4) & 0xff;
                while (left >= 5)
                {
                    int type = nd.U8(q), len = nd.U8(q + 1);
                    left -= 2; q += 2;
                    if (len > left) break;
                    if (type == 1)
                    {
                        if (len == 3) nd.Print($", SID value {nd.Be24(q)}");
                        else if (len == 4) nd.Print($", SID value {nd.Be32(q)}");
                        else nd.Print($", Unknown SID length{len}");
                    }
                    else HexDump.UnknownData(nd, q, "\n\t\t  ", len);
                    q += len;
                    left -= len;
                }
            }
            else HexDump.UnknownData(nd, t, "\n\t\t", sl);
            tlen -= sl;
            t += sl;
        }
    }
}
