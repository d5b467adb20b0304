// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Ethernet II / 802.3 with 802.1Q / QinQ tags, and the ethertype dispatch shared by other links.</summary>
/// <remarks>Specification: IEEE 802.3 and IEEE 802.1Q.</remarks>
internal static class Ether
{
    public static string? TypeName(int t) => t switch
    {
        0x0800 => "IPv4", 0x8847 => "MPLS unicast", 0x8848 => "MPLS multicast", 0x86dd => "IPv6",
        0x8100 => "802.1Q", 0x9100 => "802.1Q-9100", 0x88a8 => "802.1Q-QinQ", 0x9200 => "802.1Q-9200",
        0x88e5 => "802.1AE MACsec", 0x0200 => "PUP", 0x0806 => "ARP", 0x8035 => "Reverse ARP",
        0x0600 => "NS", 0x0500 => "Sprite", 0x1000 => "Trail", 0x6001 => "MOP DL", 0x6002 => "MOP RC",
        0x6003 => "DN", 0x6004 => "LAT", 0x6007 => "SCA", 0x6558 => "TEB", 0x8038 => "Lanbridge",
        0x803c => "DEC DNS", 0x803e => "DEC DTS", 0x805b => "VEXP", 0x805c => "VPROD", 0x809b => "Appletalk",
        0x80f3 => "Appletalk ARP", 0x8137 => "IPX", 0x880b => "PPP", 0x8808 => "MPCP", 0x8809 => "Slow Protocols",
        0x8863 => "PPPoE D", 0x8864 => "PPPoE S", 0x888e => "EAPOL", 0x8899 => "Realtek protocols",
        0x886f => "MS NLB heartbeat", 0x8870 => "Jumbo", 0x894f => "NSH", 0x9000 => "Loopback", 0xfefe => "OSI",
        0x00fe => "GRE-OSI", 0xabcd => "CFM (old)", 0x8902 => "CFM", 0x893a => "IEEE1905.1", 0x88cc => "LLDP",
        0x88ca => "TIPC", 0x0707 => "GeoNet (old)", 0x8947 => "GeoNet", 0x1111 => "CALM FAST", 0x88a2 => "AoE",
        0x88f7 => "PTP", 0xd28b => "Arista Vendor Specific Protocol",
        _ => null,
    };

    public static void PrintType(PrintContext nd, int t)
    {
        if (!nd.Settings.Quick) nd.Print($"ethertype {TypeName(t) ?? "Unknown"} (0x{t:x4})");
        else if (TypeName(t) is { } n) nd.Print(n);
        else nd.Print($"Unknown Ethertype (0x{t:x4})");
    }

    private static void Addresses(PrintContext nd, int off)
    {
        nd.Mac(off + 6);
        nd.Print(" > ");
        nd.Mac(off);
        nd.Print(", ");
    }

    /// <summary>Prints an Ethernet frame at off; returns the link-layer header length.</summary>
    public static int Print(PrintContext nd, int off, int length, int caplen) => Print(nd, off, length, caplen, null, 0);

    /// <summary>Ethernet frame with a switch tag of tagLen bytes after the addresses, printed by tagPrinter.</summary>
    public static int Print(PrintContext nd, int off, int length, int caplen, Action<PrintContext, int>? tagPrinter, int tagLen)
    {
        if (tagPrinter == null) nd.Proto = "ether";
        if (length < caplen)
        {
            nd.Print($"[length {length} < caplen {caplen}]");
            nd.PrintInvalid();
            return length;
        }
        if (caplen < 14 + tagLen)
        {
            nd.PrintTrunc();
            return caplen;
        }
        int origLength = length;
        int macOff = off;
        bool e = nd.Settings.LinkHeader;
        length -= 12; caplen -= 12;
        int p = off + 12;
        int hdrlen = 12;
        if (e) Addresses(nd, macOff);
        if (tagPrinter != null) tagPrinter(nd, p);
        length -= tagLen; caplen -= tagLen; p += tagLen; hdrlen += tagLen;
        int lt;
        bool printedLength;
    recurse:
        lt = nd.Be16(p);
        length -= 2; caplen -= 2; p += 2; hdrlen += 2;
        printedLength = false;
        if (lt == 0x88e5)
        {
            if (e)
            {
                PrintType(nd, lt);
                nd.Print($", length {origLength}: ");
                printedLength = true;
            }
            int ret = Macsec.Print(nd, ref p, ref length, ref caplen, ref hdrlen, macOff);
            if (ret == 0)
            {
                nd.DefaultPrint(p, caplen);
                return hdrlen;
            }
            if (ret > 0) return ret;
            lt = nd.Be16(p);
            if (caplen < 2) { nd.Print($" [caplen {caplen} < 2]"); return hdrlen; }
            length -= 2; caplen -= 2; p += 2; hdrlen += 2;
        }
        while (lt is 0x8100 or 0x9100 or 0x9200 or 0x88a8)
        {
            if (caplen < 4) { nd.Proto = "vlan"; nd.PrintTrunc(); return hdrlen + caplen; }
            if (length < 4) { nd.Proto = "vlan"; nd.PrintTrunc(); return hdrlen + length; }
            if (e)
            {
                int tag = nd.Be16(p);
                PrintType(nd, lt);
                if (!printedLength) { nd.Print($", length {origLength}: "); printedLength = true; }
                else nd.Print(", ");
                nd.Print($"vlan {tag & 0xfff}, p {tag >> 13}{((tag & 0x1000) != 0 ? ", DEI" : "")}, ");
            }
            lt = nd.Be16(p + 2);
            p += 4; length -= 4; caplen -= 4; hdrlen += 4;
        }
        if (lt <= 1500)
        {
            if (lt < length)
            {
                length = lt;
                if (caplen > length) caplen = length;
            }
            int saved = nd.PushSnap(p, length);
            if (e)
            {
                nd.Print("802.3");
                if (!printedLength) nd.Print($", length {length}: ");
            }
            int llc = Llc.Print(nd, p, length, caplen, macOff);
            if (llc < 0)
            {
                nd.DefaultPrint(p, caplen);
                llc = -llc;
            }
            hdrlen += llc;
            nd.PopSnap(saved);
        }
        else if (lt == 0x8870)
        {
            int llc = Llc.Print(nd, p, length, caplen, macOff);
            if (llc < 0)
            {
                nd.DefaultPrint(p, caplen);
                llc = -llc;
            }
            hdrlen += llc;
        }
        else if (lt == 0xd28b)
        {
            if (caplen < 2) { nd.Print("[|arista]"); return hdrlen + caplen; }
            if (length < 2) { nd.Print("[|arista]"); return hdrlen + length; }
            PrintType(nd, lt);
            nd.Print($", length {origLength}: ");
            int consumed = Arista(nd, p);
            if (consumed > 0)
            {
                p += consumed; length -= consumed; caplen -= consumed; hdrlen += consumed;
                goto recurse;
            }
            if (!e)
            {
                Addresses(nd, macOff);
                PrintType(nd, lt);
                nd.Print($", length {origLength}: ");
            }
            nd.DefaultPrint(p, caplen);
        }
        else
        {
            if (e)
            {
                PrintType(nd, lt);
                if (!printedLength) nd.Print($", length {origLength}: ");
                else nd.Print(", ");
            }
            if (!EtherType(nd, lt, p, length, caplen, macOff + 6))
            {
                if (!e)
                {
                    Addresses(nd, macOff);
                    PrintType(nd, lt);
                    nd.Print($", length {origLength}: ");
                }
                nd.DefaultPrint(p, caplen);
            }
        }
        return hdrlen;
    }

    /// <summary>Arista vendor-specific header (time stamps); bytes consumed or -1.</summary>
    private static int Arista(PrintContext nd, int bp)
    {
        nd.Proto = "arista";
        int sub = nd.Be16(bp);
        nd.Print($"SubType {(sub == 1 ? "Timestamp" : "Unknown")} (0x{sub:x4}), ");
        if (sub != 1) return -1;
        int scale = nd.U8(bp + 2);
        nd.Print($"Timescale {scale switch { 0 => "TAI", 1 => "UTC", _ => "Unknown" }} ({scale}), ");
        int fmt = nd.U8(bp + 3) >> 4, hw = nd.U8(bp + 3) & 0x0f;
        nd.Print($"Format {fmt switch { 1 => "64-bit", 2 => "48-bit", _ => "Unknown" }} ({fmt})" +
            $", HwInfo {hw switch { 0 => "R/R2", 1 => "R3", _ => "Unknown" }} ({hw}), Timestamp ");
        int consumed = 4;
        switch (fmt)
        {
            case 1:
            {
                ulong sec = nd.Be32(bp + 4);
                uint ns = nd.Be32(bp + 8);
                sec += ns / 1000000000; ns %= 1000000000;
                var t = DateTimeOffset.FromUnixTimeSeconds((long)sec).UtcDateTime;
                nd.Print($"{t.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)}.{ns:D9}");
                consumed += 8;
                break;
            }
            case 2:
            {
                ulong sec = nd.Be16(bp + 4);
                uint ns = nd.Be32(bp + 6);
                sec += ns / 1000000000; ns %= 1000000000;
                nd.Print($"{sec}.{ns:D9}");
                consumed += 6;
                break;
            }
            default:
                return -1;
        }
        nd.Print(": ");
        return consumed;
    }

    /// <summary>Dispatches on an ethertype; false when the type has no printer.</summary>
    public static bool EtherType(PrintContext nd, int type, int p, int length, int caplen, int srcMac = -1)
    {
        switch (type)
        {
            case 0x1111: CalmFast(nd, p, length, srcMac); return true;
            case 0x8947:
            case 0x0707: Geonet.Print(nd, p, length, srcMac); return true;
            case 0x0800: Ip.Print(nd, p, length); return true;
            case 0x86dd: Ip6.Print(nd, p, length); return true;
            case 0x0806:
            case 0x8035: Arp.Print(nd, p, length, caplen); return true;
            case 0x9000: Loopback(nd, p, length); return true;
            case 0x8847:
            case 0x8848: Mpls.Print(nd, p, length); return true;
            case 0x894f: Nsh.Print(nd, p, length); return true;
            case 0xfefe: Isoclns.EtherIso(nd, p, length, caplen); return true;
            case 0x88a2: Aoe.Print(nd, p, length); return true;
            case 0x8902:
            case 0xabcd: Cfm.Print(nd, p, length); return true;
            case 0x88cc: Lldp.Print(nd, p, length); return true;
            case 0x88ca: Tipc.Print(nd, p); return true;
            case 0x8809: Slow.Print(nd, p, length); return true;
            case 0x8137: Ipx.Print(nd, p, length); return true;
            case 0x6003: Decnet.Print(nd, p, length, caplen); return true;
            case 0x880b:
                if (length != 0) { nd.Print(": "); Ppp.Print(nd, p, length); }
                return true;
            case 0x888e: Eap.EapolPrint(nd, p); return true;
            case 0x88f7: Ptp.Print(nd, p, length); return true;
            case 0x809b:
                if (nd.Verbose > 0) nd.Print("et1 ");
                Atalk.Print(nd, p, length);
                return true;
            case 0x80f3: Atalk.Aarp(nd, p, length); return true;
            case 0x886f:
                nd.Proto = "msnlb";
                nd.Print("MS NLB heartbeat");
                nd.Print($", host priority: {nd.Le32(p + 8)}");
                nd.Print($", cluster IP: {nd.A4(p + 12)}");
                nd.Print($", host IP: {nd.A4(p + 16)}");
                return true;
            case 0x8863:
            case 0x8864:
            case 0x3c12:
            case 0x3c13: Pppoe.Print(nd, p, length); return true;
            default: return false;
        }
    }

    /// <summary>CALM FAST (ISO 21218): network reference bytes, payload dumped with -v.</summary>
    private static void CalmFast(PrintContext nd, int p, int length, int srcMac)
    {
        nd.Proto = "calm_fast";
        nd.Print("CALM FAST");
        if (srcMac >= 0) { nd.Print(" src:"); nd.Mac(srcMac); }
        nd.Print("; ");
        if (length < 2)
        {
            nd.Print($" (length {(uint)length} < 2)");
            nd.PrintInvalid();
            nd.Check(p, length);
            return;
        }
        nd.Print($"SrcNwref:{nd.U8(p)}; ");
        nd.Print($"DstNwref:{nd.U8(p + 1)}; ");
        if (nd.Verbose > 0) HexDump.HexAscii(nd, "\n\t", p + 2, length - 2);
    }

    private static void Loopback(PrintContext nd, int p, int len)
    {
        nd.Proto = "loopback";
        nd.Print("Loopback");
        if (len < 2) { nd.PrintInvalid(); nd.Check(p, len); return; }
        int skip = nd.Le16(p);
        p += 2; len -= 2;
        nd.Print($", skipCount {skip}");
        if (skip % 8 != 0) nd.Print(" (bogus)");
        if (skip > len) { nd.PrintInvalid(); nd.Check(p, len); return; }
        nd.Check(p, skip);
        p += skip; len -= skip;
        if (len < 2) { nd.PrintInvalid(); nd.Check(p, len); return; }
        int fn = nd.Le16(p);
        p += 2; len -= 2;
        nd.Print(", ");
        nd.Print(fn switch { 1 => "Reply", 2 => "Forward Data", _ => $" invalid ({fn})" });
        if (fn == 1)
        {
            if (len < 2) { nd.PrintInvalid(); nd.Check(p, len); return; }
            nd.Print($", receipt number {nd.Le16(p)}");
            p += 2; len -= 2;
            nd.Print($", data ({len} octets)");
        }
        else if (fn == 2)
        {
            if (len < 6) { nd.PrintInvalid(); nd.Check(p, len); return; }
            nd.Print(", forwarding address ");
            nd.Mac(p);
            p += 6; len -= 6;
            nd.Print($", data ({len} octets)");
        }
        nd.Check(p, len);
    }
}
