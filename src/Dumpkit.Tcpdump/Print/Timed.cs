// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>BSD timed protocol (UDP 525).</summary>
/// <remarks>Specification: the 4.3BSD time synchronization protocol (TSP), as in BSD's timed(8).</remarks>
internal static class Timed
{
    private static readonly string[] Types =
    [
        "TSP_ANY", "TSP_ADJTIME", "TSP_ACK", "TSP_MASTERREQ", "TSP_MASTERACK", "TSP_SETTIME", "TSP_MASTERUP", "TSP_SLAVEUP",
        "TSP_ELECTION", "TSP_ACCEPT", "TSP_REFUSE", "TSP_CONFLICT", "TSP_RESOLVE", "TSP_QUIT", "TSP_DATE", "TSP_DATEREQ",
        "TSP_DATEACK", "TSP_TRACEON", "TSP_TRACEOFF", "TSP_MSITE", "TSP_MSITEREQ", "TSP_TEST", "TSP_SETDATE", "TSP_SETDATEREQ",
        "TSP_LOOP",
    ];

    public static void Print(PrintContext nd, int bp)
    {
        nd.Proto = "timed";
        int type = nd.U8(bp);
        nd.Print(type < Types.Length ? Types[type] : type == 0 ? "(tsp_type 0)" : $"(tsp_type 0x{type:x})");
        nd.Print($" vers {nd.U8(bp + 1)}");
        nd.Print($" seq {nd.Be16(bp + 2)}");
        switch (type)
        {
            case 24:
                nd.Print($" hopcnt {nd.U8(bp + 4)}");
                break;
            case 5: case 1: case 22: case 23:
            {
                int sec = (int)nd.Be32(bp + 4), usec = (int)nd.Be32(bp + 8);
                if (usec < 0) return;
                nd.Print(" time ");
                if (sec < 0 && usec != 0)
                {
                    sec++;
                    if (sec == 0) nd.Print("-");
                    usec = 1000000 - usec;
                }
                nd.Print($"{sec}.{usec:D6}");
                break;
            }
        }
        nd.Print(" name ");
        for (int i = 0; i < 256; i++)
        {
            byte c = nd.U8(bp + 12 + i);
            if (c == 0) break;
            Text.PrintChar(nd, c);
        }
    }
}
