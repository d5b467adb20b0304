// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>IP payload compression (IP protocol 108): the compression parameter index; the compressed payload is not
/// decompressed, as in tcpdump.</summary>
/// <remarks>Specification: RFC 3173.</remarks>
internal static class Ipcomp
{
    public static void Print(PrintContext nd, int bp)
    {
        nd.Proto = "ipcomp";
        nd.Print($"IPComp(cpi=0x{nd.Be16(bp + 2):x4})");
    }
}
