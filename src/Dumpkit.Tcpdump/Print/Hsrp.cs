// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>HSRP v0 (UDP 1985).</summary>
/// <remarks>Specification: RFC 2281.</remarks>
internal static class Hsrp
{
    public static void Print(PrintContext nd, int bp, int len)
    {
        nd.Proto = "hsrp";
        int version = nd.U8(bp);
        nd.Print($"HSRPv{version}");
        if (version != 0) return;
        nd.Print("-");
        int op = nd.U8(bp + 1);
        nd.Print(op switch { 0 => "hello", 1 => "coup", 2 => "resign", _ => $"unknown ({op})" });
        nd.Print($" {len}: ");
        int st = nd.U8(bp + 2);
        nd.Print($"state={st switch { 0 => "initial", 1 => "learn", 2 => "listen", 4 => "speak", 8 => "standby", 16 => "active", _ => $"Unknown ({st})" }} ");
        nd.Print($"group={nd.U8(bp + 6)} ");
        if (nd.U8(bp + 7) != 0) nd.Print($"[reserved={nd.U8(bp + 7)}!] ");
        nd.Print($"addr={nd.A4(bp + 16)}");
        if (nd.Verbose > 0)
        {
            nd.Print(" hellotime="); Text.RelTime(nd, nd.U8(bp + 3));
            nd.Print(" holdtime="); Text.RelTime(nd, nd.U8(bp + 4));
            nd.Print($" priority={nd.U8(bp + 5)}");
            nd.Print(" auth=\"");
            for (int i = 0; i < 8; i++)
            {
                byte c = nd.U8(bp + 8 + i);
                if (c == 0) break;
                Text.PrintChar(nd, c);
            }
            nd.Print("\"");
        }
    }
}
