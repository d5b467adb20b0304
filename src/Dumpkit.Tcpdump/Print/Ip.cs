// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>IPv4 header, options and fragments, and the protocol demultiplexer shared with IPv6.</summary>
/// <remarks>Specification: RFC 791.</remarks>
internal static class Ip
{
    public static string? ProtoName(int p) => p switch
    {
        0 => "Options", 1 => "ICMP", 2 => "IGMP", 4 => "IPIP", 6 => "TCP", 8 => "EGP", 9 => "IGRP", 17 => "UDP",
        33 => "DCCP", 41 => "IPv6", 43 => "Routing", 44 => "Fragment", 46 => "RSVP", 47 => "GRE", 50 => "ESP",
        51 => "AH", 55 => "Mobile IP", 58 => "ICMPv6", 62 => "Mobile IP (old)", 88 => "EIGRP", 89 => "OSPF",
        103 => "PIM", 108 => "Compressed IP", 112 => "VRRP", 113 => "PGM", 132 => "SCTP", 135 => "Mobility",
        143 => "Ethernet",
        _ => null,
    };

    /// <summary>Raw IP link (tcpdump's ipN_print): version nibble picks IPv4 or IPv6.</summary>
    public static void PrintAny(PrintContext nd, int off, int length)
    {
        int v = nd.U8(off) >> 4;
        if (v == 6) Ip6.Print(nd, off, length);
        else if (v == 4) Print(nd, off, length);
        else nd.Print($"unknown ip {v}");
    }

    /// <summary>" NAME" from /etc/protocols without -n, else " ip-proto-N" (for a protocol no printer knows).</summary>
    private static void ProtoName(PrintContext nd, int proto)
    {
        if (nd.Settings.Names?.Protocol(proto) is { } name) nd.Print($" {name}");
        else nd.Print($" ip-proto-{proto}");
    }

    public static void Print(PrintContext nd, int ip, int length)
    {
        nd.Proto = "ip";
        int ver = nd.U8(ip) >> 4;
        if (ver != 4)
        {
            if (ver == 6) nd.Print("IP6, wrong link-layer encapsulation");
            else nd.Print($"IP{ver}");
            nd.PrintInvalid();
            return;
        }
        if (!nd.Settings.LinkHeader) nd.Print("IP ");
        // a short header is reported here, not unwound to the packet printer: -x/-X then dump after the link header
        if (!nd.TTest(ip, 20)) { nd.PrintTrunc(); return; }
        if (length < 20) { nd.Print($"truncated-ip {length}"); return; }
        int hlen = (nd.U8(ip) & 0xf) * 4;
        if (hlen < 20) { nd.Print($"bad-hlen {hlen}"); return; }
        int len = nd.Be16(ip + 2);
        if (length < len) nd.Print($"truncated-ip - {len - length} bytes missing! ");
        if (len < hlen)
        {
            if (len != 0) { nd.Print($"bad-len {len}"); return; }
            len = length; // TSO guess
        }
        int saved = nd.PushSnap(ip, len);
        try
        {
            len -= hlen;
            int off = nd.Be16(ip + 6);
            int proto = nd.U8(ip + 9);
            if (nd.Verbose > 0)
            {
                int tos = nd.U8(ip + 1);
                nd.Print($"(tos 0x{tos:x}");
                switch (tos & 3)
                {
                    case 1: nd.Print(",ECT(1)"); break;
                    case 2: nd.Print(",ECT(0)"); break;
                    case 3: nd.Print(",CE"); break;
                }
                int ttl = nd.U8(ip + 8);
                if (ttl >= 1) nd.Print($", ttl {ttl}");
                nd.Print($", id {nd.Be16(ip + 4)}, offset {(off & 0x1fff) * 8}, flags [");
                bool any = false;
                if ((off & 0x2000) != 0) { nd.Print('+'); any = true; }
                if ((off & 0x4000) != 0) { if (any) nd.Print(", "); nd.Print("DF"); any = true; }
                if ((off & 0x8000) != 0) { if (any) nd.Print(", "); nd.Print("rsvd"); any = true; }
                if (!any) nd.Print("none");
                nd.Print($"], proto {ProtoName(proto) ?? "unknown"} ({proto})");
                nd.Print($", length {nd.Be16(ip + 2)}");
                bool truncated = false;
                if (hlen > 20)
                {
                    nd.Print(", options (");
                    if (!Options(nd, ip + 20, hlen - 20))
                    {
                        nd.Print(" [truncated-option]");
                        truncated = true;
                    }
                    nd.Print(")");
                }
                if (!nd.Settings.NoChecksum && nd.TTest(ip, hlen))
                {
                    ushort sum = Checksum.Compute(nd.Buf.AsSpan(ip, hlen));
                    if (sum != 0)
                    {
                        ushort ipsum = nd.Be16(ip + 10);
                        nd.Print($", bad cksum {ipsum:x} (->{Checksum.ShouldBe(ipsum, sum):x})!");
                    }
                }
                nd.Print(")\n    ");
                if (truncated)
                {
                    nd.Ip4(ip + 12); nd.Print(" > "); nd.Ip4(ip + 16); nd.Print(": ");
                    nd.PrintTrunc();
                    return;
                }
            }
            if ((off & 0x1fff) == 0)
            {
                if (proto != 6 && proto != 17 && proto != 132 && proto != 33)
                {
                    nd.Ip4(ip + 12); nd.Print(" > "); nd.Ip4(ip + 16); nd.Print(": ");
                }
                if (!nd.TTest(ip, hlen))
                {
                    nd.Print($" [remaining caplen({nd.Avail(ip)}) < header length({hlen})]");
                    PrintContext.Trunc();
                }
                Demux(nd, ip + hlen, len, 4, (off & 0x2000) != 0, nd.U8(ip + 8), proto, ip);
            }
            else
            {
                nd.Ip4(ip + 12); nd.Print(" > "); nd.Ip4(ip + 16); nd.Print(":");
                ProtoName(nd, proto);
            }
        }
        finally
        {
            nd.PopSnap(saved);
        }
    }

    /// <summary>Prints IPv4 options; false when they were cut short by the capture.</summary>
    private static bool Options(PrintContext nd, int cp, int length)
    {
        string sep = "";
        while (length > 0)
        {
            nd.Print(sep);
            sep = ",";
            int code = nd.U8(cp);
            nd.Print(code switch
            {
                0 => "EOL", 1 => "NOP", 68 => "timestamp", 130 => "security", 7 => "RR", 137 => "SSRR", 131 => "LSRR",
                148 => "RA", 82 => "traceroute", _ => $"unknown {code}",
            });
            int olen;
            if (code == 0 || code == 1) olen = 1;
            else
            {
                olen = nd.U8(cp + 1);
                if (olen < 2) { nd.Print($" [bad length {olen}]"); return true; }
            }
            if (olen > length) { nd.Print($" [bad length {olen}]"); return true; }
            if (!nd.TTest(cp, olen)) return false;
            switch (code)
            {
                case 0: return true;
                case 68:
                    if (!Timestamps(nd, cp, olen)) return false;
                    break;
                case 7: case 137: case 131:
                    if (!Route(nd, cp, olen)) return false;
                    break;
                case 148:
                    if (olen < 4) { nd.Print($" [bad length {olen}]"); break; }
                    if (!nd.TTest(cp + 3, 1)) return false;
                    if (nd.Be16(cp + 2) != 0) nd.Print($" value {nd.Be16(cp + 2)}");
                    break;
            }
            cp += olen;
            length -= olen;
        }
        return true;
    }

    private static bool Route(PrintContext nd, int cp, int length)
    {
        if (length < 3) { nd.Print($" [bad length {length}]"); return true; }
        if (((length + 1) & 3) != 0) nd.Print($" [bad length {length}]");
        int ptr = nd.U8(cp + 2) - 1;
        if (ptr < 3 || ((ptr + 1) & 3) != 0 || ptr > length + 1) nd.Print($" [bad ptr {nd.U8(cp + 2)}]");
        for (int len = 3; len < length; len += 4)
        {
            if (!nd.TTest(cp + len, 4)) return false;
            nd.Print(' ');
            nd.Ip4(cp + len);
            if (ptr > len) nd.Print(',');
        }
        return true;
    }

    private static bool Timestamps(PrintContext nd, int cp, int length)
    {
        if (length < 4) { nd.Print($"[bad length {length}]"); return true; }
        nd.Print(" TS{");
        int hoplen = (nd.U8(cp + 3) & 0xf) != 0 ? 8 : 4;
        if (((length - 4) & (hoplen - 1)) != 0) nd.Print($"[bad length {length}]");
        int ptr = nd.U8(cp + 2) - 1;
        int len = 0;
        if (ptr < 4 || ((ptr - 4) & (hoplen - 1)) != 0 || ptr > length + 1) nd.Print($"[bad ptr {nd.U8(cp + 2)}]");
        int ty = nd.U8(cp + 3) & 0xf;
        bool done = false;
        switch (ty)
        {
            case 0: nd.Print("TSONLY"); break;
            case 1: nd.Print("TS+ADDR"); break;
            case 3: nd.Print("PRESPEC"); break;
            default: nd.Print($"[bad ts type {ty}]"); done = true; break;
        }
        if (!done)
        {
            string type = " ";
            for (len = 4; len < length; len += hoplen)
            {
                if (ptr == len) type = " ^ ";
                if (!nd.TTest(cp + len, hoplen)) return false;
                nd.Print($"{type}{nd.Be32(cp + len + hoplen - 4)}@");
                if (hoplen == 8) nd.Ip4(cp + len);
                type = " ";
            }
        }
        nd.Print(ptr == len ? " ^ " : "");
        int over = nd.U8(cp + 3) >> 4;
        if (over != 0) nd.Print($" [{over} hops not recorded]}} ");
        else nd.Print("}");
        return true;
    }

    /// <summary>Offset of the final destination for a source-routed datagram, or -1 to use the header's.</summary>
    public static int FinalDestination(PrintContext nd, int ip)
    {
        int hlen = (nd.Buf[ip] & 0xf) * 4;
        int cp = ip + 20;
        int length = hlen - 20;
        while (length > 0 && nd.TTest(cp, 1))
        {
            int code = nd.Buf[cp];
            if (code == 0) break;
            if (code == 1) { cp++; length--; continue; }
            if (!nd.TTest(cp + 1, 1)) break;
            int len = nd.Buf[cp + 1];
            if (len < 2 || len > length) break;
            if ((code == 131 || code == 137) && len >= 7 && nd.TTest(cp, len))
                return cp + len - 4;
            cp += len; length -= len;
        }
        return -1;
    }

    public static void Demux(PrintContext nd, int bp, long llength, int ver, bool fragmented, int ttl, int nh, int iph)
    {
        int length = (int)Math.Min(llength, int.MaxValue);
        while (true)
        {
            switch (nh)
            {
                case 6: Tcp.Print(nd, bp, length, iph, fragmented); return;
                case 17: Udp.Print(nd, bp, length, iph, fragmented, ttl); return;
                case 1:
                    if (ver == 4) Icmp.Print(nd, bp, length, iph, fragmented);
                    else { nd.Print("[ICMP requires IPv4]"); nd.PrintInvalid(); }
                    return;
                case 58:
                    if (ver == 6) Icmp6.Print(nd, bp, length, iph, fragmented);
                    else { nd.Print("[ICMPv6 requires IPv6]"); nd.PrintInvalid(); }
                    return;
                case 2:
                    if (ver == 4) Igmp.Print(nd, bp, length);
                    else { nd.Print("[IGMP requires IPv4]"); nd.PrintInvalid(); }
                    return;
                case 4: Print(nd, bp, length); return;
                case 47: Gre.Print(nd, bp, length); return;
                case 41: Ip6.Print(nd, bp, length); return;
                case 77: nd.Print($" nd {length}"); return;
                case 143:
                    if (ver == 6) Ether.Print(nd, bp, length, nd.Avail(bp));
                    else { nd.Print("[Ethernet requires IPv6]"); nd.PrintInvalid(); }
                    return;
                case 59: nd.Print("no next header"); return;
                case 112: Vrrp.Print(nd, bp, length, iph, ttl, ver); return;
                case 103: Pim.Print(nd, bp, length, iph); return;
                case 88: Eigrp.Print(nd, bp, length); return;
                case 113: Pgm.Print(nd, bp, length, iph); return;
                case 33: Dccp.Print(nd, bp, iph, length); return;
                case 132: Sctp.Print(nd, bp, iph, length); return;
                case 51:
                    if (!nd.TTest(bp, 1)) { nd.Proto = "ah"; nd.PrintTrunc(); return; }
                    nh = nd.U8(bp);
                    int advance = Ah.Print(nd, bp);
                    bp += advance;
                    llength -= advance;
                    length = (int)Math.Min(llength, int.MaxValue);
                    continue;
                case 9: Igrp.Print(nd, bp, length); return;
                case 50: Esp.Print(nd, bp, length, iph, ver, fragmented, ttl); return;
                case 46: Rsvp.Print(nd, bp, length); return;
                case 55: Mobile.Print(nd, bp, length); return;
                case 108: Ipcomp.Print(nd, bp); return;
                case 89 when ver == 6: Ospf6.Print(nd, bp, length); return;
                case 89: Ospf.Print(nd, bp, length); return;
                default:
                    ProtoName(nd, nh);
                    nd.Print($" {(uint)llength}");
                    return;
            }
        }
    }
}
