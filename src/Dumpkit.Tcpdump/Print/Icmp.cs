// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>ICMP (v4): echo, unreachables, redirects, router discovery, time stamps, quoted datagrams, RFC 4884 extensions.</summary>
/// <remarks>Specification: RFC 792, RFC 1256 (router discovery), RFC 4884 (extensions).</remarks>
internal static class Icmp
{
    private static bool IsErr(int t) => t is 3 or 4 or 5 or 11 or 12;

    private static string Ms(uint t)
    {
        uint ms = t % 1000, sec = t / 1000;
        uint min = sec / 60; sec -= min * 60;
        uint hrs = min / 60; min -= hrs * 60;
        return $"{hrs:D2}:{min:D2}:{sec:D2}.{ms:D3}";
    }

    public static void Print(PrintContext nd, int bp, int plen, int iph, bool fragmented)
    {
        nd.Proto = "icmp";
        int type = nd.U8(bp), code = nd.U8(bp + 1);
        var o = nd.Out;
        int mark = o.Length;
        o.Put("ICMP ");
        try
        {
            Describe(nd, bp, type, code);
        }
        catch (TruncatedException)
        {
            o.Truncate(mark);
            throw;
        }
        nd.Print($", length {plen}");
        if (nd.Verbose > 0 && !fragmented && nd.TTest(bp, plen))
        {
            ushort sum = Checksum.Compute(nd.Buf.AsSpan(bp, plen));
            if (sum != 0)
            {
                ushort isum = nd.Be16(bp + 2);
                nd.Print($" (wrong icmp cksum {isum:x} (->{Checksum.ShouldBe(isum, sum):x})!)");
            }
        }
        if (nd.Verbose >= 1 && IsErr(type))
        {
            int ip = bp + 8;
            nd.Print("\n\t");
            int ilen = nd.Be16(ip + 2);
            int saved = nd.PushSnap(ip, ilen);
            try { Ip.Print(nd, ip, ilen); }
            finally { nd.PopSnap(saved); }
        }
        nd.Proto = "icmp";
        const int ExtdMin = 156 - 20;
        if (nd.Verbose >= 1 && plen > ExtdMin && type is 3 or 11 or 12)
        {
            // the whole RFC 4884 extension header must be there (8 ICMP bytes, the 128-byte original datagram,
            // version, checksum and the first data byte: 141), else the packet ends in [|icmp] as tcpdump's does
            const int ExtHeaderBytes = 8 + 128 + 2 + 2 + 1;
            nd.Check(bp, ExtHeaderBytes);
            int ver = bp + 8 + 128;
            if (nd.U8(bp + 5) == 0 && nd.TTest(ver, plen - ExtdMin))
            {
                if (Checksum.Compute(nd.Buf.AsSpan(ver, plen - ExtdMin)) != 0) return;
            }
            int v = (nd.U8(ver) & 0xf0) >> 4;
            nd.Print($"\n\tICMP Multi-Part extension v{v}");
            if (v != 2) { nd.Print(" packet not supported"); return; }
            int hlen = plen - ExtdMin;
            if (nd.TTest(ver, hlen))
            {
                bool bad = Checksum.Compute(nd.Buf.AsSpan(ver, hlen)) != 0;
                nd.Print($", checksum 0x{nd.Be16(ver + 2):x4} ({(bad ? "in" : "")}correct), length {hlen}");
            }
            hlen -= 4;
            int obj = ver + 4;
            while (hlen > 4)
            {
                nd.Check(obj, 4);
                int tlen = nd.Be16(obj), cls = nd.U8(obj + 2), ctype = nd.U8(obj + 3);
                obj += 4;
                string cn = cls switch { 1 => "MPLS Stack Entry", 2 => "Interface Identification", _ => "unknown" };
                nd.Print($"\n\t  {cn} Object ({cls}), Class-Type: {ctype}, length {tlen}");
                hlen -= 4;
                if (cls == 0 || tlen < 4) return;
                tlen -= 4;
                if (cls == 1 && ctype == 1)
                {
                    uint raw = nd.Be32(obj);
                    nd.Print($"\n\t    label {raw >> 12}, tc {(raw >> 9) & 7}");
                    if ((raw & 0x100) != 0) nd.Print(", [S]");
                    nd.Print($", ttl {raw & 0xff}");
                }
                else HexDump.UnknownData(nd, obj, "\n\t    ", tlen);
                if (hlen < tlen) break;
                hlen -= tlen;
                obj += tlen;
            }
        }
    }

    private static void Describe(PrintContext nd, int bp, int type, int code)
    {
        int dst = bp + 8 + 16;
        switch (type)
        {
            case 0:
            case 8:
                nd.Print($"echo {(type == 8 ? "request" : "reply")}, id {nd.Be16(bp + 4)}, seq {nd.Be16(bp + 6)}");
                break;
            case 3:
                switch (code)
                {
                    case 0: nd.Check(dst, 4); nd.Print("net "); nd.Ip4(dst); nd.Print(" unreachable"); break;
                    case 1: nd.Check(dst, 4); nd.Print("host "); nd.Ip4(dst); nd.Print(" unreachable"); break;
                    case 2: nd.Check(dst, 4); nd.U8(bp + 8 + 9); nd.Ip4(dst); nd.Print($" protocol {nd.U8(bp + 8 + 9)} unreachable"); break;
                    case 3:
                    {
                        nd.Check(bp + 8 + 9, 1);
                        int oip = bp + 8;
                        int hlen = (nd.U8(oip) & 0xf) * 4;
                        int dport = nd.Be16(oip + hlen + 2);
                        int p = nd.U8(oip + 9);
                        nd.Check(oip + 16, 4);
                        nd.Ip4(oip + 16);
                        if (p == 6) { nd.Print(" tcp port "); Tcp.Port(nd, dport); nd.Print(" unreachable"); }
                        else if (p == 17) { nd.Print(" udp port "); Udp.Port(nd, dport); nd.Print(" unreachable"); }
                        else nd.Print($" protocol {p} port {dport} unreachable");
                        break;
                    }
                    case 4:
                    {
                        int mtu = nd.Be16(bp + 6);
                        nd.Check(dst, 4);
                        nd.Ip4(dst);
                        nd.Print(mtu != 0 ? $" unreachable - need to frag (mtu {mtu})" : " unreachable - need to frag");
                        break;
                    }
                    default:
                    {
                        nd.Check(dst, 4);
                        string pre = code switch { 6 or 9 or 11 => "net ", 7 or 10 or 12 or 13 or 14 or 15 => "host ", _ => "" };
                        string post = code switch
                        {
                            5 => " unreachable - source route failed", 6 or 7 => " unreachable - unknown",
                            8 => " unreachable - source host isolated", 9 or 10 => " unreachable - admin prohibited",
                            11 or 12 => " unreachable - tos prohibited", 13 => " unreachable - admin prohibited filter",
                            14 => " unreachable - host precedence violation", 15 => " unreachable - precedence cutoff",
                            _ => $" unreachable - #{code}",
                        };
                        nd.Print(pre); nd.Ip4(dst); nd.Print(post);
                        break;
                    }
                }
                break;
            case 5:
            {
                nd.Check(dst, 4);
                nd.Check(bp + 4, 4);
                string w = code switch { 0 => "redirect {0} to net {1}", 1 => "redirect {0} to host {1}",
                    2 => "redirect-tos {0} to net {1}", 3 => "redirect-tos {0} to host {1}", _ => "" };
                if (code <= 3)
                {
                    nd.Print(code >= 2 ? "redirect-tos " : "redirect ");
                    nd.Ip4(dst);
                    nd.Print((code & 1) == 0 ? " to net " : " to host ");
                    nd.Ip4(bp + 4);
                }
                else
                {
                    nd.Print($"redirect-#{code} "); nd.Ip4(dst); nd.Print(" to "); nd.Ip4(bp + 4);
                }
                _ = w;
                break;
            }
            case 9:
            {
                nd.Print("router advertisement");
                nd.Check(bp + 4, 4);
                nd.Print(" lifetime ");
                int life = nd.Be16(bp + 6);
                if (life < 60) nd.Print($"{life}");
                else if (life < 3600) nd.Print($"{life / 60}:{life % 60:D2}");
                else nd.Print($"{life / 3600}:{life % 3600 / 60:D2}:{life % 60:D2}");
                int num = nd.U8(bp + 4);
                nd.Print($" {num}:");
                int size = nd.U8(bp + 5);
                if (size != 2) { nd.Print($" [size {size}]"); break; }
                int idp = bp + 8;
                while (num-- > 0)
                {
                    nd.Check(idp, 8);
                    nd.Print(" {"); nd.Ip4(idp); nd.Print($" {nd.Be32(idp + 4)}}}");
                    idp += 8;
                }
                break;
            }
            case 11:
                nd.Check(dst, 4);
                nd.Print(code switch { 0 => "time exceeded in-transit", 1 => "ip reassembly time exceeded", _ => $"time exceeded-#{code}" });
                break;
            case 12:
                if (code != 0) nd.Print($"parameter problem - code {code}");
                else nd.Print($"parameter problem - octet {nd.U8(bp + 4)}");
                break;
            case 18:
                nd.Print($"address mask is 0x{nd.Be32(bp + 8):x8}");
                break;
            case 13:
                nd.Print($"time stamp query id {nd.Be16(bp + 4)} seq {nd.Be16(bp + 6)}");
                break;
            case 14:
                nd.Check(bp + 16, 4);
                nd.Print($"time stamp reply id {nd.Be16(bp + 4)} seq {nd.Be16(bp + 6)}: org {Ms(nd.Be32(bp + 8))}");
                nd.Print($", recv {Ms(nd.Be32(bp + 12))}");
                nd.Print($", xmit {Ms(nd.Be32(bp + 16))}");
                break;
            default:
                nd.Print(type switch
                {
                    4 => "source quench", 10 => "router solicitation", 15 => "information request",
                    16 => "information reply", 17 => "address mask request", _ => $"type-#{type}",
                });
                break;
        }
    }
}
