// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Pcap.Capture;

/// <summary>LINKTYPE_ values (tcpdump.org's link-layer header types) and libpcap's names and descriptions for the ones we know.</summary>
public static class LinkTypes
{
    /// <summary>LINKTYPE_NULL: BSD loopback, a 4-byte address family in host byte order.</summary>
    public const int Null = 0;
    /// <summary>LINKTYPE_ETHERNET (DLT_EN10MB).</summary>
    public const int Ethernet = 1;
    /// <summary>LINKTYPE_RAW: raw IPv4 or IPv6.</summary>
    public const int Raw = 101;
    /// <summary>LINKTYPE_LOOP: OpenBSD loopback, a 4-byte address family in network byte order.</summary>
    public const int Loop = 108;
    /// <summary>LINKTYPE_LINUX_SLL: Linux cooked capture, version 1.</summary>
    public const int LinuxSll = 113;
    /// <summary>LINKTYPE_DOCSIS: DOCSIS MAC frames.</summary>
    public const int Docsis = 143;
    /// <summary>LINKTYPE_IPV4: raw IPv4.</summary>
    public const int Ipv4 = 228;
    /// <summary>LINKTYPE_IPV6: raw IPv6.</summary>
    public const int Ipv6 = 229;
    /// <summary>LINKTYPE_LINUX_SLL2: Linux cooked capture, version 2.</summary>
    public const int LinuxSll2 = 276;
    /// <summary>LINKTYPE_SLIP: SLIP with the BSD/OS 16-byte pseudo-header.</summary>
    public const int Slip = 8;
    /// <summary>LINKTYPE_PPP: PPP in HDLC-like framing, or bare PPP.</summary>
    public const int Ppp = 9;
    /// <summary>LINKTYPE_PPP_HDLC: PPP in HDLC-like framing (libpcap's PPP_SERIAL), or Cisco HDLC.</summary>
    public const int PppHdlc = 50;
    /// <summary>LINKTYPE_NFLOG: Linux netfilter log messages.</summary>
    public const int Nflog = 239;
    /// <summary>DLT_RAW as most systems number it (12), found in files that predate LINKTYPE_RAW: raw IP.</summary>
    public const int RawDlt12 = 12;
    /// <summary>DLT_RAW as OpenBSD numbers it (14), found in files that predate LINKTYPE_RAW: raw IP.</summary>
    public const int RawDlt14 = 14;
    /// <summary>LINKTYPE_C_HDLC: Cisco HDLC.</summary>
    public const int CHdlc = 104;
    /// <summary>LINKTYPE_IEEE802_11: 802.11 frames.</summary>
    public const int Ieee80211 = 105;
    /// <summary>LINKTYPE_FRELAY: Frame Relay (Q.922 address).</summary>
    public const int FrameRelay = 107;
    /// <summary>LINKTYPE_IEEE802_11_RADIOTAP: 802.11 frames after a radiotap header.</summary>
    public const int Ieee80211Radiotap = 127;
    /// <summary>LINKTYPE_LTALK: Apple LocalTalk (LLAP).</summary>
    public const int Ltalk = 114;
    /// <summary>LINKTYPE_IEEE802_11_PRISM: 802.11 frames after a Prism monitor-mode header.</summary>
    public const int PrismHeader = 119;
    /// <summary>LINKTYPE_ARCNET_LINUX: ARCNET as Linux captures it.</summary>
    public const int ArcnetLinux = 129;
    /// <summary>LINKTYPE_IEEE802_11_AVS: 802.11 frames after an AVS monitor-mode header.</summary>
    public const int Ieee80211RadioAvs = 163;
    /// <summary>LINKTYPE_ATM_RFC1483: LLC/SNAP-encapsulated ATM (RFC 1483).</summary>
    public const int AtmRfc1483 = 100;
    /// <summary>DLT_ATM_RFC1483 (11), found in files that predate LINKTYPE_ATM_RFC1483.</summary>
    public const int AtmRfc1483Dlt = 11;
    /// <summary>LINKTYPE_ATM_CLIP: Linux Classical IP over ATM.</summary>
    public const int AtmClip = 106;
    /// <summary>DLT_ATM_CLIP as Linux numbers it (19), found in files that predate LINKTYPE_ATM_CLIP.</summary>
    public const int AtmClipDlt = 19;
    /// <summary>LINKTYPE_SUNATM: Sun raw ATM (a 4-byte VPI/VCI pseudo-header).</summary>
    public const int SunAtm = 123;
    /// <summary>LINKTYPE_JUNIPER_ES: Juniper Encryption Services PIC.</summary>
    public const int JuniperEs = 132;
    /// <summary>LINKTYPE_JUNIPER_ATM1: Juniper ATM1 PIC.</summary>
    public const int JuniperAtm1 = 137;
    /// <summary>LINKTYPE_JUNIPER_ETHER: Ethernet after a Juniper MGC pseudo-header.</summary>
    public const int JuniperEther = 178;
    /// <summary>LINKTYPE_MFR: multilink Frame Relay (FRF.16).</summary>
    public const int Mfr = 182;
    /// <summary>LINKTYPE_IPNET: Solaris ipnet pseudo-header.</summary>
    public const int Ipnet = 226;
    /// <summary>LINKTYPE_IPOIB: IP over InfiniBand (RFC 4391).</summary>
    public const int Ipoib = 242;
    /// <summary>LINKTYPE_VSOCK: Linux vsock monitor (vsockmon) header.</summary>
    public const int Vsock = 271;
    /// <summary>LINKTYPE_PKTAP: Apple's PKTAP pseudo-header, then a packet of the link type it names.</summary>
    public const int Pktap = 258;
    /// <summary>LINKTYPE_USER2, which macOS wrote for its PKTAP captures (tcpdump prints it as PKTAP).</summary>
    public const int User2 = 149;
    /// <summary>LINKTYPE_IEEE802_15_4_WITHFCS: IEEE 802.15.4 frames with their FCS.</summary>
    public const int Ieee802154 = 195;
    /// <summary>LINKTYPE_IEEE802_15_4_NOFCS: IEEE 802.15.4 frames without FCS.</summary>
    public const int Ieee802154NoFcs = 230;
    /// <summary>LINKTYPE_IEEE802_15_4_TAP: IEEE 802.15.4 frames after a TLV pseudo-header.</summary>
    public const int Ieee802154Tap = 283;
    /// <summary>LINKTYPE_DSA_TAG_BRCM: Ethernet with a Broadcom switch tag after the MAC addresses.</summary>
    public const int DsaTagBrcm = 281;
    /// <summary>LINKTYPE_DSA_TAG_BRCM_PREPEND: Ethernet after a Broadcom switch tag.</summary>
    public const int DsaTagBrcmPrepend = 282;
    /// <summary>LINKTYPE_DSA_TAG_DSA: Ethernet with a Marvell DSA tag.</summary>
    public const int DsaTagDsa = 284;
    /// <summary>LINKTYPE_DSA_TAG_EDSA: Ethernet with a Marvell EDSA tag.</summary>
    public const int DsaTagEdsa = 285;

    /// <summary>libpcap's name (as -y takes it) and description of a link type; null for one we do not know.</summary>
    public static (string Name, string Desc)? Describe(int lt) => lt switch
    {
        Null => ("NULL", "BSD loopback"),
        Ethernet => ("EN10MB", "Ethernet"),
        Ppp => ("PPP", "PPP"),
        PppHdlc => ("PPP_SERIAL", "PPP over serial"),
        Nflog => ("NFLOG", "Linux netfilter log messages"),
        RawDlt12 or Raw => ("RAW", "Raw IP"),
        CHdlc => ("C_HDLC", "Cisco HDLC"),
        Ieee80211 => ("IEEE802_11", "802.11"),
        FrameRelay => ("FRELAY", "Frame Relay"),
        Loop => ("LOOP", "OpenBSD loopback"),
        LinuxSll => ("LINUX_SLL", "Linux cooked v1"),
        Docsis => ("DOCSIS", "DOCSIS"),
        AtmRfc1483Dlt or AtmRfc1483 => ("ATM_RFC1483", "RFC 1483 LLC-encapsulated ATM"),
        AtmClipDlt or AtmClip => ("ATM_CLIP", "Linux Classical IP over ATM"),
        SunAtm => ("SUNATM", "Sun raw ATM"),
        JuniperEs => ("JUNIPER_ES", "Juniper Encryption Services PIC"),
        JuniperAtm1 => ("JUNIPER_ATM1", "Juniper ATM1 PIC"),
        JuniperEther => ("JUNIPER_ETHER", "Juniper Ethernet"),
        Ieee80211Radiotap => ("IEEE802_11_RADIO", "802.11 plus radiotap header"),
        Ltalk => ("LTALK", "Localtalk"),
        PrismHeader => ("PRISM_HEADER", "802.11 plus Prism header"),
        ArcnetLinux => ("ARCNET_LINUX", "Linux ARCNET"),
        Ieee80211RadioAvs => ("IEEE802_11_RADIO_AVS", "802.11 plus AVS radio information header"),
        Slip => ("SLIP", "SLIP"),
        Mfr => ("MFR", "FRF.16 Frame Relay"),
        Ipoib => ("IPOIB", "RFC 4391 IP-over-Infiniband"),
        Vsock => ("VSOCK", "Linux vsock"),
        DsaTagBrcm => ("DSA_TAG_BRCM", "Broadcom tag"),
        DsaTagBrcmPrepend => ("DSA_TAG_BRCM_PREPEND", "Broadcom tag (prepended)"),
        DsaTagDsa => ("DSA_TAG_DSA", "Marvell DSA"),
        DsaTagEdsa => ("DSA_TAG_EDSA", "Marvell EDSA"),
        Ipnet => ("IPNET", "Solaris ipnet"),
        Ieee802154 => ("IEEE802_15_4", "IEEE 802.15.4 with FCS"),
        Ieee802154NoFcs => ("IEEE802_15_4_NOFCS", "IEEE 802.15.4 without FCS"),
        Ieee802154Tap => ("IEEE802_15_4_TAP", "IEEE 802.15.4 with pseudo-header"),
        Ipv4 => ("IPV4", "Raw IPv4"),
        Ipv6 => ("IPV6", "Raw IPv6"),
        LinuxSll2 => ("LINUX_SLL2", "Linux cooked v2"),
        Pktap => ("PKTAP", "Apple DLT_PKTAP"),
        _ => null,
    };

    /// <summary>The link type -y names (case-insensitive), for the link types the filter compiler supports; null otherwise.</summary>
    public static int? FromName(string name) => name.ToUpperInvariant() switch
    {
        "NULL" => Null,
        "EN10MB" => Ethernet,
        "RAW" => Raw,
        "LOOP" => Loop,
        "LINUX_SLL" => LinuxSll,
        "LINUX_SLL2" => LinuxSll2,
        "IPV4" => Ipv4,
        "IPV6" => Ipv6,
        _ => null,
    };

    private static readonly int[] Known = [Null, Ethernet, Ppp, PppHdlc, Nflog, Raw, CHdlc, Ieee80211, FrameRelay, Loop, LinuxSll, Docsis,
        JuniperEther, Ieee80211Radiotap, Ltalk, PrismHeader, ArcnetLinux, Ieee80211RadioAvs, Slip, Mfr, Ipoib, Vsock, DsaTagBrcm,
        DsaTagBrcmPrepend, DsaTagDsa, DsaTagEdsa, Ipnet, Ipv4, Ipv6, LinuxSll2, AtmRfc1483, AtmClip, SunAtm, JuniperEs, JuniperAtm1];

    /// <summary>The link type libpcap's pcap_datalink_name_to_val gives a name (case-insensitive), among the ones we know; null otherwise.</summary>
    public static int? FromAnyName(string name)
    {
        if (FromName(name) is int lt) return lt;
        foreach (int k in Known)
            if (Describe(k) is { } d && string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase)) return k;
        return null;
    }
}
