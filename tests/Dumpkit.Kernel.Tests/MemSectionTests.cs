// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Mm;

namespace Dumpkit.Kernel.Tests;

public class MemSectionTests
{
    [Fact]
    public void ExtremeTableDecodes()
    {
        var k = new SyntheticKernel();
        var mem = new KernelMemory(k.Dump, k.Info);
        var s = MemSections.Load(mem, SyntheticKernel.Frames, TextWriter.Null)!;
        Assert.True(s.Extreme);
        Assert.Equal(4, s.SectionCount);
        Assert.Equal(1024UL, s.PagesPerSection);
        Assert.Equal(k.Vmemmap, s.VmemmapBase);
        Assert.True(s.TryGetPage(0x456, out ulong a));
        Assert.Equal(k.Vmemmap + 0x456 * 64, a);
        Assert.True(s.TryGetPfn(a, 0x456, out ulong pfn));
        Assert.Equal(0x456UL, pfn);
    }

    [Fact]
    public void NonPresentSectionIsAHole()
    {
        var k = new SyntheticKernel();
        k.Dump.WriteU64(SyntheticKernel.SectionArrayPhys + 2 * 32, 0);
        var s = MemSections.Load(new KernelMemory(k.Dump, k.Info), SyntheticKernel.Frames, TextWriter.Null)!;
        Assert.Equal([false, false, true, false], s.Ranges().Select(r => r.IsHole));
        Assert.False(s.TryGetPage(0x800, out _));
        // A free block in the hole section is never seen: its frames stay.
        k.SetPage(0x800, mapcount: k.BuddyValue, priv: 3);
        var bits = k.AllRam();
        k.Filter(16).Exclude(0, SyntheticKernel.Frames, bits);
        Assert.Equal(SyntheticKernel.Frames, bits.PopCount());
    }

    [Fact]
    public void SymbolPointingAtTheRootArrayPointerIsFollowed()
    {
        // With -x vmlinux on 4.15+, SYMBOL(mem_section) is the pointer to the root array: the table
        // does not validate as is, and is read once more through the pointer.
        var k = new SyntheticKernel();
        k.Dump.WriteU64(0x58000, SyntheticKernel.TextBase + SyntheticKernel.SectionRootsPhys);
        k.Extra["SYMBOL(mem_section)"] = (SyntheticKernel.TextBase + 0x58000).ToString("x");
        var s = MemSections.Load(new KernelMemory(k.Dump, k.Info), SyntheticKernel.Frames, TextWriter.Null);
        Assert.NotNull(s);
        Assert.Equal(k.Vmemmap, s!.VmemmapBase);
    }

    [Fact]
    public void ClassicSparsemem()
    {
        // Not EXTREME: LENGTH(mem_section) = NR_MEM_SECTIONS, the symbol is the array of sections itself.
        var k = new SyntheticKernel();
        k.Extra["SYMBOL(mem_section)"] = (SyntheticKernel.TextBase + SyntheticKernel.SectionArrayPhys).ToString("x");
        k.Extra["LENGTH(mem_section)"] = (1UL << (46 - SyntheticKernel.SectionSizeBits)).ToString();
        k.SetPage(0x900, mapcount: k.BuddyValue, priv: 2);
        var s = MemSections.Load(new KernelMemory(k.Dump, k.Info), SyntheticKernel.Frames, TextWriter.Null)!;
        Assert.False(s.Extreme);
        var bits = k.AllRam();
        var f = k.Filter(16);
        f.Exclude(0, SyntheticKernel.Frames, bits);
        Assert.Equal(4, f.Statistics.Free);
    }

    [Fact]
    public void VtopReportHasUpstreamShape()
    {
        var k = new SyntheticKernel();
        var mem = new KernelMemory(k.Dump, k.Info);
        string text = mem.FormatVtop(k.Vmemmap + 0x10);
        var lines = text.Split('\n');
        Assert.Equal("", lines[0]);
        Assert.Equal($"Translating virtual address {k.Vmemmap + 0x10:x} to physical address.", lines[1]);
        Assert.Matches(@"^  PGD : [ 0-9a-f]{16} => [ 0-9a-f]{16}$", lines[2]);
        Assert.StartsWith("  PTE : ", lines[5]);
        Assert.Equal("VIRTUAL           PHYSICAL", lines[6]);
        Assert.Equal($"{k.Vmemmap + 0x10:x}  {SyntheticKernel.StructPagePhys + 0x10:x}", lines[7]);
        Assert.EndsWith("  ffffffffffffffff\n\n", mem.FormatVtop(0xffff_c900_0000_0000UL));
    }

    [Fact]
    public void PageOffsetFromTheDirectMapWhenNoPtLoadSaysSo()
    {
        var k = new SyntheticKernel();
        k.Extra["SYMBOL(mem_section)"] = (k.DirectMap + SyntheticKernel.SectionRootsPhys).ToString("x");
        var mem = new KernelMemory(k.Dump, k.Info);
        Assert.Equal(k.DirectMap, mem.PageOffset);
        Assert.Equal(k.DirectMap + 0x1234, mem.PhysicalToDirectMap(0x1234));
    }
}
