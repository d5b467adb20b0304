// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.IO.Compression;
using CsCheck;
using Dumpkit.Formats.Codecs;
using Xunit;

namespace Dumpkit.Formats.Tests;

public class IncompressibleTests
{
    /// <summary>The page's zlib stream as dumps are written, however long.</summary>
    private static int Deflated(byte[] page)
    {
        var output = new byte[2 * page.Length + 64];
        return new PageDeflater().Compress(page, output, output.Length);
    }

    /// <summary>
    /// Pages near the edge (random bytes with repeats, a smaller alphabet, zero bytes or a skewed
    /// byte): whenever the test calls one incompressible, deflate gets it no smaller than a page
    /// less a few bytes (a repeat hidden by a hash collision), so storing it raw loses next to nothing.
    /// </summary>
    [Fact]
    public void APageCalledIncompressibleDoesNotShrinkUnderDeflate()
    {
        int flagged = 0, total = 0;
        Gen.Select(Gen.Int, Gen.Int[0, 4], Gen.Int[0, 200], Gen.Int[0, 64]).Sample((seed, shape, amount, len) =>
        {
            var rnd = new Random(seed);
            var page = new byte[4096];
            rnd.NextBytes(page);
            switch (shape)
            {
                case 1: // repeated strings copied from earlier in the page
                    for (int k = 0; k < amount / 4; k++)
                    {
                        int from = rnd.Next(4096 - len - 4), to = rnd.Next(from + 1, 4096 - len - 3);
                        page.AsSpan(from, len + 4).CopyTo(page.AsSpan(to));
                    }
                    break;
                case 2: // fewer byte values
                    for (int i = 0; i < page.Length; i++) page[i] = (byte)(page[i] % (256 - amount));
                    break;
                case 3: // zero bytes sprinkled in
                    for (int k = 0; k < amount; k++) page[rnd.Next(4096)] = 0;
                    break;
                case 4: // one byte value more frequent
                    for (int k = 0; k < amount * 2; k++) page[rnd.Next(4096)] = 0x41;
                    break;
            }
            bool looks = Incompressible.Looks(page);
            Interlocked.Increment(ref total);
            if (looks)
            {
                Interlocked.Increment(ref flagged);
                Assert.True(Deflated(page) >= page.Length - 16, $"shape {shape} amount {amount}: deflate shrank a page called incompressible");
            }
        }, iter: 3000);
        Assert.InRange(flagged, total / 10, total - 1); // the generator reaches both sides of the line
    }

    [Fact]
    public void StructuredPagesAreCompressed()
    {
        var text = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("kernel: page allocation failure: order:0, mode:0x40cc0 ", 80)))[..4096];
        Assert.False(Incompressible.Looks(text));
        Assert.False(Incompressible.Looks(new byte[4096]));
        // Random data repeated once: high byte entropy, but deflate halves it.
        var twice = new byte[4096];
        new Random(7).NextBytes(twice.AsSpan(0, 2048));
        twice.AsSpan(0, 2048).CopyTo(twice.AsSpan(2048));
        Assert.False(Incompressible.Looks(twice));
        var random = new byte[4096];
        new Random(8).NextBytes(random);
        Assert.True(Incompressible.Looks(random));
        // A structured start sends the page to deflate without the full test; here deflate then
        // finds what the full test would have said (the cost of the shortcut, not a larger dump).
        text.AsSpan(0, 256).CopyTo(random);
        Assert.False(Incompressible.Looks(random));
        var output = new byte[4096];
        Assert.True(new PageDeflater().Compress(random, output, 4095) is -1 or > 3900);
    }

    /// <summary>The two-queue Huffman cost equals a priority-queue Huffman build.</summary>
    [Fact]
    public void HuffmanCostMatchesAPriorityQueueBuild()
    {
        Gen.Int[0, 300].Array[0, 256].Sample(counts =>
        {
            var pq = new PriorityQueue<long, long>();
            foreach (var c in counts.Where(c => c > 0)) pq.Enqueue(c, c);
            long expected = pq.Count == 1 ? pq.Peek() : 0;
            while (pq.Count > 1)
            {
                long a = pq.Dequeue(), b = pq.Dequeue();
                expected += a + b;
                pq.Enqueue(a + b, a + b);
            }
            Assert.Equal(expected, Incompressible.HuffmanBits(counts.ToArray()));
        }, iter: 500);
    }

    /// <summary>
    /// The shortcut's premise: a Shannon code's lengths are each ceil(log2(total / count)) (checked
    /// against floating point), and its cost is never below Huffman's, for two or more symbols.
    /// </summary>
    [Fact]
    public void ShannonCostIsExactAndNeverBelowHuffman()
    {
        Gen.Int[0, 4096].Array[2, 256].Sample(counts =>
        {
            int total = counts.Sum();
            if (counts.Count(c => c > 0) < 2)
                return;
            long expected = counts.Where(c => c > 0).Sum(c => (long)c * (long)Math.Ceiling(Math.Log2((double)total / c) - 1e-12));
            long shannon = Incompressible.ShannonBits(counts, total);
            Assert.Equal(expected, shannon);
            Assert.True(shannon >= Incompressible.HuffmanBits(counts.ToArray()));
        }, iter: 2000);
    }
}
