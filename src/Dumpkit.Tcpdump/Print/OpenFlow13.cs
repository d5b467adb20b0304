// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>OpenFlow 1.3 message bodies (version 0x04), those tcpdump 4.99 decodes.</summary>
/// <remarks>Specification: OpenFlow Switch Specification 1.3.4 (ONF TS-019), sections 7.2.1 (ofp_port), 7.3 (controller-to-switch
/// messages), 7.4 (asynchronous messages) and 7.5 (symmetric messages).</remarks>
internal static class OpenFlow13
{
    private static readonly string[] Types =
    [
        "HELLO", "ERROR", "ECHO_REQUEST", "ECHO_REPLY", "EXPERIMENTER", "FEATURES_REQUEST", "FEATURES_REPLY",
        "GET_CONFIG_REQUEST", "GET_CONFIG_REPLY", "SET_CONFIG", "PACKET_IN", "FLOW_REMOVED", "PORT_STATUS", "PACKET_OUT",
        "FLOW_MOD", "GROUP_MOD", "PORT_MOD", "TABLE_MOD", "MULTIPART_REQUEST", "MULTIPART_REPLY", "BARRIER_REQUEST",
        "BARRIER_REPLY", "QUEUE_GET_CONFIG_REQUEST", "QUEUE_GET_CONFIG_REPLY", "ROLE_REQUEST", "ROLE_REPLY",
        "GET_ASYNC_REQUEST", "GET_ASYNC_REPLY", "SET_ASYNC", "METER_MOD",
    ];

    private static readonly Tok[] Capabilities =
    [
        new(1 << 0, "FLOW_STATS"), new(1 << 1, "TABLE_STATS"), new(1 << 2, "PORT_STATS"), new(1 << 3, "GROUP_STATS"),
        new(1 << 5, "IP_REASM"), new(1 << 6, "QUEUE_STATS"), new(1 << 8, "PORT_BLOCKED"),
    ];

    private static readonly Tok[] PortConfig = [new(1 << 0, "PORT_DOWN"), new(1 << 2, "NO_RECV"), new(1 << 5, "NO_FWD"), new(1 << 6, "NO_PACKET_IN")];

    private static readonly Tok[] PortState = [new(1 << 0, "LINK_DOWN"), new(1 << 1, "BLOCKED"), new(1 << 2, "LIVE")];

    private static readonly Tok[] PortFeatures =
    [
        new(1 << 0, "10MB_HD"), new(1 << 1, "10MB_FD"), new(1 << 2, "100MB_HD"), new(1 << 3, "100MB_FD"), new(1 << 4, "1GB_HD"),
        new(1 << 5, "1GB_FD"), new(1 << 6, "10GB_FD"), new(1 << 7, "40GB_FD"), new(1 << 8, "100GB_FD"), new(1 << 9, "1TB_FD"),
        new(1 << 10, "OTHER"), new(1 << 11, "COPPER"), new(1 << 12, "FIBER"), new(1 << 13, "AUTONEG"), new(1 << 14, "PAUSE"),
        new(1 << 15, "PAUSE_ASYM"),
    ];

    private static readonly Tok[] VersionBitmap =
        [new(1 << 0, "1.0"), new(1 << 1, "1.1"), new(1 << 2, "1.2"), new(1 << 3, "1.3"), new(1 << 4, "1.4"), new(1 << 5, "1.5")];

    private static readonly Tok[] AsyncReason = [new(1 << 0, "NO_MATCH"), new(1 << 1, "ACTION"), new(1 << 2, "INVALID_TTL")];

    private static readonly Tok[] AsyncPortReason = [new(1 << 0, "ADD"), new(1 << 1, "DELETE"), new(1 << 2, "MODIFY")];

    private static readonly string[] ErrorTypes =
    [
        "HELLO_FAILED", "BAD_REQUEST", "BAD_ACTION", "BAD_INSTRUCTION", "BAD_MATCH", "FLOW_MOD_FAILED", "GROUP_MOD_FAILED",
        "PORT_MOD_FAILED", "TABLE_MOD_FAILED", "QUEUE_OP_FAILED", "SWITCH_CONFIG_FAILED", "ROLE_REQUEST_FAILED",
        "METER_MOD_FAILED", "TABLE_FEATURES_FAILED",
    ];

    private static readonly string[][] ErrorCodes =
    [
        ["INCOMPATIBLE", "EPERM"],
        [
            "BAD_VERSION", "BAD_TYPE", "BAD_MULTIPART", "BAD_EXPERIMENTER", "BAD_EXP_TYPE", "EPERM", "BAD_LEN", "BUFFER_EMPTY",
            "BUFFER_UNKNOWN", "BAD_TABLE_ID", "IS_SLAVE", "BAD_PORT", "BAD_PACKET", "MULTIPART_BUFFER_OVERFLOW",
        ],
        [
            "BAD_TYPE", "BAD_LEN", "BAD_EXPERIMENTER", "BAD_EXP_TYPE", "BAD_OUT_PORT", "BAD_ARGUMENT", "EPERM", "TOO_MANY",
            "BAD_QUEUE", "BAD_OUT_GROUP", "MATCH_INCONSISTENT", "UNSUPPORTED_ORDER", "BAD_TAG", "BAD_SET_TYPE", "BAD_SET_LEN",
            "BAD_SET_ARGUMENT",
        ],
        [
            "UNKNOWN_INST", "UNSUP_INST", "BAD_TABLE_ID", "UNSUP_METADATA", "UNSUP_METADATA_MASK", "BAD_EXPERIMENTER",
            "BAD_EXP_TYPE", "BAD_LEN", "EPERM",
        ],
        [
            "BAD_TYPE", "BAD_LEN", "BAD_TAG", "BAD_DL_ADDR_MASK", "BAD_NW_ADDR_MASK", "BAD_WILDCARDS", "BAD_FIELD", "BAD_VALUE",
            "BAD_MASK", "BAD_PREREQ", "DUP_FIELD", "EPERM",
        ],
        ["UNKNOWN", "TABLE_FULL", "BAD_TABLE_ID", "OVERLAP", "EPERM", "BAD_TIMEOUT", "BAD_COMMAND", "BAD_FLAGS"],
        [
            "GROUP_EXISTS", "INVALID_GROUP", "WEIGHT_UNSUPPORTED", "OUT_OF_GROUPS", "OUT_OF_BUCKETS", "CHAINING_UNSUPPORTED",
            "WATCH_UNSUPPORTED", "LOOP", "UNKNOWN_GROUP", "CHAINED_GROUP", "BAD_TYPE", "BAD_COMMAND", "BAD_BUCKET", "BAD_MATCH", "EPERM",
        ],
        ["BAD_PORT", "BAD_HW_ADDR", "BAD_CONFIG", "BAD_ADVERTISE", "EPERM"],
        ["BAD_TABLE", "BAD_CONFIG", "EPERM"],
        ["BAD_PORT", "BAD_QUEUE", "EPERM"],
        ["BAD_FLAGS", "BAD_LEN", "EPERM"],
        ["STALE", "UNSUP", "BAD_ROLE"],
        [
            "UNKNOWN", "METER_EXISTS", "INVALID_METER", "UNKNOWN_METER", "BAD_COMMAND", "BAD_FLAGS", "BAD_RATE", "BAD_BURST",
            "BAD_BAND", "BAD_BAND_VALUE", "OUT_OF_METERS", "OUT_OF_BANDS",
        ],
        ["BAD_TABLE", "BAD_METADATA", "BAD_TYPE", "BAD_LEN", "BAD_ARGUMENT", "EPERM"],
    ];

    private static readonly OpenFlow.MsgType[] Infos = Build();

    private static OpenFlow.MsgType[] Build()
    {
        var d = new Dictionary<int, (Action<PrintContext, int, int>?, char, int)>
        {
            [0] = (HelloElements, 'M', 0), [1] = (Error, 'M', 4), [2] = (OpenFlow.Data, 'M', 0), [3] = (OpenFlow.Data, 'M', 0),
            [4] = (Experimenter, 'M', 8), [5] = (null, 'F', 0), [6] = (FeaturesReply, 'F', 24), [7] = (null, 'F', 0),
            [8] = (SwitchConfig, 'F', 4), [9] = (SwitchConfig, 'F', 4), [12] = (PortStatus, 'F', 72), [16] = (PortMod, 'F', 32),
            [17] = (TableMod, 'F', 8), [20] = (null, 'F', 0), [21] = (null, 'F', 0), [22] = (QueueGetConfigRequest, 'F', 8),
            [24] = (Role, 'F', 16), [25] = (Role, 'F', 16), [26] = (null, 'F', 0), [27] = (Async, 'F', 24), [28] = (Async, 'F', 24),
        };
        var r = new OpenFlow.MsgType[Types.Length];
        for (int i = 0; i < r.Length; i++)
            r[i] = d.TryGetValue(i, out var e) ? new(Types[i], e.Item1, e.Item2, e.Item3) : new(Types[i], null, 'N', 0);
        return r;
    }

    public static OpenFlow.MsgType? Identify(int type) => type < Infos.Length ? Infos[type] : null;

    /// <summary>label and a port number or its reserved name (the number is read before anything is printed).</summary>
    private static void PortNo(PrintContext nd, string label, uint p)
    {
        nd.Print(label);
        string? s = p switch
        {
            0xffffff00 => "MAX", 0xfffffff8 => "IN_PORT", 0xfffffff9 => "TABLE", 0xfffffffa => "NORMAL", 0xfffffffb => "FLOOD",
            0xfffffffc => "ALL", 0xfffffffd => "CONTROLLER", 0xfffffffe => "LOCAL", 0xffffffff => "ANY", _ => null,
        };
        if (s != null) nd.Print(s);
        else nd.Print($"{p}");
    }

    private static void Bits(PrintContext nd, string label, int cp, Tok[] t)
    {
        uint v = nd.Be32(cp);
        nd.Print($"{label} 0x{v:x8}");
        OpenFlow.Bitmap(nd, t, v, OpenFlow.Unassigned(t));
    }

    private static void Port(PrintContext nd, int cp)
    {
        PortNo(nd, "\n\t  port_no ", nd.Be32(cp));
        nd.Check(cp + 8, 6);
        nd.Print(", hw_addr ");
        nd.Mac(cp + 8);
        nd.Print(", name '");
        Text.PrintUntilNul(nd, cp + 16, 16);
        nd.Print('\'');
        cp += 32;
        if (nd.Verbose < 2) { nd.Check(cp, 32); return; }
        Bits(nd, "\n\t   config", cp, PortConfig);
        Bits(nd, "\n\t   state", cp + 4, PortState);
        Bits(nd, "\n\t   curr", cp + 8, PortFeatures);
        Bits(nd, "\n\t   advertised", cp + 12, PortFeatures);
        Bits(nd, "\n\t   supported", cp + 16, PortFeatures);
        Bits(nd, "\n\t   peer", cp + 20, PortFeatures);
        nd.Print($"\n\t   curr_speed {nd.Be32(cp + 24)}kbps");
        nd.Print($"\n\t   max_speed {nd.Be32(cp + 28)}kbps");
    }

    private static void FeaturesReply(PrintContext nd, int cp, int len)
    {
        nd.Print($"\n\t dpid 0x{nd.Be64(cp):x16}");
        nd.Print($", n_buffers {nd.Be32(cp + 8)}");
        nd.Print($", n_tables {nd.U8(cp + 12)}");
        nd.Print($", auxiliary_id {nd.U8(cp + 13)}");
        Bits(nd, "\n\t capabilities", cp + 16, Capabilities);
        nd.Check(cp + 20, 4);
    }

    private static void SwitchConfig(PrintContext nd, int cp, int len)
    {
        int flags = nd.Be16(cp);
        string? f = flags switch { 0 => "FRAG_NORMAL", 1 => "FRAG_DROP", 2 => "FRAG_REASM", _ => null };
        if (f != null) nd.Print($"\n\t flags {f}");
        else nd.Print($"\n\t flags invalid (0x{flags:x4})");
        int msl = nd.Be16(cp + 2);
        string? m = msl switch { 0xffe5 => "MAX", 0xffff => "NO_BUFFER", _ => null };
        if (m != null) nd.Print($", miss_send_len {m}");
        else nd.Print($", miss_send_len {msl}");
    }

    private static void TableMod(PrintContext nd, int cp, int len)
    {
        int t = nd.U8(cp);
        if (t == 0xfe) nd.Print("\n\t table_id MAX");
        else if (t == 0xff) nd.Print("\n\t table_id ALL");
        else nd.Print($"\n\t table_id {t}");
        nd.Print($", config 0x{nd.Be32(cp + 4):x8}");
    }

    private static void Role(PrintContext nd, int cp, int len)
    {
        uint role = nd.Be32(cp);
        string? r = role switch { 0 => "NOCHANGE", 1 => "EQUAL", 2 => "MASTER", 3 => "SLAVE", _ => null };
        if (r != null) nd.Print($"\n\t role {r}");
        else nd.Print($"\n\t role invalid (0x{role:x8})");
        nd.Print($", generation_id 0x{nd.Be64(cp + 8):x16}");
    }

    private static void Async(PrintContext nd, int cp, int len)
    {
        Bits(nd, "\n\t packet_in_mask[EM]", cp, AsyncReason);
        Bits(nd, "\n\t packet_in_mask[S]", cp + 4, AsyncReason);
        Bits(nd, "\n\t port_status_mask[EM]", cp + 8, AsyncPortReason);
        Bits(nd, "\n\t port_status_mask[S]", cp + 12, AsyncPortReason);
        Bits(nd, "\n\t flow_removed_mask[EM]", cp + 16, AsyncPortReason);
        Bits(nd, "\n\t flow_removed_mask[S]", cp + 20, AsyncPortReason);
    }

    private static void PortMod(PrintContext nd, int cp, int len)
    {
        PortNo(nd, "\n\t port_no ", nd.Be32(cp));
        nd.Check(cp + 8, 6);
        nd.Print(", hw_addr ");
        nd.Mac(cp + 8);
        Bits(nd, "\n\t  config", cp + 16, PortConfig);
        Bits(nd, "\n\t  mask", cp + 20, PortConfig);
        Bits(nd, "\n\t  advertise", cp + 24, PortFeatures);
        nd.Check(cp + 28, 4);
    }

    private static void PortStatus(PrintContext nd, int cp, int len)
    {
        int reason = nd.U8(cp);
        string? r = reason switch { 0 => "ADD", 1 => "DELETE", 2 => "MODIFY", _ => null };
        // tcpdump 4.99.3 prints this text as it stands ("0x02x" without a %: a slip in its port_status_reason table)
        nd.Print($"\n\t reason {r ?? "invalid (0x02x)"}");
        Port(nd, cp + 8);
    }

    private static void HelloElements(PrintContext nd, int cp, int len)
    {
        while (len > 0)
        {
            if (len < 4) { Invalid(nd, cp, len); return; }
            int type = nd.Be16(cp);
            cp += 2; len -= 2;
            if (type == 1) nd.Print("\n\t type VERSIONBITMAP");
            else nd.Print($"\n\t type unknown (0x{type:x4})");
            int bmlen = nd.Be16(cp);
            cp += 2; len -= 2;
            nd.Print($", length {bmlen}");
            if (bmlen < 4 || bmlen > 4 + len) { Invalid(nd, cp, len); return; }
            if (type == 1 && bmlen == 8)
            {
                uint bitmap = nd.Be32(cp);
                nd.Print($", bitmap 0x{bitmap:x8}");
                OpenFlow.Bitmap(nd, VersionBitmap, bitmap, OpenFlow.Unassigned(VersionBitmap));
            }
            else
            {
                if (type == 1) nd.Print(" (bogus)");
                nd.Check(cp, bmlen - 4);
            }
            cp += bmlen - 4;
            len -= bmlen - 4;
        }
    }

    private static void Invalid(PrintContext nd, int cp, int len)
    {
        nd.PrintInvalid();
        nd.Check(cp, len);
    }

    private static void Experimenter(PrintContext nd, int cp, int len)
    {
        uint e = nd.Be32(cp);
        nd.Print($"\n\t experimenter 0x{e:x8} ({OpenFlow.VendorName(e)})");
        nd.Print($", exp_type 0x{nd.Be32(cp + 4):x8}");
        OpenFlow.Data(nd, cp + 8, len - 8);
    }

    private static void QueueGetConfigRequest(PrintContext nd, int cp, int len)
    {
        PortNo(nd, "\n\t port ", nd.Be32(cp));
        nd.Check(cp + 4, 4);
    }

    private static void Error(PrintContext nd, int cp, int len)
    {
        int type = nd.Be16(cp);
        if (OpenFlow.Name(ErrorTypes, (uint)type) is { } tn) nd.Print($"\n\t type {tn}");
        else if (type == 0xffff) nd.Print("\n\t type EXPERIMENTER");
        else nd.Print($"\n\t type invalid (0x{type:x4})");
        int code = nd.Be16(cp + 2);
        string? cn = type < ErrorCodes.Length ? OpenFlow.Name(ErrorCodes[type], (uint)code) : null;
        if (cn != null) nd.Print($", code {cn}");
        else nd.Print($", code invalid (0x{code:x4})");
        OpenFlow.Data(nd, cp + 4, len - 4);
    }
}
