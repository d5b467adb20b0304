// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats;

namespace Dumpkit.Makedumpfile.Filtering;

/// <summary>
/// The input as the output must hold it: every page read through it has the erased bytes
/// overwritten (makedumpfile's filter_data_buffer), before the zero-page test and compression,
/// so an erase that leaves a page all zeros lets <c>-d 1</c> drop it as makedumpfile does.
/// Everything else is the wrapped reader's; it stays the caller's to dispose. The frames with erased bytes that were read
/// are noted: they are the ones the output holds, whose erases its eraseinfo records.
/// </summary>
internal sealed class ErasingDumpReader : DumpReader
{
    private readonly DumpReader _inner;
    private readonly Dictionary<ulong, List<(int Offset, int Length, byte Fill)>> _byFrame = [];
    private readonly List<PhysicalErase> _erases;
    private readonly EraseLog _log;
    private readonly HashSet<ulong> _read = [];
    private bool _once;

    public ErasingDumpReader(DumpReader inner, IEnumerable<PhysicalErase> erases, EraseLog? log = null, long plannedEraseinfoSize = 0)
    {
        PlannedEraseinfoSize = plannedEraseinfoSize;
        _inner = inner;
        _erases = [.. erases];
        _log = log ?? new EraseLog();
        PageSize = inner.PageSize;
        MaxPfn = inner.MaxPfn;
        Notes = inner.Notes;
        foreach (var e in _erases)
        {
            ulong pfn = e.Address >> inner.PageShift;
            int offset = (int)(e.Address & (ulong)(inner.PageSize - 1));
            if (!_byFrame.TryGetValue(pfn, out var list))
                _byFrame[pfn] = list = [];
            list.Add((offset, Math.Min(e.Length, inner.PageSize - offset), e.Fill));
        }
    }

    /// <summary>
    /// The eraseinfo's size as makedumpfile estimates it before writing an ELF file (get_size_eraseinfo): a line for every
    /// erase, whether the file will hold its bytes or not.
    /// </summary>
    public long PlannedEraseinfoSize { get; }

    /// <summary>The reader whose pages are erased.</summary>
    public DumpReader Inner => _inner;

    /// <summary>Frames with erased bytes.</summary>
    public int ErasedFrames => _byFrame.Count;

    /// <summary>Forgets the frames read so far (a new output is written); every read erases.</summary>
    public void ForgetReads()
    {
        lock (_read)
        {
            _read.Clear();
            _once = false;
        }
    }

    /// <summary>
    /// Forgets the frames read so far, and from now on erases a frame's bytes only the first time it is read: makedumpfile
    /// writing an ELF file uses each erase up once (extract_filter_info), so a frame two PT_LOADs hold (the kernel's
    /// text and its direct mapping) is erased where the file holds it first and kept as it is where it comes again. The
    /// frames must then be read in the file's order.
    /// </summary>
    public void EraseOnceFromNow()
    {
        lock (_read)
        {
            _read.Clear();
            _once = true;
        }
    }

    /// <summary>The eraseinfo of an output holding the frames read since <see cref="ForgetReads"/> in [first, end).</summary>
    public byte[] Eraseinfo(ulong first = 0, ulong end = ulong.MaxValue)
    {
        lock (_read)
            return _log.Build(_erases, PageShift, pfn => pfn >= first && pfn < end && _read.Contains(pfn));
    }

    public override string Path => _inner.Path;
    public override DumpKind Kind => _inner.Kind;
    public override bool IsIncomplete => _inner.IsIncomplete;
    public override string? VmcoreinfoText => _inner.VmcoreinfoText;
    public override IReadOnlyList<MemorySegment> Segments => _inner.Segments;
    public override IReadOnlyList<string>? Utsname => _inner.Utsname;
    public override long? CrashTime => _inner.CrashTime;
    public override ulong? PhysBaseHint => _inner.PhysBaseHint;
    public override int NrCpus => _inner.NrCpus;
    public override int? FilterLevel => _inner.FilterLevel;
    public override Formats.Codecs.PageCodec Codec => _inner.Codec;
    public override ulong ExcludedFrameCount => _inner.ExcludedFrameCount;
    public override PageState GetPageState(ulong pfn) => _inner.GetPageState(pfn);
    public override IEnumerable<PfnRange> DataRanges() => _inner.DataRanges();
    public override IEnumerable<PfnRange> RamRanges() => _inner.RamRanges();
    public override IEnumerable<PfnRange> RamRanges(ulong first, ulong end) => _inner.RamRanges(first, end);
    public override IEnumerable<PfnRange> DataRanges(ulong first, ulong end) => _inner.DataRanges(first, end);

    public override void ReadPage(ulong pfn, Span<byte> page)
    {
        _inner.ReadPage(pfn, page);
        Apply(pfn, page);
    }

    public override bool TryReadPages(ulong pfn, int count, Span<byte> pages)
    {
        if (!_inner.TryReadPages(pfn, count, pages))
            return false;
        for (int i = 0; i < count; i++)
            Apply(pfn + (ulong)i, pages.Slice(i * PageSize, PageSize));
        return true;
    }

    private void Apply(ulong pfn, Span<byte> page)
    {
        if (!_byFrame.TryGetValue(pfn, out var list))
            return;
        lock (_read)
            if (!_read.Add(pfn) && _once)
                return;
        foreach (var (offset, length, fill) in list)
            page.Slice(offset, length).Fill(fill);
    }

    public override void Dispose() { }
}
