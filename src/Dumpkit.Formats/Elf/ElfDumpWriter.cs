// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using Dumpkit.Formats.IO;

namespace Dumpkit.Formats.Elf;

/// <summary>A PT_LOAD to reproduce in the output: physical and virtual start, and length in memory.</summary>
public readonly record struct ElfSegment(ulong PAddr, ulong VAddr, ulong MemSize);

/// <summary>
/// Writes an ELF64 vmcore (<c>makedumpfile -E</c>): the input's note segment and its PT_LOADs,
/// each cut where at least <see cref="CutRun"/> consecutive pages are excluded, as makedumpfile's
/// write_elf_pages_cyclic cuts them. A shorter run of excluded pages inside a load keeps the input's
/// bytes (makedumpfile copies a load's file bytes whole), trailing ones lie beyond p_filesz. With
/// erased bytes the note segment ends in makedumpfile's ERASEINFO note. e_flags bit 0 (incomplete)
/// stays set until the last byte is on disk.
/// <para>
/// The pages come through the <see cref="PagePipeline"/>, twice when zero pages are excluded:
/// the program headers (which lead the file) depend on which pages are zero, so a first pass
/// only classifies the kept pages, and the second writes the segments.
/// </para>
/// </summary>
public static class ElfDumpWriter
{
    /// <summary>Runs of excluded pages at least this long split a segment (as makedumpfile does).</summary>
    public const int CutRun = 256;

    /// <summary>A PT_LOAD; HasOffset: its p_offset is where it would start even without file bytes (a segment's last).</summary>
    private readonly record struct Load(ulong PAddr, ulong VAddr, ulong MemSize, ulong FileSize, bool HasOffset);

    /// <summary>
    /// Write the vmcore of the pages set in <paramref name="keep"/>, from which the zero pages are
    /// cleared first when <see cref="ElfDumpWriterOptions.ExcludeZero"/> is set. When the output
    /// runs out of room the file stays marked incomplete and the result says why.
    /// </summary>
    public static ElfWriteResult Write(IDumpSink sink, DumpReader input, IReadOnlyList<ElfSegment> segments, PfnBitmap keep,
        byte[] notes, ElfDumpWriterOptions o)
    {
        ulong cycle = Math.Max(PagePipeline.BatchFrames, o.CycleFrames);
        ulong zeroPages = o.ExcludeZero ? DropZeroPages(input, keep, o.Threads, cycle) : 0;
        var loads = CutLoads(segments, keep, input.PageShift);
        var head = Headers(loads, notes, o.EraseinfoSize, o.NoteHeader, out long dataOffset, out long eraseinfoOffset);
        var data = new LoadWriter(sink, loads, dataOffset, input.PageShift, cycle, o.Progress);
        try
        {
            sink.Write(0, head);
            o.BeforeData?.Invoke();
            using (var pipeline = new PagePipeline(input, new PagePipelineOptions { Threads = o.DataInFileOrder ? 1 : o.Threads }))
                data.WriteAll(pipeline);
            if (o.EraseinfoSize > 0)
                WriteEraseinfo(sink, eraseinfoOffset, o.EraseinfoSize, o.Eraseinfo?.Invoke() ?? []);
            sink.Flush();
            ElfHeader.WriteCore(head, ElfLayout.EM_X86_64, 1 + loads.Count, 0);
            sink.Write(0, head.AsSpan(0, ElfLayout.EhdrSize));
            sink.Complete();
        }
        catch (DumpSpaceException e)
        {
            return new ElfWriteResult { Size = data.End, ZeroPages = zeroPages, Incomplete = true, IncompleteReason = e.Message,
                NoSpaceFile = e.NoSpace ? e.FilePath : null };
        }
        return new ElfWriteResult { Size = data.End, ZeroPages = zeroPages };
    }

    /// <summary>
    /// Clears the zero pages from <paramref name="keep"/> (they read back as zero anyway), cycle by
    /// cycle: the pipeline's bitmap may not change while it runs, so a cycle's zero pages are
    /// gathered in a window and cleared after it. The number of pages cleared.
    /// </summary>
    private static ulong DropZeroPages(DumpReader input, PfnBitmap keep, int threads, ulong cycle)
    {
        using var pipeline = new PagePipeline(input,
            new PagePipelineOptions { ExcludeZero = true, StoreData = false, Threads = threads });
        ulong zeroPages = 0;
        var range = new (ulong, ulong)[1];
        for (ulong first = keep.First; first < keep.Frames; first += cycle)
        {
            ulong last = Math.Min(first + cycle, keep.Frames);
            var zero = new PfnBitmap(first, last);
            range[0] = (first, last);
            pipeline.Run(keep, range, batch =>
            {
                for (int k = 0; k < batch.Count; k++)
                    if (batch.Pages[k].Kind == PageKind.Zero)
                        zero[batch.Pages[k].Pfn] = true;
                return true;
            });
            foreach (var run in zero.Runs(first, last))
                for (ulong p = run.Start; p < run.End; p++)
                {
                    keep[p] = false;
                    zeroPages++;
                }
        }
        return zeroPages;
    }

    /// <summary>
    /// The PT_LOADs of the output, cut as makedumpfile cuts them: walking each segment's frames, a run of at least
    /// <see cref="CutRun"/> frames not kept that a kept frame follows ends a load (the run its memory beyond the file
    /// bytes; a run at the start of a segment is a load without file bytes); a shorter run stays in the file with the
    /// input's bytes; a run at the segment's end lies beyond p_filesz. A partial first page is always in the file.
    /// </summary>
    private static List<Load> CutLoads(IReadOnlyList<ElfSegment> segments, PfnBitmap keep, int shift)
    {
        var loads = new List<Load>();
        ulong page = 1UL << shift;
        foreach (var seg in segments)
        {
            ulong first = seg.PAddr >> shift, end = (seg.PAddr + seg.MemSize) >> shift;
            ulong head = page - (seg.PAddr & (page - 1)), tail = (seg.PAddr + seg.MemSize) & (page - 1);
            ulong memSize = 0, fileSize = 0, excluded = 0, paddr = seg.PAddr, vaddr = seg.VAddr;
            if (head != page)
            {
                head = Math.Min(head, seg.MemSize);   // a segment within one page is that partial page alone
                (memSize, fileSize) = (head, head);
                first++;
            }
            if (tail != 0 && end >= first)
                end++;
            for (ulong pfn = first; pfn < end; pfn++)
            {
                ulong n = pfn == end - 1 && tail != 0 ? tail : page;
                memSize += n;
                if (!keep[pfn])
                {
                    excluded++;
                    continue;
                }
                if (excluded < CutRun)
                {
                    fileSize += excluded * page + n;
                    excluded = 0;
                    continue;
                }
                memSize -= n;
                loads.Add(new Load(paddr, vaddr, memSize, fileSize, fileSize > 0));
                (paddr, vaddr) = (paddr + memSize, vaddr + memSize);
                (memSize, fileSize, excluded) = (n, n, 0);   // the kept frame starts the next load (a partial last page too)
            }
            loads.Add(new Load(paddr, vaddr, memSize, fileSize, true));
        }
        return loads;
    }

    /// <summary>The ERASEINFO note's name, as makedumpfile names it (with its NUL, padded to 4 bytes in the note).</summary>
    private static ReadOnlySpan<byte> EraseinfoName => "ERASEINFO\0"u8;

    /// <summary>
    /// ELF header (marked incomplete), PT_NOTE (the input's <paramref name="note"/>, moved), the PT_LOADs and the notes;
    /// where the data starts. With an eraseinfo of <paramref name="eraseinfoSize"/> bytes (makedumpfile's estimate, made
    /// before the pages are written) the PT_NOTE grows by an ERASEINFO note of that size, type 0, after the input's notes;
    /// where its text goes.
    /// </summary>
    private static byte[] Headers(List<Load> loads, byte[] notes, long eraseinfoSize, ElfPhdr? note, out long dataOffset,
        out long eraseinfoOffset)
    {
        int phnum = 1 + loads.Count;
        long notesOffset = ElfLayout.EhdrSize + (long)phnum * ElfLayout.PhdrSize;
        long notesSize = notes.Length;
        eraseinfoOffset = 0;
        if (eraseinfoSize > 0)
        {
            int nameSize = (EraseinfoName.Length + 3) & ~3;
            notesSize += 12 + nameSize + ((eraseinfoSize + 3) & ~3L);
            long noteAt = notesOffset + ((notes.Length + 3) & ~3);
            eraseinfoOffset = noteAt + 12 + nameSize;
        }
        dataOffset = notesOffset + notesSize;
        var head = new byte[dataOffset];
        ElfHeader.WriteCore(head, ElfLayout.EM_X86_64, phnum, ElfLayout.ElfIncomplete);
        // makedumpfile grows p_filesz alone: p_memsz stays the input's notes' size
        var n = note ?? new ElfPhdr(ElfLayout.PT_NOTE, 0, 0, 0, 0, 0, (ulong)notes.Length, 0);
        (n with { Offset = (ulong)notesOffset, FileSize = (ulong)notesSize }).Write(head.AsSpan(ElfLayout.EhdrSize));
        if (eraseinfoSize > 0)
        {
            var nhdr = head.AsSpan((int)(eraseinfoOffset - 12 - ((EraseinfoName.Length + 3) & ~3)));
            BinaryPrimitives.WriteUInt32LittleEndian(nhdr, (uint)EraseinfoName.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(nhdr[4..], (uint)eraseinfoSize);
            BinaryPrimitives.WriteUInt32LittleEndian(nhdr[8..], 0);
            EraseinfoName.CopyTo(nhdr[12..]);
        }
        long cursor = dataOffset;
        for (int i = 0; i < loads.Count; i++)
        {
            var l = loads[i];
            ulong off = l.FileSize > 0 || l.HasOffset ? (ulong)cursor : 0;
            new ElfPhdr(ElfLayout.PT_LOAD, 7, off, l.VAddr, l.PAddr, l.FileSize, l.MemSize, 0)
                .Write(head.AsSpan(ElfLayout.EhdrSize + (i + 1) * ElfLayout.PhdrSize));
            cursor += (long)l.FileSize;
        }
        notes.CopyTo(head, (int)notesOffset);
        return head;
    }

    /// <summary>
    /// The eraseinfo text into its note, as much as the estimate has room for; the rest of the estimate stays zeros
    /// (makedumpfile's estimate counts every erase, the text only those whose bytes the file holds).
    /// </summary>
    private static void WriteEraseinfo(IDumpSink sink, long offset, long size, byte[] text)
    {
        var b = new byte[size];
        text.AsSpan(0, (int)Math.Min(text.Length, size)).CopyTo(b);
        sink.Write(offset, b);
    }

    /// <summary>
    /// Writes the file bytes of the loads, one after the other, from the pipeline's batches: kept
    /// pages as read, every other byte zero. Bytes are gathered into writes of up to 256 pages,
    /// each load ending with its own write.
    /// </summary>
    private sealed class LoadWriter
    {
        private readonly IDumpSink _sink;
        private readonly List<Load> _loads;
        private readonly int _shift;
        private readonly int _pageSize;
        private readonly Action<ulong, ulong>? _progress;
        private readonly byte[] _zeros;
        private readonly byte[] _buffer;
        private readonly ulong _total;
        /// <summary>Frames per run of the pipeline, which plans its batches a run at a time.</summary>
        private readonly ulong _runFrames;
        private readonly List<(ulong Start, ulong End, int Load)> _pieces;
        private int _firstPiece;
        private int _fill;
        private int _load = -1;
        private ulong _addr;
        private ulong _done;

        public LoadWriter(IDumpSink sink, List<Load> loads, long dataOffset, int shift, ulong runFrames,
            Action<ulong, ulong>? progress)
        {
            _runFrames = runFrames;
            _sink = sink;
            _loads = loads;
            _shift = shift;
            _pageSize = 1 << shift;
            _progress = progress;
            _zeros = new byte[_pageSize];
            _buffer = new byte[256 * _pageSize];
            End = dataOffset;
            foreach (var l in loads) _total += l.FileSize / (ulong)_pageSize + 1;
            _pieces = Pieces();
        }

        /// <summary>Where the next byte goes; the file's size once finished.</summary>
        public long End { get; private set; }

        /// <summary>
        /// The frames of each load's file bytes, in load order, cut into pieces of at most
        /// <c>runFrames</c> frames (a load without file bytes has one empty piece).
        /// </summary>
        private List<(ulong Start, ulong End, int Load)> Pieces()
        {
            var pieces = new List<(ulong, ulong, int)>();
            ulong mask = (ulong)_pageSize - 1;
            for (int i = 0; i < _loads.Count; i++)
            {
                var l = _loads[i];
                ulong first = l.PAddr >> _shift;
                ulong end = l.FileSize == 0 ? first : (l.PAddr + l.FileSize + mask) >> _shift;
                do
                {
                    ulong stop = Math.Min(end, first + _runFrames);
                    pieces.Add((first, stop, i));
                    first = stop;
                } while (first < end);
            }
            return pieces;
        }

        /// <summary>
        /// Runs the pipeline over the pieces, about <c>runFrames</c> frames at a time, so
        /// that its batch plan stays the size of one cycle's, whatever the dump size. Every frame of the file bytes is
        /// read, kept or not: a short run of frames not kept holds the input's bytes, as makedumpfile copies it.
        /// </summary>
        public void WriteAll(PagePipeline pipeline)
        {
            var ranges = new List<(ulong, ulong)>();
            ulong frames = 0;
            for (int i = 0; i < _pieces.Count; i++)
            {
                var (start, end, _) = _pieces[i];
                if (ranges.Count > 0 && frames + (end - start) > _runFrames)
                {
                    pipeline.Run(Selected(ranges), ranges, Write);
                    _firstPiece = i;
                    ranges.Clear();
                    frames = 0;
                }
                ranges.Add((start, end));
                frames += end - start;
            }
            if (ranges.Count > 0)
                pipeline.Run(Selected(ranges), ranges, Write);
            _progress?.Invoke(_total, _total);
        }

        /// <summary>A window of every frame in <paramref name="ranges"/>.</summary>
        private static PfnBitmap Selected(List<(ulong Start, ulong End)> ranges)
        {
            ulong first = ulong.MaxValue, last = 0;
            foreach (var (start, end) in ranges)
                (first, last) = (Math.Min(first, start), Math.Max(last, end));
            var selected = new PfnBitmap(first & ~63UL, Math.Max(last, first & ~63UL));
            foreach (var (start, end) in ranges)
                selected.SetRange(start, end);
            return selected;
        }

        private bool Write(PageBatch batch)
        {
            int piece = _firstPiece + batch.Range;
            int load = _pieces[piece].Load;
            var l = _loads[load];
            if (load != _load)
            {
                _load = load;
                _addr = l.PAddr;
            }
            ulong end = l.PAddr + l.FileSize;
            ulong stop = Math.Min(end, batch.End << _shift);
            int k = 0, dataAt = 0;
            while (_addr < stop)
            {
                ulong pfn = _addr >> _shift;
                int inPage = (int)(_addr & (ulong)(_pageSize - 1));
                int n = (int)Math.Min((ulong)(_pageSize - inPage), end - _addr);
                for (; k < batch.Count && batch.Pages[k].Pfn < pfn; k++)
                    dataAt += batch.Pages[k].Size;
                ReadOnlySpan<byte> page = k < batch.Count && batch.Pages[k].Pfn == pfn && batch.Pages[k].Kind == PageKind.Data
                    ? batch.Data.AsSpan(dataAt, _pageSize)
                    : _zeros;
                page.Slice(inPage, n).CopyTo(_buffer.AsSpan(_fill));
                _fill += n;
                _addr += (ulong)n;
                if (_fill > _buffer.Length - _pageSize)
                    Drain();
                if ((++_done & 1023) == 0) _progress?.Invoke(_done, _total);
            }
            bool endsLoad = batch.EndsRange && (piece + 1 == _pieces.Count || _pieces[piece + 1].Load != load);
            if (endsLoad && _fill > 0)
                Drain();
            return true;
        }

        private void Drain()
        {
            _sink.Write(End, _buffer.AsSpan(0, _fill));
            End += _fill;
            _fill = 0;
        }
    }
}
