// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats.Codecs;

namespace Dumpkit.Formats;

/// <summary>How the page pipeline treats the pages it reads.</summary>
public sealed class PagePipelineOptions
{
    /// <summary>How pages are stored in a batch (<see cref="PageCodec.None"/>: raw copies).</summary>
    public PageCodec Codec { get; init; }
    /// <summary>All-zero pages become <see cref="PageKind.Zero"/> with no bytes stored.</summary>
    public bool ExcludeZero { get; init; }
    /// <summary>
    /// False when only the kinds are wanted (a classifying pass): the pages' bytes are not
    /// copied into the batch and their <see cref="BatchPage.Size"/> is 0.
    /// </summary>
    public bool StoreData { get; init; } = true;
    /// <summary>Threads filling batches (1 = everything on the calling thread).</summary>
    public int Threads { get; init; } = 1;
}

/// <summary>
/// The ordered page pipeline every output format writes through: the selected frames of a list of
/// frame ranges are read, tested for zero, compressed, and handed to the caller's layout in frame
/// order, batch by batch.
/// <para>
/// Batches of consecutive frames are filled by N - 1 worker threads and the calling thread, which
/// hands them over strictly in order and fills one itself whenever the next to hand over is not
/// ready (N runnable threads on N cores, not N + 1); what the caller receives does not depend on
/// the thread count. Memory is bounded by the batch ring (a few MiB), not by the dump size.
/// </para>
/// </summary>
public sealed class PagePipeline : IDisposable
{
    /// <summary>
    /// Selected pages per batch, the unit of work of a thread. A batch slot is touched as far as its
    /// stored pages reach, and a first touch is a page fault: a small batch keeps a run's faults and
    /// resident memory down, for a hand-off per batch that costs little next to its pages.
    /// </summary>
    public const int BatchFrames = 128;
    /// <summary>Frames read with one call where the input stores them back to back (64 KiB of 4 KiB pages).</summary>
    private const int ChunkFrames = 16;

    private readonly DumpReader _input;
    private readonly PagePipelineOptions _options;
    private readonly int _pageSize;
    private readonly int _threads;
    private readonly PageBatch[] _slots;
    // The calling thread fills batches too: alone with one thread, and between hand-overs with more.
    private readonly Filler _inline;

    // The run under way.
    private PfnBitmap _selected = null!;
    private ulong[] _bounds = [];
    private int[] _rangeFirstBatch = [];
    private long _endBatch;
    private long _nextBatch;
    private bool _abort;
    private readonly object _gate = new();

    public PagePipeline(DumpReader input, PagePipelineOptions options)
    {
        _input = input;
        _options = options;
        _pageSize = input.PageSize;
        _threads = Math.Max(1, options.Threads);
        int slotCount = _threads == 1 ? 1 : _threads * 2 + 2;
        int dataBytes = options.StoreData ? BatchFrames * _pageSize + PageCompressor.ScratchBytes(_pageSize) : 0;
        _slots = new PageBatch[slotCount];
        for (int i = 0; i < slotCount; i++)
            _slots[i] = new PageBatch(BatchFrames, dataBytes);
        _inline = new Filler(this);
    }

    /// <summary>
    /// Hand the selected frames of <paramref name="ranges"/> (each [Start, End), taken in the order
    /// given) to <paramref name="write"/>, batch by batch in order; every range gets at least one
    /// batch, empty when it selects nothing. <paramref name="write"/> returns false to stop.
    /// The bits of <paramref name="selected"/> must not change during the run.
    /// </summary>
    public void Run(PfnBitmap selected, IReadOnlyList<(ulong Start, ulong End)> ranges, Func<PageBatch, bool> write,
        CancellationToken cancel = default)
    {
        Plan(selected, ranges);
        var workers = StartWorkers();
        try
        {
            for (long i = 0; i < _endBatch; i++)
            {
                cancel.ThrowIfCancellationRequested();
                var batch = _threads == 1 ? FillInline(i) : AwaitBatch(i);
                Describe(batch, i);
                bool more = write(batch);
                if (_threads > 1)
                    Release(batch, i);
                if (!more)
                    break;
            }
        }
        finally
        {
            lock (_gate)
            {
                _abort = true;
                Monitor.PulseAll(_gate);
            }
            foreach (var w in workers) w.Join();
        }
    }

    private void Plan(PfnBitmap selected, IReadOnlyList<(ulong Start, ulong End)> ranges)
    {
        _selected = selected;
        var bounds = new List<ulong[]>(ranges.Count);
        _rangeFirstBatch = new int[ranges.Count + 1];
        int batches = 0;
        for (int r = 0; r < ranges.Count; r++)
        {
            var b = BatchBounds(selected, ranges[r].Start, ranges[r].End);
            bounds.Add(b);
            _rangeFirstBatch[r] = batches;
            batches += b.Length - 1;
        }
        _rangeFirstBatch[^1] = batches;
        // One flat array: range r's bounds start at index (its first batch + r).
        _bounds = ranges.Count == 1 ? bounds[0] : [.. bounds.SelectMany(b => b)];
        _endBatch = batches;
        _nextBatch = 0;
        _abort = false;
        for (int k = 0; k < _slots.Length; k++)
        {
            _slots[k].Sequence = k;
            _slots[k].Done = false;
            _slots[k].Error = null;
        }
    }

    /// <summary>
    /// Batch boundaries of [first, last): each batch holds up to <see cref="BatchFrames"/> selected
    /// frames however far apart they lie, so a sparse bitmap (-d 31 keeps a few percent of memory)
    /// costs a hand-off between threads per batch of pages written, not per batch of frames of memory.
    /// </summary>
    private static ulong[] BatchBounds(PfnBitmap selected, ulong first, ulong last)
    {
        ulong pages = last > first ? selected.Rank(last) - selected.Rank(first) : 0;
        var bounds = new ulong[Math.Max(1, (pages + BatchFrames - 1) / BatchFrames) + 1];
        bounds[0] = first;
        for (int k = 1; k < bounds.Length - 1; k++)
            bounds[k] = selected.EndAfterSetBits(bounds[k - 1], BatchFrames, last);
        bounds[^1] = last;
        return bounds;
    }

    /// <summary>The range batch i belongs to (every range has at least one batch).</summary>
    private int RangeOf(long batch)
    {
        int r = Array.BinarySearch(_rangeFirstBatch, 0, _rangeFirstBatch.Length - 1, (int)batch);
        return r >= 0 ? r : ~r - 1;
    }

    private void Describe(PageBatch batch, long i)
    {
        int r = RangeOf(i);
        batch.Range = r;
        batch.EndsRange = i + 1 == _rangeFirstBatch[r + 1];
    }

    private (ulong Start, ulong End) BatchSpan(long i)
    {
        long at = i + RangeOf(i);
        return (_bounds[at], _bounds[at + 1]);
    }

    private List<Thread> StartWorkers()
    {
        var workers = new List<Thread>();
        for (int t = 0; t < _threads - 1; t++)
        {
            var th = new Thread(Work) { IsBackground = true, Name = $"dumpkit-compress-{t}" };
            th.Start();
            workers.Add(th);
        }
        return workers;
    }

    private PageBatch FillInline(long i)
    {
        var batch = _slots[0];
        var (start, end) = BatchSpan(i);
        _inline.Fill(batch, start, end);
        return batch;
    }

    /// <summary>Waits for batch i, filling others meanwhile; raises what its filler ran into.</summary>
    private PageBatch AwaitBatch(long i)
    {
        var slot = _slots[i % _slots.Length];
        while (true)
        {
            lock (_gate)
            {
                if (slot.Sequence == i && slot.Done)
                    break;
            }
            if (TryHelp())
                continue;
            lock (_gate)
            {
                // Nothing to fill: wait for a worker to finish a batch.
                if (!(slot.Sequence == i && slot.Done) && !CanHelp())
                    Monitor.Wait(_gate);
            }
        }
        if (slot.Error is { } err)
            throw err is DumpFormatException ? err : new IOException(err.Message, err);
        return slot;
    }

    /// <summary>Batch i is written: its slot takes the batch one ring further.</summary>
    private void Release(PageBatch slot, long i)
    {
        lock (_gate)
        {
            slot.Done = false;
            slot.Error = null;
            slot.Sequence = i + _slots.Length;
            Monitor.PulseAll(_gate);
        }
    }

    private void Work()
    {
        using var filler = new Filler(this);
        while (true)
        {
            long i = Interlocked.Increment(ref _nextBatch) - 1;
            if (i >= _endBatch) return;
            var slot = _slots[i % _slots.Length];
            lock (_gate)
            {
                while (slot.Sequence != i && !Volatile.Read(ref _abort))
                    Monitor.Wait(_gate);
                if (Volatile.Read(ref _abort)) return;
            }
            FillAndPost(slot, i, filler);
        }
    }

    /// <summary>Fills batch i into its slot and marks it done; an error is kept for the hand-over to raise.</summary>
    private void FillAndPost(PageBatch slot, long i, Filler filler)
    {
        try
        {
            var (start, end) = BatchSpan(i);
            filler.Fill(slot, start, end);
        }
        catch (Exception e)
        {
            slot.Error = e;
        }
        lock (_gate)
        {
            slot.Done = true;
            Monitor.PulseAll(_gate);
        }
    }

    private bool TryHelp()
    {
        long j = Volatile.Read(ref _nextBatch);
        if (j >= _endBatch) return false;
        var free = _slots[j % _slots.Length];
        if (Volatile.Read(ref free.Sequence) != j || Interlocked.CompareExchange(ref _nextBatch, j + 1, j) != j)
            return false;
        FillAndPost(free, j, _inline);
        return true;
    }

    private bool CanHelp()
    {
        long j = Volatile.Read(ref _nextBatch);
        return j < _endBatch && Volatile.Read(ref _slots[j % _slots.Length].Sequence) == j;
    }

    public void Dispose() => _inline.Dispose();

    /// <summary>One thread's compressor and read buffers, and the filling of a batch.</summary>
    private sealed class Filler(PagePipeline pipeline) : IDisposable
    {
        private readonly PageCompressor _compressor = new(pipeline._options.Codec, pipeline._pageSize);
        private readonly byte[] _page = new byte[pipeline._pageSize];
        private readonly byte[] _chunk = new byte[ChunkFrames * pipeline._pageSize];

        public void Fill(PageBatch slot, ulong start, ulong end)
        {
            var selected = pipeline._selected;
            slot.Start = start;
            slot.End = end;
            slot.Count = 0;
            slot.DataLength = 0;
            if (end <= start || selected.Rank(end) == selected.Rank(start))
                return;
            // Runs of selected frames are read ChunkFrames at a time where the input allows it.
            ulong chunkStart = 0, chunkEnd = 0, noChunkBefore = 0;
            for (ulong pfn = start; pfn < end; pfn++)
            {
                if (!selected[pfn])
                    continue;
                ref var e = ref slot.Pages[slot.Count++];
                e.Pfn = pfn;
                if (pfn < chunkStart || pfn >= chunkEnd)
                    (chunkStart, chunkEnd, noChunkBefore) = ReadAhead(pfn, end, noChunkBefore);
                if (pfn >= chunkStart && pfn < chunkEnd)
                    Store(slot, ref e, _chunk.AsSpan((int)(pfn - chunkStart) * pipeline._pageSize, pipeline._pageSize));
                else if (TryReadPage(pfn))
                    Store(slot, ref e, _page);
                else
                    (e.Kind, e.Size, e.Flags) = (PageKind.Missing, 0, 0);
            }
        }

        /// <summary>Reads the run of selected frames at pfn into the chunk when it can; the chunk's frames.</summary>
        private (ulong Start, ulong End, ulong NoChunkBefore) ReadAhead(ulong pfn, ulong end, ulong noChunkBefore)
        {
            var selected = pipeline._selected;
            ulong runEnd = pfn + 1;
            while (runEnd < end && runEnd - pfn < ChunkFrames && selected[runEnd])
                runEnd++;
            if (pfn >= noChunkBefore && runEnd - pfn > 1 && pipeline._input.TryReadPages(pfn, (int)(runEnd - pfn), _chunk))
                return (pfn, runEnd, noChunkBefore);
            return (0, 0, runEnd);
        }

        private bool TryReadPage(ulong pfn)
        {
            try
            {
                pipeline._input.ReadPage(pfn, _page);
                return true;
            }
            catch (PageNotAvailableException)
            {
                return false;
            }
        }

        private void Store(PageBatch slot, ref BatchPage e, ReadOnlySpan<byte> data)
        {
            var o = pipeline._options;
            if (o.ExcludeZero && data.IndexOfAnyExcept((byte)0) < 0)
            {
                (e.Kind, e.Size, e.Flags) = (PageKind.Zero, 0, 0);
                return;
            }
            e.Kind = PageKind.Data;
            if (!o.StoreData)
            {
                (e.Size, e.Flags) = (0, 0);
                return;
            }
            // Compressed straight into the batch (which has a page of scratch room at its end).
            int n = o.Codec == PageCodec.None ? -1 : _compressor.Compress(data, slot.Data, slot.DataLength);
            if (n > 0)
            {
                e.Size = n;
                e.Flags = o.Codec.Flag();
            }
            else
            {
                data.CopyTo(slot.Data.AsSpan(slot.DataLength));
                e.Size = pipeline._pageSize;
                e.Flags = 0;
            }
            slot.DataLength += e.Size;
        }

        public void Dispose() => _compressor.Dispose();
    }
}
