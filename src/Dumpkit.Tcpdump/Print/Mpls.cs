namespace Dumpkit.Tcpdump.Print;

/// <summary>MPLS label stacks (ethertypes 0x8847/0x8848, UDP 6635, PPP, GRE) and the payload guess.</summary>
internal static class Mpls
{
    private static readonly string[] Names =
        ["IPv4 explicit NULL", "router alert", "IPv6 explicit NULL", "implicit NULL", "rsvd", "rsvd", "rsvd", "rsvd", "rsvd", "rsvd", "rsvd", "rsvd", "rsvd", "rsvd", "rsvd", "rsvd"];

    public static void Print(Nd nd, int bp, int length)
    {
        nd.Proto = "mpls";
        int p = bp;
        nd.P("MPLS");
        uint e;
        int depth = 0;
        do
        {
            if (length < 4) { nd.PrintInvalid(); nd.Check(p, length); return; }
            e = nd.Be32(p);
            uint label = e >> 12;
            nd.P($"{(depth > 0 && nd.V > 0 ? "\n\t" : " ")}(label {label}");
            depth++;
            if (nd.V > 0 && label < 16) nd.P($" ({Names[label]})");
            nd.P($", tc {(e >> 9) & 7}");
            if ((e & 0x100) != 0) nd.P(", [S]");
            nd.P($", ttl {e & 0xff})");
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
            case 4: nd.P(nd.V > 0 ? "\n\t" : " "); Ip.Print(nd, p, length); break;
            case 6: nd.P(nd.V > 0 ? "\n\t" : " "); Ip6.Print(nd, p, length); break;
            default: nd.P(nd.V > 0 ? "\n\t" : " "); nd.P($"OSI NLPID 0x{nd.U8(p):x2} unknown"); break;
        }
    }
}
