// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers;
using Dumpkit.Formats;
using Dumpkit.Kernel.Mm;

namespace Dumpkit.Kernel;

/// <summary>
/// Decides which page frames a dump level leaves out, from the crashed kernel's <c>struct page</c>
/// array alone (VMCOREINFO + page tables), with the rules of upstream makedumpfile 1.7.9's
/// <c>__exclude_unnecessary_pages</c>. Bad or missing kernel data never throws: it is reported on the
/// warnings writer and the pages concerned are kept.
/// </summary>
public sealed class PageFilter
{
    private const int Batch = 512; // PGMM_CACHED
    private const int MaxWarnings = 50;

    private readonly DumpReader _dump;
    private readonly TextWriter _warnings;
    private readonly (ulong Start, ulong End)[] _segs; // physical byte ranges of the input's memory segments, merged
    private readonly ulong _lookback;
    private int _warningCount;
    private int _unreadableWarned;

    public DumpLevel DumpLevel { get; }
    public KernelMemory? Memory { get; }
    public MemSections? Sections { get; }
    public PageFlags? Flags { get; }
    public KernelVersion? Version { get; }

    /// <summary>False when nothing can be classified (pages are all kept); the warnings say why.</summary>
    public bool IsActive { get; }

    public FilterStatistics Statistics { get; } = new();

    private PageFilter(DumpReader dump, DumpLevel dumpLevel, TextWriter warnings, KernelMemory? mem, MemSections? sections,
        PageFlags? flags, KernelVersion? version, bool active)
    {
        _dump = dump;
        DumpLevel = dumpLevel;
        _warnings = warnings;
        Memory = mem;
        Sections = sections;
        Flags = flags;
        Version = version;
        IsActive = active;
        _segs = SegmentsOf(dump);
        long maxOrder = flags is { FreeAreaLength: > 0 and <= 21 } ? flags.FreeAreaLength - 1 : 10;
        _lookback = 1UL << (int)Math.Max(maxOrder, 9);
    }

    public static PageFilter Create(DumpReader dump, Vmcoreinfo info, DumpLevel dumpLevel, TextWriter warnings)
    {
        warnings = TextWriter.Synchronized(warnings);
        var version = KernelVersion.Parse(info.OsRelease);
        PageFilter Inactive(KernelMemory? m = null, MemSections? s = null, PageFlags? f = null) =>
            new(dump, dumpLevel, warnings, m, s, f, version, false);

        if ((int)dumpLevel is < 0 or > (int)DumpLevel.All)
        {
            warnings.WriteLine($"WARNING: dump level {(int)dumpLevel} is outside 0-31; no page is excluded by type.");
            return Inactive();
        }
        if (version is null)
        {
            warnings.WriteLine($"WARNING: the kernel version is unknown (OSRELEASE={info.OsRelease ?? "missing"}); no page is excluded by type.");
            return Inactive();
        }
        if (!version.Value.IsSupported)
        {
            warnings.WriteLine($"The kernel version is not supported ({version}; supported: {KernelVersion.Oldest} to {KernelVersion.Latest}).");
            warnings.WriteLine("The makedumpfile operation may be incomplete.");
        }
        if (dump.PageSize != 4096 || (info.PageSize is int ps && ps != dump.PageSize))
        {
            warnings.WriteLine($"WARNING: page size {info.PageSize?.ToString() ?? "?"} (VMCOREINFO) / {dump.PageSize} (dump) " +
                "is not the 4096 of x86_64; no page is excluded by type.");
            return Inactive();
        }

        var flags = PageFlags.Create(info, version.Value, warnings);
        if (flags is null)
            return Inactive();
        if (!flags.RunsFor(dumpLevel))
            return Inactive(f: flags);
        if ((dumpLevel & DumpLevel.Free) != 0 && flags.BuddyMethod == 0)
            warnings.WriteLine("WARNING: VMCOREINFO has no PAGE_BUDDY_MAPCOUNT_VALUE / PG_buddy: free pages cannot be identified and are kept.");

        var mem = new KernelMemory(dump, info);
        if (mem.PageTables is null)
            warnings.WriteLine("WARNING: VMCOREINFO has no SYMBOL(init_top_pgt): translating only kernel text and the direct map.");
        var sections = MemSections.Load(mem, dump.MaxPfn, warnings);
        if (sections is null)
            return Inactive(mem, null, flags);
        if (sections.PageStructSize != flags.PageStructSize)
        {
            warnings.WriteLine("WARNING: SIZE(page) is inconsistent; keeping all pages.");
            return Inactive(mem, sections, flags);
        }
        return new PageFilter(dump, dumpLevel, warnings, mem, sections, flags, version, true);
    }

    private static (ulong, ulong)[] SegmentsOf(DumpReader dump)
    {
        var list = new List<(ulong, ulong)>();
        foreach (var seg in dump.Segments)
            if (seg.Size > 0)
                list.Add((seg.PhysicalAddress, seg.PhysicalEnd));
        list.Sort();
        var merged = new List<(ulong Start, ulong End)>();
        foreach (var (s, e) in list)
        {
            if (merged.Count > 0 && s <= merged[^1].End)
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, e));
            else
                merged.Add((s, e));
        }
        return merged.ToArray();
    }

    /// <summary>makedumpfile's is_in_segs: the frame's first byte lies in one of the input's memory segments
    /// (PT_LOADs, or RAM runs of a kdump-compressed input).</summary>
    private bool InSegs(ulong pfn)
    {
        if (_segs.Length == 0)
            return _dump.GetPageState(pfn) != PageState.Hole;
        ulong addr = pfn << _dump.PageShift;
        // Segments are merged, sorted and disjoint: the last one starting at or below addr decides.
        int lo = 0, hi = _segs.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_segs[mid].Start <= addr) lo = mid + 1; else hi = mid;
        }
        if (lo > 0 && addr < _segs[lo - 1].End) return true;
        return false;
    }

    private void Warn(string message)
    {
        int n = Interlocked.Increment(ref _warningCount);
        if (n <= MaxWarnings) _warnings.WriteLine(message);
        else if (n == MaxWarnings + 1) _warnings.WriteLine("WARNING: further page-filter warnings suppressed.");
    }

    /// <summary>
    /// Clears, in <paramref name="dumpable"/>, the bits of frames in [startPfn, endPfn) that the level
    /// excludes. Thread safe (bitmap updates are serialized on <paramref name="dumpable"/>); calls over
    /// disjoint ranges give the same result in any order.
    /// </summary>
    public void Exclude(ulong startPfn, ulong endPfn, PfnBitmap dumpable)
    {
        if (!IsActive || Sections is null || Flags is null || Memory is null)
            return;
        endPfn = Math.Min(endPfn, Sections.MaxPfn);
        if (startPfn >= endPfn)
            return;

        var pending = new List<(ulong Start, ulong End, PageClass Class)>();
        int size = Flags.PageStructSize;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Batch * size);
        byte[] headBuf = ArrayPool<byte>.Shared.Rent(2 * size);
        try
        {
            ulong walkFrom = startPfn & ~(_lookback - 1);
            ulong sectionStart = walkFrom & ~(Sections.PagesPerSection - 1);
            ulong carry = 0; // where the previous section's walk stopped (a range it excluded may reach past it)
            for (ulong s = sectionStart; s < endPfn; s += Sections.PagesPerSection)
            {
                if (!Sections.TryGetRange(s, out var range) || range.IsHole)
                    continue;
                ulong from = Math.Max(Math.Max(range.StartPfn, walkFrom), carry);
                ulong to = Math.Min(range.EndPfn, endPfn);
                if (from < to)
                    carry = WalkSection(range, from, to, startPfn, endPfn, buffer, headBuf, pending);
                if (pending.Count > 4096)
                    Flush(pending, dumpable);
            }
            Flush(pending, dumpable);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(headBuf);
        }
    }

    private ulong WalkSection(MemMapRange range, ulong from, ulong to, ulong clipStart, ulong clipEnd, byte[] buffer, byte[] headBuf,
        List<(ulong, ulong, PageClass)> pending)
    {
        var flags = Flags!;
        int size = flags.PageStructSize;
        ulong readStart = ulong.MaxValue, readEnd = 0; // [readStart, readEnd) held in buffer
        bool allValid = false;
        Span<bool> valid = stackalloc bool[Batch];
        ulong tailsResolvedUntil = 0;

        ulong pfn = from;
        while (pfn < to)
        {
            if (!InSegs(pfn)) { pfn++; continue; }
            if (pfn < readStart || pfn >= readEnd)
            {
                readStart = pfn;
                readEnd = Math.Min((pfn / Batch + 1) * Batch, range.EndPfn);
                ulong addr = range.MemMap + (pfn - range.StartPfn) * (ulong)size;
                int count = (int)(readEnd - readStart);
                allValid = Memory!.TryReadVirtual(addr, buffer.AsSpan(0, count * size));
                if (!allValid)
                {
                    // Some struct pages are unreadable: take the readable ones one by one.
                    ulong badPage = ulong.MaxValue; // a 4 KiB page of mem_map known to be unreadable
                    for (int i = 0; i < count; i++)
                    {
                        ulong a = addr + (ulong)(i * size), last = a + (ulong)size - 1;
                        valid[i] = (a >> 12) != badPage && (last >> 12) != badPage
                            && Memory.TryReadVirtual(a, buffer.AsSpan(i * size, size));
                        if (!valid[i] && (a >> 12) == (last >> 12))
                            badPage = a >> 12;
                    }
                    if (Interlocked.Exchange(ref _unreadableWarned, 1) == 0)
                        Warn($"WARNING: cannot read the struct page of pfn 0x{pfn:x} or nearby (mem_map 0x{addr:x}); " +
                            "frames whose struct page is unreadable are kept.");
                }
            }

            int idx = (int)(pfn - readStart);
            if (!allValid && !valid[idx])
            {
                if (pfn >= clipStart && pfn < clipEnd) Statistics.AddUnreadable(1);
                pfn++;
                continue;
            }
            var page = buffer.AsSpan(idx * size, size);
            var next = pfn + 1 < readEnd && (allValid || valid[idx + 1]) ? buffer.AsSpan((idx + 1) * size, size) : Span<byte>.Empty;
            var cls = flags.Classify(page, next, pfn, DumpLevel, out ulong pages, out string? warning);
            if (warning is not null && pfn >= clipStart) Warn(warning);

            if (cls == PageClass.Tail)
            {
                ulong tailAddr = range.MemMap + (pfn - range.StartPfn) * (ulong)size;
                if (pfn >= tailsResolvedUntil && ResolveTail(page, tailAddr, from, headBuf, out ulong head, out var headCls, out ulong headPages))
                {
                    tailsResolvedUntil = head + headPages;
                    if (headCls is not PageClass.Keep and not PageClass.Tail)
                    {
                        Add(pending, head, head + headPages, clipStart, clipEnd, headCls);
                        pfn = Math.Max(pfn + 1, head + headPages);
                        continue;
                    }
                }
                pfn++;
                continue;
            }
            if (cls == PageClass.Keep) { pfn++; continue; }
            Add(pending, pfn, pfn + pages, clipStart, clipEnd, cls);
            pfn += pages;
        }
        return pfn;
    }

    /// <summary>
    /// A compound tail whose head lies before the walk start: classify the head, as makedumpfile's
    /// sequential walk would have when it passed it.
    /// </summary>
    private bool ResolveTail(ReadOnlySpan<byte> tail, ulong tailAddr, ulong walkStart, byte[] headBuf, out ulong headPfn, out PageClass cls, out ulong pages)
    {
        cls = PageClass.Keep;
        pages = 1;
        headPfn = 0;
        var flags = Flags!;
        ulong headAddr = flags.CompoundHeadOf(tail, tailAddr);
        if (headAddr == 0 || !Sections!.TryGetPfn(headAddr, walkStart, out headPfn) || headPfn >= walkStart)
            return false;
        int size = flags.PageStructSize;
        if (!InSegs(headPfn) || !Memory!.TryReadVirtual(headAddr, headBuf.AsSpan(0, 2 * size)))
            return false;
        var next = headPfn % Batch < Batch - 1 && Sections.TryGetRange(headPfn + 1, out var r) && r.StartPfn <= headPfn
            ? headBuf.AsSpan(size, size) : Span<byte>.Empty;
        cls = flags.Classify(headBuf.AsSpan(0, size), next, headPfn, DumpLevel, out pages, out _);
        return true;
    }

    private static void Add(List<(ulong, ulong, PageClass)> pending, ulong s, ulong e, ulong clipStart, ulong clipEnd, PageClass c)
    {
        s = Math.Max(s, clipStart);
        e = Math.Min(e, clipEnd);
        if (s >= e)
            return;
        if (pending.Count > 0 && pending[^1] is var (ps, pe, pc) && pc == c && pe == s)
            pending[^1] = (ps, e, c); // extend the previous run
        else
            pending.Add((s, e, c));
    }

    private void Flush(List<(ulong Start, ulong End, PageClass Class)> pending, PfnBitmap dumpable)
    {
        if (pending.Count == 0)
            return;
        lock (dumpable)
        {
            foreach (var (s, e, c) in pending)
            {
                Statistics.Add(c, (long)(e - s));
                ulong end = Math.Min(e, dumpable.Frames);
                for (ulong p = s; p < end; p++)
                    dumpable[p] = false;
            }
        }
        pending.Clear();
    }
}
