// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Minimal encapsulation within IP (RFC 2004, IP protocol 55): the forwarding header's flags, with -v the
/// original addresses and protocol, and a bad header checksum, as tcpdump 4.99.3 prints it.</summary>
internal static class Mobile
{
    public static void Print(PrintContext nd, int bp, int length)
    {
        nd.Proto = "mobile";
        if (length < 8 || !nd.TTest(bp, 12))
        {
            nd.PrintTrunc();
            return;
        }
        nd.Print("mobile: ");
        int proto = nd.Be16(bp);
        int crc = nd.Be16(bp + 2);
        bool osp = (proto & 0x0080) != 0;
        if (osp)
        {
            nd.Print("[S] ");
            if (nd.Verbose > 0) nd.Print($"{nd.A4(bp + 8)} ");
        }
        else nd.Print("[] ");
        if (nd.Verbose > 0)
        {
            nd.Print($"> {nd.A4(bp + 4)} ");
            nd.Print($"(oproto={proto >> 8})");
        }
        if (Checksum.Compute(nd.Bytes(bp, osp ? 12 : 8)) != 0) nd.Print($" (bad checksum {crc})");
    }
}
