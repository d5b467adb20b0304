// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Linux cooked capture v1 and v2.</summary>
/// <remarks>Specification: LINKTYPE_LINUX_SLL and LINKTYPE_LINUX_SLL2 in tcpdump.org's link-layer header types.</remarks>
internal static class Sll
{
    private static string PktType(int t) => t switch { 0 => "In", 1 => "B", 2 => "M", 3 => "P", 4 => "Out", _ => "?" };

    private static void Proto(PrintContext nd, int et, int length)
    {
        if (nd.Settings.Quick) return;
        if (et <= 1500)
            nd.Print(et switch { 1 => "802.3", 4 => "802.2", _ => $"ethertype Unknown (0x{et:x4})" });
        else nd.Print($"ethertype {Ether.TypeName(et) ?? "Unknown"} (0x{et:x4})");
        nd.Print($", length {length}: ");
    }

    private static void Hdr1(PrintContext nd, int length)
    {
        nd.Proto = "sll";
        nd.Print($"{PktType(nd.Be16(0)),3} ");
        if (nd.Be16(4) == 6) { nd.Mac(6); nd.Print(' '); }
        Proto(nd, nd.Be16(14), length);
    }

    private static void Hdr2(PrintContext nd, int length)
    {
        nd.Proto = "sll2";
        nd.Print($"ifindex {nd.Be32(4)} ");
        if (nd.U8(11) == 6) { nd.Mac(12); nd.Print(' '); }
        Proto(nd, nd.Be16(0), length);
    }

    public static int Print(PrintContext nd, int length, int caplen)
    {
        nd.Proto = "sll";
        nd.Check(0, 16);
        if (nd.Settings.LinkHeader) Hdr1(nd, length);
        return Body(nd, 16, nd.Be16(14), length - 16, caplen - 16, l => Hdr1(nd, l));
    }

    public static int Print2(PrintContext nd, int length, int caplen)
    {
        nd.Proto = "sll2";
        nd.Check(0, 20);
        int ifindex = (int)nd.Be32(4);
        string name = IfName(ifindex);
        nd.Print($"{name,-5} ");
        nd.Print($"{PktType(nd.U8(10)),-3} ");
        if (nd.Settings.LinkHeader) Hdr2(nd, length);
        return Body(nd, 20, nd.Be16(0), length - 20, caplen - 20, l => Hdr2(nd, l));
    }

    /// <summary>As tcpdump: if_indextoname() at print time (in the printing thread's network namespace), "?" if unknown.</summary>
    private static string IfName(int index) => Dumpkit.Pcap.Capture.Interfaces.NameOf((uint)index) ?? "?";

    private static int Body(PrintContext nd, int p, int et, int length, int caplen, Action<int> hdr)
    {
        int hdrlen = p;
        int hdrTotal = p;
        while (true)
        {
            if (et <= 1500)
            {
                if (et == 1) Ipx.Print(nd, p, length); // Ethernet_802.3 IPX, no 802.2 header
                else if (et == 4)
                {
                    int l = Llc.Print(nd, p, length, caplen, -1);
                    if (l < 0) nd.DefaultPrint(p, caplen);
                    else hdrlen += l;
                }
                else nd.DefaultPrint(p, caplen);
                return hdrlen;
            }
            if (et == 0x8100)
            {
                if (caplen < 4) { nd.Proto = "vlan"; nd.PrintTrunc(); return hdrlen + caplen; }
                if (nd.Settings.LinkHeader)
                {
                    int tag = nd.Be16(p);
                    nd.Print($"vlan {tag & 0xfff}, p {tag >> 13}{((tag & 0x1000) != 0 ? ", DEI" : "")}, ");
                }
                et = nd.Be16(p + 2);
                if (et <= 1500) et = 4;
                if (!nd.Settings.Quick) nd.Print($"ethertype {Ether.TypeName(et) ?? "Unknown"}, ");
                p += 4; length -= 4; caplen -= 4; hdrlen += 4;
                continue;
            }
            if (!Ether.EtherType(nd, et, p, length, caplen))
            {
                if (!nd.Settings.LinkHeader) hdr(length + hdrTotal);
                nd.DefaultPrint(p, caplen);
            }
            return hdrlen;
        }
    }
}
