// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Broadcom switch tags: after the Ethernet addresses (LINKTYPE_DSA_TAG_BRCM) or before the frame (LINKTYPE_DSA_TAG_BRCM_PREPEND).</summary>
/// <remarks>Specification: the Broadcom tag formats as Linux defines them (net/dsa/tag_brcm.c).</remarks>
internal static class Brcm
{
    private static readonly Action<PrintContext, int> Tag = PrintTag;

    public static int IfPrint(PrintContext nd, int length, int caplen)
    {
        nd.Proto = "brcm-tag";
        return Ether.Print(nd, 0, length, caplen, Tag, 4);
    }

    public static int PrependIfPrint(PrintContext nd, int length, int caplen)
    {
        nd.Proto = "brcm-tag-prepend";
        nd.Check(0, 4);
        if (nd.Settings.LinkHeader) PrintTag(nd, 0);
        return 4 + Ether.Print(nd, 4, length - 4, caplen - 4);
    }

    private static void PrintTag(PrintContext nd, int bp)
    {
        int t0 = nd.U8(bp), t1 = nd.U8(bp + 1), t2 = nd.U8(bp + 2), t3 = nd.U8(bp + 3);
        nd.Print($"BRCM tag OP: {(t0 != 0 ? "IG" : "EG")}");
        if ((t0 & 0x20) != 0)
        {
            nd.Print($", TC: {(t1 >> 2) & 7}");
            nd.Print($", TE: {(t1 & 3) switch { 0 => "None", 1 => "Untag", 2 => "Header", _ => "Reserved" }}");
            nd.Print($", TS: {t1 >> 7}");
            nd.Print($", DST map: 0x{(t2 << 8 | t3) & 0x1ff:x4}");
        }
        else
        {
            nd.Print($", CID: {t1}");
            string rc = t2 switch
            {
                1 => "mirror", 2 => "MAC learning", 4 => "switching", 8 => "prot term", 16 => "prot snoop", 32 => "exception",
                _ => "reserved",
            };
            nd.Print($", RC: {rc}");
            nd.Print($", TC: {(t3 >> 5) & 7}");
            nd.Print($", port: {t3 & 0x1f}");
        }
        nd.Print(", ");
    }
}
