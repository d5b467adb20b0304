using Dumpkit.Formats;
using Dumpkit.Formats.Diskdump;
using Dumpkit.Kernel;

namespace Dumpkit.Makedumpfile;

/// <summary>
/// The two bitmaps of the output, made one window at a time: frames that exist (the input's
/// RAM), and frames to dump (the input's data, less what the dump level's page filter excludes).
/// </summary>
public sealed class DumpBitmaps(DumpReader input, PageFilter? filter, Statistics stats) : IBitmapSource
{
    public void Fill(PfnBitmap ram, PfnBitmap dumpable, bool firstPass)
    {
        ulong first = ram.First, last = ram.Frames;
        if (input is DiskdumpReader kd)
        {
            foreach (var run in kd.RamBitmap.Runs(first, last))
                ram.SetRange(run.Start, run.End);
            foreach (var run in kd.DumpableBitmap.Runs(first, last))
                dumpable.SetRange(run.Start, run.End);
        }
        else
        {
            foreach (var run in input.RamRanges())
                if (run.End > first && run.Start < last)
                    ram.SetRange(run.Start, run.End);
            foreach (var run in input.DataRanges())
                if (run.End > first && run.Start < last)
                    dumpable.SetRange(run.Start, run.End);
        }
        if (filter is not null)
            foreach (var run in ram.Runs(first, last).ToList())
                filter.Exclude(run.Start, run.End, dumpable);
    }

    /// <summary>The filter has seen every frame once: its counts are the statistics.</summary>
    public void Counted()
    {
        if (filter is null)
            return;
        var s = filter.Statistics;
        stats.CachePages = (ulong)s.Cache;
        stats.CachePrivatePages = (ulong)s.CachePrivate;
        stats.UserPages = (ulong)s.User;
        stats.FreePages = (ulong)s.Free;
        stats.HwpoisonPages = (ulong)s.Hwpoison;
        stats.OfflinePages = (ulong)s.Offline;
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
