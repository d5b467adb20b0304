// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>IEEE 802.1AE MACsec SecTAG (ethertype 0x88e5).</summary>
/// <remarks>Specification: IEEE 802.1AE.</remarks>
internal static class Macsec
{
    private static void Header(PrintContext nd, int tag, int shortLength)
    {
        int tci = nd.U8(tag);
        nd.Print($"an {tci & 3}, pn {nd.Be32(tag + 2)}, flags ");
        int f = tci & 0x7c;
        if (f == 0) nd.Print("none");
        else
        {
            if ((f & 0x08) != 0) nd.Print("E");
            if ((f & 0x04) != 0) nd.Print("C");
            if ((f & 0x40) != 0) nd.Print("S");
            if ((f & 0x10) != 0) nd.Print("B");
            if ((f & 0x20) != 0) nd.Print("I");
        }
        if (shortLength != 0) nd.Print($", sl {shortLength}");
        if ((tci & 0x20) != 0) nd.Print($", sci {nd.Be64(tag + 6):x16}");
        nd.Print(", ");
    }

    /// <summary>0: encrypted (caller dumps raw), &gt;0: header length to return, -1: continue with the inner ethertype.</summary>
    public static int Print(PrintContext nd, ref int p, ref int length, ref int caplen, ref int hdrlen, int macOff)
    {
        string save = nd.Proto;
        nd.Proto = "macsec";
        int tag = p;
        int h = hdrlen, c = caplen;
        if (caplen < 6 || length < 6) { nd.PrintTrunc(); nd.Proto = save; return h + c; }
        int tci = nd.U8(tag);
        int sectagLen;
        if ((tci & 0x20) != 0)
        {
            sectagLen = 14;
            if (caplen < 14 || length < 14) { nd.PrintTrunc(); nd.Proto = save; return h + c; }
        }
        else sectagLen = 6;
        int sl = nd.U8(tag + 1);
        if ((sl & ~0x3f) != 0 || (tci & 0x80) != 0) { nd.PrintInvalid(); nd.Proto = save; return h + c; }
        int shortLength = sl & 0x3f;
        if (nd.Settings.LinkHeader) Header(nd, tag, shortLength);
        p += sectagLen; hdrlen += sectagLen; length -= sectagLen; caplen -= sectagLen;
        if ((tci & 0x0c) != 0)
        {
            if (!nd.Settings.LinkHeader)
            {
                if (macOff >= 0) { nd.Mac(macOff + 6); nd.Print(" > "); nd.Mac(macOff); nd.Print(' '); }
                nd.Print("802.1AE MACsec, ");
                Header(nd, tag, shortLength);
            }
            nd.Proto = save;
            return 0;
        }
        if (length < 16 || caplen < 16) { nd.PrintTrunc(); nd.Proto = save; return h + c; }
        length -= 16; caplen -= 16;
        nd.SnapEnd -= 16;
        if (shortLength != 0)
        {
            if (shortLength > length || shortLength > caplen) { nd.PrintTrunc(); nd.Proto = save; return h + c; }
            if (length > shortLength) length = shortLength;
            if (caplen > shortLength) caplen = shortLength;
        }
        nd.Proto = save;
        return -1;
    }
}
