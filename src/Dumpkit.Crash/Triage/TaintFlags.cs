// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;

namespace Dumpkit.Crash.Triage;

/// <summary>
/// The kernel's taint letters (kernel/panic.c's taint_flags, bit by bit), as its oops header prints
/// <c>tainted_mask</c>: one character per flag (<c>G</c> in place of <c>P</c> when no proprietary module),
/// here with each run of blanks squeezed to one and the ends trimmed, so <c>"P           OE"</c> becomes
/// <c>"P OE"</c>; a mask of 0 is the kernel's <c>Not tainted</c>.
/// </summary>
internal static class TaintFlags
{
    // bit i: the letter when set (bit 0, PROPRIETARY_MODULE, prints 'G' when clear)
    private const string Letters = "PFSRMBUDAWCIOELKXTNJ";

    public static string Format(ulong mask)
    {
        if (mask == 0)
            return "Not tainted";
        var s = new StringBuilder();
        for (int bit = 0; bit < Letters.Length; bit++)
        {
            bool set = (mask & (1UL << bit)) != 0;
            char c = set ? Letters[bit] : bit == 0 ? 'G' : ' ';
            if (c != ' ' || (s.Length > 0 && s[^1] != ' '))
                s.Append(c);
        }
        return s.ToString().TrimEnd();
    }
}
