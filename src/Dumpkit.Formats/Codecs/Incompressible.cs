// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dumpkit.Formats.Codecs;

/// <summary>
/// Recognises pages that deflate cannot make smaller than a page (random, encrypted or already
/// compressed data), so that they are stored raw without a deflate pass. On such a page zlib-ng's
/// match search costs about four times what a typical kernel page does (72 µs against 15-25 µs
/// here), <see cref="PageDeflater"/>'s 21-38 µs against this test's 9-13 µs, and a 4 GiB guest
/// with random tmpfs pages had 43,000 of them at dump level 1.
/// <para>
/// The test errs on the side of compressing, from cheap to dear: a page whose first 256 bytes hold
/// fewer than 96 byte values, or with more than 1/64 zero bytes, is structured (random data shows
/// about 162 values there and about 1/256 zeros) and is compressed. Otherwise the bytes' best
/// prefix code (an unlimited Huffman code over the page's histogram: deflate's, limited to 15 bits,
/// cannot do better; a Shannon code, which needs no sorting, settles most pages first, being no
/// shorter) plus the least a dynamic block header costs for so many literals, plus zlib's six
/// bytes of framing, bounds what coding the bytes one by one can achieve. Deflate's matches can
/// only save on that what the page's repeated 4-byte strings (and a few 3-byte ones) allow, at most
/// about five bytes per repeated position. When the bound minus those savings is still a page or
/// more, deflate would have stored the page (or saved a few bytes, where a hash collision hid a
/// repeat): it is stored raw without trying.
/// </para>
/// </summary>
public static class Incompressible
{
    private const int HashBits = 14; // four slots a position of a 4 KiB page: few collisions
    /// <summary>
    /// Least cost of a dynamic block's header with 257 literal/length code lengths (each at least
    /// half a bit even in repeat runs) and its other fields, zlib's header and Adler-32, less four
    /// bytes for 3-byte matches the 4-byte scan does not see: 16 + 4 + 6 - 4.
    /// </summary>
    private const int FixedCost = 22;
    private const int SavingPerRepeat = 5;

    [SkipLocalsInit]
    public static bool Looks(ReadOnlySpan<byte> page)
    {
        int n = page.Length;
        if (n < 256 || FewValuesUpFront(page) || page.Count((byte)0) > n / 64)
            return false;

        Span<int> hist = stackalloc int[256];
        // Four histograms side by side: consecutive equal bytes do not wait on one counter.
        Span<int> four = stackalloc int[4 * 256];
        four.Clear();
        ref int h0 = ref MemoryMarshal.GetReference(four);
        ref byte p = ref MemoryMarshal.GetReference(page);
        int j = 0;
        for (; j + 4 <= n; j += 4)
        {
            Unsafe.Add(ref h0, Unsafe.Add(ref p, j))++;
            Unsafe.Add(ref h0, 256 + Unsafe.Add(ref p, j + 1))++;
            Unsafe.Add(ref h0, 512 + Unsafe.Add(ref p, j + 2))++;
            Unsafe.Add(ref h0, 768 + Unsafe.Add(ref p, j + 3))++;
        }
        for (; j < n; j++)
            Unsafe.Add(ref h0, Unsafe.Add(ref p, j))++;
        for (int b = 0; b < 256; b++)
            hist[b] = four[b] + four[256 + b] + four[512 + b] + four[768 + b];
        // Most pages that get this far (code, text) shrink, and a Shannon code, which needs no
        // sorting, already shows it: Huffman's code is no longer. The sort of the exact bound
        // cost a quarter of this test's time.
        if (ShannonBits(hist, n) / 8 + FixedCost < n)
            return false;
        long bound = HuffmanBits(hist) / 8 + FixedCost;
        if (bound < n)
            return false;

        // Repeated 4-byte strings: each slot remembers the last position of its hash (an empty
        // one reads as position 0, which is as good a witness as any), and a repeat counts when
        // the bytes there are equal. Colliding strings can hide a repeat, so a page with just a few
        // may be stored raw for a saving of a few bytes; branch-free, as repeats are rare here.
        long allowed = (bound - n) / SavingPerRepeat;
        Span<ushort> slots = stackalloc ushort[1 << HashBits];
        slots.Clear();
        ref byte start = ref MemoryMarshal.GetReference(page);
        ref ushort slot0 = ref MemoryMarshal.GetReference(slots);
        int repeats = 0;
        int last = Math.Min(n - 4, ushort.MaxValue);
        for (int i = 1; i <= last; i++)
        {
            uint v = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, i));
            // The hash is below 1 << HashBits and every position below n - 3: no bounds to check.
            ref ushort slot = ref Unsafe.Add(ref slot0, (int)((v * 2654435761u) >> (32 - HashBits)));
            repeats += Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, slot)) == v ? 1 : 0;
            slot = (ushort)i;
        }
        return repeats <= allowed;
    }

    /// <summary>
    /// Byte values seen in the first 256 bytes, fewer than <see cref="SampleValuesMax"/>: random data
    /// shows about 162 there (256 (1 - 1/e)), the pages of a 1 GiB guest that deflate well mostly
    /// under 32, and all of its incompressible ones over 192. A quick way to the answer "compress"
    /// for four fifths of that guest's pages (it reads a sixteenth of what the histogram reads); a
    /// page that starts structured and turns random is then merely deflated to find out.
    /// </summary>
    [SkipLocalsInit]
    private static bool FewValuesUpFront(ReadOnlySpan<byte> page)
    {
        // Four 256-bit sets side by side (as the histogram's four counters): consecutive bytes
        // do not wait on one word, and no branch depends on the data.
        Span<ulong> sets = stackalloc ulong[16];
        sets.Clear();
        ref ulong s = ref MemoryMarshal.GetReference(sets);
        ref byte p = ref MemoryMarshal.GetReference(page);
        for (int i = 0; i < 256; i += 4)
        {
            byte b0 = Unsafe.Add(ref p, i), b1 = Unsafe.Add(ref p, i + 1), b2 = Unsafe.Add(ref p, i + 2), b3 = Unsafe.Add(ref p, i + 3);
            Unsafe.Add(ref s, b0 >> 6) |= 1UL << b0;      // shift counts are taken mod 64
            Unsafe.Add(ref s, 4 + (b1 >> 6)) |= 1UL << b1;
            Unsafe.Add(ref s, 8 + (b2 >> 6)) |= 1UL << b2;
            Unsafe.Add(ref s, 12 + (b3 >> 6)) |= 1UL << b3;
        }
        int seen = 0;
        for (int q = 0; q < 4; q++)
            seen += BitOperations.PopCount(sets[q] | sets[4 + q] | sets[8 + q] | sets[12 + q]);
        return seen < SampleValuesMax;
    }

    private const int SampleValuesMax = 96;

    /// <summary>
    /// Total bits of a Shannon code for these counts of <paramref name="total"/> symbols: each
    /// symbol ceil(log2(total / count)) bits. Those lengths meet Kraft's inequality, so a prefix code
    /// with them exists and an optimal (Huffman) code costs no more.
    /// </summary>
    internal static long ShannonBits(ReadOnlySpan<int> counts, int total)
    {
        int logTotal = BitOperations.Log2((uint)total);
        long bits = 0;
        foreach (int c in counts)
        {
            if (c == 0)
                continue;
            // floor logs a of total and b of c: the length is a - b or a - b + 1.
            int len = logTotal - BitOperations.Log2((uint)c);
            len += ((long)c << len) < total ? 1 : 0;
            bits += (long)c * len;
        }
        return bits;
    }

    /// <summary>Total bits of an optimal (unlimited) Huffman code for these symbol counts; counts are reordered.</summary>
    internal static long HuffmanBits(Span<int> counts)
    {
        SortCounts(counts);
        int first = counts.IndexOfAnyExcept(0);
        if (first < 0) return 0;
        var leaves = counts[first..];
        if (leaves.Length == 1) return leaves[0]; // one symbol still needs a one-bit code
        // Two queues: sorted leaves, and merged nodes (produced in ascending order).
        Span<long> merged = stackalloc long[leaves.Length];
        int li = 0, mi = 0, mEnd = 0;
        long total = 0;
        for (int k = 0; k < leaves.Length - 1; k++)
        {
            long a = TakeSmallest(leaves, ref li, merged, ref mi, mEnd);
            long b = TakeSmallest(leaves, ref li, merged, ref mi, mEnd);
            merged[mEnd++] = a + b;
            total += a + b;
        }
        return total;
    }

    /// <summary>
    /// Ascending order by a two-pass radix sort when every count fits 16 bits (a comparison sort of
    /// the 256 byte counts cost more than the rest of the test).
    /// </summary>
    private static void SortCounts(Span<int> counts)
    {
        if (counts.Length > 1024 || counts.ContainsAnyExceptInRange(0, 0xffff))
        {
            counts.Sort();
            return;
        }
        Span<int> other = stackalloc int[counts.Length];
        Span<int> low = stackalloc int[257];
        Span<int> high = stackalloc int[257];
        low.Clear();
        high.Clear();
        foreach (int c in counts)
        {
            low[(c & 0xff) + 1]++;
            high[(c >> 8) + 1]++;
        }
        for (int b = 1; b < 257; b++)
        {
            low[b] += low[b - 1];
            high[b] += high[b - 1];
        }
        foreach (int c in counts)
            other[low[c & 0xff]++] = c;
        foreach (int c in other)
            counts[high[c >> 8]++] = c;
    }

    private static long TakeSmallest(Span<int> leaves, ref int li, Span<long> merged, ref int mi, int mEnd)
    {
        if (li < leaves.Length && (mi >= mEnd || leaves[li] <= merged[mi]))
            return leaves[li++];
        return merged[mi++];
    }
}
