// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Mm;
using CsCheck;
using Dumpkit.Formats;

namespace Dumpkit.Kernel.Tests;

public class PageClassificationTests
{
    private const ulong AnonMapping = 0xffff_8880_0123_4001UL; // PAGE_MAPPING_ANON set
    private const ulong FileMapping = 0xffff_8880_0123_5000UL;

    private static ulong Bit(int n) => 1UL << n;

    /// <summary>One page of each kind, laid out in both the 6.1 and the 6.12 encodings.</summary>
    private static SyntheticKernel Populated(bool is612)
    {
        var k = new SyntheticKernel(is612);
        k.SetPage(0x200, mapcount: k.BuddyValue, priv: 3);            // free, order 3 → 0x200..0x207
        k.SetPage(0x210, flags: Bit(k.PgLru), mapping: FileMapping);   // page cache
        k.SetPage(0x211, flags: Bit(k.PgLru) | Bit(k.PgPrivate), mapping: FileMapping); // page cache with buffers
        k.SetPage(0x212, flags: Bit(k.PgSwapcache) | Bit(k.PgSwapbacked), mapping: AnonMapping); // swap cache of anon: user
        k.SetPage(0x213, flags: Bit(k.PgSwapcache) | Bit(k.PgSwapbacked), mapping: FileMapping); // swap cache: cache
        k.SetPage(0x214, mapping: AnonMapping);                        // anonymous
        k.SetPage(0x215, flags: Bit(k.PgHwpoison));                    // hwpoison
        k.SetPage(0x216, mapcount: k.OfflineValue);                    // logically offline
        // Slab page whose mapping word happens to have bit 0 set: not anon.
        if (is612) k.SetPage(0x217, mapping: AnonMapping, mapcount: SyntheticKernel.SlabValue612);
        else k.SetPage(0x217, flags: Bit(k.PgSlab), mapping: AnonMapping);
        k.SetCompound(0x400, 9, mapping: AnonMapping);                 // anonymous THP, 512 pages
        k.SetCompound(0x604, 2, hugetlb: true);                        // hugetlb folio, 4 pages
        k.SetCompound(0x608, 2, headFlags: Bit(k.PgLru), mapping: FileMapping); // file folio, 4 pages
        k.SetPage(0x800, mapcount: k.BuddyValue, priv: 10);            // free, order 10 → a whole section
        return k;
    }

    private static HashSet<ulong> Dropped(SyntheticKernel k, int level, out PageFilter f, out string warnings)
    {
        var w = new StringWriter();
        f = k.Filter(level, w);
        var bits = k.AllRam();
        f.Exclude(0, SyntheticKernel.Frames, bits);
        warnings = w.ToString();
        var set = new HashSet<ulong>();
        for (ulong p = 0; p < SyntheticKernel.Frames; p++)
            if (!bits[p]) set.Add(p);
        return set;
    }

    private static ulong[] Sorted(ulong[] a) => a.Order().ToArray();

    private static IEnumerable<ulong> Range(ulong start, ulong count)
    {
        for (ulong i = 0; i < count; i++) yield return start + i;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EachLevelDropsItsClass(bool is612)
    {
        var k = Populated(is612);
        // hwpoison and offline go at every level that runs the pass.
        ulong[] always = [0x215, 0x216];

        var d2 = Dropped(k, 2, out var f2, out var w2);
        Assert.True(f2.IsActive, w2);
        Assert.Equal(Sorted([0x210UL, 0x213, .. always, .. Range(0x608, 4)]), d2.Order().ToArray());
        Assert.Equal((6L, 0L), (f2.Statistics.Cache, f2.Statistics.CachePrivate));

        var d4 = Dropped(k, 4, out var f4, out _);
        Assert.Equal(Sorted([0x210UL, 0x211, 0x213, .. always, .. Range(0x608, 4)]), d4.Order().ToArray());
        Assert.Equal((6L, 1L), (f4.Statistics.Cache, f4.Statistics.CachePrivate));

        var d8 = Dropped(k, 8, out var f8, out _);
        Assert.Equal(Sorted([0x212UL, 0x214, .. always, .. Range(0x400, 512), .. Range(0x604, 4)]), d8.Order().ToArray());
        Assert.Equal(2L + 512 + 4, f8.Statistics.User);

        var d16 = Dropped(k, 16, out var f16, out _);
        Assert.Equal(Sorted([.. Range(0x200, 8), 0x215UL, 0x216, .. Range(0x800, 1024)]), d16.Order().ToArray());
        Assert.Equal(8L + 1024, f16.Statistics.Free);
        Assert.Equal((1L, 1L), (f16.Statistics.Hwpoison, f16.Statistics.Offline));

        var d31 = Dropped(k, 31, out _, out _);
        Assert.Equal(d2.Union(d4).Union(d8).Union(d16).Order().ToArray(), d31.Order().ToArray());
        Assert.DoesNotContain(0x217UL, d31); // slab is never user data
    }

    [Fact]
    public void BuddyTestIsAnExactCompareOn612()
    {
        // makedumpfile 1.7.6's mask test took a free page for slab on 6.12; the exact compare must not.
        var k = new SyntheticKernel(is612: true);
        k.SetPage(0x300, mapcount: k.BuddyValue, priv: 0);
        k.SetPage(0x301, mapcount: k.BuddyValue | 0x00ff_ffff, priv: 0); // buddy type byte but garbage below: not buddy
        var d = Dropped(k, 16, out _, out _);
        Assert.Contains(0x300UL, d);
        Assert.DoesNotContain(0x301UL, d);
    }

    [Fact]
    public void InvalidBuddyOrderIsWarnedAndKept()
    {
        var k = new SyntheticKernel();
        k.SetPage(0x300, mapcount: k.BuddyValue, priv: 11);
        var d = Dropped(k, 16, out _, out var w);
        Assert.DoesNotContain(0x300UL, d);
        Assert.Contains("Invalid free page order: pfn=300, order=11, max order=10", w);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MisalignedCompoundOrderFallsBackToOnePage(bool is612)
    {
        var k = new SyntheticKernel(is612);
        k.SetCompound(0x402, 2, mapping: AnonMapping); // order 2 head at a pfn not 4-aligned
        var d = Dropped(k, 8, out _, out _);
        Assert.Contains(0x402UL, d);
        Assert.DoesNotContain(0x403UL, d); // a "tail": skipped, i.e. kept
    }

    [Fact]
    public void HwpoisonIsDroppedEvenAtLevelZero()
    {
        var k = new SyntheticKernel();
        k.SetPage(0x215, flags: Bit(k.PgHwpoison));
        k.SetPage(0x210, flags: Bit(k.PgLru), mapping: FileMapping);
        var d = Dropped(k, 0, out var f, out _);
        Assert.Equal([0x215UL], d.Order());
        Assert.Equal(1, f.Statistics.Hwpoison);
    }

    [Fact]
    public void WithoutHwpoisonNumberLevelZeroDoesNothing()
    {
        var k = Populated(true);
        k.Omit.Add("NUMBER(PG_hwpoison)");
        var d = Dropped(k, 1, out var f, out _);
        Assert.Empty(d);
        Assert.False(f.IsActive);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnySplitOfTheRangeGivesTheSameBitmap(bool is612)
    {
        var k = Populated(is612);
        var whole = k.AllRam();
        var f = k.Filter(31);
        f.Exclude(0, SyntheticKernel.Frames, whole);

        Gen.Int[1, 4095].Array[1, 12].Sample(cuts =>
        {
            var points = cuts.Select(c => (ulong)c).Append(0UL).Append(SyntheticKernel.Frames).Distinct().Order().ToArray();
            var bits = k.AllRam();
            var g = k.Filter(31);
            var ranges = points.Zip(points.Skip(1)).ToArray();
            Parallel.ForEach(ranges.Reverse(), r => g.Exclude(r.First, r.Second, bits));
            Assert.True(bits.Bytes.SequenceEqual(whole.Bytes), $"cuts {string.Join(",", points.Select(p => p.ToString("x")))}");
            Assert.Equal(f.Statistics.ToString(), g.Statistics.ToString());
        }, iter: 200);
    }

    [Fact]
    public void HugetlbFolioAcrossSectionsIsDroppedWhole()
    {
        // A 2048-page hugetlb folio spans two 1024-page sections; a walk that starts in the second
        // section must still see its tails as part of the excluded head.
        var k = new SyntheticKernel(is612: true);
        k.SetCompound(0x800, 11, hugetlb: true);
        var bits = k.AllRam();
        var f = k.Filter(8);
        f.Exclude(0xc00, 0x1000, bits);
        for (ulong p = 0xc00; p < 0x1000; p++)
            Assert.False(bits[p], $"0x{p:x} kept");
        Assert.Equal(0x400, f.Statistics.User);
        f.Exclude(0, 0xc00, bits);
        Assert.Equal(0x800, f.Statistics.User);
    }

    [Fact]
    public void UnreadableStructPagesAreKept()
    {
        var k = Populated(true);
        // Unmap the vmemmap page that holds struct pages of pfns 0x200..0x23f.
        ulong va = k.Vmemmap + 0x200 * 64;
        ulong pte = FindPte(k, va);
        k.Dump.WriteU64(pte, 0);
        var d = Dropped(k, 31, out var f, out var w);
        Assert.DoesNotContain(0x200UL, d);
        Assert.DoesNotContain(0x210UL, d);
        Assert.Contains(0x400UL, d);
        Assert.Equal(64, f.Statistics.Unreadable);
        Assert.Contains("cannot read the struct page of pfn 0x200", w);
    }

    private static ulong FindPte(SyntheticKernel k, ulong va)
    {
        ulong t = SyntheticKernel.PgdPhys;
        foreach (int shift in new[] { 39, 30, 21 })
            t = k.Dump.ReadU64(t + ((va >> shift) & 0x1ff) * 8) & 0x000f_ffff_ffff_f000UL;
        return t + ((va >> 12) & 0x1ff) * 8;
    }

    [Fact]
    public void FramesOutsideRamAreNotClassified()
    {
        var k = new SyntheticKernel();
        var dump = new FakeDump(SyntheticKernel.Frames, [new PfnRange(0, 0x300), new PfnRange(0x310, SyntheticKernel.Frames)]);
        // Copy the synthetic kernel's pages into a dump with a hole at 0x300..0x30f.
        for (ulong p = 0; p < 0xa0; p++)
        {
            var page = new byte[4096];
            k.Dump.ReadPage(p, page);
            dump.Write(p * 4096, page);
        }
        k.SetPage(0x305, flags: Bit(k.PgLru), mapping: FileMapping);
        var page305 = new byte[4096];
        k.Dump.ReadPage((SyntheticKernel.StructPagePhys + 0x305 * 64) / 4096, page305);
        dump.Write((SyntheticKernel.StructPagePhys + 0x305 * 64) & ~0xfffUL, page305);
        var f = PageFilter.Create(dump, k.Info, DumpLevel.Cache, TextWriter.Null);
        var bits = new PfnBitmap(SyntheticKernel.Frames);
        bits.SetRange(0, SyntheticKernel.Frames);
        f.Exclude(0, SyntheticKernel.Frames, bits);
        Assert.True(bits[0x305]);
        Assert.Equal(0, f.Statistics.Cache);
    }
}
