// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Marvell DSA and EDSA switch tags (LINKTYPE_DSA_TAG_DSA / LINKTYPE_DSA_TAG_EDSA) inside Ethernet frames.</summary>
/// <remarks>Specification: the Marvell DSA/EDSA tag formats as Linux defines them (net/dsa/tag_dsa.c).</remarks>
internal static class Dsa
{
    private static readonly Action<PrintContext, int> DsaTag = PrintDsa, EdsaTag = PrintEdsa;

    public static int DsaIfPrint(PrintContext nd, int length, int caplen)
    {
        nd.Proto = "dsa";
        return Ether.Print(nd, 0, length, caplen, DsaTag, 4);
    }

    public static int EdsaIfPrint(PrintContext nd, int length, int caplen)
    {
        nd.Proto = "edsa";
        return Ether.Print(nd, 0, length, caplen, EdsaTag, 8);
    }

    private static void PrintDsa(PrintContext nd, int p)
    {
        nd.Print(nd.Settings.LinkHeader ? "Marvell DSA " : "DSA ");
        Common(nd, p);
    }

    private static void PrintEdsa(PrintContext nd, int p)
    {
        int et = nd.Be16(p);
        if (nd.Settings.LinkHeader)
        {
            nd.Print($"Marvell EDSA ethertype 0x{et:x4} ({Ether.TypeName(et) ?? "Unknown"}), ");
            nd.Print($"rsvd {nd.U8(p + 2)} {nd.U8(p + 3)}, ");
        }
        else nd.Print($"EDSA 0x{et:x4}, ");
        Common(nd, p + 4);
    }

    private static void Common(PrintContext nd, int p)
    {
        int b0 = nd.U8(p), b1 = nd.U8(p + 1), b2 = nd.U8(p + 2), b3 = nd.U8(p + 3);
        int mode = b0 >> 6, dev = b0 & 0x1f, port = b1 >> 3;
        bool tagged = (b0 & 0x20) != 0, trunk = (b1 & 4) != 0, cfi = (b1 & 1) != 0;
        int pri = b2 >> 5, vid = (b2 & 0x0f) << 8 | b3;
        int code = ((b1 & 0x06) >> 1) << 1 | (b2 & 0x10) >> 4;
        if (nd.Settings.LinkHeader)
        {
            nd.Print($"mode {mode switch { 0 => "To CPU", 1 => "From CPU", 2 => "To Sniffer", _ => "Forward" }}, ");
            switch (mode)
            {
                case 3:
                    nd.Print($"dev {dev}, {(trunk ? "trunk" : "port")} {port}, ");
                    break;
                case 1:
                    nd.Print($"target dev {dev}, port {port}, ");
                    break;
                case 0:
                    nd.Print($"source dev {dev}, port {port}, ");
                    nd.Print($"code {code switch { 0 => "BPDU (MGMT) Trap", 1 => "Frame2Reg", 2 => "IGMP/MLD Trap",
                        3 => "Policy Trap", 4 => "ARP Mirror", 5 => "Policy Mirror", _ => "reserved" }}, ");
                    break;
                case 2:
                    nd.Print($"source dev {dev}, port {port}, ");
                    nd.Print($"{(trunk ? "ingress" : "egress")} sniff, ");
                    break;
            }
            nd.Print($"{(tagged ? "tagged" : "untagged")}, ");
            if (cfi) nd.Print("CFI, ");
            nd.Print($"VID {vid}, ");
            nd.Print($"FPri {pri}, ");
        }
        else
        {
            switch (mode)
            {
                case 3: nd.Print($"Forward {(trunk ? "trunk" : "port")} {dev}.{port}, "); break;
                case 1: nd.Print($"CPU > port {dev}.{port}, "); break;
                case 0: nd.Print($"port {dev}.{port} > CPU, "); break;
                case 2: nd.Print($"port {dev}.{port} > {(trunk ? "Rx" : "Tx")} Sniffer, "); break;
            }
            nd.Print($"VLAN {vid}{(tagged ? 't' : 'u')}, ");
        }
    }
}
