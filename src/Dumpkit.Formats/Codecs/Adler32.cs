using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Dumpkit.Formats.Codecs;

/// <summary>
/// Adler-32 (RFC 1950), the checksum that ends every zlib stream: 32 bytes a step with AVX2, 16
/// with SSSE3 (the x86-64-v2 baseline NativeAOT compiles for), else a byte at a time.
/// </summary>
public static class Adler32
{
    private const uint Modulus = 65521;
    /// <summary>
    /// The most bytes summed before the sums must be reduced (zlib's NMAX is 5552: the largest n
    /// with 255·n(n+1)/2 + (n+1)(65520) below 2³²), rounded down to whole 32-byte steps.
    /// </summary>
    private const int Chunk = 5536;

    public static uint Compute(ReadOnlySpan<byte> data, uint adler = 1)
    {
        uint s1 = adler & 0xffff, s2 = adler >> 16;
        while (!data.IsEmpty)
        {
            var chunk = data[..Math.Min(data.Length, Chunk)];
            int done = Avx2.IsSupported ? Steps32(chunk, ref s1, ref s2)
                : Ssse3.IsSupported ? Steps16(chunk, ref s1, ref s2) : 0;
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
    /// Adds whole 32-byte steps of <paramref name="chunk"/> (at most <see cref="Chunk"/> bytes) to
    /// the sums; returns how many bytes it took. A step of bytes b₀…b₃₁ starting from s1 adds Σb to
    /// s1 and 32·s1 + Σ(32−i)·bᵢ to s2.
    /// </summary>
    private static int Steps32(ReadOnlySpan<byte> chunk, ref uint s1, ref uint s2)
    {
        int steps = chunk.Length / 32;
        if (steps == 0)
            return 0;
        var weights = Vector256.Create(
            (sbyte)32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17,
            16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1);
        var ones = Vector256.Create((short)1);
        Vector256<uint> sums = default, weighted = default, earlier = default;
        ref byte p = ref MemoryMarshal.GetReference(chunk);
        for (int k = 0; k < steps; k++)
        {
            var v = Vector256.LoadUnsafe(ref p, (nuint)(k * 32));
            earlier += sums;
            sums += Avx2.SumAbsoluteDifferences(v, Vector256<byte>.Zero).AsUInt32();
            weighted += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(v, weights), ones).AsUInt32();
        }
        ulong byteSum = Vector256.Sum(sums);
        ulong add2 = 32UL * (ulong)steps * s1 + 32UL * Vector256.Sum(earlier) + Vector256.Sum(weighted);
        s1 = (uint)((s1 + byteSum) % Modulus);
        s2 = (uint)((s2 + add2) % Modulus);
        return steps * 32;
    }

    /// <summary>As <see cref="Steps32"/>, 16 bytes a step.</summary>
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
