// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Linux Classical IP over ATM (DLT_ATM_CLIP): an LLC/SNAP header with the EtherType OUI, or bare IPv4.</summary>
/// <remarks>Specification: RFC 2225 (Classical IP and ARP over ATM), RFC 2684 (LLC encapsulation).</remarks>
internal static class Cip
{
    public static int IfPrint(PrintContext nd, int length, int caplen)
    {
        nd.Proto = "cip";
        // no MAC header: -e shows the length
        if (nd.Settings.LinkHeader) nd.Print($"{(uint)length}: ");
        nd.Check(0, 6);
        if (nd.Be32(0) != 0xaaaa0300 || nd.Be16(4) != 0)
        {
            Ip.Print(nd, 0, length);
            return 0;
        }
        int hdr = Llc.Print(nd, 0, length, caplen, -1);
        if (hdr < 0)
        {
            nd.DefaultPrint(0, caplen);
            hdr = -hdr;
        }
        return hdr;
    }
}
