// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text.Json;
using Dumpkit.Formats;

namespace Dumpkit.Kdump.Tests.Setup;

/// <summary>kdump estimate: the crashkernel= size against the e2e runs' measurement, and the expected dump against
/// the pages upstream makedumpfile 1.7.9 kept in the corpus reference dumps.</summary>
public class EstimateTests
{
    private static JsonElement Json(FakeSystem f, string cfg)
    {
        f.Out.GetStringBuilder().Clear();
        Assert.Equal(0, f.Kdump("--config", cfg, "estimate", "--json"));
        return JsonDocument.Parse(f.Out.ToString()).RootElement;
    }

    /// <summary>The e2e runs' machine (tests/e2e/RESULTS.md, 2026-12-07: a 400 MiB guest, one capture CPU, dumpkit's own
    /// capture initramfs of that run's size) needs what those runs measured as the smallest crashkernel= for its kernel
    /// series: 112M on 6.1 (104M ran out of memory unpacking the image), 96M on 6.12.</summary>
    [Theory]
    [InlineData("6.1.0-57-amd64", 7_712_603, "crashkernel=112M", "6.1")]
    [InlineData("6.12.118+deb12-amd64", 7_708_880, "crashkernel=96M", "6.12")]
    public void TheEndToEndMachineGetsTheSizeMeasuredThere(string release, int initrdBytes, string expected, string series)
    {
        using var f = new FakeSystem();
        f.Machine(400, 1);
        f.WriteRoot("proc/sys/kernel/osrelease", release + "\n");
        var initrd = f.MakeFile("initrd.img", [0x1f, 0x8b, .. new byte[initrdBytes - 2]]);
        var j = Json(f, f.Config($"KDUMP_INITRD={initrd}\n"));
        Assert.Equal(expected, j.GetProperty("crashkernel").GetString());
        Assert.Equal(release, j.GetProperty("capture_release").GetString());
        Assert.Equal(series, j.GetProperty("measured_series").GetString());
        Assert.True(j.GetProperty("measured_on_this_series").GetBoolean());
        Assert.Equal(400L << 20, j.GetProperty("ram_bytes").GetInt64());
        Assert.Equal(initrd, j.GetProperty("initramfs").GetString());
    }

    /// <summary>The capture kernel named by KDUMP_KERNEL decides the series, not the running one; a series never run in the
    /// e2e test starts from the largest measurement, and the text says so.</summary>
    [Fact]
    public void TheCaptureKernelsSeriesChoosesTheMeasurement()
    {
        using var f = new FakeSystem();
        f.Machine(400, 1);
        var initrd = f.MakeFile("initrd.img", [0x1f, 0x8b, .. new byte[7_708_880 - 2]]);
        var j = Json(f, f.Config($"KDUMP_INITRD={initrd}\nKDUMP_KERNEL=/boot/vmlinuz-6.12.118+deb12-amd64\n"));
        Assert.Equal("6.12", j.GetProperty("measured_series").GetString());
        Assert.Equal("crashkernel=96M", j.GetProperty("crashkernel").GetString());

        f.WriteRoot("proc/sys/kernel/osrelease", "6.6.0-1-amd64\n");
        var cfg = f.Config($"KDUMP_INITRD={initrd}\n");
        j = Json(f, cfg);
        Assert.False(j.GetProperty("measured_on_this_series").GetBoolean());
        long largest = CrashkernelEstimate.Measured.Max(m => m.Size);
        Assert.Equal(CrashkernelEstimate.Measured.MaxBy(m => m.Size)!.Series, j.GetProperty("measured_series").GetString());
        Assert.True(j.GetProperty("crashkernel_bytes").GetInt64() >= largest);
        f.Out.GetStringBuilder().Clear();
        Assert.Equal(0, f.Kdump("--config", cfg, "estimate"));
        Assert.Contains("measured        : 112.0 MiB  no e2e run on 6.6: the largest measured (6.1, ", f.Out.ToString());
    }

    [Theory]
    [InlineData("6.1.0-57-amd64", "6.1")]
    [InlineData("6.12.118+deb12-amd64", "6.12")]
    [InlineData("5.10.0-30-amd64", "5.10")]
    [InlineData("6.12", "6.12")]
    [InlineData("6", null)]
    [InlineData("6.", null)]
    [InlineData("v6.1", null)]
    [InlineData("", null)]
    public void TheSeriesIsMajorDotMinor(string release, string? series) => Assert.Equal(series, CrashkernelEstimate.Series(release));

    /// <summary>Whatever grows memory in the capture kernel never lowers the size; one capture CPU makes CPUs free.</summary>
    [Theory]
    [InlineData("6.1.0-57-amd64")]
    [InlineData("6.12.118+deb12-amd64")]
    [InlineData(null)]
    public void TheSizeGrowsWithWhatTheCaptureKernelHolds(string? release)
    {
        long Size(long ram, int cpus, bool one, long initrd) => new CrashkernelEstimate(ram << 20, cpus, one, initrd << 20, release).Bytes;
        for (long ram = 256; ram <= 1L << 22; ram *= 4)
        {
            Assert.True(Size(ram, 1, true, 5) <= Size(ram * 4, 1, true, 5));
            Assert.True(Size(ram, 1, true, 5) < Size(ram, 1, true, 64));
            Assert.Equal(Size(ram, 1, true, 5), Size(ram, 64, true, 5));
            Assert.True(Size(ram, 1, false, 5) < Size(ram, 64, false, 5));
            Assert.Equal(0, Size(ram, 8, false, 30) % (8 << 20));
            Assert.True(Size(ram, 1, true, 5) >= CrashkernelEstimate.AnchorFor(release).Anchor.Size);
        }
    }

    [Fact]
    public void WithoutAnInitramfsTheStatedDefaultIsUsedAndTheTextSaysSo()
    {
        using var f = new FakeSystem();
        f.Machine(4096, 2);
        var cfg = f.Config("");
        var j = Json(f, cfg);
        Assert.True(j.GetProperty("initramfs_assumed").GetBoolean());
        Assert.Equal(CrashkernelEstimate.DefaultInitrd, j.GetProperty("initramfs_bytes").GetInt64());
        Assert.Equal(JsonValueKind.Null, j.GetProperty("expected_dump_bytes").ValueKind);
        f.Out.GetStringBuilder().Clear();
        Assert.Equal(0, f.Kdump("--config", cfg, "estimate"));
        Assert.Contains("capture initramfs : none built yet: assumed 8.0 MiB", f.Out.ToString());
        Assert.Contains($"expected dump     : unknown: {Path.Combine(f.Root, "proc/kcore")}: No such file or directory", f.Out.ToString());
        Assert.Contains("reserved now      : 112.0 MiB: too small, crashkernel=", f.Out.ToString());
    }

    private static ulong Present(string file)
    {
        using var dump = DumpReader.Open(file);
        ulong n = 0;
        for (ulong pfn = 0; pfn < dump.MaxPfn; pfn++)
            if (dump.GetPageState(pfn) == PageState.Present) n++;
        return n;
    }

    /// <summary>
    /// The census of a real kernel's memory (the corpus vmcore in place of /proc/kcore): the dump expected at -d 2, 4, 8
    /// and 16 leaves out as many pages as upstream makedumpfile's reference dump at that level did.
    /// </summary>
    [SkippableTheory]
    [InlineData(RealData.Kernel61)]
    [InlineData(RealData.Kernel612)]
    public void TheExpectedDumpHasThePagesMakedumpfileKept(string kver)
    {
        string vmcore = RealData.Kernel(kver, "vmcore.elf");
        using var f = new FakeSystem();
        f.Machine(400, 1);
        Directory.CreateDirectory(Path.Combine(f.Root, "proc"));
        File.CreateSymbolicLink(Path.Combine(f.Root, "proc/kcore"), vmcore);
        ulong all = Present(vmcore);
        foreach (int level in new[] { 2, 4, 8, 16 })
        {
            var j = Json(f, f.Config($"MAKEDUMP_ARGS=\"-d {level}\"\n"));
            var census = j.GetProperty("census");
            // the total is makedumpfile's "Total pages on system" (more than the vmcore's pages); the classes are what
            // the reference dump at that level left out of the vmcore's
            ulong total = census.GetProperty("total").GetUInt64();
            ulong excluded = all - Present(RealData.Kernel(kver, $"mdf-d{level}"));
            Assert.Equal((total - excluded) * 4096, j.GetProperty("expected_dump_bytes").GetUInt64());
        }
    }
}
