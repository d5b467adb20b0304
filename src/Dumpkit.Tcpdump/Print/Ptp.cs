// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>IEEE 1588 PTP (UDP 319/320, ethertype 0x88f7): version 2 common header and message bodies.</summary>
/// <remarks>Specification: IEEE 1588-2008 (PTP version 2).</remarks>
internal static class Ptp
{
    private static readonly Tok[] Flags =
    [
        new(0x1, "l1 61"), new(0x2, "l1 59"), new(0x4, "utc reasonable"), new(0x8, "timescale"), new(0x10, "time tracable"),
        new(0x20, "frequency tracable"), new(0x100, "alternate master"), new(0x200, "two step"), new(0x400, "unicast"),
        new(0x1000, "profile specific 1"), new(0x2000, "profile specific 2"), new(0x4000, "security mask"),
    ];

    private static ulong Be48(PrintContext nd, int p) => (ulong)nd.Be16(p) << 32 | nd.Be32(p + 2);

    public static void Print(PrintContext nd, int bp, int length)
    {
        nd.Proto = "ptp";
        if ((uint)length < 0x22)
        {
            nd.PrintInvalid();
            return;
        }
        int vers = nd.Be16(bp) & 0xff;
        nd.Print($"PTPv{vers}");
        if (vers == 1) nd.Print(" (not implemented)");
        else if (vers == 2) V2(nd, bp);
    }

    private static void V2(PrintContext nd, int bp)
    {
        int foct = nd.U8(bp);
        nd.Print($", v1 compat : {((foct & 0x10) != 0 ? "yes" : "no")}");
        int type = foct & 0x0f;
        string? tn = type switch
        {
            0 => "sync msg", 1 => "delay req msg", 2 => "peer delay req msg", 3 => "peer delay resp msg", 8 => "follow up msg",
            9 => "delay resp msg", 10 => "pdelay resp fup msg", 11 => "announce msg", 12 => "signalling msg", 13 => "management msg",
            _ => null,
        };
        nd.Print($", msg type : {tn ?? "Reserved"}");
        bp += 2;
        nd.Print($", length : {nd.Be16(bp)}");
        bp += 2;
        nd.Print($", domain : {(nd.Be16(bp) & 0xff00) >> 8}");
        nd.Print($", reserved1 : {nd.Be16(bp) & 0xff}");
        bp += 2;
        nd.Print(", Flags [");
        Toks.Bits(nd, Flags, "none", nd.Be16(bp));
        nd.Print("]");
        bp += 2;
        nd.Print($", NS correction : {Be48(nd, bp)}");
        bp += 6;
        nd.Print($", sub NS correction : {nd.Be16(bp)}");
        bp += 2;
        nd.Print($", reserved2 : {nd.Be32(bp)}");
        bp += 4;
        nd.Print($", clock identity : 0x{nd.Be64(bp):x}");
        bp += 8;
        nd.Print($", port id : {nd.Be16(bp)}");
        bp += 2;
        nd.Print($", seq id : {nd.Be16(bp)}");
        bp += 2;
        int control = nd.U8(bp);
        string? cn = control switch { 0 => "Sync", 1 => "Delay_Req", 2 => "Follow_Up", 3 => "Delay_Resp", 4 => "Management", 5 => "Other", _ => null };
        nd.Print($", control : {control} ({cn ?? "Reserved"})");
        nd.Print($", log message interval : {nd.Be16(bp) & 0xff}");
        bp += 2;
        switch (type)
        {
            case 0:
            case 1:
                Timestamp(nd, bp, "originTimeStamp");
                break;
            case 8:
                Timestamp(nd, bp, "preciseOriginTimeStamp");
                break;
            case 2:
            case 10:
                TimestampIdentity(nd, bp, "preciseOriginTimeStamp");
                break;
            case 3:
            case 9:
                TimestampIdentity(nd, bp, "receiveTimeStamp");
                break;
            case 11:
                Announce(nd, bp);
                break;
            case 12:
                PortId(nd, bp);
                break;
            case 13:
                PortId(nd, bp);
                // tcpdump reads each of these fields from the same (unadvanced) position
                for (int i = 0; i < 4; i++)
                {
                    string st = i switch { 0 => ", start boundary hops ", 1 => ", boundary hops ", 2 => ", flags ", _ => ", reserved " };
                    int v = nd.U8(bp);
                    if (i < 2) nd.Print($", {st} {v}");
                    else nd.Print($", {st} 0x{v:x}");
                }
                break;
        }
    }

    private static void Timestamp(PrintContext nd, int bp, string what)
    {
        nd.Print($", {what} :");
        nd.Print($" {Be48(nd, bp)} seconds,");
        nd.Print($" {nd.Be32(bp + 6)} nanoseconds");
    }

    private static void TimestampIdentity(PrintContext nd, int bp, string what)
    {
        Timestamp(nd, bp, what);
        nd.Print($", port identity : 0x{nd.Be64(bp + 10):x}");
        nd.Print($", port id : {nd.Be16(bp + 18)}");
    }

    private static void PortId(PrintContext nd, int bp)
    {
        nd.Print($", port identity : 0x{nd.Be64(bp):x}");
        nd.Print($", port id : {nd.Be16(bp + 8)}");
    }

    private static void Announce(PrintContext nd, int bp)
    {
        nd.Print(", originTimeStamp :");
        nd.Print($" {Be48(nd, bp)} seconds");
        nd.Print($" {nd.Be32(bp + 6)} nanoseconds");
        nd.Print($", origin cur utc :{nd.Be16(bp + 10)}");
        nd.Print($", rsvd : {nd.U8(bp + 12)}");
        nd.Print($", gm priority_1 : {nd.U8(bp + 13)}");
        nd.Print($", gm clock class : {nd.U8(bp + 14)}");
        nd.Print($", gm clock accuracy : {nd.U8(bp + 15)}");
        nd.Print($", gm clock variance : {nd.Be16(bp + 16)}");
        nd.Print($", gm priority_2 : {nd.U8(bp + 18)}");
        nd.Print($", gm clock id : 0x{nd.Be64(bp + 19):x}");
        nd.Print($", steps removed : {nd.Be16(bp + 27)}");
        nd.Print($", time source : 0x{nd.U8(bp + 29):x}");
    }
}
