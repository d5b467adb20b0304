namespace Dumpkit.Tcpdump.Capture;

/// <summary>LINKTYPE_ values and libpcap's names/descriptions for the ones we know.</summary>
internal static class LinkTypes
{
    public const int Null = 0, Ethernet = 1, Raw = 101, Loop = 108, LinuxSll = 113, Docsis = 143, Ipv4 = 228, Ipv6 = 229, LinuxSll2 = 276;

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
