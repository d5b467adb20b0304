using System.Diagnostics;
using Dumpkit.Formats;
using Dumpkit.Formats.Codecs;
using Dumpkit.Formats.Diskdump;
using Dumpkit.Formats.Elf;
using Dumpkit.Formats.Flattened;
using Dumpkit.Formats.IO;
using Dumpkit.Kernel;

namespace Dumpkit.Makedumpfile;

/// <summary>
/// The <c>makedumpfile</c> personality: same options, output formats and exit codes as
/// makedumpfile 1.7.x (0 success, 1 failure).
/// </summary>
public static class MakedumpfileCommand
{
    public const string VersionText = "makedumpfile: version 1.7.9 (dumpkit " + "0.1.0" + ")";
    private const int Ok = 0;
    private const int Failed = 1;

    public static int Run(string[] args) =>
        Run(args, Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Out, Console.Error,
            !Console.IsErrorRedirected);

    public static int Run(string[] args, Stream stdin, Stream stdout, TextWriter outText, TextWriter errText,
        bool stderrIsTerminal = false)
    {
        Options o;
        var msg = new Messages(outText, errText, Messages.DefaultLevel, stderrIsTerminal);
        try
        {
            o = OptionParser.Parse(args);
        }
        catch (UsageException e)
        {
            msg.Fail(e.Message);
            msg.Fail("Try 'makedumpfile --help' for more information.");
            return Failed;
        }
        msg.Level = o.MessageLevel;
        msg.ToStderr = o.Flatten;
        if (o.Help)
        {
            PrintHelp(outText);
            return Ok;
        }
        if (o.Version)
        {
            PrintVersion(outText);
            return Ok;
        }
        try
        {
            string? problem = Check(o);
            if (problem is not null)
            {
                msg.Fail(problem);
                msg.Fail("Try 'makedumpfile --help' for more information.");
                return Failed;
            }
            if (o.CheckParams)
                return Ok;
            int rc;
            if (o.Rearrange)
                rc = RunRearrange(o, stdin, msg);
            else if (o.DumpDmesg is not null)
                rc = RunDmesg(o, msg);
            else if (o.Reassemble)
                rc = RunReassemble(o, msg);
            else
                rc = RunCreate(o, stdout, msg);
            msg.Info("");
            msg.Info(rc == Ok ? "makedumpfile Completed." : "makedumpfile Failed.");
            return rc;
        }
        catch (Exception e) when (e is DumpFormatException or DumpSpaceException or IOException or UnauthorizedAccessException
                                      or PageNotAvailableException)
        {
            msg.Fail(e.Message);
            msg.Info("");
            msg.Info("makedumpfile Failed.");
            return Failed;
        }
    }

    private static Vmcoreinfo? LoadVmcoreinfo(Options o, DumpReader input)
    {
        if (o.VmcoreinfoFile is not null)
            return Vmcoreinfo.Parse(File.ReadAllText(o.VmcoreinfoFile));
        return input.VmcoreinfoText is { } text ? Vmcoreinfo.Parse(text) : null;
    }

    private static int RunDmesg(Options o, Messages msg)
    {
        string inputPath = o.Positional[0], logPath = o.Positional[1];
        using var input = DumpReader.Open(inputPath, mmap: !o.NonMmap);
        var info = LoadVmcoreinfo(o, input);
        if (info is null)
        {
            msg.Fail($"{inputPath}: no VMCOREINFO in the dump; give one with -i.");
            return Failed;
        }
        byte[] log;
        try
        {
            log = Dmesg.Extract(input, info, o.PartialDmesg, msg.Err);
        }
        catch (KernelDataException e)
        {
            msg.Fail($"{inputPath}: cannot read the kernel log: {e.Message}");
            return Failed;
        }
        if (o.DryRun)
            return Ok;
        File.WriteAllBytes(logPath, log);
        msg.Info("");
        msg.Info($"The dmesg log is saved to {logPath}.");
        return Ok;
    }

    /// <summary>Parameter checks (makedumpfile's check_param_for_*), one message for the first problem.</summary>
    private static string? Check(Options o)
    {
        int n = o.Positional.Count;
        if (o.Rearrange)
            return n == 1 ? null : "-R needs exactly one DUMPFILE (the flattened stream comes on stdin).";
        if (o.DumpDmesg is not null)
            return n == 2 ? null : "--dump-dmesg needs VMCORE and LOGFILE.";
        if (o.Reassemble)
            return n >= 2 ? null : "--reassemble needs the split files and the output DUMPFILE.";
        if (o.Split)
        {
            if (o.Flatten) return "--split cannot be used with -F.";
            if (o.Elf) return "--split cannot be used with -E.";
            return n >= 3 ? null : "--split needs VMCORE and at least two DUMPFILEs.";
        }
        if (o.Elf && o.Codec != PageCodec.None)
            return "ELF output (-E) cannot be compressed (-c, -l, -p, -z).";
        if (o.Elf && o.Flatten)
            return null;
        if (o.Flatten)
            return n == 1 ? null : "-F writes to stdout: give only VMCORE.";
        if (n != 2)
            return n < 2 ? "Both VMCORE and DUMPFILE are needed." : "Too many arguments.";
        if (o.Vmlinux is not null)
            return "-x VMLINUX is not supported: dumpkit works from the kernel's VMCOREINFO alone.";
        return null;
    }

    private static int RunRearrange(Options o, Stream stdin, Messages msg)
    {
        string output = o.Positional[0];
        if (o.DryRun) return Ok;
        using (var sink = new FileDumpSink(output, o.Force))
        {
            try
            {
                FlattenedRearranger.Rearrange(stdin, "<stdin>", sink);
            }
            catch
            {
                sink.Dispose();
                TryDelete(output);
                throw;
            }
        }
        msg.Info("");
        msg.Info($"The dumpfile is saved to {output}.");
        return Ok;
    }

    private static int RunCreate(Options o, Stream stdout, Messages msg)
    {
        string inputPath = o.Positional[0];
        string outputPath = o.Flatten ? "<stdout>" : o.Positional[1];
        var outputs = o.Flatten ? [outputPath] : o.Positional.Skip(1).ToList();
        foreach (var path in outputs)
        {
            if (!o.Force && !o.Flatten && !o.DryRun && File.Exists(path))
            {
                msg.Fail($"Can't open the dump file ({path}). File exists (use -f to overwrite).");
                return Failed;
            }
        }

        using var input = DumpReader.Open(inputPath, mmap: !o.NonMmap);
        var info = LoadVmcoreinfo(o, input);
        if (info is null)
            msg.Info($"{inputPath}: no VMCOREINFO note; the output will lack kernel information.");
        if (info?.PageSize is int ps && ps != input.PageSize)
            msg.Fail($"warning: VMCOREINFO page size {ps} differs from the dump's {input.PageSize}");

        var setup = Stopwatch.StartNew();
        var meta = DumpMetadata.From(input, info, msg.Err);
        int threads = o.Threads is int t && t > 0 ? t : Environment.ProcessorCount;

        for (int attempt = 0; attempt < o.DumpLevels.Count; attempt++)
        {
            int level = o.DumpLevels[attempt];
            var stats = new Statistics(input);
            var filter = CreateFilter(input, info, ref level, msg);
            var bitmaps = new DumpBitmaps(input, filter, stats) { Threads = threads };
            msg.StepTime("Reading kernel tables", setup.Elapsed);
            if (o.DryRun)
            {
                msg.Info("Dry run: nothing written.");
                return Ok;
            }
            var clock = Stopwatch.StartNew();
            bool outOfSpace;
            string? reason;
            if (o.Elf)
            {
                var (ram, dumpable) = bitmaps.Whole();
                (outOfSpace, reason) = WriteElf(o, input, outputPath, stdout, ram, dumpable, level, stats, msg, clock);
            }
            else if (o.Split)
            {
                (outOfSpace, reason) = WriteSplit(o, input, meta, outputs, bitmaps, level, threads, stats, msg, clock);
            }
            else
            {
                (outOfSpace, reason) = WriteKdump(o, input, meta, outputPath, stdout, bitmaps, level, threads, stats, msg, clock);
            }
            // Bitmap windows are made between the copy's cycles (and, when split, before it):
            // report the two apart.
            msg.StepTime("Excluding unnecessary pages", bitmaps.FillTime);
            msg.StepTime("Copying data", clock.Elapsed > bitmaps.FillTime ? clock.Elapsed - bitmaps.FillTime : TimeSpan.Zero);
            setup.Restart();
            stats.Print(msg);
            if (!outOfSpace)
            {
                msg.Info("");
                foreach (var path in outputs)
                    msg.Info($"The dumpfile is saved to {path}.");
                return Ok;
            }
            if (attempt + 1 < o.DumpLevels.Count && !o.Flatten)
            {
                msg.Fail($"{reason}; retrying with dump level {o.DumpLevels[attempt + 1]}.");
                continue;
            }
            msg.Fail($"{reason}: the dump is INCOMPLETE (marked so in its header).");
            return Failed;
        }
        return Failed;
    }

    /// <summary>
    /// The page filter for dump level bits 2-16, or null. When the kernel data does not allow
    /// classifying pages, every page is kept and the level actually applied (recorded in the
    /// output header) drops to the zero-page bit alone, with a warning.
    /// </summary>
    private static PageFilter? CreateFilter(DumpReader input, Vmcoreinfo? info, ref int level, Messages msg)
    {
        const int kernelBits = 2 | 4 | 8 | 16;
        if ((level & kernelBits) == 0)
            return null;
        if (info is null)
        {
            msg.Fail($"warning: no VMCOREINFO: pages cannot be classified; dump level {level} lowered to {level & 1}.");
            level &= 1;
            return null;
        }
        var filter = PageFilter.Create(input, info, level, msg.Err);
        if (!filter.IsActive)
        {
            msg.Fail($"warning: pages cannot be classified; dump level {level} lowered to {level & 1}.");
            level &= 1;
            return null;
        }
        return filter;
    }

    private static DiskdumpWriterOptions KdumpOptions(Options o, DumpReader input, DumpMetadata meta, int level,
        int threads, Action<ulong, ulong>? progress, (ulong, ulong)? split = null)
    {
        var (viOff, viSize) = input.VmcoreinfoLocation;
        return new DiskdumpWriterOptions
        {
            Header = new DiskdumpHeader
            {
                Utsname = meta.Utsname,
                TimestampSeconds = meta.CrashTime,
                NrCpus = input is DiskdumpReader kd ? kd.Header.NrCpus : input.CpuCount,
            },
            PhysBase = meta.PhysBase,
            DumpLevel = level,
            Notes = input.Notes,
            VmcoreinfoOffset = viOff,
            VmcoreinfoSize = viSize,
            Codec = o.Codec,
            ExcludeZero = (level & 1) != 0,
            Threads = threads,
            Progress = progress,
            CycleFrames = CycleFrames(o),
            Split = split,
        };
    }

    private static ulong CycleFrames(Options o) =>
        o.CyclicBufferKb is long kb ? (ulong)kb * 1024 * 8 : DiskdumpWriter.DefaultCycleFrames;

    private static (bool, string?) WriteKdump(Options o, DumpReader input, DumpMetadata meta,
        string outputPath, Stream stdout, DumpBitmaps bitmaps, int level, int threads,
        Statistics stats, Messages msg, Stopwatch clock)
    {
        var options = KdumpOptions(o, input, meta, level, threads,
            (done, total) => msg.ShowProgress("Copying data", done, total, clock));
        using IDumpSink sink = o.Flatten
            ? new FlattenedWriter(stdout, outputPath, leaveOpen: true)
            : new FileDumpSink(outputPath, overwrite: true, o.SizeLimit);
        var result = DiskdumpWriter.Write(sink, input, input.MaxPfn, bitmaps, options);
        stats.ZeroPages = result.ZeroPages;
        stats.WriteBytes = result.Size;
        if (result.MissingInputPages > 0)
            msg.Fail($"warning: {result.MissingInputPages} pages were missing from the (incomplete) input dump.");
        return (result.Incomplete, result.IncompleteReason);
    }

    /// <summary>
    /// <c>--split</c>: N files written at the same time, each with the pages of one range of
    /// frames holding about 1/N of the dumpable pages; every file carries the whole bitmaps.
    /// </summary>
    private static (bool, string?) WriteSplit(Options o, DumpReader input, DumpMetadata meta, List<string> outputs,
        DumpBitmaps bitmaps, int level, int threads, Statistics stats, Messages msg, Stopwatch clock)
    {
        var ranges = bitmaps.Balance(outputs.Count, CycleFrames(o));
        var results = new DiskdumpWriteResult[outputs.Count];
        var errors = new Exception?[outputs.Count];
        var done = new ulong[outputs.Count];
        var totals = new ulong[outputs.Count];
        var progressGate = new object();
        void Progress(int part, ulong d, ulong t)
        {
            lock (progressGate)
            {
                done[part] = d;
                totals[part] = t;
                msg.ShowProgress("Copying data", (ulong)done.Sum(x => (long)x), (ulong)totals.Sum(x => (long)x), clock);
            }
        }
        int perPart = Math.Max(1, threads / outputs.Count);
        var workers = new List<Thread>();
        for (int i = 0; i < outputs.Count; i++)
        {
            int part = i;
            var th = new Thread(() =>
            {
                try
                {
                    var options = KdumpOptions(o, input, meta, level, perPart, (d, t) => Progress(part, d, t), ranges[part]);
                    using var sink = new FileDumpSink(outputs[part], overwrite: true, o.SizeLimit);
                    results[part] = DiskdumpWriter.Write(sink, input, input.MaxPfn, bitmaps, options);
                }
                catch (Exception e)
                {
                    errors[part] = e;
                }
            }) { Name = $"dumpkit-split-{part}" };
            th.Start();
            workers.Add(th);
        }
        foreach (var w in workers) w.Join();
        foreach (var e in errors)
            if (e is not null)
                throw e is DumpFormatException or DumpSpaceException or IOException ? e : new IOException(e.Message, e);
        foreach (var r in results)
        {
            stats.ZeroPages += r.ZeroPages;
            stats.WriteBytes += r.Size;
        }
        var cut = Array.Find(results, r => r.Incomplete);
        return (cut is not null, cut?.IncompleteReason);
    }

    /// <summary><c>--reassemble</c>: one kdump file from the parts of a split set.</summary>
    private static int RunReassemble(Options o, Messages msg)
    {
        var parts = o.Positional.Take(o.Positional.Count - 1).ToList();
        string outputPath = o.Positional[^1];
        if (!o.Force && File.Exists(outputPath))
        {
            msg.Fail($"Can't open the dump file ({outputPath}). File exists (use -f to overwrite).");
            return Failed;
        }
        using var input = DumpReader.Open(parts);
        if (input is not DiskdumpReader kd)
        {
            msg.Fail($"{parts[0]}: --reassemble needs kdump-compressed split files.");
            return Failed;
        }
        var sub = kd.SubHeader;
        int level = sub?.DumpLevel ?? 0;
        var options = new Options { Codec = kd.HeaderCodec, Force = o.Force };
        var meta = new DumpMetadata
        {
            Utsname = kd.Header.Utsname,
            CrashTime = kd.Header.TimestampSeconds,
            PhysBase = sub?.PhysBase ?? 0,
        };
        var stats = new Statistics(input);
        var clock = Stopwatch.StartNew();
        int threads = o.Threads is int t && t > 0 ? t : Environment.ProcessorCount;
        var writerOptions = KdumpOptions(options, input, meta, level, threads,
            (done, total) => msg.ShowProgress("Copying data", done, total, clock));
        DiskdumpWriteResult result;
        using (var sink = new FileDumpSink(outputPath, overwrite: true, o.SizeLimit))
            result = DiskdumpWriter.Write(sink, input, kd.RamBitmap, kd.DumpableBitmap, writerOptions);
        if (result.Incomplete)
        {
            msg.Fail($"{result.IncompleteReason}: the dump is INCOMPLETE (marked so in its header).");
            return Failed;
        }
        msg.Info("");
        msg.Info($"The dumpfile is saved to {outputPath}.");
        return Ok;
    }

    private static (bool, string?) WriteElf(Options o, DumpReader input, string outputPath, Stream stdout,
        PfnBitmap ram, PfnBitmap dumpable, int level, Statistics stats, Messages msg, Stopwatch clock)
    {
        var options = new ElfDumpWriterOptions
        {
            // ELF output drops zero pages from the kept set (they read back as zero anyway).
            ExcludeZero = (level & 1) != 0,
            Threads = o.Threads is int t && t > 0 ? t : Environment.ProcessorCount,
            Progress = (done, total) => msg.ShowProgress("Copying data", done, total, clock),
            CycleFrames = CycleFrames(o),
        };
        using IDumpSink sink = o.Flatten
            ? new FlattenedWriter(stdout, outputPath, leaveOpen: true)
            : new FileDumpSink(outputPath, overwrite: true, o.SizeLimit);
        var result = ElfDumpWriter.Write(sink, input, ElfSegments(input, ram), dumpable, input.Notes, options);
        stats.ZeroPages = result.ZeroPages;
        if (result.Incomplete)
            return (true, result.IncompleteReason);
        stats.WriteBytes = result.Size;
        return (false, null);
    }

    /// <summary>The input's PT_LOADs, or one segment per run of existing frames.</summary>
    private static List<ElfSegment> ElfSegments(DumpReader input, PfnBitmap ram)
    {
        var segments = new List<ElfSegment>();
        if (input is ElfDumpReader elf)
        {
            foreach (var p in elf.ProgramHeaders)
                if (p.Type == ElfLayout.PT_LOAD && p.MemSize > 0)
                    segments.Add(new ElfSegment(p.PAddr, p.VAddr, p.MemSize));
        }
        else
        {
            foreach (var run in ram.Runs())
                segments.Add(new ElfSegment(run.Start << input.PageShift, 0, run.Count << input.PageShift));
        }
        return segments;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static void PrintVersion(TextWriter w)
    {
        w.WriteLine(VersionText);
        w.WriteLine("lzo\tenabled");
        w.WriteLine("snappy\tenabled");
        w.WriteLine("zstd\tenabled");
        w.WriteLine();
    }

    private static void PrintHelp(TextWriter w)
    {
        PrintVersion(w);
        w.WriteLine("""
            Usage:
              Creating DUMPFILE:
                # makedumpfile    [-c|-l|-p|-z|-E] [-d DL[,DL...]] [-L SIZE] [-f] [-i VMCOREINFO] VMCORE DUMPFILE

              Creating DUMPFILE with filtered kernel data specified through filter config file:
                (not supported: dumpkit works from VMCOREINFO alone)

              Creating a flattened stream on stdout (for pipes and ssh):
                # makedumpfile -F [-c|-l|-p|-z] [-d DL] VMCORE

              Rearranging a flattened stream into DUMPFILE:
                # makedumpfile -R DUMPFILE < FLATTENED

              Writing a dump as N files at once (pages balanced; crash opens them together):
                # makedumpfile --split [-c|-l|-p|-z] [-d DL] VMCORE DUMPFILE1 DUMPFILE2 [DUMPFILE3 ...]

              Joining the files of a --split run into one:
                # makedumpfile --reassemble DUMPFILE1 DUMPFILE2 [...] DUMPFILE

              Extracting the kernel log:
                # makedumpfile --dump-dmesg [--partial-dmesg] [-i VMCOREINFO] VMCORE LOGFILE

            Available options:
              [-c|-l|-p|-z]:   Compress each page with zlib, lzo, snappy or zstd. A page is stored
                               compressed only when that is smaller than the page.
              [-d DL[,DL...]]: Dump level 0-31, a sum of: 1 zero pages, 2 page cache without private
                               data, 4 page cache with private data, 8 user process data, 16 free pages.
                               With a list, the next level is tried when the output runs out of space.
              [-E]:            Write an ELF vmcore instead of the kdump-compressed format.
              [-F]:            Write the flattened format to stdout; messages go to stderr.
              [-R]:            Rebuild DUMPFILE from a flattened stream on stdin.
              [-L SIZE]:       Limit the output to SIZE bytes (K, M, G suffixes); a dump that would be
                               larger is written as a valid INCOMPLETE dump and the exit status is 1.
              [-f]:            Overwrite DUMPFILE if it exists.
              [-i VMCOREINFO]: Take VMCOREINFO from this file instead of VMCORE.
              [--num-threads N]: Compress on N threads (default: all online CPUs). The output does not
                               depend on N.
              [--non-mmap]:    Read /proc/vmcore with pread() instead of one memory mapping (other
                               files are always read with pread).
              [--cyclic-buffer KB]: Bitmap memory per cycle (default 4096 KiB: 128 GiB of memory per
                               cycle); smaller values bound memory for huge machines, output unchanged.
              [--message-level ML]: 1 progress, 2 common, 4 error, 8 debug, 16 report (default 7).
              [--show-stats]:  Print the page statistics (= message level bit 16).
              [-D]:            Debug messages.
              [--check-params]: Only check the command line.
              [--dry-run]:     Do everything but write the dump.
              [-v]:            Show the version and which compressions are built in.
              [-h]:            Show this help.

              VMCORE:          /proc/vmcore, an ELF vmcore (kexec or QEMU), a kdump-compressed or a
                               flattened file.
            """);
    }
}
