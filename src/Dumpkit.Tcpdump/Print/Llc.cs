// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>
/// 802.2 LLC: SNAP, STP, IP, IPX and OSI SAPs are decoded; other frames are described (unnumbered, supervisory,
/// information) and their payload is left to the raw dump.
/// </summary>
/// <remarks>Specification: IEEE 802.2, RFC 1042 (SNAP).</remarks>
internal static class Llc
{
    private const int UFormat = 3, SFormat = 1, UPoll = 0x10, IsPoll = 0x100, XidFormatId = 0x81;
    private const int Ui = 0x03, Xid = 0xaf;

    /// <summary>
    /// Returns the length of what was decoded (LLC header, plus SNAP header when present); negative when the
    /// payload was not printed and the caller should dump it raw.
    /// </summary>
    /// <remarks>macOff is the destination MAC address (negative: none); the source follows it unless srcOff (802.11) says
    /// where it is.</remarks>
    public static int Print(PrintContext nd, int p, int length, int caplen, int macOff, int srcOff = -1)
    {
        if (srcOff < 0) srcOff = macOff + 6;
        nd.Proto = "llc";
        if (caplen < 3 || length < 3) return Short(nd, p, length, caplen, 3);
        int dsapField = nd.U8(p), ssapField = nd.U8(p + 1);
        int control = nd.U8(p + 2);
        bool isU = (control & UFormat) == UFormat;
        int hdrlen = 3;
        if (!isU)
        {
            // I and S frames have a two-byte, little-endian control field
            if (caplen < 4 || length < 4) return Short(nd, p, length, caplen, 4);
            control = nd.Le16(p + 2);
            hdrlen = 4;
        }
        if (ssapField == 0xff && dsapField == 0xff)
        {
            // Ethernet_802.3 IPX: no 802.2 header, the IPX header starts with 0xffff
            if (nd.Settings.LinkHeader) nd.Print("IPX 802.3: ");
            Ipx.Print(nd, p, length);
            return 0;
        }
        int dsap = dsapField & 0xfe, ssap = ssapField & 0xfe;
        if (nd.Settings.LinkHeader)
        {
            nd.Print($"LLC, dsap {Sap(dsap) ?? "Unknown"} (0x{dsap:x2}) {((dsapField & 1) != 0 ? "Group" : "Individual")}" +
                $", ssap {Sap(ssap) ?? "Unknown"} (0x{ssap:x2})"
                + $" {((ssapField & 1) != 0 ? "Response" : "Command")}");
            if (isU) nd.Print($", ctrl 0x{control:x2}: ");
            else nd.Print($", ctrl 0x{control:x4}: ");
        }
        p += hdrlen; length -= hdrlen; caplen -= hdrlen;
        if (ssap == dsap && control == Ui)
        {
            switch (dsap)
            {
                case 0xaa:
                    // a negative length tells the caller to dump the payload; both include the SNAP header
                    return Snap(nd, p, length, caplen, macOff, srcOff) ? hdrlen + 5 : -(hdrlen + 5);
                case 0x42: Stp.Print(nd, p, length); return hdrlen;
                case 0x06: Ip.Print(nd, p, length); return hdrlen;
                case 0xe0:
                    if (nd.Settings.LinkHeader) nd.Print("IPX 802.2: ");
                    Ipx.Print(nd, p, length);
                    return hdrlen;
                case 0xfe: Isoclns.Print(nd, p, length); return hdrlen;
            }
        }
        if (!nd.Settings.LinkHeader)
        {
            // nobody printed the link-layer addresses: print them with the SAPs
            if (ssap == dsap)
            {
                if (macOff >= 0) { nd.Mac(srcOff); nd.Print(" > "); nd.Mac(macOff); nd.Print(' '); }
                nd.Print($"{Sap(dsap) ?? $"Unknown DSAP 0x{dsap:x2}"} ");
            }
            else
            {
                if (macOff >= 0) { nd.Mac(srcOff); nd.Print(' '); }
                nd.Print($"{Sap(ssap) ?? $"Unknown SSAP 0x{ssap:x2}"} > ");
                if (macOff >= 0) { nd.Mac(macOff); nd.Print(' '); }
                nd.Print($"{Sap(dsap) ?? $"Unknown DSAP 0x{dsap:x2}"} ");
            }
        }
        int frameLength = length + hdrlen;
        if (isU)
        {
            nd.Print($"Unnumbered, {Command(control & ~UPoll)}, Flags [{Flags((ssapField & 1) | (control & UPoll))}], length {frameLength}");
            if ((control & ~UPoll) == Xid)
            {
                if (length == 0) return hdrlen; // XID without payload, as an SNA short-form XID
                if (caplen < 1) { nd.PrintTrunc(); return hdrlen; }
                if (nd.U8(p) == XidFormatId)
                {
                    if (caplen < 3 || length < 3)
                    {
                        nd.PrintTrunc();
                        RawDump(nd, p, caplen);
                    }
                    else nd.Print($": {nd.U8(p + 1):x2} {nd.U8(p + 2):x2}");
                    return hdrlen;
                }
            }
        }
        else if ((control & SFormat) != 0)
        {
            string kind = ((control >> 2) & 3) switch { 0 => "Receiver Ready", 1 => "Receiver not Ready", 2 => "Reject", _ => "?" };
            nd.Print($"Supervisory, {kind}, rcv seq {(control >> 9) & 0x7f}, Flags [{Flags((ssapField & 1) | (control & IsPoll))}], length {frameLength}");
            return hdrlen; // no payload
        }
        else
        {
            nd.Print($"Information, send seq {(control >> 1) & 0x7f}, rcv seq {(control >> 9) & 0x7f}" +
                $", Flags [{Flags((ssapField & 1) | (control & IsPoll))}], length {frameLength}");
        }
        return -hdrlen;
    }

    /// <summary>Fewer bytes than the LLC header needs: marks the truncation and dumps what there is.</summary>
    private static int Short(PrintContext nd, int p, int length, int caplen, int need)
    {
        nd.PrintTrunc();
        RawDump(nd, p, caplen);
        return caplen < need ? caplen : length;
    }

    /// <summary>tcpdump dumps what there is of a short LLC header even under -x/-X/-q, which silence the usual raw dump.</summary>
    private static void RawDump(PrintContext nd, int p, int caplen)
    {
        if (caplen > 0) HexDump.HexAscii(nd, "\n\t", p, caplen);
    }

    private static string? Sap(int s) => s switch
    {
        0x00 => "Null", 0xff => "Global", 0x02 => "802.1B I", 0x03 => "802.1B G", 0x06 => "IP", 0x04 => "SNA",
        0x0e => "ProWay NM", 0x42 => "STP", 0x4e => "RS511", 0x7e => "ISO8208", 0x8e => "ProWay", 0xaa => "SNAP",
        0xe0 => "IPX", 0xf0 => "NetBeui", 0xfe => "OSI", _ => null,
    };

    private static string Command(int c) => c switch
    {
        0x03 => "ui", 0xe3 => "test", 0xaf => "xid", 0x63 => "ua", 0x43 => "disc", 0x0f => "dm", 0x6f => "sabme",
        0x87 => "frmr", _ => $"{c:x2}",
    };

    /// <summary>Command/response bit of the SSAP with the poll/final bit of the control field.</summary>
    private static string Flags(int f) => f switch
    {
        0 => "Command", 1 => "Response", UPoll or IsPoll => "Poll", UPoll | 1 or IsPoll | 1 => "Final", _ => "?",
    };

    public static string? Oui(uint o) => o switch
    {
        0x000000 => "Ethernet", 0x00000c => "Cisco", 0x00005e => "IANA", 0x000081 => "Nortel Networks SONMP",
        0x0000f8 => "Cisco bridged", 0x0080c2 => "Ethernet bridged", 0x00a03e => "ATM Forum", 0x00e02f => "DOCSIS Spanning Tree",
        0x080007 => "Appletalk", 0x009069 => "Juniper", 0x080009 => "Hewlett-Packard", 0x00120f => "IEEE 802.3 Private",
        0x0012bb => "ANSI/TIA", 0x001b21 => "DCBX", 0x002320 => "Nicira Networks", 0x5c16c7 => "Big Switch Networks",
        0xb0d2f5 => "Vello Systems", 0x002481 => "HP", 0x0004ea => "HP-Labs", 0x748771 => "Infoblox Inc",
        0xa42305 => "Open Networking Lab", 0x00049f => "Freescale", 0x0015ad => "Netronome", 0x001018 => "Broadcom",
        0x00e004 => "PMC-Sierra", 0xd0f0db => "Ericsson", _ => null,
    };

    private static string? Pid(uint oui, int et) => oui switch
    {
        0x000000 or 0x0000f8 or 0x080007 => Ether.TypeName(et),
        0x00000c => et switch { 0x2000 => "CDP", 0x2003 => "VTP", 0x2004 => "DTP", 0x0111 => "UDLD", 0x010b => "PVST", 0x010c => "VLAN Bridge", _ => null },
        0x0080c2 => et switch
        {
            0x0001 => "Ethernet + FCS", 0x0007 => "Ethernet w/o FCS", 0x0002 => "802.4 + FCS", 0x0008 => "802.4 w/o FCS",
            0x0003 => "Token Ring + FCS", 0x0009 => "Token Ring w/o FCS", 0x0004 => "FDDI + FCS", 0x000a => "FDDI w/o FCS",
            0x0005 => "802.6 + FCS", 0x000b => "802.6 w/o FCS", 0x000e => "BPDU", _ => null,
        },
        _ => null,
    };

    /// <summary>SNAP header after LLC; true when the payload was printed.</summary>
    public static bool Snap(PrintContext nd, int p, int length, int caplen, int macOff, int srcOff = -1)
    {
        if (srcOff < 0) srcOff = macOff + 6;
        nd.Proto = "snap";
        if (!nd.TTest(p, 5) || caplen < 5 || length < 5) { nd.PrintTrunc(); return true; }
        uint oui = nd.Be24(p);
        int et = nd.Be16(p + 3);
        if (nd.Settings.LinkHeader)
            nd.Print($"oui {Oui(oui) ?? "Unknown"} (0x{oui:x6})" +
                $", {(oui == 0 ? "ethertype" : "pid")} {Pid(oui, et) ?? "Unknown"} (0x{et:x4}), length {length - 5}: ");
        p += 5; length -= 5; caplen -= 5;
        switch (oui)
        {
            case 0x000000:
            case 0x0000f8:
                if (Ether.EtherType(nd, et, p, length, caplen)) return true;
                break;
            case 0x080007:
                if (et == 0x809b && Ether.EtherType(nd, et, p, length, caplen)) return true;
                break;
            case 0x00000c:
                switch (et)
                {
                    case 0x2000: Cdp.Print(nd, p, length); return true;
                    case 0x2003: Vtp.Print(nd, p, length); return true;
                    case 0x2004: Dtp.Print(nd, p, length); return true;
                    case 0x0111: Udld.Print(nd, p, length); return true;
                    case 0x010b:
                    case 0x010c: Stp.Print(nd, p, length); return true;
                }
                break;
            case 0x0080c2:
                if (et == 0x000e) { Stp.Print(nd, p, length); return true; }
                if (et is 0x0001 or 0x0007)
                {
                    // bridged Ethernet: two bytes of padding, then the frame
                    if (!nd.TTest(p, 2)) { nd.PrintTrunc(); return true; }
                    Ether.Print(nd, p + 2, length - 2, caplen - 2);
                    return true;
                }
                break;
        }
        if (!nd.Settings.LinkHeader)
        {
            if (macOff >= 0) { nd.Mac(srcOff); nd.Print(" > "); nd.Mac(macOff); nd.Print(' '); }
            if (oui == 0) nd.Print($"SNAP, ethertype {Ether.TypeName(et) ?? "Unknown"} (0x{et:x4}), length {length}: ");
            else nd.Print($"SNAP, oui {Oui(oui) ?? "Unknown"} (0x{oui:x6}), pid {Pid(oui, et) ?? "Unknown"} (0x{et:x4}), length {length}: ");
        }
        return false;
    }
}
