namespace Dumpkit.Tcpdump.Print;

/// <summary>IEEE 802.1AE MACsec SecTAG (ethertype 0x88e5).</summary>
internal static class Macsec
{
    private static void Header(Nd nd, int tag, int shortLength)
    {
        int tci = nd.U8(tag);
        nd.P($"an {tci & 3}, pn {nd.Be32(tag + 2)}, flags ");
        int f = tci & 0x7c;
        if (f == 0) nd.P("none");
        else
        {
            if ((f & 0x08) != 0) nd.P("E");
            if ((f & 0x04) != 0) nd.P("C");
            if ((f & 0x40) != 0) nd.P("S");
            if ((f & 0x10) != 0) nd.P("B");
            if ((f & 0x20) != 0) nd.P("I");
        }
        if (shortLength != 0) nd.P($", sl {shortLength}");
        if ((tci & 0x20) != 0) nd.P($", sci {nd.Be64(tag + 6):x16}");
        nd.P(", ");
    }

    /// <summary>0: encrypted (caller dumps raw), &gt;0: header length to return, -1: continue with the inner ethertype.</summary>
    public static int Print(Nd nd, ref int p, ref int length, ref int caplen, ref int hdrlen, int macOff)
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
        if (nd.S.LinkHeader) Header(nd, tag, shortLength);
        p += sectagLen; hdrlen += sectagLen; length -= sectagLen; caplen -= sectagLen;
        if ((tci & 0x0c) != 0)
        {
            if (!nd.S.LinkHeader)
            {
                if (macOff >= 0) { nd.Mac(macOff + 6); nd.P(" > "); nd.Mac(macOff); nd.P(' '); }
                nd.P("802.1AE MACsec, ");
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
