// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>MPLS LSP ping/traceroute (UDP 3503): echo request/reply header, target FEC stack sub-TLVs, downstream
/// mapping, BFD discriminator and vendor TLVs.</summary>
/// <remarks>Specification: RFC 8029 (formerly RFC 4379), RFC 5884 (BFD discriminator).</remarks>
internal static class LspPing
{
    private const int HeaderLen = 32;

    private static string ReturnCode(int c) => c switch
    {
        0 => "No return code or return code contained in the Error Code TLV", 1 => "Malformed echo request received",
        2 => "One or more of the TLVs was not understood", 3 => "Replying router is an egress for the FEC at stack depth",
        4 => "Replying router has no mapping for the FEC at stack depth", 5 or 6 or 7 => "Reserved", 8 => "Label switched at stack-depth",
        9 => "Label switched but no MPLS forwarding at stack-depth", 10 => "Mapping for this FEC is not the given label at stack depth",
        11 => "No label entry at stack-depth", 12 => "Protocol not associated with interface at FEC stack depth",
        13 => "Premature termination of ping due to label stack shrinking to a single label", _ => "unknown",
    };

    private static string? MsgType(int t) => t switch { 1 => "MPLS Echo Request", 2 => "MPLS Echo Reply", _ => null };

    private static string ReplyMode(int m) => m switch
    {
        1 => "Do not reply", 2 => "Reply via an IPv4/IPv6 UDP packet", 3 => "Reply via an IPv4/IPv6 UDP packet with Router Alert",
        4 => "Reply via application level control channel", _ => "unknown",
    };

    private static string Tlv(int t) => t switch
    {
        1 => "Target FEC Stack", 2 => "Downstream Mapping", 3 => "Pad", 9 => "Error Code", 5 => "Vendor Enterprise Code",
        7 => "Interface Label Stack", 10 => "Reply TOS Byte", 15 => "BFD Discriminator", 0xfc00 => "Vendor Private Code", _ => "Unknown",
    };

    private static string SubTlv(int t) => t switch
    {
        1 => "LDP IPv4 prefix", 2 => "LDP IPv6 prefix", 3 => "RSVP IPv4 Session Query", 4 => "RSVP IPv6 Session Query", 5 => "Reserved",
        6 => "VPN IPv4 prefix", 7 => "VPN IPv6 prefix", 8 => "L2 VPN endpoint", 9 => "FEC 128 pseudowire (old)",
        10 => "FEC 128 pseudowire", 12 => "BGP labeled IPv4 prefix", 13 => "BGP labeled IPv6 prefix", _ => "Unknown",
    };

    private static string PwType(int t) => Ldp.PwType(t) is var s && s != "Unknown" ? s : "unknown";

    public static void Print(PrintContext nd, int p, int len)
    {
        nd.Proto = "lspping";
        if (len < HeaderLen) { nd.Print("\n\t\t packet is too short"); return; }
        nd.Check(p, HeaderLen);
        int version = nd.Be16(p);
        if (version != 1) { nd.Print($"LSP-PING version {version} packet not supported"); return; }
        int mt = nd.U8(p + 4);
        if (nd.Verbose < 1)
        {
            nd.Print($"LSP-PINGv{version}, {MsgType(mt) ?? $"unknown ({mt})"}, seq {nd.Be32(p + 12)}, length: {len}");
            return;
        }
        int rm = nd.U8(p + 5);
        nd.Print($"\n\tLSP-PINGv{version}, msg-type: {MsgType(mt) ?? "unknown"} ({mt}), length: {len}\n\t  reply-mode: {ReplyMode(rm)} ({rm})");
        int rc = nd.U8(p + 6), rs = nd.U8(p + 7);
        if (rc is 3 or 4 or 8 or 10 or 11 or 12)
            nd.Print($"\n\t  Return Code: {ReturnCode(rc)} {rs} ({rc})\n\t  Return Subcode: ({rs})");
        else
            nd.Print($"\n\t  Return Code: {ReturnCode(rc)} ({rc})\n\t  Return Subcode: ({rs})");
        nd.Print($"\n\t  Sender Handle: 0x{nd.Be32(p + 8):x8}, Sequence: {nd.Be32(p + 12)}");
        nd.Print("\n\t  Sender Timestamp: ");
        Ntp.Time(nd, p + 16);
        nd.Print(" ");
        uint ip = nd.Be32(p + 24), fr = nd.Be32(p + 28);
        nd.Print("Receiver Timestamp: ");
        if (ip != 0 || fr != 0) Ntp.Time(nd, p + 24);
        else nd.Print("no timestamp");
        int t = p + HeaderLen;
        int tlen = len - HeaderLen;
        while (tlen != 0)
        {
            if (tlen < 4) { nd.Print("\n\t\t packet is too short"); return; }
            int type = nd.Be16(t), tl = nd.Be16(t + 2);
            nd.Print($"\n\t  {Tlv(type)} TLV ({type}), length: {tl}");
            if (tl == 0) { t += 4; tlen -= 4; continue; }
            if (tlen < tl + 4) { nd.Print("\n\t\t packet is too short"); return; }
            nd.Check(t + 4, tl);
            bool hexdump;
            switch (type)
            {
                case 1:
                    hexdump = FecStack(nd, t + 4, tl, out bool stop);
                    if (stop) return;
                    break;
                case 2:
                    hexdump = DownstreamMap(nd, t + 4, tl);
                    break;
                case 15:
                    hexdump = tl < 4;
                    if (hexdump) nd.Print("\n\t      TLV is too short");
                    else nd.Print($"\n\t    BFD Discriminator 0x{nd.Be32(t + 4):x8}");
                    break;
                case 5:
                    hexdump = tl < 4;
                    if (hexdump) nd.Print("\n\t      TLV is too short");
                    else
                    {
                        uint vid = nd.Be32(t + 4);
                        nd.Print($"\n\t    Vendor: {Radius.Enterprise(vid) ?? "Unknown"} (0x{vid:x4})");
                    }
                    break;
                default:
                    hexdump = false;
                    if (nd.Verbose <= 1) HexDump.UnknownData(nd, t + 4, "\n\t    ", tl);
                    break;
            }
            if (nd.Verbose > 1 || hexdump) HexDump.UnknownData(nd, t + 4, "\n\t    ", tl);
            if (tl % 4 != 0)
            {
                tl += 4 - tl % 4;
                if (tlen < tl + 4) { nd.Print("\n\t\t packet is too short"); return; }
            }
            t += tl + 4;
            tlen -= tl + 4;
        }
    }

    /// <summary>The target FEC stack's sub-TLVs; true when the whole TLV is to be dumped, stop when printing ends.</summary>
    private static bool FecStack(PrintContext nd, int s, int tlen, out bool stop)
    {
        stop = false;
        while (tlen != 0)
        {
            if (tlen < 4) { nd.Print("\n\t      TLV is too short"); return true; }
            int type = nd.Be16(s), sl = nd.Be16(s + 2);
            int v = s + 4;
            if (tlen < sl + 4) { nd.Print("\n\t      TLV is too short"); return true; }
            nd.Check(v, sl);
            nd.Print($"\n\t    {SubTlv(type)} subTLV ({type}), length: {sl}");
            bool dump = !SubTlvValue(nd, type, v, sl);
            if (nd.Verbose > 1 || dump) HexDump.UnknownData(nd, v, "\n\t      ", sl);
            if (sl % 4 != 0)
            {
                sl += 4 - sl % 4;
                if (tlen < sl + 4) { nd.Print("\n\t\t TLV is too short"); stop = true; return false; }
            }
            s += sl;
            tlen -= sl + 4;
        }
        return false;
    }

    /// <summary>A sub-TLV's value; false when it is to be dumped in hex instead.</summary>
    private static bool SubTlvValue(PrintContext nd, int type, int v, int sl)
    {
        int want = type switch { 1 or 12 => 5, 2 or 13 => 17, 3 => 20, 4 => 56, 6 => 13, 7 => 25, 8 => 14, 9 => 10, 10 => 14, _ => -1 };
        if (want < 0) return false;
        if (sl != want)
        {
            nd.Print($"\n\t      invalid subTLV length, should be {want}");
            return false;
        }
        switch (type)
        {
            case 1: case 12:
                nd.Print($"\n\t      {nd.A4(v)}/{nd.U8(v + 4)}");
                break;
            case 2: case 13:
                nd.Print($"\n\t      {nd.A6(v)}/{nd.U8(v + 16)}");
                break;
            case 3:
                nd.Print($"\n\t      tunnel end-point {nd.A4(v)}, tunnel sender {nd.A4(v + 12)}, lsp-id 0x{nd.Be16(v + 18):x4}");
                nd.Print($"\n\t      tunnel-id 0x{nd.Be16(v + 6):x4}, extended tunnel-id {nd.A4(v + 8)}");
                break;
            case 4:
                nd.Print($"\n\t      tunnel end-point {nd.A6(v)}, tunnel sender {nd.A6(v + 36)}, lsp-id 0x{nd.Be16(v + 54):x4}");
                nd.Print($"\n\t      tunnel-id 0x{nd.Be16(v + 18):x4}, extended tunnel-id {nd.A6(v + 20)}");
                break;
            case 6:
                nd.Print($"\n\t      RD: {Bgp.Rd(nd, v)}, {nd.A4(v + 8)}/{nd.U8(v + 12)}");
                break;
            case 7:
                nd.Print($"\n\t      RD: {Bgp.Rd(nd, v)}, {nd.A6(v + 8)}/{nd.U8(v + 24)}");
                break;
            case 8:
                int enc = nd.Be16(v + 12);
                nd.Print($"\n\t      RD: {Bgp.Rd(nd, v)}, Sender VE ID: {nd.Be16(v + 8)}, Receiver VE ID: {nd.Be16(v + 10)}");
                nd.Print($"\n\t      Encapsulation Type: {PwType(enc)} ({enc})");
                break;
            case 9:
                int pt = nd.Be16(v + 8);
                nd.Print($"\n\t      Remote PE: {nd.A4(v)}\n\t      PW ID: 0x{nd.Be32(v + 4):x8}, PW Type: {PwType(pt)} ({pt})");
                break;
            case 10:
                int pt2 = nd.Be16(v + 12);
                nd.Print($"\n\t      Sender PE: {nd.A4(v)}, Remote PE: {nd.A4(v + 4)}");
                nd.Print($"\n\t      PW ID: 0x{nd.Be32(v + 8):x8}, PW Type: {PwType(pt2)} ({pt2})");
                break;
        }
        return true;
    }

    /// <summary>The downstream mapping TLV; it is then always dumped in hex (true).</summary>
    private static bool DownstreamMap(PrintContext nd, int v, int tlen)
    {
        if (tlen < 4) { nd.Print("\n\t      TLV is too short"); return true; }
        nd.Check(v, 4);
        int at = nd.U8(v + 2);
        string an = at switch { 1 => "IPv4", 2 => "Unnumbered IPv4", 3 or 4 => "IPv6", _ => "unknown" };
        nd.Print($"\n\t    MTU: {nd.Be16(v)}, Address-Type: {an} ({at})");
        int size = at switch { 1 or 2 => 12, 3 => 36, 4 => 24, _ => 0 };
        if (size != 0)
        {
            if (tlen < size) { nd.Print("\n\t      TLV is too short"); return true; }
            nd.Check(v, size);
            switch (at)
            {
                case 1: nd.Print($"\n\t    Downstream IP: {nd.A4(v + 4)}\n\t    Downstream Interface IP: {nd.A4(v + 8)}"); break;
                case 2: nd.Print($"\n\t    Downstream IP: {nd.A4(v + 4)}\n\t    Downstream Interface Index: 0x{nd.Be32(v + 8):x8}"); break;
                case 3: nd.Print($"\n\t    Downstream IP: {nd.A6(v + 4)}\n\t    Downstream Interface IP: {nd.A6(v + 20)}"); break;
                case 4: nd.Print($"\n\t    Downstream IP: {nd.A6(v + 4)}\n\t    Downstream Interface Index: 0x{nd.Be32(v + 20):x8}"); break;
            }
            v += size;
            tlen -= size;
        }
        if (tlen < 4) { nd.Print("\n\t      TLV is too short"); return true; }
        nd.Check(v, 4);
        return true;
    }
}
