// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>
/// Juniper capture link types: the "MGC" pseudo-header (flags, extension TLVs, the no-L2 IP guess) in front of
/// the frame. DLT_JUNIPER_ETHER (178, plain Ethernet, no cookie), DLT_JUNIPER_ATM1 (137, a 4-byte cookie, then OAM,
/// LLC, Cisco NLPID or bare IP) and DLT_JUNIPER_ES (132, the IPsec services header, then IP) are wired up.
/// </summary>
/// <remarks>Specification: Juniper's capture pseudo-header (no public specification).</remarks>
internal static class Juniper
{
    private const uint Magic = 0x4d4743; // "MGC"
    private const int FlagIn = 0x01, FlagNoL2 = 0x02, FlagExt = 0x80;

    private const int LsCookieId = 0x54, AsCookieId = 0x47;

    /// <summary>The PIC types that carry a cookie: its base length and the name -e prints.</summary>
    private enum Pic { Ether, Atm1, Es }

    private static readonly Tok[] FlagNames =
    [
        new(0x80, "Ext"), new(0x40, "Filter"), new(0x04, "IIF"), new(0x02, "no-L2"), new(0x01, "In"),
    ];

    private static string? ExtTlvName(int t) => t switch
    {
        1 => "Device Interface Index", 2 => "Device Interface Name", 3 => "Device Media Type",
        4 => "Logical Interface Index", 5 => "Logical Unit Number", 6 => "Logical Interface Encapsulation",
        7 => "TTP derived Device Media Type", 8 => "TTP derived Logical Interface Encapsulation", _ => null,
    };

    private static string? MediaType(int t) => t switch
    {
        1 => "Ethernet", 2 => "FDDI", 3 => "Token-Ring", 4 => "PPP", 57 => "PPP-Subordinate", 5 => "Frame-Relay",
        6 => "Cisco-HDLC", 7 => "SMDS-DXI", 8 => "ATM-PVC", 9 => "PPP-CCC", 10 => "Frame-Relay-CCC", 48 => "Extended FR-CCC",
        11 => "IP-over-IP", 12 => "GRE", 13 => "PIM-Encapsulator", 14 => "PIM-Decapsulator", 15 => "Cisco-HDLC-CCC",
        16 => "VLAN-CCC", 32 => "Extended-VLAN-CCC", 17 => "Multilink-PPP", 18 => "Multilink-FR", 39 => "Multilink-FR-UNI-NNI",
        19 => "Multilink", 40 => "LinkService", 20 => "LSI", 22 => "ATM-CCC-Cell-Relay", 23 => "IPSEC-over-IP", 24 => "GGSN",
        27 => "PPP-TCC", 28 => "Frame-Relay-TCC", 49 => "Extended FR-TCC", 29 => "Cisco-HDLC-TCC", 30 => "Ethernet-CCC",
        31 => "VPN-Loopback-tunnel", 33 => "Ethernet-over-ATM", 46 => "Ethernet-VPLS-over-ATM", 34 => "Monitor",
        35 => "Ethernet-TCC", 36 => "VLAN-TCC", 37 => "Extended-VLAN-TCC", 38 => "Controller", 41 => "VPLS",
        42 => "VLAN-VPLS", 43 => "Extended-VLAN-VPLS", 44 => "Logical-tunnel", 45 => "General-Services", 56 => "PPPoE",
        52 => "Flexible-Ethernet-Services", 50 => "Flexible-FrameRelay", 53 => "Flow-collection", 60 => "PIC Peer",
        59 => "Dynamic-Flow-Capture", _ => null,
    };

    private static string? Encapsulation(int t) => t switch
    {
        59 => "Aggregator", 9 => "CCC over ATM", 32 => "ATM CCC Cell Relay", 26 => "CISCO compatible NLPID",
        56 => "Ethernet over ATM CCC", 41 => "Ethernet over ATM LLC", 53 => "Ethernet VPLS over ATM LLC", 5 => "ATM LLC",
        55 => "MLPPP over ATM LLC", 3 => "ATM NLPID", 61 => "PPPoE over ATM LLC", 8 => "PPP over FUNI",
        7 => "PPP over ATM LLC", 6 => "PPP over ATM VCMUX", 2 => "ATM SNAP", 43 => "ATM SNAP TCC", 35 => "ATM VCMUX TCC",
        4 => "ATM VCMUX", 18 => "C-HDLC", 25 => "C-HDLC CCC", 65 => "C-HDLC via dialer", 38 => "C-HDLC TCC",
        58 => "Collector", 33 => "Crypto", 14 => "Ethernet", 39 => "Ethernet CCC", 51 => "Extended VLAN VPLS",
        62 => "PPPoE over Ethernet", 45 => "Ethernet TCC", 50 => "VLAN VPLS", 49 => "VPLS", 42 => "Extended VLAN CCC",
        47 => "Extended VLAN TCC", 13 => "FR CCC", 10 => "FR NLPID", 54 => "FR CCC", 12 => "FR PPP", 11 => "FR SNAP",
        36 => "FR TCC", 34 => "GGSN", 22 => "GRE NULL", 23 => "PPP over GRE", 20 => "IPIP", 60 => "LAPD", 30 => "LSI Null",
        57 => "LT VLAN", 48 => "MFR", 29 => "MLFR", 28 => "MLPPP", 44 => "Monitor", 24 => "PIMd", 21 => "PIM Null",
        17 => "PPP", 63 => "PPPoE", 19 => "PPP CCC", 64 => "", 37 => "PPP TCC", 52 => "General Services", 27 => "VLAN CCC",
        _ => null,
    };

    /// <summary>DLT_JUNIPER_ETHER: the pseudo-header, then an Ethernet frame; returns the link-layer header length.</summary>
    public static int EtherIfPrint(PrintContext nd, int length, int caplen)
    {
        nd.Proto = "juniper_ether";
        int hlen = ParseHeader(nd, length, Pic.Ether, out bool more, out _);
        if (!more) return hlen;
        return hlen + Ether.Print(nd, hlen, length - hlen, caplen - hlen);
    }

    /// <summary>DLT_JUNIPER_ATM1: the pseudo-header and cookie, then an OAM cell, LLC/SNAP, Cisco NLPID or bare IP.</summary>
    public static int Atm1IfPrint(PrintContext nd, int length, int caplen)
    {
        nd.Proto = "juniper_atm1";
        int hlen = ParseHeader(nd, length, Pic.Atm1, out bool more, out int cookie0);
        if (!more) return hlen;
        int p = hlen;
        length -= hlen;
        caplen -= hlen;
        if (cookie0 == 0x80)
        {
            Atm.OamPrint(nd, p, length, false);
            return hlen;
        }
        uint h3 = nd.Be24(p);
        if ((h3 == 0xfefe03 || h3 == 0xaaaa03) && Llc.Print(nd, p, length, caplen, -1) > 0) return hlen;
        if (nd.U8(p) == 0x03)
        {
            Isoclns.Print(nd, p + 1, length - 1);
            return hlen;
        }
        IpGuess(nd, p, length);
        return hlen;
    }

    private static readonly Tok[] IpsecTypes =
    [
        new(1, "ESP ENCR-AUTH"), new(2, "ESP ENCR-AH AUTH"), new(3, "ESP AUTH"), new(4, "AH AUTH"), new(5, "ESP ENCR"),
    ];

    /// <summary>DLT_JUNIPER_ES: the pseudo-header, a 16-byte IPsec services header (rewritten away for some types), then IP.</summary>
    public static int EsIfPrint(PrintContext nd, int length, int caplen)
    {
        nd.Proto = "juniper_es";
        int hlen = ParseHeader(nd, length, Pic.Es, out bool more, out _);
        if (!more) return hlen;
        int p = hlen;
        length -= hlen;
        nd.Check(p, 16);
        int type = nd.U8(p + 3);
        bool bundle;
        int rewrite;
        switch (type)
        {
            case 1: case 2: bundle = true; rewrite = 0; break;
            case 3: case 4: case 5: bundle = false; rewrite = 16; break;
            default:
                nd.Print($"ES Invalid type {type}, length {(uint)length}");
                return hlen;
        }
        length -= rewrite;
        if (nd.Settings.LinkHeader)
        {
            string name = Toks.Find(IpsecTypes, (uint)type) ?? "Unknown";
            if (!bundle)
            {
                nd.Print($"ES SA, index {nd.Be16(p)}, ttl {nd.U8(p + 2)} type {name} ({type}), spi {nd.Be32(p + 4)}, Tunnel ");
                nd.Print($"{new V4(nd.Be32(p + 8), nd.Settings.Names)} > {new V4(nd.Be32(p + 12), nd.Settings.Names)}, length {(uint)length}\n");
            }
            else nd.Print($"ES SA, index {nd.Be16(p)}, ttl {nd.U8(p + 2)} type {name} ({type}), length {(uint)length}\n");
        }
        Ip.Print(nd, p + rewrite, length);
        return hlen;
    }

    /// <summary>
    /// Parses (and with -e/-vv prints) the pseudo-header at offset 0 and the PIC's cookie; returns their length. more is
    /// false when nothing follows to print (no magic, invalid extensions, or an L2-less packet already printed as IP).
    /// </summary>
    private static int ParseHeader(PrintContext nd, int length, Pic pic, out bool more, out int cookie0)
    {
        more = false;
        cookie0 = 0;
        int flags = nd.U8(3);
        if (nd.Be24(0) != Magic)
        {
            nd.Print("no magic-number found!");
            return 0;
        }
        bool e = nd.Settings.LinkHeader, vv = nd.Verbose > 1;
        if (e) nd.Print((flags & FlagIn) != 0 ? " In " : "Out ");
        int hlen = 4;
        if (vv)
        {
            nd.Print("\n\tJuniper PCAP Flags [");
            Toks.Bits(nd, FlagNames, "none", (uint)flags);
            nd.Print("]");
        }
        if ((flags & FlagExt) != 0)
        {
            int tp = hlen;
            int extLen = nd.Be16(tp);
            tp += 2;
            hlen += 2 + extLen;
            if (vv) nd.Print($", PCAP Extension(s) total length {extLen}");
            nd.Check(tp, extLen);
            while (extLen > 2)
            {
                int type = nd.U8(tp), len = nd.U8(tp + 1);
                tp += 2;
                if (type == 0 || len == 0) break;
                if (extLen < len + 2)
                {
                    nd.Print($" [extension_length {extLen} < {len + 2}]");
                    nd.PrintInvalid();
                    return 0;
                }
                if (vv) nd.Print($"\n\t  {ExtTlvName(type) ?? "Unknown"} Extension TLV #{type}, length {len}, value ");
                int value = TlvValue(nd, tp, type, len);
                if (vv && value != -1 && type != 2)
                {
                    string? name = type switch
                    {
                        3 or 7 => MediaType(value) ?? "Unknown",
                        6 or 8 => Encapsulation(value) ?? "Unknown",
                        _ => null,
                    };
                    if (name != null) nd.Print($"{name} ({(uint)value})");
                    else nd.Print($"{(uint)value}");
                }
                tp += len;
                extLen -= len + 2;
            }
            if (vv) nd.Print("\n\t-----original packet-----\n\t");
        }
        if ((flags & FlagNoL2) != 0)
        {
            if (e) nd.Print("no-L2-hdr, ");
            int ip = hlen + 4;
            nd.Check(ip, 1);
            if (!IpGuess(nd, ip, Math.Max(0, length - ip))) nd.Print("no IP-hdr found!");
            return ip;
        }
        int proto = 0;
        if (pic != Pic.Ether)
        {
            // Ethernet PICs carry no cookie and no protocol field
            int p = hlen;
            int cookieLen = pic == Pic.Atm1 ? 4 : 0;
            int first = nd.U8(p);
            if (first == LsCookieId) cookieLen += 2;
            else if (first == AsCookieId) cookieLen = 8;
            hlen += cookieLen;
            if (e) nd.Print($"{(pic == Pic.Atm1 ? "ATM1" : "ES")}-PIC, cookie-len {cookieLen}");
            if (cookieLen > 0)
            {
                nd.Check(p, cookieLen);
                if (e) nd.Print(", cookie 0x");
                for (int i = 0; i < cookieLen; i++)
                    if (e) nd.Print($"{nd.U8(p + i):x2}");
                cookie0 = nd.U8(p);
            }
            if (e) nd.Print(": ");
            proto = nd.Be16(p + cookieLen);
        }
        if (e) nd.Print($"hlen {hlen}, proto 0x{proto:x4}, ");
        more = true;
        return hlen;
    }

    /// <summary>An extension TLV's value of 1 to 4 octets: little-endian below type 128, big-endian above; -1 otherwise.</summary>
    private static int TlvValue(PrintContext nd, int p, int type, int len)
    {
        bool le = type < 128;
        return len switch
        {
            1 => nd.U8(p),
            2 => le ? nd.Le16(p) : nd.Be16(p),
            3 => le ? nd.U8(p) | nd.U8(p + 1) << 8 | nd.U8(p + 2) << 16 : (int)nd.Be24(p),
            4 => (int)(le ? nd.Le32(p) : nd.Be32(p)),
            _ => -1,
        };
    }

    /// <summary>An IPv4 or IPv6 packet recognised by its first octet (no link layer to say which).</summary>
    private static bool IpGuess(PrintContext nd, int p, int length)
    {
        int b = nd.U8(p);
        if (b >= 0x45 && b <= 0x4f) Ip.Print(nd, p, length);
        else if (b >= 0x60 && b <= 0x6f) Ip6.Print(nd, p, length);
        else return false;
        return true;
    }
}
