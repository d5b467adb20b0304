// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Mm;

namespace Dumpkit.Makedumpfile;

/// <summary>
/// <c>--mem-usage VMCORE</c>: how many pages of each class the kernel's memory holds, as
/// makedumpfile's table prints them. Every page is classified at dump level 31 and read (to count
/// zero pages) as for a dump, which is then thrown away.
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
            Input = Input, VmcoreinfoFile = VmcoreinfoFile, Mmap = Mmap, Threads = Threads,
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
