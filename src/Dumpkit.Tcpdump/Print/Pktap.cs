// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Apple's PKTAP link type: a little-endian pseudo-header naming the packet's own link type (a DLT), then that
/// packet, printed by the printer of its DLT. Files from macOS carry it as LINKTYPE_USER2 (149), others as LINKTYPE_PKTAP (258).
/// </summary>
/// <remarks>Specification: the LINKTYPE_PKTAP description at tcpdump.org (linktypes/LINKTYPE_PKTAP.html) and Darwin's
/// bsd/net/pktap.h (struct pktap_header, 108 bytes: length, record type, DLT, interface name, flags, ...); the DLT names are
/// libpcap 1.10's (pcap_datalink_val_to_name).</remarks>
internal static class Pktap
{
    private const int HeaderLen = 108;

    /// <summary>Prints one PKTAP record; returns the link-header length tcpdump 4.99.3 skips for -x/-X (its pktap printer
    /// counts the inner printer's header twice), as the 32-bit pattern of tcpdump's unsigned value.</summary>
    public static int IfPrint(PrintContext nd, int length, int caplen, PacketPrinter link)
    {
        nd.Proto = "pktap";
        if (length < HeaderLen)
        {
            nd.Print($" (packet too short, {length} < {HeaderLen})");
            nd.PrintInvalid();
            return 0;
        }
        uint dlt = nd.Le32(8);
        uint hdrlen = nd.Le32(0);
        if (hdrlen < HeaderLen)
        {
            nd.Print($" (pkt_len too small, {hdrlen} < {HeaderLen})");
            nd.PrintInvalid();
            return 0;
        }
        if (hdrlen > (uint)length)
        {
            nd.Print($" (pkt_len too big, {hdrlen} > {length})");
            nd.PrintInvalid();
            return 0;
        }
        int hlen = (int)hdrlen;
        nd.Check(0, hlen);
        if (nd.Settings.LinkHeader) Header(nd, length);
        length -= hlen;
        caplen -= hlen;
        uint total = hdrlen;
        switch (nd.Le32(4))
        {
            case 0:
                nd.Print("no data");
                break;
            case 1:
                int inner = dlt > int.MaxValue ? -1 : link.PrintNested((int)dlt, hlen, length, caplen);
                if (inner != -1)
                {
                    total = unchecked(total + 2 * (uint)inner);
                    break;
                }
                if (!nd.Settings.LinkHeader) Header(nd, length + hlen);
                nd.DefaultPrint(hlen, caplen);
                break;
        }
        return unchecked((int)total);
    }

    private static void Header(PrintContext nd, int length)
    {
        uint dlt = nd.Le32(8), hdrlen = nd.Le32(0);
        string name = DltName(dlt) ?? "UNKNOWN";
        if (!nd.Settings.Quick) nd.Print($"DLT {name} ({dlt}) len {hdrlen}");
        else nd.Print(name);
        nd.Print($", length {length}: ");
    }

    /// <summary>libpcap's name of a DLT value, as Linux numbers them; null for a value it has no name for.</summary>
    internal static string? DltName(uint dlt) => Names.TryGetValue(dlt, out var n) ? n : null;

    private static readonly Dictionary<uint, string> Names = Parse(
        "0=NULL 1=EN10MB 6=IEEE802 7=ARCNET 8=SLIP 9=PPP 10=FDDI 11=ATM_RFC1483 12=RAW 15=SLIP_BSDOS 16=PPP_BSDOS 19=ATM_CLIP " +
        "50=PPP_SERIAL 51=PPP_ETHER 99=SYMANTEC_FIREWALL 104=C_HDLC 105=IEEE802_11 107=FRELAY 108=LOOP 109=ENC 113=LINUX_SLL " +
        "114=LTALK 117=PFLOG 119=PRISM_HEADER 122=IP_OVER_FC 123=SUNATM 127=IEEE802_11_RADIO 129=ARCNET_LINUX 130=JUNIPER_MLPPP " +
        "131=JUNIPER_MLFR 132=JUNIPER_ES 133=JUNIPER_GGSN 134=JUNIPER_MFR 135=JUNIPER_ATM2 136=JUNIPER_SERVICES 137=JUNIPER_ATM1 " +
        "138=APPLE_IP_OVER_IEEE1394 139=MTP2_WITH_PHDR 140=MTP2 141=MTP3 142=SCCP 143=DOCSIS 144=LINUX_IRDA " +
        "163=IEEE802_11_RADIO_AVS 164=JUNIPER_MONITOR 165=BACNET_MS_TP 166=PPP_PPPD 167=JUNIPER_PPPOE 168=JUNIPER_PPPOE_ATM " +
        "169=GPRS_LLC 170=GPF_T 171=GPF_F 174=JUNIPER_PIC_PEER 175=ERF_ETH 176=ERF_POS 177=LINUX_LAPD 178=JUNIPER_ETHER " +
        "179=JUNIPER_PPP 180=JUNIPER_FRELAY 181=JUNIPER_CHDLC 182=MFR 183=JUNIPER_VP 184=A429 185=A653_ICM 186=USB_FREEBSD " +
        "187=BLUETOOTH_HCI_H4 188=IEEE802_16_MAC_CPS 189=USB_LINUX 190=CAN20B 191=IEEE802_15_4_LINUX 192=PPI " +
        "193=IEEE802_16_MAC_CPS_RADIO 194=JUNIPER_ISM 195=IEEE802_15_4 196=SITA 197=ERF 198=RAIF1 199=IPMB_KONTRON 200=JUNIPER_ST " +
        "201=BLUETOOTH_HCI_H4_WITH_PHDR 202=AX25_KISS 209=IPMB_LINUX 215=IEEE802_15_4_NONASK_PHY 216=LINUX_EVDEV 219=MPLS " +
        "220=USB_LINUX_MMAPPED 221=DECT 222=AOS 223=WIHART 224=FC_2 225=FC_2_WITH_FRAME_DELIMS 226=IPNET 227=CAN_SOCKETCAN " +
        "228=IPV4 229=IPV6 230=IEEE802_15_4_NOFCS 231=DBUS 232=JUNIPER_VS 233=JUNIPER_SRX_E2E 234=JUNIPER_FIBRECHANNEL 235=DVB_CI " +
        "236=MUX27010 237=STANAG_5066_D_PDU 238=JUNIPER_ATM_CEMIC 239=NFLOG 240=NETANALYZER 241=NETANALYZER_TRANSPARENT 242=IPOIB " +
        "243=MPEG_2_TS 244=NG40 245=NFC_LLCP 246=PFSYNC 247=INFINIBAND 248=SCTP 249=USBPCAP 250=RTAC_SERIAL 251=BLUETOOTH_LE_LL " +
        "253=NETLINK 254=BLUETOOTH_LINUX_MONITOR 255=BLUETOOTH_BREDR_BB 256=BLUETOOTH_LE_LL_WITH_PHDR 257=PROFIBUS_DL 258=PKTAP " +
        "259=EPON 260=IPMI_HPM_2 261=ZWAVE_R1_R2 262=ZWAVE_R3 263=WATTSTOPPER_DLM 264=ISO_14443 265=RDS 266=USB_DARWIN 267=OPENFLOW " +
        "268=SDLC 269=TI_LLN_SNIFFER 271=VSOCK 272=NORDIC_BLE 273=DOCSIS31_XRA31 274=ETHERNET_MPACKET 275=DISPLAYPORT_AUX " +
        "276=LINUX_SLL2 278=OPENVIZSLA 279=EBHSCR 280=VPP_DISPATCH 281=DSA_TAG_BRCM 282=DSA_TAG_BRCM_PREPEND 283=IEEE802_15_4_TAP " +
        "284=DSA_TAG_DSA 285=DSA_TAG_EDSA 286=ELEE 287=Z_WAVE_SERIAL 288=USB_2_0 289=ATSC_ALP");

    private static Dictionary<uint, string> Parse(string table)
    {
        var d = new Dictionary<uint, string>();
        foreach (var pair in table.Split(' '))
        {
            int eq = pair.IndexOf('=');
            d[uint.Parse(pair.AsSpan(0, eq), System.Globalization.CultureInfo.InvariantCulture)] = pair[(eq + 1)..];
        }
        return d;
    }
}
