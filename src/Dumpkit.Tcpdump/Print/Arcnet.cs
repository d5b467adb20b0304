// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>
/// Linux ARCNET (LINKTYPE_ARCNET_LINUX): source and destination host, offset, system code (and the flag and sequence
/// number of the RFC 1201 encoding), then IP, IPv6, ARP, AppleTalk or IPX, as tcpdump 4.99 prints it.
/// </summary>
/// <remarks>Specification: RFC 1201 (IP over ARCNET), RFC 1051 (the older encoding); ANSI/ATA 878.1.</remarks>
internal static class Arcnet
{

    private static string TypeName(int t) => t switch
    {
        240 => "oldip", 241 => "oldarp", 212 => "ip", 213 => "arp", 214 => "rarp", 221 => "atalk", 247 => "banyan",
        250 => "ipx", 0xc4 => "ipv6", 0x80 => "diag", _ => $"{t:x2}",
    };

    public static int LinuxIfPrint(PrintContext nd, int length, int caplen)
    {
        nd.Proto = "arcnet_linux";
        // cut short: the whole capture counts as the link header (no hex dump of it with -x)
        if (caplen < 5) { nd.PrintTrunc(); return caplen; }
        int type = nd.U8(4);
        int hdr = 5;
        if (type is not (240 or 241 or 0x80))
        {
            hdr = 8;
            if (caplen < 8) { nd.PrintTrunc(); return caplen; }
        }
        if (nd.Settings.LinkHeader)
        {
            // tcpdump prints the Linux header with the layout of the plain ARCNET one (type in the offset's first byte)
            nd.Proto = "arcnet";
            if (nd.Settings.Quick) nd.Print($"{nd.U8(0):x2} {nd.U8(1):x2} {length}: ");
            else nd.Print($"{nd.U8(0):x2} {nd.U8(1):x2} {TypeName(nd.U8(2))} {length}: ");
        }
        // tcpdump's ND_DEFAULTPRINT here: the hex dump whatever -x, -X or -q say
        if (!Encap(nd, type, hdr, length - hdr, caplen - hdr)) HexDump.HexAscii(nd, "\n\t", hdr, caplen - hdr);
        return hdr;
    }

    private static bool Encap(PrintContext nd, int type, int p, int length, int caplen)
    {
        switch (type)
        {
            case 240: case 212: Ip.Print(nd, p, length); return true;
            case 0xc4: Ip6.Print(nd, p, length); return true;
            case 241: case 213: case 214: Arp.Print(nd, p, length, caplen); return true;
            case 221:
                if (nd.Verbose > 0) nd.Print("et1 ");
                Atalk.Print(nd, p, length);
                return true;
            case 250: Ipx.Print(nd, p, length); return true;
            default: return false;
        }
    }
}
