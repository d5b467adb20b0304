// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>A value/name pair of a lookup table, as in tcpdump's token tables.</summary>
internal readonly record struct Tok(uint V, string S);

/// <summary>Table lookups in tcpdump's tok2str / bittok2str styles.</summary>
internal static class Toks
{
    public static string? Find(Tok[] t, uint v)
    {
        foreach (var e in t)
            if (e.V == v) return e.S;
        return null;
    }

    /// <summary>Names of the single-bit entries set in v, joined by sep; none (or "#%08x") when nothing matches.</summary>
    public static void Bits(PrintContext nd, Tok[] t, string? none, uint v, string sep = ", ")
    {
        bool any = false;
        foreach (var e in t)
        {
            if (e.V == 0 || (e.V & (e.V - 1)) != 0 || (v & e.V) == 0) continue;
            if (any) nd.Print(sep);
            nd.Print(e.S);
            any = true;
        }
        if (!any)
        {
            if (none != null) nd.Print(none);
            else nd.Print($"#{v:x8}");
        }
    }
}
