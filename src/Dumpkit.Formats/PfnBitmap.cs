using System.Buffers.Binary;
using System.Numerics;

namespace Dumpkit.Formats;

/// <summary>
/// One bit per page frame, LSB first within each byte (the kdump bitmap layout), with an
/// optional rank index so "how many set bits before frame p" costs O(1).
/// </summary>
public sealed class PfnBitmap
{
    private const int BlockShift = 12; // rank samples every 4096 frames
    private readonly byte[] _bits;
    private ulong[]? _rank;

    public PfnBitmap(ulong frames)
    {
        Frames = frames;
        _bits = new byte[checked((long)((frames + 7) / 8))];
    }

    public PfnBitmap(byte[] bits, ulong frames)
    {
        if ((ulong)bits.Length * 8 < frames)
            throw new ArgumentException("bitmap shorter than the frame count", nameof(bits));
        _bits = bits;
        Frames = frames;
    }

    public ulong Frames { get; }
    public ReadOnlySpan<byte> Bytes => _bits;

    public bool this[ulong pfn]
    {
        get => pfn < Frames && (_bits[pfn >> 3] & (1 << (int)(pfn & 7))) != 0;
        set
        {
            if (pfn >= Frames) throw new ArgumentOutOfRangeException(nameof(pfn));
            _rank = null;
            if (value) _bits[pfn >> 3] |= (byte)(1 << (int)(pfn & 7));
            else _bits[pfn >> 3] &= (byte)~(1 << (int)(pfn & 7));
        }
    }

    public void SetRange(ulong start, ulong end)
    {
        _rank = null;
        for (ulong p = start; p < end && p < Frames; p++)
        {
            if ((p & 7) == 0 && p + 8 <= end && p + 8 <= Frames)
            {
                ulong bytes = (Math.Min(end, Frames) - p) / 8;
                _bits.AsSpan((int)(p >> 3), (int)bytes).Fill(0xff);
                p += bytes * 8 - 1;
                continue;
            }
            _bits[p >> 3] |= (byte)(1 << (int)(p & 7));
        }
    }

    /// <summary>Number of set bits in [0, pfn).</summary>
    public ulong Rank(ulong pfn)
    {
        if (pfn > Frames) pfn = Frames;
        var rank = _rank ??= BuildRank();
        ulong block = pfn >> BlockShift;
        ulong count = rank[block];
        ulong from = block << BlockShift;
        count += CountBits(from, pfn);
        return count;
    }

    public ulong PopCount() => Rank(Frames);

    private ulong CountBits(ulong from, ulong to)
    {
        // from is a multiple of 64 here.
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

    private ulong Word(ulong pfn)
    {
        long byteIndex = (long)(pfn >> 3);
        if (byteIndex + 8 <= _bits.Length)
            return BinaryPrimitives.ReadUInt64LittleEndian(_bits.AsSpan((int)byteIndex));
        Span<byte> tmp = stackalloc byte[8];
        tmp.Clear();
        _bits.AsSpan((int)byteIndex).CopyTo(tmp);
        return BinaryPrimitives.ReadUInt64LittleEndian(tmp);
    }

    private ulong[] BuildRank()
    {
        ulong blocks = (Frames >> BlockShift) + 2;
        var rank = new ulong[blocks];
        ulong total = 0;
        for (ulong b = 0; b < blocks - 1; b++)
        {
            rank[b] = total;
            ulong from = b << BlockShift;
            ulong to = Math.Min(from + (1UL << BlockShift), Frames);
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
        ulong p = start;
        while (p < end)
        {
            // Skip clear bits a byte at a time where possible.
            while (p < end && (p & 7) == 0 && _bits[p >> 3] == 0)
                p += 8;
            if (p >= end) yield break;
            if (!this[p]) { p++; continue; }
            ulong s = p;
            while (p < end && (p & 7) == 0 && p + 8 <= end && _bits[p >> 3] == 0xff)
                p += 8;
            while (p < end && this[p])
            {
                p++;
                while (p < end && (p & 7) == 0 && p + 8 <= end && _bits[p >> 3] == 0xff)
                    p += 8;
            }
            yield return new PfnRange(s, Math.Min(p, end));
        }
    }
}
