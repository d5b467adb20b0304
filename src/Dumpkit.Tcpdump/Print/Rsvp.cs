// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>RSVP (IP protocol 46): RFC 2205 messages and objects, IntServ (RFC 2210/2215), RSVP-TE (RFC 3209),
/// refresh reduction (RFC 2961), GMPLS (RFC 3473), fast reroute (RFC 4090), Diffserv-TE class types (RFC 4124),
/// P2MP (RFC 4875), capability (RFC 5063), OIF UNI 1.0 objects and Juniper's properties object.</summary>
internal static class Rsvp
{
    private static string? MsgType(int t) => t switch
    {
        1 => "Path", 2 => "Resv", 3 => "PathErr", 4 => "ResvErr", 5 => "PathTear", 6 => "ResvTear", 7 => "ResvConf",
        12 => "Bundle", 13 => "Acknowledgement", 14 => "Hello (Old)", 15 => "Refresh", 20 => "Hello", _ => null,
    };

    private static string ObjName(int c) => c switch
    {
        1 => "Session", 3 => "RSVP Hop", 4 => "Integrity", 5 => "Time Values", 6 => "Error Spec", 7 => "Scope",
        8 => "Style", 9 => "Flowspec", 10 => "FilterSpec", 11 => "Sender Template", 12 => "Sender TSpec",
        13 => "Adspec", 14 => "Policy Data", 15 => "Confirm", 16 => "Label", 19 => "Label Request", 20 => "ERO",
        21 => "RRO", 22 => "Hello", 23 => "Message ID", 24 => "Message ID Ack", 25 => "Message ID List",
        34 => "Recovery Label", 35 => "Upstream Label", 36 => "Label Set", 130 => "Acceptable Label Set",
        63 => "Detour", 66 => "Class Type", 125 => "Class Type (old)", 129 => "Suggested Label", 204 => "Properties",
        205 => "Fast Re-Route", 207 => "Session Attribute", 229 => "Generalized UNI", 230 => "Call-ID",
        236 => "Call Capability", 131 => "Restart Capability", 134 => "Capability", 195 => "Notify Request",
        37 => "Protection", 196 => "Administrative Status", 50 => "Sub-LSP to LSP", _ => "Unknown",
    };

    private static string CType(int c, int t) => (c, t) switch
    {
        (3, 1) or (195, 1) or (15, 1) or (10, 1) or (1, 1) or (11, 1) or (20, 1) or (21, 1) or (6, 1) or (131, 1) => "IPv4",
        (3, 2) or (195, 2) or (15, 2) or (10, 2) or (1, 2) or (11, 2) or (6, 2) => "IPv6",
        (3, 3) or (6, 3) => "IPv4 plus opt. TLVs",
        (3, 4) or (6, 4) => "IPv6 plus opt. TLVs",
        (5, 1) or (23, 1) or (25, 1) or (8, 1) or (134, 1) or (205, 1) or (204, 1) or (196, 1) or (66, 1) or (125, 1)
            or (36, 1) or (229, 1) => "1",
        (9, 1) => "obsolete",
        (9, 2) or (12, 2) or (13, 2) => "IntServ",
        (10, 3) => "IPv6 Flow-label",
        (10, 7) or (1, 7) or (11, 7) or (207, 7) or (205, 7) or (63, 7) => "Tunnel IPv4",
        (10, 12) or (11, 12) or (1, 13) => "IPv4 P2MP LSP Tunnel",
        (10, 13) or (11, 13) or (1, 14) => "IPv6 P2MP LSP Tunnel",
        (1, 11) => "UNI IPv4",
        (24, 1) => "Message id ack",
        (24, 2) => "Message id nack",
        (22, 1) => "Hello Request",
        (22, 2) => "Hello Ack",
        (19, 1) => "without label range",
        (19, 2) => "with ATM label range",
        (19, 3) => "with FR label range",
        (19, 4) => "Generalized Label",
        (16 or 129 or 35 or 34, 1) => "Label",
        (16 or 129 or 35 or 34, 2) => "Generalized Label",
        (16 or 129 or 35 or 34, 3) => "Waveband Switching",
        (50, 1) => "IPv4 sub-LSP",
        (50, 2) => "IPv6 sub-LSP",
        _ => "Unknown",
    };

    private static readonly Tok[] HeaderFlags = [new(0x01, "Refresh reduction capable")];
    private static readonly Tok[] CapabilityFlags =
        [new(0x4, "RecoveryPath Transmit Enabled"), new(0x2, "RecoveryPath Desired"), new(0x1, "RecoveryPath Srefresh Capable")];
    private static readonly Tok[] RroFlags =
        [new(0x01, "Local protection available"), new(0x02, "Local protection in use"), new(0x04, "Bandwidth protection"),
         new(0x08, "Node protection")];
    private static readonly Tok[] RroLabelFlags = [new(0x01, "Global")];
    private static readonly Tok[] SessionAttrFlags =
        [new(0x01, "Local Protection"), new(0x02, "Label Recording"), new(0x04, "SE Style"), new(0x08, "Bandwidth protection"),
         new(0x10, "Node protection")];
    private static readonly Tok[] IntegrityFlags = [new(0x80, "Handshake")];
    private static readonly Tok[] AdminStatusFlags =
        [new(0x80000000, "Reflect"), new(0x4, "Testing"), new(0x2, "Admin-down"), new(0x1, "Delete-in-progress")];

    private static string XroType(int t) => t switch
    {
        0 => "Reserved", 1 => "IPv4 prefix", 2 => "IPv6 prefix", 3 => "Label", 32 => "Autonomous system number",
        64 => "MPLS label switched path termination", _ => $"Unknown {t}",
    };

    private static string ResStyle(uint s) => s switch { 17 => "Wildcard Filter", 10 => "Fixed Filter", 18 => "Shared Explicit", _ => "Unknown" };

    private static string ServiceType(int t) => t switch
    {
        1 => "Default/Global Information", 2 => "Guaranteed Service", 5 => "Controlled Load", _ => "unknown",
    };

    private static string ParameterId(int t) => t switch
    {
        4 => "IS hop cnt", 6 => "Path b/w estimate", 8 => "Minimum path latency", 10 => "Composed MTU",
        127 => "Token Bucket TSpec", 130 => "Guaranteed Service RSpec", 133 => "End-to-end composed value for C",
        134 => "End-to-end composed value for D", 135 => "Since-last-reshaping point composed C",
        136 => "Since-last-reshaping point composed D", _ => "unknown",
    };

    private static string PropTlv(int t) => t switch
    {
        1 => "Cos", 2 => "Metric 1", 4 => "Metric 2", 8 => "CCC Status", 0x10 => "Path Type", _ => "unknown",
    };

    private static string ErrorCode(uint c) => c switch
    {
        24 => "Routing Problem", 25 => "Notify Error", 28 => "Diffserv TE Error", 125 => "Diffserv TE Error (Old)", _ => "unknown",
    };

    private static string RoutingError(uint v) => v switch
    {
        1 => "Bad EXPLICIT_ROUTE object", 2 => "Bad strict node", 3 => "Bad loose node", 4 => "Bad initial subobject",
        5 => "No route available toward destination", 6 => "Unacceptable label value", 7 => "RRO indicated routing loops",
        8 => "non-RSVP-capable router in the path", 9 => "MPLS label allocation failure", 10 => "Unsupported L3PID",
        _ => "unknown",
    };

    private static string DiffservError(uint v) => v switch
    {
        1 => "Unexpected CT object", 2 => "Unsupported CT", 3 => "Invalid CT value",
        4 => "CT/setup priority do not form a configured TE-Class",
        5 => "CT/holding priority do not form a configured TE-Class",
        6 => "CT/setup priority and CT/holding priority do not form a configured TE-Class",
        7 => "Inconsistency between signaled PSC and signaled CT",
        8 => "Inconsistency between signaled PHBs and signaled CT", _ => "unknown",
    };

    private static string LabelSetAction(uint a) => a switch
    {
        0 => "Inclusive list", 1 => "Exclusive list", 2 => "Inclusive range", 3 => "Exclusive range", _ => "Unknown",
    };

    private static string UniSubobj(int t) => t switch
    {
        1 => "Source TNA address", 2 => "Destination TNA address", 3 => "Diversity", 4 => "Egress label", 5 => "Service level",
        _ => "Unknown",
    };

    private static string EtherTypeOr(int t) => Ether.TypeName(t) ?? $"Unknown Protocol (0x{t:x4})";

    /// <summary>A float of the packet as tcpdump computes with it (single precision), then printed with %.10g.</summary>
    private static string F(float f) => CFormat.G(f, 10);

    private static float Float(PrintContext nd, int off) => BitConverter.Int32BitsToSingle((int)nd.Be32(off));

    public static void Print(PrintContext nd, int pptr, int len)
    {
        nd.Proto = "rsvp";
        nd.Check(pptr, 8);
        int vf = nd.U8(pptr);
        if (vf >> 4 != 1)
        {
            nd.Print($"ERROR: RSVP version {vf >> 4} packet not supported");
            return;
        }
        int msgType = nd.U8(pptr + 1);
        if (nd.Verbose < 1)
        {
            nd.Print($"RSVPv{vf >> 4} {MsgType(msgType) ?? $"unknown ({msgType})"} Message, length: {(uint)len}");
            return;
        }
        int tlen = nd.Be16(pptr + 6);
        Header(nd, pptr, "\n\t", tlen);
        if (tlen < 8)
        {
            nd.Print($"ERROR: common header too short {tlen} < 8");
            return;
        }
        int tptr = pptr + 8;
        tlen -= 8;
        switch (msgType)
        {
            case 12:
                while (tlen > 0)
                {
                    int sub = tptr;
                    nd.Check(sub, 8);
                    vf = nd.U8(sub);
                    if (vf >> 4 != 1)
                    {
                        nd.Print($"ERROR: RSVP version {vf >> 4} packet not supported");
                        return;
                    }
                    int subtlen = nd.Be16(sub + 6);
                    Header(nd, sub, "\n\t  ", subtlen);
                    if (subtlen < 8)
                    {
                        nd.Print($"ERROR: common header too short {subtlen} < 8");
                        return;
                    }
                    if (tlen < subtlen)
                    {
                        nd.Print($"ERROR: common header too large {subtlen} > {tlen}");
                        return;
                    }
                    if (!Objects(nd, sub + 8, "\n\t    ", (uint)subtlen - 8)) return;
                    tptr += subtlen;
                    tlen -= subtlen;
                }
                break;
            case 1 or 2 or 3 or 4 or 5 or 6 or 7 or 14 or 20 or 13 or 15:
                Objects(nd, tptr, "\n\t  ", (uint)tlen);
                break;
            default:
                HexDump.UnknownData(nd, tptr, "\n\t    ", tlen);
                break;
        }
    }

    private static void Header(PrintContext nd, int p, string indent, int tlen)
    {
        int vf = nd.U8(p), msgType = nd.U8(p + 1);
        nd.Print($"{indent}RSVPv{vf >> 4} {MsgType(msgType) ?? $"unknown, type: {msgType}"} Message ({msgType}), Flags: [");
        Toks.Bits(nd, HeaderFlags, "none", (uint)(vf & 0x0f));
        nd.Print($"], length: {tlen}, ttl: {nd.U8(p + 4)}, checksum: 0x{nd.Be16(p + 2):x4}");
    }

    /// <summary>rsvp_intserv_print: one IntServ parameter; the bytes it took, 0 to stop.</summary>
    private static uint IntServ(PrintContext nd, int tptr, uint objTlen)
    {
        if (objTlen < 4) return 0;
        int id = nd.U8(tptr);
        uint plen = (uint)nd.Be16(tptr + 2) << 2;
        nd.Print($"\n\t      Parameter ID: {ParameterId(id)} ({id}), length: {plen}, Flags: [0x{nd.U8(tptr + 1):x2}]");
        if (objTlen < plen + 4) return 0;
        switch (id)
        {
            case 4:
                if (plen == 4) nd.Print($"\n\t\tIS hop count: {nd.Be32(tptr + 4)}");
                break;
            case 6:
                if (plen == 4) nd.Print($"\n\t\tPath b/w estimate: {F(Float(nd, tptr + 4) / 125000)} Mbps");
                break;
            case 8:
                if (plen == 4)
                {
                    nd.Print("\n\t\tMinimum path latency: ");
                    uint l = nd.Be32(tptr + 4);
                    if (l == 0xffffffff) nd.Print("don't care");
                    else nd.Print($"{l}");
                }
                break;
            case 10:
                if (plen == 4) nd.Print($"\n\t\tComposed MTU: {nd.Be32(tptr + 4)} bytes");
                break;
            case 127:
                if (plen == 20)
                {
                    if (!nd.TTest(tptr + 4, 20))
                    {
                        nd.PrintTrunc();
                        return 0;
                    }
                    nd.Print($"\n\t\tToken Bucket Rate: {F(Float(nd, tptr + 4) / 125000)} Mbps");
                    nd.Print($"\n\t\tToken Bucket Size: {F(Float(nd, tptr + 8))} bytes");
                    nd.Print($"\n\t\tPeak Data Rate: {F(Float(nd, tptr + 12) / 125000)} Mbps");
                    nd.Print($"\n\t\tMinimum Policed Unit: {nd.Be32(tptr + 16)} bytes");
                    nd.Print($"\n\t\tMaximum Packet Size: {nd.Be32(tptr + 20)} bytes");
                }
                break;
            case 130:
                if (plen == 8)
                {
                    if (!nd.TTest(tptr + 4, 8))
                    {
                        nd.PrintTrunc();
                        return 0;
                    }
                    nd.Print($"\n\t\tRate: {F(Float(nd, tptr + 4) / 125000)} Mbps");
                    nd.Print($"\n\t\tSlack Term: {nd.Be32(tptr + 8)}");
                }
                break;
            case 133 or 134 or 135 or 136:
                if (plen == 4) nd.Print($"\n\t\tValue: {nd.Be32(tptr + 4)}");
                break;
            default:
                if (nd.Verbose <= 1) HexDump.UnknownData(nd, tptr + 4, "\n\t\t", (int)plen);
                break;
        }
        return plen + 4;
    }

    private enum End { Ok, TooShort, SubTooShort, Invalid, Silent }

    /// <summary>rsvp_obj_print: the objects of one message; false when an error ended the print.</summary>
    private static bool Objects(PrintContext nd, int tptr, string indent, uint tlen)
    {
        while (tlen >= 4)
        {
            nd.Check(tptr, 4);
            int objLen = nd.Be16(tptr), ctype = nd.U8(tptr + 3);
            if (objLen % 4 != 0)
            {
                nd.Print($"{indent}ERROR: object header size {objLen} not a multiple of 4");
                return false;
            }
            if (objLen < 4)
            {
                nd.Print($"{indent}ERROR: object header too short {objLen} < 4");
                return false;
            }
            int cls = nd.U8(tptr + 2);
            string action = (cls & 0x80) != 0 ? ((cls & 0x40) != 0 ? "ignore and forward" : "ignore silently") : "reject";
            nd.Print($"{indent}{ObjName(cls)} Object ({cls}) Flags: [{action}");
            nd.Print($" if unknown], Class-Type: {CType(cls, ctype)} ({ctype}), length: {objLen}");
            if (tlen < objLen)
            {
                nd.Print($"{indent}ERROR: object goes past end of objects TLV");
                return false;
            }
            nd.Check(tptr, objLen);
            bool hexdump = false;
            var end = Object(nd, cls, ctype, tptr + 4, (uint)objLen - 4, indent, ref hexdump);
            switch (end)
            {
                case End.TooShort:
                    nd.Print($"{indent}ERROR: object is too short");
                    return false;
                case End.SubTooShort:
                    nd.Print($"{indent}ERROR: sub-object is too short");
                    return false;
                case End.Invalid:
                    nd.PrintInvalid();
                    return false;
                case End.Silent:
                    return false;
            }
            if (nd.Verbose > 1 || hexdump) HexDump.UnknownData(nd, tptr + 4, "\n\t    ", objLen - 4);
            tptr += objLen;
            tlen -= (uint)objLen;
        }
        return true;
    }

    private static End Object(PrintContext nd, int cls, int ctype, int p, uint tl, string indent, ref bool hexdump)
    {
        switch (cls)
        {
            case 1:
                switch (ctype)
                {
                    case 1:
                        if (tl < 8) return End.TooShort;
                        nd.Print($"{indent}  IPv4 DestAddress: {nd.A4(p)}, Protocol ID: 0x{nd.U8(p + 4):x2}");
                        nd.Print($"{indent}  Flags: [0x{nd.U8(p + 5):x2}], DestPort {nd.Be16(p + 6)}");
                        return End.Ok;
                    case 2:
                        if (tl < 20) return End.TooShort;
                        nd.Print($"{indent}  IPv6 DestAddress: {nd.A6(p)}, Protocol ID: 0x{nd.U8(p + 16):x2}");
                        nd.Print($"{indent}  Flags: [0x{nd.U8(p + 17):x2}], DestPort {nd.Be16(p + 18)}");
                        return End.Ok;
                    case 8:
                        if (tl < 36) return End.TooShort;
                        nd.Print($"{indent}  IPv6 Tunnel EndPoint: {nd.A6(p)}, Tunnel ID: 0x{nd.Be16(p + 18):x4}, Extended Tunnel ID: {nd.A6(p + 20)}");
                        return End.Ok;
                    case 14:
                        if (tl < 26) return End.TooShort;
                        nd.Print($"{indent}  IPv6 P2MP LSP ID: 0x{nd.Be32(p):x8}, Tunnel ID: 0x{nd.Be16(p + 6):x4}, Extended Tunnel ID: {nd.A6(p + 8)}");
                        return End.Ok;
                    case 13:
                        if (tl < 12) return End.TooShort;
                        nd.Print($"{indent}  IPv4 P2MP LSP ID: {nd.A4(p)}, Tunnel ID: 0x{nd.Be16(p + 6):x4}, Extended Tunnel ID: {nd.A4(p + 8)}");
                        return End.Ok;
                    case 7 or 11:
                        if (tl < 12) return End.TooShort;
                        nd.Print($"{indent}  IPv4 Tunnel EndPoint: {nd.A4(p)}, Tunnel ID: 0x{nd.Be16(p + 6):x4}, Extended Tunnel ID: {nd.A4(p + 8)}");
                        return End.Ok;
                }
                hexdump = true;
                return End.Ok;
            case 15 or 195:
                {
                    string what = cls == 15 ? "Receiver" : "Notify Node";
                    if (ctype == 1)
                    {
                        if (tl < 4) return End.TooShort;
                        nd.Print($"{indent}  IPv4 {what} Address: {nd.A4(p)}");
                        return End.Ok;
                    }
                    if (ctype == 2)
                    {
                        if (tl < 16) return End.TooShort;
                        nd.Print($"{indent}  IPv6 {what} Address: {nd.A6(p)}");
                        return End.Ok;
                    }
                    hexdump = true;
                    return End.Ok;
                }
            case 129 or 35 or 34 or 16:
                switch (ctype)
                {
                    case 1:
                        for (; tl >= 4; tl -= 4, p += 4) nd.Print($"{indent}  Label: {nd.Be32(p)}");
                        return End.Ok;
                    case 2:
                        if (tl < 4) return End.TooShort;
                        nd.Print($"{indent}  Generalized Label: {nd.Be32(p)}");
                        return End.Ok;
                    case 3:
                        if (tl < 12) return End.TooShort;
                        nd.Print($"{indent}  Waveband ID: {nd.Be32(p)}{indent}  Start Label: {nd.Be32(p + 4)}, Stop Label: {nd.Be32(p + 8)}");
                        return End.Ok;
                }
                hexdump = true;
                return End.Ok;
            case 8:
                if (ctype == 1)
                {
                    if (tl < 4) return End.TooShort;
                    nd.Print($"{indent}  Reservation Style: {ResStyle(nd.Be24(p + 1))}, Flags: [0x{nd.U8(p):x2}]");
                    return End.Ok;
                }
                hexdump = true;
                return End.Ok;
            case 11 or 10:
                return SenderOrFilter(nd, cls, ctype, p, tl, indent, ref hexdump);
            case 19:
                return LabelRequest(nd, ctype, p, tl, indent, ref hexdump);
            case 20 or 21:
                return Xro(nd, ctype, p, tl, indent, ref hexdump);
            case 22:
                if (ctype is 1 or 2)
                {
                    if (tl < 8) return End.TooShort;
                    nd.Print($"{indent}  Source Instance: 0x{nd.Be32(p):x8}, Destination Instance: 0x{nd.Be32(p + 4):x8}");
                    return End.Ok;
                }
                hexdump = true;
                return End.Ok;
            case 131:
                if (ctype == 1)
                {
                    if (tl < 8) return End.TooShort;
                    nd.Print($"{indent}  Restart  Time: {nd.Be32(p)}ms, Recovery Time: {nd.Be32(p + 4)}ms");
                    return End.Ok;
                }
                hexdump = true;
                return End.Ok;
            case 134:
                if (ctype == 1)
                {
                    if (tl < 4) return End.TooShort;
                    uint f = nd.Be32(p);
                    if ((f & ~7u) != 0) nd.Print($"{indent}  [reserved=0x{f & ~7u:x8} must be zero]");
                    nd.Print($"{indent}  Flags: [");
                    Toks.Bits(nd, CapabilityFlags, "none", f & 7);
                    nd.Print(']');
                    return End.Ok;
                }
                hexdump = true;
                return End.Ok;
            case 207:
                if (ctype == 7)
                {
                    if (tl < 4) return End.TooShort;
                    int namelen = nd.U8(p + 3);
                    if (tl < 4 + namelen) return End.TooShort;
                    nd.Print($"{indent}  Session Name: ");
                    for (int i = 0; i < namelen; i++) Text.PrintChar(nd, nd.U8(p + 4 + i));
                    int fl = nd.U8(p + 2);
                    nd.Print($"{indent}  Setup Priority: {nd.U8(p)}, Holding Priority: {nd.U8(p + 1)}, Flags: [");
                    Toks.Bits(nd, SessionAttrFlags, "none", (uint)fl);
                    nd.Print(fl == 0 ? "] (0)" : $"] (0x{fl:x})");
                    return End.Ok;
                }
                hexdump = true;
                return End.Ok;
            case 229:
                return GeneralizedUni(nd, ctype, p, tl, indent, ref hexdump);
            case 3:
                switch (ctype)
                {
                    case 3 or 1:
                        if (tl < 8) return End.TooShort;
                        nd.Print($"{indent}  Previous/Next Interface: {nd.A4(p)}, Logical Interface Handle: 0x{nd.Be32(p + 4):x8}");
                        if (tl - 8 != 0) hexdump = true;
                        return End.Ok;
                    case 4 or 2:
                        if (tl < 20) return End.TooShort;
                        nd.Print($"{indent}  Previous/Next Interface: {nd.A6(p)}, Logical Interface Handle: 0x{nd.Be32(p + 16):x8}");
                        hexdump = true;
                        return End.Ok;
                }
                hexdump = true;
                return End.Ok;
            case 5:
                if (ctype == 1)
                {
                    if (tl < 4) return End.TooShort;
                    nd.Print($"{indent}  Refresh Period: {nd.Be32(p)}ms");
                    return End.Ok;
                }
                hexdump = true;
                return End.Ok;
            case 12 or 13 or 9:
                if (ctype == 2)
                {
                    if (tl < 4) return End.TooShort;
                    nd.Print($"{indent}  Msg-Version: {(nd.U8(p) & 0xf0) >> 4}, length: {nd.Be16(p + 2) << 2}");
                    p += 4;
                    tl -= 4;
                    while (tl >= 4)
                    {
                        uint servLen = (uint)nd.Be16(p + 2) << 2;
                        int st = nd.U8(p);
                        string brk = (nd.U8(p + 1) & 0x80) != 0 ? "" : "not ";
                        nd.Print($"{indent}  Service Type: {ServiceType(st)} ({st}), break bit {brk}set, Service length: {servLen}");
                        p += 4;
                        tl -= 4;
                        while (servLen >= 4)
                        {
                            uint done = IntServ(nd, p, tl);
                            if (done == 0) break;
                            tl -= done;
                            servLen -= done;
                            p += (int)done;
                        }
                    }
                    return End.Ok;
                }
                hexdump = true;
                return End.Ok;
            case 205:
                if (ctype == 1)
                {
                    if (tl < 20) return End.TooShort;
                    FrrHead(nd, p, indent);
                    nd.Print($"{indent}  Include-any: 0x{nd.Be32(p + 8):x8}, Exclude-any: 0x{nd.Be32(p + 12):x8}, Include-all: 0x{nd.Be32(p + 16):x8}");
                    return End.Ok;
                }
                if (ctype == 7)
                {
                    if (tl < 16) return End.TooShort;
                    FrrHead(nd, p, indent);
                    nd.Print($"{indent}  Include Colors: 0x{nd.Be32(p + 8):x8}, Exclude Colors: 0x{nd.Be32(p + 12):x8}");
                    return End.Ok;
                }
                hexdump = true;
                return End.Ok;
            case 63:
                if (ctype == 7)
                {
                    for (; tl >= 8; tl -= 8, p += 8) nd.Print($"{indent}  PLR-ID: {nd.A4(p)}, Avoid-Node-ID: {nd.A4(p + 4)}");
                    return End.Ok;
                }
                hexdump = true;
                return End.Ok;
            case 66 or 125:
                if (ctype == 1)
                {
                    if (tl < 4) return End.TooShort;
                    nd.Print($"{indent}  CT: {nd.Be32(p) & 7}");
                    return End.Ok;
                }
                hexdump = true;
                return End.Ok;
            case 6:
                return ErrorSpec(nd, ctype, p, tl, indent, ref hexdump);
            case 204:
                if (ctype == 1)
                {
                    if (tl < 4) return End.TooShort;
                    int pad = nd.Be16(p + 2);
                    nd.Print($"{indent}  TLV count: {nd.Be16(p)}, padding bytes: {pad}");
                    p += 4;
                    tl -= 4;
                    while (tl >= 2 + (uint)pad)
                    {
                        int t = nd.U8(p), l = nd.U8(p + 1);
                        nd.Print($"{indent}    {PropTlv(t)} TLV (0x{t:x2}), length: {l}");
                        if (tl < l) return End.TooShort;
                        if (l < 2)
                        {
                            nd.Print($"{indent}ERROR: property TLV is too short");
                            return End.Silent;
                        }
                        HexDump.UnknownData(nd, p + 2, "\n\t\t", l - 2);
                        tl -= (uint)l;
                        p += l;
                    }
                    return End.Ok;
                }
                hexdump = true;
                return End.Ok;
            case 23 or 24 or 25:
                if (ctype is 1 or 2)
                {
                    if (tl < 4) return End.TooShort;
                    nd.Print($"{indent}  Flags [0x{nd.U8(p):x2}], epoch: {nd.Be24(p + 1)}");
                    for (p += 4, tl -= 4; tl >= 4; tl -= 4, p += 4)
                    {
                        uint id = nd.Be32(p);
                        nd.Print($"{indent}    Message-ID 0x{id:x8} ({id})");
                    }
                    return End.Ok;
                }
                hexdump = true;
                return End.Ok;
            case 4:
                if (ctype == 1)
                {
                    if (tl < 32) return End.TooShort;
                    nd.Print($"{indent}  Key-ID 0x{nd.Be16(p + 2):x4}{nd.Be32(p + 4):x8}, Sequence 0x{nd.Be32(p + 8):x8}{nd.Be32(p + 12):x8}, Flags [");
                    Toks.Bits(nd, IntegrityFlags, "none", nd.U8(p));
                    nd.Print(']');
                    nd.Print($"{indent}  MD5-sum 0x{nd.Be32(p + 16):x8}{nd.Be32(p + 20):x8}{nd.Be32(p + 24):x8}{nd.Be32(p + 28):x8} ");
                    nd.Print(" (unchecked)");
                    return End.Ok;
                }
                hexdump = true;
                return End.Ok;
            case 196:
                if (ctype == 1)
                {
                    if (tl < 4) return End.TooShort;
                    nd.Print($"{indent}  Flags [");
                    Toks.Bits(nd, AdminStatusFlags, "none", nd.Be32(p));
                    nd.Print(']');
                    return End.Ok;
                }
                hexdump = true;
                return End.Ok;
            case 36:
                if (ctype == 1)
                {
                    if (tl < 4) return End.TooShort;
                    uint act = (uint)nd.Be16(p) >> 8;
                    nd.Print($"{indent}  Action: {LabelSetAction(act)} ({act}), Label type: {nd.Be32(p) & 0x7f}");
                    if (act is 2 or 3)
                    {
                        if (tl < 12) return End.TooShort;
                        nd.Print($"{indent}  Start range: {nd.Be32(p + 4)}, End range: {nd.Be32(p + 8)}");
                    }
                    else
                    {
                        uint sc = 1;
                        for (p += 4, tl -= 4; tl >= 4; p += 4, tl -= 4, sc++) nd.Print($"{indent}  Subchannel #{sc}: {nd.Be32(p)}");
                    }
                    return End.Ok;
                }
                hexdump = true;
                return End.Ok;
            case 50:
                if (ctype == 1)
                {
                    if (tl < 4) return End.TooShort;
                    nd.Print($"{indent}  Sub-LSP destination address: {nd.A4(p)}");
                    return End.Ok;
                }
                if (ctype == 2)
                {
                    if (tl < 16) return End.TooShort;
                    nd.Print($"{indent}  Sub-LSP destination address: {nd.A6(p)}");
                    return End.Ok;
                }
                hexdump = true;
                return End.Ok;
            default:
                if (nd.Verbose <= 1) HexDump.UnknownData(nd, p, "\n\t    ", (int)tl);
                return End.Ok;
        }
    }

    private static void FrrHead(PrintContext nd, int p, string indent)
    {
        string bw = F(Float(nd, p + 4) * 8 / 1000000);
        nd.Print($"{indent}  Setup Priority: {nd.U8(p)}, Holding Priority: {nd.U8(p + 1)}, Hop-limit: {nd.U8(p + 2)}, Bandwidth: {bw} Mbps");
    }

    private static End SenderOrFilter(PrintContext nd, int cls, int ctype, int p, uint tl, string indent, ref bool hexdump)
    {
        switch (ctype)
        {
            case 1:
                if (tl < 8) return End.TooShort;
                nd.Print($"{indent}  Source Address: {nd.A4(p)}, Source Port: {nd.Be16(p + 6)}");
                return End.Ok;
            case 2:
                if (tl < 20) return End.TooShort;
                nd.Print($"{indent}  Source Address: {nd.A6(p)}, Source Port: {nd.Be16(p + 18)}");
                return End.Ok;
            case 3 when cls == 10:
                if (tl < 20) return End.TooShort;
                nd.Print($"{indent}  Source Address: {nd.A6(p)}, Flow Label: {nd.Be24(p + 17)}");
                return End.Ok;
            case 8 when cls == 10:
                if (tl < 20) return End.TooShort;
                nd.Print($"{indent}  Source Address: {nd.A4(p)}, LSP-ID: 0x{nd.Be16(p + 18):x4}");
                return End.Ok;
            case 13:
                if (tl < 40) return End.TooShort;
                nd.Print($"{indent}  IPv6 Tunnel Sender Address: {nd.A6(p)}, LSP ID: 0x{nd.Be16(p + 18):x4}" +
                    $"{indent}  Sub-Group Originator ID: {nd.A6(p + 20)}, Sub-Group ID: 0x{nd.Be16(p + 38):x4}");
                return End.Ok;
            case 7:
                if (tl < 8) return End.TooShort;
                nd.Print(cls == 10
                    ? $"{indent}  Source Address: {nd.A4(p)}, LSP-ID: 0x{nd.Be16(p + 6):x4}"
                    : $"{indent}  IPv4 Tunnel Sender Address: {nd.A4(p)}, LSP-ID: 0x{nd.Be16(p + 6):x4}");
                return End.Ok;
            case 12:
                if (tl < 16) return End.TooShort;
                nd.Print($"{indent}  IPv4 Tunnel Sender Address: {nd.A4(p)}, LSP ID: 0x{nd.Be16(p + 6):x4}" +
                    $"{indent}  Sub-Group Originator ID: {nd.A4(p + 8)}, Sub-Group ID: 0x{nd.Be16(p + 12):x4}");
                return End.Ok;
        }
        hexdump = true;
        return End.Ok;
    }

    private static End LabelRequest(PrintContext nd, int ctype, int p, uint tl, string indent, ref bool hexdump)
    {
        switch (ctype)
        {
            case 1:
                for (; tl >= 4; tl -= 4, p += 4) nd.Print($"{indent}  L3 Protocol ID: {EtherTypeOr(nd.Be16(p + 2))}");
                return End.Ok;
            case 2:
                if (tl < 12) return End.TooShort;
                nd.Print($"{indent}  L3 Protocol ID: {EtherTypeOr(nd.Be16(p + 2))}");
                nd.Print($",{((nd.U8(p + 4) & 0x80) != 0 ? "no" : "")} merge capability");
                nd.Print($"{indent}  Minimum VPI/VCI: {nd.Be16(p + 4) & 0xfff}/{nd.Be16(p + 6) & 0xfff}");
                nd.Print($"{indent}  Maximum VPI/VCI: {nd.Be16(p + 8) & 0xfff}/{nd.Be16(p + 10) & 0xfff}");
                return End.Ok;
            case 3:
                if (tl < 12) return End.TooShort;
                nd.Print($"{indent}  L3 Protocol ID: {EtherTypeOr(nd.Be16(p + 2))}");
                int dl = (nd.Be16(p + 4) >> 7) & 3;
                uint min = nd.Be32(p + 4) & 0x7fffff, max = nd.Be32(p + 8) & 0x7fffff;
                nd.Print($"{indent}  Minimum/Maximum DLCI: {min}/{max}, {(dl == 0 ? "10" : "")}{(dl == 2 ? "23" : "")} bit DLCI");
                return End.Ok;
            case 4:
                if (tl < 4) return End.TooShort;
                int enc = nd.U8(p), sw = nd.U8(p + 1), pl = nd.Be16(p + 2);
                nd.Print($"{indent}  LSP Encoding Type: {Gmpls.Encoding(enc) ?? "Unknown"} ({enc})");
                nd.Print($"{indent}  Switching Type: {Gmpls.SwitchCap(sw) ?? "Unknown"} ({sw}), Payload ID: {Gmpls.Payload(pl) ?? "Unknown"} (0x{pl:x4})");
                return End.Ok;
        }
        hexdump = true;
        return End.Ok;
    }

    private static End Xro(PrintContext nd, int ctype, int p, uint tl, string indent, ref bool hexdump)
    {
        if (ctype != 1)
        {
            hexdump = true;
            return End.Ok;
        }
        while (tl >= 4)
        {
            nd.Check(p, 4);
            int length = nd.U8(p + 1);
            int type = nd.U8(p) & 0x7f;
            nd.Print($"{indent}  Subobject Type: {XroType(type)}, length {length}");
            if (tl < length)
            {
                nd.Print($"{indent}  ERROR: ERO subobject length > object length");
                break;
            }
            if (length == 0)
            {
                nd.Print($"{indent}  ERROR: zero length ERO subtype");
                break;
            }
            if (type == 1)
            {
                if (length != 8)
                {
                    nd.Print(" ERROR: length != 8");
                    return End.Invalid;
                }
                nd.Check(p, 8);
                int plen = nd.U8(p + 6);
                if (plen != 32)
                {
                    nd.Print($" ERROR: Prefix length {plen} != 32");
                    return End.Invalid;
                }
                nd.Print($", {((nd.U8(p) & 0x80) != 0 ? "Loose" : "Strict")}, {nd.A4(p + 2)}/{plen}, Flags: [");
                Toks.Bits(nd, RroFlags, "none", nd.U8(p + 7));
                nd.Print(']');
            }
            else if (type == 3)
            {
                if (length != 8)
                {
                    nd.Print(" ERROR: length != 8");
                    return End.Invalid;
                }
                nd.Check(p, 8);
                int fl = nd.U8(p + 2), ct = nd.U8(p + 3);
                nd.Print(", Flags: [");
                Toks.Bits(nd, RroLabelFlags, "none", (uint)fl);
                nd.Print(fl == 0 ? "] (0)" : $"] (0x{fl:x})");
                nd.Print($", Class-Type: {CType(21, ct)} ({ct}), {nd.Be32(p + 4)}");
            }
            tl -= (uint)length;
            p += length;
        }
        return End.Ok;
    }

    private static End GeneralizedUni(PrintContext nd, int ctype, int p, uint tl, string indent, ref bool hexdump)
    {
        if (ctype != 1)
        {
            hexdump = true;
            return End.Ok;
        }
        if (tl < 4) return End.TooShort;
        uint total = tl;
        while (total > 0)
        {
            if (total < 4) return End.Invalid;
            int sublen = nd.Be16(p);
            int subtype = nd.Be16(p + 2) >> 8, af = nd.Be16(p + 2) & 0xff;
            nd.Print($"{indent}  Subobject Type: {UniSubobj(subtype)} ({subtype}), AF: {AddressFamily.Name(af) ?? "Unknown"} ({af}), length: {sublen}");
            if (sublen < 4 || sublen > total || tl < sublen) return End.Invalid;
            switch (subtype)
            {
                case 1 or 2:
                    switch (af)
                    {
                        case 1:
                            if (sublen < 8) return End.SubTooShort;
                            nd.Print($"{indent}    UNI IPv4 TNA address: {nd.A4(p + 4)}");
                            break;
                        case 2:
                            if (sublen < 20) return End.SubTooShort;
                            nd.Print($"{indent}    UNI IPv6 TNA address: {nd.A6(p + 4)}");
                            break;
                        case 3:
                            hexdump = true;
                            break;
                    }
                    break;
                case 3:
                    if (sublen > 4) hexdump = true;
                    break;
                case 4:
                    if (sublen < 16) return End.SubTooShort;
                    uint w = nd.Be32(p + 4);
                    nd.Print($"{indent}    U-bit: {w >> 31:x}, Label type: {w & 0xff}, Logical port id: {nd.Be32(p + 8)}, Label: {nd.Be32(p + 12)}");
                    break;
                case 5:
                    if (sublen < 8) return End.SubTooShort;
                    nd.Print($"{indent}    Service level: {nd.Be32(p + 4) >> 24}");
                    break;
                default:
                    hexdump = true;
                    break;
            }
            total -= (uint)sublen;
            p += sublen;
            tl += (uint)sublen; // as tcpdump 4.99.3 does
        }
        return End.Ok;
    }

    private static End ErrorSpec(PrintContext nd, int ctype, int p, uint tl, string indent, ref bool hexdump)
    {
        switch (ctype)
        {
            case 3 or 1:
                {
                    if (tl < 8) return End.TooShort;
                    uint code = nd.U8(p + 5), value = nd.Be16(p + 6);
                    nd.Print($"{indent}  Error Node Address: {nd.A4(p)}, Flags: [0x{nd.U8(p + 4):x2}]{indent}  Error Code: {ErrorCode(code)} ({code})");
                    switch (code)
                    {
                        case 24: nd.Print($", Error Value: {RoutingError(value)} ({value})"); break;
                        case 28 or 125: nd.Print($", Error Value: {DiffservError(value)} ({value})"); break;
                        default: nd.Print($", Unknown Error Value ({value})"); break;
                    }
                    return End.Ok;
                }
            case 4 or 2:
                {
                    if (tl < 20) return End.TooShort;
                    uint code = nd.U8(p + 17), value = nd.Be16(p + 18);
                    nd.Print($"{indent}  Error Node Address: {nd.A6(p)}, Flags: [0x{nd.U8(p + 16):x2}]{indent}  Error Code: {ErrorCode(code)} ({code})");
                    if (code == 24) nd.Print($", Error Value: {RoutingError(value)} ({value})");
                    return End.Ok;
                }
        }
        hexdump = true;
        return End.Ok;
    }
}
