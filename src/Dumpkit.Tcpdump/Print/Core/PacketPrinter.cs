// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers;
using Dumpkit.Pcap.Capture;

namespace Dumpkit.Tcpdump.Print;

/// <summary>Prints one packet as tcpdump's pretty_print_packet does: number, time, link printer, dumps.</summary>
internal sealed class PacketPrinter(PrintContext context, int linkType, Timestamp ts)
{
    public PrintContext Context { get; } = context;

    public void Print(in PacketHeader h, uint number)
    {
        var o = Context.Out;
        if (Context.Settings.Number) o.Put($"{number,5}  ");
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
        if (h.CapLen > SnapLength.Maximum)
        {
            o.Put(bad ? "," : "[Invalid header:"); bad = true;
            o.Put($" caplen({h.CapLen}) > {SnapLength.Maximum}");
        }
        if (h.Len > SnapLength.Maximum)
        {
            o.Put(bad ? "," : "[Invalid header:"); bad = true;
            o.Put($" len({h.Len}) > {SnapLength.Maximum}");
        }
        if (bad) { o.Put("]\n"); return; }

        ts.Print(o, h.Seconds, h.Fraction);
        Context.CapLen = h.CapLen;
        Context.SnapEnd = h.CapLen;
        Context.Proto = "";
        Context.LinkHdrLen = 0;
        try
        {
            int hdrLen = PrintLink(linkType, (int)h.Len, h.CapLen);
            if (hdrLen == -1)
            {
                // link types without a printer print as tcpdump's "unsupported" printer does
                Context.Proto = "unsupported";
                Context.Print("UNSUPPORTED");
                HexDump.HexAscii(Context, "\n\t", 0, h.CapLen);
                hdrLen = 0;
            }
            Context.LinkHdrLen = hdrLen;
        }
        catch (TruncatedException)
        {
            Context.PrintTrunc();
            Context.LinkHdrLen = 0;
        }
        Context.SnapEnd = h.CapLen;
        int hdr = Context.LinkHdrLen;
        var s = Context.Settings;
        if (s.HexAscii > 0)
        {
            if (s.HexAscii > 1) HexDump.HexAscii(Context, "\n\t", 0, h.CapLen);
            else if ((uint)h.CapLen > (uint)hdr) HexDump.HexAscii(Context, "\n\t", hdr, h.CapLen - hdr);
        }
        else if (s.Hex > 0)
        {
            if (s.Hex > 1) HexDump.Hex(Context, "\n\t", 0, h.CapLen);
            else if ((uint)h.CapLen > (uint)hdr) HexDump.Hex(Context, "\n\t", hdr, h.CapLen - hdr);
        }
        else if (s.Ascii > 0)
        {
            if (s.Ascii > 1) HexDump.Ascii(Context, 0, h.CapLen);
            else if ((uint)h.CapLen > (uint)hdr) HexDump.Ascii(Context, hdr, h.CapLen - hdr);
        }
        o.Put('\n');
    }

    /// <summary>The printer of link type lt, as tcpdump's lookup_printer finds it; -1 (nothing printed) when there is none.</summary>
    private int PrintLink(int lt, int len, int caplen)
    {
        switch (lt)
        {
            case LinkTypes.Ethernet:
                Context.Proto = "ether";
                return Ether.Print(Context, 0, len, caplen);
            case LinkTypes.Null:
            case LinkTypes.Loop:
                return LinkNull.Print(Context, len, caplen, linkType == LinkTypes.Loop);
            case LinkTypes.Raw:
            case LinkTypes.RawDlt12:
            case LinkTypes.RawDlt14:
            case LinkTypes.Ipv4: // tcpdump's raw_if_print for all three: the IP version picks the printer
            case LinkTypes.Ipv6:
                Context.Proto = "raw";
                if (Context.Settings.LinkHeader) Context.Print("ip: ");
                Context.Proto = "ipn"; // tcpdump's ipN_print (caplen 0 happens inside a PKTAP record)
                if (len < 1) { Context.Print($"truncated-ip {len}"); return 0; }
                Ip.PrintAny(Context, 0, len);
                return 0;
            case LinkTypes.Pktap:
            case LinkTypes.User2: // macOS wrote PKTAP files as LINKTYPE_USER2; tcpdump prints them with the PKTAP printer
                return Pktap.IfPrint(Context, len, caplen, this);
            case LinkTypes.LinuxSll:
                return Sll.Print(Context, len, caplen);
            case LinkTypes.LinuxSll2:
                return Sll.Print2(Context, len, caplen);
            case LinkTypes.Ipnet:
                return Ipnet(len, caplen);
            case LinkTypes.Ppp:
                return Ppp.IfPrint(Context, len, caplen);
            case LinkTypes.PppHdlc:
                return Ppp.HdlcIfPrint(Context, len, caplen);
            case LinkTypes.Nflog:
                return Nflog.IfPrint(Context, len, caplen);
            case LinkTypes.CHdlc:
                return Chdlc.Print(Context, 0, len);
            case LinkTypes.Ipoib:
                return Ipoib(len, caplen);
            case LinkTypes.FrameRelay:
                return Fr.IfPrint(Context, len, caplen);
            case LinkTypes.Slip:
                return Sl.IfPrint(Context, len);
            case LinkTypes.Vsock:
                return Vsock.IfPrint(Context, caplen);
            case LinkTypes.Mfr:
                return Fr.MfrIfPrint(Context, len, caplen);
            case LinkTypes.DsaTagBrcm:
                return Brcm.IfPrint(Context, len, caplen);
            case LinkTypes.DsaTagBrcmPrepend:
                return Brcm.PrependIfPrint(Context, len, caplen);
            case LinkTypes.DsaTagDsa:
                return Dsa.DsaIfPrint(Context, len, caplen);
            case LinkTypes.DsaTagEdsa:
                return Dsa.EdsaIfPrint(Context, len, caplen);
            case LinkTypes.JuniperEther:
                return Juniper.EtherIfPrint(Context, len, caplen);
            case LinkTypes.JuniperAtm1:
                return Juniper.Atm1IfPrint(Context, len, caplen);
            case LinkTypes.JuniperEs:
                return Juniper.EsIfPrint(Context, len, caplen);
            case LinkTypes.SunAtm:
                return Atm.SunAtmIfPrint(Context, len, caplen);
            case LinkTypes.AtmRfc1483:
            case LinkTypes.AtmRfc1483Dlt:
                return Atm.Rfc1483IfPrint(Context, len, caplen);
            case LinkTypes.AtmClip:
            case LinkTypes.AtmClipDlt:
                return Cip.IfPrint(Context, len, caplen);
            case LinkTypes.Ieee80211:
                return Ieee80211.IfPrint(Context, len, caplen);
            case LinkTypes.Ieee80211Radiotap:
                return Radiotap.IfPrint(Context, len, caplen);
            case LinkTypes.PrismHeader:
                return Radiotap.PrismPrint(Context, len, caplen);
            case LinkTypes.Ieee80211RadioAvs:
                return Radiotap.AvsPrint(Context, len, caplen);
            case LinkTypes.ArcnetLinux:
                return Arcnet.LinuxIfPrint(Context, len, caplen);
            case LinkTypes.Ltalk:
                return Atalk.LtalkIfPrint(Context, len, caplen);
            case LinkTypes.Ieee802154:
            case LinkTypes.Ieee802154NoFcs:
                return Ieee802154.IfPrint(Context, caplen);
            case LinkTypes.Ieee802154Tap:
                return Ieee802154.TapIfPrint(Context, caplen);
        }
        return -1;
    }

    /// <summary>A packet of DLT dlt at offset off, inside a pseudo-header (PKTAP): printed by that DLT's printer with the
    /// packet moved to offset 0 for the call; returns its link-header length, or -1 (nothing printed) when tcpdump has no
    /// printer for the DLT. LINKTYPE_ values that are not Linux DLT values (14, 100, 101, 106) have none.</summary>
    internal int PrintNested(int dlt, int off, int length, int caplen)
    {
        if (dlt is LinkTypes.RawDlt14 or LinkTypes.AtmRfc1483 or LinkTypes.Raw or LinkTypes.AtmClip) return -1;
        var nd = Context;
        int end = nd.SnapEnd, cap = nd.CapLen;
        byte[] buf = nd.Buf;
        byte[] prefix = ArrayPool<byte>.Shared.Rent(Math.Max(off, 1));
        buf.AsSpan(0, off).CopyTo(prefix);
        buf.AsSpan(off, end - off).CopyTo(buf);
        nd.SnapEnd = end - off;
        nd.CapLen = caplen;
        try
        {
            return PrintLink(dlt, length, caplen);
        }
        finally
        {
            nd.Buf = buf;
            buf.AsSpan(0, end - off).CopyTo(buf.AsSpan(off));
            prefix.AsSpan(0, off).CopyTo(buf);
            ArrayPool<byte>.Shared.Return(prefix);
            nd.SnapEnd = end;
            nd.CapLen = cap;
        }
    }

    private int Ipnet(int length, int caplen)
    {
        var nd = Context;
        nd.Check(0, 24);
        int family = nd.U8(1);
        string? fname = family switch { 2 => "IPv4", 26 => "IPv6", _ => null };
        void Hdr(int l)
        {
            nd.Print($"{nd.Be32(16)} > {nd.Be32(20)}");
            if (!nd.Settings.Quick) nd.Print($", family {fname ?? "Unknown"} ({family})");
            else nd.Print($", {fname ?? $"Unknown Ethertype (0x{family:x4})"}");
            nd.Print($", length {l}: ");
        }
        if (nd.Settings.LinkHeader) Hdr(length);
        switch (family)
        {
            case 2: Ip.Print(nd, 24, length - 24); break;
            case 26: Ip6.Print(nd, 24, length - 24); break;
            default:
                if (!nd.Settings.LinkHeader) Hdr(length);
                nd.DefaultPrint(24, caplen - 24);
                break;
        }
        return 24;
    }

    /// <summary>IP over InfiniBand (LINKTYPE_IPOIB): 44-byte header, ethertype at offset 40.</summary>
    private int Ipoib(int length, int caplen)
    {
        var nd = Context;
        nd.Proto = "ipoib";
        if (caplen < 44) { nd.PrintTrunc(); return caplen; }
        if (length < 44) { nd.PrintTrunc(); return length; }
        int et = nd.Be16(40);
        void Hdr(int l)
        {
            if (!nd.Settings.Quick) nd.Print($", ethertype {Ether.TypeName(et) ?? "Unknown"} (0x{et:x4})");
            else nd.Print($", ethertype {Ether.TypeName(et) ?? "Unknown"}");
            nd.Print($", length {l}: ");
        }
        if (nd.Settings.LinkHeader) { nd.Print("IPOIB"); Hdr(length); }
        if (!Ether.EtherType(nd, et, 44, length - 44, caplen - 44))
        {
            if (!nd.Settings.LinkHeader) Hdr(length);
            nd.DefaultPrint(44, caplen - 44);
        }
        return 44;
    }
}
