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
    /// <summary>
    /// A frame two PT_LOADs hold (an -E file of makedumpfile's: the kernel text's and the direct mapping's) is read from the
    /// first program header holding it, as makedumpfile's paddr_to_offset reads it, whatever their physical order.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void OverlappingLoadsReadFromTheFirstProgramHeader(bool innerFirst)
    {
        // inner: 1 page at paddr 0x2000 filled with 'I'; outer: 4 pages at paddr 0 filled with 'O'.
        var inner = (PAddr: 0x2000UL, Pages: 1, Fill: (byte)'I');
        var outer = (PAddr: 0UL, Pages: 4, Fill: (byte)'O');
        var loads = innerFirst ? new[] { inner, outer } : [outer, inner];
        int headers = 64 + 56 * loads.Length;
        int dataAt = (headers + 4095) & ~4095;
        var file = new byte[dataAt + 5 * 4096];
        var f = file.AsSpan();
        new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F' }.CopyTo(f);
        f[4] = 2;
        f[5] = 1;
        f[6] = 1;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(f[16..], 4);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(f[18..], 62);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(f[20..], 1);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(f[32..], 64);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(f[52..], 64);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(f[54..], 56);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(f[56..], (ushort)loads.Length);
        long offset = dataAt;
        for (int i = 0; i < loads.Length; i++)
        {
            var h = f.Slice(64 + 56 * i, 56);
            ulong size = (ulong)loads[i].Pages * 4096;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(h, 1); // PT_LOAD
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(h[4..], 7);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(h[8..], (ulong)offset);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(h[16..], 0xffff888000000000UL + loads[i].PAddr);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(h[24..], loads[i].PAddr);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(h[32..], size);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(h[40..], size);
            f.Slice((int)offset, (int)size).Fill(loads[i].Fill);
            offset += (long)size;
        }
        using var dir = new TempDir();
        File.WriteAllBytes(dir["overlap.elf"], file);
        using var dump = DumpReader.Open(dir["overlap.elf"]);
        var page = new byte[4096];
        for (ulong pfn = 0; pfn < 4; pfn++)
        {
            dump.ReadPage(pfn, page);
            byte expected = pfn == 2 && innerFirst ? (byte)'I' : (byte)'O';
            Assert.All(page, b => Assert.Equal(expected, b));
        }
        var pages = new byte[4 * 4096];
        if (dump.TryReadPages(0, 4, pages))
            Assert.Equal(innerFirst ? (byte)'I' : (byte)'O', pages[2 * 4096 + 17]);
    }
}
