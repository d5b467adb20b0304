// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Security.Cryptography;
using Dumpkit.Formats.Diskdump;
using Dumpkit.Formats.Elf;
using Dumpkit.Formats.Flattened;
using Dumpkit.Formats.IO;

namespace Dumpkit.Makedumpfile.Tests;

public class MakedumpfileWriteTests
{
    public static TheoryData<string, int> CodecsAndLevels()
    {
        var d = new TheoryData<string, int>();
        foreach (var c in new[] { "", "-c", "-l", "-p", "-z" })
            foreach (var l in new[] { 0, 1 })
                d.Add(c, l);
        return d;
    }

    private static void AssertSamePages(SyntheticVmcore vm, DumpReader dump, bool zeroShared)
    {
        var page = new byte[4096];
        var frames = vm.Frames().ToHashSet();
        for (ulong pfn = 0; pfn < dump.MaxPfn; pfn++)
        {
            if (!frames.Contains(pfn))
            {
                Assert.Equal(PageState.Hole, dump.GetPageState(pfn));
                continue;
            }
            if (!vm.HasData(pfn))
            {
                Assert.Equal(PageState.Excluded, dump.GetPageState(pfn));
                continue;
            }
            Assert.Equal(PageState.Present, dump.GetPageState(pfn));
            dump.ReadPage(pfn, page);
            Assert.True(vm.ExpectedPage(pfn).AsSpan().SequenceEqual(page), $"pfn 0x{pfn:x}");
        }
        if (dump is DiskdumpReader kd && zeroShared)
        {
            // Every zero page points at the one shared zero block.
            var zeroDescs = new HashSet<long>();
            foreach (var pfn in frames.Where(vm.HasData))
                if (vm.ExpectedPage(pfn).AsSpan().IndexOfAnyExcept((byte)0) < 0)
                    zeroDescs.Add(kd.GetDescriptor(pfn).Offset);
            Assert.Single(zeroDescs);
        }
    }

    [Theory]
    [MemberData(nameof(CodecsAndLevels))]
    public void KdumpOutputReadsBackIdentical(string codec, int level)
    {
        var vm = new SyntheticVmcore();
        using var dir = new TempDir();
        var input = vm.WriteTo(dir.Path);
        var args = new List<string>();
        if (codec != "") args.Add(codec);
        args.AddRange(["-d", level.ToString(), input, dir["out"]]);
        var r = Tools.Makedumpfile([.. args]);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Contains("makedumpfile Completed.", r.Out);
        using var dump = DumpReader.Open(dir["out"]);
        var kd = Assert.IsType<DiskdumpReader>(dump);
        Assert.Equal(6, kd.Header.HeaderVersion);
        Assert.Equal("KDUMP   ", kd.Header.Signature);
        Assert.Equal(SyntheticVmcore.Release, kd.Header.Release);
        Assert.Equal(SyntheticVmcore.CrashTime, kd.Header.TimestampSeconds);
        Assert.Equal(2, kd.Header.NrCpus);
        Assert.Equal(level, kd.SubHeader!.DumpLevel);
        Assert.False(kd.IsIncomplete);
        Assert.Equal(vm.VmcoreinfoText, kd.VmcoreinfoText);
        AssertSamePages(vm, dump, zeroShared: level == 1);
        // A codec flag is claimed only by pages that really use it, and compressible pages do.
        var expectedCodec = codec switch { "-c" => 1u, "-l" => 2u, "-p" => 4u, "-z" => 0x20u, _ => 0u };
        Assert.Equal(expectedCodec, kd.Header.Status);
        int compressed = 0;
        foreach (var pfn in vm.Frames().Where(vm.HasData))
        {
            var d = kd.GetDescriptor(pfn);
            Assert.True(d.Flags == 0 || d.Flags == expectedCodec);
            Assert.True(d.Flags != 0 || d.Size == 4096);
            if (d.Flags != 0) { compressed++; Assert.True(d.Size < 4096); }
        }
        Assert.Equal(expectedCodec != 0, compressed > 0);
    }

    /// <summary>
    /// Progress on a non-terminal stderr (a serial console, a log): plain lines ending at 100 %,
    /// no carriage returns; with the debug bit of --message-level, the time of each phase.
    /// </summary>
    [Fact]
    public void ProgressIsLinesAndDebugLevelTimesEachPhase()
    {
        using var dir = new TempDir();
        var input = new SyntheticVmcore().WriteTo(dir.Path);
        var r = Tools.Makedumpfile("-c", "-d", "1", input, dir["out"]);
        Assert.Equal(0, r.ExitCode);
        Assert.DoesNotContain('\r', r.Err);
        Assert.Matches(@"(?m)^Copying data +: \[100\.0 %\] .  eta: 0s$", r.Err);
        Assert.DoesNotContain("STEP [", r.Err);

        var d = Tools.Makedumpfile("-c", "-d", "1", "--message-level", "15", input, dir["out2"]);
        Assert.Equal(0, d.ExitCode);
        foreach (var step in new[] { "Reading kernel tables", "Excluding unnecessary pages", "Copying data" })
            Assert.Matches($@"(?m)^STEP \[{step} *\] : \d+\.\d{{6}} seconds$", d.Err);

        var quiet = Tools.Makedumpfile("-c", "-d", "1", "--message-level", "0", input, dir["out3"]);
        Assert.Equal(0, quiet.ExitCode);
        Assert.Equal("", quiet.Err + quiet.Out);
    }

    /// <summary>
    /// With N threads, N - 1 workers fill batches and the writing thread fills one whenever the
    /// batch it must write next is not ready: whoever fills which batch, the file is the same
    /// (about eight batches here, so more threads than batches too).
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(12)]
    public void OutputDoesNotDependOnThreadCount(int threads)
    {
        var vm = new SyntheticVmcore();
        using var dir = new TempDir();
        var input = vm.WriteTo(dir.Path);
        Assert.Equal(0, Tools.Makedumpfile("-c", "-d", "1", "--num-threads", "1", input, dir["t1"]).ExitCode);
        Assert.Equal(0, Tools.Makedumpfile("-c", "-d", "1", "--num-threads", $"{threads}", input, dir["tn"]).ExitCode);
        Assert.Equal(File.ReadAllBytes(dir["t1"]), File.ReadAllBytes(dir["tn"]));
    }

    [Fact]
    public void OutputDoesNotDependOnTheCycleSize()
    {
        // Two windows of 512 frames at a time against the whole dump in one cycle.
        var vm = new SyntheticVmcore();
        using var dir = new TempDir();
        using var input = DumpReader.Open(vm.WriteTo(dir.Path));
        byte[] Write(ulong cycle, bool flat)
        {
            var ram = new PfnBitmap(input.MaxPfn);
            foreach (var r in input.RamRanges()) ram.SetRange(r.Start, r.End);
            var dumpable = new PfnBitmap(input.MaxPfn);
            foreach (var r in input.DataRanges()) dumpable.SetRange(r.Start, r.End);
            var options = new DiskdumpWriterOptions
            {
                Header = new DiskdumpHeader { Utsname = ["Linux", "", "r", "", "x86_64", ""] },
                Codec = Dumpkit.Formats.Codecs.PageCodec.Zlib,
                ExcludeZero = true,
                CycleFrames = cycle,
                Threads = 2,
            };
            var path = dir[$"c{cycle}{flat}"];
            if (flat)
            {
                using var ms = new MemoryStream();
                using (var sink = new FlattenedWriter(ms, "flat", leaveOpen: true))
                    DiskdumpWriter.Write(sink, input, ram, dumpable, options);
                return ms.ToArray();
            }
            using (var sink = new FileDumpSink(path, overwrite: true))
                DiskdumpWriter.Write(sink, input, ram, dumpable, options);
            return File.ReadAllBytes(path);
        }
        var whole = Write(DiskdumpWriter.DefaultCycleFrames, false);
        Assert.Equal(whole, Write(512, false));
        Assert.Equal(whole, Write(1024, false));
        var r = Tools.Makedumpfile(new MemoryStream(Write(512, true)), "-R", dir["rearranged"]);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Equal(whole, File.ReadAllBytes(dir["rearranged"]));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void SplitSetReadsAsOneAndReassembles(int parts)
    {
        var vm = new SyntheticVmcore();
        using var dir = new TempDir();
        var input = vm.WriteTo(dir.Path);
        var names = Enumerable.Range(0, parts).Select(i => dir[$"part{i}"]).ToArray();
        var r = Tools.Makedumpfile(["--split", "-z", "-d", "1", input, .. names]);
        Assert.True(r.ExitCode == 0, r.Err);
        var counts = new List<ulong>();
        foreach (var n in names)
        {
            using var part = (DiskdumpReader)DumpReader.Open(n);
            Assert.Equal(1, part.SubHeader!.Split);
            counts.Add(part.SubHeader.EndPfn64 - part.SubHeader.StartPfn64);
        }
        using (var set = DumpReader.Open(names.Reverse().ToArray()))
            AssertSamePages(vm, set, zeroShared: false);
        r = Tools.Makedumpfile(["--reassemble", .. names, dir["whole"]]);
        Assert.True(r.ExitCode == 0, r.Err);
        using var whole = (DiskdumpReader)DumpReader.Open(dir["whole"]);
        Assert.Equal(0, whole.SubHeader!.Split);
        Assert.Equal(0x20u, whole.Header.Status);
        AssertSamePages(vm, whole, zeroShared: true);
    }

    [Fact]
    public void FlattenedStreamRearrangesToThePlainFile()
    {
        var vm = new SyntheticVmcore();
        using var dir = new TempDir();
        var input = vm.WriteTo(dir.Path);
        Assert.Equal(0, Tools.Makedumpfile("-l", "-d", "1", input, dir["plain"]).ExitCode);
        var flat = Tools.Makedumpfile("-F", "-l", "-d", "1", input);
        Assert.Equal(0, flat.ExitCode);
        Assert.Empty(flat.Out); // with -F every message goes to stderr
        Assert.True(FlattenedFormat.HasSignature(flat.Stdout));
        var r = Tools.Makedumpfile(new MemoryStream(flat.Stdout), "-R", dir["rearranged"]);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Equal(File.ReadAllBytes(dir["plain"]), File.ReadAllBytes(dir["rearranged"]));
        // The flattened file opens directly too.
        File.WriteAllBytes(dir["flat"], flat.Stdout);
        using var dump = DumpReader.Open(dir["flat"]);
        AssertSamePages(vm, dump, zeroShared: true);
    }

    [Fact]
    public void RearrangeWithoutEndMarkerFailsAndLeavesNoFile()
    {
        var vm = new SyntheticVmcore();
        using var dir = new TempDir();
        var flat = Tools.Makedumpfile("-F", "-c", "-d", "1", vm.WriteTo(dir.Path)).Stdout;
        var cut = flat.AsSpan(0, flat.Length - 16).ToArray();
        var r = Tools.Makedumpfile(new MemoryStream(cut), "-R", dir["out"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("no end marker", r.Err);
        Assert.False(File.Exists(dir["out"]));
        File.WriteAllBytes(dir["cut"], cut);
        var e = Assert.Throws<DumpFormatException>(() => DumpReader.Open(dir["cut"]));
        Assert.Contains("no end marker", e.Message);
    }

    [Fact]
    public void RefilteringAKdumpFileKeepsEveryPage()
    {
        var vm = new SyntheticVmcore();
        using var dir = new TempDir();
        var input = vm.WriteTo(dir.Path);
        Assert.Equal(0, Tools.Makedumpfile("-d", "0", input, dir["d0"]).ExitCode);
        var r = Tools.Makedumpfile("-z", "-d", "1", dir["d0"], dir["z1"]);
        Assert.True(r.ExitCode == 0, r.Err);
        using var dump = DumpReader.Open(dir["z1"]);
        AssertSamePages(vm, dump, zeroShared: true);
        Assert.Equal(SyntheticVmcore.Release, ((DiskdumpReader)dump).Header.Release);
    }

    [Fact]
    public void SizeLimitLeavesAValidIncompleteDump()
    {
        var vm = new SyntheticVmcore();
        using var dir = new TempDir();
        var input = vm.WriteTo(dir.Path);
        Assert.Equal(0, Tools.Makedumpfile("-d", "1", input, dir["full"]).ExitCode);
        long full = new FileInfo(dir["full"]).Length;
        var r = Tools.Makedumpfile("-d", "1", "-L", (full / 2).ToString(), input, dir["cut"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("INCOMPLETE", r.Err);
        Assert.True(new FileInfo(dir["cut"]).Length <= full / 2);
        using var dump = DumpReader.Open(dir["cut"]);
        Assert.True(dump.IsIncomplete);
        var page = new byte[4096];
        int present = 0, missing = 0;
        foreach (var pfn in vm.Frames().Where(vm.HasData))
        {
            var s = dump.GetPageState(pfn);
            if (s == PageState.Present)
            {
                present++;
                dump.ReadPage(pfn, page);
                Assert.True(vm.ExpectedPage(pfn).AsSpan().SequenceEqual(page));
            }
            else
            {
                Assert.Equal(PageState.Incomplete, s);
                missing++;
                var e = Assert.Throws<PageNotAvailableException>(() => dump.ReadPage(pfn, page));
                Assert.Equal(PageState.Incomplete, e.State);
            }
        }
        Assert.True(present > 0 && missing > 0, $"{present} present, {missing} missing");
    }

    [Fact]
    public void DumpLevelListRetriesOnlyWhatCanHelp()
    {
        var vm = new SyntheticVmcore();
        using var dir = new TempDir();
        var input = vm.WriteTo(dir.Path);
        Assert.Equal(0, Tools.Makedumpfile("-d", "1", input, dir["d1"]).ExitCode);
        long d1 = new FileInfo(dir["d1"]).Length;
        // -d 0 does not fit under the limit, -d 1 does: the second level is used.
        var r = Tools.Makedumpfile("-d", "0,1", "-L", d1.ToString(), input, dir["out"]);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Contains("retrying with dump level 1", r.Err);
        using var dump = (DiskdumpReader)DumpReader.Open(dir["out"]);
        Assert.False(dump.IsIncomplete);
        Assert.Equal(1, dump.SubHeader!.DumpLevel);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void ElfOutputReadsBack(int level)
    {
        var vm = new SyntheticVmcore();
        using var dir = new TempDir();
        var r = Tools.Makedumpfile("-E", "-d", level.ToString(), vm.WriteTo(dir.Path), dir["out.elf"]);
        Assert.True(r.ExitCode == 0, r.Err);
        using var dump = DumpReader.Open(dir["out.elf"]);
        var elf = Assert.IsType<ElfDumpReader>(dump);
        Assert.False(elf.IsIncomplete);
        Assert.Equal(vm.VmcoreinfoText, dump.VmcoreinfoText);
        var page = new byte[4096];
        foreach (var pfn in vm.Frames().Where(vm.HasData))
        {
            // Zero pages may be cut out of the ELF with -d 1; whatever is there is right.
            if (dump.GetPageState(pfn) != PageState.Present)
            {
                Assert.Equal(1, level);
                Assert.True(vm.ExpectedPage(pfn).AsSpan().IndexOfAnyExcept((byte)0) < 0);
                continue;
            }
            dump.ReadPage(pfn, page);
            Assert.True(vm.ExpectedPage(pfn).AsSpan().SequenceEqual(page), $"pfn 0x{pfn:x}");
        }
    }

    /// <summary>
    /// ELF output goes through the page pipeline (with -d 1, a first pass finds the zero pages on
    /// every thread; --cyclic-buffer 1 makes both passes run 8192 frames at a time): on any thread
    /// count the file is the one a single thread writes. (That file's layout is makedumpfile's:
    /// ElfOutputTests compares it with Debian's makedumpfile on the corpus vmcore; Debian's cannot
    /// write ELF from the kdump-compressed sample.)
    /// </summary>
    [Theory]
    [InlineData(0, "")]
    [InlineData(1, "")]
    [InlineData(1, "--cyclic-buffer 1")]
    [InlineData(31, "")]
    [InlineData(31, "-F")]
    public void ElfOutputOfTheSampleIsTheSameOnAnyThreadCount(int level, string extra)
    {
        var input = RealData.RepoFile("samples/vmcore-6.1.kdump");
        bool flatten = extra == "-F";
        using var dir = new TempDir();
        string? single = null;
        foreach (var threads in new[] { 1, 2, 3 })
        {
            string output = dir[$"t{threads}.elf"];
            var args = new List<string> { "-E", "-d", $"{level}", "--num-threads", $"{threads}" };
            args.AddRange(extra.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            args.Add(input);
            if (!flatten) args.Add(output);
            var r = Tools.Makedumpfile([.. args]);
            Assert.True(r.ExitCode == 0, r.Err);
            byte[] hash;
            if (flatten)
                hash = SHA256.HashData(r.Stdout);
            else
                using (var f = File.OpenRead(output))
                    hash = SHA256.HashData(f);
            single ??= Convert.ToHexStringLower(hash);
            Assert.True(single == Convert.ToHexStringLower(hash), $"{threads} threads: the output differs from one thread's");
            File.Delete(output);
        }
    }

    [Theory]
    [InlineData(new[] { "-d", "40" }, "Dump_level(40) is invalid.")]
    [InlineData(new[] { "-E", "-c" }, "Commandline parameter is invalid.")]
    [InlineData(new[] { "--bogus" }, "unrecognized option")]
    public void BadCommandLinesFailWithAMessage(string[] extra, string message)
    {
        var vm = new SyntheticVmcore();
        using var dir = new TempDir();
        var r = Tools.Makedumpfile([.. extra, vm.WriteTo(dir.Path), dir["out"]]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(message, r.Out + r.Err); // makedumpfile's own lines are on stdout, getopt's on stderr
        Assert.False(File.Exists(dir["out"]));
    }

    [Fact]
    public void UnclassifiableKernelLowersTheLevelAndSaysSo()
    {
        // The synthetic VMCOREINFO has no mem_section or page offsets: nothing can be classified.
        var vm = new SyntheticVmcore();
        using var dir = new TempDir();
        var r = Tools.Makedumpfile("-c", "-d", "31", vm.WriteTo(dir.Path), dir["out"]);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Contains("dump level 31 lowered to 1", r.Err);
        using var dump = (DiskdumpReader)DumpReader.Open(dir["out"]);
        Assert.Equal(1, dump.SubHeader!.DumpLevel);
        AssertSamePages(vm, dump, zeroShared: true);
    }

    [Fact]
    public void ExistingOutputNeedsForce()
    {
        var vm = new SyntheticVmcore();
        using var dir = new TempDir();
        var input = vm.WriteTo(dir.Path);
        File.WriteAllText(dir["out"], "keep me");
        var r = Tools.Makedumpfile("-d", "1", input, dir["out"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("File exists", r.Err);
        Assert.Equal("keep me", File.ReadAllText(dir["out"]));
        Assert.Equal(0, Tools.Makedumpfile("-f", "-d", "1", input, dir["out"]).ExitCode);
    }

    [Fact]
    public void VersionListsAllFourCodecs()
    {
        var r = Tools.Makedumpfile("-v");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("lzo\tenabled", r.Out);
        Assert.Contains("snappy\tenabled", r.Out);
        Assert.Contains("zstd\tenabled", r.Out);
    }

    [Fact]
    public void ShowStatsPrintsTheTable()
    {
        var vm = new SyntheticVmcore();
        using var dir = new TempDir();
        var r = Tools.Makedumpfile("--show-stats", "-d", "1", vm.WriteTo(dir.Path), dir["out"]);
        Assert.Equal(0, r.ExitCode);
        int zero = vm.Frames().Count(p => vm.HasData(p) && vm.ExpectedPage(p).AsSpan().IndexOfAnyExcept((byte)0) < 0);
        Assert.Contains($"    Pages filled with zero  : 0x{zero:x16}", r.Out);
        Assert.Contains($"Original pages  : 0x{vm.Frames().Count():x16}", r.Out);
    }
}
