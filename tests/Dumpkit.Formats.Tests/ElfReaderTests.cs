// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using CsCheck;
using Dumpkit.Formats.Elf;

namespace Dumpkit.Formats.Tests;

public class ElfReaderTests
{
    /// <summary>
    /// Reading a run of frames at once either gives exactly what page-by-page reads give, or
    /// declines (runs that leave a segment, cross a hole or reach past p_filesz).
    /// </summary>
    [Fact]
    public void RunReadsAgreeWithPageReadsOrDecline()
    {
        var vm = new SyntheticVmcore();
        using var dir = new TempDir();
        using var dump = DumpReader.Open(vm.WriteTo(dir.Path));
        int accepted = 0, declined = 0;
        Gen.Select(Gen.ULong[0, dump.MaxPfn + 4], Gen.Int[1, 40]).Sample((pfn, count) =>
        {
            var run = new byte[count * 4096];
            var page = new byte[4096];
            if (!dump.TryReadPages(pfn, count, run))
            {
                declined++;
                return;
            }
            accepted++;
            for (int k = 0; k < count; k++)
            {
                Assert.Equal(PageState.Present, dump.GetPageState(pfn + (ulong)k));
                dump.ReadPage(pfn + (ulong)k, page);
                Assert.True(page.AsSpan().SequenceEqual(run.AsSpan(k * 4096, 4096)), $"frame 0x{pfn + (ulong)k:x} of a run from 0x{pfn:x}");
            }
        }, iter: 2000);
        Assert.True(accepted > 100 && declined > 100, $"{accepted} runs read, {declined} declined");
        Assert.False(dump.TryReadPages(0x100, 4, new byte[3 * 4096])); // buffer too small
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsEveryFrameOfKernelAndQemuLayouts(bool qemu)
    {
        var vm = new SyntheticVmcore { QemuLayout = qemu };
        using var dir = new TempDir();
        using var dump = DumpReader.Open(vm.WriteTo(dir.Path));
        Assert.IsType<ElfDumpReader>(dump);
        Assert.Equal(2, dump.CpuCount);
        Assert.Equal(vm.VmcoreinfoText, dump.VmcoreinfoText);
        var frames = vm.Frames().ToHashSet();
        var page = new byte[4096];
        for (ulong pfn = 0; pfn < dump.MaxPfn + 2; pfn++)
        {
            if (frames.Contains(pfn) && !vm.HasData(pfn))
            {
                Assert.Equal(PageState.Excluded, dump.GetPageState(pfn));
                Assert.Throws<PageNotAvailableException>(() => dump.ReadPage(pfn, page));
            }
            else if (frames.Contains(pfn))
            {
                Assert.Equal(PageState.Present, dump.GetPageState(pfn));
                dump.ReadPage(pfn, page);
                Assert.True(vm.ExpectedPage(pfn).AsSpan().SequenceEqual(page), $"pfn 0x{pfn:x}");
            }
            else
            {
                Assert.Equal(PageState.Hole, dump.GetPageState(pfn));
                Assert.Throws<PageNotAvailableException>(() => dump.ReadPage(pfn, page));
            }
        }
        // The partial last page of the first range is not a frame (as makedumpfile counts).
        Assert.Equal(PageState.Hole, dump.GetPageState(0x9f));
        Assert.Equal(0x840UL, dump.MaxPfn);
    }

    [Fact]
    public void ReadPhysicalCrossesPages()
    {
        var vm = new SyntheticVmcore();
        using var dir = new TempDir();
        using var dump = DumpReader.Open(vm.WriteTo(dir.Path));
        var buf = new byte[6000];
        dump.ReadPhysical(0x100000 + 4000, buf);
        var expected = vm.ExpectedPage(0x100).Concat(vm.ExpectedPage(0x101)).Concat(vm.ExpectedPage(0x102)).ToArray();
        Assert.Equal(expected.AsSpan(4000, 6000).ToArray(), buf);
    }
}
