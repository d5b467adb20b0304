// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>BSD null / OpenBSD loop link headers.</summary>
/// <remarks>Specification: LINKTYPE_NULL and LINKTYPE_LOOP in tcpdump.org's link-layer header types.</remarks>
internal static class LinkNull
{
    private static string? Af(uint f) => f switch
    {
        2 => "IPv4", 6 => "NS", 7 => "ISO", 16 => "Appletalk", 23 => "IPX", 24 or 28 or 30 => "IPv6", _ => null,
    };

    private static void Hdr(PrintContext nd, uint family, int length)
    {
        if (!nd.Settings.Quick) nd.Print($"AF {Af(family) ?? "Unknown"} ({family})");
        else nd.Print(Af(family) ?? $"Unknown AF {family}");
        nd.Print($", length {length}: ");
    }

    public static int Print(PrintContext nd, int length, int caplen, bool loop)
    {
        nd.Proto = "null";
        nd.Check(0, 4);
        uint family = loop ? nd.Be32(0) : nd.Le32(0);
        if ((family & 0xFFFF0000) != 0) family = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(family);
        if (nd.Settings.LinkHeader) Hdr(nd, family, length);
        length -= 4; caplen -= 4;
        switch (family)
        {
            case 2: Ip.Print(nd, 4, length); break;
            case 24: case 28: case 30: Ip6.Print(nd, 4, length); break;
            default:
                if (!nd.Settings.LinkHeader) Hdr(nd, family, length + 4);
                nd.DefaultPrint(4, caplen);
                break;
        }
        return 4;
    }
}
