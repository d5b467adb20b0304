// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Overlay Transport Virtualization (UDP 8472) carrying Ethernet.</summary>
/// <remarks>Specification: draft-hasmit-otv-04.</remarks>
internal static class Otv
{
    public static void Print(PrintContext nd, int bp, int len)
    {
        nd.Proto = "otv";
        nd.Print("OTV, ");
        if (len < 8)
        {
            nd.Print($"[length {len} < 8]");
            nd.PrintInvalid();
            nd.Check(bp, len);
            return;
        }
        int flags = nd.U8(bp);
        nd.Print($"flags [{((flags & 0x08) != 0 ? "I" : ".")}] (0x{flags:x2}), ");
        nd.Print($"overlay {nd.Be24(bp + 1)}, ");
        nd.Print($"instance {nd.Be24(bp + 4)}\n");
        nd.Check(bp + 7, 1);
        Ether.Print(nd, bp + 8, len - 8, nd.Avail(bp + 8));
    }
}
