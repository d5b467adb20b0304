// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text.Json;
using Dumpkit.Formats.Diskdump;
using Xunit.Abstractions;

namespace Dumpkit.Makedumpfile.Tests.RealDumps;

/// <summary>
/// Real kernel dumps (Debian 6.1 and 6.12 guests, ../shared/vmcores) against the real tools:
/// python3-libkdumpfile, Debian's makedumpfile 1.7.2, crash 8.0.2.
/// </summary>
public class RealDumpTests(ITestOutputHelper output)
{
    public static TheoryData<string> Kernels() => [.. RealData.Kernels];

    public static TheoryData<string, string, int> KernelCodecLevel()
    {
        var d = new TheoryData<string, string, int>();
        foreach (var k in RealData.Kernels)
            foreach (var c in new[] { "-c", "-l", "-p", "-z" })
                foreach (var l in new[] { 0, 1 })
                    d.Add(k, c, l);
        return d;
    }

    private static readonly string[] ReferenceFiles =
    [
        "mdf-c-d31", "mdf-d31", "mdf-c-d1", "mdf-l-d31", "mdf-z-d31", "mdf-p-d31", "mdf-d2", "mdf-d4", "mdf-d8",
        "mdf-d16", "mdf-F-c-d31", "mdf-E-d31", "debian-mdf-c-d31",
    ];

    public static TheoryData<string, string> KernelReference()
    {
        var d = new TheoryData<string, string>();
        foreach (var k in RealData.Kernels)
            foreach (var f in ReferenceFiles)
                d.Add(k, f);
        return d;
    }

    /// <summary>Every page our reader returns equals the raw vmcore's; returns the count of present pages.</summary>
    private static long AssertPagesMatchVmcore(DumpReader dump, DumpReader vmcore)
    {
        var a = new byte[4096];
        var b = new byte[4096];
        long present = 0;
        for (ulong pfn = 0; pfn < dump.MaxPfn; pfn++)
        {
            if (dump.GetPageState(pfn) != PageState.Present)
                continue;
            dump.ReadPage(pfn, a);
            vmcore.ReadPage(pfn, b);
            Assert.True(a.AsSpan().SequenceEqual(b), $"{dump.Path}: page frame 0x{pfn:x} differs from the vmcore");
            present++;
        }
        return present;
    }

#pragma warning disable IDE1006 // named as the keys of the JSON the Python helper prints
    internal sealed record Compare(string format, string release, long equal, long differ, long only_ref_zero,
        long only_ref_data, long only_dump, long missing_both, string[] differ_pfns);
#pragma warning restore IDE1006

    private Compare LibkdumpfileCompare(string dump, string reference)
    {
        var py = RealData.LibkdumpfilePython();
        var r = RealData.Run(py, [RealData.RepoFile("tests/tools/libkdumpfile_compare.py"), dump, reference]);
        Assert.True(r.ExitCode == 0, r.Err);
        output.WriteLine(r.Out.Trim());
        return JsonSerializer.Deserialize<Compare>(r.Out)!;
    }

    [SkippableTheory]
    [MemberData(nameof(KernelReference))]
    public void ReaderAgreesWithReferenceFilesAndLibkdumpfile(string kver, string file)
    {
        var path = RealData.Kernel(kver, file);
        using var vmcore = DumpReader.Open(RealData.Kernel(kver, "vmcore.elf"));
        using var dump = DumpReader.Open(path);
        Assert.False(dump.IsIncomplete);
        Assert.Contains($"OSRELEASE={kver}", dump.VmcoreinfoText);
        long present = AssertPagesMatchVmcore(dump, vmcore);
        Assert.True(present > 1000, $"{present} pages");
        output.WriteLine($"{file}: {present} pages read, all equal to vmcore.elf");
        if (file.Contains("-F-"))
            return; // libkdumpfile 0.5.1 cannot open flattened files
        var c = LibkdumpfileCompare(path, RealData.Kernel(kver, "vmcore.elf"));
        Assert.Equal(0, c.only_dump);
        if (dump is not Dumpkit.Formats.Elf.ElfDumpReader elf)
        {
            Assert.Equal(0, c.differ);
            Assert.Equal(present, c.equal); // libkdumpfile sees exactly the pages we see
            return;
        }
        // libkdumpfile 0.5.1 returns bytes for the last page before a PT_LOAD boundary of
        // makedumpfile's -E output even when that page lies past p_filesz (excluded); we report
        // such pages as excluded. At most one such page per segment; every page we call present
        // it reads identically.
        foreach (var hex in c.differ_pfns)
            Assert.NotEqual(PageState.Present, dump.GetPageState(Convert.ToUInt64(hex, 16)));
        Assert.InRange(c.equal + c.differ - present, 0, elf.ProgramHeaders.Count);
    }

    [SkippableTheory]
    [MemberData(nameof(KernelCodecLevel))]
    public void OurOutputReadsBackThroughLibkdumpfile(string kver, string codec, int level)
    {
        var vmcore = RealData.Kernel(kver, "vmcore.elf");
        RealData.LibkdumpfilePython();
        using var dir = new TempDir();
        var r = Tools.Makedumpfile(codec, "-d", level.ToString(), vmcore, dir["out"]);
        Assert.True(r.ExitCode == 0, r.Err);
        var c = LibkdumpfileCompare(dir["out"], vmcore);
        Assert.Equal("diskdump", c.format);
        Assert.Equal(kver, c.release);
        Assert.Equal(0, c.differ);
        Assert.Equal(0, c.only_dump);
        Assert.Equal(0, c.only_ref_data); // only partial frames (all zero) are outside the dump
        Assert.True(c.equal > 40000);
        using var ours = DumpReader.Open(dir["out"]);
        using var input = DumpReader.Open(vmcore);
        Assert.Equal(c.equal, AssertPagesMatchVmcore(ours, input));
    }

    [SkippableTheory]
    [InlineData("6.1.0-56-amd64", "-c")]
    [InlineData("6.1.0-56-amd64", "-l")]
    [InlineData("6.12.117+deb12-amd64", "-c")]
    [InlineData("6.12.117+deb12-amd64", "-l")]
    public void DebianRearrangesOurFlattenedStreamByteIdentically(string kver, string codec)
    {
        var vmcore = RealData.Kernel(kver, "vmcore.elf");
        var mdf = RealData.Tool("/usr/bin/makedumpfile");
        using var dir = new TempDir();
        Assert.Equal(0, Tools.Makedumpfile(codec, "-d", "1", vmcore, dir["plain"]).ExitCode);
        var flat = Tools.Makedumpfile("-F", codec, "-d", "1", vmcore);
        Assert.Equal(0, flat.ExitCode);
        File.WriteAllBytes(dir["flat"], flat.Stdout);
        var r = RealData.Run(mdf, ["-R", dir["rearranged"]], stdinFile: dir["flat"]);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.True(File.ReadAllBytes(dir["plain"]).AsSpan().SequenceEqual(File.ReadAllBytes(dir["rearranged"])),
            "makedumpfile -R of our -F differs from our plain output");
    }

    [SkippableTheory]
    [MemberData(nameof(Kernels))]
    public void OurRearrangeOfUpstreamFlattenedStreamIsByteIdentical(string kver)
    {
        var flat = RealData.Kernel(kver, "mdf-F-c-d31");
        var plain = RealData.Kernel(kver, "mdf-c-d31");
        using var dir = new TempDir();
        using (var stdin = File.OpenRead(flat))
        {
            var r = Tools.Makedumpfile(stdin, "-R", dir["out"]);
            Assert.True(r.ExitCode == 0, r.Err);
        }
        Assert.True(File.ReadAllBytes(plain).AsSpan().SequenceEqual(File.ReadAllBytes(dir["out"])));
    }

    [SkippableTheory]
    [MemberData(nameof(Kernels))]
    public void CrashReadsOurOutput(string kver)
    {
        var vmcore = RealData.Kernel(kver, "vmcore.elf");
        var crash = RealData.Tool("/usr/bin/crash");
        using var dir = new TempDir();
        Assert.Equal(0, Tools.Makedumpfile("-c", "-d", "1", vmcore, dir["out"]).ExitCode);
        var flat = Tools.Makedumpfile("-F", "-l", "-d", "1", vmcore);
        File.WriteAllBytes(dir["flat"], flat.Stdout);
        foreach (var f in new[] { dir["out"], dir["flat"] })
        {
            var r = RealData.Run(crash, ["--osrelease", f]);
            Assert.True(r.ExitCode == 0, r.Err);
            Assert.Equal(kver, r.Out.Trim());
        }
    }

    [SkippableTheory]
    [InlineData("6.1.0-56-amd64", "-c")]
    [InlineData("6.1.0-56-amd64", "-l")]
    [InlineData("6.12.117+deb12-amd64", "-c")]
    [InlineData("6.12.117+deb12-amd64", "-l")]
    public void DebianMakedumpfileRefiltersOurOutputAndReadsItsLog(string kver, string codec)
    {
        var vmcore = RealData.Kernel(kver, "vmcore.elf");
        var mdf = RealData.Tool("/usr/bin/makedumpfile");
        using var dir = new TempDir();
        Assert.Equal(0, Tools.Makedumpfile(codec, "-d", "0", vmcore, dir["ours"]).ExitCode);
        var r = RealData.Run(mdf, ["-c", "-d", "1", dir["ours"], dir["refiltered"]]);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        using (var refiltered = DumpReader.Open(dir["refiltered"]))
        using (var input = DumpReader.Open(vmcore))
            Assert.True(AssertPagesMatchVmcore(refiltered, input) > 10000);
        r = RealData.Run(mdf, ["--dump-dmesg", dir["ours"], dir["dmesg"]]);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.Contains($"LAB-MARKER kdump-lab {kver}", File.ReadAllText(dir["dmesg"]));
    }

    [SkippableTheory]
    [MemberData(nameof(Kernels))]
    public void Level31AndDmesgMatchUpstreamMakedumpfile(string kver)
    {
        var vmcore = RealData.Kernel(kver, "vmcore.elf");
        var reference = RealData.Kernel(kver, "mdf-c-d31");
        var dmesgRef = RealData.SharedText(kver, "mdf-dmesg.txt");
        using var dir = new TempDir();
        var r = Tools.Makedumpfile("-c", "-d", "31", vmcore, dir["out"]);
        Assert.True(r.ExitCode == 0, r.Err);
        using (var ours = (DiskdumpReader)DumpReader.Open(dir["out"]))
        using (var upstream = (DiskdumpReader)DumpReader.Open(reference))
        {
            // Header, sub header, notes and both bitmaps: byte for byte.
            int head = (1 + ours.Header.SubHeaderBlocks + (int)ours.Header.BitmapBlocks) * ours.PageSize;
            var a = new byte[head];
            var b = new byte[head];
            using (var f = File.OpenRead(dir["out"])) f.ReadExactly(a);
            using (var f = File.OpenRead(reference)) f.ReadExactly(b);
            Assert.True(a.AsSpan().SequenceEqual(b), "headers or bitmaps differ from upstream's -c -d 31");
            long oursSize = new FileInfo(dir["out"]).Length, theirs = new FileInfo(reference).Length;
            output.WriteLine($"-c -d 31: ours {oursSize} bytes, upstream {theirs} ({100.0 * oursSize / theirs - 100:F2}%)");
            Assert.True(oursSize <= theirs, $"ours {oursSize} bytes, upstream {theirs}: zlib output must not be larger");
        }
        Assert.Equal(0, Tools.Makedumpfile("--dump-dmesg", vmcore, dir["dmesg"]).ExitCode);
        Assert.Equal(File.ReadAllBytes(dmesgRef), File.ReadAllBytes(dir["dmesg"]));
    }

    [SkippableTheory]
    [MemberData(nameof(Kernels))]
    public void SmallCyclesGiveTheSameDumpAndStatistics(string kver)
    {
        // --cyclic-buffer 1: 8192 frames per cycle, about ten cycles on these dumps.
        var vmcore = RealData.Kernel(kver, "vmcore.elf");
        using var dir = new TempDir();
        var whole = Tools.Makedumpfile("-l", "-d", "31", "--show-stats", vmcore, dir["whole"]);
        Assert.True(whole.ExitCode == 0, whole.Err);
        var cyclic = Tools.Makedumpfile("-l", "-d", "31", "--show-stats", "--cyclic-buffer", "1", vmcore, dir["cyclic"]);
        Assert.True(cyclic.ExitCode == 0, cyclic.Err);
        Assert.True(File.ReadAllBytes(dir["whole"]).AsSpan().SequenceEqual(File.ReadAllBytes(dir["cyclic"])));
        Assert.Equal(whole.Out.Replace(dir["whole"], "X"), cyclic.Out.Replace(dir["cyclic"], "X"));
    }

    [SkippableTheory]
    [MemberData(nameof(Kernels))]
    public void ZlibLevel1OutputIsNoLargerThanUpstreams(string kver)
    {
        var vmcore = RealData.Kernel(kver, "vmcore.elf");
        var reference = RealData.Kernel(kver, "mdf-c-d1");
        using var dir = new TempDir();
        Assert.Equal(0, Tools.Makedumpfile("-c", "-d", "1", vmcore, dir["out"]).ExitCode);
        long ours = new FileInfo(dir["out"]).Length, theirs = new FileInfo(reference).Length;
        output.WriteLine($"-c -d 1: ours {ours} bytes, upstream {theirs} ({100.0 * ours / theirs - 100:F2}%)");
        Assert.True(ours <= theirs, $"ours {ours} bytes, upstream {theirs}");
    }

    [SkippableFact]
    public void DebianMakedumpfileReassemblesOurSplitSet()
    {
        const string Release = "6.1.0-56-amd64";
        var vmcore = RealData.Kernel(Release, "vmcore.elf");
        var mdf = RealData.Tool("/usr/bin/makedumpfile");
        using var dir = new TempDir();
        var r = Tools.Makedumpfile("--split", "-c", "-d", "31", vmcore, dir["a"], dir["b"]);
        Assert.True(r.ExitCode == 0, r.Err);
        var p = RealData.Run(mdf, ["--reassemble", dir["a"], dir["b"], dir["theirs"]]);
        Assert.True(p.ExitCode == 0, p.Out + p.Err);
        Assert.Equal(0, Tools.Makedumpfile("-c", "-d", "31", vmcore, dir["whole"]).ExitCode);
        using var theirs = DumpReader.Open(dir["theirs"]);
        using var whole = (DiskdumpReader)DumpReader.Open(dir["whole"]);
        using var input = DumpReader.Open(vmcore);
        Assert.Equal((long)whole.DumpableBitmap.PopCount(), AssertPagesMatchVmcore(theirs, input));
        var crash = RealData.Run(RealData.Tool("/usr/bin/crash"), ["--osrelease", dir["a"]]);
        Assert.Equal(Release, crash.Out.Trim());
    }

    [SkippableFact]
    public void SplitSetFromDebianMakedumpfileOpensAsOne()
    {
        const string Release = "6.1.0-56-amd64";
        var vmcore = RealData.Kernel(Release, "vmcore.elf");
        var mdf = RealData.Tool("/usr/bin/makedumpfile");
        using var dir = new TempDir();
        var r = RealData.Run(mdf, ["--split", "-c", "-d", "1", vmcore, dir["a"], dir["b"], dir["c"]]);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        using var split = DumpReader.Open([dir["c"], dir["a"], dir["b"]]);
        Assert.Equal(3, ((DiskdumpReader)split).PartCount);
        using var input = DumpReader.Open(vmcore);
        long present = AssertPagesMatchVmcore(split, input);
        Assert.True(present > 40000, $"{present} pages");
    }
}

