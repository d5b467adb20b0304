// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Mm;
using Dumpkit.Formats;

namespace Dumpkit.Kernel.Tests;

/// <summary>VMCOREINFO missing or lying, page tables and mem_section garbage: warnings and kept pages, never a throw.</summary>
public class BadInputTests
{
    private static (PageFilter Filter, string Warnings, int Dropped) Run(SyntheticKernel k, int level = 31, string? vmcoreinfo = null)
    {
        var w = new StringWriter();
        var info = Vmcoreinfo.Parse(vmcoreinfo ?? k.VmcoreinfoText());
        var f = PageFilter.Create(k.Dump, info, (DumpLevel)level, w);
        var bits = k.AllRam();
        f.Exclude(0, SyntheticKernel.Frames, bits);
        return (f, w.ToString(), (int)(SyntheticKernel.Frames - bits.PopCount()));
    }

    private static SyntheticKernel WithPages()
    {
        var k = new SyntheticKernel();
        k.SetPage(0x200, mapcount: k.BuddyValue, priv: 2);
        k.SetPage(0x210, flags: 1UL << k.PgLru, mapping: 0xffff_8880_0000_1000UL);
        return k;
    }

    [Fact]
    public void SanityTheSyntheticKernelFilters()
    {
        var (f, w, dropped) = Run(WithPages());
        Assert.True(f.IsActive, w);
        Assert.Equal(5, dropped);
        Assert.Equal("", w);
    }

    [Fact]
    public void EmptyVmcoreinfo()
    {
        var (f, w, dropped) = Run(WithPages(), vmcoreinfo: "");
        Assert.False(f.IsActive);
        Assert.Equal(0, dropped);
        Assert.Contains("kernel version is unknown", w);
    }

    [Theory]
    [InlineData("OFFSET(page.mapping)", "200", "page.mapping at offset 200, outside struct page")]
    [InlineData("OFFSET(page._mapcount)", "-8", "page._mapcount at offset -8")]
    [InlineData("SIZE(page)", "100000", "SIZE(page)=100000")]
    [InlineData("SIZE(mem_section)", "0", "implausible")]
    [InlineData("NUMBER(SECTION_SIZE_BITS)", "70", "SECTION_SIZE_BITS=70")]
    public void LyingVmcoreinfoKeepsEverything(string key, string value, string expected)
    {
        var k = WithPages();
        k.Extra[key] = value;
        var (f, w, dropped) = Run(k);
        Assert.False(f.IsActive);
        Assert.Equal(0, dropped);
        Assert.Contains(expected, w);
    }

    [Theory]
    [InlineData("SIZE(page)")]
    [InlineData("OFFSET(page.flags)")]
    [InlineData("SYMBOL(mem_section)")]
    public void MissingEntriesKeepEverything(string key)
    {
        var k = WithPages();
        k.Omit.Add(key);
        var (f, w, dropped) = Run(k);
        Assert.False(f.IsActive);
        Assert.Equal(0, dropped);
        Assert.StartsWith("WARNING:", w);
    }

    [Fact]
    public void MemSectionSymbolOutsideMemory()
    {
        var k = WithPages();
        k.Extra["SYMBOL(mem_section)"] = "ffffc90012345000";
        var (f, w, dropped) = Run(k);
        Assert.False(f.IsActive);
        Assert.Equal(0, dropped);
        Assert.Contains("does not validate", w);
    }

    [Fact]
    public void GarbageMemSection()
    {
        var k = WithPages();
        var rnd = new Random(7);
        var junk = new byte[4096];
        rnd.NextBytes(junk);
        k.Dump.Write(SyntheticKernel.SectionArrayPhys, junk);
        k.Dump.Write(SyntheticKernel.SectionRootsPhys, junk);
        var (_, w, dropped) = Run(k);
        Assert.Equal(0, dropped);
        Assert.Contains("mem_section", w);
    }

    [Fact]
    public void SectionMemMapPointingNowhere()
    {
        // Present sections whose struct pages are not mapped: every frame is kept, once warned.
        var k = WithPages();
        for (ulong nr = 0; nr < 4; nr++)
            k.Dump.WriteU64(SyntheticKernel.SectionArrayPhys + nr * 32, 0xffff_c900_0000_0000UL | 1);
        var (f, w, dropped) = Run(k);
        Assert.Equal(0, dropped);
        Assert.Equal((long)SyntheticKernel.Frames, f.Statistics.Unreadable);
        Assert.Single(w.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void PageTableRootOutsideTheDump()
    {
        var k = WithPages();
        k.Extra["SYMBOL(init_top_pgt)"] = "ffffffffc0000000"; // phys 0x40000000, beyond the 16 MiB of RAM
        var (_, w, dropped) = Run(k);
        Assert.Equal(0, dropped);
        Assert.Contains("does not validate", w);
    }

    [Fact]
    public void PageTableLoopIsHarmless()
    {
        // A PGD entry pointing at the PGD itself: the walk is bounded by the number of levels.
        var k = WithPages();
        ulong va = 0xffff_c900_0000_0000UL;
        k.Dump.WriteU64(SyntheticKernel.PgdPhys + ((va >> 39) & 0x1ff) * 8, SyntheticKernel.PgdPhys | 1);
        var mem = new KernelMemory(k.Dump, k.Info);
        mem.TryTranslate(va, out _);
        mem.TryReadVirtual(va, new byte[64]);
        Assert.Equal(5, Run(k).Dropped);
    }

    [Fact]
    public void UnsupportedKernelVersionIsReportedButFiltered()
    {
        var k = WithPages();
        k.Extra["OSRELEASE"] = "7.1.0-rc1";
        var (f, w, dropped) = Run(k);
        Assert.True(f.IsActive);
        Assert.Equal(5, dropped);
        Assert.Contains("The kernel version is not supported", w);
    }

    [Fact]
    public void NoBuddyNumberMeansFreePagesAreKept()
    {
        var k = WithPages();
        k.Omit.Add("NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)");
        var (_, w, dropped) = Run(k, 16);
        Assert.Equal(0, dropped);
        Assert.Contains("free pages cannot be identified", w);
    }

    [Fact]
    public void BadDumpLevel()
    {
        var (f, w, dropped) = Run(WithPages(), level: 99);
        Assert.False(f.IsActive);
        Assert.Equal(0, dropped);
        Assert.Contains("outside 0-31", w);
    }

    [Fact]
    public void RandomStructPagesNeverThrowAndStayInRange()
    {
        var k = new SyntheticKernel();
        var rnd = new Random(3);
        var junk = new byte[SyntheticKernel.Frames * 64];
        rnd.NextBytes(junk);
        k.Dump.Write(SyntheticKernel.StructPagePhys + 0x100 * 64, junk.AsSpan(0x100 * 64));
        foreach (int level in new[] { 0, 2, 4, 8, 16, 31 })
        {
            var bits = k.AllRam();
            var f = k.Filter(level, TextWriter.Null);
            f.Exclude(0x100, 0x900, bits);
            for (ulong p = 0; p < 0x100; p++) Assert.True(bits[p]);
            for (ulong p = 0x900; p < SyntheticKernel.Frames; p++) Assert.True(bits[p]);
        }
    }
}
