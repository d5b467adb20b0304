// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>GMPLS code points shared by RSVP-TE, LMP and the OSPF TE LSAs: link protection types, switching
/// capabilities, LSP encodings and generalized payload ids (RFC 3471, RFC 4205, draft-ietf-ccamp-gmpls-g709).</summary>
internal static class Gmpls
{
    public static readonly Tok[] LinkProtection =
    [
        new(0x01, "Extra Traffic"), new(0x02, "Unprotected"), new(0x04, "Shared"), new(0x08, "Dedicated 1:1"),
        new(0x10, "Dedicated 1+1"), new(0x20, "Enhanced"), new(0x40, "Reserved"), new(0x80, "Reserved"),
    ];

    public static string? SwitchCap(int v) => v switch
    {
        1 => "Packet-Switch Capable-1", 2 => "Packet-Switch Capable-2", 3 => "Packet-Switch Capable-3",
        4 => "Packet-Switch Capable-4", 51 => "Layer-2 Switch Capable", 100 => "Time-Division-Multiplex",
        150 => "Lambda-Switch Capable", 200 => "Fiber-Switch Capable", _ => null,
    };

    public static string? TscIndication(int v) => v switch { 0 => "Standard SONET/SDH", 1 => "Arbitrary SONET/SDH", _ => null };

    public static string? Encoding(int v) => v switch
    {
        1 => "Packet", 2 => "Ethernet V2/DIX", 3 => "ANSI/ETSI PDH", 4 => "Reserved", 5 => "SDH ITU-T G.707/SONET ANSI T1.105",
        6 => "Reserved", 7 => "Digital Wrapper", 8 => "Lambda (photonic)", 9 => "Fiber", 10 => "Reserved", 11 => "FiberChannel",
        _ => null,
    };

    private static readonly string[] Payloads =
    [
        "Unknown", "Reserved", "Reserved", "Reserved", "Reserved", "Asynchronous mapping of E4", "Asynchronous mapping of DS3/T3",
        "Asynchronous mapping of E3", "Bit synchronous mapping of E3", "Byte synchronous mapping of E3",
        "Asynchronous mapping of DS2/T2", "Bit synchronous mapping of DS2/T2", "Reserved", "Asynchronous mapping of E1",
        "Byte synchronous mapping of E1", "Byte synchronous mapping of 31 * DS0", "Asynchronous mapping of DS1/T1",
        "Bit synchronous mapping of DS1/T1", "Byte synchronous mapping of DS1/T1", "VC-11 in VC-12", "Reserved", "Reserved",
        "DS1 SF Asynchronous", "DS1 ESF Asynchronous", "DS3 M23 Asynchronous", "DS3 C-Bit Parity Asynchronous", "VT/LOVC",
        "STS SPE/HOVC", "POS - No Scrambling, 16 bit CRC", "POS - No Scrambling, 32 bit CRC", "POS - Scrambling, 16 bit CRC",
        "POS - Scrambling, 32 bit CRC", "ATM mapping", "Ethernet PHY", "SONET/SDH", "Reserved (SONET deprecated)",
        "Digital Wrapper", "Lambda", "ANSI/ETSI PDH", "Reserved", "Link Access Protocol SDH (X.85 and X.86)", "FDDI",
        "DQDB (ETSI ETS 300 216)", "FiberChannel-3 (Services)", "HDLC", "Ethernet V2/DIX (only)", "Ethernet 802.3 (only)",
        "G.709 ODUj", "G.709 OTUk(v)", "CBR/CBRa", "CBRb", "BSOT", "BSNT", "IP/PPP (GFP)", "Ethernet MAC (framed GFP)",
        "Ethernet PHY (transparent GFP)", "ESCON", "FICON", "Fiber Channel",
    ];

    public static string? Payload(int v) => (uint)v < (uint)Payloads.Length ? Payloads[v] : null;

    public static string? DiffservBcModel(int v) => v switch
    {
        0 => "Russian dolls", 1 => "Maximum allocation", 254 => "Maximum allocation with E-LSP support", _ => null,
    };
}
