// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Dumpkit.Formats.Codecs;

/// <summary>
/// A zlib stream (RFC 1950/1951) of one page, written for dumps whose pages are compressed one by
/// one. zlib-ng clears a 128 KiB hash table for every stream (zlib 64 KiB), per 4 KiB page about a
/// fifth of the time a typical kernel page takes; here the table belongs to the
/// compressor and is never cleared: each page's positions are numbered after the last page's, and
/// a slot holding an older number is empty. The parse is lazy, as zlib's levels 4-9 are, with a
/// short hash chain, and the page becomes one final block, dynamic or fixed Huffman, whichever is
/// smaller. Any zlib inflate reads it (crash, libkdumpfile and drgn use zlib's uncompress).
/// Not thread safe: one per worker.
/// </summary>
public sealed unsafe class PageDeflater
{
    /// <summary>Largest page: every distance within it fits deflate's 32 KiB window.</summary>
    public const int MaxInput = 32768;
    private const int HashBits = 13;
    private const int MinMatch = 4;
    private const int MaxMatch = 258;
    /// <summary>Hash chain links followed per position.</summary>
    private const int MaxChain = 16;
    /// <summary>A match this long ends the search.</summary>
    private const int NiceLength = 128;
    /// <summary>A match shorter than this is checked against one starting a byte later.</summary>
    private const int LazyBelow = 32;
    /// <summary>The positions inside a longer match are not hashed (runs of zeros, mostly).</summary>
    private const int MaxInsert = 32;
    private const int EndOfBlock = 256;

    private readonly int[] _head = new int[1 << HashBits];
    private int _base = 1;
    private readonly int[] _prev = new int[MaxInput];
    /// <summary>The parse: a literal byte, or a match's length | distance &lt;&lt; 16.</summary>
    private readonly uint[] _symbols = new uint[MaxInput];
    private readonly uint[] _packed = new uint[286 + 30]; // code | length << 16, per symbol of the block's codes
    private readonly int[] _litFreq = new int[286];
    private readonly int[] _distFreq = new int[30];
    private readonly byte[] _lengths = new byte[286 + 30]; // literal/length then distance code lengths
    private readonly ushort[] _litCode = new ushort[286];
    private readonly ushort[] _distCode = new ushort[30];
    private readonly byte[] _combined = new byte[286 + 30];
    private readonly byte[] _rle = new byte[286 + 30];
    private readonly byte[] _rleExtra = new byte[286 + 30];
    private readonly int[] _clenFreq = new int[19];
    private readonly byte[] _clenLengths = new byte[19];
    private readonly ushort[] _clenCode = new ushort[19];
    private readonly HuffmanLengths _huffman = new();

    /// <summary>
    /// Compresses <paramref name="page"/> (at most <see cref="MaxInput"/> bytes) into
    /// <paramref name="output"/>: the stream's length, or -1 when it would be longer than
    /// <paramref name="limit"/> or the output. Nothing is written past the stream's end.
    /// </summary>
    public int Compress(ReadOnlySpan<byte> page, Span<byte> output, int limit)
    {
        if (page.Length > MaxInput)
            throw new ArgumentOutOfRangeException(nameof(page), $"at most {MaxInput} bytes");
        Array.Clear(_litFreq);
        Array.Clear(_distFreq);
        int symbols = Parse(page);
        _litFreq[EndOfBlock] = 1;

        _huffman.Build(_litFreq, _lengths.AsSpan(0, 286), 15);
        _huffman.Build(_distFreq, _lengths.AsSpan(286, 30), 15);
        int hlit = 286, hdist = 30;
        while (hlit > 257 && _lengths[hlit - 1] == 0) hlit--;
        while (hdist > 1 && _lengths[286 + hdist - 1] == 0) hdist--;
        // Literal/length and distance lengths are run-length coded as one sequence.
        _lengths.AsSpan(0, hlit).CopyTo(_combined);
        _lengths.AsSpan(286, hdist).CopyTo(_combined.AsSpan(hlit));
        int rle = RunLengths(_combined.AsSpan(0, hlit + hdist));
        Array.Clear(_clenFreq);
        for (int i = 0; i < rle; i++)
            _clenFreq[_rle[i]]++;
        _huffman.Build(_clenFreq, _clenLengths, 7);
        int hclen = 19;
        while (hclen > 4 && _clenLengths[Tables.ClenOrder[hclen - 1]] == 0) hclen--;

        long extra = 0, dynamicBits = 0, fixedBits = 0;
        for (int s = 0; s < 286; s++)
        {
            dynamicBits += (long)_litFreq[s] * _lengths[s];
            fixedBits += (long)_litFreq[s] * Tables.FixedLitLengths[s];
        }
        for (int c = 0; c < 29; c++)
            extra += (long)_litFreq[257 + c] * Tables.LengthExtra[c];
        for (int c = 0; c < 30; c++)
        {
            dynamicBits += (long)_distFreq[c] * _lengths[286 + c];
            fixedBits += (long)_distFreq[c] * 5;
            extra += (long)_distFreq[c] * Tables.DistExtra[c];
        }
        dynamicBits += 14 + 3 * hclen;
        for (int s = 0; s < 19; s++)
            dynamicBits += (long)_clenFreq[s] * (_clenLengths[s] + (s == 16 ? 2 : s == 17 ? 3 : s == 18 ? 7 : 0));
        bool dynamic = dynamicBits < fixedBits;
        long bits = 3 + extra + (dynamic ? dynamicBits : fixedBits);
        int total = 2 + (int)((bits + 7) / 8) + 4;
        if (total > Math.Min(limit, output.Length))
            return -1;

        fixed (byte* o = output)
        {
            o[0] = 0x78; // deflate, 32 KiB window
            o[1] = 0x5e; // default-ish level, no dictionary; 0x785e is a multiple of 31
            var w = new BitWriter(o + 2);
            if (dynamic)
            {
                w.Put(1 | 2 << 1, 3); // final, dynamic
                w.Put((uint)(hlit - 257), 5);
                w.Put((uint)(hdist - 1), 5);
                w.Put((uint)(hclen - 4), 4);
                for (int i = 0; i < hclen; i++)
                    w.Put(_clenLengths[Tables.ClenOrder[i]], 3);
                Codes(_clenLengths, _clenCode);
                for (int i = 0; i < rle; i++)
                {
                    int s = _rle[i];
                    w.Put(_clenCode[s], _clenLengths[s]);
                    if (s >= 16)
                        w.Put(_rleExtra[i], s == 16 ? 2 : s == 17 ? 3 : 7);
                }
                Codes(_lengths.AsSpan(0, 286), _litCode);
                Codes(_lengths.AsSpan(286, 30), _distCode);
                WriteSymbols(ref w, symbols, _litCode, _lengths.AsSpan(0, 286), _distCode, _lengths.AsSpan(286, 30));
            }
            else
            {
                w.Put(1 | 1 << 1, 3); // final, fixed
                WriteSymbols(ref w, symbols, Tables.FixedLitCode, Tables.FixedLitLengths, Tables.FixedDistCode, Tables.FixedDistLengths);
            }
            int end = 2 + w.Flush();
            if (end + 4 != total)
                throw new InvalidOperationException($"deflate block of {end + 4} bytes, {total} counted");
            BinaryPrimitives.WriteUInt32BigEndian(output[end..], Adler32.Compute(page));
            return end + 4;
        }
    }

    /// <summary>LZ77 parse of the page into the symbol arrays, counting symbols; returns how many.</summary>
    [SkipLocalsInit]
    private int Parse(ReadOnlySpan<byte> page)
    {
        int n = page.Length;
        if (_base > int.MaxValue - 2 * MaxInput)
        {
            Array.Clear(_head);
            _base = 1;
        }
        int bas = _base;
        _base += n;
        int symbols = 0;
        int last = n - MinMatch; // last position a 4-byte string starts at
        fixed (byte* p = page)
        fixed (int* head = _head, prev = _prev, litFreq = _litFreq, distFreq = _distFreq)
        fixed (uint* sym = _symbols)
        {
            int i = 0, inserted = 0; // positions below `inserted` are in the hash table
            while (i <= last)
            {
                if (inserted <= i)
                    Insert(p, head, prev, bas, i, ref inserted);
                int length = Longest(p, prev, i, n, MinMatch - 1, out int distance);
                if (length < MinMatch)
                {
                    sym[symbols++] = p[i];
                    litFreq[p[i]]++;
                    i++;
                    continue;
                }
                // Lazy: a longer match a byte later wins over this one.
                while (length < LazyBelow && i + 1 <= last)
                {
                    if (inserted <= i + 1)
                        Insert(p, head, prev, bas, i + 1, ref inserted);
                    int next = Longest(p, prev, i + 1, n, length, out int nextDistance);
                    if (next <= length)
                        break;
                    sym[symbols++] = p[i];
                    litFreq[p[i]]++;
                    i++;
                    length = next;
                    distance = nextDistance;
                }
                sym[symbols++] = (uint)(length | distance << 16);
                litFreq[257 + Tables.LengthCode[length]]++;
                distFreq[Tables.DistCode(distance)]++;
                int end = i + length;
                if (length <= MaxInsert)
                {
                    int stop = Math.Min(end, last + 1);
                    while (inserted < stop)
                        Insert(p, head, prev, bas, inserted, ref inserted);
                }
                else if (end - 1 <= last)
                {
                    // Only the match's last position: a run continues at distance 1, not at the match's.
                    inserted = Math.Max(inserted, end - 1);
                    Insert(p, head, prev, bas, inserted, ref inserted);
                }
                else
                    inserted = Math.Max(inserted, end);
                i = end;
            }
            for (; i < n; i++)
            {
                sym[symbols++] = p[i];
                litFreq[p[i]]++;
            }
        }
        return symbols;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Insert(byte* p, int* head, int* prev, int bas, int i, ref int inserted)
    {
        uint h = (Unsafe.ReadUnaligned<uint>(p + i) * 2654435761u) >> (32 - HashBits);
        prev[i] = head[h] - bas; // negative: a slot of an earlier page, or never set
        head[h] = bas + i;
        inserted = i + 1;
    }

    /// <summary>Longest match for position <paramref name="i"/> longer than <paramref name="better"/>, or <paramref name="better"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Longest(byte* p, int* prev, int i, int n, int better, out int distance)
    {
        distance = 0;
        int max = Math.Min(MaxMatch, n - i);
        if (better >= max)
            return better;
        int best = better;
        uint first = Unsafe.ReadUnaligned<uint>(p + i);
        int chain = MaxChain;
        for (int c = prev[i]; c >= 0 && chain-- > 0; c = prev[c])
        {
            // The candidate must match the last byte that would make it longer, and the first four.
            if (p[c + best] != p[i + best] || Unsafe.ReadUnaligned<uint>(p + c) != first)
                continue;
            int len = MinMatch + Common(p + c + MinMatch, p + i + MinMatch, max - MinMatch);
            if (len > best)
            {
                best = len;
                distance = i - c;
                if (len >= NiceLength || len >= max)
                    break;
            }
        }
        return best;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Common(byte* a, byte* b, int max)
    {
        int len = 0;
        while (len + 8 <= max)
        {
            ulong x = Unsafe.ReadUnaligned<ulong>(a + len) ^ Unsafe.ReadUnaligned<ulong>(b + len);
            if (x != 0)
                return len + (BitConverter.IsLittleEndian ? System.Numerics.BitOperations.TrailingZeroCount(x)
                    : System.Numerics.BitOperations.LeadingZeroCount(x)) / 8;
            len += 8;
        }
        while (len < max && a[len] == b[len])
            len++;
        return len;
    }

    /// <summary>Deflate's run-length code of the code lengths into <see cref="_rle"/>; returns its length.</summary>
    private int RunLengths(ReadOnlySpan<byte> lengths)
    {
        int k = 0;
        for (int i = 0; i < lengths.Length;)
        {
            byte v = lengths[i];
            int run = 1;
            while (i + run < lengths.Length && lengths[i + run] == v)
                run++;
            i += run;
            if (v == 0)
            {
                for (; run >= 11; run -= Math.Min(run, 138))
                    Emit(ref k, 18, Math.Min(run, 138) - 11);
                if (run >= 3)
                {
                    Emit(ref k, 17, run - 3);
                    run = 0;
                }
            }
            else
            {
                Emit(ref k, v, 0);
                for (run--; run >= 3; run -= Math.Min(run, 6))
                    Emit(ref k, 16, Math.Min(run, 6) - 3);
            }
            for (; run > 0; run--)
                Emit(ref k, v, 0);
        }
        return k;
    }

    private void Emit(ref int k, int symbol, int extra)
    {
        _rle[k] = (byte)symbol;
        _rleExtra[k++] = (byte)extra;
    }

    /// <summary>Canonical codes for these lengths, bit-reversed for deflate's LSB-first order.</summary>
    private static void Codes(ReadOnlySpan<byte> lengths, Span<ushort> codes)
    {
        Span<int> count = stackalloc int[16];
        Span<int> next = stackalloc int[16];
        count.Clear();
        foreach (byte l in lengths)
            count[l]++;
        count[0] = 0;
        int code = 0;
        for (int len = 1; len < 16; len++)
        {
            code = (code + count[len - 1]) << 1;
            next[len] = code;
        }
        for (int s = 0; s < lengths.Length; s++)
        {
            int len = lengths[s];
            codes[s] = len == 0 ? (ushort)0 : Tables.Reverse(next[len]++, len);
        }
    }

    private void WriteSymbols(ref BitWriter w, int symbols, ReadOnlySpan<ushort> litCode, ReadOnlySpan<byte> litLen,
        ReadOnlySpan<ushort> distCode, ReadOnlySpan<byte> distLen)
    {
        var packed = _packed;
        for (int s = 0; s < 286; s++)
            packed[s] = (uint)(litCode[s] | litLen[s] << 16);
        for (int s = 0; s < 30; s++)
            packed[286 + s] = (uint)(distCode[s] | distLen[s] << 16);
        fixed (uint* sym = _symbols, code = packed)
        {
            for (int k = 0; k < symbols; k++)
            {
                uint symbol = sym[k];
                if (symbol < 256)
                {
                    uint c = code[symbol];
                    w.Put(c & 0xffff, (int)(c >> 16));
                    continue;
                }
                int length = (int)(symbol & 0xffff);
                int distance = (int)(symbol >> 16);
                int lc = Tables.LengthCode[length];
                uint lcode = code[257 + lc];
                int lbits = (int)(lcode >> 16);
                w.Put((lcode & 0xffff) | (uint)(length - Tables.LengthBase[lc]) << lbits, lbits + Tables.LengthExtra[lc]);
                int dc = Tables.DistCode(distance);
                uint dcode = code[286 + dc];
                int dbits = (int)(dcode >> 16);
                w.Put((dcode & 0xffff) | (uint)(distance - Tables.DistBase[dc]) << dbits, dbits + Tables.DistExtra[dc]);
            }
            uint end = code[EndOfBlock];
            w.Put(end & 0xffff, (int)(end >> 16));
        }
    }

    private ref struct BitWriter
    {
        private readonly byte* _start;
        private byte* _out;
        private ulong _bits;
        private int _count;

        public BitWriter(byte* start) => _out = _start = start;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Put(uint value, int n)
        {
            _bits |= (ulong)value << _count;
            _count += n;
            if (_count >= 32)
            {
                Unsafe.WriteUnaligned(_out, BitConverter.IsLittleEndian ? (uint)_bits : BinaryPrimitives.ReverseEndianness((uint)_bits));
                _out += 4;
                _bits >>= 32;
                _count -= 32;
            }
        }

        /// <summary>Writes the last bits, padded to a byte; returns the bytes written since the start.</summary>
        public int Flush()
        {
            for (; _count > 0; _count -= 8, _bits >>= 8)
                *_out++ = (byte)_bits;
            return (int)(_out - _start);
        }
    }

    /// <summary>Deflate's fixed tables (RFC 1951 3.2.5-3.2.6).</summary>
    private static class Tables
    {
        private static readonly byte[] Reversed = Enumerable.Range(0, 256).Select(b => (byte)ReverseSlowly(b, 8)).ToArray();
        public static readonly byte[] ClenOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
        public static readonly byte[] LengthCode = new byte[MaxMatch + 1];
        public static readonly ushort[] LengthBase = new ushort[29];
        public static readonly byte[] LengthExtra = new byte[29];
        public static readonly ushort[] DistBase = new ushort[30];
        public static readonly byte[] DistExtra = new byte[30];
        private static readonly byte[] DistCodeOf = new byte[512];
        public static readonly byte[] FixedLitLengths = new byte[288]; // 286 and 287 take part in the code
        public static readonly ushort[] FixedLitCode = new ushort[288];
        public static readonly byte[] FixedDistLengths = new byte[30];
        public static readonly ushort[] FixedDistCode = new ushort[30];

        static Tables()
        {
            int length = 3;
            for (int c = 0; c < 28; c++)
            {
                LengthExtra[c] = (byte)(c < 8 ? 0 : (c - 4) / 4);
                LengthBase[c] = (ushort)length;
                for (int k = 0; k < 1 << LengthExtra[c] && length <= MaxMatch; k++)
                    LengthCode[length++] = (byte)c;
            }
            LengthBase[28] = MaxMatch; // 258 has a code of its own
            LengthCode[MaxMatch] = 28;
            int distance = 1;
            for (int c = 0; c < 30; c++)
            {
                DistExtra[c] = (byte)(c < 4 ? 0 : c / 2 - 1);
                DistBase[c] = (ushort)distance;
                distance += 1 << DistExtra[c];
            }
            // Distances up to 256 by distance - 1; beyond, by (distance - 1) >> 7 (codes 16+ cover multiples of 128).
            for (int c = 0, d = 1; c < 30; c++)
                for (int k = 0; k < 1 << DistExtra[c]; k++, d++)
                {
                    if (d <= 256)
                        DistCodeOf[d - 1] = (byte)c;
                    else if (((d - 1) & 127) == 0)
                        DistCodeOf[256 + ((d - 1) >> 7)] = (byte)c;
                }
            for (int s = 0; s < 288; s++)
                FixedLitLengths[s] = (byte)FixedLitLength(s);
            FixedDistLengths.AsSpan().Fill(5);
            Codes(FixedLitLengths, FixedLitCode);
            Codes(FixedDistLengths, FixedDistCode);
        }

        public static int FixedLitLength(int s) => s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int DistCode(int distance) =>
            distance <= 256 ? DistCodeOf[distance - 1] : DistCodeOf[256 + ((distance - 1) >> 7)];

        public static ushort Reverse(int code, int length) =>
            (ushort)((Reversed[code & 0xff] << 8 | Reversed[(code >> 8) & 0xff]) >> (16 - length));

        private static int ReverseSlowly(int code, int length)
        {
            int r = 0;
            for (int k = 0; k < length; k++, code >>= 1)
                r = r << 1 | (code & 1);
            return r;
        }
    }
}
