// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>PPP link layer (LINKTYPE_PPP): address/control, protocol field, IP/IPv6 payloads.</summary>
/// <remarks>Specification: RFC 1661, RFC 1662.</remarks>
internal static class Ppp
{
    public static string? TypeName(int p) => p switch
    {
        0x0021 => "IP", 0x0023 => "OSI", 0x0025 => "NS", 0x0027 => "DECNET", 0x0029 => "APPLE", 0x002b => "IPX",
        0x002d => "VJC IP", 0x002f => "VJNC IP", 0x0031 => "BRPDU", 0x0033 => "STII", 0x0035 => "VINES", 0x0281 => "MPLS",
        0x0283 => "MPLS", 0x00fd => "Compressed", 0x003d => "MLPPP", 0x0057 => "IP6", 0x0201 => "HELLO", 0x0231 => "LUXCOM",
        0x0233 => "SNS", 0x8021 => "IPCP", 0x8023 => "OSICP", 0x8025 => "NSCP", 0x8027 => "DECNETCP", 0x8029 => "APPLECP",
        0x802b => "IPXCP", 0x8033 => "STIICP", 0x8035 => "VINESCP", 0x8057 => "IP6CP", 0x8281 => "MPLSCP", 0xc021 => "LCP",
        0xc023 => "PAP", 0xc025 => "LQM", 0xc223 => "CHAP", 0xc227 => "EAP", 0xc027 => "SPAP", 0xc123 => "Old-SPAP",
        0xc02b => "BACP", 0xc02d => "BAP", 0xc03d => "MLPPP-CP", 0x80fd => "CCP",
        _ => null,
    };

    public static int IfPrint(PrintContext nd, int length, int caplen)
    {
        nd.Proto = "ppp";
        if (caplen < 4) { nd.PrintTrunc(); return caplen; }
        Print(nd, 0, length);
        return 4;
    }

    public static int Print(PrintContext nd, int p, int length)
    {
        nd.Proto = "ppp";
        int olen = length, hdr = 0;
        if (length < 2) { nd.PrintTrunc(); return 0; }
        int h = nd.Be16(p);
        switch (h)
        {
            case 0x0003:
                if (nd.Settings.LinkHeader) nd.Print("In  ");
                p += 2; length -= 2; hdr += 2;
                break;
            case 0x0103:
                if (nd.Settings.LinkHeader) nd.Print("Out ");
                p += 2; length -= 2; hdr += 2;
                break;
            case 0xff03:
                p += 2; length -= 2; hdr += 2;
                break;
        }
        if (length < 2) { nd.PrintTrunc(); return 0; }
        int proto;
        if (nd.U8(p) % 2 != 0) { proto = nd.U8(p); p++; length--; hdr++; }
        else { proto = nd.Be16(p); p += 2; length -= 2; hdr += 2; }
        if (nd.Settings.LinkHeader)
        {
            string? t = TypeName(proto);
            nd.Print($"{t ?? "unknown"} (0x{proto:x4}), length {olen}");
            if (t == null) return hdr;
            nd.Print(": ");
        }
        Handle(nd, proto, p, length);
        return hdr;
    }

    /// <summary>tcpdump's handle_ppp: the payload of PPP protocol proto at p.</summary>
    public static void Handle(PrintContext nd, int proto, int p, int length)
    {
        if ((proto & 0xff00) == 0x7e00)
        {
            Unescape(nd, p - 1, length);
            return;
        }
        switch (proto)
        {
            case 0xc021: case 0x8021: case 0x8023: case 0x8281: case 0x8057: case 0x80fd: case 0xc02b:
                PppControl.Print(nd, proto, p, length);
                break;
            case 0x003d:
                PppControl.Multilink(nd, p, length);
                break;
            case 0xc223:
                PppControl.Chap(nd, p, length);
                break;
            case 0xc023:
                PppControl.Pap(nd, p, length);
                break;
            case 0xc02d:
                break; // BAP: tcpdump prints nothing of it
            case 0x8137:
            case 0x002b:
                Ipx.Print(nd, p, length);
                break;
            case 0x0800:
            case 0x002f:
            case 0x0021:
                Ip.Print(nd, p, length);
                break;
            case 0x86dd:
            case 0x0057:
                Ip6.Print(nd, p, length);
                break;
            case 0x0281:
            case 0x0283:
                Mpls.Print(nd, p, length);
                break;
            case 0x0023:
                Isoclns.Print(nd, p, length);
                break;
            case 0x00fd:
                nd.Print("compressed PPP data");
                break;
            default:
                nd.Print($"{TypeName(proto) ?? $"unknown PPP protocol (0x{proto:x4})"} ");
                HexDump.UnknownData(nd, p, "\n\t", length);
                break;
        }
    }

    /// <summary>RFC 1662 octet-stuffed PPP (a frame whose protocol starts with 0x7e): un-escapes what was captured
    /// into a private buffer and prints that.</summary>
    private static void Unescape(PrintContext nd, int p, int length)
    {
        int caplen = nd.Avail(p);
        if (caplen == 0 || length == 0) return;
        var b = new byte[caplen];
        int n = 0;
        for (int i = caplen, s = p; i != 0; i--)
        {
            byte c = nd.U8(s++);
            if (c == 0x7d)
            {
                if (i <= 1) break;
                i--;
                c = (byte)(nd.U8(s++) ^ 0x20);
            }
            b[n++] = c;
        }
        byte[] savedBuf = nd.Buf;
        int savedEnd = nd.SnapEnd;
        bool trunc = false;
        nd.Buf = b;
        nd.SnapEnd = n;
        try
        {
            trunc = Unescaped(nd, n);
        }
        finally
        {
            nd.Buf = savedBuf;
            nd.SnapEnd = savedEnd;
        }
        if (trunc) nd.PrintTrunc();
    }

    private static bool Unescaped(PrintContext nd, int length)
    {
        if (length < 1) return true;
        switch (nd.U8(0))
        {
            case 0x21: Ip.Print(nd, 1, length - 1); return false;
            case 0x57: Ip6.Print(nd, 1, length - 1); return false;
        }
        if (length < 2) return true;
        int proto = nd.Be16(0), off = 2;
        if (proto == 0xff03)
        {
            if (length < 4) return true;
            proto = nd.Be16(2);
            off = 4;
        }
        if ((proto & 0xff00) == 0x7e00) nd.Print($"(protocol 0x{proto:x4} invalid)");
        else Handle(nd, proto, off, length - off);
        return false;
    }

    /// <summary>LINKTYPE_PPP_HDLC: PPP in HDLC-like framing, or Cisco HDLC.</summary>
    public static int HdlcIfPrint(PrintContext nd, int length, int caplen)
    {
        nd.Proto = "ppp_hdlc";
        if (caplen < 2) { nd.PrintTrunc(); return caplen; }
        int a = nd.U8(0);
        if (a == 0x0f || a == 0x8f) return Chdlc.Print(nd, 0, length);
        if (caplen < 4) { nd.PrintTrunc(); return caplen; }
        if (nd.Settings.LinkHeader) nd.Print($"{a:x2} {nd.U8(1):x2} {length} ");
        if (a != 0xff)
        {
            nd.Print($"unknown addr {nd.U8(2):x2}; ctrl {nd.U8(3):x2}");
            return 2;
        }
        int proto = nd.Be16(2);
        nd.Print($"{TypeName(proto) ?? $"unknown PPP protocol (0x{proto:x4})"}: ");
        Handle(nd, proto, 4, length - 4);
        return 4;
    }
}
