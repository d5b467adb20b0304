// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Numerics;
using Dumpkit.Formats.IO;

namespace Dumpkit.Formats;

/// <summary>
/// One bit per page frame, LSB first within each byte (the kdump bitmap layout), with an
/// optional rank index so "how many set bits before frame p" costs O(1). A bitmap may cover a
/// window [<see cref="First"/>, <see cref="Frames"/>) of the frame space (one cycle of a large
/// dump); frames are always addressed by their absolute number. A bitmap may also stay in its
/// file and be read a block at a time (<see cref="FromFile"/>): read only, with memory bounded
/// by a small block cache and the rank index (8 bytes per 4096 frames).
/// </summary>
public sealed class PfnBitmap
{
    private const int BlockShift = 12; // rank samples every 4096 frames
    private readonly byte[] _bits;
    private readonly PagedBits? _paged;
    private ulong[]? _rank;

    public PfnBitmap(ulong frames) : this(0, frames) { }

    /// <summary>A window of frames [first, end); <paramref name="first"/> must be a multiple of 64.</summary>
    public PfnBitmap(ulong first, ulong end)
    {
        if ((first & 63) != 0 || end < first)
            throw new ArgumentException("a window starts at a multiple of 64 frames and does not end before it");
        First = first;
        Frames = end;
        _bits = new byte[checked((long)((end - first + 7) / 8))];
    }

    public PfnBitmap(byte[] bits, ulong frames)
    {
        if ((ulong)bits.Length * 8 < frames)
            throw new ArgumentException("bitmap shorter than the frame count", nameof(bits));
        _bits = bits;
        Frames = frames;
    }

    private PfnBitmap(PagedBits paged, ulong frames)
    {
        _bits = [];
        _paged = paged;
        Frames = frames;
    }

    /// <summary>
    /// A read-only bitmap of <paramref name="frames"/> frames kept in <paramref name="file"/> at
    /// <paramref name="offset"/>, read on demand (<paramref name="what"/> names it in errors).
    /// </summary>
    public static PfnBitmap FromFile(IRandomAccess file, long offset, ulong frames, string what) =>
        new(new PagedBits(file, offset, checked((long)((frames + 7) / 8)), what), frames);

    /// <summary>True when the bits stay in the file (see <see cref="FromFile"/>).</summary>
    public bool IsPaged => _paged is not null;

    /// <summary>The first frame covered (0 unless this is a window).</summary>
    public ulong First { get; }

    /// <summary>One past the last frame covered.</summary>
    public ulong Frames { get; }

    /// <summary>The bits of [First, Frames), frame First in bit 0 of byte 0 (in-memory bitmaps only).</summary>
    public ReadOnlySpan<byte> Bytes => _paged is null ? _bits : throw new InvalidOperationException("a paged bitmap has no bytes in memory");

    private byte ByteAt(ulong rel) => _paged is null ? _bits[rel >> 3] : _paged.ByteAt((long)(rel >> 3));

    public bool this[ulong pfn]
    {
        get => pfn >= First && pfn < Frames && (ByteAt(pfn - First) & (1 << (int)(pfn & 7))) != 0;
        set
        {
            if (pfn < First || pfn >= Frames) throw new ArgumentOutOfRangeException(nameof(pfn));
            ReadOnlyCheck();
            _rank = null;
            ulong r = pfn - First;
            if (value) _bits[r >> 3] |= (byte)(1 << (int)(r & 7));
            else _bits[r >> 3] &= (byte)~(1 << (int)(r & 7));
        }
    }

    /// <summary>Clear every bit (to reuse a window for the next cycle).</summary>
    public void Clear()
    {
        ReadOnlyCheck();
        _rank = null;
        Array.Clear(_bits);
    }

    public void SetRange(ulong start, ulong end)
    {
        ReadOnlyCheck();
        _rank = null;
        start = Math.Max(start, First);
        end = Math.Min(end, Frames);
        for (ulong p = start; p < end; p++)
        {
            ulong r = p - First;
            if ((r & 7) == 0 && p + 8 <= end)
            {
                ulong bytes = (end - p) / 8;
                _bits.AsSpan((int)(r >> 3), (int)bytes).Fill(0xff);
                p += bytes * 8 - 1;
                continue;
            }
            _bits[r >> 3] |= (byte)(1 << (int)(r & 7));
        }
    }

    /// <summary>Number of set bits in [First, pfn).</summary>
    public ulong Rank(ulong pfn)
    {
        if (pfn > Frames) pfn = Frames;
        if (pfn <= First) return 0;
        ulong rel = pfn - First;
        var rank = _rank ??= BuildRank();
        ulong block = rel >> BlockShift;
        ulong count = rank[block];
        ulong from = block << BlockShift;
        count += CountBits(from, rel);
        return count;
    }

    public ulong PopCount() => Rank(Frames);

    /// <summary>
    /// The end of the shortest range [<paramref name="start"/>, end) that holds
    /// <paramref name="count"/> set bits, or <paramref name="limit"/> when [start, limit) holds fewer.
    /// </summary>
    public ulong EndAfterSetBits(ulong start, ulong count, ulong limit)
    {
        limit = Math.Min(limit, Frames);
        start = Math.Max(start, First);
        if (start >= limit) return limit;
        if (count == 0) return start;
        ulong target = Rank(start) + count; // the answer is just past the set bit of this rank
        if (Rank(limit) < target) return limit;
        var rank = _rank!;
        int lo = 0, hi = rank.Length - 1; // the last block with fewer than target bits before it
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (rank[mid] < target) lo = mid; else hi = mid - 1;
        }
        ulong rel = Math.Max((ulong)lo << BlockShift, (start - First) & ~63UL);
        ulong seen = Rank(First + rel);
        while (true)
        {
            ulong w = Word(rel);
            ulong c = (ulong)BitOperations.PopCount(w);
            if (seen + c >= target)
            {
                for (ulong k = target - seen; k > 1; k--)
                    w &= w - 1;
                return First + rel + (ulong)BitOperations.TrailingZeroCount(w) + 1;
            }
            seen += c;
            rel += 64;
        }
    }

    private ulong Count => Frames - First;

    /// <summary>Set bits between two positions relative to First (from a multiple of 64).</summary>
    private ulong CountBits(ulong from, ulong to)
    {
        ulong count = 0;
        ulong p = from;
        while (p + 64 <= to)
        {
            count += (ulong)BitOperations.PopCount(Word(p));
            p += 64;
        }
        if (p < to)
            count += (ulong)BitOperations.PopCount(Word(p) & ((1UL << (int)(to - p)) - 1));
        return count;
    }

    private void ReadOnlyCheck()
    {
        if (_paged is not null) throw new InvalidOperationException("a paged bitmap is read only");
    }

    private ulong Word(ulong rel)
    {
        long byteIndex = (long)(rel >> 3);
        if (_paged is not null)
            return _paged.Word(byteIndex);
        if (byteIndex + 8 <= _bits.Length)
            return BinaryPrimitives.ReadUInt64LittleEndian(_bits.AsSpan((int)byteIndex));
        Span<byte> tmp = stackalloc byte[8];
        tmp.Clear();
        _bits.AsSpan((int)byteIndex).CopyTo(tmp);
        return BinaryPrimitives.ReadUInt64LittleEndian(tmp);
    }

    private ulong[] BuildRank()
    {
        ulong blocks = (Count >> BlockShift) + 2;
        var rank = new ulong[blocks];
        ulong total = 0;
        for (ulong b = 0; b < blocks - 1; b++)
        {
            rank[b] = total;
            ulong from = b << BlockShift;
            ulong to = Math.Min(from + (1UL << BlockShift), Count);
            if (from < to)
                total += CountBits(from, to);
        }
        rank[blocks - 1] = total;
        return rank;
    }

    /// <summary>Runs of set bits, ascending.</summary>
    public IEnumerable<PfnRange> Runs(ulong start = 0, ulong end = ulong.MaxValue)
    {
        end = Math.Min(end, Frames);
        ulong p = Math.Max(start, First);
        while (p < end)
        {
            // Skip clear bits a byte at a time where possible (First is byte aligned).
            while (p < end && (p & 7) == 0 && ByteAt(p - First) == 0)
                p += 8;
            if (p >= end) yield break;
            if (!this[p]) { p++; continue; }
            ulong s = p;
            while (p < end && (p & 7) == 0 && p + 8 <= end && ByteAt(p - First) == 0xff)
                p += 8;
            while (p < end && this[p])
            {
                p++;
                while (p < end && (p & 7) == 0 && p + 8 <= end && ByteAt(p - First) == 0xff)
                    p += 8;
            }
            yield return new PfnRange(s, Math.Min(p, end));
        }
    }
}

/// <summary>
/// Bitmap bytes left in the file, read 64 KiB at a time into a small direct-mapped cache
/// (thread safe: one lock per bitmap; a bit test that hits the cache costs tens of nanoseconds).
/// </summary>
internal sealed class PagedBits(IRandomAccess file, long offset, long length, string what)
{
    private const int BlockShift = 16;
    private const int BlockSize = 1 << BlockShift;
    private const int Slots = 8;
    private readonly long[] _tags = [-1, -1, -1, -1, -1, -1, -1, -1];
    private readonly byte[]?[] _blocks = new byte[Slots][];
    private readonly Lock _lock = new();

    public byte ByteAt(long index)
    {
        if ((ulong)index >= (ulong)length) return 0;
        lock (_lock)
            return Block(index >> BlockShift)[index & (BlockSize - 1)];
    }

    /// <summary>Eight bytes from <paramref name="index"/>, little endian; zero past the end.</summary>
    public ulong Word(long index)
    {
        int within = (int)(index & (BlockSize - 1));
        if (within + 8 <= BlockSize && index + 8 <= length)
        {
            lock (_lock)
                return BinaryPrimitives.ReadUInt64LittleEndian(Block(index >> BlockShift).AsSpan(within));
        }
        ulong w = 0;
        for (int k = 0; k < 8; k++)
            w |= (ulong)ByteAt(index + k) << (8 * k);
        return w;
    }

    private byte[] Block(long n)
    {
        int slot = (int)(n % Slots);
        var b = _blocks[slot] ??= new byte[BlockSize];
        if (_tags[slot] != n)
        {
            _tags[slot] = -1;
            long at = n << BlockShift;
            int size = (int)Math.Min(BlockSize, length - at);
            file.ReadExactly(offset + at, b.AsSpan(0, size), what);
            _tags[slot] = n;
        }
        return b;
    }
}
