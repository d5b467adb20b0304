// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats.Codecs;
using Dumpkit.Kernel.Mm;

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
        // stdout through write(2): a closed pipe kills us by SIGPIPE at the next write, as it kills makedumpfile; when
        // SIGPIPE was ignored from the start, makedumpfile sees EPIPE and says so, as every other write error
        Run(args, Console.OpenStandardInput(), StandardOutput(Cli.ProcessSignals.SigpipeIgnoredAtStart), Console.Out, Console.Error,
            !Console.IsErrorRedirected);

    /// <summary>
    /// The dump stream's descriptor 1 (<c>-F</c>): a failed write is makedumpfile's write_buffer message with the system's
    /// words (<c>Can't write the dump file(STDOUT). Broken pipe</c>); EPIPE kills by SIGPIPE unless <paramref name="sigpipeIgnored"/>.
    /// </summary>
    internal static Stream StandardOutput(bool sigpipeIgnored, int fd = 1) =>
        new Cli.FdOutputStream(fd, dieOfSigpipe: !sigpipeIgnored,
            errno => new IOException($"Can't write the dump file(STDOUT). {Cli.SystemErrors.StrError(errno)}"));

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
            // as makedumpfile: getopt's line on stderr with the program's name, then its own lines on its message stream
            // (stdout, or stderr once -F was read) at the message level read so far
            if (e.StderrLine is { } line)
                errText.WriteLine(e.FromGetopt ? $"makedumpfile: {line}" : line);
            msg.Level = e.Level;
            msg.ToStderr = e.ToStderr;
            if (e.Invalid)
                CommandlineInvalid(msg);
            else
                msg.Info(e.Message);
            msg.Info("");
            msg.Info("makedumpfile Failed.");
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
        if (o.ExcludeVmemmap && o.WorkDir is null && !o.Rearrange && o.DumpDmesg is null && !o.Reassemble && !o.MemUsage)
        {
            // makedumpfile's check_param_for_creating_dumpfile, word for word on its message stream
            msg.Info("-e requires --work-dir");
            CommandlineInvalid(msg);
            msg.Info("");
            msg.Info("makedumpfile Failed.");
            return Failed;
        }
        if (Check(o) is not null)
        {
            // makedumpfile's check_param_for_* say no more than this (Check's reason is for ParseDumpJob's callers)
            CommandlineInvalid(msg);
            msg.Info("");
            msg.Info("makedumpfile Failed.");
            return Failed;
        }
        if (o.CheckParams)
            return Ok;
        return JobRunner.Run(msg, m => RunJob(o, stdin, stdout, m));
    }

    private static void CommandlineInvalid(Messages msg)
    {
        msg.Info("Commandline parameter is invalid.");
        msg.Info("Try `makedumpfile --help' for more information.");
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
        if (o.MemUsage)
            return n is 1 or 2 ? null : "--mem-usage needs VMCORE (/proc/kcore or a dump).";
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
        return null;
    }

    /// <summary>
    /// The dump job a makedumpfile command line asks for (VMCORE and DUMPFILEs among
    /// <paramref name="args"/>, as makedumpfile takes them; with <c>-F</c> the stream goes to
    /// <paramref name="stdout"/>). Throws <see cref="UsageException"/> with makedumpfile's
    /// message when the line is not one that makes a dump.
    /// </summary>
    public static DumpJob ParseDumpJob(string[] args, Stream? stdout = null)
    {
        var o = OptionParser.Parse(args);
        if (o.Rearrange || o.DumpDmesg is not null || o.Reassemble || o.MemUsage || o.Help || o.Version)
            throw new UsageException("not a command line that makes a dump");
        if (Check(o) is { } problem)
            throw new UsageException(problem);
        if (o.ExcludeVmemmap && o.WorkDir is null)
            throw new UsageException("-e requires --work-dir");
        return ToDumpJob(o, stdout ?? Stream.Null);
    }

    private static DumpJob ToDumpJob(Options o, Stream stdout) => new()
    {
        Input = o.Positional[0],
        Outputs = o.Flatten ? [] : o.Positional.Skip(1).ToList(),
        FlattenedTo = o.Flatten ? stdout : null,
        Elf = o.Elf,
        Split = o.Split,
        Codec = o.Codec,
        Levels = o.DumpLevels.Select(l => (DumpLevel)l).ToList(),
        Overwrite = o.Force,
        SizeLimit = o.SizeLimit,
        VmcoreinfoFile = o.VmcoreinfoFile,
        Mmap = !o.NonMmap,
        Threads = o.Threads ?? 0,
        CyclicBufferKb = o.CyclicBufferKb,
        DryRun = o.DryRun,
        MessageLevel = o.MessageLevel,
        FilterConfig = o.FilterConfig,
        WorkDir = o.WorkDir,
        ExcludeVmemmap = o.ExcludeVmemmap,
    };

    private static int RunJob(Options o, Stream stdin, Stream stdout, Messages msg)
    {
        if (!o.Rearrange && !o.Reassemble && o.Vmlinux is string vmlinux
            && VmlinuxCheck.Verify(vmlinux, o.Positional[0], o.VmcoreinfoFile, msg) is int wrong)
            return wrong;
        if (o.Rearrange)
            return new RearrangeJob { Stream = stdin, Output = o.Positional[0], Overwrite = o.Force, DryRun = o.DryRun }.Run(msg);
        if (o.DumpDmesg is not null)
            return new DmesgJob
            {
                Input = o.Positional[0], Output = o.Positional[1], Partial = o.PartialDmesg,
                VmcoreinfoFile = o.VmcoreinfoFile, Mmap = !o.NonMmap, DryRun = o.DryRun, Overwrite = o.Force,
            }.Run(msg);
        if (o.Reassemble)
            return new ReassembleJob
            {
                Parts = o.Positional.Take(o.Positional.Count - 1).ToList(), Output = o.Positional[^1],
                Overwrite = o.Force, SizeLimit = o.SizeLimit, Threads = o.Threads ?? 0,
            }.Run(msg);
        if (o.MemUsage)
            return new MemUsageJob
            {
                Input = o.Positional[0], VmcoreinfoFile = o.VmcoreinfoFile, Mmap = !o.NonMmap, Threads = o.Threads ?? 0,
            }.Run(msg);
        if (o.VtopAddress != 0)
            VtopReport.Print(o.Positional[0], o.VmcoreinfoFile, o.VtopAddress, msg);
        return ToDumpJob(o, stdout).Run(msg);
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
                # makedumpfile    [-c|-l|-p|-z|-E] [-d DL] [-x VMLINUX] --config FILTERCONFIGFILE VMCORE DUMPFILE

              Showing the page numbers of memory in different use:
                # makedumpfile --mem-usage VMCORE

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
              [-x VMLINUX]:    Not needed (symbols and types come from the dump); when given, its build id
                               must be the dump's kernel's, else the run stops with exit status 2.
              [--config FILTERCONFIGFILE]: Erase kernel data as makedumpfile.conf(5) says, with the dump's
                               kallsyms and BTF; write SYMBOL:TYPE where a global's type is needed.
              [--mem-usage]:   Print how many pages of each kind VMCORE holds.
              [--vtop VIRTUAL_ADDRESS]: Print the translation of the address before the dump.
              [-e]:            Leave out the vmemmap pages that hold only page structs of pages the dump
                               leaves out (needs --work-dir), as makedumpfile.
              [--work-dir DIR]: makedumpfile's bitmap file is made (and removed) there; dumpkit keeps its
                               bitmaps in memory.
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
