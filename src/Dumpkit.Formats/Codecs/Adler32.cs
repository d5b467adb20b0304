// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Dumpkit.Formats.Codecs;

/// <summary>
/// Adler-32 (RFC 1950), the checksum that ends every zlib stream: 16 bytes a step with SSSE3 (in
/// the x86-64-v2 baseline NativeAOT compiles for; a 32-byte AVX2 step would go unused there, and the
/// checksum is under 2% of a page's deflate), else a byte at a time.
/// </summary>
public static class Adler32
{
    private const uint Modulus = 65521;
    /// <summary>
    /// The most bytes summed before the sums must be reduced (zlib's NMAX is 5552: the largest n
    /// with 255·n(n+1)/2 + (n+1)(65520) below 2³²), rounded down to whole 16-byte steps.
    /// </summary>
    private const int Chunk = 5536;

    public static uint Compute(ReadOnlySpan<byte> data, uint adler = 1)
    {
        uint s1 = adler & 0xffff, s2 = adler >> 16;
        while (!data.IsEmpty)
        {
            var chunk = data[..Math.Min(data.Length, Chunk)];
            int done = Ssse3.IsSupported ? Steps16(chunk, ref s1, ref s2) : 0;
            foreach (byte b in chunk[done..])
            {
                s1 += b;
                s2 += s1;
            }
            s1 %= Modulus;
            s2 %= Modulus;
            data = data[chunk.Length..];
        }
        return s2 << 16 | s1;
    }

    /// <summary>
    /// Adds whole 16-byte steps of <paramref name="chunk"/> (at most <see cref="Chunk"/> bytes) to
    /// the sums; returns how many bytes it took. A step of bytes b₀…b₁₅ starting from s1 adds Σb to
    /// s1 and 16·s1 + Σ(16−i)·bᵢ to s2.
    /// </summary>
    private static int Steps16(ReadOnlySpan<byte> chunk, ref uint s1, ref uint s2)
    {
        int steps = chunk.Length / 16;
        if (steps == 0)
            return 0;
        var weights = Vector128.Create((sbyte)16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1);
        var ones = Vector128.Create((short)1);
        Vector128<uint> sums = default, weighted = default, earlier = default;
        ref byte p = ref MemoryMarshal.GetReference(chunk);
        for (int k = 0; k < steps; k++)
        {
            var v = Vector128.LoadUnsafe(ref p, (nuint)(k * 16));
            earlier += sums;
            sums += Sse2.SumAbsoluteDifferences(v, Vector128<byte>.Zero).AsUInt32();
            weighted += Sse2.MultiplyAddAdjacent(Ssse3.MultiplyAddAdjacent(v, weights), ones).AsUInt32();
        }
        ulong byteSum = Vector128.Sum(sums);
        ulong add2 = 16UL * (ulong)steps * s1 + 16UL * Vector128.Sum(earlier) + Vector128.Sum(weighted);
        s1 = (uint)((s1 + byteSum) % Modulus);
        s2 = (uint)((s2 + add2) % Modulus);
        return steps * 16;
    }
}
