// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>OpenFlow 1.0 messages (version 0x01): their names and length rules, and the bodies of HELLO and ECHO
/// (variable-size data). Not decoded yet (tcpdump 4.99 decodes them with -v): VENDOR, ERROR, FEATURES_REPLY, the switch
/// configuration, PACKET_IN/OUT, FLOW_MOD/REMOVED, PORT_STATUS/MOD, STATS and QUEUE_GET_CONFIG bodies.</summary>
/// <remarks>Specification: OpenFlow Switch Specification 1.0.0 (Open Networking Foundation), sections 5.1 (ofp_header and
/// ofp_type) and 5.5 (symmetric messages).</remarks>
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
        Action<PrintContext, int, int>? decoder = type is 0 or 2 or 3 ? OpenFlow.Data : null;
        return new OpenFlow.MsgType(Types[type], decoder, Lengths[type].Req, Lengths[type].Len);
    }
}
