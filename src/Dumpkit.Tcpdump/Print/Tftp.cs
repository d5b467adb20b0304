// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>TFTP (UDP 69).</summary>
/// <remarks>Specification: RFC 1350, RFC 2347 (options).</remarks>
internal static class Tftp
{
    private static int PrintZ(PrintContext nd, int s, int n)
    {
        int bytes = 0;
        while (true)
        {
            if (n == 0 || s >= nd.SnapEnd) return 0;
            byte c = nd.U8(s++);
            bytes++; n--;
            if (c == 0) return bytes;
            Text.PrintChar(nd, c);
        }
    }

    public static void Print(PrintContext nd, int bp, int length)
    {
        nd.Proto = "tftp";
        nd.Print($"TFTP, length {length}");
        if (length < 2) goto trunc;
        int op = nd.Be16(bp);
        string? name = op switch { 1 => "RRQ", 2 => "WRQ", 3 => "DATA", 4 => "ACK", 5 => "ERROR", 6 => "OACK", _ => null };
        nd.Print($", {name ?? $"tftp-#{op}"}");
        if (name == null) return;
        bp += 2; length -= 2;
        int ui;
        switch (op)
        {
            case 1:
            case 2:
                if (length == 0) goto trunc;
                nd.Print(" \"");
                ui = PrintZ(nd, bp, length);
                nd.Print("\"");
                if (ui == 0) goto trunc;
                bp += ui; length -= ui;
                if (length == 0) goto trunc;
                nd.Print(' ');
                ui = PrintZ(nd, bp, length);
                if (ui == 0) goto trunc;
                bp += ui; length -= ui;
                while (length != 0)
                {
                    if (nd.U8(bp) != 0) nd.Print(' ');
                    ui = PrintZ(nd, bp, length);
                    if (ui == 0) goto trunc;
                    bp += ui; length -= ui;
                }
                break;
            case 6:
                while (length != 0)
                {
                    if (nd.U8(bp) != 0) nd.Print(' ');
                    ui = PrintZ(nd, bp, length);
                    if (ui == 0) goto trunc;
                    bp += ui; length -= ui;
                }
                break;
            case 3:
            case 4:
                if (length < 2) goto trunc;
                nd.Print($" block {nd.Be16(bp)}");
                break;
            case 5:
            {
                if (length < 2) goto trunc;
                int e = nd.Be16(bp);
                nd.Print(' ');
                nd.Print(e switch
                {
                    0 => "EUNDEF", 1 => "ENOTFOUND", 2 => "EACCESS", 3 => "ENOSPACE", 4 => "EBADOP", 5 => "EBADID",
                    6 => "EEXISTS", 7 => "ENOUSER", _ => $"tftp-err-#{e} \"",
                });
                bp += 2; length -= 2;
                if (length == 0) goto trunc;
                nd.Print(" \"");
                ui = PrintZ(nd, bp, length);
                nd.Print("\"");
                if (ui == 0) goto trunc;
                break;
            }
        }
        return;
    trunc:
        nd.PrintTrunc();
    }
}
