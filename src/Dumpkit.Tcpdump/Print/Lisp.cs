// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>LISP control plane (UDP 4342): Map-Register and Map-Notify records and locators; other types by name only.</summary>
/// <remarks>Specification: RFC 6830 and RFC 9301 (LISP control plane).</remarks>
internal static class Lisp
{
    private static readonly Tok[] RegisterFlags =
    [
        new(0x08000000, "P-Proxy-Map-Reply"), new(0x04000000, "S-LISP-SEC-Capable"), new(0x02000000, "I-xTR-ID-Present"),
        new(0x01000000, "R-Build-For-RTR"), new(0x00000100, "M-Want-Map-Notify"),
    ];
    private static readonly Tok[] NotifyFlags = [new(0x08000000, "I-xTR-ID-Present"), new(0x04000000, "R-Build-For-RTR")];
    private static readonly Tok[] LocFlags = [new(4, "Local-Locator"), new(2, "RLoc-Probed"), new(1, "Reachable")];

    public static void Print(PrintContext nd, int bp, int length)
    {
        nd.Proto = "lisp";
        nd.Check(bp, 16);
        int tf = nd.U8(bp);
        int type = tf >> 4;
        string? tn = type switch
        {
            0 => "LISP-Reserved", 1 => "LISP-Map-Request", 2 => "LISP-Map-Reply", 3 => "LISP-Map-Register", 4 => "LISP-Map-Notify",
            8 => "LISP-Encapsulated-Contol-Message", _ => null,
        };
        nd.Print($"{tn ?? $"unknown-type-{type}"},");
        if (nd.Verbose > 0 && (type == 3 || type == 4))
        {
            nd.Print(" flags [");
            Toks.Bits(nd, type == 3 ? RegisterFlags : NotifyFlags, "none", nd.Be32(bp));
            nd.Print("],");
        }
        if (type != 3 && type != 4) return;
        bool xtr = type == 3 ? (tf & 2) != 0 : (tf & 8) != 0;
        int authLen = nd.Be16(bp + 14);
        int off = 16;
        int records = nd.U8(bp + 3);
        if (nd.Verbose > 0)
        {
            int key = nd.Be16(bp + 12);
            nd.Print($"\n    {records} record(s), ");
            nd.Print($"Authentication {key switch { 0 => "None", 1 => "SHA1", 2 => "SHA256", _ => "unknown-type" }},");
            HexDump.Hex(nd, "\n    Authentication-Data: ", bp + off, authLen);
        }
        else nd.Print($" {records} record(s),");
        off += authLen;
        if (records == 0) { nd.PrintInvalid(); return; }
        while (length > off && records != 0)
        {
            records--;
            nd.Check(bp + off, 12);
            nd.Print("\n");
            int eid = bp + off;
            off += 12;
            int mask = nd.U8(eid + 5), afi = nd.Be16(eid + 10), locs = nd.U8(eid + 4);
            if (nd.Verbose > 0)
            {
                nd.Print($"      Record TTL {nd.Be32(eid)},");
                int a = nd.U8(eid + 6);
                nd.Print(((a >> 4) & 1) != 0 ? " Authoritative," : " Non-Authoritative,");
                nd.Print($" {(a >> 5) switch { 0 => "No-Action", 1 => "Natively-Forward", 2 => "Send-Map-Request", 3 => "Drop", _ => "unknown" }},");
                nd.Print($" Map Version: {nd.Be16(eid + 8) & 0x0fff},");
            }
            switch (afi)
            {
                case 1:
                    nd.Print($" EID {nd.A4(bp + off)}/{mask},");
                    off += 4;
                    break;
                case 2:
                    nd.Print($" EID {nd.A6(bp + off)}/{mask},");
                    off += 16;
                    break;
                default:
                    // unknown address family: the rest cannot be parsed
                    return;
            }
            nd.Print($" {locs} locator(s)");
            while (locs != 0)
            {
                locs--;
                nd.Check(bp + off, 8);
                int loc = bp + off;
                off += 8;
                int lafi = nd.Be16(loc + 6);
                if (nd.Verbose > 0) nd.Print("\n       ");
                switch (lafi)
                {
                    case 1:
                        nd.Check(bp + off, 4);
                        nd.Print($" LOC {nd.A4(loc + 8)}");
                        off += 4;
                        break;
                    case 2:
                        nd.Check(bp + off, 16);
                        nd.Print($" LOC {nd.A6(loc + 8)}");
                        off += 16;
                        break;
                }
                if (nd.Verbose > 0)
                {
                    nd.Print($"\n          Priority/Weight {nd.U8(loc)}/{nd.U8(loc + 1)}, Multicast Priority/Weight {nd.U8(loc + 2)}/{nd.U8(loc + 3)},");
                    nd.Print(" flags [");
                    Toks.Bits(nd, LocFlags, "none", nd.Be16(loc + 4));
                    nd.Print("],");
                }
            }
        }
        if (xtr)
        {
            if (!nd.TTest(bp + off, 24)) { nd.PrintInvalid(); return; }
            HexDump.Hex(nd, "\n    xTR-ID: ", bp + off, 16);
            nd.Print($"\n    SITE-ID: {nd.Be64(bp + off + 16)}");
        }
        else if (bp + off < nd.SnapEnd)
            HexDump.Hex(nd, "\n    Data: ", bp + off, nd.SnapEnd - (bp + off));
    }
}
