// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Formats.Codecs;

/// <summary>
/// Code lengths of a length-limited prefix code (deflate's: 15 bits for literals/lengths and
/// distances, 7 for the code-length code). An optimal Huffman code is built with two queues over
/// the symbols sorted by count; when its deepest leaves pass the limit they are raised to it and
/// the code is made complete again by moving leaves down one level at a time. That is optimal
/// when the limit does not bind; when it does (a rare page for 15 bits) the code can lose a few
/// percent to a package-merge code, and never more than a flat code would (both tested).
/// </summary>
internal sealed class HuffmanLengths
{
    private const int MaxSymbols = 320;
    private readonly long[] _sorted = new long[MaxSymbols];
    private readonly long[] _scratch = new long[MaxSymbols];
    private readonly long[] _weight = new long[2 * MaxSymbols];
    private readonly short[] _parent = new short[2 * MaxSymbols];
    private readonly byte[] _depth = new byte[2 * MaxSymbols];
    private readonly int[] _perLength = new int[2 * MaxSymbols];

    /// <summary>
    /// Fills <paramref name="lengths"/> (zero for unused symbols) from <paramref name="counts"/>. A
    /// code always has two symbols at least: when only one is used, a second gets a length too,
    /// because zlib's inflate refuses some one-symbol codes.
    /// </summary>
    public void Build(ReadOnlySpan<int> counts, Span<byte> lengths, int maxBits)
    {
        int n = counts.Length;
        lengths[..n].Clear();
        int used = SortByCount(counts);
        if (used < 2)
        {
            int only = used == 1 ? (int)(_sorted[0] & 0xffff) : 0;
            lengths[only] = 1;
            if (n > 1)
                lengths[only == 0 ? 1 : 0] = 1;
            return;
        }
        var sorted = _sorted.AsSpan(0, used);

        // Leaves are nodes 0..used-1 in ascending count; merged nodes follow in creation order,
        // which is also ascending, so the two smallest are always at the fronts of the two runs.
        for (int i = 0; i < used; i++)
            _weight[i] = sorted[i] >> 16;
        int leaf = 0, node = used, end = used;
        while (end < 2 * used - 1)
        {
            int a = Smallest(ref leaf, used, ref node, end);
            int b = Smallest(ref leaf, used, ref node, end);
            _weight[end] = _weight[a] + _weight[b];
            _parent[a] = _parent[b] = (short)end;
            end++;
        }
        int root = end - 1;
        _depth[root] = 0;
        int deepest = 0;
        for (int i = root - 1; i >= 0; i--)
        {
            _depth[i] = (byte)Math.Min(_depth[_parent[i]] + 1, 255);
            if (i < used && _depth[i] > deepest)
                deepest = _depth[i];
        }

        var perLength = _perLength.AsSpan(0, Math.Max(deepest, maxBits) + 1);
        perLength.Clear();
        for (int i = 0; i < used; i++)
            perLength[Math.Min((int)_depth[i], maxBits)]++;
        if (deepest > maxBits)
        {
            // Kraft sum in units of 2^-maxBits; raising leaves to maxBits made it exceed one.
            long kraft = 0;
            for (int len = 1; len <= maxBits; len++)
                kraft += (long)perLength[len] << (maxBits - len);
            for (; kraft > 1L << maxBits; kraft--)
            {
                // Take one leaf off the last level and hang two where one shorter leaf was:
                // the leaf count stays, the sum falls by one unit.
                perLength[maxBits]--;
                for (int len = maxBits - 1; len > 0; len--)
                {
                    if (perLength[len] == 0)
                        continue;
                    perLength[len]--;
                    perLength[len + 1] += 2;
                    break;
                }
            }
        }
        // Longest codes to the rarest symbols.
        int k = 0;
        for (int len = maxBits; len > 0; len--)
            for (int c = perLength[len]; c > 0; c--)
                lengths[(int)(sorted[k++] & 0xffff)] = (byte)len;
    }

    /// <summary>
    /// The used symbols into <see cref="_sorted"/> as count &lt;&lt; 16 | symbol, ascending (ties by
    /// symbol): by insertion when there are few, else a stable radix sort by the count's low and
    /// then high byte (counts of one page fit in 16 bits; a comparison sort cost a tenth of a page's time).
    /// </summary>
    private int SortByCount(ReadOnlySpan<int> counts)
    {
        int used = 0, max = 0;
        for (int s = 0; s < counts.Length; s++)
        {
            int c = counts[s];
            if (c == 0)
                continue;
            _scratch[used++] = (long)c << 16 | (uint)s;
            max |= c;
        }
        if (max > 0xffff)
            throw new ArgumentOutOfRangeException(nameof(counts), "a count above 65535");
        if (used <= InsertionSortMax)
        {
            // Few symbols (a page's distance code, most literal codes of text): the radix sort's
            // two 257-entry tables cost more than sorting the keys in place.
            for (int i = 1; i < used; i++)
            {
                long key = _scratch[i];
                int j = i - 1;
                for (; j >= 0 && _scratch[j] > key; j--)
                    _scratch[j + 1] = _scratch[j];
                _scratch[j + 1] = key;
            }
            _scratch.AsSpan(0, used).CopyTo(_sorted);
            return used;
        }
        Span<int> low = stackalloc int[257];
        Span<int> high = stackalloc int[257];
        low.Clear();
        high.Clear();
        for (int k = 0; k < used; k++)
        {
            int c = (int)(_scratch[k] >> 16);
            low[(c & 0xff) + 1]++;
            high[(c >> 8) + 1]++;
        }
        for (int b = 1; b < 257; b++)
        {
            low[b] += low[b - 1];
            high[b] += high[b - 1];
        }
        for (int k = 0; k < used; k++)
            _sorted[low[(int)(_scratch[k] >> 16) & 0xff]++] = _scratch[k];
        if (max < 256)
            return used;
        for (int k = 0; k < used; k++)
            _scratch[high[(int)(_sorted[k] >> 24) & 0xff]++] = _sorted[k];
        _scratch.AsSpan(0, used).CopyTo(_sorted);
        return used;
    }

    /// <summary>
    /// Symbols up to which <see cref="SortByCount"/> sorts by insertion: a choice, not a tuned value
    /// (32 keys take at most 496 moves; the radix sort clears and sums two 257-entry tables whatever the count).
    /// </summary>
    private const int InsertionSortMax = 32;

    private int Smallest(ref int leaf, int leaves, ref int node, int end)
    {
        if (leaf < leaves && (node >= end || _weight[leaf] <= _weight[node]))
            return leaf++;
        return node++;
    }
}
