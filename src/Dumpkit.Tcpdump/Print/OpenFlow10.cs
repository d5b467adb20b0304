// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>OpenFlow 1.0 messages (version 0x01): their names and length rules, the bodies of HELLO and ECHO
/// (variable-size data) and VENDOR (Big Switch Networks messages decoded). Not decoded yet (tcpdump 4.99 decodes them with
/// -v): ERROR, FEATURES_REPLY, the switch configuration, PACKET_IN/OUT, FLOW_MOD/REMOVED, PORT_STATUS/MOD, STATS and
/// QUEUE_GET_CONFIG bodies.</summary>
/// <remarks>Specification: OpenFlow Switch Specification 1.0.0 (Open Networking Foundation), sections 5.1 (ofp_header and
/// ofp_type) and 5.5 (symmetric messages, 5.5.4 vendor); the Big Switch Networks messages as Floodlight's and Indigo's
/// OpenFlow 1.0 extension headers (openflowj/LoxiGen "bsn" types) lay them out.</remarks>
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
        Action<PrintContext, int, int>? decoder = type is 0 or 2 or 3 ? OpenFlow.Data : type == 4 ? Vendor : null;
        return new OpenFlow.MsgType(Types[type], decoder, Lengths[type].Req, Lengths[type].Len);
    }

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
}
