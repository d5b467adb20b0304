// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.X86_64;

namespace Dumpkit.Kernel.Tests;

public class PageTablesTests
{
    [Theory]
    [InlineData(false, 0UL)]
    [InlineData(true, 0UL)]
    [InlineData(false, 1UL << 47)]
    [InlineData(true, 1UL << 51)]
    public void TranslatesEachMappingSize(bool fiveLevel, ulong sme)
    {
        var k = new SyntheticKernel(fiveLevel: fiveLevel, smeMask: sme);
        var mem = new KernelMemory(k.Dump, k.Info);
        Assert.Equal(fiveLevel, mem.FiveLevel);
        Assert.NotNull(mem.PageTables);

        // 2 MiB kernel text page.
        Assert.True(mem.TryTranslate(SyntheticKernel.TextBase + 0x12345, out ulong p));
        Assert.Equal(0x12345UL, p);
        // 1 GiB direct-map page.
        Assert.True(mem.TryTranslate(k.DirectMap + 0xabc123, out p));
        Assert.Equal(0xabc123UL, p);
        // 4 KiB vmemmap pages.
        Assert.True(mem.TryTranslate(k.Vmemmap + 0x3008, out p));
        Assert.Equal(SyntheticKernel.StructPagePhys + 0x3008, p);
        // Cached the second time, same answer.
        long misses = mem.CacheMisses;
        Assert.True(mem.TryTranslate(k.Vmemmap + 0x3010, out p));
        Assert.Equal(SyntheticKernel.StructPagePhys + 0x3010, p);
        Assert.Equal(misses, mem.CacheMisses);
        // Unmapped.
        Assert.False(mem.TryTranslate(0xffff_c900_0000_0000UL, out _));
        Assert.Throws<KernelAddressException>(() => mem.Translate(0xffff_c900_0000_0000UL));
    }

    [Fact]
    public void WalkTraceShowsEveryLevel()
    {
        var k = new SyntheticKernel(fiveLevel: true);
        var mem = new KernelMemory(k.Dump, k.Info);
        var steps = mem.Vtop(k.Vmemmap + 0x1000, out ulong? p);
        Assert.Equal(SyntheticKernel.StructPagePhys + 0x1000, p);
        Assert.Equal(["PGD", "P4D", "PUD", "PMD", "PTE"], steps.Select(s => s.Level));
        var four = new KernelMemory(new SyntheticKernel().Dump, new SyntheticKernel().Info);
        var s4 = four.Vtop(SyntheticKernel.TextBase, out _);
        Assert.Equal(["PGD", "PUD", "PMD"], s4.Select(s => s.Level)); // stops at the 2 MiB page
    }

    [Fact]
    public void EntriesPointingOutsideTheDumpFailCleanly()
    {
        var k = new SyntheticKernel();
        // A PGD entry whose table lies far beyond the dump's memory.
        ulong va = 0xffff_c900_0000_0000UL;
        k.Dump.WriteU64(SyntheticKernel.PgdPhys + ((va >> 39) & 0x1ff) * 8, 0x7_0000_0000_0000UL | 1);
        var mem = new KernelMemory(k.Dump, k.Info);
        Assert.False(mem.TryTranslate(va, out _));
        Assert.False(mem.TryReadVirtual(va, new byte[16]));
    }

    [Fact]
    public void PhysBaseComesFromVmcoreinfo()
    {
        var k = new SyntheticKernel();
        k.Extra["NUMBER(phys_base)"] = "-16777216";
        var mem = new KernelMemory(k.Dump, k.Info);
        Assert.Equal(0xffff_ffff_ff00_0000UL, mem.PhysBase);
        Assert.Equal("vmcoreinfo", mem.PhysBaseSource);
        Assert.Equal(0x1000UL, mem.KernelTextToPhysical(SyntheticKernel.TextBase + 0x1001000));
    }

    [Fact]
    public void WithoutPageTablesKernelTextStillTranslates()
    {
        var k = new SyntheticKernel();
        k.Omit.Add("SYMBOL(init_top_pgt)");
        var mem = new KernelMemory(k.Dump, k.Info);
        Assert.Null(mem.PageTables);
        Assert.True(mem.TryTranslate(SyntheticKernel.TextBase + 0x5000, out ulong p));
        Assert.Equal(0x5000UL, p);
    }

    [Fact]
    public void HugePageEntriesKeepOffsetBits()
    {
        var k = new SyntheticKernel();
        // 2 MiB page at vaddr 0xffffc90000200000 → phys 0x400000; an offset deep in the page.
        k.Map(0xffff_c900_0020_0000UL, 0x400000, 21);
        var pt = new PageTables(k.Dump, SyntheticKernel.PgdPhys, false, 0);
        Assert.True(pt.TryWalk(0xffff_c900_0020_0000UL + 0x1f_fff8, out ulong p, out int shift));
        Assert.Equal(21, shift);
        Assert.Equal(0x400000UL + 0x1f_fff8, p);
    }
}
