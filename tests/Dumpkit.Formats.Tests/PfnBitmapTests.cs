// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using CsCheck;
using Dumpkit.Formats;
using Dumpkit.Formats.IO;
using Xunit;

namespace Dumpkit.Formats.Tests;

public class PfnBitmapTests
{
    /// <summary>
    /// The end of the range holding k set bits (what the writer cuts its batches with) agrees with a
    /// frame-by-frame count, for windows that do not start at frame 0 and for bitmaps left in a file.
    /// </summary>
    [Fact]
    public void EndAfterSetBitsAgreesWithCountingFrameByFrame()
    {
        Gen.Select(Gen.Int[1, 300_000], Gen.Int[0, 4], Gen.Int[0, 8], Gen.Int).Sample((frames, density, window, seed) =>
        {
            var rnd = new Random(seed);
            ulong first = (ulong)window * 64 * 1000;
            var bitmap = new PfnBitmap(first, first + (ulong)frames);
            for (ulong p = first; p < bitmap.Frames; p++)
            {
                bool set = density switch
                {
                    0 => false,
                    1 => true,
                    2 => rnd.Next(2) == 0,
                    3 => rnd.Next(5000) == 0, // sparse, as -d 31 leaves it
                    _ => (p / 4999) % 3 == 0, // long runs
                };
                if (set) bitmap[p] = true;
            }
            var file = new byte[bitmap.Bytes.Length + 3];
            bitmap.Bytes.CopyTo(file.AsSpan(3));
            var paged = first == 0 ? PfnBitmap.FromFile(new MemoryRandomAccess(file), 3, (ulong)frames, "the bitmap") : null;
            for (int k = 0; k < 40; k++)
            {
                ulong start = first + (ulong)rnd.NextInt64(frames + 1);
                ulong limit = start + (ulong)rnd.NextInt64(frames + 100);
                ulong count = (ulong)(rnd.Next(3) switch { 0 => rnd.Next(4), 1 => rnd.Next(600), _ => rnd.Next(frames + 1) });
                ulong expected = Naive(bitmap, start, count, limit);
                Assert.Equal(expected, bitmap.EndAfterSetBits(start, count, limit));
                if (paged is not null)
                    Assert.Equal(expected, paged.EndAfterSetBits(start, count, limit));
            }
        }, iter: 80);
    }

    private static ulong Naive(PfnBitmap b, ulong start, ulong count, ulong limit)
    {
        limit = Math.Min(limit, b.Frames);
        if (start >= limit) return limit;
        if (count == 0) return start;
        ulong seen = 0;
        for (ulong p = start; p < limit; p++)
            if (b[p] && ++seen == count)
                return p + 1;
        return limit;
    }
}
