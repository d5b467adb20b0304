// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats;

namespace Dumpkit.Makedumpfile;

/// <summary>The page table of <c>--show-stats</c>, in makedumpfile's layout.</summary>
internal sealed class Statistics
{
    public ulong OriginalPages { get; }
    public ulong TotalPages { get; }
    public ulong ZeroPages { get; set; }
    public ulong CachePages { get; set; }
    public ulong CachePrivatePages { get; set; }
    public ulong UserPages { get; set; }
    public ulong FreePages { get; set; }
    public ulong HwpoisonPages { get; set; }
    public ulong OfflinePages { get; set; }
    /// <summary>Pages already missing from a filtered input.</summary>
    public ulong PreExcluded { get; }
    public long WriteBytes { get; set; }
    public int PageSize { get; }

    // wholeLastPages: count the frame a segment ends in partway, as makedumpfile's bitmap file does
    public Statistics(DumpReader input, bool wholeLastPages = false)
    {
        TotalPages = input.MaxPfn;
        PageSize = input.PageSize;
        // makedumpfile counts every segment's pages, an ELF vmcore's kernel-text alias included.
        foreach (var seg in input.Segments)
        {
            ulong s = seg.PhysicalAddress >> input.PageShift, e = seg.PhysicalEnd >> input.PageShift;
            if (wholeLastPages && (seg.PhysicalEnd & (ulong)(input.PageSize - 1)) != 0 && seg.Size > 0)
                e = Math.Min(e + 1, input.MaxPfn);
            if (e > s) OriginalPages += e - s;
        }
        PreExcluded = Math.Min(OriginalPages, input.ExcludedFrameCount);
    }

    public void Print(Messages msg)
    {
        ulong excluded = ZeroPages + CachePages + CachePrivatePages + UserPages + FreePages + HwpoisonPages + OfflinePages + PreExcluded;
        ulong remaining = OriginalPages - Math.Min(excluded, OriginalPages);
        msg.ReportLine("");
        msg.ReportLine($"Original pages  : 0x{OriginalPages:x16}");
        msg.ReportLine($"  Excluded pages   : 0x{excluded:x16}");
        msg.ReportLine($"    Pages filled with zero  : 0x{ZeroPages:x16}");
        msg.ReportLine($"    Non-private cache pages : 0x{CachePages:x16}");
        msg.ReportLine($"    Private cache pages     : 0x{CachePrivatePages:x16}");
        msg.ReportLine($"    User process data pages : 0x{UserPages:x16}");
        msg.ReportLine($"    Free pages              : 0x{FreePages:x16}");
        msg.ReportLine($"    Hwpoison pages          : 0x{HwpoisonPages:x16}");
        msg.ReportLine($"    Offline pages           : 0x{OfflinePages:x16}");
        msg.ReportLine($"  Remaining pages  : 0x{remaining:x16}");
        if (OriginalPages > 0)
            msg.ReportLine($"  (The number of pages is reduced to {remaining * 100 / OriginalPages}%.)");
        msg.ReportLine($"Memory Hole     : 0x{TotalPages - Math.Min(TotalPages, OriginalPages):x16}");
        msg.ReportLine("--------------------------------------------------");
        msg.ReportLine($"Total pages     : 0x{TotalPages:x16}");
        msg.ReportLine($"Write bytes     : {WriteBytes}");
    }
}
