// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>RIPng (UDP 521): requests and responses with their route entries.</summary>
/// <remarks>Specification: RFC 2080.</remarks>
internal static class Ripng
{
    private const int EntryLen = 20;

    private static void Entry(PrintContext nd, int p, bool metric)
    {
        nd.Print($"{nd.A6(p)}/{nd.U8(p + 18)}");
        int tag = nd.Be16(p + 16);
        if (tag != 0) nd.Print($" [{tag}]");
        int m = nd.U8(p + 19);
        if (m != 0 && metric) nd.Print($" ({m})");
    }

    public static void Print(PrintContext nd, int p, int length)
    {
        nd.Proto = "ripng";
        int vers = nd.U8(p + 1);
        if (vers != 1) { nd.Print($" [vers {vers}]"); nd.PrintInvalid(); return; }
        int cmd = nd.U8(p);
        if (cmd != 1 && cmd != 2) { nd.Print($" ripng-{cmd} ?? {length}"); nd.PrintInvalid(); return; }
        if (length < 4) { nd.PrintInvalid(); return; }
        uint left = (uint)(length - 4);
        uint j = left / EntryLen;
        bool request = cmd == 1;
        if (request && j == 1 && nd.U8(p + 4 + 19) == 16 && nd.Bytes(p + 4, 16).IndexOfAnyExcept((byte)0) < 0)
        {
            nd.Print(" ripng-req dump");
            return;
        }
        string what = request ? "req" : "resp";
        if (j * EntryLen != left) nd.Print($" ripng-{what} {j}[{length}]:");
        else nd.Print($" ripng-{what} {j}:");
        for (int e = p + 4; left >= EntryLen; left -= EntryLen, e += EntryLen)
        {
            nd.Print(nd.Verbose > 1 ? "\n\t" : " ");
            Entry(nd, e, !request);
        }
        if (left != 0) nd.PrintInvalid();
    }
}
