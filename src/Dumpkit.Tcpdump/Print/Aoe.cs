// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>ATA over Ethernet (ethertype 0x88a2), version 1.</summary>
/// <remarks>Specification: Coraid's ATA over Ethernet Protocol Specification (AoEr11).</remarks>
internal static class Aoe
{
    private static void Bits(PrintContext nd, int f, (int, string)[] tab)
    {
        bool any = false;
        foreach (var (b, n) in tab)
            if ((f & b) != 0) { if (any) nd.Print(", "); nd.Print(n); any = true; }
        if (!any) nd.Print("none");
    }

    private static void Invalid(PrintContext nd, int cp, int len)
    {
        nd.PrintInvalid();
        nd.Check(cp, len);
    }

    public static void Print(PrintContext nd, int cp, int len)
    {
        nd.Proto = "aoe";
        nd.Print($"AoE length {len}");
        if (len < 1) { Invalid(nd, cp, len); return; }
        int ver = (nd.U8(cp) & 0xf0) >> 4;
        nd.Print($", Ver {ver}");
        if (ver == 1) V1(nd, cp, len);
    }

    private static void V1(PrintContext nd, int cp, int len)
    {
        if (len < 10) { Invalid(nd, cp, len); return; }
        int flags = nd.U8(cp) & 0x0f;
        nd.Print(", Flags: ["); Bits(nd, flags, [(0x08, "Response"), (0x04, "Error"), (0x02, "MBZ-1"), (0x01, "MBZ-0")]); nd.Print("]");
        cp++; len--;
        if (nd.Verbose == 0) return;
        if ((flags & 0x04) != 0)
        {
            int e = nd.U8(cp);
            string error = e switch
            {
                1 => "Unrecognized command code", 2 => "Bad argument parameter", 3 => "Device unavailable",
                4 => "Config string present", 5 => "Unsupported version", 6 => "Target is reserved", _ => $"Invalid ({e})",
            };
            nd.Print($"\n\tError: {error}");
        }
        cp++; len--;
        nd.Print($"\n\tMajor: 0x{nd.Be16(cp):x4}");
        cp += 2; len -= 2;
        nd.Print($", Minor: 0x{nd.U8(cp):x2}");
        cp++; len--;
        int cmd = nd.U8(cp);
        cp++; len--;
        nd.Print($", Command: {cmd switch { 0 => "Issue ATA Command", 1 => "Query Config Information", 2 => "MAC Mask List",
            3 => "Reserve/Release", _ => $"Unknown (0x{cmd:x2})" }}");
        nd.Print($", Tag: 0x{nd.Be32(cp):x8}");
        cp += 4; len -= 4;
        switch (cmd)
        {
            case 0: Issue(nd, cp, len); break;
            case 1: Query(nd, cp, len); break;
            case 2: Mac(nd, cp, len); break;
            case 3: Reserve(nd, cp, len); break;
        }
    }

    private static void Issue(PrintContext nd, int cp, int len)
    {
        if (len < 12) { Invalid(nd, cp, len); return; }
        nd.Print("\n\tAFlags: [");
        Bits(nd, nd.U8(cp), [(0x80, "MBZ-7"), (0x40, "Ext48"), (0x20, "MBZ-5"), (0x10, "Device"),
            (0x08, "MBZ-3"), (0x04, "MBZ-2"), (0x02, "Async"), (0x01, "Write")]);
        nd.Print("]");
        nd.Print($", Err/Feature: {nd.U8(cp + 1)}");
        nd.Print($", Sector Count: {nd.U8(cp + 2)}");
        nd.Print($", Cmd/Status: {nd.U8(cp + 3)}");
        nd.Print($"\n\tlba0: {nd.U8(cp + 4)}");
        for (int i = 1; i < 6; i++) nd.Print($", lba{i}: {nd.U8(cp + 4 + i)}");
        cp += 10; len -= 10;
        nd.Check(cp, 2);
        cp += 2; len -= 2;
        if (len != 0) nd.Print($"\n\tData: {len} bytes");
    }

    private static void Query(PrintContext nd, int cp, int len)
    {
        if (len < 8) { Invalid(nd, cp, len); return; }
        nd.Print($"\n\tBuffer Count: {nd.Be16(cp)}");
        nd.Print($", Firmware Version: {nd.Be16(cp + 2)}");
        nd.Print($", Sector Count: {nd.U8(cp + 4)}");
        int b = nd.U8(cp + 5);
        string command = (b & 0x0f) switch
        {
            0 => "read config string", 1 => "test config string", 2 => "test config string prefix", 3 => "set config string",
            4 => "force set config string", _ => "Unknown (0x02x)",
        };
        nd.Print($", AoE: {(b & 0xf0) >> 4}, CCmd: {command}");
        cp += 6; len -= 6;
        int cs = nd.Be16(cp);
        cp += 2; len -= 2;
        if (cs > 1024 || cs > len) { Invalid(nd, cp, len); return; }
        if (cs != 0)
        {
            nd.Print($"\n\tConfig String (length {cs}): ");
            for (int i = 0; i < cs; i++) Text.PrintChar(nd, nd.U8(cp + i));
        }
    }

    private static void Mac(PrintContext nd, int cp, int len)
    {
        if (len < 4) { Invalid(nd, cp, len); return; }
        cp++; len--;
        int m = nd.U8(cp);
        nd.Print($"\n\tMCmd: {m switch { 0 => "Read Mac Mask List", 1 => "Edit Mac Mask List", _ => $"Unknown (0x{m:x2})" }}");
        cp++; len--;
        int me = nd.U8(cp);
        nd.Print($", MError: {me switch { 1 => "Unspecified Error", 2 => "Bad DCmd directive", 3 => "Mask list full", _ => $"Unknown (0x{me:x2})" }}");
        cp++; len--;
        int dc = nd.U8(cp);
        cp++; len--;
        nd.Print($", Dir Count: {dc}");
        if (dc * 8 > len) { Invalid(nd, cp, len); return; }
        for (int i = 0; i < dc; i++)
        {
            cp++; len--;
            int d = nd.U8(cp);
            nd.Print($"\n\t DCmd: {d switch { 0 => "No Directive", 1 => "Add mac address to mask list",
                2 => "Delete mac address from mask list", _ => $"Unknown (0x{d:x2})" }}");
            cp++; len--;
            nd.Check(cp, 6);
            nd.Print(", Ethernet Address: "); nd.Mac(cp);
            cp += 6; len -= 6;
        }
    }

    private static void Reserve(PrintContext nd, int cp, int len)
    {
        if (len < 2 || (len - 2) % 6 != 0) { Invalid(nd, cp, len); return; }
        int r = nd.U8(cp);
        nd.Print($"\n\tRCmd: {r switch { 0 => "Read reserve list", 1 => "Set reserve list", 2 => "Force set reserve list", _ => $"Unknown (0x{r:x2})" }}");
        cp++; len--;
        int n = nd.U8(cp);
        cp++; len--;
        nd.Print($", NMacs: {n}");
        if (n * 6 != len) { Invalid(nd, cp, len); return; }
        for (int i = 0; i < n; i++)
        {
            nd.Check(cp, 6);
            nd.Print($"\n\tEthernet Address {i}: "); nd.Mac(cp);
            cp += 6; len -= 6;
        }
    }
}
