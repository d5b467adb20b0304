// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Formats.Tests;

/// <summary>
/// /proc/kcore's ELF layout (fs/proc/kcore.c): its note segment says p_memsz 0, and the mappings that are not RAM
/// (vmalloc, modules, vmemmap) have p_paddr (elf_addr_t)-1. Such a file opens, and only the segments with a physical
/// address are RAM. (The real /proc/kcore is read in a QEMU guest by tests/e2e/kcore-mem-usage.sh.)
/// </summary>
public class KcoreLayoutTests
{
    [Fact]
    public void NoteWithoutMemorySizeAndLoadsWithoutPhysicalAddress()
    {
        var vm = new SyntheticVmcore();
        byte[] file = vm.Build();
        var eh = file.AsSpan();
        long phoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(eh[32..]);
        const int PhdrSize = 56;
        // program header 0 is the note: p_memsz (at 40) 0, as kcore writes it
        BinaryPrimitives.WriteUInt64LittleEndian(eh[(int)(phoff + 40)..], 0);
        // the last PT_LOAD becomes a vmalloc-like mapping: p_paddr (at 24) -1
        int last = vm.Segments.Count;
        BinaryPrimitives.WriteUInt64LittleEndian(eh[(int)(phoff + last * PhdrSize + 24)..], ulong.MaxValue);
        using var dir = new TempDir();
        File.WriteAllBytes(dir["kcore"], file);

        using var kcore = DumpReader.Open(dir["kcore"]);
        using var plain = DumpReader.Open(vm.WriteTo(dir.Path));
        var (lastStart, lastSize, _) = vm.Segments[^1];
        ulong lastFirst = lastStart / SyntheticVmcore.PageSize, lastEnd = (lastStart + lastSize) / SyntheticVmcore.PageSize;
        var expected = plain.RamRanges().Where(r => r.End <= lastFirst || r.Start >= lastEnd).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, kcore.RamRanges());
        Assert.Equal(plain.Notes, kcore.Notes);
        var page = new byte[SyntheticVmcore.PageSize];
        ulong pfn = expected[^1].Start;
        kcore.ReadPage(pfn, page);
        Assert.Equal(vm.ExpectedPage(pfn), page);
    }

    /// <summary>
    /// Ranges left out (the crashkernel= reservation of /proc/kcore) cut the PT_LOADs: the file reads as a dump whose
    /// segments never held them, in the middle of a segment and across the end of a segment's file data.
    /// </summary>
    [Fact]
    public void LeftOutRangesAreHolesAsInADumpWithoutThem()
    {
        var vm = new SyntheticVmcore();
        var without = new SyntheticVmcore();
        without.Segments.Clear();
        without.Segments.AddRange([
            (0x1000, 0x9ec00, 0x9ec00), (0x100000, 0x100000, 0x100000), (0x280000, 0x180000, 0x180000),
            (0x800000, 0x10000, 0x10000), (0x830000, 0x10000, 0)]);
        Assert.Equal(vm.Segments[0], without.Segments[0]);
        Assert.Equal(vm.Segments[1].PAddr + vm.Segments[1].MemSize, without.Segments[2].PAddr + without.Segments[2].MemSize);
        Assert.Equal(vm.Segments[2].PAddr + vm.Segments[2].MemSize, without.Segments[4].PAddr + without.Segments[4].MemSize);
        using var dir = new TempDir();
        string kcore = vm.WriteTo(dir.Path, "kcore");
        PhysicalRange[] leaveOut = [new(without.Segments[1].PAddr + without.Segments[1].MemSize, without.Segments[2].PAddr),
            new(without.Segments[3].PAddr + without.Segments[3].MemSize, without.Segments[4].PAddr)];

        using var cut = DumpReader.Open(kcore, false, leaveOut);
        using var whole = DumpReader.Open(kcore, false);
        using var oracle = DumpReader.Open(without.WriteTo(dir.Path));
        Assert.Equal(oracle.RamRanges(), cut.RamRanges());
        Assert.Equal(oracle.DataRanges(), cut.DataRanges());
        Assert.Equal(oracle.MaxPfn, cut.MaxPfn);
        Assert.NotEqual(whole.RamRanges(), cut.RamRanges());
        var a = new byte[SyntheticVmcore.PageSize];
        var b = new byte[SyntheticVmcore.PageSize];
        for (ulong pfn = 0; pfn < whole.MaxPfn; pfn++)
        {
            var state = oracle.GetPageState(pfn);
            Assert.Equal(state, cut.GetPageState(pfn));
            if (state != PageState.Present)
                continue;
            cut.ReadPage(pfn, a);
            oracle.ReadPage(pfn, b);
            Assert.Equal(b, a);
        }
        var hole = leaveOut[0].Start / SyntheticVmcore.PageSize;
        Assert.Equal(PageState.Present, whole.GetPageState(hole));
        Assert.Throws<PageNotAvailableException>(() => cut.ReadPage(hole, a));
    }
}
