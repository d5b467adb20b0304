// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>M3UA messages carried in SCTP DATA chunks (payload protocol 3), printed as tcpdump 4.99 prints them
/// (with -vv).</summary>
/// <remarks>Specification: RFC 4666 (SS7 MTP3-User Adaptation Layer), section 3: the common message header,
/// the message classes and types (3.1.2-3.1.3) and the parameter tags (3.2).</remarks>
internal static class M3ua
{
    private static readonly Tok[] Classes =
    [
        new(0, "Management"), new(1, "Transfer"), new(2, "SS7"), new(3, "ASP"), new(4, "ASP"), new(9, "Routing Key Management"),
    ];

    private static readonly Tok[] ManagementMessages = [new(0, "Error"), new(1, "Notify")];

    private static readonly Tok[] TransferMessages = [new(1, "Data")];

    private static readonly Tok[] NetworkManagementMessages =
    [
        new(1, "Destination Unavailable"), new(2, "Destination Available"), new(3, "Destination State Audit"),
        new(4, "Signalling Congestion"), new(5, "Destination User Part Unavailable"), new(6, "Destination Restricted"),
    ];

    private static readonly Tok[] AspStateMessages =
    [
        new(1, "Up"), new(2, "Down"), new(3, "Heartbeat"), new(4, "Up Acknowledgement"), new(5, "Down Acknowledgement"),
        new(6, "Heartbeat Acknowledgement"),
    ];

    private static readonly Tok[] AspTrafficMessages =
        [new(1, "Active"), new(2, "Inactive"), new(3, "Active Acknowledgement"), new(4, "Inactive Acknowledgement")];

    private static readonly Tok[] RoutingKeyMessages =
    [
        new(1, "Registration Request"), new(2, "Registration Response"), new(3, "Deregistration Request"),
        new(4, "Deregistration Response"),
    ];

    private static readonly Tok[] Parameters =
    [
        new(0x0004, "INFO String"), new(0x0006, "Routing Context"), new(0x0007, "Diagnostic Info"), new(0x0009, "Heartbeat Data"),
        new(0x000b, "Traffic Mode Type"), new(0x000c, "Error Code"), new(0x000d, "Status"), new(0x0011, "ASP Identifier"),
        new(0x0012, "Affected Point Code"), new(0x0013, "Correlation ID"), new(0x0200, "Network Appearance"),
        new(0x0204, "User/Cause"), new(0x0205, "Congestion Indications"), new(0x0206, "Concerned Destination"),
        new(0x0207, "Routing Key"), new(0x0208, "Registration Result"), new(0x0209, "Deregistration Result"),
        new(0x020a, "Local Routing Key Identifier"), new(0x020b, "Destination Point Code"), new(0x020c, "Service Indicators"),
        new(0x020e, "Originating Point Code List"), new(0x0210, "Protocol Data"), new(0x0212, "Registration Status"),
        new(0x0213, "Deregistration Status"),
    ];

    private static Tok[]? Messages(int msgClass) => msgClass switch
    {
        0 => ManagementMessages,
        1 => TransferMessages,
        2 => NetworkManagementMessages,
        3 => AspStateMessages,
        4 => AspTrafficMessages,
        9 => RoutingKeyMessages,
        _ => null,
    };

    /// <summary>The message at bp, size bytes (the DATA chunk's payload).</summary>
    public static void Print(PrintContext nd, int bp, int size)
    {
        nd.Proto = "m3ua";
        if (size < 8)
        {
            nd.PrintInvalid();
            nd.Check(bp, size);
            return;
        }
        nd.Check(bp, 8);
        if (nd.U8(bp) != 1) return; // release 1.0 only
        int msgClass = nd.U8(bp + 2);
        nd.Print($"\n\t\t{Toks.Find(Classes, (uint)msgClass) ?? $"Unknown message class {msgClass}"}");
        if (Messages(msgClass) is { } names)
        {
            int type = nd.U8(bp + 3);
            nd.Print($" {Toks.Find(names, (uint)type) ?? $"Unknown (0x{type:x2})"} Message");
        }
        uint len = nd.Be32(bp + 4);
        if ((uint)size != len) nd.Print($"\n\t\t\t@@@@@@ Corrupted length {len} of message @@@@@@");
        else Tags(nd, bp + 8, (int)(len - 8));
    }

    private static void Tags(PrintContext nd, int buf, int size)
    {
        int p = buf, end = buf + size;
        while (p < end)
        {
            if (p + 4 > end) { Invalid(nd, buf, size); return; }
            int tag = nd.Be16(p);
            nd.Print($"\n\t\t\t{Toks.Find(Parameters, (uint)tag) ?? $"Unknown Parameter (0x{tag:x4})"}: ");
            int len = nd.Be16(p + 2);
            if (len < 4) { Invalid(nd, buf, size); return; }
            int align = (p + len - buf) % 4;
            align = align != 0 ? 4 - align : 0;
            nd.Check(p, len + align);
            int valueLen = len - 4;
            if (tag is 0x0200 or 0x0006 or 0x0013)
            {
                // the value starts at the parameter itself (as tcpdump reads it), so it prints the tag and length
                if (valueLen < 4) nd.PrintInvalid();
                else nd.Print($"0x{nd.Be32(p):x8}");
            }
            else nd.Print($"(length {len})");
            nd.Check(p, valueLen);
            p += len + align;
        }
    }

    private static void Invalid(PrintContext nd, int buf, int size)
    {
        nd.PrintInvalid();
        nd.Check(buf, size);
    }
}
