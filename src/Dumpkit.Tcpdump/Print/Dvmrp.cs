// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>DVMRP (IGMP type 0x13): probes, reports, neighbor lists, prunes and grafts.</summary>
/// <remarks>Specification: RFC 1075 and draft-ietf-idmr-dvmrp-v3.</remarks>
internal static class Dvmrp
{
    private static readonly string[] Types =
        ["", "Probe", "Report", "Ask-neighbors(old)", "Neighbors(old)", "Ask-neighbors2", "Neighbors2", "Prune", "Graft", "Graft-ACK"];

    private static string Dotted(uint a) => $"{a >> 24}.{(a >> 16) & 0xff}.{(a >> 8) & 0xff}.{a & 0xff}";

    /// <summary>A duration in seconds as 1y2w3d4h5m6s (tcpdump's unsigned_relts_print).</summary>
    public static void Relts(PrintContext nd, uint secs)
    {
        if (secs == 0)
        {
            nd.Print("0s");
            return;
        }
        ReadOnlySpan<uint> seconds = [31536000, 604800, 86400, 3600, 60, 1];
        ReadOnlySpan<char> units = ['y', 'w', 'd', 'h', 'm', 's'];
        for (int i = 0; secs > 0; i++)
        {
            if (secs >= seconds[i])
            {
                nd.Print($"{secs / seconds[i]}{units[i]}");
                secs -= secs / seconds[i] * seconds[i];
            }
        }
    }

    public static void Print(PrintContext nd, int bp, int length)
    {
        nd.Proto = "dvmrp";
        uint len = (uint)length;
        if (len < 8)
        {
            nd.Print($" [length {len} < 8]");
            nd.PrintInvalid();
            return;
        }
        int type = nd.U8(bp + 1);
        int gmaj = bp + 4;
        bp += 8;
        len -= 8;
        nd.Print(type is >= 1 and <= 9 ? $" {Types[type]}" : $" [type {type}]");
        switch (type)
        {
            case 1:
                if (nd.Verbose > 0) Probe(nd, bp, len);
                break;
            case 2:
                if (nd.Verbose > 1) Report(nd, bp, len);
                break;
            case 4:
                Neighbors(nd, bp, len);
                break;
            case 6:
                Neighbors2(nd, bp, len, nd.U8(gmaj + 3), nd.U8(gmaj + 2));
                break;
            case 7:
                nd.Print($" src {nd.A4(bp)} grp {nd.A4(bp + 4)}");
                nd.Print(" timer ");
                Relts(nd, nd.Be32(bp + 8));
                break;
            case 8:
            case 9:
                nd.Print($" src {nd.A4(bp)} grp {nd.A4(bp + 4)}");
                break;
        }
    }

    private static void Report(PrintContext nd, int bp, uint len)
    {
        while (len > 0)
        {
            if (len < 3)
            {
                nd.Print($" [length {len} < 3]");
                nd.PrintInvalid();
                return;
            }
            int m0 = nd.U8(bp), m1 = nd.U8(bp + 1), m2 = nd.U8(bp + 2);
            uint mask = 0xffu << 24 | (uint)m0 << 16 | (uint)m1 << 8 | (uint)m2;
            uint width = 1;
            if (m0 != 0) width = 2;
            if (m1 != 0) width = 3;
            if (m2 != 0) width = 4;
            nd.Print($"\n\tMask {Dotted(mask)}");
            bp += 3;
            len -= 3;
            bool done;
            do
            {
                if (len < width + 1)
                {
                    nd.Print("\n\t  [Truncated Report]");
                    nd.PrintInvalid();
                    return;
                }
                uint origin = 0;
                uint i;
                for (i = 0; i < width; i++) origin = origin << 8 | nd.U8(bp++);
                for (; i < 4; i++) origin <<= 8;
                int metric = nd.U8(bp++);
                done = (metric & 0x80) != 0;
                metric &= 0x7f;
                nd.Print($"\n\t  {Dotted(origin)} metric {metric}");
                len -= width + 1;
            } while (!done);
        }
    }

    private static void Probe(PrintContext nd, int bp, uint len)
    {
        if (len < 4)
        {
            nd.Print($" [full length {len} < 4]");
            nd.PrintInvalid();
            return;
        }
        nd.Print(nd.Verbose > 1 ? "\n\t" : " ");
        nd.Print($"genid {nd.Be32(bp)}");
        if (nd.Verbose < 2) return;
        bp += 4;
        len -= 4;
        while (len > 0)
        {
            if (len < 4)
            {
                nd.Print($"[remaining length {len} < 4]");
                nd.PrintInvalid();
                return;
            }
            nd.Print($"\n\tneighbor {nd.A4(bp)}");
            bp += 4;
            len -= 4;
        }
    }

    private static void Neighbors(PrintContext nd, int bp, uint len)
    {
        while (len > 0)
        {
            if (len < 7)
            {
                nd.Print($" [length {len} < 7]");
                nd.PrintInvalid();
                return;
            }
            int laddr = bp;
            int metric = nd.U8(bp + 4), thresh = nd.U8(bp + 5), ncount = nd.U8(bp + 6);
            bp += 7;
            len -= 7;
            while (--ncount >= 0)
            {
                if (len < 4)
                {
                    nd.Print($" [length {len} < 4]");
                    nd.PrintInvalid();
                    return;
                }
                nd.Print($" [{nd.A4(laddr)} ->");
                nd.Print($" {nd.A4(bp)}, ({metric}/{thresh})]");
                bp += 4;
                len -= 4;
            }
        }
    }

    private static void Neighbors2(PrintContext nd, int bp, uint len, int major, int minor)
    {
        nd.Print($" (v {major}.{minor}):");
        while (len > 0)
        {
            if (len < 8)
            {
                nd.Print($" [length {len} < 8]");
                nd.PrintInvalid();
                return;
            }
            int laddr = bp;
            int metric = nd.U8(bp + 4), thresh = nd.U8(bp + 5), flags = nd.U8(bp + 6), ncount = nd.U8(bp + 7);
            bp += 8;
            len -= 8;
            while (--ncount >= 0 && len > 0)
            {
                if (len < 4)
                {
                    nd.Print($" [length {len} < 4]");
                    nd.PrintInvalid();
                    return;
                }
                nd.Print($" [{nd.A4(laddr)} -> ");
                nd.Print($"{nd.A4(bp)} ({metric}/{thresh}");
                if ((flags & 0x01) != 0) nd.Print("/tunnel");
                if ((flags & 0x02) != 0) nd.Print("/srcrt");
                if ((flags & 0x40) != 0) nd.Print("/querier");
                if ((flags & 0x20) != 0) nd.Print("/disabled");
                if ((flags & 0x10) != 0) nd.Print("/down");
                nd.Print(")]");
                bp += 4;
                len -= 4;
            }
            if (ncount != -1)
            {
                nd.Print(" [invalid ncount]");
                nd.PrintInvalid();
                return;
            }
        }
    }
}
