using Dumpkit.Formats.Elf;
using Dumpkit.Formats.Tests.Support;

namespace Dumpkit.Formats.Tests;

public class ElfReaderTests
{
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
