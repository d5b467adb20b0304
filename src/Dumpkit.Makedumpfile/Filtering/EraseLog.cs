// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;

namespace Dumpkit.Makedumpfile.Filtering;

/// <summary>
/// What makedumpfile records of its erasing (erase_info): one entry per erase command that erased something, in the order
/// they first did, with one size per time it erased (a loop's command erases once per element). The dump file gets the
/// lines of the entries whose bytes landed in it: <c>erase EXPR size N</c> (the bytes of that time's erase the file holds)
/// or <c>erase EXPR nullify</c>, as makedumpfile writes its eraseinfo.
/// </summary>
internal sealed class EraseLog
{
    private readonly List<(string Expression, int Times)> _entries = [];

    /// <summary>The entry of a command on its first erase (makedumpfile's add_erase_info_node); its next time otherwise.</summary>
    public (int Entry, int Time) Add(ref int entry, string expression)
    {
        if (entry == 0)
        {
            _entries.Add((expression, 1));
            entry = _entries.Count;
            return (entry, 0);
        }
        var (e, times) = _entries[entry - 1];
        _entries[entry - 1] = (e, times + 1);
        return (entry, times);
    }

    /// <summary>The expression of entry <paramref name="entry"/> (1-based), as its lines name it.</summary>
    public string Expression(int entry) => _entries[entry - 1].Expression;

    /// <summary>One eraseinfo line: <c>erase EXPR size N</c>, or <c>erase EXPR nullify</c> for a negative <paramref name="size"/>.</summary>
    public static string Line(string expression, long size) => size < 0 ? $"erase {expression} nullify\n" : $"erase {expression} size {size}\n";

    /// <summary>The eraseinfo of a file holding the frames <paramref name="written"/> says it holds.</summary>
    public byte[] Build(IEnumerable<PhysicalErase> erases, int pageShift, Func<ulong, bool> written)
    {
        var sizes = new long[_entries.Count][];
        foreach (var e in erases)
        {
            if (e.Entry == 0 || !written(e.Address >> pageShift))
                continue;
            var s = sizes[e.Entry - 1] ??= new long[_entries[e.Entry - 1].Times];
            if (e.Fill == 0)
                s[e.Time] = -1;
            else
                s[e.Time] += e.Length;
        }
        var text = new StringBuilder();
        long? size = null;
        for (int i = 0; i < sizes.Length; i++)
        {
            if (sizes[i] is not { } s)
                continue;
            foreach (long n in s)
            {
                // A time none of whose bytes is in this file (0) repeats the size before it, as makedumpfile's buffer does.
                size = n != 0 ? n : size;
                if (size is long last)
                    text.Append(Line(_entries[i].Expression, last));
            }
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
