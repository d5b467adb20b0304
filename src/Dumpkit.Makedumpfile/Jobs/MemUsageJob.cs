// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Mm;

namespace Dumpkit.Makedumpfile;

/// <summary>
/// <c>--mem-usage VMCORE</c>: how many pages of each class the kernel's memory holds, as
/// makedumpfile's table prints them. Every page is classified at dump level 31 and read (to count
/// zero pages) as for a dump, which is then thrown away. On /proc/kcore the <c>crashkernel=</c> reservation is left out
/// (<see cref="CrashKernelRanges"/>), as makedumpfile leaves it out.
/// </summary>
internal sealed class MemUsageJob
{
    public required string Input { get; init; }
    public string? VmcoreinfoFile { get; init; }
    public bool Mmap { get; init; } = true;
    public int Threads { get; init; }

    public int Run(Messages msg)
    {
        Statistics? counted = null;
        var job = new DumpJob
        {
            Input = Input, VmcoreinfoFile = VmcoreinfoFile, Mmap = Mmap, Threads = Threads, LeaveOut = CrashKernelRanges.ForInput(Input),
            FlattenedTo = Stream.Null, Levels = [(DumpLevel)31], MessageLevel = 0, Finished = s => counted = s,
        };
        var quiet = new Messages(TextWriter.Null, msg.Err, msg.Level & Messages.Error, false);
        int rc = job.Run(quiet);
        if (rc != JobRunner.Ok || counted is not Statistics s)
            return JobRunner.Failed;
        Print(s, (ulong)s.PageSize, msg);
        return JobRunner.Ok;
    }

    /// <summary>makedumpfile's print_mem_usage layout (tabs as it prints them).</summary>
    internal static void Print(Statistics s, ulong pageSize, Messages msg)
    {
        ulong original = s.OriginalPages;
        ulong excluded = s.ZeroPages + s.CachePages + s.CachePrivatePages + s.UserPages + s.FreePages + s.HwpoisonPages
            + s.OfflinePages;
        msg.Info("");
        msg.Info("TYPE\t\tPAGES\t\t\tEXCLUDABLE\tDESCRIPTION");
        msg.Info("----------------------------------------------------------------------");
        msg.Info($"ZERO\t\t{s.ZeroPages,-16}\tyes\t\tPages filled with zero");
        msg.Info($"NON_PRI_CACHE\t{s.CachePages,-16}\tyes\t\tCache pages without private flag");
        msg.Info($"PRI_CACHE\t{s.CachePrivatePages,-16}\tyes\t\tCache pages with private flag");
        msg.Info($"USER\t\t{s.UserPages,-16}\tyes\t\tUser process pages");
        msg.Info($"FREE\t\t{s.FreePages,-16}\tyes\t\tFree pages");
        msg.Info($"KERN_DATA\t{original - Math.Min(original, excluded),-16}\tno\t\tDumpable kernel data ");
        msg.Info("");
        msg.Info($"page size:\t\t{pageSize,-16}");
        msg.Info($"Total pages on system:\t{original,-16}");
        msg.Info($"Total size on system:\t{original * pageSize,-16} Byte");
    }
}

/// <summary>How many pages of each class a kernel's memory holds (what <c>--mem-usage</c> prints).</summary>
public sealed record PageCensus(ulong PageSize, ulong TotalPages, ulong ZeroPages, ulong CachePages, ulong CachePrivatePages,
    ulong UserPages, ulong FreePages, ulong OtherExcludedPages)
{
    /// <summary>Pages a dump at <paramref name="level"/> keeps (makedumpfile's bits: 1 zero, 2 cache without private
    /// data, 4 all cache, 8 user, 16 free).</summary>
    public ulong KeptPages(int level)
    {
        ulong excluded = OtherExcludedPages;
        if ((level & 1) != 0) excluded += ZeroPages;
        if ((level & 4) != 0) excluded += CachePages + CachePrivatePages;
        else if ((level & 2) != 0) excluded += CachePages;
        if ((level & 8) != 0) excluded += UserPages;
        if ((level & 16) != 0) excluded += FreePages;
        return TotalPages - Math.Min(TotalPages, excluded);
    }

    /// <summary>
    /// The census of <paramref name="input"/> (<c>/proc/kcore</c> or a dump), as <c>makedumpfile --mem-usage</c> takes
    /// it (the <c>crashkernel=</c> reservation left out of /proc/kcore); null when it cannot be taken, with makedumpfile's
    /// messages on <paramref name="errors"/>.
    /// </summary>
    public static PageCensus? Take(string input, TextWriter errors, int threads = 0)
    {
        Statistics? counted = null;
        var job = new DumpJob
        {
            Input = input, Threads = threads, LeaveOut = CrashKernelRanges.ForInput(input), FlattenedTo = Stream.Null,
            Levels = [(DumpLevel)31], MessageLevel = 0,
            Finished = s => counted = s,
        };
        int rc;
        try
        {
            rc = job.Run(TextWriter.Null, errors);
        }
        catch (Exception e) when (Cli.SystemErrors.IsIo(e))
        {
            errors.WriteLine(Cli.SystemErrors.Message(e, input));
            return null;
        }
        if (rc != JobRunner.Ok || counted is not Statistics s)
            return null;
        return new PageCensus((ulong)s.PageSize, s.OriginalPages, s.ZeroPages, s.CachePages, s.CachePrivatePages, s.UserPages,
            s.FreePages, s.HwpoisonPages + s.OfflinePages);
    }
}
