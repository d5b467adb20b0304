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

    /// <summary>libpcap's name (as -y takes it) and description of a link type; null for one we do not know.</summary>
    public static (string Name, string Desc)? Describe(int lt) => lt switch
    {
        0 => ("NULL", "BSD loopback"),
        1 => ("EN10MB", "Ethernet"),
        9 => ("PPP", "PPP"),
        12 or 101 => ("RAW", "Raw IP"),
        104 => ("C_HDLC", "Cisco HDLC"),
        105 => ("IEEE802_11", "802.11"),
        107 => ("FRELAY", "Frame Relay"),
        108 => ("LOOP", "OpenBSD loopback"),
        113 => ("LINUX_SLL", "Linux cooked v1"),
        143 => ("DOCSIS", "DOCSIS"),
        178 => ("JUNIPER_ETHER", "Juniper Ethernet"),
        127 => ("IEEE802_11_RADIO", "802.11 plus radiotap header"),
        226 => ("IPNET", "Solaris ipnet"),
        228 => ("IPV4", "Raw IPv4"),
        229 => ("IPV6", "Raw IPv6"),
        276 => ("LINUX_SLL2", "Linux cooked v2"),
        _ => null,
    };

    /// <summary>The link type -y names (case-insensitive), for the link types the filter compiler supports; null otherwise.</summary>
    public static int? FromName(string name) => name.ToUpperInvariant() switch
    {
        "NULL" => 0,
        "EN10MB" => 1,
        "RAW" => 101,
        "LOOP" => 108,
        "LINUX_SLL" => 113,
        "LINUX_SLL2" => 276,
        "IPV4" => 228,
        "IPV6" => 229,
        _ => null,
    };
}
