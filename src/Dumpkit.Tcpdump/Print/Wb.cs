// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>The LBL whiteboard "wb" (UDP destination port 4567): announcements, repair and page requests and replies,
/// drawing operations (listed with -v).</summary>
/// <remarks>Specification: none published; the message layout of LBL's wb 1.59 as tcpdump describes it.</remarks>
internal static class Wb
{
    private static readonly Tok[] DrawOps =
    [
        new(2, "RECT"), new(3, "LINE"), new(4, "ML"), new(5, "DEL"), new(6, "XFORM"), new(7, "ELL"), new(8, "CHAR"), new(9, "STR"),
        new(10, "NOP"), new(11, "PSCODE"), new(12, "PSCOMP"), new(13, "REF"), new(14, "SKIP"), new(15, "HOLE"),
    ];

    private static V4 Addr(PrintContext nd, int p) => new(nd.Be32(p), nd.Settings.Names);

    public static void Print(PrintContext nd, int p, int length)
    {
        nd.Proto = "wb";
        if ((uint)length < 12) { nd.PrintInvalid(); return; }
        nd.Check(p, 12);
        uint len = (uint)length - 12;
        if (nd.U8(p + 11) != 0) nd.Print("*");
        int type = nd.U8(p + 10);
        int b = p + 12;
        bool ok;
        switch (type)
        {
            case 4: nd.Print(" wb-kill"); return;
            case 1: ok = Id(nd, b, len); break;
            case 2:
                nd.Print(" wb-rreq:");
                ok = len >= 20;
                if (ok)
                    nd.Print($" please repair {Addr(nd, b)} {Addr(nd, b + 4)}:{nd.Be32(b + 8)}<{nd.Be32(b + 12)}:{nd.Be32(b + 16)}>");
                break;
            case 3:
                nd.Print(" wb-rrep:");
                ok = len >= 20;
                if (ok)
                {
                    nd.Print($" for {Addr(nd, b)} {Addr(nd, b + 4)}:{nd.Be32(b + 8)}<{nd.Be32(b + 12)}:{nd.Be32(b + 16)}>");
                    if (nd.Verbose > 0) DrawOpList(nd, b + 4);
                }
                break;
            case 0:
                nd.Print(" wb-dop:");
                ok = len >= 16;
                if (ok)
                {
                    nd.Print($" {Addr(nd, b)}:{nd.Be32(b + 4)}<{nd.Be32(b + 8)}:{nd.Be32(b + 12)}>");
                    if (nd.Verbose > 0) DrawOpList(nd, b);
                }
                break;
            case 5:
                nd.Print(" wb-preq:");
                ok = len >= 16;
                if (ok)
                {
                    nd.Print($" need {nd.Be32(b + 8)}/{Addr(nd, b)}:{nd.Be32(b + 4)}");
                    nd.Check(b, 16);
                }
                break;
            case 7: ok = PageReply(nd, b, len); break;
            default:
                nd.Print($" wb-{type}!");
                ok = false;
                break;
        }
        if (!ok) nd.PrintInvalid();
    }

    /// <summary>An announcement: the current and maximum page, the sites' sequence offsets, the site name.</summary>
    private static bool Id(PrintContext nd, int p, uint len)
    {
        nd.Print(" wb-id:");
        if (len < 28) return false;
        len -= 28;
        nd.Print($" {nd.Be32(p + 12)}/{Addr(nd, p + 16)}:{nd.Be32(p + 20)} (max {nd.Be32(p)}/{Addr(nd, p + 4)}:{nd.Be32(p + 8)}) ");
        nd.Check(p, 28);
        int nid = nd.Be16(p + 24);
        if (len < 8u * (uint)nid) return false;
        len -= 8u * (uint)nid;
        int io = p + 28;
        char c = '<';
        for (int i = 0; i < nid; i++, io += 8)
        {
            nd.Print($"{c}{Addr(nd, io)}:{nd.Be32(io + 4)}");
            c = ',';
        }
        nd.Print("> \"");
        Text.PrintUntilNul(nd, io, (int)Math.Min(len, int.MaxValue));
        nd.Print("\"");
        return true;
    }

    /// <summary>A page vector reply: page states, each with its sites' offsets (as many as the low byte of the count).</summary>
    private static bool PageReply(PrintContext nd, int p, uint len)
    {
        nd.Print(" wb-prep:");
        if (len < 4) return false;
        uint n = nd.Be32(p);
        int ps = p + 4;
        while (n != 0)
        {
            char c = '<';
            nd.Print($" {nd.Be32(ps)}/{Addr(nd, ps + 4)}:{nd.Be32(ps + 8)}");
            nd.Check(ps, 16);
            int io = ps + 16;
            int count = nd.U8(ps + 12);
            for (int i = 0; i < count; i++, io += 8)
            {
                nd.Print($"{c}{Addr(nd, io)}:{nd.Be32(io + 4)}");
                c = ',';
            }
            nd.Print(">");
            ps = io;
            n--;
        }
        return true;
    }

    /// <summary>The drawing operations from the start to the end sequence number (-v); SKIP and HOLE jump ahead.</summary>
    private static void DrawOpList(PrintContext nd, int dop)
    {
        uint ss = nd.Be32(dop + 8), es = nd.Be32(dop + 12);
        // each operation is read before the next step, so the offset ends past the snap end (and throws) long before overflowing
        int d = dop + 16;
        nd.Print(" <");
        for (; ss <= es; ++ss)
        {
            int t = nd.U8(d + 7);
            nd.Print($" {Toks.Find(DrawOps, (uint)t) ?? $"dop-{t}!"}");
            if (t is 14 or 15)
            {
                uint ts = nd.Be32(d);
                nd.Print($"{ts - ss + 1}");
                if (ss > ts || ts > es)
                {
                    nd.Print("[|]");
                    if (ts < ss) return;
                }
                ss = ts;
            }
            d += (nd.Be16(d + 4) + 8 + 3) & ~3;
        }
        nd.Print(" >");
    }
}
