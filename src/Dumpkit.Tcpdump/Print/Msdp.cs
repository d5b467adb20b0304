// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>MSDP, the Multicast Source Discovery Protocol over TCP (port 639): its TLVs, as tcpdump 4.99.3 prints them.</summary>
/// <remarks>
/// Specification: RFC 3618 section 12 (a TLV is a type octet and a 16-bit length that counts the three header octets; type 1
/// Source-Active with its entry count, RP address, 12-octet entries and an encapsulated data packet after them, 2 SA-Request,
/// 3 SA-Response, 4 Keepalive, 5 Notification). A segment whose first TLV is implausible (type 0 or above 7, length below 3 or
/// above 1500) is not decoded; a TLV longer than 1400 octets, or any with -v, shows its length; with -vv the data packet of a
/// Source-Active is printed.
/// </remarks>
internal static class Msdp
{
    private const int TypeMax = 7;

    public static void Print(PrintContext nd, int bp, int length)
    {
        nd.Proto = "msdp";
        nd.Print(": msdp");
        int type = nd.U8(bp), len = nd.Be16(bp + 1);
        if (len > 1500 || len < 3 || type == 0 || type > TypeMax)
        {
            nd.PrintTrunc();
            return;
        }
        while (length != 0)
        {
            type = nd.U8(bp);
            len = nd.Be16(bp + 1);
            if (len > 1400 || nd.Verbose > 0) nd.Print($" [len {len}]");
            if (len < 3 || length < len)
            {
                nd.PrintTrunc();
                return;
            }
            bp += 3;
            length -= 3;
            switch (type)
            {
                case 1:
                case 3:
                    nd.Print(type == 1 ? " SA" : " SA-Response");
                    int entries = nd.U8(bp);
                    nd.Print($" {entries} entries");
                    int dataAt = entries * 12 + 8;
                    if (dataAt < len)
                    {
                        nd.Print(" [w/data]");
                        if (nd.Verbose > 1)
                        {
                            nd.Print(" ");
                            Ip.Print(nd, bp + dataAt - 3, len - dataAt);
                        }
                    }
                    break;
                case 2:
                    nd.Print(" SA-Request");
                    nd.Print($" for {nd.A4(bp + 1)}");
                    break;
                case 4:
                    nd.Print(" Keepalive");
                    if (len != 3) nd.Print($"[len={len}] ");
                    break;
                case 5:
                    nd.Print(" Notification");
                    break;
                default:
                    nd.Print($" [type={type} len={len}]");
                    break;
            }
            bp += len - 3;
            length -= len - 3;
        }
    }
}
