// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>VXLAN (UDP 4789) carrying Ethernet.</summary>
/// <remarks>Specification: RFC 7348.</remarks>
internal static class Vxlan
{
    public static void Print(PrintContext nd, int bp, int len)
    {
        nd.Proto = "vxlan";
        nd.Print("VXLAN");
        if (len < 8) { nd.PrintInvalid(); return; }
        int flags = nd.U8(bp);
        nd.Print($", flags [{((flags & 0x08) != 0 ? "I" : "invalid")}] (0x{flags:x2}), ");
        nd.Print($"vni {nd.Be24(bp + 4)}\n");
        nd.Check(bp + 7, 1);
        Ether.Print(nd, bp + 8, len - 8, nd.Avail(bp + 8));
    }
}
