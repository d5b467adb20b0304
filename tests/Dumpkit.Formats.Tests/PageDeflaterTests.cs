// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.IO.Compression;
using CsCheck;
using Dumpkit.Formats.Codecs;
using Xunit;

namespace Dumpkit.Formats.Tests;

public class PageDeflaterTests
{
    /// <summary>Pages of the shapes a dump holds: pointers and small integers, text, runs, random bytes, zeros.</summary>
    private static readonly Gen<byte[]> Pages =
        Gen.Select(Gen.Int, Gen.Int[0, 5], Gen.Int[0, 32768], Gen.Int[1, 255]).Select((seed, shape, length, alphabet) =>
        {
            var rnd = new Random(seed);
            if (rnd.Next(3) == 0)
                length = 4096; // the usual page
            var page = new byte[length];
            switch (shape)
            {
                case 0: // random
                    rnd.NextBytes(page);
                    break;
                case 1: // a few byte values
                    for (int i = 0; i < length; i++) page[i] = (byte)rnd.Next(alphabet);
                    break;
                case 2: // kernel-like: 8-byte words, pointers into one area, small counters, zeros
                    for (int i = 0; i + 8 <= length; i += 8)
                    {
                        ulong w = rnd.Next(4) switch { 0 => 0, 1 => 0xffff8df700000000UL | (ulong)rnd.Next(1 << 20) << 3,
                            2 => (ulong)rnd.Next(alphabet), _ => (ulong)rnd.NextInt64() };
                        BitConverter.TryWriteBytes(page.AsSpan(i), w);
                    }
                    break;
                case 3: // strings copied from earlier, long and short, near and far
                    rnd.NextBytes(page);
                    for (int k = 0; k < alphabet && length > 600; k++)
                    {
                        int len = rnd.Next(3, 300), from = rnd.Next(length - len), to = rnd.Next(length - len);
                        page.AsSpan(from, len).CopyTo(page.AsSpan(to));
                    }
                    break;
                case 4: // one byte repeated, with a few others
                    page.AsSpan().Fill((byte)alphabet);
                    for (int k = 0; k < alphabet && length > 0; k++) page[rnd.Next(length)] = (byte)rnd.Next(256);
                    break;
                default: // zeros
                    break;
            }
            return page;
        });

    private static byte[] Inflate(byte[] stream, int length)
    {
        using var z = new ZLibStream(new MemoryStream(stream, 0, length), CompressionMode.Decompress);
        using var back = new MemoryStream();
        z.CopyTo(back);
        return back.ToArray();
    }

    [Fact]
    public void EveryPageInflatesBackAndTheLimitIsExact()
    {
        var deflater = new PageDeflater(); // one compressor across pages, as a worker uses it
        Pages.Sample(page =>
        {
            var output = new byte[2 * page.Length + 64];
            int n = deflater.Compress(page, output, output.Length);
            Assert.InRange(n, 8, output.Length);
            Assert.Equal(page, Inflate(output, n));
            // Just too small a limit refuses; just enough gives the same stream.
            var exact = new byte[n];
            Assert.Equal(-1, deflater.Compress(page, exact, n - 1));
            Assert.Equal(n, deflater.Compress(page, exact, n));
            Assert.Equal(output.AsSpan(0, n).ToArray(), exact);
        }, iter: 600, threads: 1);
    }

    [Fact]
    public void RepetitiveDataShrinksAsDeflateShould()
    {
        var deflater = new PageDeflater();
        var output = new byte[4096];
        int zeros = deflater.Compress(new byte[4096], output, 4095);
        var text = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("kernel: page allocation failure: order:0, mode:0x40cc0 ", 80)))[..4096];
        int repeated = deflater.Compress(text, output, 4095);
        // No larger than zlib 1.2.13 makes them (26 bytes at levels 5-9, 41 at 1; 85 at 5-9, 102 at 1).
        Assert.InRange(zeros, 8, 26); // a literal, matches of 258 at distance 1
        Assert.InRange(repeated, 8, 102);
        var random = new byte[4096];
        new Random(3).NextBytes(random);
        Assert.Equal(-1, deflater.Compress(random, output, 4095));
    }

    [Fact]
    public void Adler32MatchesTheDefinition()
    {
        Gen.Select(Gen.Byte.Array[0, 20000], Gen.UInt).Sample((data, start) =>
        {
            uint s1 = (start & 0xffff) % 65521, s2 = (start >> 16) % 65521, initial = s2 << 16 | s1;
            foreach (byte b in data)
            {
                s1 = (s1 + b) % 65521;
                s2 = (s2 + s1) % 65521;
            }
            Assert.Equal(s2 << 16 | s1, Adler32.Compute(data, initial));
        }, iter: 300);
        var ff = new byte[100_000];
        ff.AsSpan().Fill(0xff); // the largest sums: every chunk at its bound
        uint a = 1, b2 = 0;
        foreach (byte x in ff) { a = (a + x) % 65521; b2 = (b2 + a) % 65521; }
        Assert.Equal(b2 << 16 | a, Adler32.Compute(ff));
    }

    /// <summary>
    /// The code is complete (Kraft sum one), no longer than the limit, and, where the limit does not
    /// bind, as short in total as an unlimited Huffman code.
    /// </summary>
    [Fact]
    public void HuffmanLengthsAreCompleteLimitedAndOptimal()
    {
        var skewed = Gen.Int[2, 25].Select(n => Enumerable.Range(0, n).Select(i => (int)Math.Min(65535, Math.Pow(1.6, i))).ToArray());
        var cases = Gen.OneOf(
            Gen.Select(Gen.Int[0, 4000].Array[2, 286], Gen.Const(15)),
            Gen.Select(Gen.Int[0, 40].Array[2, 19], Gen.Const(7)),
            Gen.Select(skewed, Gen.Int[5, 15]));
        cases.Sample((counts, maxBits) =>
        {
            var lengths = new byte[counts.Length];
            new HuffmanLengths().Build(counts, lengths, maxBits);
            double kraft = 0;
            long bits = 0;
            for (int s = 0; s < counts.Length; s++)
            {
                Assert.True(counts[s] == 0 || lengths[s] > 0, "a used symbol has no code");
                Assert.InRange(lengths[s], 0, maxBits);
                if (lengths[s] > 0) kraft += Math.Pow(2, -lengths[s]);
                bits += (long)counts[s] * lengths[s];
            }
            Assert.Equal(1.0, kraft, 9);
            int used = counts.Count(c => c > 0);
            long optimal = Incompressible.HuffmanBits(counts.ToArray());
            // Where the limit binds the code may lose a little, but never to a flat code.
            long flat = (long)Math.Ceiling(Math.Log2(Math.Max(used, 2))) * counts.Sum(c => (long)c);
            if (used >= 2)
                Assert.InRange(bits, optimal, Math.Max(optimal, flat));
            if (used >= 2 && used <= maxBits + 1) // no code can be deeper than used - 1: the limit cannot bind
                Assert.Equal(optimal, bits);
        }, iter: 500);
    }
}
