// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Cisco HDLC (LINKTYPE_C_HDLC) with SLARP.</summary>
/// <remarks>Specification: Cisco HDLC framing and SLARP (Cisco's, no RFC).</remarks>
internal static class Chdlc
{
    public static int Print(PrintContext nd, int p, int length)
    {
        nd.Proto = "chdlc";
        int bp = p;
        if (length < 4) { nd.PrintTrunc(); return nd.Avail(bp); }
        int proto = nd.Be16(p + 2);
        if (nd.Settings.LinkHeader)
        {
            int c = nd.U8(p);
            nd.Print($"{(c == 0x0f ? "unicast" : c == 0x8f ? "bcast" : $"0x{c:x2}")}" +
                $", ethertype {Ether.TypeName(proto) ?? "Unknown"} (0x{proto:x4}), length {length}: ");
        }
        length -= 4; p += 4;
        switch (proto)
        {
            case 0x0800: Ip.Print(nd, p, length); break;
            case 0x86dd: Ip6.Print(nd, p, length); break;
            case 0x8035: Slarp(nd, p, length); break;
            case 0x8847:
            case 0x8848: Mpls.Print(nd, p, length); break;
            case 0xfefe:
                if (length < 2) { nd.PrintTrunc(); return nd.Avail(bp); }
                Isoclns.ChdlcIso(nd, p, length);
                break;
            default:
                if (!nd.Settings.LinkHeader) nd.Print($"unknown CHDLC protocol (0x{proto:x4})");
                break;
        }
        return 4;
    }

    private static void Slarp(PrintContext nd, int cp, int length)
    {
        nd.Proto = "chdlc_slarp";
        nd.Print($"SLARP (length: {length}), ");
        if (length < 14 || !nd.TTest(cp, 14)) { nd.PrintTrunc(); return; }
        uint code = nd.Be32(cp);
        switch (code)
        {
            case 0: nd.Print("request"); break;
            case 1: nd.Print($"reply {nd.A4(cp + 4)}/{nd.A4(cp + 8)}"); break;
            case 2:
                nd.Print($"keepalive: mineseen=0x{nd.Be32(cp + 4):x8}, yourseen=0x{nd.Be32(cp + 8):x8}, reliability=0x{nd.Be16(cp + 12):x4}");
                if (length >= 18)
                {
                    cp += 14;
                    uint sec = nd.Be32(cp) / 1000;
                    uint min = sec / 60; sec -= min * 60;
                    uint hrs = min / 60; min -= hrs * 60;
                    uint days = hrs / 24; hrs -= days * 24;
                    nd.Print($", link uptime={days}d{hrs}h{min}m{sec}s");
                }
                break;
            default:
                nd.Print($"0x{code:x2} unknown");
                if (nd.Verbose <= 1) HexDump.UnknownData(nd, cp + 4, "\n\t", length - 4);
                break;
        }
        if (18 < length && nd.Verbose > 0) nd.Print($", (trailing junk: {length - 18} bytes)");
        if (nd.Verbose > 1) HexDump.UnknownData(nd, cp + 4, "\n\t", length - 4);
    }
}
