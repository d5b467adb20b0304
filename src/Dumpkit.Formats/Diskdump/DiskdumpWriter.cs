// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats.IO;

namespace Dumpkit.Formats.Diskdump;

/// <summary>
/// Writes the kdump-compressed format (laid out by <see cref="DiskdumpLayout"/>): the pages come
/// through the <see cref="PagePipeline"/>, whose batches land in order whatever the thread count.
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
        var layout = new DiskdumpLayout(maxPfn, input.PageSize, o);
        ulong cycle = Math.Max(PagePipeline.BatchFrames, o.CycleFrames / PagePipeline.BatchFrames * PagePipeline.BatchFrames);
        layout.WriteHeaders(sink);
        var (dumpablePages, lastWindow) = WriteBitmaps(sink, layout, bitmaps, cycle);
        var pages = new PageWriter(sink, layout, dumpablePages, o.Progress);
        var result = pages.Result;
        if (!pages.Reserve())
            return result; // the header already says incomplete; nothing else fits
        if (!o.ExcludeZero || pages.WriteZeroBlock())
        {
            using var pipeline = new PagePipeline(input, new PagePipelineOptions
            {
                Codec = o.Codec,
                ExcludeZero = o.ExcludeZero,
                Threads = o.Threads,
            });
            WritePages(layout, bitmaps, cycle, lastWindow, pipeline, pages, cancel);
        }
        if (result.MissingInputPages > 0)
        {
            result.Incomplete = true;
            result.IncompleteReason ??= $"{input.Path}: {result.MissingInputPages} pages are missing from the input dump";
        }
        long end = pages.End;
        if (!pages.Stopped && o.Eraseinfo?.Invoke() is { Length: > 0 } eraseinfo)
        {
            try
            {
                layout.WriteEraseinfo(sink, end, eraseinfo);
                end += eraseinfo.Length;
            }
            catch (DumpSpaceException e)
            {
                result.Incomplete = true;
                result.IncompleteReason ??= e.Message;
                result.NoSpaceFile ??= e.NoSpace ? e.FilePath : null;
            }
        }
        // The data is durable before the header says the dump is complete.
        sink.Flush();
        // No flush after this write: if the header is lost, the dump merely stays marked incomplete.
        layout.WriteFinalHeader(sink, result.Incomplete);
        sink.Complete();
        result.Size = end;
        return result;
    }

    /// <summary>Pass 1: both bitmaps, cycle by cycle; the dumpable frames of this file, and the last window.</summary>
    private static (ulong Dumpable, PfnBitmap? LastWindow) WriteBitmaps(IDumpSink sink, DiskdumpLayout layout,
        IBitmapSource bitmaps, ulong cycle)
    {
        ulong dumpablePages = 0;
        PfnBitmap? dumpWindow = null;
        for (ulong first = 0; first < layout.MaxPfn; first += cycle)
        {
            ulong last = Math.Min(first + cycle, layout.MaxPfn);
            var ramWindow = new PfnBitmap(first, last);
            dumpWindow = new PfnBitmap(first, last);
            bitmaps.Fill(ramWindow, dumpWindow, firstPass: true);
            layout.WriteBitmapWindows(sink, ramWindow, dumpWindow);
            ulong from = Math.Max(first, layout.SplitStart), to = Math.Min(last, layout.SplitEnd);
            if (from < to)
                dumpablePages += dumpWindow.Rank(to) - dumpWindow.Rank(from);
        }
        bitmaps.Counted();
        layout.PadBitmaps(sink);
        return (dumpablePages, dumpWindow);
    }

    /// <summary>Pass 2: the pages, cycle by cycle (only those of this file's range when split).</summary>
    private static void WritePages(DiskdumpLayout layout, IBitmapSource bitmaps, ulong cycle, PfnBitmap? lastWindow,
        PagePipeline pipeline, PageWriter pages, CancellationToken cancel)
    {
        ulong maxPfn = layout.MaxPfn;
        var range = new (ulong, ulong)[1];
        for (ulong first = 0; first < maxPfn && !pages.Stopped; first += cycle)
        {
            ulong last = Math.Min(first + cycle, maxPfn);
            if (last <= layout.SplitStart || first >= layout.SplitEnd)
                continue;
            PfnBitmap dumpable;
            if (cycle >= maxPfn && lastWindow is not null)
            {
                dumpable = lastWindow; // one cycle: the window of pass 1 is still right
            }
            else
            {
                dumpable = new PfnBitmap(first, last);
                bitmaps.Fill(new PfnBitmap(first, last), dumpable, firstPass: false);
            }
            range[0] = (Math.Max(first, layout.SplitStart), Math.Min(last, layout.SplitEnd));
            pipeline.Run(dumpable, range, pages.Write, cancel);
        }
    }

    /// <summary>Lands the pipeline's batches: page data, then the descriptors of what landed.</summary>
    private sealed class PageWriter
    {
        private readonly IDumpSink _sink;
        private readonly Action<ulong, ulong>? _progress;
        private readonly long _descriptorStart;
        private readonly long _dataStart;
        private readonly PageDescriptor _zeroDescriptor;
        private readonly int _zeroBlockSize;
        private readonly byte[] _descriptorBytes = new byte[PagePipeline.BatchFrames * PageDescriptor.Size_];
        private long _dataCursor;
        private long _descriptorCursor;
        private ulong _done;

        public PageWriter(IDumpSink sink, DiskdumpLayout layout, ulong dumpablePages, Action<ulong, ulong>? progress)
        {
            _sink = sink;
            _progress = progress;
            _descriptorStart = _descriptorCursor = layout.DescriptorOffset;
            _dataStart = _dataCursor = layout.DataStart(dumpablePages);
            _zeroDescriptor = new PageDescriptor(_dataStart, (uint)layout.BlockSize, 0, 0);
            _zeroBlockSize = layout.BlockSize;
            Result = new DiskdumpWriteResult { DumpablePages = dumpablePages };
        }

        public DiskdumpWriteResult Result { get; }
        /// <summary>The output is full: no more pages can land.</summary>
        public bool Stopped { get; private set; }
        /// <summary>The file's size: the end of the data written, at least the end of the descriptor table.</summary>
        public long End => Math.Max(_dataCursor, _dataStart);

        /// <summary>Reserves the descriptor table on disk (see the class comment); false when it does not fit.</summary>
        public bool Reserve()
        {
            if (_sink.IsStream)
                return true;
            try
            {
                _sink.Reserve(_descriptorStart, _dataStart - _descriptorStart);
                return true;
            }
            catch (DumpSpaceException e)
            {
                Result.Incomplete = true;
                Result.IncompleteReason = e.Message;
                Result.NoSpaceFile = e.NoSpace ? e.FilePath : null;
                Result.Size = _descriptorStart;
                return false;
            }
        }

        /// <summary>The block every zero page points at; false when it does not fit.</summary>
        public bool WriteZeroBlock()
        {
            try
            {
                _sink.Write(_dataCursor, new byte[_zeroBlockSize]);
                _dataCursor += _zeroBlockSize;
                return true;
            }
            catch (DumpSpaceException e)
            {
                Stop(e.Message, e);
                return false;
            }
        }

        private void Stop(string reason, DumpSpaceException? cause = null)
        {
            Stopped = true;
            Result.Incomplete = true;
            Result.IncompleteReason = reason;
            Result.NoSpaceFile = cause is { NoSpace: true } ? cause.FilePath : null;
        }

        /// <summary>Writes one batch; false once the output is full.</summary>
        public bool Write(PageBatch batch)
        {
            if (batch.Count == 0)
                return true;
            var (landed, dataBytes) = WriteData(batch);
            WriteDescriptors(batch, landed);
            _dataCursor += dataBytes;
            _descriptorCursor += (long)batch.Count * PageDescriptor.Size_;
            _done += (ulong)batch.Count;
            _progress?.Invoke(_done, Result.DumpablePages);
            return !Stopped;
        }

        /// <summary>As much of the batch's data as the output can take: the pages that landed, and their bytes.</summary>
        private (int Landed, int Bytes) WriteData(PageBatch batch)
        {
            int landed = batch.Count;
            int dataBytes = batch.DataLength;
            long room = _sink.Remaining(_dataCursor);
            if (room < dataBytes)
            {
                // Keep the whole pages that fit under the size limit.
                (landed, dataBytes) = PagesWithin(batch, batch.Count, room);
                Stop($"{_sink.Name}: the size limit (-L) is reached");
            }
            try
            {
                if (dataBytes > 0)
                    _sink.Write(_dataCursor, batch.Data.AsSpan(0, dataBytes));
            }
            catch (DumpSpaceException e)
            {
                // The disk filled up inside this batch: land what still fits, page by
                // page, so the dump keeps every page that made it.
                (landed, dataBytes) = WritePagesUntilFull(batch, landed);
                Stop(e.Message, e);
            }
            return (landed, dataBytes);
        }

        private static (int Landed, int Bytes) PagesWithin(PageBatch batch, int count, long room)
        {
            int landed = 0, bytes = 0;
            for (int k = 0; k < count; k++)
            {
                int size = batch.Pages[k].Kind == PageKind.Data ? batch.Pages[k].Size : 0;
                if (bytes + size > room) break;
                bytes += size;
                landed++;
            }
            return (landed, bytes);
        }

        private (int Landed, int Bytes) WritePagesUntilFull(PageBatch batch, int count)
        {
            int bytes = 0;
            for (int k = 0; k < count; k++)
            {
                int size = batch.Pages[k].Kind == PageKind.Data ? batch.Pages[k].Size : 0;
                if (size > 0)
                {
                    try
                    {
                        _sink.Write(_dataCursor + bytes, batch.Data.AsSpan(bytes, size));
                    }
                    catch (DumpSpaceException)
                    {
                        return (k, bytes);
                    }
                }
                bytes += size;
            }
            return (count, bytes);
        }

        /// <summary>The descriptors of the pages whose data is on disk.</summary>
        private void WriteDescriptors(PageBatch batch, int landed)
        {
            long pos = _dataCursor;
            var d = _descriptorBytes.AsSpan();
            for (int k = 0; k < landed; k++)
            {
                ref var e = ref batch.Pages[k];
                PageDescriptor pd;
                switch (e.Kind)
                {
                    case PageKind.Zero:
                        pd = _zeroDescriptor;
                        Result.ZeroPages++;
                        break;
                    case PageKind.Missing:
                        pd = default;
                        Result.MissingInputPages++;
                        break;
                    default:
                        pd = new PageDescriptor(pos, (uint)e.Size, e.Flags, 0);
                        pos += e.Size;
                        if (e.Flags != 0) Result.CompressedPages++; else Result.RawPages++;
                        break;
                }
                pd.Write(d.Slice(k * PageDescriptor.Size_, PageDescriptor.Size_));
            }
            if (landed > 0)
                _sink.Write(_descriptorCursor, _descriptorBytes.AsSpan(0, landed * PageDescriptor.Size_));
            Result.WrittenPages += (ulong)landed;
        }
    }
}
