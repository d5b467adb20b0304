// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>IANA address family numbers (RFC 1700 and the registry since), as BGP, LLDP and others print them.</summary>
internal static class AddressFamily
{
    /// <summary>tcpdump's af_values name of an address family number; null when unknown.</summary>
    public static string? Name(int af) => af switch
    {
        0 => "Reserved", 1 => "IPv4", 2 => "IPv6", 3 => "NSAP", 4 => "HDLC", 5 => "BBN 1822", 6 => "802", 7 => "E.163", 8 => "E.164",
        9 => "F.69", 10 => "X.121", 11 => "Novell IPX", 12 => "Appletalk", 13 => "Decnet IV", 14 => "Banyan Vines",
        15 => "E.164 with NSAP subaddress", 196 => "Layer-2 VPN", 25 => "VPLS", _ => null,
    };
}
