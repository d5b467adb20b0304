// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kernel.Tests;

/// <summary>The per-era encodings makedumpfile 1.7.9 understands, on synthetic struct pages.</summary>
public class KernelSchemeTests
{
    private static HashSet<ulong> Dropped(SyntheticKernel k, int level, out PageFilter f)
    {
        f = k.Filter(level);
        var bits = k.AllRam();
        f.Exclude(0, SyntheticKernel.Frames, bits);
        var set = new HashSet<ulong>();
        for (ulong p = 0; p < SyntheticKernel.Frames; p++)
            if (!bits[p]) set.Add(p);
        return set;
    }

    [Fact]
    public void Linux66HugetlbFlagInFirstTail()
    {
        // 6.6–6.8: no PAGE_HUGETLB_MAPCOUNT_VALUE; PG_hugetlb is a bit of folio._flags_1 (page[1].flags),
        // whose low byte is the order.
        var k = new SyntheticKernel(is612: false);
        k.Extra["OSRELEASE"] = "6.6.0";
        k.Extra["NUMBER(PG_hugetlb)"] = "22";
        k.Omit.Add("OFFSET(page.compound_order)");
        k.Omit.Add("OFFSET(page.compound_dtor)");
        k.Omit.Add("NUMBER(HUGETLB_PAGE_DTOR)");
        k.SetCompound(0x400, 3);
        k.Dump.WriteU64(k.StructPage(0x401), 3 | (1UL << 22));
        k.SetCompound(0x500, 2);
        k.Dump.WriteU64(k.StructPage(0x501), 2); // order 2, not hugetlb
        k.Refresh();
        var d = Dropped(k, 8, out var f);
        Assert.Equal(8, f.Statistics.User);
        Assert.Contains(0x407UL, d);
        Assert.DoesNotContain(0x500UL, d);
    }

    [Fact]
    public void Linux49CompoundFieldsAreShorts()
    {
        var k = new SyntheticKernel(is612: false);
        k.Extra["OSRELEASE"] = "4.9.0-19-amd64";
        k.Extra["OFFSET(page.compound_dtor)"] = "16";
        k.Extra["OFFSET(page.compound_order)"] = "18";
        k.SetCompound(0x400, 2);
        k.Dump.WriteU16(k.StructPage(0x401) + 16, 2); // HUGETLB_PAGE_DTOR
        k.Dump.WriteU16(k.StructPage(0x401) + 18, 2);
        k.Refresh();
        Dropped(k, 8, out var f);
        Assert.Equal(4, f.Statistics.User);
    }

    [Fact]
    public void Linux310DtorIsAFunctionAddress()
    {
        // Before 4.4: no compound_head/compound_order/compound_dtor offsets; order in page[1].lru.prev,
        // destructor = page[1].lru.next compared with SYMBOL(free_huge_page).
        var k = new SyntheticKernel(is612: false);
        k.Extra["OSRELEASE"] = "3.10.0";
        k.Extra["OFFSET(list_head.next)"] = "0";
        k.Extra["OFFSET(list_head.prev)"] = "8";
        k.Extra["SYMBOL(free_huge_page)"] = "ffffffff81234560";
        foreach (var key in new[] { "OFFSET(page.compound_head)", "OFFSET(page.compound_order)", "OFFSET(page.compound_dtor)", "NUMBER(HUGETLB_PAGE_DTOR)" })
            k.Omit.Add(key);
        k.SetPage(0x400, flags: k.PgHeadMask);
        k.Dump.WriteU64(k.StructPage(0x401) + 8, 0xffffffff81234560UL); // lru.next
        k.Dump.WriteU64(k.StructPage(0x401) + 16, 1);                    // lru.prev: order 1
        k.SetPage(0x402, flags: k.PgHeadMask);
        k.Dump.WriteU64(k.StructPage(0x403) + 8, 0xffffffff8100dead);
        k.Dump.WriteU64(k.StructPage(0x403) + 16, 1);
        k.Refresh();
        var d = Dropped(k, 8, out var f);
        Assert.Equal([0x400UL, 0x401], d.Order().ToArray());
        Assert.Equal(2, f.Statistics.User);
    }

    [Fact]
    public void Linux2632PgBuddyFlag()
    {
        var k = new SyntheticKernel(is612: false);
        k.Extra["OSRELEASE"] = "2.6.32-5-amd64";
        k.Extra["NUMBER(PG_buddy)"] = "19";
        k.Omit.Add("NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)");
        k.SetPage(0x300, flags: 1UL << 19, priv: 2);
        k.Refresh();
        var d = Dropped(k, 16, out var f);
        Assert.Equal(4, f.Statistics.Free);
        Assert.Contains(0x303UL, d);
    }

    [Fact]
    public void Linux71CompoundInfoMarksTails()
    {
        // 7.1 renamed page.compound_head to page.compound_info in VMCOREINFO (upstream f50c015).
        var k = new SyntheticKernel(is612: true);
        k.Extra["OSRELEASE"] = "7.1.0";
        k.Omit.Add("OFFSET(page.compound_head)");
        k.Extra["OFFSET(page.compound_info)"] = "8";
        k.SetCompound(0x400, 2, headFlags: 1UL << k.PgLru);
        k.SetPage(0x401, mapping: 0xffff_8880_0000_0001UL, compoundHead: (k.Vmemmap + 0x400 * 64) | 1); // a tail with anon-looking data
        k.Refresh();
        var bits = k.AllRam();
        var f = k.Filter(8);
        f.Exclude(0, SyntheticKernel.Frames, bits);
        Assert.True(bits[0x401]); // a tail: decided with its (file) head, kept
        Assert.Equal(0, f.Statistics.User);
    }

    [Fact]
    public void Linux71MaskEncodedTailsFindTheirHead()
    {
        // HugeTLB vmemmap optimization on 7.1+: tails hold GENMASK(63, order + 6) | 1, and the head is
        // tail address & mask. A walk that starts inside the folio's second section must find the head.
        var k = new SyntheticKernel(is612: true);
        k.Extra["OSRELEASE"] = "7.1.0";
        k.Omit.Add("OFFSET(page.compound_head)");
        k.Extra["OFFSET(page.compound_info)"] = "8";
        k.SetCompound(0x800, 11, hugetlb: true);
        ulong mask = ~((1UL << (11 + 6)) - 1);
        for (ulong p = 0x801; p < 0x1000; p++)
            k.Dump.WriteU64(k.StructPage(p) + 8, mask | 1);
        k.Dump.WriteU64(k.StructPage(0x801), 11); // folio order lives in page[1].flags
        k.Refresh();
        var bits = k.AllRam();
        var f = k.Filter(8);
        f.Exclude(0xc00, 0x1000, bits);
        Assert.Equal(0x400, f.Statistics.User);
        Assert.False(bits[0xc00]);
        Assert.False(bits[0xfff]);
    }

    [Fact]
    public void UnacceptedMemoryIsFreeInMaxOrderBlocks()
    {
        var k = new SyntheticKernel(is612: true);
        k.Extra["OSRELEASE"] = "6.16.0";
        k.Extra["NUMBER(PAGE_UNACCEPTED_MAPCOUNT_VALUE)"] = (-150994944).ToString();
        k.SetPage(0x400, mapcount: -150994944);
        k.Refresh();
        var d = Dropped(k, 16, out var f);
        Assert.Equal(1024, f.Statistics.Free);
        Assert.Contains(0x7ffUL, d);
        Assert.Empty(Dropped(k, 8, out _));
    }

    [Theory]
    [InlineData("6.1.0-56-amd64", 6, 1, 0)]
    [InlineData("6.12.117+deb12-amd64", 6, 12, 117)]
    [InlineData("5.10", 5, 10, 0)]
    [InlineData("2.6.32-5-amd64", 2, 6, 32)]
    public void KernelVersionParsesLikeStrtol(string release, int a, int b, int c)
    {
        Assert.Equal(new KernelVersion(a, b, c), KernelVersion.Parse(release));
    }

    [Theory]
    [InlineData("")]
    [InlineData("linux")]
    [InlineData("6")]
    public void UnparseableReleases(string release) => Assert.Null(KernelVersion.Parse(release));

    [Fact]
    public void SupportedRange()
    {
        Assert.False(new KernelVersion(2, 6, 14).IsSupported);
        Assert.True(new KernelVersion(2, 6, 15).IsSupported);
        Assert.True(new KernelVersion(7, 0, 0).IsSupported);
        Assert.False(new KernelVersion(7, 0, 1).IsSupported);
    }
}
