// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;
using Dumpkit.Formats;
using Dumpkit.Formats.Codecs;
using Dumpkit.Formats.IO;
using Dumpkit.Kernel;
using Dumpkit.Kernel.Mm;

namespace Dumpkit.Makedumpfile;

/// <summary>
/// One dump to make from a vmcore, as makedumpfile makes it: kdump-compressed (or ELF) pages of
/// the input filtered by dump level, written to a file, to several files at once (split), or as a
/// flattened stream. What <c>makedumpfile [-c|-l|-p|-z|-E|-F] [-d DL,...] VMCORE DUMPFILE...</c>
/// asks for, as a type a program (the kdump service) can fill in and run.
/// </summary>
public sealed record DumpJob
{
    /// <summary>The vmcore: /proc/vmcore, an ELF or kdump-compressed file, or a flattened file.</summary>
    public required string Input { get; init; }

    /// <summary>The dump file; several for a split dump (<see cref="Split"/>). Ignored with <see cref="FlattenedTo"/>.</summary>
    public IReadOnlyList<string> Outputs { get; init; } = [];

    /// <summary>Writes a flattened stream here instead of a file (makedumpfile's <c>-F</c> to stdout).</summary>
    public Stream? FlattenedTo { get; init; }

    /// <summary>ELF output (<c>-E</c>) instead of kdump-compressed.</summary>
    public bool Elf { get; init; }

    /// <summary>Write the dumpable pages as one file per output, each with about the same share (<c>--split</c>).</summary>
    public bool Split { get; init; }

    public PageCodec Codec { get; init; }

    /// <summary>The dump levels to try in turn: the next is tried when the output runs out of space.</summary>
    public IReadOnlyList<DumpLevel> Levels { get; init; } = [DumpLevel.None];

    /// <summary>Replace existing output files (<c>-f</c>).</summary>
    public bool Overwrite { get; init; }

    /// <summary>The most bytes an output may take (<c>-L</c>); a larger dump is written incomplete.</summary>
    public long SizeLimit { get; init; } = long.MaxValue;

    /// <summary>VMCOREINFO from this file instead of the input's note (<c>-i</c>).</summary>
    public string? VmcoreinfoFile { get; init; }

    /// <summary>Map the input into memory when it is /proc/vmcore (false: pread only, <c>--non-mmap</c>).</summary>
    public bool Mmap { get; init; } = true;

    /// <summary>Threads that classify and compress pages; 0 = every CPU.</summary>
    public int Threads { get; init; }

    /// <summary>Bitmap memory per cycle in KiB (<c>--cyclic-buffer</c>); null = the writer's default.</summary>
    public long? CyclicBufferKb { get; init; }

    /// <summary>makedumpfile's filter config file (<c>--config</c>): kernel data erased in the output.</summary>
    public string? FilterConfig { get; init; }

    /// <summary>
    /// makedumpfile's <c>--work-dir</c>: its bitmap file is made there (and removed at once), as makedumpfile makes it, so
    /// that a missing or read-only directory fails the same way; RAM then counts the frame a segment ends in partway, as
    /// makedumpfile's bitmap file does. The bitmaps themselves stay in memory, one cycle at a time.
    /// </summary>
    public string? WorkDir { get; init; }

    /// <summary><c>-e</c>: leave out the vmemmap frames holding only struct pages of frames the dump leaves out.</summary>
    public bool ExcludeVmemmap { get; init; }

    /// <summary>Physical ranges of an ELF input that are not part of it (<see cref="CrashKernelRanges"/> of /proc/kcore).</summary>
    internal IReadOnlyList<PhysicalRange> LeaveOut { get; init; } = [];

    /// <summary>Do everything but write.</summary>
    public bool DryRun { get; init; }

    /// <summary>makedumpfile's message-level bits (progress 1, common 2, error 4, debug 8, report 16).</summary>
    public int MessageLevel { get; init; } = Messages.DefaultLevel;

    /// <summary>Runs the job; messages as makedumpfile prints them. 0 when the dump is complete, 1 when it failed or is incomplete.</summary>
    public int Run(TextWriter output, TextWriter errors, bool errorsAreTerminal = false) =>
        JobRunner.Run(new Messages(output, errors, MessageLevel, errorsAreTerminal) { ToStderr = FlattenedTo is not null }, Run);

    /// <summary>Called with each attempt's page counts once its pages are written (<c>--mem-usage</c> reads them).</summary>
    internal Action<Statistics>? Finished { get; init; }

    internal int ThreadCount => Threads > 0 ? Threads : Environment.ProcessorCount;

    internal string OutputName => FlattenedTo is not null ? "<stdout>" : Outputs[0];

    internal ulong CycleFrames => CyclicBufferKb is long kb ? (ulong)kb * 1024 * 8 : Formats.Diskdump.DiskdumpWriter.DefaultCycleFrames;

    internal int Run(Messages msg)
    {
        var outputs = FlattenedTo is not null ? [OutputName] : Outputs;
        foreach (var path in outputs)
        {
            if (!Overwrite && FlattenedTo is null && !DryRun && JobRunner.Exists(path))
            {
                msg.Fail($"Can't open the dump file ({path}). File exists (use -f to overwrite).");
                return JobRunner.Failed;
            }
        }

        using var raw = DumpReader.Open(Input, Mmap, LeaveOut);
        var info = JobRunner.LoadVmcoreinfo(VmcoreinfoFile, raw);
        var input = FilterConfig is null ? raw : Filtering.FilterConfigInput.Open(FilterConfig, raw, info, msg);
        if (input is null)
            return JobRunner.Failed;
        if (info is null)
            msg.Info($"{Input}: no VMCOREINFO note; the output will lack kernel information.");
        if (info?.PageSize is int ps && ps != input.PageSize)
            msg.Fail($"warning: VMCOREINFO page size {ps} differs from the dump's {input.PageSize}");
        if (BeyondPhysicalMemory(Input, input, info) is { } beyond)
        {
            msg.Fail(beyond);
            return JobRunner.Failed;
        }

        if (WorkDir is not null && !WorkDirTakesBitmapFile(WorkDir, msg))
            return JobRunner.Failed;

        var setup = Stopwatch.StartNew();
        var meta = DumpMetadata.From(input, info, msg.Err);
        for (int attempt = 0; attempt < Levels.Count; attempt++)
        {
            var level = Levels[attempt];
            var stats = new Statistics(input, wholeLastPages: WorkDir is not null);
            var dropped = ExcludeVmemmap ? UnusedVmemmap.Plan(input, info, level, WorkDir is not null, Elf, msg) : null;
            var filter = CreateFilter(input, info, ref level, msg);
            var bitmaps = new DumpBitmaps(input, filter, stats)
            {
                Threads = ThreadCount, WholeLastPages = WorkDir is not null, Dropped = dropped ?? [],
            };
            msg.StepTime("Reading kernel tables", setup.Elapsed);
            if (DryRun)
            {
                msg.Info("Dry run: nothing written.");
                return JobRunner.Ok;
            }
            var clock = Stopwatch.StartNew();
            var writer = new DumpWriters(this, input, meta, level, stats, msg, clock, Overwrite || attempt > 0)
            {
                ExtraStatus = dropped is null ? 0 : Formats.Diskdump.DiskdumpFlags.ExcludedVmemmap,
            };
            var (outOfSpace, reason, noSpaceFile) = Elf ? writer.WriteElf(bitmaps)
                : Split ? writer.WriteSplit(bitmaps)
                : writer.WriteDiskdump(bitmaps);
            // Bitmap windows are made between the copy's cycles (and, when split, before it):
            // report the two apart.
            msg.StepTime("Excluding unnecessary pages", bitmaps.FillTime);
            msg.StepTime("Copying data", clock.Elapsed > bitmaps.FillTime ? clock.Elapsed - bitmaps.FillTime : TimeSpan.Zero);
            setup.Restart();
            stats.Print(msg);
            Finished?.Invoke(stats);
            if (!outOfSpace)
            {
                msg.Info("");
                foreach (var path in outputs)
                    msg.Info($"The dumpfile is saved to {path}.");
                return JobRunner.Ok;
            }
            if (attempt + 1 < Levels.Count && FlattenedTo is null)
            {
                msg.Fail($"{reason}; retrying with dump level {(int)Levels[attempt + 1]}.");
                continue;
            }
            msg.ReportCut(reason, noSpaceFile);
            return JobRunner.Failed;
        }
        return JobRunner.Failed;
    }

    /// <summary>
    /// makedumpfile's open_dump_bitmap under <c>--work-dir</c>: mkstemp("DIR/kdump_bitmapXXXXXX"), unlinked at once.
    /// False, with its message and the system's words, when the directory does not take the file.
    /// </summary>
    private static bool WorkDirTakesBitmapFile(string dir, Messages msg)
    {
        const string Letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        string path = "";
        for (int attempt = 0; attempt < 100; attempt++)
        {
            var suffix = new char[6];
            for (int i = 0; i < suffix.Length; i++)
                suffix[i] = Letters[System.Security.Cryptography.RandomNumberGenerator.GetInt32(Letters.Length)];
            path = $"{dir}/kdump_bitmap{new string(suffix)}";
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite };
                if (!OperatingSystem.IsWindows())
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                using (new FileStream(path, options)) { }
                JobRunner.TryDelete(path);
                return true;
            }
            catch (IOException) when (JobRunner.Exists(path))
            {
                // the name is taken: another one, as mkstemp tries
            }
            catch (Exception e) when (Cli.SystemErrors.IsOpenFailure(e))
            {
                msg.Fail($"open_dump_bitmap: Can't open the bitmap file({path}). {Cli.SystemErrors.Text(e, path)}");
                return false;
            }
        }
        msg.Fail($"open_dump_bitmap: Can't open the bitmap file({path}). {Cli.SystemErrors.StrError(Cli.SystemErrors.Eexist)}");
        return false;
    }

    /// <summary>
    /// Memory the machine cannot have: a physical address at or beyond 2^MAX_PHYSMEM_BITS, the kernel's own
    /// limit (NUMBER(MAX_PHYSMEM_BITS) in VMCOREINFO; else x86-64's 52 bits with 5-level paging, 46 without).
    /// Such a segment is a damaged or forged header, and its frame numbers would size the output's bitmaps
    /// (2^48 alone is 8 GiB of bitmap); null when every segment is below the limit.
    /// </summary>
    internal static string? BeyondPhysicalMemory(string name, DumpReader input, Vmcoreinfo? info)
    {
        long bits = info?.Number("MAX_PHYSMEM_BITS") ?? (info?.Number("pgtable_l5_enabled") == 1 ? 52 : 46);
        if (bits is < 32 or > 52)
            bits = 52;
        ulong limit = 1UL << (int)bits;
        foreach (var seg in input.Segments)
        {
            if (seg.PhysicalAddress >= limit || seg.Size > limit - seg.PhysicalAddress)
                return $"{name}: memory at physical address 0x{seg.PhysicalAddress:x} (0x{seg.Size:x} bytes) is beyond " +
                       $"MAX_PHYSMEM_BITS={bits} (0x{limit:x}): not a dump of a real machine.";
        }
        return null;
    }

    /// <summary>
    /// The page filter for the level's kernel classes, or null. When the kernel data does not allow
    /// classifying pages, every page is kept and the level actually applied (recorded in the
    /// output header) drops to the zero-page bit alone, with a warning.
    /// </summary>
    private static PageFilter? CreateFilter(DumpReader input, Vmcoreinfo? info, ref DumpLevel level, Messages msg)
    {
        if ((level & DumpLevel.KernelClasses) == 0)
            return null;
        var kept = level & DumpLevel.Zero;
        if (info is null)
        {
            msg.Fail($"warning: no VMCOREINFO: pages cannot be classified; dump level {(int)level} lowered to {(int)kept}.");
            level = kept;
            return null;
        }
        var filter = PageFilter.Create(input, info, level, msg.Err);
        if (!filter.IsActive)
        {
            msg.Fail($"warning: pages cannot be classified; dump level {(int)level} lowered to {(int)kept}.");
            level = kept;
            return null;
        }
        return filter;
    }
}
