using Dumpkit.Formats.Codecs;
using Dumpkit.Formats.IO;

namespace Dumpkit.Formats.Diskdump;

/// <summary>What to put in the headers of a kdump-compressed file, and how to store pages.</summary>
public sealed class DiskdumpWriterOptions
{
    /// <summary>utsname, timestamp and nr_cpus; the writer fills in the layout fields and status.</summary>
    public required DiskdumpHeader Header { get; init; }
    public ulong PhysBase { get; init; }
    public int DumpLevel { get; init; }
    /// <summary>The PT_NOTE payload of the input, copied whole.</summary>
    public byte[] Notes { get; init; } = [];
    /// <summary>Where the VMCOREINFO text sits inside <see cref="Notes"/> (-1 when absent).</summary>
    public int VmcoreinfoOffset { get; init; } = -1;
    public int VmcoreinfoSize { get; init; }
    public PageCodec Codec { get; init; }
    /// <summary>Dump level bit 1: zero pages point at one shared zero block.</summary>
    public bool ExcludeZero { get; init; }
    /// <summary>Compression threads (1 = everything on the calling thread).</summary>
    public int Threads { get; init; } = 1;
    /// <summary>Called now and then with (pages done, pages total).</summary>
    public Action<ulong, ulong>? Progress { get; init; }
    /// <summary>
    /// One file of a <c>--split</c> set: only the pages of [SplitStart, SplitEnd) are written
    /// (the bitmaps stay whole, as in every part of a split set); null for a normal dump.
    /// </summary>
    public (ulong Start, ulong End)? Split { get; init; }
    /// <summary>Frames per cycle: the bitmap memory is two windows of this many bits.</summary>
    public ulong CycleFrames { get; init; } = DiskdumpWriter.DefaultCycleFrames;
}

/// <summary>Makes the two bitmaps of a dump one window (cycle) at a time.</summary>
public interface IBitmapSource
{
    /// <summary>
    /// Set, in two windows over the same frames, the frames that exist (<paramref name="ram"/>)
    /// and the frames to dump (<paramref name="dumpable"/>). Called once per cycle while counting
    /// (<paramref name="firstPass"/>) and again per cycle while writing when there is more than one.
    /// </summary>
    void Fill(PfnBitmap ram, PfnBitmap dumpable, bool firstPass);

    /// <summary>Pass 1 is over (statistics gathered from here on would count pages twice).</summary>
    void Counted() { }
}

/// <summary>Bitmaps already whole in memory, served window by window.</summary>
public sealed class WholeBitmaps(PfnBitmap ram, PfnBitmap dumpable) : IBitmapSource
{
    public void Fill(PfnBitmap ramWindow, PfnBitmap dumpableWindow, bool firstPass)
    {
        Copy(ram, ramWindow);
        Copy(dumpable, dumpableWindow);
    }

    private static void Copy(PfnBitmap from, PfnBitmap to)
    {
        foreach (var run in from.Runs(to.First, to.Frames))
            to.SetRange(run.Start, run.End);
    }
}

public sealed class DiskdumpWriteResult
{
    public ulong DumpablePages { get; init; }
    public ulong WrittenPages { get; set; }
    public ulong ZeroPages { get; set; }
    public ulong CompressedPages { get; set; }
    public ulong RawPages { get; set; }
    /// <summary>Pages the input could not supply (its own dump was incomplete).</summary>
    public ulong MissingInputPages { get; set; }
    /// <summary>The output was cut short (size limit or full disk); its header says so.</summary>
    public bool Incomplete { get; set; }
    public string? IncompleteReason { get; set; }
    public long Size { get; set; }
}

/// <summary>
/// Writes the kdump-compressed format: header (version 6), sub header with the full note copy,
/// both bitmaps, one descriptor per dumpable frame in PFN order, then the page data.
/// <para>
/// Pages are read and compressed in batches of consecutive frames by N - 1 worker threads and the
/// calling thread, which writes the batches strictly in order and fills one itself whenever the
/// next to write is not ready; the output does not depend on the thread count. Memory is bounded
/// by the batch ring (a few MiB), not by the dump size.
/// </para>
/// <para>
/// Crash consistency: the header carries the incomplete flag until every page is on disk
/// (flushed) and only then is rewritten without it. In a file, the descriptor table is
/// reserved first (fallocate, or zeros written where the file system cannot), so a full disk
/// can only strike while page data is written; a batch's descriptors are written after its
/// data, so no descriptor ever points at data that did not land (offset 0 = missing, which
/// readers report as incomplete).
/// </para>
/// </summary>
public static class DiskdumpWriter
{
    /// <summary>
    /// Dumpable pages per batch, the unit of work of a compressing thread. Each batch slot is touched
    /// as far as its compressed pages reach, and on the 2-core VM a first touch costs ~20 µs a page:
    /// 128 rather than 512 takes the faults of a two-thread run from ~2,600 to ~1,100 and its RSS
    /// from 15 to 9 MiB, for a hand-off per 128 pages (a few µs).
    /// </summary>
    private const int BatchFrames = 128;
    /// <summary>Frames read with one call where the input stores them back to back (64 KiB of 4 KiB pages).</summary>
    private const int ChunkFrames = 16;

    private enum Kind : byte { Data, Zero, Missing }

    private struct Entry
    {
        public int Size;
        public uint Flags;
        public Kind Kind;
    }

    private sealed class Batch
    {
        public long Sequence;
        public bool Done;
        public Exception? Error;
        public int Count;
        public int DataLength;
        public readonly Entry[] Entries = new Entry[BatchFrames];
        public byte[] Data = [];
    }

    /// <summary>Frames per cycle by default: 4 MiB per bitmap window, 128 GiB of 4 KiB pages.</summary>
    public const ulong DefaultCycleFrames = 32UL << 20;

    /// <summary>Write a dump whose bitmaps are already whole in memory.</summary>
    public static DiskdumpWriteResult Write(IDumpSink sink, DumpReader input, PfnBitmap ram, PfnBitmap dumpable,
        DiskdumpWriterOptions o, CancellationToken cancel = default) =>
        Write(sink, input, dumpable.Frames, new WholeBitmaps(ram, dumpable), o, cancel);

    /// <summary>
    /// Write a dump cycle by cycle: memory holds two bitmap windows of
    /// <see cref="DiskdumpWriterOptions.CycleFrames"/> frames, whatever the dump size. The
    /// descriptor table's size must be known before any page is written, so the bitmaps are made
    /// twice when there is more than one cycle: once to write them and count the dumpable pages,
    /// once more while the pages of each cycle are written (as makedumpfile's cyclic mode does).
    /// </summary>
    public static DiskdumpWriteResult Write(IDumpSink sink, DumpReader input, ulong maxPfn, IBitmapSource bitmaps,
        DiskdumpWriterOptions o, CancellationToken cancel = default)
    {
        int bs = input.PageSize;
        ulong cycle = Math.Max(BatchFrames, o.CycleFrames / BatchFrames * BatchFrames);

        int subHdrBlocks = (int)((DiskdumpSubHeader.Size + o.Notes.Length + bs - 1) / bs);
        long oneBitmap = (long)((maxPfn + 7) / 8);
        oneBitmap = (oneBitmap + bs - 1) / bs * bs;
        if (oneBitmap == 0) oneBitmap = bs;
        uint bitmapBlocks = checked((uint)(2 * oneBitmap / bs));
        long bitmapOffset = (1L + subHdrBlocks) * bs;
        long descOffset = bitmapOffset + 2 * oneBitmap;

        var h = o.Header;
        h.Signature = DiskdumpHeader.KdumpSignature;
        h.HeaderVersion = 6;
        h.BlockSize = bs;
        h.SubHeaderBlocks = subHdrBlocks;
        h.BitmapBlocks = bitmapBlocks;
        h.MaxMapNr = (uint)Math.Min(maxPfn, uint.MaxValue);
        uint status = o.Codec.Flag();
        h.Status = status | DiskdumpFlags.Incomplete;

        var sub = new DiskdumpSubHeader
        {
            PhysBase = o.PhysBase,
            DumpLevel = o.DumpLevel,
            OffsetNote = o.Notes.Length > 0 ? bs + DiskdumpSubHeader.Size : 0,
            SizeNote = (ulong)o.Notes.Length,
            OffsetVmcoreinfo = o.VmcoreinfoOffset >= 0 ? bs + DiskdumpSubHeader.Size + o.VmcoreinfoOffset : 0,
            SizeVmcoreinfo = o.VmcoreinfoOffset >= 0 ? (ulong)o.VmcoreinfoSize : 0,
            MaxMapNr64 = maxPfn,
        };
        ulong splitStart = 0, splitEnd = maxPfn;
        if (o.Split is { } split)
        {
            var (ss, se) = split;
            splitStart = Math.Min(ss, maxPfn);
            splitEnd = Math.Clamp(se, splitStart, maxPfn);
            sub.Split = 1;
            sub.StartPfn = (uint)splitStart; // the obsolete 32-bit copies, as makedumpfile writes them
            sub.EndPfn = (uint)splitEnd;
            sub.StartPfn64 = splitStart;
            sub.EndPfn64 = splitEnd;
        }

        // Block 0, sub header + notes.
        var block = new byte[Math.Max(bs, subHdrBlocks * bs)];
        h.Write(block);
        sink.Write(0, block.AsSpan(0, bs));
        Array.Clear(block);
        sub.Write(block);
        o.Notes.CopyTo(block, DiskdumpSubHeader.Size);
        sink.Write(bs, block.AsSpan(0, subHdrBlocks * bs));

        // Pass 1: both bitmaps, cycle by cycle, counting the dumpable frames.
        ulong numDumpable = 0;
        PfnBitmap? ramWindow = null, dumpWindow = null;
        for (ulong first = 0; first < maxPfn; first += cycle)
        {
            ulong last = Math.Min(first + cycle, maxPfn);
            ramWindow = new PfnBitmap(first, last);
            dumpWindow = new PfnBitmap(first, last);
            bitmaps.Fill(ramWindow, dumpWindow, firstPass: true);
            sink.Write(bitmapOffset + (long)(first / 8), ramWindow.Bytes);
            sink.Write(bitmapOffset + oneBitmap + (long)(first / 8), dumpWindow.Bytes);
            ulong from = Math.Max(first, splitStart), to = Math.Min(last, splitEnd);
            if (from < to)
                numDumpable += dumpWindow.Rank(to) - dumpWindow.Rank(from);
        }
        bitmaps.Counted();
        long used = (long)((maxPfn + 7) / 8);
        if (used < oneBitmap)
        {
            var pad = new byte[oneBitmap - used];
            sink.Write(bitmapOffset + used, pad);
            sink.Write(bitmapOffset + oneBitmap + used, pad);
        }

        long dataStart = descOffset + (long)numDumpable * PageDescriptor.Size_;
        var result = new DiskdumpWriteResult { DumpablePages = numDumpable };

        if (!sink.IsStream)
        {
            // Reserve the descriptor table on disk (see the class comment).
            try
            {
                sink.Reserve(descOffset, dataStart - descOffset);
            }
            catch (DumpSpaceException e)
            {
                result.Incomplete = true;
                result.IncompleteReason = e.Message;
                result.Size = descOffset;
                return result; // header already says incomplete; nothing else fits
            }
        }

        long dataCursor = dataStart;
        var zeroDesc = new PageDescriptor(dataStart, (uint)bs, 0, 0);
        bool stopped = false;
        if (o.ExcludeZero)
        {
            try
            {
                sink.Write(dataCursor, new byte[bs]);
                dataCursor += bs;
            }
            catch (DumpSpaceException e)
            {
                stopped = true;
                result.Incomplete = true;
                result.IncompleteReason = e.Message;
            }
        }

        long descCursor = descOffset;
        var descBytes = new byte[BatchFrames * PageDescriptor.Size_];
        int threads = Math.Max(1, o.Threads);
        int slotCount = threads == 1 ? 1 : threads * 2 + 2;
        var slots = new Batch[slotCount];
        for (int i = 0; i < slotCount; i++)
            slots[i] = new Batch { Data = new byte[BatchFrames * bs + PageCompressor.ScratchBytes(bs)] };
        ulong done = 0;
        // The writing thread compresses too: alone with one thread, and between writes with more.
        using var inlineCompressor = new PageCompressor(o.Codec, bs);
        var inlinePage = new byte[bs];
        var inlineChunk = new byte[ChunkFrames * bs];

        // Pass 2: the pages, cycle by cycle (only those of this file's range when split).
        for (ulong first = 0; first < maxPfn && !stopped; first += cycle)
        {
            ulong last = Math.Min(first + cycle, maxPfn);
            if (last <= splitStart || first >= splitEnd)
                continue;
            PfnBitmap dumpable;
            if (cycle >= maxPfn && dumpWindow is not null)
            {
                dumpable = dumpWindow; // one cycle: the window of pass 1 is still right
            }
            else
            {
                dumpable = new PfnBitmap(first, last);
                bitmaps.Fill(new PfnBitmap(first, last), dumpable, firstPass: false);
            }
            WriteCycle(Math.Max(first, splitStart), Math.Min(last, splitEnd), dumpable);
        }

        void WriteCycle(ulong cycleFirst, ulong cycleLast, PfnBitmap dumpable)
        {
            var bounds = BatchBounds(dumpable, cycleFirst, cycleLast);
            long endBatch = bounds.Length - 1;
            var gate = new object();
            long nextBatch = 0;
            bool abort = false;
            for (int k = 0; k < slotCount; k++)
            {
                slots[k].Sequence = k;
                slots[k].Done = false;
                slots[k].Error = null;
            }

            void Work()
            {
                using var compressor = new PageCompressor(o.Codec, bs);
                var page = new byte[bs];
                var chunk = new byte[ChunkFrames * bs];
                while (true)
                {
                    long i = Interlocked.Increment(ref nextBatch) - 1;
                    if (i >= endBatch) return;
                    var slot = slots[i % slotCount];
                    lock (gate)
                    {
                        while (slot.Sequence != i && !Volatile.Read(ref abort))
                            Monitor.Wait(gate);
                        if (Volatile.Read(ref abort)) return;
                    }
                    FillAndPost(slot, i, compressor, page, chunk);
                }
            }

            // Fills batch i into its slot and marks it done; an error is kept for the writer to raise.
            void FillAndPost(Batch slot, long i, PageCompressor compressor, byte[] page, byte[] chunk)
            {
                try
                {
                    Fill(slot, bounds[i], bounds[i + 1], input,
                        dumpable, compressor, page, chunk, o.ExcludeZero, bs);
                }
                catch (Exception e)
                {
                    slot.Error = e;
                }
                lock (gate)
                {
                    slot.Done = true;
                    Monitor.PulseAll(gate);
                }
            }

            // With N threads: N - 1 workers, and this thread, which writes batches in order and fills
            // the next free one while the batch it must write next is not ready (N runnable threads
            // on N cores, not N + 1).
            bool TryHelp()
            {
                long j = Volatile.Read(ref nextBatch);
                if (j >= endBatch) return false;
                var free = slots[j % slotCount];
                if (Volatile.Read(ref free.Sequence) != j || Interlocked.CompareExchange(ref nextBatch, j + 1, j) != j)
                    return false;
                FillAndPost(free, j, inlineCompressor, inlinePage, inlineChunk);
                return true;
            }

            bool CanHelp()
            {
                long j = Volatile.Read(ref nextBatch);
                return j < endBatch && Volatile.Read(ref slots[j % slotCount].Sequence) == j;
            }

            var workers = new List<Thread>();
            if (threads > 1)
            {
                for (int t = 0; t < threads - 1; t++)
                {
                    var th = new Thread(Work) { IsBackground = true, Name = $"dumpkit-compress-{t}" };
                    th.Start();
                    workers.Add(th);
                }
            }
            try
            {
                for (long i = 0; i < endBatch && !stopped; i++)
                {
                    cancel.ThrowIfCancellationRequested();
                    Batch slot;
                    if (threads == 1)
                    {
                        slot = slots[0];
                        Fill(slot, bounds[i], bounds[i + 1], input,
                            dumpable, inlineCompressor!, inlinePage, inlineChunk, o.ExcludeZero, bs);
                    }
                    else
                    {
                        slot = slots[i % slotCount];
                        while (true)
                        {
                            lock (gate)
                            {
                                if (slot.Sequence == i && slot.Done)
                                    break;
                            }
                            if (TryHelp())
                                continue;
                            lock (gate)
                            {
                                // Nothing to fill: wait for a worker to finish a batch.
                                if (!(slot.Sequence == i && slot.Done) && !CanHelp())
                                    Monitor.Wait(gate);
                            }
                        }
                        if (slot.Error is { } err)
                            throw err is DumpFormatException ? err : new IOException(err.Message, err);
                    }

                    if (slot.Count > 0)
                        WriteBatch(slot);

                    if (threads > 1)
                    {
                        lock (gate)
                        {
                            slot.Done = false;
                            slot.Error = null;
                            slot.Sequence = i + slotCount;
                            Monitor.PulseAll(gate);
                        }
                    }
                }
            }
            finally
            {
                lock (gate)
                {
                    abort = true;
                    Monitor.PulseAll(gate);
                }
                foreach (var w in workers) w.Join();
            }
        }

        void WriteBatch(Batch slot)
        {
            // Data first: as much of it as the output can take.
            int landed = slot.Count;
            long room = sink.Remaining(dataCursor);
            int dataBytes = slot.DataLength;
            if (room < dataBytes)
            {
                // Keep the whole pages that fit under the size limit.
                landed = 0;
                int bytes = 0;
                for (int k = 0; k < slot.Count; k++)
                {
                    int sz = slot.Entries[k].Kind == Kind.Data ? slot.Entries[k].Size : 0;
                    if (bytes + sz > room) break;
                    bytes += sz;
                    landed++;
                }
                dataBytes = bytes;
                stopped = true;
                result.Incomplete = true;
                result.IncompleteReason = $"{sink.Name}: the size limit (-L) is reached";
            }
            try
            {
                if (dataBytes > 0)
                    sink.Write(dataCursor, slot.Data.AsSpan(0, dataBytes));
            }
            catch (DumpSpaceException e)
            {
                // The disk filled up inside this batch: land what still fits, page by
                // page, so the dump keeps every page that made it.
                (landed, dataBytes) = WritePagesUntilFull(sink, slot, landed, dataCursor);
                stopped = true;
                result.Incomplete = true;
                result.IncompleteReason = e.Message;
            }

            // Then the descriptors of the pages whose data is on disk.
            long pos = dataCursor;
            var d = descBytes.AsSpan();
            for (int k = 0; k < landed; k++)
            {
                ref var e = ref slot.Entries[k];
                PageDescriptor pd;
                switch (e.Kind)
                {
                    case Kind.Zero:
                        pd = zeroDesc;
                        result.ZeroPages++;
                        break;
                    case Kind.Missing:
                        pd = default;
                        result.MissingInputPages++;
                        break;
                    default:
                        pd = new PageDescriptor(pos, (uint)e.Size, e.Flags, 0);
                        pos += e.Size;
                        if (e.Flags != 0) result.CompressedPages++; else result.RawPages++;
                        break;
                }
                pd.Write(d.Slice(k * PageDescriptor.Size_, PageDescriptor.Size_));
            }
            if (landed > 0)
                sink.Write(descCursor, descBytes.AsSpan(0, landed * PageDescriptor.Size_));
            result.WrittenPages += (ulong)landed;
            dataCursor += dataBytes;
            descCursor += (long)slot.Count * PageDescriptor.Size_;
            done += (ulong)slot.Count;
            o.Progress?.Invoke(done, numDumpable);
        }

        if (result.MissingInputPages > 0)
        {
            result.Incomplete = true;
            result.IncompleteReason ??= $"{input.Path}: {result.MissingInputPages} pages are missing from the input dump";
        }
        // The data is durable before the header says the dump is complete.
        sink.Flush();
        h.Status = result.Incomplete ? status | DiskdumpFlags.Incomplete : status;
        Array.Clear(block);
        h.Write(block);
        // No flush after this write: if the header is lost, the dump merely stays marked incomplete.
        sink.Write(0, block.AsSpan(0, bs));
        sink.Complete();
        result.Size = Math.Max(dataCursor, dataStart);
        return result;
    }

    /// <summary>
    /// Batch boundaries of [first, last): each batch holds up to <see cref="BatchFrames"/> dumpable
    /// frames however far apart they lie, so a sparse bitmap (-d 31 keeps a few percent of memory)
    /// costs a hand-off between threads per batch of pages written, not per batch of frames of memory.
    /// </summary>
    private static ulong[] BatchBounds(PfnBitmap dumpable, ulong first, ulong last)
    {
        ulong pages = dumpable.Rank(last) - dumpable.Rank(first);
        var bounds = new ulong[Math.Max(1, (pages + BatchFrames - 1) / BatchFrames) + 1];
        bounds[0] = first;
        for (int k = 1; k < bounds.Length - 1; k++)
            bounds[k] = dumpable.EndAfterSetBits(bounds[k - 1], BatchFrames, last);
        bounds[^1] = last;
        return bounds;
    }

    private static (int Landed, int Bytes) WritePagesUntilFull(IDumpSink sink, Batch slot, int count, long at)
    {
        int bytes = 0;
        for (int k = 0; k < count; k++)
        {
            int sz = slot.Entries[k].Kind == Kind.Data ? slot.Entries[k].Size : 0;
            if (sz > 0)
            {
                try
                {
                    sink.Write(at + bytes, slot.Data.AsSpan(bytes, sz));
                }
                catch (DumpSpaceException)
                {
                    return (k, bytes);
                }
            }
            bytes += sz;
        }
        return (count, bytes);
    }

    private static void Fill(Batch slot, ulong start, ulong end, DumpReader input, PfnBitmap dumpable, PageCompressor compressor,
        byte[] page, byte[] chunk, bool excludeZero, int bs)
    {
        slot.Count = 0;
        slot.DataLength = 0;
        if (dumpable.Rank(end) == dumpable.Rank(start))
            return;
        // Runs of dumpable frames are read ChunkFrames at a time where the input allows it.
        ulong chunkStart = 0, chunkEnd = 0, noChunkBefore = 0;
        for (ulong pfn = start; pfn < end; pfn++)
        {
            if (!dumpable[pfn])
                continue;
            ref var e = ref slot.Entries[slot.Count++];
            ReadOnlySpan<byte> data;
            if (pfn >= chunkStart && pfn < chunkEnd)
            {
                data = chunk.AsSpan((int)(pfn - chunkStart) * bs, bs);
            }
            else
            {
                ulong runEnd = pfn + 1;
                while (runEnd < end && runEnd - pfn < ChunkFrames && dumpable[runEnd])
                    runEnd++;
                if (pfn >= noChunkBefore && runEnd - pfn > 1 && input.TryReadPages(pfn, (int)(runEnd - pfn), chunk))
                {
                    (chunkStart, chunkEnd) = (pfn, runEnd);
                    data = chunk.AsSpan(0, bs);
                }
                else
                {
                    noChunkBefore = runEnd;
                    try
                    {
                        input.ReadPage(pfn, page);
                    }
                    catch (PageNotAvailableException)
                    {
                        e.Kind = Kind.Missing;
                        e.Size = 0;
                        e.Flags = 0;
                        continue;
                    }
                    data = page;
                }
            }
            if (excludeZero && data.IndexOfAnyExcept((byte)0) < 0)
            {
                e.Kind = Kind.Zero;
                e.Size = 0;
                e.Flags = 0;
                continue;
            }
            e.Kind = Kind.Data;
            // Compressed straight into the batch (which has a page of scratch room at its end).
            int n = compressor.Codec == PageCodec.None ? -1 : compressor.Compress(data, slot.Data, slot.DataLength);
            if (n > 0)
            {
                e.Size = n;
                e.Flags = compressor.Codec.Flag();
            }
            else
            {
                data.CopyTo(slot.Data.AsSpan(slot.DataLength));
                e.Size = bs;
                e.Flags = 0;
            }
            slot.DataLength += e.Size;
        }
    }
}
