// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>MPLS label stacks (ethertypes 0x8847/0x8848, UDP 6635, PPP, GRE) and the payload guess.</summary>
/// <remarks>Specification: RFC 3032.</remarks>
internal static class Mpls
{
    private static readonly string[] Names =
        ["IPv4 explicit NULL", "router alert", "IPv6 explicit NULL", "implicit NULL", "rsvd", "rsvd", "rsvd", "rsvd",
            "rsvd", "rsvd", "rsvd", "rsvd", "rsvd", "rsvd", "rsvd", "rsvd"];

    public static void Print(PrintContext nd, int bp, int length)
    {
        nd.Proto = "mpls";
        int p = bp;
        nd.Print("MPLS");
        uint e;
        int depth = 0;
        do
        {
            if (length < 4) { nd.PrintInvalid(); nd.Check(p, length); return; }
            e = nd.Be32(p);
            uint label = e >> 12;
            nd.Print($"{(depth > 0 && nd.Verbose > 0 ? "\n\t" : " ")}(label {label}");
            depth++;
            if (nd.Verbose > 0 && label < 16) nd.Print($" ({Names[label]})");
            nd.Print($", tc {(e >> 9) & 7}");
            if ((e & 0x100) != 0) nd.Print(", [S]");
            nd.Print($", ttl {e & 0xff})");
            p += 4; length -= 4;
        } while ((e & 0x100) == 0);
        int pt;
        switch (e >> 12)
        {
            case 0: case 3: pt = 4; break;
            case 2: pt = 6; break;
            default:
                if (length < 1) return;
                int first = nd.U8(p);
                pt = first is >= 0x45 and <= 0x4f ? 4 : first is >= 0x60 and <= 0x6f ? 6 : first is >= 0x81 and <= 0x83 ? 7 : 0;
                break;
        }
        switch (pt)
        {
            case 0: nd.DefaultPrint(p, length); break;
            case 4: nd.Print(nd.Verbose > 0 ? "\n\t" : " "); Ip.Print(nd, p, length); break;
            case 6: nd.Print(nd.Verbose > 0 ? "\n\t" : " "); Ip6.Print(nd, p, length); break;
            default: nd.Print(nd.Verbose > 0 ? "\n\t" : " "); nd.Print($"OSI NLPID 0x{nd.U8(p):x2} unknown"); break;
        }
    }
}
