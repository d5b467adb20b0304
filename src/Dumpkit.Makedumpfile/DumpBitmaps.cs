// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats;
using Dumpkit.Formats.Diskdump;
using Dumpkit.Kernel;

namespace Dumpkit.Makedumpfile;

/// <summary>
/// The two bitmaps of the output, made one window at a time: frames that exist (the input's
/// RAM), and frames to dump (the input's data, less what the dump level's page filter excludes).
/// </summary>
internal sealed class DumpBitmaps(DumpReader input, PageFilter? filter, Statistics stats) : IBitmapSource
{
    private int _counted;
    private long _fillTicks;

    /// <summary>Time spent making bitmap windows (page classification included), all cycles and passes.</summary>
    public TimeSpan FillTime => System.Diagnostics.Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _fillTicks));

    public void Fill(PfnBitmap ram, PfnBitmap dumpable, bool firstPass)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            FillWindow(ram, dumpable);
        }
        finally
        {
            Interlocked.Add(ref _fillTicks, System.Diagnostics.Stopwatch.GetTimestamp() - start);
        }
    }

    /// <summary>
    /// RAM includes the frame a segment ends in partway, as makedumpfile's bitmap file (<c>--work-dir</c>) does (its
    /// bitmaps made in memory, cycle by cycle, leave it out); the frame has no data to dump either way.
    /// </summary>
    public bool WholeLastPages { get; init; }

    /// <summary>Frames left out of the dump whatever their class: <c>-e</c>'s unused vmemmap, (first, count).</summary>
    public IReadOnlyList<(ulong Start, ulong Count)> Dropped { get; init; } = [];

    private void FillWindow(PfnBitmap ram, PfnBitmap dumpable)
    {
        ulong first = ram.First, last = ram.Frames;
        foreach (var run in input.RamRanges(first, last))
            ram.SetRange(run.Start, run.End);
        if (WholeLastPages)
        {
            ulong mask = (ulong)input.PageSize - 1;
            foreach (var seg in input.Segments)
            {
                ulong pfn = seg.PhysicalEnd >> input.PageShift;
                if ((seg.PhysicalEnd & mask) != 0 && seg.Size > 0 && pfn >= first && pfn < last)
                    ram[pfn] = true;
            }
        }
        foreach (var run in input.DataRanges(first, last))
            dumpable.SetRange(run.Start, run.End);
        if (filter is not null)
            Classify(filter, ram, dumpable, first, last);
        foreach (var (start, count) in Dropped)
            for (ulong pfn = Math.Max(start, first); pfn < Math.Min(start + count, last); pfn++)
                dumpable[pfn] = false;
    }

    /// <summary>Frames classified as one piece of work (256 MiB of 4 KiB pages).</summary>
    private const ulong ClassifyGrain = 1 << 16;

    /// <summary>Threads that classify pages (the copy's thread count).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>
    /// Page classification runs before any page of the window can be written, so it would be the
    /// serial part of every cycle: the window's RAM is cut into pieces classified on all threads
    /// (<see cref="PageFilter.Exclude"/> gives the same bits and counts however the frames are cut).
    /// </summary>
    private void Classify(PageFilter filter, PfnBitmap ram, PfnBitmap dumpable, ulong first, ulong last)
    {
        var pieces = new List<(ulong Start, ulong End)>();
        foreach (var run in ram.Runs(first, last))
            for (ulong s = run.Start; s < run.End;)
            {
                ulong e = Math.Min(run.End, (s / ClassifyGrain + 1) * ClassifyGrain);
                pieces.Add((s, e));
                s = e;
            }
        if (Threads <= 1 || pieces.Count < 2)
        {
            foreach (var (s, e) in pieces)
                filter.Exclude(s, e, dumpable);
            return;
        }
        try
        {
            Parallel.ForEach(pieces, new ParallelOptions { MaxDegreeOfParallelism = Threads },
                piece => filter.Exclude(piece.Start, piece.End, dumpable));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
    }

    /// <summary>The filter has seen every frame once: its counts are the statistics.</summary>
    public void Counted()
    {
        // Several writers (a --split set) each count once: the first count is the statistics.
        if (filter is null || Interlocked.Exchange(ref _counted, 1) != 0)
            return;
        var s = filter.Statistics;
        stats.CachePages = (ulong)s.Cache;
        stats.CachePrivatePages = (ulong)s.CachePrivate;
        stats.UserPages = (ulong)s.User;
        stats.FreePages = (ulong)s.Free;
        stats.HwpoisonPages = (ulong)s.Hwpoison;
        stats.OfflinePages = (ulong)s.Offline;
    }

    /// <summary>
    /// Cut [0, MaxPfn) into <paramref name="parts"/> ranges holding about the same number of
    /// dumpable frames (boundaries on multiples of 512 frames), for <c>--split</c>.
    /// </summary>
    public List<(ulong Start, ulong End)> Balance(int parts, ulong cycleFrames)
    {
        const ulong Grain = 512;
        ulong max = input.MaxPfn;
        var counts = new List<ulong>();
        for (ulong first = 0; first < max; first += cycleFrames)
        {
            ulong last = Math.Min(first + cycleFrames, max);
            var ram = new PfnBitmap(first, last);
            var dumpable = new PfnBitmap(first, last);
            Fill(ram, dumpable, firstPass: true);
            for (ulong g = first; g < last; g += Grain)
                counts.Add(dumpable.Rank(Math.Min(g + Grain, last)) - dumpable.Rank(g));
        }
        Counted();
        ulong total = 0;
        foreach (var c in counts) total += c;
        var ranges = new List<(ulong, ulong)>();
        ulong start = 0, acc = 0;
        int part = 1;
        for (int i = 0; i < counts.Count && part < parts; i++)
        {
            acc += counts[i];
            if (acc >= total * (ulong)part / (ulong)parts)
            {
                ulong end = Math.Min((ulong)(i + 1) * Grain, max);
                ranges.Add((start, end));
                start = end;
                part++;
            }
        }
        while (ranges.Count < parts - 1)
            ranges.Add((start, start)); // fewer grains than parts: empty parts
        ranges.Add((start, max));
        return ranges;
    }

    /// <summary>Both bitmaps whole (ELF output needs them so).</summary>
    public (PfnBitmap Ram, PfnBitmap Dumpable) Whole()
    {
        var ram = new PfnBitmap(input.MaxPfn);
        var dumpable = new PfnBitmap(input.MaxPfn);
        Fill(ram, dumpable, firstPass: true);
        Counted();
        return (ram, dumpable);
    }
}
