// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dumpkit.Formats.Codecs;

/// <summary>
/// Negative results of <see cref="Lzo1x.Decompress"/>. The values are those of liblzo2's
/// LZO_E_* codes, so messages can be compared with the C tools.
/// </summary>
public enum Lzo1xError
{
    /// <summary>Generic failure (also what <see cref="Lzo1x.Compress"/> returns when the output does not fit).</summary>
    Error = -1,
    /// <summary>The stream ended before its end marker, or an instruction needs more bytes than remain.</summary>
    InputOverrun = -4,
    /// <summary>The decoded data does not fit in the output span.</summary>
    OutputOverrun = -5,
    /// <summary>A match refers to data before the start of the output.</summary>
    LookbehindOverrun = -6,
    /// <summary>The end marker was found but input bytes follow it.</summary>
    InputNotConsumed = -8,
}

/// <summary>
/// The LZO1X block format (as written by liblzo2's lzo1x_1_compress and read by lzo1x_decompress_safe),
/// which makedumpfile -l uses for each page.
/// </summary>
/// <remarks>
/// Stream layout, as implemented here. A stream is a sequence of instructions; most carry a two-bit
/// field S telling how many literals (0..3) directly follow the instruction, and the meaning of an
/// opcode below 16 depends on how many literals the previous instruction copied ("state": 0, 1..3, or
/// 4 meaning a literal run of four or more).
/// <list type="bullet">
/// <item>First byte 18..255: copy (byte - 17) literals; state = that count, capped at 4.</item>
/// <item>0000LLLL, state 0: literal run of L + 3 bytes (L = 0: extended length 18 + ...); state 4.</item>
/// <item>0000DDSS + H, state 1..3: 2-byte match at distance (H &lt;&lt; 2) + D + 1.</item>
/// <item>0000DDSS + H, state 4: 3-byte match at distance (H &lt;&lt; 2) + D + 2049.</item>
/// <item>0001HLLL + LE16: match of L + 2 bytes (L = 0: extended) at distance 16384 + (H &lt;&lt; 14) + (LE16 &gt;&gt; 2);
/// a distance of exactly 16384 is the end of stream (the canonical marker is 11 00 00).</item>
/// <item>001LLLLL + LE16: match of L + 2 bytes (L = 0: extended) at distance (LE16 &gt;&gt; 2) + 1.</item>
/// <item>01LDDDSS + H: match of 3 + L bytes at distance (H &lt;&lt; 3) + D + 1.</item>
/// <item>1LLDDDSS + H: match of 5 + L bytes at distance (H &lt;&lt; 3) + D + 1.</item>
/// </list>
/// Extended lengths: each zero byte adds 255, the first non-zero byte is added and ends the length.
/// For LE16 operands S is in the low two bits of the first byte.
/// </remarks>
public static class Lzo1x
{
    private const int MaxDistance = 0xBFFF;          // 16384 + 32767
    private const int M2MaxDistance = 2048;
    private const int M3MaxDistance = 16384;
    private const int MaxHashBits = 14;
    private const int MinHashBits = 10;
    private const int HashBitsOverLog2 = 0;          // table entries per input byte, as a power of two
    private const uint HashMultiplier = 2654435761u;  // Knuth's multiplicative hash
    private const int FastPathSlack = 24;            // header bytes + 16-byte literal over-copy, with margin
    private const int SkipShift = 5;                 // step grows by one every 32 bytes without a match

    /// <summary>Worst-case size of <see cref="Compress"/>'s output for <paramref name="n"/> input bytes (liblzo2's bound).</summary>
    public static int MaxCompressedLength(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        return n + n / 16 + 64 + 3;
    }

    // ------------------------------------------------------------------------------------------
    // Compressor
    // ------------------------------------------------------------------------------------------

    /// <summary>
    /// Compress <paramref name="src"/> into <paramref name="dst"/> as one LZO1X stream (LZO1X-1 style:
    /// one hash probe per position, matches of four bytes or more). Returns the number of bytes
    /// written, or -1 when <paramref name="dst"/> is too small; a destination of
    /// <see cref="MaxCompressedLength"/> bytes always suffices. Does not allocate.
    /// </summary>
    [SkipLocalsInit]
    public static int Compress(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        int n = src.Length;
        int op = 0;
        int anchor = 0;          // first input byte not yet emitted
        int sPos = -1;           // dst index of the byte holding the previous match's S bits

        int ipLimit = n - 4;     // last position a 4-byte probe can be read from
        if (ipLimit > 0)
        {
            int bits = Math.Clamp(BitOperations.Log2((uint)n) + HashBitsOverLog2, MinHashBits, MaxHashBits);
            int shift = 32 - bits;
            Span<int> table = stackalloc int[1 << MaxHashBits];
            table = table[..(1 << bits)];
            table.Clear();      // an empty slot reads as position 0, which the 4-byte compare vets like any other
            // Every table index is < 1 << bits (a 32-bit hash shifted right by 32 - bits), every stored
            // position p satisfies p <= ipLimit, and reads are at positions with four (CommonLength: eight)
            // readable bytes, so the loop uses unchecked accesses.
            ref int tab = ref MemoryMarshal.GetReference(table);
            ref byte s = ref MemoryMarshal.GetReference(src);

            int ip = 1;
            while (ip <= ipLimit)
            {
                uint seq = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref s, ip));
                ref int slot = ref Unsafe.Add(ref tab, (nint)((seq * HashMultiplier) >> shift));
                int cand = slot;
                slot = ip;
                int dist = ip - cand;
                if (dist > MaxDistance || Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref s, cand)) != seq)
                {
                    ip += 1 + ((ip - anchor) >> SkipShift);
                    continue;
                }

                int len = 4 + CommonLength(ref s, cand + 4, ip + 4, n);
                // Grow the match backwards over pending literals.
                while (ip > anchor && cand > 0 && Unsafe.Add(ref s, ip - 1) == Unsafe.Add(ref s, cand - 1))
                {
                    ip--;
                    cand--;
                    len++;
                }

                int count = ip - anchor;
                if (dst.Length - op >= count + count / 255 + len / 255 + FastPathSlack)
                {
                    op = EmitFast(ref s, n, ref MemoryMarshal.GetReference(dst), op, anchor, count, len, dist, ref sPos);
                }
                else
                {
                    // Near the end of dst: exact checks, so -1 means it really does not fit.
                    op = EmitLiterals(src, anchor, count, dst, op, sPos);
                    if (op < 0) return -1;
                    op = EmitMatch(dst, op, len, dist, out sPos);
                    if (op < 0) return -1;
                }
                ip += len;
                anchor = ip;

                // Remember a position inside the match too, which helps repetitive data.
                int p = ip - 2;
                if (p <= ipLimit)
                    Unsafe.Add(ref tab, (nint)((Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref s, p)) * HashMultiplier) >> shift)) = p;
            }
        }

        op = EmitLiterals(src, anchor, n - anchor, dst, op, sPos);
        if (op < 0 || dst.Length - op < 3) return -1;
        dst[op] = 0x11;      // M4 with distance 16384: end of stream
        dst[op + 1] = 0;
        dst[op + 2] = 0;
        return op + 3;
    }

    /// <summary>Bytes equal between s[a..] and s[b..], a &lt; b, not reading at or past <paramref name="end"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CommonLength(ref byte s, int a, int b, int end)
    {
        int start = b;
        while (end - b >= 8)
        {
            ulong x = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref s, a)) ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref s, b));
            if (x != 0)
            {
                int same = BitConverter.IsLittleEndian ? BitOperations.TrailingZeroCount(x) : BitOperations.LeadingZeroCount(x);
                return b - start + (same >> 3);
            }
            a += 8;
            b += 8;
        }
        while (b < end && Unsafe.Add(ref s, a) == Unsafe.Add(ref s, b))
        {
            a++;
            b++;
        }
        return b - start;
    }

    /// <summary>
    /// <see cref="EmitLiterals"/> then <see cref="EmitMatch"/> without per-byte checks: the caller
    /// proved dst has count + count/255 + len/255 + <see cref="FastPathSlack"/> bytes free, which
    /// covers every header byte and a 16-byte over-copy of a short literal run.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int EmitFast(ref byte s, int n, ref byte d, int op, int from, int count, int len, int dist, ref int sPos)
    {
        if (count != 0)
        {
            if (op == 0 && count <= 238)
            {
                d = (byte)(17 + count);
                op = 1;
            }
            else if (count <= 3)
            {
                Unsafe.Add(ref d, sPos) |= (byte)count;   // op > 0: a match was emitted last, S still 0
            }
            else if (count <= 18)
            {
                Unsafe.Add(ref d, op++) = (byte)(count - 3);
            }
            else
            {
                Unsafe.Add(ref d, op++) = 0;
                op = WriteExtFast(ref d, op, count - 18);
            }

            if (count <= 16 && n - from >= 16)
            {
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, op), Unsafe.ReadUnaligned<Vector128<byte>>(ref Unsafe.Add(ref s, from)));
            }
            else
            {
                Unsafe.CopyBlockUnaligned(ref Unsafe.Add(ref d, op), ref Unsafe.Add(ref s, from), (uint)count);
            }
            op += count;
        }

        if (len <= 8 && dist <= M2MaxDistance)
        {
            int d2 = dist - 1;
            int code = len <= 4 ? 0x40 | ((len - 3) << 5) : 0x80 | ((len - 5) << 5);
            Unsafe.Add(ref d, op) = (byte)(code | ((d2 & 7) << 2));
            Unsafe.Add(ref d, op + 1) = (byte)(d2 >> 3);
            sPos = op;
            return op + 2;
        }

        int field, mask, d14;
        if (dist <= M3MaxDistance)
        {
            field = 0x20;
            mask = 31;
            d14 = dist - 1;
        }
        else
        {
            int d4 = dist - 16384;
            field = 0x10 | ((d4 >> 11) & 8);
            mask = 7;
            d14 = d4 & 0x3FFF;
        }
        int v = len - 2;
        if (v <= mask)
        {
            Unsafe.Add(ref d, op++) = (byte)(field | v);
        }
        else
        {
            Unsafe.Add(ref d, op++) = (byte)field;
            op = WriteExtFast(ref d, op, v - mask);
        }
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, op),
            (ushort)(BitConverter.IsLittleEndian ? d14 << 2 : BinaryPrimitives.ReverseEndianness((ushort)(d14 << 2))));
        sPos = op;
        return op + 2;
    }

    private static int WriteExtFast(ref byte d, int op, int r)
    {
        if (r > 255)
        {
            int zeros = (r - 1) / 255;
            Unsafe.InitBlockUnaligned(ref Unsafe.Add(ref d, op), 0, (uint)zeros);
            op += zeros;
            r -= zeros * 255;
        }
        Unsafe.Add(ref d, op) = (byte)r;
        return op + 1;
    }

    /// <summary>Number of bytes an extended length of <paramref name="r"/> (≥ 1) takes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ExtSize(int r) => (r + 254) / 255;

    /// <summary>Write an extended length remainder <paramref name="r"/> ≥ 1; space was checked by the caller.</summary>
    private static int WriteExt(Span<byte> dst, int op, int r)
    {
        if (r > 255)
        {
            int zeros = (r - 1) / 255;
            dst.Slice(op, zeros).Clear();
            op += zeros;
            r -= zeros * 255;
        }
        dst[op] = (byte)r;
        return op + 1;
    }

    /// <summary>
    /// Emit <paramref name="count"/> literals from src[from..]. They follow either nothing (start of
    /// stream) or a match whose S bits are still zero and live at dst[<paramref name="sPos"/>].
    /// </summary>
    private static int EmitLiterals(ReadOnlySpan<byte> src, int from, int count, Span<byte> dst, int op, int sPos)
    {
        if (count == 0) return op;
        int room = dst.Length - op;
        if (op == 0 && count <= 238)
        {
            if (room < count + 1) return -1;
            dst[op++] = (byte)(17 + count);
        }
        else if (count <= 3 && sPos >= 0)
        {
            if (room < count) return -1;
            dst[sPos] |= (byte)count;
        }
        else
        {
            int v = count - 3;
            if (v <= 15)
            {
                if (room < count + 1) return -1;
                dst[op++] = (byte)v;
            }
            else
            {
                int r = v - 15;
                if (room < count + 1 + ExtSize(r)) return -1;
                dst[op++] = 0;
                op = WriteExt(dst, op, r);
            }
        }
        src.Slice(from, count).CopyTo(dst.Slice(op));
        return op + count;
    }

    /// <summary>Emit a match of <paramref name="len"/> ≥ 3 bytes at distance 1..0xBFFF with S = 0.</summary>
    private static int EmitMatch(Span<byte> dst, int op, int len, int dist, out int sPos)
    {
        int room = dst.Length - op;
        sPos = -1;
        if (len <= 8 && dist <= M2MaxDistance)
        {
            if (room < 2) return -1;
            int d = dist - 1;
            int code = len <= 4 ? 0x40 | ((len - 3) << 5) : 0x80 | ((len - 5) << 5);
            dst[op] = (byte)(code | ((d & 7) << 2));
            dst[op + 1] = (byte)(d >> 3);
            sPos = op;
            return op + 2;
        }

        int field, mask, d14;
        if (dist <= M3MaxDistance)
        {
            field = 0x20;
            mask = 31;
            d14 = dist - 1;
        }
        else
        {
            int d = dist - 16384;               // 1..32767; H = bit 14, never 0 overall (that is the end marker)
            field = 0x10 | ((d >> 11) & 8);
            mask = 7;
            d14 = d & 0x3FFF;
        }

        int v = len - 2;
        if (v <= mask)
        {
            if (room < 3) return -1;
            dst[op++] = (byte)(field | v);
        }
        else
        {
            int r = v - mask;
            if (room < 3 + ExtSize(r)) return -1;
            dst[op++] = (byte)field;
            op = WriteExt(dst, op, r);
        }
        dst[op] = (byte)(d14 << 2);
        dst[op + 1] = (byte)(d14 >> 6);
        sPos = op;
        return op + 2;
    }

    // ------------------------------------------------------------------------------------------
    // Decompressor
    // ------------------------------------------------------------------------------------------

    /// <summary>
    /// Decode one LZO1X stream from <paramref name="src"/> into <paramref name="dst"/>, checking every
    /// read, write and back-reference. Returns the number of bytes written, or a negative
    /// <see cref="Lzo1xError"/> value. Never throws; work is linear in the input size (an extended
    /// length that could not fit in <paramref name="dst"/> is rejected without being read to its end).
    /// The whole of <paramref name="src"/> must be the stream: bytes after the end marker give
    /// <see cref="Lzo1xError.InputNotConsumed"/>.
    /// </summary>
    public static int Decompress(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        int inLen = src.Length;
        int outLen = dst.Length;
        int ip = 0, op = 0;
        int state = 0;     // literals copied by the previous instruction; 4 = a run of four or more

        if (inLen == 0) return (int)Lzo1xError.InputOverrun;
        if (src[0] > 17)
        {
            int lit = src[0] - 17;
            ip = 1;
            if (lit > inLen - ip) return (int)Lzo1xError.InputOverrun;
            if (lit > outLen) return (int)Lzo1xError.OutputOverrun;
            src.Slice(ip, lit).CopyTo(dst);
            ip += lit;
            op = lit;
            state = lit < 4 ? lit : 4;
        }

        while (true)
        {
            if (ip >= inLen) return (int)Lzo1xError.InputOverrun;
            int t = src[ip++];
            int len, dist, next;

            if (t >= 64)
            {
                // 01LDDDSS / 1LLDDDSS + H: short match within 2 KiB.
                if (ip >= inLen) return (int)Lzo1xError.InputOverrun;
                dist = (src[ip++] << 3) + ((t >> 2) & 7) + 1;
                len = t >= 128 ? 5 + ((t >> 5) & 3) : 3 + ((t >> 5) & 1);
                next = t & 3;
            }
            else if (t >= 32)
            {
                // 001LLLLL + LE16: match within 16 KiB.
                len = t & 31;
                if (len == 0)
                {
                    len = ReadExtended(src, ref ip, 31, outLen - op);
                    if (len < 0) return len;
                }
                len += 2;
                if (inLen - ip < 2) return (int)Lzo1xError.InputOverrun;
                int v = BinaryPrimitives.ReadUInt16LittleEndian(src.Slice(ip, 2));
                ip += 2;
                dist = (v >> 2) + 1;
                next = v & 3;
            }
            else if (t >= 16)
            {
                // 0001HLLL + LE16: far match, or the end of stream.
                len = t & 7;
                if (len == 0)
                {
                    len = ReadExtended(src, ref ip, 7, outLen - op);
                    if (len < 0) return len;
                }
                len += 2;
                if (inLen - ip < 2) return (int)Lzo1xError.InputOverrun;
                int v = BinaryPrimitives.ReadUInt16LittleEndian(src.Slice(ip, 2));
                ip += 2;
                dist = ((t & 8) << 11) + (v >> 2);
                if (dist == 0)
                    return ip == inLen ? op : (int)Lzo1xError.InputNotConsumed;
                dist += 16384;
                next = v & 3;
            }
            else if (state == 0)
            {
                // 0000LLLL after no literals: a literal run of four or more.
                len = t;
                if (len == 0)
                {
                    len = ReadExtended(src, ref ip, 15, outLen - op);
                    if (len < 0) return len;
                }
                len += 3;
                if (len > inLen - ip) return (int)Lzo1xError.InputOverrun;
                if (len > outLen - op) return (int)Lzo1xError.OutputOverrun;
                src.Slice(ip, len).CopyTo(dst.Slice(op));
                ip += len;
                op += len;
                state = 4;
                continue;
            }
            else
            {
                // 0000DDSS + H: 2-byte match within 1 KiB after 1..3 literals, 3-byte match at 2..3 KiB after a run.
                if (ip >= inLen) return (int)Lzo1xError.InputOverrun;
                int h = src[ip++];
                if (state == 4)
                {
                    dist = (h << 2) + (t >> 2) + 2049;
                    len = 3;
                }
                else
                {
                    dist = (h << 2) + (t >> 2) + 1;
                    len = 2;
                }
                next = t & 3;
            }

            if (dist > op) return (int)Lzo1xError.LookbehindOverrun;
            if (len > outLen - op) return (int)Lzo1xError.OutputOverrun;
            CopyMatch(dst, op, dist, len);
            op += len;

            if (next != 0)
            {
                if (next > inLen - ip) return (int)Lzo1xError.InputOverrun;
                if (next > outLen - op) return (int)Lzo1xError.OutputOverrun;
                dst[op] = src[ip];
                if (next > 1)
                {
                    dst[op + 1] = src[ip + 1];
                    if (next > 2) dst[op + 2] = src[ip + 2];
                }
                ip += next;
                op += next;
            }
            state = next;
        }
    }

    /// <summary>
    /// Read the rest of an extended length whose opcode field was zero: <paramref name="mask"/> + 255 per
    /// zero byte + the first non-zero byte. Lengths beyond <paramref name="limit"/> (what could still
    /// be used) are reported as errors without scanning their whole encoding.
    /// </summary>
    private static int ReadExtended(ReadOnlySpan<byte> src, ref int ip, int mask, int limit)
    {
        if (ip >= src.Length) return (int)Lzo1xError.InputOverrun;
        int b = src[ip];
        if (b != 0)
        {
            ip++;
            return mask + b;
        }
        // Enough zero bytes to exceed the limit whatever follows: stop looking there.
        ReadOnlySpan<byte> rest = src[ip..];
        int scan = (int)Math.Min(rest.Length, (long)limit / 255 + 2);
        int zeros = rest[..scan].IndexOfAnyExcept((byte)0);
        if (zeros < 0)
            return scan == rest.Length ? (int)Lzo1xError.InputOverrun : (int)Lzo1xError.OutputOverrun;
        long value = mask + 255L * zeros + rest[zeros];
        ip += zeros + 1;
        return value > int.MaxValue - 16 ? int.MaxValue - 16 : (int)value;
    }

    /// <summary>Copy <paramref name="len"/> bytes from <paramref name="dist"/> back; bounds checked by the caller.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyMatch(Span<byte> dst, int op, int dist, int len)
    {
        int from = op - dist;
        if (dist >= len)
        {
            dst.Slice(from, len).CopyTo(dst.Slice(op, len));
        }
        else if (dist == 1)
        {
            dst.Slice(op, len).Fill(dst[from]);
        }
        else
        {
            // Overlapping: the period-dist pattern doubles with every chunk copied.
            while (len > 0)
            {
                int chunk = Math.Min(op - from, len);
                dst.Slice(from, chunk).CopyTo(dst.Slice(op, chunk));
                op += chunk;
                len -= chunk;
            }
        }
    }
}
