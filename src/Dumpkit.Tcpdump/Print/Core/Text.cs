// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Printing text found in packets (escaped as tcpdump escapes it) and durations.</summary>
internal static class Text
{
    /// <summary>Printable ASCII: what is printed as itself.</summary>
    public static bool IsPrint(byte c) => c >= 0x20 && c <= 0x7e;

    /// <summary>fn_print_char: M- for high bit, ^ for control characters.</summary>
    public static void PrintChar(PrintContext nd, byte c)
    {
        if (c >= 0x80) { c &= 0x7f; nd.Print("M-"); }
        if (!IsPrint(c)) { c ^= 0x40; nd.Print('^'); }
        nd.Out.PutByte(c);
    }

    /// <summary>tcpdump's nd_printjnp: up to n characters from p, escaped, stopping at a NUL.</summary>
    public static void PrintUntilNul(PrintContext nd, int p, int n)
    {
        for (; n > 0; n--, p++)
        {
            byte c = nd.U8(p);
            if (c == 0) break;
            PrintChar(nd, c);
        }
    }

    /// <summary>tcpdump's unsigned_relts_print: a number of seconds as 1y2w3d4h5m6s (0s for zero).</summary>
    public static void RelTime(PrintContext nd, uint secs)
    {
        if (secs == 0) { nd.Print("0s"); return; }
        ReadOnlySpan<uint> s = [31536000, 604800, 86400, 3600, 60, 1];
        ReadOnlySpan<char> l = ['y', 'w', 'd', 'h', 'm', 's'];
        for (int k = 0; k < 6 && secs > 0; k++)
        {
            if (secs >= s[k]) { nd.Print($"{secs / s[k]}{l[k]}"); secs -= secs / s[k] * s[k]; }
        }
    }
}
