// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Cisco's auto-RP (UDP port 496): candidate-RP announcements and RP mappings with their group ranges.</summary>
/// <remarks>Specification: Cisco's "Auto-RP" specification, version 1+ of 9 September 1998 (pim-autorp-spec01.txt): an
/// 8-byte header (type, RP count, hold time, reserved), then per RP its address, PIM versions and group entries
/// (negative bit, mask length, prefix).</remarks>
internal static class CiscoAutoRp
{
    public static void Print(PrintContext nd, int bp, int length)
    {
        nd.Proto = "cisco_autorp";
        uint len = (uint)length;
        if (len < 8) { nd.PrintTrunc(); return; }
        nd.Print(" auto-rp ");
        int type = nd.U8(bp);
        nd.Print(type switch { 0x11 => "candidate-advert", 0x12 => "mapping", _ => $"type-0x{type:x2}" });
        int numrps = nd.U8(bp + 1);
        nd.Print(" Hold ");
        int hold = nd.Be16(bp + 2);
        if (hold != 0) Text.RelTime(nd, (uint)hold);
        else nd.Print("FOREVER");
        bp += 8;
        len -= 8;
        for (; numrps != 0; numrps--)
        {
            if (len < 4) { nd.PrintTrunc(); return; }
            nd.Print($" RP {nd.A4(bp)}");
            bp += 4;
            len -= 4;
            if (len < 1) { nd.PrintTrunc(); return; }
            nd.Print((nd.U8(bp) & 3) switch { 0 => " PIMv?", 1 => " PIMv1", 2 => " PIMv2", _ => " PIMv1+2" });
            if ((nd.U8(bp) & 0xfc) != 0) nd.Print($" [rsvd=0x{nd.U8(bp) & 0xfc:x2}]");
            bp++;
            len--;
            if (len < 1) { nd.PrintTrunc(); return; }
            int entries = nd.U8(bp);
            bp++;
            len--;
            char sep = ' ';
            for (; entries != 0; entries--)
            {
                if (len < 6) { nd.PrintTrunc(); return; }
                nd.Print($"{sep}{((nd.U8(bp) & 1) != 0 ? "!" : "")}{nd.A4(bp + 2)}/{nd.U8(bp + 1)}");
                if ((nd.U8(bp) & 2) != 0) nd.Print(" bidir");
                if ((nd.U8(bp) & 0xfc) != 0) nd.Print($"[rsvd=0x{nd.U8(bp) & 0xfc:x2}]");
                sep = ',';
                bp += 6;
                len -= 6;
            }
        }
    }
}
