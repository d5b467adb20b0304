// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>BEEP, the Blocks Extensible Exchange Protocol over TCP (port 10288): the frame's keyword, as tcpdump 4.99.3 names it.</summary>
/// <remarks>
/// Specification: RFC 3080 section 2.2.1 (frame headers MSG, RPY, ERR, ANS, NUL, SEQ and the trailer END). A keyword counts only when
/// four bytes are captured and the segment is at least four long; tcpdump compares four bytes, so MSG and END match only when a NUL
/// follows them (never in a real frame, whose keyword is followed by a space or a CR).
/// </remarks>
internal static class Beep
{
    private static readonly (byte[] Key, string Name)[] Keywords =
    [
        ("MSG\0"u8.ToArray(), "MSG"), ("RPY "u8.ToArray(), "RPY"), ("ERR "u8.ToArray(), "ERR"), ("ANS "u8.ToArray(), "ANS"),
        ("NUL "u8.ToArray(), "NUL"), ("SEQ "u8.ToArray(), "SEQ"), ("END\0"u8.ToArray(), "END"),
    ];

    public static void Print(PrintContext nd, int bp, int length)
    {
        nd.Proto = "beep";
        if (length >= 4 && nd.TTest(bp, 4))
        {
            var head = nd.Buf.AsSpan(bp, 4);
            foreach (var (key, name) in Keywords)
            {
                if (Matches(head, key))
                {
                    nd.Print($" BEEP {name}");
                    return;
                }
            }
        }
        nd.Print(" BEEP (payload or undecoded)");
    }

    /// <summary>As strncmp over four bytes: equal up to the key's NUL, if it has one.</summary>
    private static bool Matches(ReadOnlySpan<byte> head, byte[] key)
    {
        for (int i = 0; i < key.Length; i++)
        {
            if (head[i] != key[i]) return false;
            if (key[i] == 0) return true;
        }
        return true;
    }
}
