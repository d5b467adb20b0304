// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>IP Encapsulating Security Payload (RFC 4303): the SPI and sequence number of the header; the payload
/// stays encrypted (no -E secrets).</summary>
internal static class Esp
{
    public static void Print(PrintContext nd, int bp, int length)
    {
        nd.Proto = "esp";
        if (bp + 8 >= nd.SnapEnd)
        {
            nd.PrintTrunc();
            return;
        }
        nd.Print($"ESP(spi=0x{nd.Be32(bp):x8}");
        nd.Print($",seq=0x{nd.Be32(bp + 4):x})");
        nd.Print($", length {(uint)length}");
    }
}
