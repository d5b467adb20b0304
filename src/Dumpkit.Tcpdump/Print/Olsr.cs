// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;

namespace Dumpkit.Tcpdump.Print;

/// <summary>OLSR (RFC 3626, UDP 698) over IPv4 and IPv6, with the olsr.org LQ, smart-gateway and name service extensions.</summary>
/// <remarks>Specification: RFC 3626.</remarks>
internal static class Olsr
{
    private static string? MsgName(int t) => t switch
    {
        1 => "Hello", 2 => "TC", 3 => "MID", 4 => "HNA", 128 => "Powerinfo", 130 => "Nameservice", 201 => "Hello-LQ", 202 => "TC-LQ", _ => null,
    };

    private static string MeToSeconds(int me) =>
        (0.0625 * (1 + (double)(me >> 4) / 16) * (1 << (me & 0x0f))).ToString("F3", CultureInfo.InvariantCulture);

    private static string Quality(int q) => (q / 2.55).ToString("F2", CultureInfo.InvariantCulture);

    private static uint GwSpeed(int v)
    {
        if (v == 0) return 0;
        if (v == 255) return 320000000;
        uint speed = (uint)(v >> 3) + 1;
        for (int e = v & 7; e != 0; e--) speed *= 10;
        return speed;
    }

    private static int Mask2Plen(uint mask)
    {
        for (int p = 32; p >= 0; p--)
            if ((p == 0 ? 0u : 0xffffffffu << (32 - p)) == mask) return p;
        return -1;
    }

    private static int Mask62Plen(PrintContext nd, int m)
    {
        int len = 0;
        for (int i = 0; i < 16; i++)
        {
            byte b = nd.U8(m + i);
            for (int bits = 0; bits <= 8; bits++)
            {
                if (b == (byte)(0xff00 >> bits))
                {
                    len += bits;
                    break;
                }
            }
            if (b != 0xff) break;
        }
        return len;
    }

    private static void LqNeighbors(PrintContext nd, int p, uint len, bool v6)
    {
        uint size = v6 ? 20u : 8u;
        while (len >= size)
        {
            nd.Check(p, (int)size);
            int a = v6 ? 16 : 4;
            if (v6) nd.Print($"\n\t      neighbor {nd.A6(p)}, link-quality {Quality(nd.U8(p + a))}%, neighbor-link-quality {Quality(nd.U8(p + a + 1))}%");
            else nd.Print($"\n\t      neighbor {nd.A4(p)}, link-quality {Quality(nd.U8(p + a))}%, neighbor-link-quality {Quality(nd.U8(p + a + 1))}%");
            p += (int)size;
            len -= size;
        }
    }

    private static void Neighbors(PrintContext nd, int p, uint len)
    {
        nd.Print("\n\t      neighbor\n\t\t");
        while (len >= 4)
        {
            // tcpdump never advances its per-line counter, so every address is followed by a space
            nd.Print($"{nd.A4(p)} ");
            p += 4;
            len -= 4;
        }
    }

    public static void Print(PrintContext nd, int pptr, int length, bool v6)
    {
        nd.Proto = "olsr";
        nd.Print($"OLSRv{(v6 ? 6 : 4)}");
        uint len = (uint)length;
        if (len < 4) { nd.PrintTrunc(); return; }
        nd.Check(pptr, 4);
        len = Math.Min(len, nd.Be16(pptr));
        nd.Print($", seq 0x{nd.Be16(pptr + 2):x4}, length {len}");
        int tp = pptr + 4;
        if (nd.Verbose < 1) return;
        uint hdr = v6 ? 24u : 12u;
        while (tp < pptr + len)
        {
            nd.Check(tp, (int)hdr);
            int type = nd.U8(tp);
            uint msgLen = nd.Be16(tp + 2);
            bool valid = msgLen >= hdr && msgLen <= len;
            if (type == 0 || msgLen == 0) return;
            int a = v6 ? 16 : 4;
            string orig = v6 ? Ip6(nd, tp + 4) : nd.A4(tp + 4).ToString();
            nd.Print($"\n\t{MsgName(type) ?? "Unknown"} Message (0x{type:x2}), originator {orig}, ttl {nd.U8(tp + 4 + a)}, hop {nd.U8(tp + 5 + a)}");
            nd.Print($"\n\t  vtime {MeToSeconds(nd.U8(tp + 1))}s, msg-seq 0x{nd.Be16(tp + 6 + a):x4}, length {msgLen}{(valid ? "" : " (invalid)")}");
            if (!valid) return;
            uint tlen = msgLen - hdr;
            int md = tp + (int)hdr;
            switch (type)
            {
                case 1:
                case 201:
                    if (tlen < 4) { nd.PrintTrunc(); return; }
                    nd.Check(md, 4);
                    nd.Print($"\n\t  hello-time {MeToSeconds(nd.U8(md + 2))}s, MPR willingness {nd.U8(md + 3)}");
                    md += 4;
                    tlen -= 4;
                    while (tlen >= 4)
                    {
                        nd.Check(md, 4);
                        uint hlen = nd.Be16(md + 2);
                        int code = nd.U8(md);
                        int lt = code & 3, nt = code >> 2;
                        bool hvalid = hlen <= tlen && hlen >= 4;
                        string ln = lt switch { 0 => "Unspecified", 1 => "Asymmetric", 2 => "Symmetric", _ => "Lost" };
                        string nn = nt switch { 0 => "Not-Neighbor", 1 => "Symmetric", 2 => "Symmetric-MPR", _ => "Unknown" };
                        nd.Print($"\n\t    link-type {ln}, neighbor-type {nn}, len {hlen}{(hvalid ? "" : " (invalid)")}");
                        if (!hvalid) break;
                        md += 4;
                        tlen -= 4;
                        hlen -= 4;
                        nd.Check(md, (int)hlen);
                        if (type == 1) Neighbors(nd, md, hlen);
                        else LqNeighbors(nd, md, hlen, v6);
                        md += (int)hlen;
                        tlen -= hlen;
                    }
                    break;
                case 2:
                case 202:
                    if (tlen < 4) { nd.PrintTrunc(); return; }
                    nd.Check(md, 4);
                    nd.Print($"\n\t    advertised neighbor seq 0x{nd.Be16(md):x4}");
                    md += 4;
                    tlen -= 4;
                    if (type == 2) Neighbors(nd, md, tlen);
                    else LqNeighbors(nd, md, tlen, v6);
                    break;
                case 3:
                {
                    uint asz = v6 ? 16u : 4u;
                    while (tlen >= asz)
                    {
                        nd.Check(md, (int)asz);
                        nd.Print($"\n\t  interface address {(v6 ? Ip6(nd, md) : nd.A4(md).ToString())}");
                        md += (int)asz;
                        tlen -= asz;
                    }
                    break;
                }
                case 4:
                    if (v6)
                    {
                        nd.Print($"\n\t  Advertised networks (total {tlen / 32})");
                        while (tlen >= 32)
                        {
                            nd.Check(md, 32);
                            nd.Print($"\n\t    #0: {nd.A6(md)}/{Mask62Plen(nd, md + 16)}");
                            md += 32;
                            tlen -= 32;
                        }
                    }
                    else
                    {
                        int col = 0;
                        nd.Print($"\n\t  Advertised networks (total {tlen / 8})");
                        while (tlen >= 8)
                        {
                            nd.Check(md, 8);
                            var b = nd.Buf;
                            string sep = col == 0 ? "\n\t    " : ", ";
                            int flags = b[md + 5];
                            if (b[md] == 0 && b[md + 1] == 0 && b[md + 2] == 0 && b[md + 3] == 0 && b[md + 4] == 0 && flags != 0)
                            {
                                bool ls = (flags & 1) != 0;
                                string kinds = (ls ? " LINKSPEED" : "") + ((flags & 2) != 0 ? " IPV4" : "") + ((flags & 4) != 0 ? " IPV4-NAT" : "")
                                    + ((flags & 8) != 0 ? " IPV6" : "") + ((flags & 16) != 0 ? " IPv6-PREFIX" : "");
                                nd.Print($"{sep}Smart-Gateway:{kinds} {(ls ? GwSpeed(b[md + 6]) : 0)}/{(ls ? GwSpeed(b[md + 7]) : 0)}");
                            }
                            else nd.Print($"{sep}{nd.A4(md)}/{(uint)Mask2Plen(nd.Be32(md + 4))}");
                            md += 8;
                            tlen -= 8;
                            col = (col + 1) % 4;
                        }
                    }
                    break;
                case 130:
                {
                    if (tlen < 4) { nd.PrintTrunc(); return; }
                    uint entries = nd.Be16(md + 2);
                    uint asz = v6 ? 16u : 4u;
                    bool evalid = entries > 0 && entries * (4 + asz) <= tlen;
                    nd.Print($"\n\t  Version {nd.Be16(md)}, Entries {entries}{(evalid ? "" : " (invalid)")}");
                    if (!evalid) break;
                    md += 4;
                    tlen -= 4;
                    for (uint i = 0; i < entries; i++)
                    {
                        if (tlen < 4) break;
                        int etype = nd.Be16(md);
                        uint elen = nd.Be16(md + 2);
                        md += 4;
                        tlen -= 4;
                        bool lvalid = elen > 0 && asz + elen <= tlen;
                        nd.Print($"\n\t    #{i}: type {(etype == 0 ? "000000" : $"0x{etype:x4}")}, length {elen}{(lvalid ? "" : " (invalid)")}");
                        if (!lvalid) break;
                        uint pad = elen % 4 != 0 ? 4 - elen % 4 : 0;
                        if (tlen < asz + elen + pad) { nd.PrintTrunc(); return; }
                        nd.Check(md, (int)(asz + elen + pad));
                        nd.Print($", address {(v6 ? Ip6(nd, md) : nd.A4(md).ToString())}, name \"");
                        for (int k = 0; k < elen; k++) Text.PrintChar(nd, nd.U8(md + (int)asz + k));
                        nd.Print("\"");
                        md += (int)(asz + elen + pad);
                        tlen -= asz + elen + pad;
                    }
                    break;
                }
                default:
                    HexDump.UnknownData(nd, md, "\n\t    ", (int)tlen);
                    break;
            }
            tp += (int)msgLen;
        }
    }

    private static string Ip6(PrintContext nd, int p)
    {
        nd.Check(p, 16);
        return Ip6Format.ToText(nd.Buf.AsSpan(p, 16));
    }
}
