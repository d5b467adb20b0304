// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using Dumpkit.Formats.IO;

namespace Dumpkit.Formats.Flattened;

/// <summary>
/// A flattened file seen as the file it describes: records are indexed once and replayed
/// last-writer-wins, so reads at any offset return what <c>makedumpfile -R</c> would have
/// written there (bytes no record covers read as zero, as in a sparse file).
/// </summary>
public sealed class FlattenedReader : IRandomAccess
{
    private readonly record struct Segment(long Target, long Length, long Source);

    private readonly IRandomAccess _stream;
    private readonly Segment[] _segments;

    public string Name => _stream.Name;
    public long Length { get; }

    public FlattenedReader(IRandomAccess stream)
    {
        _stream = stream;
        Span<byte> head = stackalloc byte[32];
        stream.ReadExactly(0, head, "the flattened header");
        if (!FlattenedFormat.HasSignature(head))
            throw new DumpFormatException(stream.Name, 0, "not a flattened dump (no makedumpfile signature)");
        long type = BinaryPrimitives.ReadInt64BigEndian(head[16..]);
        if (type != FlattenedFormat.TypeFlatHeader)
            throw new DumpFormatException(stream.Name, 16, $"flattened header type {type}, expected 1");

        var records = new List<Segment>();
        long pos = FlattenedFormat.HeaderBlockSize;
        Span<byte> rh = stackalloc byte[FlattenedFormat.RecordHeaderSize];
        bool ended = false;
        while (true)
        {
            int n = stream.Read(pos, rh);
            if (n == 0)
                break;
            if (n != rh.Length)
                throw new DumpFormatException(stream.Name, pos, "stream ends inside a record header");
            long offset = BinaryPrimitives.ReadInt64BigEndian(rh);
            long size = BinaryPrimitives.ReadInt64BigEndian(rh[8..]);
            if (offset == -1 && size == -1)
            {
                ended = true;
                break;
            }
            if (offset < 0 || size < 0 || size > stream.Length - pos - rh.Length || offset > long.MaxValue - size)
                throw new DumpFormatException(stream.Name, pos,
                    $"record (offset 0x{offset:x}, size 0x{size:x}) is invalid or runs past the end of the stream");
            if (size > 0)
                records.Add(new Segment(offset, size, pos + rh.Length));
            pos += rh.Length + size;
        }
        if (!ended)
            throw new DumpFormatException(stream.Name, pos, "flattened stream has no end marker (incomplete transfer?)");
        _segments = Resolve(records);
        Length = _segments.Length == 0 ? 0 : _segments.Max(s => s.Target + s.Length);
    }

    /// <summary>Later records win where they overlap earlier ones; the result is sorted and disjoint.</summary>
    private static Segment[] Resolve(List<Segment> records)
    {
        var result = new List<Segment>(records.Count);
        // Walk backwards; keep what no later record has covered. `covered` is merged and small
        // in practice (the data is written mostly sequentially).
        var covered = new List<(long Start, long End)>();
        for (int i = records.Count - 1; i >= 0; i--)
        {
            var r = records[i];
            long s = r.Target, e = r.Target + r.Length;
            foreach (var (cs, ce) in Uncovered(covered, s, e))
                result.Add(new Segment(cs, ce - cs, r.Source + (cs - s)));
            AddCovered(covered, s, e);
        }
        result.Sort((a, b) => a.Target.CompareTo(b.Target));
        return result.ToArray();
    }

    private static List<(long, long)> Uncovered(List<(long Start, long End)> covered, long s, long e)
    {
        var parts = new List<(long, long)>();
        long cur = s;
        int i = LowerBound(covered, s);
        for (; i < covered.Count && covered[i].Start < e; i++)
        {
            if (covered[i].Start > cur)
                parts.Add((cur, covered[i].Start));
            cur = Math.Max(cur, covered[i].End);
        }
        if (cur < e)
            parts.Add((cur, e));
        return parts;
    }

    /// <summary>First interval whose end is after <paramref name="s"/>.</summary>
    private static int LowerBound(List<(long Start, long End)> list, long s)
    {
        int lo = 0, hi = list.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (list[mid].End <= s) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static void AddCovered(List<(long Start, long End)> list, long s, long e)
    {
        int i = LowerBound(list, s - 1 < s ? s - 1 : s);
        // Merge every interval that touches [s, e].
        while (i < list.Count && list[i].Start <= e)
        {
            s = Math.Min(s, list[i].Start);
            e = Math.Max(e, list[i].End);
            list.RemoveAt(i);
        }
        list.Insert(i, (s, e));
    }

    public int Read(long offset, Span<byte> buffer)
    {
        if (offset >= Length)
            return 0;
        int want = (int)Math.Min(buffer.Length, Length - offset);
        buffer = buffer[..want];
        buffer.Clear();
        int lo = 0, hi = _segments.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_segments[mid].Target + _segments[mid].Length <= offset) lo = mid + 1; else hi = mid;
        }
        long end = offset + want;
        for (int i = lo; i < _segments.Length && _segments[i].Target < end; i++)
        {
            var seg = _segments[i];
            long s = Math.Max(offset, seg.Target), e = Math.Min(end, seg.Target + seg.Length);
            var dst = buffer.Slice((int)(s - offset), (int)(e - s));
            int n = _stream.Read(seg.Source + (s - seg.Target), dst);
            if (n != dst.Length)
                throw new DumpFormatException(_stream.Name, seg.Source, "stream ends inside a record");
        }
        return want;
    }

    public void Dispose() => _stream.Dispose();
}
