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

    private static void Handle(PrintContext nd, int proto, int p, int length)
    {
        switch (proto)
        {
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
}
