// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>The names tcpdump 4.99.3 gives the IEEE 802.15.4 frame types, IEs and MAC commands.</summary>
/// <remarks>Specification: IEEE 802.15.4-2015, tables 7-1 (frame types), 7-7 (header IE element IDs), 7-15 (payload IE group
/// IDs), 7-16 and 7-17 (MLME sub-IDs, short and long format) and 7-49 (MAC command IDs).</remarks>
internal static partial class Ieee802154
{
    private static readonly string[] FrameTypes = ["Beacon", "Data", "ACK", "Command", "Reserved", "Multipurpose", "Fragment", "Extended"];

    private static readonly Tok[] HeaderIes =
    [
        new(0x00, "Vendor Specific Header IE"), new(0x1a, "LE CSL IE"), new(0x1b, "LE RIT IE"), new(0x1c, "DSME PAN descriptor IE"),
        new(0x1d, "Rendezvous Time IE"), new(0x1e, "Time Correction IE"), new(0x21, "Extended DSME PAN descriptor IE"),
        new(0x22, "Fragment Sequence Context Description IE"), new(0x23, "Simplified Superframe Specification IE"),
        new(0x24, "Simplified GTS Specification IE"), new(0x25, "LECIM Capabilities IE"), new(0x26, "TRLE Descriptor IE"),
        new(0x27, "RCC Capabilities IE"), new(0x28, "RCCN Descriptor IE"), new(0x29, "Global Time IE"), new(0x2a, "Omnibus Header IE"),
        new(0x2b, "DA IE"), new(0x7e, "Header Termination 1 IE"), new(0x7f, "Header Termination 2 IE"),
    ];

    private static readonly string[] PayloadIes =
        ["ESDU IE", "MLME IE", "Vendor Specific Nested IE", "Multiplexed IE (802.15.9)", "Omnibus Payload Group IE", "IETF IE"];

    private static readonly Tok[] MlmeShortIes =
    [
        new(0x1a, "TSCH Synchronization IE"), new(0x1b, "TSCH Slotframe and Link IE"), new(0x1c, "TSCH Timeslot IE"),
        new(0x1d, "Hopping timing IE"), new(0x1e, "Enhanced Beacon Filter IE"), new(0x1f, "MAC Metrics IE"),
        new(0x20, "All MAC Metrics IE"), new(0x21, "Coexistence Specification IE"), new(0x22, "SUN Device Capabilities IE"),
        new(0x23, "SUN FSK Generic PHY IE"), new(0x24, "Mode Switch Parameter IE"), new(0x25, "PHY Parameter Change IE"),
        new(0x26, "O-QPSK PHY Mode IE"), new(0x27, "PCA Allocation IE"), new(0x28, "LECIM DSSS Operating Mode IE"),
        new(0x29, "LECIM FSK Operating Mode IE"), new(0x2b, "TVWS PHY Operating Mode Description IE"),
        new(0x2c, "TVWS Device Capabilities IE"), new(0x2d, "TVWS Device Category IE"),
        new(0x2e, "TVWS Device Identiication IE"), // sic, as tcpdump spells it
        new(0x2f, "TVWS Device Location IE"), new(0x30, "TVWS Channel Information Query IE"),
        new(0x31, "TVWS Channel Information Source IE"), new(0x32, "CTM IE"), new(0x33, "Timestamp IE"),
        new(0x34, "Timestamp Difference IE"), new(0x35, "TMCTP Specification IE"), new(0x36, "RCC PHY Operating Mode IE"),
    ];

    private static readonly Tok[] Commands =
    [
        new(0x01, "Association Request command"), new(0x02, "Association Response command"),
        new(0x03, "Disassociation Notification command"), new(0x04, "Data Request command"),
        new(0x05, "PAN ID Conflict Notification command"), new(0x06, "Orphan Notification command"),
        new(0x07, "Beacon Request command"), new(0x08, "Coordinator realignment command"), new(0x09, "GTS request command"),
        new(0x0a, "TRLE Management Request command"), new(0x0b, "TRLE Management Response command"),
        new(0x13, "DSME Association Request command"), new(0x14, "DSME Association Response command"),
        new(0x15, "DSME GTS Request command"), new(0x16, "DSME GTS Response command"), new(0x17, "DSME GTS Notify command"),
        new(0x18, "DSME Information Request command"), new(0x19, "DSME Information Response command"),
        new(0x1a, "DSME Beacon Allocation Notification command"), new(0x1b, "DSME Beacon Collision Notification command"),
        new(0x1c, "DSME Link Report command"), new(0x20, "RIT Data Request command"), new(0x21, "DBS Request command"),
        new(0x22, "DBS Response command"), new(0x23, "RIT Data Response command"), new(0x24, "Vendor Specific command"),
    ];

    private static string Reserved(int id) => $"Reserved 0x{id:x2}";

    private static string HeaderIeName(int id) => Toks.Find(HeaderIes, (uint)id) ?? Reserved(id);

    private static string PayloadIeName(int group) =>
        group < PayloadIes.Length ? PayloadIes[group] : group == 0xf ? "List termination" : Reserved(group);

    private static string MlmeShortName(int id) => id < 0x10 ? $"Reserved for long format 0x{id:x}" : Toks.Find(MlmeShortIes, (uint)id) ?? Reserved(id);

    private static string MlmeLongName(int id) => id switch
    {
        0x08 => "Vendor Specific MLME Nested IE",
        0x09 => "Channel Hopping IE",
        _ => Reserved(id),
    };

    private static string CommandName(int id) => Toks.Find(Commands, (uint)id) ?? Reserved(id);
}
