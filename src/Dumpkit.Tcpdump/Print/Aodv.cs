// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>AODV (RFC 3561, UDP 654): RREQ/RREP/RERR/RREP-ACK for IPv4 and IPv6 (incl. the draft-01 IPv6 types), HELLO extension.</summary>
/// <remarks>Specification: RFC 3561; IPv6 per draft-perkins-aodv6-01.</remarks>
internal static class Aodv
{
    public static void Print(PrintContext nd, int dat, int length, bool v6)
    {
        nd.Proto = "aodv";
        int type = nd.U8(dat);
        nd.Print(" aodv");
        uint len = (uint)length;
        switch (type)
        {
            case 1: Rreq(nd, dat, len, v6 ? 16 : 4, false, v6 ? " v6" : ""); break;
            case 2: Rrep(nd, dat, len, v6 ? 16 : 4, false); break;
            case 3: Rerr(nd, dat, len, v6 ? 16 : 4); break;
            case 4:
            case 19: nd.Print($" rrep-ack {len}"); break;
            case 16: Rreq(nd, dat, len, 16, true, ""); break;
            case 17: Rrep(nd, dat, len, 16, true); break;
            case 18: Rerr(nd, dat, len, 16); break;
            default: nd.Print($" type {type} {len}"); break;
        }
    }

    private static string Addr(PrintContext nd, int p, int alen) => alen == 4 ? nd.A4(p).ToString() : V6(nd, p);

    private static string V6(PrintContext nd, int p)
    {
        nd.Check(p, 16);
        return Ip6Format.ToText(nd.Buf.AsSpan(p, 16));
    }

    private static void Extension(PrintContext nd, int ep, uint length)
    {
        nd.Check(ep, 2);
        if (nd.Buf[ep] == 1)
        {
            nd.Check(ep, 6);
            if (length < 6) { nd.PrintTrunc(); return; }
            if (nd.Buf[ep + 1] < 4)
            {
                nd.Print($"\n\text HELLO - bad length {nd.Buf[ep + 1]}");
                return;
            }
            nd.Print($"\n\text HELLO {nd.Be32(ep + 2)} ms");
        }
        else nd.Print($"\n\text {nd.Buf[ep]} {nd.Buf[ep + 1]}");
    }

    private static void Rreq(PrintContext nd, int dat, uint length, int alen, bool draft, string prefix)
    {
        int size = 20 + 2 * alen;
        nd.Check(dat, size);
        if (length < size) { nd.PrintTrunc(); return; }
        int t = nd.U8(dat);
        int da, ds, oa, os;
        if (draft) { ds = 8; os = 12; da = 16; oa = 16 + alen; }
        else { da = 8; ds = 8 + alen; oa = 12 + alen; os = 12 + 2 * alen; }
        string flags = $"{((t & 0x80) != 0 ? "[J]" : "")}{((t & 0x40) != 0 ? "[R]" : "")}{((t & 0x20) != 0 ? "[G]" : "")}" +
            $"{((t & 0x10) != 0 ? "[D]" : "")}{((t & 0x08) != 0 ? "[U] " : " ")}";
        nd.Print($"{prefix} rreq {length} {flags}hops {nd.U8(dat + 3)} id 0x{nd.Be32(dat + 4):x8}" +
            $"\n\tdst {Addr(nd, dat + da, alen)} seq {nd.Be32(dat + ds)} src {Addr(nd, dat + oa, alen)} seq"
            + $" {nd.Be32(dat + os)}");
        uint i = length - (uint)size;
        if (i >= 2) Extension(nd, dat + size, i);
    }

    private static void Rrep(PrintContext nd, int dat, uint length, int alen, bool draft)
    {
        int size = 12 + 2 * alen;
        nd.Check(dat, size);
        if (length < size) { nd.PrintTrunc(); return; }
        int t = nd.U8(dat);
        int da, ds, oa, life;
        if (draft) { ds = 4; da = 8; oa = 8 + alen; life = 8 + 2 * alen; }
        else { da = 4; ds = 4 + alen; oa = 8 + alen; life = 8 + 2 * alen; }
        nd.Print($" rrep {length} {((t & 0x80) != 0 ? "[R]" : "")}{((t & 0x40) != 0 ? "[A] " : " ")}prefix {nd.U8(dat + 2) & 0x1f} hops {nd.U8(dat + 3)}" +
            $"\n\tdst {Addr(nd, dat + da, alen)} dseq"
            + $" {nd.Be32(dat + ds)} src {Addr(nd, dat + oa, alen)} {nd.Be32(dat + life)} ms");
        uint i = length - (uint)size;
        if (i >= 2) Extension(nd, dat + size, i);
    }

    private static void Rerr(PrintContext nd, int dat, uint length, int alen)
    {
        nd.Check(dat, 4);
        if (length < 4) { nd.PrintTrunc(); return; }
        int dc = nd.U8(dat + 3);
        nd.Print($" rerr {((nd.U8(dat + 1) & 0x80) != 0 ? "[D]" : "")} [items {dc}] [{length}]:");
        int dp = dat + 4;
        uint i = length - 4;
        uint step = (uint)alen + 4;
        for (; dc != 0; dc--)
        {
            nd.Check(dp, (int)step);
            if (i < step) { nd.PrintTrunc(); return; }
            nd.Print($" {{{Addr(nd, dp, alen)}}}({nd.Be32(dp + alen)})");
            dp += (int)step;
            i -= step;
        }
    }
}
