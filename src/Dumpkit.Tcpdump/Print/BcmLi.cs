// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Broadcom lawful-intercept shim header (UDP source port 49152) and the packet it carries.</summary>
/// <remarks>Specification: Broadcom's BCM LI shim header as described in the Broadcom SDK documentation; no RFC.</remarks>
internal static class BcmLi
{
    public static void Print(PrintContext nd, int bp, int length)
    {
        nd.Proto = "bcm_li";
        if (length < 4)
        {
            nd.Print($" (length {length} < 4)");
            nd.PrintInvalid();
            return;
        }
        uint shim = nd.Be32(bp);
        uint direction = (shim >> 29) & 0x7, type = (shim >> 25) & 0xf, subtype = (shim >> 22) & 0x7;
        length -= 4;
        bp += 4;
        string d = direction switch { 1 => "unused", 2 => "egress", 3 => "ingress", _ => "unknown" };
        string t = type switch { 4 => "undecided", 5 => "ipv4", 6 => "ipv6", 7 => "ethernet", _ => "unknown" };
        string s = subtype switch { 1 => "single VLAN tag", 2 => "double VLAN tag", 3 => "untagged", _ => "unknown" };
        string nl = nd.Verbose > 0 ? "\n    " : "";
        nd.Print($"{nl}BCM-LI-SHIM: direction {d}, pkt-type {t}, pkt-subtype {s}, li-id {shim & 0x3fffff}{nl}");
        if (nd.Verbose == 0)
        {
            nd.Check(bp, length);
            return;
        }
        switch (type)
        {
            case 7: Ether.Print(nd, bp, length, nd.Avail(bp)); break;
            case 5: Ip.Print(nd, bp, length); break;
            case 6: Ip6.Print(nd, bp, length); break;
            case 4:
                int v = nd.U8(bp) >> 4;
                if (v == 4) Ip.Print(nd, bp, length);
                else if (v == 6) Ip6.Print(nd, bp, length);
                else nd.Print("unknown payload");
                break;
            default:
                nd.PrintInvalid();
                break;
        }
    }
}
