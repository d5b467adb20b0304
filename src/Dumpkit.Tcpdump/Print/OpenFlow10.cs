// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>OpenFlow 1.0 messages (version 0x01): their names and length rules and, with -v, the bodies tcpdump 4.99 decodes:
/// HELLO and ECHO (variable-size data), ERROR, VENDOR (Big Switch Networks messages and actions decoded), FEATURES_REPLY with
/// its ports, GET/SET_CONFIG, PACKET_IN/OUT (with -vvv the frame decoded), FLOW_MOD/REMOVED (match and actions), PORT_STATUS/MOD,
/// STATS request and reply, QUEUE_GET_CONFIG.</summary>
/// <remarks>Specification: OpenFlow Switch Specification 1.0.0 (Open Networking Foundation), sections 5.1 (ofp_header and
/// ofp_type), 5.2 (ofp_phy_port, ofp_packet_queue, ofp_match, ofp_action_*), 5.3 (controller-to-switch messages), 5.4
/// (asynchronous messages) and 5.5 (symmetric messages, 5.5.4 vendor); the Big Switch Networks messages as Floodlight's and
/// Indigo's OpenFlow 1.0 extension headers (openflowj/LoxiGen "bsn" types) lay them out.</remarks>
internal static class OpenFlow10
{
    private static readonly string[] Types =
    [
        "HELLO", "ERROR", "ECHO_REQUEST", "ECHO_REPLY", "VENDOR", "FEATURES_REQUEST", "FEATURES_REPLY", "GET_CONFIG_REQUEST",
        "GET_CONFIG_REPLY", "SET_CONFIG", "PACKET_IN", "FLOW_REMOVED", "PORT_STATUS", "PACKET_OUT", "FLOW_MOD", "PORT_MOD",
        "STATS_REQUEST", "STATS_REPLY", "BARRIER_REQUEST", "BARRIER_REPLY", "QUEUE_GET_CONFIG_REQUEST", "QUEUE_GET_CONFIG_REPLY",
    ];

    // fixed ('F') or minimum ('M') body length of each type, as [OF10] section 5 sizes the messages
    private static readonly (char Req, int Len)[] Lengths =
    [
        ('M', 0), ('M', 4), ('M', 0), ('M', 0), ('M', 4), ('F', 0), ('M', 24), ('F', 0), ('F', 4), ('F', 4), ('M', 10),
        ('F', 80), ('F', 56), ('M', 8), ('M', 64), ('F', 24), ('M', 4), ('M', 4), ('F', 0), ('F', 0), ('F', 4), ('M', 8),
    ];

    public static OpenFlow.MsgType? Identify(int type)
    {
        if (type >= Types.Length) return null;
        Action<PrintContext, int, int>? decoder = Decoders[type];
        return new OpenFlow.MsgType(Types[type], decoder, Lengths[type].Req, Lengths[type].Len);
    }

    private static readonly Action<PrintContext, int, int>?[] Decoders =
    [
        OpenFlow.Data, Error, OpenFlow.Data, OpenFlow.Data, Vendor, null, FeaturesReply, null, SwitchConfig, SwitchConfig,
        PacketIn, FlowRemoved, PortStatus, PacketOut, FlowMod, PortMod, StatsRequest, StatsReply, null, null,
        QueueGetConfigRequest, QueueGetConfigReply,
    ];

    private static readonly string?[] BsnSubtypes =
    [
        "SET_IP_MASK", "GET_IP_MASK_REQUEST", "GET_IP_MASK_REPLY", "SET_MIRRORING", "GET_MIRRORING_REQUEST",
        "GET_MIRRORING_REPLY", "SHELL_COMMAND", "SHELL_OUTPUT", "SHELL_STATUS", "GET_INTERFACES_REQUEST",
        "GET_INTERFACES_REPLY", "SET_PKTIN_SUPPRESSION_REQUEST", "SET_L2_TABLE_REQUEST", "GET_L2_TABLE_REQUEST",
        "GET_L2_TABLE_REPLY", "VIRTUAL_PORT_CREATE_REQUEST", "VIRTUAL_PORT_CREATE_REPLY", "VIRTUAL_PORT_REMOVE_REQUEST",
        "BW_ENABLE_SET_REQUEST", "BW_ENABLE_GET_REQUEST", "BW_ENABLE_GET_REPLY", "BW_CLEAR_DATA_REQUEST",
        "BW_CLEAR_DATA_REPLY", "BW_ENABLE_SET_REPLY", "SET_L2_TABLE_REPLY", "SET_PKTIN_SUPPRESSION_REPLY",
        "VIRTUAL_PORT_REMOVE_REPLY", "HYBRID_GET_REQUEST", "HYBRID_GET_REPLY", null, null, "PDU_TX_REQUEST", "PDU_TX_REPLY",
        "PDU_RX_REQUEST", "PDU_RX_REPLY", "PDU_RX_TIMEOUT",
    ];

    private const uint OuiBsn = 0x5c16c7;

    private static void Vendor(PrintContext nd, int cp, int len)
    {
        uint vendor = nd.Be32(cp);
        nd.Print($", vendor 0x{vendor:x8} ({OpenFlow.VendorName(vendor)})");
        if (vendor == OuiBsn) Bsn(nd, cp + 4, len - 4);
        else OpenFlow.Data(nd, cp + 4, len - 4);
    }

    private static void Bsn(PrintContext nd, int cp, int len)
    {
        if (len < 4) { Invalid(nd, cp, len); return; }
        uint subtype = nd.Be32(cp);
        cp += 4; len -= 4;
        if (subtype < BsnSubtypes.Length && BsnSubtypes[subtype] is { } name) nd.Print($"\n\t subtype {name}");
        else nd.Print($"\n\t subtype unknown (0x{subtype:x8})");
        switch (subtype)
        {
            case 1:
                if (len != 8) { Invalid(nd, cp, len); return; }
                nd.Print($", index {nd.U8(cp)}");
                nd.Check(cp + 1, 7);
                break;
            case 0: case 2:
                if (len != 8) { Invalid(nd, cp, len); return; }
                nd.Print($", index {nd.U8(cp)}");
                nd.Print($", mask {nd.A4(cp + 4)}");
                break;
            case 3: case 4: case 5:
                if (len != 4) { Invalid(nd, cp, len); return; }
                int on = nd.U8(cp);
                nd.Print(on switch { 0 => ", report_mirror_ports OFF", 1 => ", report_mirror_ports ON", _ => $", report_mirror_ports bogus ({on})" });
                nd.Check(cp + 1, 3);
                break;
            case 9: case 13: case 19: case 21: case 27:
                if (len != 0) Invalid(nd, cp, len);
                break;
            case 17:
                if (len != 4) { Invalid(nd, cp, len); return; }
                nd.Print($", vport_no {nd.Be32(cp)}");
                break;
            case 6:
                if (len < 4) { Invalid(nd, cp, len); return; }
                nd.Print($", service {nd.Be32(cp)}");
                Quoted(nd, cp + 4, len - 4);
                break;
            case 7:
                Quoted(nd, cp, len);
                break;
            case 8:
                if (len != 4) { Invalid(nd, cp, len); return; }
                nd.Print($", status 0x{nd.Be32(cp):x8}");
                break;
            default:
                nd.Check(cp, len);
                break;
        }
    }

    /// <summary>", data '...'": len characters, escaped, NULs included (tcpdump's nd_printn).</summary>
    private static void Quoted(PrintContext nd, int cp, int len)
    {
        nd.Print(", data '");
        for (int i = 0; i < len; i++) Text.PrintChar(nd, nd.U8(cp + i));
        nd.Print('\'');
    }

    private static void Invalid(PrintContext nd, int cp, int len)
    {
        nd.PrintInvalid();
        nd.Check(cp, len);
    }

    private static readonly Tok[] PortConfig =
    [
        new(1 << 0, "PORT_DOWN"), new(1 << 1, "NO_STP"), new(1 << 2, "NO_RECV"), new(1 << 3, "NO_RECV_STP"), new(1 << 4, "NO_FLOOD"),
        new(1 << 5, "NO_FWD"), new(1 << 6, "NO_PACKET_IN"),
    ];

    private static readonly Tok[] PortFeatures =
    [
        new(1 << 0, "10MB_HD"), new(1 << 1, "10MB_FD"), new(1 << 2, "100MB_HD"), new(1 << 3, "100MB_FD"), new(1 << 4, "1GB_HD"),
        new(1 << 5, "1GB_FD"), new(1 << 6, "10GB_FD"), new(1 << 7, "COPPER"), new(1 << 8, "FIBER"), new(1 << 9, "AUTONEG"),
        new(1 << 10, "PAUSE"), new(1 << 11, "PAUSE_ASYM"),
    ];

    private static readonly Tok[] Wildcards =
    [
        new(1 << 0, "IN_PORT"), new(1 << 1, "DL_VLAN"), new(1 << 2, "DL_SRC"), new(1 << 3, "DL_DST"), new(1 << 4, "DL_TYPE"),
        new(1 << 5, "NW_PROTO"), new(1 << 6, "TP_SRC"), new(1 << 7, "TP_DST"), new(1 << 20, "DL_VLAN_PCP"), new(1 << 21, "NW_TOS"),
    ];

    private const uint WildcardsAll = (1U << 22) - 1;

    private static readonly string[] ActionTypes =
    [
        "OUTPUT", "SET_VLAN_VID", "SET_VLAN_PCP", "STRIP_VLAN", "SET_DL_SRC", "SET_DL_DST", "SET_NW_SRC", "SET_NW_DST",
        "SET_NW_TOS", "SET_TP_SRC", "SET_TP_DST", "ENQUEUE",
    ];

    private static readonly Tok[] ActionBits = [.. ActionTypes.Select((n, i) => new Tok(1U << i, n))];

    // the RESERVED capability has a name but counts as unassigned
    private static readonly Tok[] Capabilities =
    [
        new(1 << 0, "FLOW_STATS"), new(1 << 1, "TABLE_STATS"), new(1 << 2, "PORT_STATS"), new(1 << 3, "STP"), new(1 << 4, "RESERVED"),
        new(1 << 5, "IP_REASM"), new(1 << 6, "QUEUE_STATS"), new(1 << 7, "ARP_MATCH_IP"),
    ];

    private static readonly Tok[] FlowModFlags = [new(1 << 0, "SEND_FLOW_REM"), new(1 << 1, "CHECK_OVERLAP"), new(1 << 2, "EMERG")];

    private static readonly Tok[] StatsReplyFlags = [new(1 << 0, "MORE")];

    private static readonly string[] StatsTypes = ["DESC", "FLOW", "AGGREGATE", "TABLE", "PORT", "QUEUE"];

    private static readonly string[] ErrorTypes =
        ["HELLO_FAILED", "BAD_REQUEST", "BAD_ACTION", "FLOW_MOD_FAILED", "PORT_MOD_FAILED", "QUEUE_OP_FAILED"];

    private static readonly string[][] ErrorCodes =
    [
        ["INCOMPATIBLE", "EPERM"],
        ["BAD_VERSION", "BAD_TYPE", "BAD_STAT", "BAD_VENDOR", "BAD_SUBTYPE", "EPERM", "BAD_LEN", "BUFFER_EMPTY", "BUFFER_UNKNOWN"],
        ["BAD_TYPE", "BAD_LEN", "BAD_VENDOR", "BAD_VENDOR_TYPE", "BAD_OUT_PORT", "BAD_ARGUMENT", "EPERM", "TOO_MANY", "BAD_QUEUE"],
        ["ALL_TABLES_FULL", "OVERLAP", "EPERM", "BAD_EMERG_TIMEOUT", "BAD_COMMAND", "UNSUPPORTED"],
        ["BAD_PORT", "BAD_HW_ADDR"],
        ["BAD_PORT", "BAD_QUEUE", "EPERM"],
    ];

    private static readonly string[] FlowModCommands = ["ADD", "MODIFY", "MODIFY_STRICT", "DELETE", "DELETE_STRICT"];

    private static readonly string[] StpStates = ["STP_LISTEN", "STP_LEARN", "STP_FORWARD", "STP_BLOCK"];

    private const int OfppController = 0xfffd;
    private const int MatchLen = 40;

    /// <summary>A port number: its reserved name (OFPP_MAX and above) or decimal.</summary>
    private static string Port(int v) => v switch
    {
        0xff00 => "MAX", 0xfff8 => "IN_PORT", 0xfff9 => "TABLE", 0xfffa => "NORMAL", 0xfffb => "FLOOD", 0xfffc => "ALL",
        0xfffd => "CONTROLLER", 0xfffe => "LOCAL", 0xffff => "NONE", _ => v.ToString(),
    };

    private static string TableId(int v) => v switch { 0xfe => "EMERG", 0xff => "ALL", _ => v.ToString() };

    private static string QueueId(uint v) => v == 0xffffffff ? "ALL" : v.ToString();

    private static string BufferId(uint v) => v == 0xffffffff ? "NONE" : $"0x{v:x8}";

    private static string Vlan(int vid) => vid == 0xffff ? "NONE" : $"{vid}{(vid > 0 && vid < 0x0fff ? "" : " (bogus)")}";

    private static string Pcp(int pcp) => $"{pcp}{(pcp <= 7 ? "" : " (bogus)")}";

    private static string Named(string[] names, int v, string fmt) => OpenFlow.Name(names, (uint)v) ?? string.Format(fmt, v);

    private static void Bits(PrintContext nd, string label, uint v, Tok[] t, uint unassigned)
    {
        nd.Print($"{label} 0x{v:x8}");
        OpenFlow.Bitmap(nd, t, v, unassigned);
    }

    private static void Mac(PrintContext nd, string label, int cp)
    {
        nd.Check(cp, 6);
        nd.Print(label);
        nd.Mac(cp);
    }

    private static void Jnp(PrintContext nd, string label, int cp, int n)
    {
        nd.Print($"{label} '");
        Text.PrintUntilNul(nd, cp, n);
        nd.Print('\'');
    }

    private static void PhyPort(PrintContext nd, int cp)
    {
        nd.Print($"\n\t  port_no {Port(nd.Be16(cp))}");
        Mac(nd, ", hw_addr ", cp + 2);
        Jnp(nd, ", name", cp + 8, 16);
        cp += 24;
        if (nd.Verbose < 2) { nd.Check(cp, 24); return; }
        Bits(nd, "\n\t   config", nd.Be32(cp), PortConfig, OpenFlow.Unassigned(PortConfig));
        uint state = nd.Be32(cp + 4);
        nd.Print($"\n\t   state 0x{state:x8} ({StpStates[(state >> 8) & 3]}{((state & 1) != 0 ? ", LINK_DOWN" : "")})");
        if ((state & ~0x301U) != 0) nd.Print(" (bogus)");
        Bits(nd, "\n\t   curr", nd.Be32(cp + 8), PortFeatures, OpenFlow.Unassigned(PortFeatures));
        Bits(nd, "\n\t   advertised", nd.Be32(cp + 12), PortFeatures, OpenFlow.Unassigned(PortFeatures));
        Bits(nd, "\n\t   supported", nd.Be32(cp + 16), PortFeatures, OpenFlow.Unassigned(PortFeatures));
        Bits(nd, "\n\t   peer", nd.Be32(cp + 20), PortFeatures, OpenFlow.Unassigned(PortFeatures));
    }

    private static void Error(PrintContext nd, int cp, int len)
    {
        int type = nd.Be16(cp);
        nd.Print($"\n\t type {Named(ErrorTypes, type, "invalid (0x{0:x4})")}");
        int code = nd.Be16(cp + 2);
        string? name = type < ErrorCodes.Length ? OpenFlow.Name(ErrorCodes[type], (uint)code) : null;
        nd.Print($", code {name ?? $"invalid (0x{code:x4})"}");
        OpenFlow.Data(nd, cp + 4, len - 4);
    }

    private static void FeaturesReply(PrintContext nd, int cp, int len)
    {
        nd.Print($"\n\t dpid 0x{nd.Be64(cp):x16}");
        nd.Print($", n_buffers {nd.Be32(cp + 8)}");
        nd.Print($", n_tables {nd.U8(cp + 12)}");
        Bits(nd, "\n\t capabilities", nd.Be32(cp + 16), Capabilities, ~0xefU);
        Bits(nd, "\n\t actions", nd.Be32(cp + 20), ActionBits, OpenFlow.Unassigned(ActionBits));
        cp += 24; len -= 24;
        for (; len >= 48; cp += 48, len -= 48) PhyPort(nd, cp);
        if (len > 0) Invalid(nd, cp, len);
    }

    private static void SwitchConfig(PrintContext nd, int cp, int len)
    {
        int flags = nd.Be16(cp);
        nd.Print($"\n\t flags {flags switch { 0 => "FRAG_NORMAL", 1 => "FRAG_DROP", 2 => "FRAG_REASM", _ => $"invalid (0x{flags:x4})" }}");
        nd.Print($", miss_send_len {nd.Be16(cp + 2)}");
    }

    /// <summary>The fields an ofp_match does not wildcard, each after pfx.</summary>
    private static void Match(PrintContext nd, string pfx, int cp)
    {
        uint w = nd.Be32(cp);
        if ((w & ~WildcardsAll) != 0) nd.Print($"{pfx}wildcards 0x{w:x8} (bogus)");
        if ((w & 1) == 0) nd.Print($"{pfx}match in_port {Port(nd.Be16(cp + 4))}");
        if ((w & 4) == 0) Mac(nd, $"{pfx}match dl_src ", cp + 6);
        if ((w & 8) == 0) Mac(nd, $"{pfx}match dl_dst ", cp + 12);
        if ((w & 2) == 0) nd.Print($"{pfx}match dl_vlan {Vlan(nd.Be16(cp + 18))}");
        if ((w & (1 << 20)) == 0) nd.Print($"{pfx}match dl_vlan_pcp {Pcp(nd.U8(cp + 20))}");
        int dlType = nd.Be16(cp + 22);
        bool hasType = (w & 0x10) == 0;
        if (hasType) nd.Print($"{pfx}match dl_type 0x{dlType:x4}");
        if ((w & (1 << 21)) == 0) nd.Print($"{pfx}match nw_tos 0x{nd.U8(cp + 24):x2}");
        int proto = nd.U8(cp + 25);
        bool hasProto = (w & 0x20) == 0;
        if (hasProto) nd.Print($"{pfx}match {(hasType && dlType == 0x0806 ? "arp_opcode" : "nw_proto")} {proto}");
        uint bits = (w >> 8) & 0x3f;
        if (bits < 32) nd.Print($"{pfx}match nw_src {nd.A4(cp + 28)}/{32 - bits}");
        bits = (w >> 14) & 0x3f;
        if (bits < 32) nd.Print($"{pfx}match nw_dst {nd.A4(cp + 32)}/{32 - bits}");
        bool icmp = hasType && dlType == 0x0800 && hasProto && proto == 1;
        if ((w & 0x40) == 0) nd.Print($"{pfx}match {(icmp ? "icmp_type" : "tp_src")} {nd.Be16(cp + 36)}");
        if ((w & 0x80) == 0) nd.Print($"{pfx}match {(icmp ? "icmp_code" : "tp_dst")} {nd.Be16(cp + 38)}");
        else nd.Check(cp + 38, 2);
    }

    /// <summary>A list of actions, each after pfx; a malformed one ends the list with " (invalid)".</summary>
    private static void Actions(PrintContext nd, string pfx, int cp, int len)
    {
        while (len > 0)
        {
            if (len < 8) { Invalid(nd, cp, len); return; }
            int type = nd.Be16(cp);
            nd.Print($"{pfx}action type {(type == 0xffff ? "VENDOR" : Named(ActionTypes, type, "invalid (0x{0:x4})"))}");
            int alen = nd.Be16(cp + 2);
            nd.Print($", len {alen}");
            cp += 4; len -= 4;
            if (alen < 8 || alen > len + 4) { Invalid(nd, cp, len); return; }
            int want = type switch { 4 or 5 or 11 => 16, 0xffff => alen % 8 == 0 ? alen : -1, < 11 => 8, _ => 0 };
            if (want != alen)
            {
                if (want != 0) nd.Print(" (bogus)");
                nd.Check(cp, alen - 4);
                cp += alen - 4; len -= alen - 4;
                continue;
            }
            switch (type)
            {
                case 0:
                    int port = nd.Be16(cp);
                    nd.Print($", port {Port(port)}");
                    if (port == OfppController) nd.Print($", max_len {nd.Be16(cp + 2)}");
                    else nd.Check(cp + 2, 2);
                    break;
                case 1: nd.Print($", vlan_vid {Vlan(nd.Be16(cp))}"); nd.Check(cp + 2, 2); break;
                case 2: nd.Print($", vlan_pcp {Pcp(nd.U8(cp))}"); nd.Check(cp + 1, 3); break;
                case 3: nd.Check(cp, 4); break;
                case 4: case 5: Mac(nd, ", dl_addr ", cp); nd.Check(cp + 6, 6); break;
                case 6: case 7: nd.Print($", nw_addr {nd.A4(cp)}"); break;
                case 8: nd.Print($", nw_tos 0x{nd.U8(cp):x2}"); nd.Check(cp + 1, 3); break;
                case 9: case 10: nd.Print($", tp_port {nd.Be16(cp)}"); nd.Check(cp + 2, 2); break;
                case 11:
                    nd.Print($", port {Port(nd.Be16(cp))}");
                    nd.Print($", queue_id {QueueId(nd.Be32(cp + 8))}");
                    break;
                default: VendorAction(nd, cp, alen - 4); break;
            }
            cp += alen - 4; len -= alen - 4;
        }
    }

    private static void VendorAction(PrintContext nd, int cp, int len)
    {
        if (len < 4) { Invalid(nd, cp, len); return; }
        uint vendor = nd.Be32(cp);
        nd.Print($", vendor 0x{vendor:x8} ({OpenFlow.VendorName(vendor)})");
        cp += 4; len -= 4;
        if (vendor != OuiBsn) { OpenFlow.Data(nd, cp, len); return; }
        if (len < 4) { Invalid(nd, cp, len); return; }
        uint subtype = nd.Be32(cp);
        cp += 4; len -= 4;
        string? name = subtype switch { 1 => "MIRROR", 2 => "SET_TUNNEL_DST", 4 => "CHECKSUM", _ => null };
        nd.Print($"\n\t  subtype {name ?? $"unknown (0x{subtype:x8})"}");
        if (subtype != 1) { nd.Check(cp, len); return; }
        if (len != 12) { Invalid(nd, cp, len); return; }
        nd.Print($", dest_port {nd.Be32(cp)}");
        uint tag = nd.Be32(cp + 4);
        uint tci = tag & 0xffff;
        nd.Print((tag >> 16) switch
        {
            0 => ", vlan_tag none",
            0x8100 => $", vlan_tag 802.1Q (vlan {tci & 0xfff}, p {tci >> 13}{((tci & 0x1000) != 0 ? ", DEI" : "")})",
            _ => $", vlan_tag unknown (0x{tag >> 16:x4})",
        });
        int stage = nd.U8(cp + 8);
        nd.Print($", copy_stage {stage switch { 0 => "INGRESS", 1 => "EGRESS", _ => $"unknown ({stage})" }}");
        nd.Check(cp + 9, 3);
    }

    private static void FlowMod(PrintContext nd, int cp, int len)
    {
        Match(nd, "\n\t ", cp);
        cp += MatchLen; len -= MatchLen;
        nd.Print($"\n\t cookie 0x{nd.Be64(cp):x16}");
        int command = nd.Be16(cp + 8);
        nd.Print($", command {Named(FlowModCommands, command, "invalid (0x{0:x4})")}");
        if (nd.Be16(cp + 10) is var idle and not 0) nd.Print($", idle_timeout {idle}");
        if (nd.Be16(cp + 12) is var hard and not 0) nd.Print($", hard_timeout {hard}");
        if (nd.Be16(cp + 14) is var prio and not 0) nd.Print($", priority {prio}");
        if (command is 0 or 1 or 2) nd.Print($", buffer_id {BufferId(nd.Be32(cp + 16))}");
        if (command is 3 or 4) nd.Print($", out_port {Port(nd.Be16(cp + 20))}");
        int flags = nd.Be16(cp + 22);
        nd.Print($", flags 0x{flags:x4}");
        OpenFlow.Bitmap(nd, FlowModFlags, (uint)flags, OpenFlow.Unassigned(FlowModFlags));
        Actions(nd, "\n\t ", cp + 24, len - 24);
    }

    private static void FlowRemoved(PrintContext nd, int cp, int len)
    {
        Match(nd, "\n\t ", cp);
        cp += MatchLen;
        nd.Print($"\n\t cookie 0x{nd.Be64(cp):x16}");
        if (nd.Be16(cp + 8) is var prio and not 0) nd.Print($", priority {prio}");
        int reason = nd.U8(cp + 10);
        nd.Print($", reason {reason switch { 0 => "IDLE_TIMEOUT", 1 => "HARD_TIMEOUT", 2 => "DELETE", _ => $"unknown (0x{reason:x2})" }}");
        nd.Print($", duration_sec {nd.Be32(cp + 12)}");
        nd.Print($", duration_nsec {nd.Be32(cp + 16)}");
        if (nd.Be16(cp + 20) is var idle and not 0) nd.Print($", idle_timeout {idle}");
        nd.Print($", packet_count {nd.Be64(cp + 24)}");
        nd.Print($", byte_count {nd.Be64(cp + 32)}");
    }

    private static void PortStatus(PrintContext nd, int cp, int len)
    {
        int reason = nd.U8(cp);
        nd.Print($"\n\t reason {reason switch { 0 => "ADD", 1 => "DELETE", 2 => "MODIFY", _ => $"invalid (0x{reason:x2})" }}");
        PhyPort(nd, cp + 8);
    }

    private static void PortMod(PrintContext nd, int cp, int len)
    {
        nd.Print($"\n\t port_no {Port(nd.Be16(cp))}");
        Mac(nd, ", hw_addr ", cp + 2);
        Bits(nd, "\n\t config", nd.Be32(cp + 8), PortConfig, OpenFlow.Unassigned(PortConfig));
        Bits(nd, "\n\t mask", nd.Be32(cp + 12), PortConfig, OpenFlow.Unassigned(PortConfig));
        Bits(nd, "\n\t advertise", nd.Be32(cp + 16), PortFeatures, OpenFlow.Unassigned(PortFeatures));
        nd.Check(cp + 20, 4);
    }

    /// <summary>The frame of a PACKET_IN or PACKET_OUT: its size, and with -vvv the frame decoded at the verbosity less 3.</summary>
    private static void PacketData(PrintContext nd, int cp, int len)
    {
        if (len == 0) return;
        nd.Print($"\n\t data ({len} octets)");
        if (nd.Verbose < 3) { nd.Check(cp, len); return; }
        nd.Print(", frame decoding below\n");
        int snapEnd = nd.SnapEnd;
        // as in tcpdump, a frame cut short ends the packet before the verbosity is restored: it stays 3 lower for the run
        nd.Settings.Verbose -= 3;
        nd.SnapEnd = Math.Min(cp + len, snapEnd);
        Ether.Print(nd, cp, len, nd.Avail(cp));
        nd.SnapEnd = snapEnd;
        nd.Settings.Verbose += 3;
    }

    private static void PacketIn(PrintContext nd, int cp, int len)
    {
        nd.Print($"\n\t buffer_id {BufferId(nd.Be32(cp))}");
        nd.Print($", total_len {nd.Be16(cp + 4)}");
        nd.Print($", in_port {Port(nd.Be16(cp + 6))}");
        int reason = nd.U8(cp + 8);
        nd.Print($", reason {reason switch { 0 => "NO_MATCH", 1 => "ACTION", _ => $"invalid (0x{reason:x2})" }}");
        nd.Check(cp + 9, 1);
        PacketData(nd, cp + 10, len - 10);
    }

    private static void PacketOut(PrintContext nd, int cp, int len)
    {
        nd.Print($"\n\t buffer_id 0x{nd.Be32(cp):x8}");
        nd.Print($", in_port {Port(nd.Be16(cp + 4))}");
        int actionsLen = nd.Be16(cp + 6);
        cp += 8; len -= 8;
        if (actionsLen > len) { Invalid(nd, cp, len); return; }
        Actions(nd, "\n\t ", cp, actionsLen);
        PacketData(nd, cp + actionsLen, len - actionsLen);
    }

    private static void QueueGetConfigRequest(PrintContext nd, int cp, int len)
    {
        nd.Print($"\n\t port {Port(nd.Be16(cp))}");
        nd.Check(cp + 2, 2);
    }

    private static void QueueGetConfigReply(PrintContext nd, int cp, int len)
    {
        nd.Print($"\n\t port {Port(nd.Be16(cp))}");
        nd.Check(cp + 2, 6);
        cp += 8; len -= 8;
        while (len > 0)
        {
            if (len < 8) { Invalid(nd, cp, len); return; }
            nd.Print($"\n\t  queue_id {nd.Be32(cp)}");
            int qlen = nd.Be16(cp + 4);
            nd.Print($", len {qlen}");
            cp += 6; len -= 6;
            if (qlen < 8 || qlen > len + 6) { Invalid(nd, cp, len); return; }
            nd.Check(cp, 2);
            cp += 2; len -= 2;
            if (nd.Verbose >= 2) QueueProps(nd, cp, qlen - 8);
            else nd.Check(cp, qlen - 8);
            cp += qlen - 8; len -= qlen - 8;
        }
    }

    private static void QueueProps(PrintContext nd, int cp, int len)
    {
        while (len > 0)
        {
            if (len < 8) { Invalid(nd, cp, len); return; }
            int property = nd.Be16(cp);
            nd.Print($"\n\t   property {property switch { 0 => "NONE", 1 => "MIN_RATE", _ => $"invalid (0x{property:x4})" }}");
            int plen = nd.Be16(cp + 2);
            nd.Print($", len {plen}");
            cp += 4; len -= 4;
            if (plen < 8 || plen > len + 4) { Invalid(nd, cp, len); return; }
            nd.Check(cp, 4);
            cp += 4; len -= 4;
            bool decode = property switch { 0 => plen == 8, 1 => plen == 16, _ => false };
            if (property is 0 or 1 && !decode) nd.Print(" (bogus)");
            if (!decode || property == 0)
            {
                nd.Check(cp, plen - 8);
                cp += plen - 8; len -= plen - 8;
                continue;
            }
            int rate = nd.Be16(cp);
            nd.Print(rate > 1000 ? ", rate disabled" : $", rate {rate / 10}.{rate % 10}%");
            nd.Check(cp + 2, 6);
            cp += 8; len -= 8;
        }
    }

    private static string StatsType(int type) => type == 0xffff ? "VENDOR" : Named(StatsTypes, type, "invalid (0x{0:x4})");

    private static void StatsRequest(PrintContext nd, int cp, int len)
    {
        int type = nd.Be16(cp);
        nd.Print($"\n\t type {StatsType(type)}");
        int flags = nd.Be16(cp + 2);
        nd.Print($", flags 0x{flags:x4}{(flags != 0 ? " (bogus)" : "")}");
        cp += 4; len -= 4;
        switch (type)
        {
            case 0: case 3:
                if (len != 0) Invalid(nd, cp, len);
                break;
            case 1: case 2:
                if (len != 44) { Invalid(nd, cp, len); return; }
                Match(nd, "\n\t ", cp);
                nd.Print($"\n\t table_id {TableId(nd.U8(cp + 40))}");
                nd.Print($", out_port {Port(nd.Be16(cp + 42))}");
                break;
            case 4:
                if (len != 8) { Invalid(nd, cp, len); return; }
                nd.Print($"\n\t port_no {Port(nd.Be16(cp))}");
                nd.Check(cp + 2, 6);
                break;
            case 5:
                if (len != 8) { Invalid(nd, cp, len); return; }
                nd.Print($"\n\t port_no {Port(nd.Be16(cp))}");
                nd.Print($", queue_id {QueueId(nd.Be32(cp + 4))}");
                break;
            case 0xffff:
                VendorData(nd, cp, len);
                break;
        }
    }

    private static void VendorData(PrintContext nd, int cp, int len)
    {
        if (len < 4) { Invalid(nd, cp, len); return; }
        uint vendor = nd.Be32(cp);
        nd.Print($", vendor 0x{vendor:x8} ({OpenFlow.VendorName(vendor)})");
        OpenFlow.Data(nd, cp + 4, len - 4);
    }

    private static void StatsReply(PrintContext nd, int cp, int len)
    {
        int type = nd.Be16(cp);
        nd.Print($"\n\t type {StatsType(type)}");
        int flags = nd.Be16(cp + 2);
        nd.Print($", flags 0x{flags:x4}");
        OpenFlow.Bitmap(nd, StatsReplyFlags, (uint)flags, OpenFlow.Unassigned(StatsReplyFlags));
        cp += 4; len -= 4;
        switch (type)
        {
            case 0: DescStats(nd, cp, len); break;
            case 1: FlowStats(nd, cp, len); break;
            case 2: AggregateStats(nd, cp, len); break;
            case 3: TableStats(nd, cp, len); break;
            case 4: PortStats(nd, cp, len); break;
            case 5: QueueStats(nd, cp, len); break;
            case 0xffff: VendorData(nd, cp, len); break;
            default: nd.Check(cp, len); break;
        }
    }

    private static void DescStats(PrintContext nd, int cp, int len)
    {
        if (len != 1056) { Invalid(nd, cp, len); return; }
        Jnp(nd, "\n\t  mfr_desc", cp, 256);
        Jnp(nd, "\n\t  hw_desc", cp + 256, 256);
        Jnp(nd, "\n\t  sw_desc", cp + 512, 256);
        Jnp(nd, "\n\t  serial_num", cp + 768, 32);
        Jnp(nd, "\n\t  dp_desc", cp + 800, 256);
    }

    private static void FlowStats(PrintContext nd, int cp, int len)
    {
        while (len > 0)
        {
            if (len < 88) { Invalid(nd, cp, len); return; }
            int entryLen = nd.Be16(cp);
            nd.Print($"\n\t length {entryLen}");
            if (entryLen < 88 || entryLen > len) { Invalid(nd, cp, len); return; }
            nd.Print($", table_id {TableId(nd.U8(cp + 2))}");
            Match(nd, "\n\t  ", cp + 4);
            int p = cp + 44;
            nd.Print($"\n\t  duration_sec {nd.Be32(p)}");
            nd.Print($", duration_nsec {nd.Be32(p + 4)}");
            nd.Print($", priority {nd.Be16(p + 8)}");
            nd.Print($", idle_timeout {nd.Be16(p + 10)}");
            nd.Print($", hard_timeout {nd.Be16(p + 12)}");
            nd.Print($", cookie 0x{nd.Be64(p + 20):x16}");
            nd.Print($", packet_count {nd.Be64(p + 28)}");
            nd.Print($", byte_count {nd.Be64(p + 36)}");
            Actions(nd, "\n\t  ", cp + 88, entryLen - 88);
            cp += entryLen; len -= entryLen;
        }
    }

    private static void AggregateStats(PrintContext nd, int cp, int len)
    {
        if (len != 24) { Invalid(nd, cp, len); return; }
        nd.Print($"\n\t packet_count {nd.Be64(cp)}");
        nd.Print($", byte_count {nd.Be64(cp + 8)}");
        nd.Print($", flow_count {nd.Be32(cp + 16)}");
        nd.Check(cp + 20, 4);
    }

    private static void TableStats(PrintContext nd, int cp, int len)
    {
        for (; len >= 64; cp += 64, len -= 64)
        {
            nd.Print($"\n\t table_id {TableId(nd.U8(cp))}");
            Jnp(nd, ", name", cp + 4, 32);
            Bits(nd, "\n\t  wildcards", nd.Be32(cp + 36), Wildcards, ~WildcardsAll);
            nd.Print($"\n\t  max_entries {nd.Be32(cp + 40)}");
            nd.Print($", active_count {nd.Be32(cp + 44)}");
            nd.Print($", lookup_count {nd.Be64(cp + 48)}");
            nd.Print($", matched_count {nd.Be64(cp + 56)}");
        }
        if (len > 0) Invalid(nd, cp, len);
    }

    private static readonly string[] PortCounters =
    [
        "rx_packets", "tx_packets", "rx_bytes", "tx_bytes", "rx_dropped", "tx_dropped", "rx_errors", "tx_errors", "rx_frame_err",
        "rx_over_err", "rx_crc_err", "collisions",
    ];

    private static void PortStats(PrintContext nd, int cp, int len)
    {
        for (; len >= 104; cp += 104, len -= 104)
        {
            nd.Print($"\n\t  port_no {Port(nd.Be16(cp))}");
            if (nd.Verbose < 2) { nd.Check(cp + 2, 102); continue; }
            for (int i = 0; i < PortCounters.Length; i++) nd.Print($", {PortCounters[i]} {nd.Be64(cp + 8 + 8 * i)}");
        }
        if (len > 0) Invalid(nd, cp, len);
    }

    private static void QueueStats(PrintContext nd, int cp, int len)
    {
        for (; len >= 32; cp += 32, len -= 32)
        {
            nd.Print($"\n\t  port_no {Port(nd.Be16(cp))}");
            nd.Print($", queue_id {nd.Be32(cp + 4)}");
            nd.Print($", tx_bytes {nd.Be64(cp + 8)}");
            nd.Print($", tx_packets {nd.Be64(cp + 16)}");
            nd.Print($", tx_errors {nd.Be64(cp + 24)}");
        }
        if (len > 0) Invalid(nd, cp, len);
    }
}
