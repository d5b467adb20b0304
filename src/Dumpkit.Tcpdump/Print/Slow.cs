// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>The IEEE 802.3 slow protocols (ethertype 0x8809): LACP, Marker and Ethernet OAM.</summary>
/// <remarks>Specification: IEEE Std 802.3-2015 clause 43 (LACPDU and Marker PDU, 43.4.2 and 43.5.3) and clause 57
/// (OAMPDUs, 57.4); the text is tcpdump 4.99's.</remarks>
internal static class Slow
{
    private static readonly Tok[] Subtypes = [new(1, "LACP"), new(2, "MARKER"), new(3, "OAM")];

    private static readonly Tok[] StateBits =
    [
        new(0x01, "Activity"), new(0x02, "Timeout"), new(0x04, "Aggregation"), new(0x08, "Synchronization"),
        new(0x10, "Collecting"), new(0x20, "Distributing"), new(0x40, "Default"), new(0x80, "Expired"),
    ];

    private static readonly Tok[] OamFlags =
    [
        new(0x01, "Link Fault"), new(0x02, "Dying Gasp"), new(0x04, "Critical Event"), new(0x08, "Local Evaluating"),
        new(0x10, "Local Stable"), new(0x20, "Remote Evaluating"), new(0x40, "Remote Stable"),
    ];

    private static readonly Tok[] OamCodes =
    [
        new(0, "Information"), new(1, "Event Notification"), new(2, "Variable Request"), new(3, "Variable Response"),
        new(4, "Loopback Control"), new(0xfe, "Vendor Private"),
    ];

    private static readonly Tok[] OamInfoTypes = [new(0, "End of TLV marker"), new(1, "Local"), new(2, "Remote"), new(0xfe, "Organization specific")];

    private static readonly Tok[] OamConfigBits =
        [new(0x01, "Active"), new(0x02, "Unidirectional"), new(0x04, "Remote-Loopback"), new(0x08, "Link-Events"), new(0x10, "Variable-Retrieval")];

    private static readonly Tok[] LinkEvents =
    [
        new(0, "End of TLV marker"), new(1, "Errored Symbol Period Event"), new(2, "Errored Frame Event"),
        new(3, "Errored Frame Period Event"), new(4, "Errored Frame Seconds Summary Event"), new(0xfe, "Organization specific"),
    ];

    private static readonly Tok[] LoopbackCommands = [new(1, "Enable OAM Remote Loopback"), new(2, "Disable OAM Remote Loopback")];

    private const string TooShort = "\n\t\t packet is too short";

    /// <summary>The PDU at bp, len bytes long.</summary>
    public static void Print(PrintContext nd, int bp, int len)
    {
        nd.Proto = "slow";
        if (len < 1) { ShortHeader(nd); return; }
        int subtype = nd.U8(bp);
        int hasVersion = -1;
        if (subtype is 1 or 2)
        {
            if (len < 2) { ShortHeader(nd); return; }
            int version = nd.U8(bp + 1);
            if (version != 1)
            {
                nd.Print($"{(subtype == 1 ? "LACP" : "MARKER")} version {version} packet not supported");
                return;
            }
            hasVersion = 1;
        }
        else if (subtype == 3) hasVersion = 0;
        string name = Toks.Find(Subtypes, (uint)subtype) ?? $"unknown ({subtype})";
        if (hasVersion == 1) nd.Print($"{name}v{nd.U8(bp + 1)}, length {(uint)len}");
        else nd.Print($"{name}, length {(uint)len}");
        if (hasVersion == -1) { HexDump.UnknownData(nd, bp, "\n\t", len); return; }
        if (nd.Verbose == 0) return;
        if (subtype == 3) Oam(nd, bp + 1, len - 1);
        else LacpMarker(nd, bp + 2, len - 2, subtype);
    }

    private static void ShortHeader(PrintContext nd) => nd.Print(nd.Verbose == 0 ? " (packet is too short)" : TooShort);

    private static string Bits(Tok[] t, uint v)
    {
        var s = "";
        foreach (var e in t)
            if ((v & e.V) != 0) s += (s.Length > 0 ? ", " : "") + e.S;
        return s.Length > 0 ? s : "none";
    }

    private static void LacpMarker(PrintContext nd, int p, int len, int subtype)
    {
        while (len > 0)
        {
            if (len < 2) { nd.Print(TooShort); return; }
            int type = nd.U8(p), tlvLen = nd.U8(p + 1);
            string? name = (subtype, type) switch
            {
                (_, 0) => "Terminator",
                (1, 1) => "Actor Information",
                (1, 2) => "Partner Information",
                (1, 3) => "Collector Information",
                (2, 1) => "Marker Information",
                _ => null,
            };
            nd.Print($"\n\t{name ?? "Unknown"} TLV (0x{type:x2}), length {tlvLen}");
            if (type == 0) return;
            if (tlvLen < 2) { nd.Print("\n\t    ERROR: illegal length - should be >= 2"); return; }
            if (len < tlvLen) { nd.Print(TooShort); return; }
            nd.Check(p, tlvLen);
            int v = p + 2, vLen = tlvLen - 2;
            switch ((subtype << 8) | type)
            {
                case 0x101:
                case 0x102:
                    if (vLen != 18) { nd.Print("\n\t    ERROR: illegal length - should be 20"); break; }
                    nd.Print("\n\t  System ");
                    nd.Mac(v + 2);
                    nd.Print($", System Priority {nd.Be16(v)}, Key {nd.Be16(v + 8)}, Port {nd.Be16(v + 12)}, Port Priority {nd.Be16(v + 10)}");
                    nd.Print($"\n\t  State Flags [{Bits(StateBits, nd.U8(v + 14))}]");
                    break;
                case 0x103:
                    if (vLen != 14) { nd.Print("\n\t    ERROR: illegal length - should be 16"); break; }
                    nd.Print($"\n\t  Max Delay {nd.Be16(v)}");
                    break;
                case 0x201:
                    if (vLen != 14) { nd.Print("\n\t    ERROR: illegal length - should be 16"); break; }
                    nd.Print("\n\t  Request System ");
                    nd.Mac(v + 2);
                    nd.Print($", Request Port {nd.Be16(v)}, Request Transaction ID 0x{nd.Be32(v + 8):x8}");
                    break;
                default:
                    if (nd.Verbose <= 1) HexDump.UnknownData(nd, v, "\n\t  ", vLen);
                    break;
            }
            if (nd.Verbose > 1) HexDump.UnknownData(nd, v, "\n\t  ", vLen);
            p += tlvLen;
            len -= tlvLen;
        }
    }

    private static void Oam(PrintContext nd, int p, int len)
    {
        if (len < 3) { nd.Print(TooShort); return; }
        nd.Check(p, 3);
        int code = nd.U8(p + 2);
        nd.Print($"\n\tCode {Toks.Find(OamCodes, (uint)code) ?? $"Unknown ({code})"} OAM PDU, Flags [{Bits(OamFlags, nd.Be16(p))}]");
        p += 3;
        len -= 3;
        switch (code)
        {
            case 0:
                while (len > 0)
                {
                    if (len < 2) { nd.Print(TooShort); return; }
                    nd.Check(p, 2);
                    int type = nd.U8(p), length = nd.U8(p + 1);
                    nd.Print($"\n\t  {Toks.Find(OamInfoTypes, (uint)type) ?? "Reserved"} Information Type ({type}), length {length}");
                    if (type == 0) return;
                    if (length < 2) { nd.Print("\n\t    ERROR: illegal length - should be >= 2"); return; }
                    if (len < length) { nd.Print(TooShort); return; }
                    nd.Check(p, length);
                    bool hex = true;
                    if (type is 1 or 2)
                    {
                        if (nd.U8(p + 1) != 16) nd.Print("\n\t    ERROR: illegal length - should be 16");
                        else
                        {
                            hex = false;
                            nd.Print($"\n\t    OAM-Version {nd.U8(p + 2)}, Revision {nd.Be16(p + 3)}");
                            int state = nd.U8(p + 5);
                            string parser = (state & 3) switch { 0 => "forwarding", 1 => "looping back", 2 => "discarding", _ => "reserved" };
                            nd.Print($"\n\t    State-Parser-Action {parser}, State-MUX-Action {((state & 4) == 0 ? "forwarding" : "discarding")}");
                            nd.Print($"\n\t    OAM-Config Flags [{Bits(OamConfigBits, nd.U8(p + 6))}], OAM-PDU-Config max-PDU size {nd.Be16(p + 7) & 0x7ff}");
                            uint oui = nd.Be24(p + 9);
                            nd.Print($"\n\t    OUI {Llc.Oui(oui) ?? "Unknown"} (0x{oui:x6}), Vendor-Private 0x{nd.Be32(p + 12):x8}");
                        }
                    }
                    if (nd.Verbose > 1 || hex) HexDump.UnknownData(nd, p, "\n\t  ", length);
                    len -= length;
                    p += length;
                }
                break;
            case 1:
                if (len < 2) { nd.Print(TooShort); return; }
                nd.Print($"\n\t  Sequence Number {nd.Be16(p)}");
                len -= 2;
                p += 2;
                while (len > 0)
                {
                    if (len < 2) { nd.Print(TooShort); return; }
                    int type = nd.U8(p), length = nd.U8(p + 1);
                    nd.Print($"\n\t  {Toks.Find(LinkEvents, (uint)type) ?? "Reserved"} Link Event Type ({type}), length {length}");
                    if (type == 0) return;
                    if (length < 2) { nd.Print("\n\t    ERROR: illegal length - should be >= 2"); return; }
                    if (len < length) { nd.Print(TooShort); return; }
                    nd.Check(p, length);
                    bool hex = true;
                    if (type is >= 1 and <= 4)
                    {
                        if (nd.U8(p + 1) != 40) nd.Print("\n\t    ERROR: illegal length - should be 40");
                        else
                        {
                            hex = false;
                            nd.Print($"\n\t    Timestamp {(uint)(nd.Be16(p + 2) * 100)} ms, Errored Window {nd.Be64(p + 4)}");
                            nd.Print($"\n\t    Errored Threshold {nd.Be64(p + 12)}\n\t    Errors {nd.Be64(p + 20)}");
                            nd.Print($"\n\t    Error Running Total {nd.Be64(p + 28)}\n\t    Event Running Total {nd.Be32(p + 36)}");
                        }
                    }
                    if (nd.Verbose > 1 || hex) HexDump.UnknownData(nd, p, "\n\t  ", length);
                    len -= length;
                    p += length;
                }
                break;
            case 4:
                if (len < 1) { nd.Print(TooShort); return; }
                int command = nd.U8(p);
                nd.Print($"\n\t  Command {Toks.Find(LoopbackCommands, (uint)command) ?? "Unknown"} ({command})");
                break;
            default:
                if (nd.Verbose <= 1) HexDump.UnknownData(nd, p, "\n\t  ", len);
                break;
        }
    }
}
