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
}
