// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>IP Authentication Header: SPI, sequence number and ICV; returns the header length for the next header.</summary>
/// <remarks>Specification: RFC 4302.</remarks>
internal static class Ah
{
    public static int Print(PrintContext nd, int bp)
    {
        nd.Proto = "ah";
        nd.Print("AH");
        int len = nd.U8(bp + 1);
        int hdrLen = (len + 2) * 4;
        nd.Print("(");
        if (nd.Verbose > 0) nd.Print($"length={len}({hdrLen}-bytes),");
        int reserved = nd.Be16(bp + 2);
        if (reserved != 0) nd.Print($"reserved=0x{reserved:x}[MustBeZero],");
        nd.Print($"spi=0x{nd.Be32(bp + 4):x8},");
        nd.Print($"seq=0x{nd.Be32(bp + 8):x},");
        nd.Print("icv=0x");
        for (int p = bp + 12; p < bp + hdrLen; p++) nd.Print($"{nd.U8(p):x2}");
        nd.Print("): ");
        return hdrLen;
    }
}
