namespace Dumpkit.Tcpdump.Print;

/// <summary>802.2 LLC: SNAP with an ethertype and IP SAPs are decoded; anything else is left to the raw dump.</summary>
internal static class Llc
{
    /// <summary>Returns the LLC header length, negative when the payload was not printed.</summary>
    public static int Print(Nd nd, int p, int length, int caplen, int macOff)
    {
        nd.Proto = "llc";
        if (caplen < 3 || length < 3) { nd.PrintTrunc(); nd.DefaultPrint(p, caplen); return Math.Min(caplen, length); }
        int dsapField = nd.U8(p), ssapField = nd.U8(p + 1);
        int control = nd.U8(p + 2);
        bool isU = (control & 3) == 3;
        int hdrlen = 3;
        if (!isU)
        {
            if (caplen < 4 || length < 4) { nd.PrintTrunc(); nd.DefaultPrint(p, caplen); return Math.Min(caplen, length); }
            control = nd.Le16(p + 2);
            hdrlen = 4;
        }
        int dsap = dsapField & 0xfe, ssap = ssapField & 0xfe;
        if (nd.S.LinkHeader)
        {
            nd.P($"LLC, dsap {Sap(dsap) ?? "Unknown"} (0x{dsap:x2}) {((dsapField & 1) != 0 ? "Group" : "Individual")}, ssap {Sap(ssap) ?? "Unknown"} (0x{ssap:x2}) {((ssapField & 1) != 0 ? "Response" : "Command")}");
            if (isU) nd.P($", ctrl 0x{control:x2}: ");
            else nd.P($", ctrl 0x{control:x4}: ");
        }
        p += hdrlen; length -= hdrlen; caplen -= hdrlen;
        if (ssap == 0xaa && dsap == 0xaa && control == 3)
        {
            nd.Check(p, 5);
            uint oui = nd.Be24(p);
            int et = nd.Be16(p + 3);
            if (nd.S.LinkHeader)
                nd.P($"oui {(oui == 0 ? "Ethernet" : "Unknown")} (0x{oui:x6}), ethertype {Ether.TypeName(et) ?? "Unknown"} (0x{et:x4}), length {length}: ");
            if (oui == 0 && Ether.EtherType(nd, et, p + 5, length - 5, caplen - 5)) return hdrlen + 5;
            return -(hdrlen + 5);
        }
        if (ssap == 0x42 && dsap == 0x42 && control == 3)
        {
            Stp.Print(nd, p, length);
            return hdrlen;
        }
        if (ssap == 0x06 && dsap == 0x06 && control == 3)
        {
            Ip.Print(nd, p, length);
            return hdrlen;
        }
        return -hdrlen;
    }

    private static string? Sap(int s) => s switch
    {
        0x00 => "Null", 0x02 => "Management", 0x06 => "IP", 0x0e => "PROWAY NM", 0x42 => "STP", 0x4e => "RS511",
        0x5e => "ISI IP", 0x7e => "X.25 PLP", 0x80 => "XNS", 0x8e => "PROWAY AL", 0xaa => "SNAP", 0xe0 => "IPX",
        0xf0 => "NetBeui", 0xf4 => "LanManager", 0xfe => "OSI", 0xff => "Global", _ => null,
    };
}
