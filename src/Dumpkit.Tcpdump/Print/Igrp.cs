// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Cisco IGRP (IP protocol 9): header and interior, system and exterior routes.</summary>
/// <remarks>Specification: Cisco's "An Introduction to IGRP" (Hedrick, 1991); no RFC.</remarks>
internal static class Igrp
{
    private const int HeaderLen = 12, RouteLen = 14;

    private static void Entry(PrintContext nd, int p)
    {
        uint delay = nd.Be24(p + 3), bandwidth = nd.Be24(p + 6);
        uint metric = Math.Min(bandwidth + delay, 0xffffff);
        int mtu = nd.Be16(p + 9);
        uint bw = bandwidth == 0 ? 0 : 10000000 / bandwidth;
        nd.Print($" d={10 * delay} b={bw} r={nd.U8(p + 11)} l={nd.U8(p + 12)} M={metric} mtu={mtu} in {nd.U8(p + 13)} hops");
    }

    public static void Print(PrintContext nd, int bp, int length)
    {
        nd.Proto = "igrp";
        nd.Print("igrp:");
        int nint = nd.Be16(bp + 4), nsys = nd.Be16(bp + 6), next = nd.Be16(bp + 8);
        int vop = nd.U8(bp);
        string op = (vop & 0x0f) switch { 1 => "update", 2 => "request", _ => $"op-#{vop & 0x0f}" };
        nd.Print($" {op} V{(vop & 0xf0) >> 4} edit={nd.U8(bp + 1)} AS={nd.Be16(bp + 2)} ({nint}/{nsys}/{next})");
        int sum = nd.Be16(bp + 10);
        if (nd.Verbose > 0) nd.Print($" checksum=0x{sum:x4}");
        uint left = (uint)(length - HeaderLen);
        int cp = bp + HeaderLen;
        while (left >= RouteLen)
        {
            int n0 = nd.U8(cp), n1 = nd.U8(cp + 1), n2 = nd.U8(cp + 2);
            if (nint > 0) { nd.Print($" *.{n0}.{n1}.{n2}"); Entry(nd, cp); nint--; }
            else if (nsys > 0) { nd.Print($" {n0}.{n1}.{n2}.0"); Entry(nd, cp); nsys--; }
            else if (next > 0) { nd.Print($" X{n0}.{n1}.{n2}.0"); Entry(nd, cp); next--; }
            else { nd.Print($" [extra bytes {left}]"); break; }
            cp += RouteLen;
            left -= RouteLen;
        }
        if (nint != 0 || nsys != 0 || next != 0 || left != 0) nd.PrintInvalid();
    }
}
