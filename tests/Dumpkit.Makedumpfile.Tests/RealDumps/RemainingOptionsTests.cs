// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text.RegularExpressions;
using Dumpkit.Formats.Elf;
using Xunit.Abstractions;

namespace Dumpkit.Makedumpfile.Tests.RealDumps;

/// <summary>
/// <c>-x</c>, <c>-c -l</c>, <c>-e</c>/<c>--work-dir</c>, <c>--vtop</c> and <c>--mem-usage</c> on the real corpus dumps,
/// against Debian's makedumpfile 1.7.2, binutils' readelf and the kernels' own data.
/// </summary>
public partial class RemainingOptionsTests(ITestOutputHelper output)
{
    public static TheoryData<string> Kernels() => [.. RealData.Kernels];

    private static string Vmlinux(string kver)
    {
        var dir = Environment.GetEnvironmentVariable("DUMPKIT_VMLINUX_DIR");
        Skip.If(string.IsNullOrEmpty(dir),
            "DUMPKIT_VMLINUX_DIR is not set (debug vmlinux files, ~1 GB each: tests/tools/fetch-debug-vmlinux.sh DIR)");
        var p = Path.Combine(dir!, $"vmlinux-{kver}");
        Skip.IfNot(File.Exists(p), $"{p} not found (tests/tools/fetch-debug-vmlinux.sh {dir})");
        return p;
    }

    [GeneratedRegex(@"Build ID: ([0-9a-f]+)")]
    private static partial Regex ReadelfBuildId();

    /// <summary>Every vmlinux there is: the build id is readelf's, the release the one its dump's VMCOREINFO names.</summary>
    [SkippableTheory]
    [InlineData(RealData.Kernel61)]
    [InlineData(RealData.Kernel612)]
    [InlineData(RealData.CrashKernel61)]
    [InlineData(RealData.CrashKernel612)]
    public void VmlinuxBuildIdIsReadelfsAndReleaseItsKernels(string kver)
    {
        var path = Vmlinux(kver);
        var readelf = RealData.Tool("/usr/bin/readelf");
        var r = RealData.Run(readelf, ["-n", path]);
        Assert.Equal(0, r.ExitCode);
        var file = VmlinuxFile.Read(path);
        Assert.Equal(ReadelfBuildId().Match(r.Out).Groups[1].Value, file.BuildId);
        Assert.Equal(kver, file.Release);
    }

    [SkippableTheory]
    [MemberData(nameof(Kernels))]
    public void MatchingVmlinuxIsAcceptedAndChangesNothing(string kver)
    {
        var vmcore = RealData.Kernel(kver, "vmcore.elf");
        using var dir = new TempDir();
        var r = Tools.Makedumpfile("-c", "-d", "31", "-x", Vmlinux(kver), vmcore, dir["with"]);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Equal(0, Tools.Makedumpfile("-c", "-d", "31", vmcore, dir["without"]).ExitCode);
        Assert.Equal(File.ReadAllBytes(dir["without"]), File.ReadAllBytes(dir["with"]));
    }

    /// <summary>
    /// The vmlinux of another build refuses the run with makedumpfile's status for it (2, "different version between
    /// VMLINUX and VMCORE" in its man page) and its check_release wording, before anything is written. Debian's 1.7.2
    /// itself fails on the 6.12 vmlinux (exit 1, "Can't get the address of system_utsname") and does not notice 6.1.0-57.
    /// </summary>
    [SkippableTheory]
    [InlineData(RealData.Kernel61, RealData.CrashKernel61)]
    [InlineData(RealData.Kernel61, RealData.Kernel612)]
    [InlineData(RealData.Kernel612, RealData.Kernel61)]
    [InlineData(RealData.Kernel612, RealData.CrashKernel612)]
    public void OtherKernelsVmlinuxIsRefused(string kver, string other)
    {
        var vmcore = RealData.Kernel(kver, "vmcore.elf");
        var vmlinux = Vmlinux(other);
        using var dir = new TempDir();
        foreach (var args in new[] { new[] { "-d", "31", "-x", vmlinux, vmcore, dir["out"] },
                     ["--dump-dmesg", "-x", vmlinux, vmcore, dir["log"]] })
        {
            var r = Tools.Makedumpfile(args);
            output.WriteLine(r.Err);
            Assert.Equal(2, r.ExitCode);
            Assert.StartsWith($"check_release: {vmlinux} and {vmcore} don't match (build id ", r.Err);
            Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
            Assert.EndsWith("\nmakedumpfile Failed.\n", r.Out);
            Assert.False(File.Exists(dir["out"]) || File.Exists(dir["log"]));
        }
    }

    [Fact]
    public void MissingOrNonElfVmlinuxIsOneLine()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir["vmcore"], new SyntheticVmcore().Build());
        File.WriteAllText(dir["text"], "not an ELF file\n");
        var r = Tools.Makedumpfile("-x", dir["none"], dir["vmcore"], dir["out"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"open_kernel_file: Can't open the kernel file({dir["none"]}). No such file or directory\n", r.Err);
        r = Tools.Makedumpfile("-x", dir["text"], dir["vmcore"], dir["out"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"open_kernel_file: {dir["text"]} is not a vmlinux: not an ELF64 little-endian file.\n", r.Err);
        Assert.False(File.Exists(dir["out"]));
    }

    /// <summary>makedumpfile's -c, -l, -p and -z each set the one compression: the last wins. Debian's output header says which.</summary>
    [SkippableTheory]
    [InlineData("-c", "-l")]
    [InlineData("-l", "-c")]
    [InlineData("-z", "-l")]
    [InlineData("-c", "-l", "-c")]
    public void LastCompressionOptionWinsAsInMakedumpfile(params string[] codecs)
    {
        var mdf = RealData.Tool("/usr/bin/makedumpfile");
        var vmcore = RealData.Kernel(RealData.Kernel61, "vmcore.elf");
        using var dir = new TempDir();
        var d = RealData.Run(mdf, [.. codecs, "-d", "31", vmcore, dir["debian"]]);
        Assert.True(d.ExitCode == 0, d.Out + d.Err);
        var r = Tools.Makedumpfile([.. codecs, "-d", "31", vmcore, dir["ours"]]);
        Assert.True(r.ExitCode == 0, r.Err);
        using var debian = DumpReader.Open(dir["debian"]);
        using var ours = DumpReader.Open(dir["ours"]);
        output.WriteLine($"{string.Join(' ', codecs)}: {debian.Codec}");
        Assert.Equal(debian.Codec, ours.Codec);
    }

    /// <summary>-e without --work-dir: Debian's lines, status and stream (stdout; stderr with -F) exactly.</summary>
    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void ExcludeVmemmapWithoutWorkDirAsMakedumpfile(bool flatten)
    {
        var mdf = RealData.Tool("/usr/bin/makedumpfile");
        var vmcore = RealData.Kernel(RealData.Kernel61, "vmcore.elf");
        using var dir = new TempDir();
        string[] args = flatten ? ["-F", "-e", "-d", "31", vmcore] : ["-e", "-d", "31", vmcore, dir["out"]];
        var d = RealData.Run(mdf, args);
        var r = Tools.Makedumpfile(args);
        Assert.Equal(d.ExitCode, r.ExitCode);
        Assert.Equal(d.Out, r.Out);
        Assert.Equal(d.Err, r.Err);
        Assert.Contains("-e requires --work-dir\n", flatten ? r.Err : r.Out);
    }

    /// <summary>
    /// -e with --work-dir on the 6.1 dump (Debian's 1.7.2 classifies 6.1 right, 6.12 not): the same file, byte for byte,
    /// as Debian's makedumpfile makes with the same options (uncompressed, so the page data is compared too: the
    /// same vmemmap pages left out, the header's DUMP_DH_EXCLUDED_VMEMMAP, the bitmap file's RAM bits), and the same
    /// "Excluded N unused vmemmap pages" on stderr.
    /// </summary>
    [SkippableTheory]
    [InlineData("31")]
    [InlineData("16")]
    [InlineData("1")]
    public void ExcludeVmemmapWithWorkDirIsDebiansFile(string level)
    {
        var mdf = RealData.Tool("/usr/bin/makedumpfile");
        var vmcore = RealData.Kernel(RealData.Kernel61, "vmcore.elf");
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["work"]);
        var d = RealData.Run(mdf, ["-e", "--work-dir", dir["work"], "-d", level, vmcore, dir["debian"]]);
        Assert.True(d.ExitCode == 0, d.Out + d.Err);
        var r = Tools.Makedumpfile("-e", "--work-dir", dir["work"], "-d", level, vmcore, dir["ours"]);
        Assert.True(r.ExitCode == 0, r.Err);
        var excluded = ExcludedLine().Match(d.Err.Replace('\r', '\n'));
        Assert.True(excluded.Success, d.Err);
        output.WriteLine(excluded.Value);
        Assert.Contains(excluded.Value + "\n", r.Err);
        Assert.Equal(File.ReadAllBytes(dir["debian"]), File.ReadAllBytes(dir["ours"]));
        Assert.Empty(Directory.GetFileSystemEntries(dir["work"]));
    }

    /// <summary>
    /// -E -e with --work-dir at -d 31 on the 6.1 dump: makedumpfile has taken zero pages out of the dumpable bitmap before it
    /// looks for unused vmemmap (an ELF header needs the final set), so more vmemmap pages go: the same count as Debian's,
    /// and every frame Debian's ELF file leaves out ours leaves out or holds as zeros (our ELF writer cuts PT_LOADs elsewhere,
    /// and keeps an excluded frame inside a segment as zeros where makedumpfile copies it: not compared here).
    /// </summary>
    [SkippableFact]
    public void ElfExcludeVmemmapLeavesOutWhatDebianLeavesOut()
    {
        var mdf = RealData.Tool("/usr/bin/makedumpfile");
        var vmcore = RealData.Kernel(RealData.Kernel61, "vmcore.elf");
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["work"]);
        var d = RealData.Run(mdf, ["-E", "-e", "--work-dir", dir["work"], "-d", "31", vmcore, dir["debian"]]);
        Assert.True(d.ExitCode == 0, d.Out + d.Err);
        var r = Tools.Makedumpfile("-E", "-e", "--work-dir", dir["work"], "-d", "31", vmcore, dir["ours"]);
        Assert.True(r.ExitCode == 0, r.Err);
        var excluded = ExcludedLine().Match(d.Err.Replace('\r', '\n'));
        Assert.True(excluded.Success, d.Err);
        output.WriteLine(excluded.Value);
        Assert.Contains(excluded.Value + "\n", r.Err);
        using var debian = DumpReader.Open(dir["debian"]);
        using var ours = DumpReader.Open(dir["ours"]);
        var b = new byte[4096];
        long present = 0, absent = 0;
        for (ulong pfn = 0; pfn < Math.Max(debian.MaxPfn, ours.MaxPfn); pfn++)
        {
            bool inDebian = pfn < debian.MaxPfn && debian.GetPageState(pfn) == PageState.Present;
            bool inOurs = pfn < ours.MaxPfn && ours.GetPageState(pfn) == PageState.Present;
            if (inOurs)
                ours.ReadPage(pfn, b);
            if (!inDebian)
            {
                Assert.True(!inOurs || !b.AsSpan().ContainsAnyExcept((byte)0), $"frame 0x{pfn:x} is left out of Debian's, not ours");
                absent++;
                continue;
            }
            present++;
        }
        output.WriteLine($"{present} frames in Debian's, {absent} left out of Debian's and ours");
        Assert.True(absent > 300);
    }

    [GeneratedRegex(@"Excluded \d+ unused vmemmap pages")]
    private static partial Regex ExcludedLine();

    /// <summary>--work-dir alone (makedumpfile's non-cyclic bitmap file, which counts a segment's partial last frame as RAM):
    /// Debian's file byte for byte, and the same page statistics.</summary>
    [SkippableFact]
    public void WorkDirAloneIsDebiansFileAndStatistics()
    {
        var mdf = RealData.Tool("/usr/bin/makedumpfile");
        var vmcore = RealData.Kernel(RealData.Kernel61, "vmcore.elf");
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["work"]);
        var d = RealData.Run(mdf, ["--work-dir", dir["work"], "--message-level", "16", "-d", "31", vmcore, dir["debian"]]);
        Assert.True(d.ExitCode == 0, d.Out + d.Err);
        var r = Tools.Makedumpfile("--work-dir", dir["work"], "--message-level", "16", "-d", "31", vmcore, dir["ours"]);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Equal(File.ReadAllBytes(dir["debian"]), File.ReadAllBytes(dir["ours"]));
        static IEnumerable<string> Pages(string text) => text.Split('\n').Where(l => l.Contains("pages", StringComparison.Ordinal)
            && l.Contains(": 0x", StringComparison.Ordinal) || l.StartsWith("Memory Hole", StringComparison.Ordinal));
        Assert.Equal(Pages(d.Out).ToList(), Pages(r.Out).ToList());
    }

    /// <summary>A --work-dir that does not exist: makedumpfile's open_dump_bitmap line (with its mkstemp name) and status.</summary>
    [SkippableFact]
    public void MissingWorkDirFailsAsMakedumpfile()
    {
        var mdf = RealData.Tool("/usr/bin/makedumpfile");
        var vmcore = RealData.Kernel(RealData.Kernel61, "vmcore.elf");
        using var dir = new TempDir();
        string[] args = ["-e", "--work-dir", dir["missing"], "-d", "31", vmcore, dir["out"]];
        var d = RealData.Run(mdf, args);
        var r = Tools.Makedumpfile(args);
        Assert.Equal(d.ExitCode, r.ExitCode);
        static string Line(string err) => MkstempName().Replace(err.Split('\n').First(l => l.StartsWith("open_dump_bitmap", StringComparison.Ordinal)),
            "kdump_bitmapXXXXXX");
        Assert.Equal(Line(d.Err), Line(r.Err));
        Assert.False(File.Exists(dir["out"]));
    }

    [GeneratedRegex(@"kdump_bitmap[A-Za-z0-9]{6}")]
    private static partial Regex MkstempName();

    /// <summary>The translation block of --vtop, line for line as Debian's makedumpfile prints it on stdout.</summary>
    [SkippableTheory]
    [MemberData(nameof(Kernels))]
    public void VtopAsDebianMakedumpfile(string kver)
    {
        var mdf = RealData.Tool("/usr/bin/makedumpfile");
        var (dump, info) = RealData.OpenVmcore(kver);
        var vmcore = dump.Path;
        ulong stext = info.Symbol("_stext")!.Value;
        ulong directMap = dump.Segments.First(s => s.VirtualAddress is >= 0xff00_0000_0000_0000UL and < 0xffff_ffff_8000_0000UL)
            .VirtualAddress + 0x1234;
        dump.Dispose();
        using var dir = new TempDir();
        int compared = 0;
        foreach (ulong address in new[] { stext, stext + 0x20_1008, info.Symbol("init_uts_ns")!.Value, directMap,
                     0xffffffff81000000UL, 0xffffc90000000000UL })
        {
            var a = $"0x{address:x}";
            var d = RealData.Run(mdf, ["--vtop", a, "--dry-run", "-d", "31", vmcore, dir["debian"]]);
            var r = Tools.Makedumpfile("--vtop", a, "--dry-run", "-d", "31", vmcore, dir["ours"]);
            Assert.True(r.ExitCode == 0, r.Err);
            string debian = VtopBlock(d.Out, address), ours = VtopBlock(r.Out, address);
            output.WriteLine(debian);
            Skip.If(debian.Length == 0, $"Debian's makedumpfile printed no translation: {d.Out}{d.Err}");
            Assert.Equal(debian, ours);
            compared++;
        }
        Assert.Equal(6, compared);
    }

    private static string VtopBlock(string text, ulong address)
    {
        int start = text.IndexOf($"Translating virtual address {address:x} to physical address.", StringComparison.Ordinal);
        if (start < 0) return "";
        int end = text.IndexOf("\n\n", start, StringComparison.Ordinal);
        return text[start..(end + 2)];
    }

    [GeneratedRegex(@"^\s*(Pages filled with zero|Non-private cache pages|Private cache pages|User process data pages|Free pages"
        + @"|Remaining pages|Original pages)\s*: 0x([0-9a-f]+)", RegexOptions.Multiline)]
    private static partial Regex ReportLine();

    /// <summary>
    /// --mem-usage of a dump: each class's pages as upstream makedumpfile 1.7.9 excluded them in the corpus reference
    /// dumps (cache = the vmcore's pages less those of its -d 2 dump, user -d 8, free -d 16; zero pages those of the -d 31
    /// dump that read as zeros, kernel data the rest), the total as Debian's makedumpfile reports it for the same dump.
    /// Debian's own --mem-usage refuses to run on a machine without crashkernel memory, as this one; its level-31 report
    /// agrees with the table on 6.1 and counts 2 zero pages fewer on 6.12 (1.7.2 predates that kernel).
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(Kernels))]
    public void MemUsageOfADumpCountsAsUpstreamMakedumpfile(string kver)
    {
        var mdf = RealData.Tool("/usr/bin/makedumpfile");
        var vmcore = RealData.Kernel(kver, "vmcore.elf");
        // Pages present in a dump; with zeroOnes, also those that read as all zeros (makedumpfile keeps the frames it
        // finds zero at level 1 in the bitmap and points them all at one shared zero page).
        (ulong Present, ulong Zero) Count(string file, bool zeroOnes = false)
        {
            using var dump = DumpReader.Open(file == "vmcore.elf" ? vmcore : RealData.Kernel(kver, file));
            var page = new byte[dump.PageSize];
            ulong n = 0, z = 0;
            for (ulong pfn = 0; pfn < dump.MaxPfn; pfn++)
            {
                if (dump.GetPageState(pfn) != PageState.Present) continue;
                n++;
                if (!zeroOnes) continue;
                dump.ReadPage(pfn, page);
                if (page.AsSpan().IndexOfAnyExcept((byte)0) < 0) z++;
            }
            return (n, z);
        }
        ulong all = Count("vmcore.elf").Present;
        var (kept, zero) = Count("mdf-d31", zeroOnes: true);
        ulong cache = all - Count("mdf-d2").Present, cachePrivate = Count("mdf-d2").Present - Count("mdf-d4").Present;
        ulong user = all - Count("mdf-d8").Present, free = all - Count("mdf-d16").Present;
        Assert.Equal(all - kept, cache + cachePrivate + user + free);
        using var dir = new TempDir();
        var d = RealData.Run(mdf, ["--message-level", "31", "-d", "31", "--dry-run", vmcore, dir["debian"]]);
        Assert.True(d.ExitCode == 0, d.Out + d.Err);
        var counts = ReportLine().Matches(d.Out).ToDictionary(m => m.Groups[1].Value, m => Convert.ToUInt64(m.Groups[2].Value, 16));
        ulong original = counts["Original pages"];
        var r = Tools.Makedumpfile("--mem-usage", vmcore);
        Assert.True(r.ExitCode == 0, r.Err);
        output.WriteLine(r.Out);
        string expected = "\nTYPE\t\tPAGES\t\t\tEXCLUDABLE\tDESCRIPTION\n"
            + "----------------------------------------------------------------------\n"
            + $"ZERO\t\t{zero,-16}\tyes\t\tPages filled with zero\n"
            + $"NON_PRI_CACHE\t{cache,-16}\tyes\t\tCache pages without private flag\n"
            + $"PRI_CACHE\t{cachePrivate,-16}\tyes\t\tCache pages with private flag\n"
            + $"USER\t\t{user,-16}\tyes\t\tUser process pages\n"
            + $"FREE\t\t{free,-16}\tyes\t\tFree pages\n"
            + $"KERN_DATA\t{original - (all - kept) - zero,-16}\tno\t\tDumpable kernel data \n\n"
            + $"page size:\t\t{4096,-16}\n"
            + $"Total pages on system:\t{original,-16}\n"
            + $"Total size on system:\t{original * 4096,-16} Byte\n"
            + "\nmakedumpfile Completed.\n";
        Assert.Equal(expected, r.Out);
    }

    /// <summary>Each line of the --mem-usage table is one of the printf formats in Debian's makedumpfile binary, figures put back as %-16llu.</summary>
    [SkippableFact]
    public void MemUsageLinesAreMakedumpfilesFormats()
    {
        var binary = System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(RealData.Tool("/usr/bin/makedumpfile")));
        var r = Tools.Makedumpfile("--mem-usage", RealData.Kernel(RealData.Kernel61, "vmcore.elf"));
        Assert.True(r.ExitCode == 0, r.Err);
        var lines = r.Out.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("makedumpfile ", StringComparison.Ordinal)).ToList();
        Assert.Equal(11, lines.Count);
        foreach (var line in lines)
        {
            string format = Figure().Replace(line, m => m.Length < 16 ? m.Value
                : (line.StartsWith("page size:") ? "%-16ld" : "%-16llu") + new string(' ', m.Length - 16));
            Assert.Contains(format + "\n", binary);
        }
    }

    [GeneratedRegex(@"\d+ *")]
    private static partial Regex Figure();
}
