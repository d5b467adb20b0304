using Dumpkit.Pcap.Capture;

namespace Dumpkit.Tcpdump.Print;

/// <summary>Prints one packet as tcpdump's pretty_print_packet does: number, time, link printer, dumps.</summary>
internal sealed class PacketPrinter(Nd nd, int linkType, Timestamp ts)
{
    public Nd Nd { get; } = nd;

    public void Print(in PacketHeader h, uint number)
    {
        var o = Nd.O;
        if (Nd.S.Number) o.Put($"{number,5}  ");
        bool bad = false;
        if (h.CapLen == 0) { bad = true; o.Put("[Invalid header: caplen==0"); }
        if (h.Len == 0)
        {
            o.Put(bad ? "," : "[Invalid header:"); bad = true;
            o.Put(" len==0");
        }
        else if (h.Len < h.CapLen)
        {
            o.Put(bad ? "," : "[Invalid header:"); bad = true;
            o.Put($" len({h.Len}) < caplen({h.CapLen})");
        }
        if (h.CapLen > Nd.MaxSnap)
        {
            o.Put(bad ? "," : "[Invalid header:"); bad = true;
            o.Put($" caplen({h.CapLen}) > {Nd.MaxSnap}");
        }
        if (h.Len > Nd.MaxSnap)
        {
            o.Put(bad ? "," : "[Invalid header:"); bad = true;
            o.Put($" len({h.Len}) > {Nd.MaxSnap}");
        }
        if (bad) { o.Put("]\n"); return; }

        ts.Print(o, h.Seconds, h.Fraction);
        Nd.CapLen = h.CapLen;
        Nd.SnapEnd = h.CapLen;
        Nd.Proto = "";
        Nd.LinkHdrLen = 0;
        try
        {
            Nd.LinkHdrLen = PrintLink((int)h.Len, h.CapLen);
        }
        catch (TruncatedException)
        {
            Nd.PrintTrunc();
            Nd.LinkHdrLen = 0;
        }
        Nd.SnapEnd = h.CapLen;
        int hdr = Nd.LinkHdrLen;
        var s = Nd.S;
        if (s.HexAscii > 0)
        {
            if (s.HexAscii > 1) HexDump.HexAscii(Nd, "\n\t", 0, h.CapLen);
            else if (h.CapLen > hdr) HexDump.HexAscii(Nd, "\n\t", hdr, h.CapLen - hdr);
        }
        else if (s.Hex > 0)
        {
            if (s.Hex > 1) HexDump.Hex(Nd, "\n\t", 0, h.CapLen);
            else if (h.CapLen > hdr) HexDump.Hex(Nd, "\n\t", hdr, h.CapLen - hdr);
        }
        else if (s.Ascii > 0)
        {
            if (s.Ascii > 1) HexDump.Ascii(Nd, 0, h.CapLen);
            else if (h.CapLen > hdr) HexDump.Ascii(Nd, hdr, h.CapLen - hdr);
        }
        o.Put('\n');
    }

    private int PrintLink(int len, int caplen)
    {
        switch (linkType)
        {
            case LinkTypes.Ethernet:
                Nd.Proto = "ether";
                return Ether.Print(Nd, 0, len, caplen);
            case LinkTypes.Null:
            case LinkTypes.Loop:
                return LinkNull.Print(Nd, len, caplen, linkType == LinkTypes.Loop);
            case LinkTypes.Raw:
            case 12:
            case 14:
                Nd.Proto = "raw";
                if (caplen == 0) { Nd.PrintTrunc(); return 0; }
                if (Nd.S.LinkHeader) Nd.P("ip: ");
                Ip.PrintAny(Nd, 0, len);
                return 0;
            case LinkTypes.Ipv4:
                Ip.Print(Nd, 0, len);
                return 0;
            case LinkTypes.Ipv6:
                Ip6.Print(Nd, 0, len);
                return 0;
            case LinkTypes.LinuxSll:
                return Sll.Print(Nd, len, caplen);
            case LinkTypes.LinuxSll2:
                return Sll.Print2(Nd, len, caplen);
            case 226:
                return Ipnet(len, caplen);
            case 9:
                return Ppp.IfPrint(Nd, len, caplen);
            case 104:
                return Chdlc.Print(Nd, 0, len);
            case 242:
                return Ipoib(len, caplen);
            case 107:
                return Fr.IfPrint(Nd, len, caplen);
            case 8:
                return Sl.IfPrint(Nd, len);
            case 271:
                return Vsock.IfPrint(Nd, caplen);
            case 182:
                return Fr.MfrIfPrint(Nd, len, caplen);
            case 281:
                return Brcm.IfPrint(Nd, len, caplen);
            case 282:
                return Brcm.PrependIfPrint(Nd, len, caplen);
            case 284:
                return Dsa.DsaIfPrint(Nd, len, caplen);
            case 285:
                return Dsa.EdsaIfPrint(Nd, len, caplen);
            case Juniper.EtherLinkType:
                return Juniper.EtherIfPrint(Nd, len, caplen);
        }
        // link types without a printer print as tcpdump's "unsupported" printer does
        Nd.Proto = "unsupported";
        Nd.P("UNSUPPORTED");
        HexDump.HexAscii(Nd, "\n\t", 0, caplen);
        return 0;
    }

    private int Ipnet(int length, int caplen)
    {
        var nd = Nd;
        nd.Check(0, 24);
        int family = nd.U8(1);
        string? fname = family switch { 2 => "IPv4", 26 => "IPv6", _ => null };
        void Hdr(int l)
        {
            nd.P($"{nd.Be32(16)} > {nd.Be32(20)}");
            if (!nd.S.Quick) nd.P($", family {fname ?? "Unknown"} ({family})");
            else nd.P($", {fname ?? $"Unknown Ethertype (0x{family:x4})"}");
            nd.P($", length {l}: ");
        }
        if (nd.S.LinkHeader) Hdr(length);
        switch (family)
        {
            case 2: Ip.Print(nd, 24, length - 24); break;
            case 26: Ip6.Print(nd, 24, length - 24); break;
            default:
                if (!nd.S.LinkHeader) Hdr(length);
                nd.DefaultPrint(24, caplen - 24);
                break;
        }
        return 24;
    }

    /// <summary>IP over InfiniBand (LINKTYPE_IPOIB): 44-byte header, ethertype at offset 40.</summary>
    private int Ipoib(int length, int caplen)
    {
        var nd = Nd;
        nd.Proto = "ipoib";
        if (caplen < 44) { nd.PrintTrunc(); return caplen; }
        if (length < 44) { nd.PrintTrunc(); return length; }
        int et = nd.Be16(40);
        void Hdr(int l)
        {
            if (!nd.S.Quick) nd.P($", ethertype {Ether.TypeName(et) ?? "Unknown"} (0x{et:x4})");
            else nd.P($", ethertype {Ether.TypeName(et) ?? "Unknown"}");
            nd.P($", length {l}: ");
        }
        if (nd.S.LinkHeader) { nd.P("IPOIB"); Hdr(length); }
        if (!Ether.EtherType(nd, et, 44, length - 44, caplen - 44))
        {
            if (!nd.S.LinkHeader) Hdr(length);
            nd.DefaultPrint(44, caplen - 44);
        }
        return 44;
    }
}
