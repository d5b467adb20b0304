// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using Dumpkit.Formats;

namespace Dumpkit.Kernel.Mm;

/// <summary>What makedumpfile's page classification decides for one struct page.</summary>
public enum PageClass : byte
{
    /// <summary>Needed (or not classifiable): keep.</summary>
    Keep,
    /// <summary>A compound tail: decided together with its head.</summary>
    Tail,
    Free,
    Cache,
    CachePrivate,
    User,
    Hwpoison,
    Offline,
}

/// <summary>
/// The layout of <c>struct page</c> and the page-flag numbers that VMCOREINFO exports
/// (kernel/vmcore_info.c), with the tests makedumpfile 1.7.9 applies to them
/// (<c>isLRU</c>, <c>isPrivate</c>, <c>isSlab</c>, <c>page_is_buddy_v2/v3</c>, <c>isOffline</c>, ...).
/// Missing entries behave as upstream's NOT_FOUND value (-1) does there.
/// </summary>
public sealed class PageFlags
{
    private const long NotFound = -1;
    private const ulong IsHugetlb = ulong.MaxValue;
    private const ulong PageMappingAnon = 1;
    private const int PgmmCached = 512;

    public int PageStructSize { get; }
    public int FlagsOffset { get; }
    public int RefcountOffset { get; }
    public int MappingOffset { get; }
    public int MapcountOffset { get; } = -1;
    public int PrivateOffset { get; } = -1;
    public int CompoundHeadOffset { get; } = -1;
    /// <summary>Offset of the compound order in the first tail page (0 = none), as makedumpfile's compound_order_offset.</summary>
    public int CompoundOrderOffset { get; }
    public int CompoundDtorOffset { get; }
    public KernelVersion Version { get; }

    private readonly long _pgLru, _pgPrivate, _pgSwapcache, _pgSwapbacked, _pgSlab, _pgHwpoison, _pgHeadMask, _pgHugetlb, _pgBuddy;
    private readonly long _buddyValue, _offlineValue, _slabValue, _hugetlbValue, _unacceptedValue, _hugetlbDtor;
    private readonly ulong _freeHugePage;
    private readonly long _freeAreaLength;

    /// <summary>Which free-page test applies: 3 = PAGE_BUDDY_MAPCOUNT_VALUE, 2 = PG_buddy, 0 = none (free lists would be needed).</summary>
    public int BuddyMethod { get; }

    private PageFlags(Vmcoreinfo info, KernelVersion version, int size, int flags, int refcount, int mapping)
    {
        Version = version;
        PageStructSize = size;
        FlagsOffset = flags;
        RefcountOffset = refcount;
        MappingOffset = mapping;
        MapcountOffset = (int)(info.Offset("page._mapcount") ?? -1);
        PrivateOffset = (int)(info.Offset("page.private") ?? -1);
        // Linux 7.1 renamed page.compound_head to page.compound_info (same word, bit 0 = tail).
        CompoundHeadOffset = (int)(info.Offset("page.compound_head") ?? info.Offset("page.compound_info") ?? -1);

        long? lru = info.Offset("page.lru"), prev = info.Offset("list_head.prev"), next = info.Offset("list_head.next");
        if (info.Offset("folio._folio_order") is long fo) CompoundOrderOffset = (int)(fo - size);
        else if (info.Offset("page.compound_order") is long co) CompoundOrderOffset = (int)co;
        else if (version < new KernelVersion(4, 4, 0) && lru is long l1 && prev is long p1) CompoundOrderOffset = (int)(l1 + p1);
        if (info.Offset("folio._folio_dtor") is long fd) CompoundDtorOffset = (int)(fd - size);
        else if (info.Offset("page.compound_dtor") is long cd) CompoundDtorOffset = (int)cd;
        else if (version < new KernelVersion(4, 4, 0) && lru is long l2 && next is long n2) CompoundDtorOffset = (int)(l2 + n2);

        long N(string name) => info.Number(name) ?? NotFound;
        _pgLru = N("PG_lru");
        _pgPrivate = N("PG_private");
        _pgSwapcache = N("PG_swapcache");
        _pgSwapbacked = N("PG_swapbacked");
        _pgSlab = N("PG_slab");
        _pgHwpoison = N("PG_hwpoison");
        _pgHeadMask = N("PG_head_mask");
        _pgHugetlb = N("PG_hugetlb");
        _pgBuddy = N("PG_buddy");
        _buddyValue = N("PAGE_BUDDY_MAPCOUNT_VALUE");
        _offlineValue = N("PAGE_OFFLINE_MAPCOUNT_VALUE");
        _slabValue = N("PAGE_SLAB_MAPCOUNT_VALUE");
        _hugetlbValue = N("PAGE_HUGETLB_MAPCOUNT_VALUE");
        _unacceptedValue = N("PAGE_UNACCEPTED_MAPCOUNT_VALUE");
        _hugetlbDtor = N("HUGETLB_PAGE_DTOR");
        _freeHugePage = info.Symbol("free_huge_page") ?? 0;
        _freeAreaLength = info.Length("zone.free_area") ?? NotFound;

        if (PrivateOffset >= 0)
        {
            if (_buddyValue != NotFound) { if (MapcountOffset >= 0) BuddyMethod = 3; }
            else if (_pgBuddy != NotFound) BuddyMethod = 2;
        }
    }

    /// <summary>Largest buddy order + 1 (LENGTH(zone.free_area)), or -1 when not exported.</summary>
    public long FreeAreaLength => _freeAreaLength;

    /// <summary>True when the exclusion pass runs for this level (makedumpfile's create_2nd_bitmap condition).</summary>
    public bool RunsFor(DumpLevel dumpLevel) =>
        (dumpLevel & (DumpLevel.Cache | DumpLevel.CachePrivate | DumpLevel.User)) != 0
        || _pgHwpoison != NotFound
        || ((dumpLevel & DumpLevel.Free) != 0 && BuddyMethod != 0);

    /// <summary>
    /// Reads the layout from VMCOREINFO; null (with a warning) when a needed entry is missing or an
    /// offset lies outside struct page.
    /// </summary>
    public static PageFlags? Create(Vmcoreinfo info, KernelVersion version, TextWriter warnings)
    {
        long? size = info.Size("page");
        long? flags = info.Offset("page.flags");
        long? refcount = info.Offset("page._refcount") ?? info.Offset("page._count");
        long? mapping = info.Offset("page.mapping");
        if (size is null || flags is null || refcount is null || mapping is null)
        {
            warnings.WriteLine("WARNING: VMCOREINFO lacks SIZE(page), OFFSET(page.flags), " +
                "OFFSET(page._refcount) or OFFSET(page.mapping): cannot classify pages; keeping them all.");
            return null;
        }
        if (size is < 16 or > 1024)
        {
            warnings.WriteLine($"WARNING: VMCOREINFO says SIZE(page)={size}: implausible; keeping all pages.");
            return null;
        }
        var pf = new PageFlags(info, version, (int)size, (int)flags, (int)refcount, (int)mapping);
        (string name, long off, int width)[] fields =
        [
            ("page.flags", pf.FlagsOffset, 8), ("page._refcount", pf.RefcountOffset, 4), ("page.mapping", pf.MappingOffset, 8),
            ("page._mapcount", pf.MapcountOffset, 4), ("page.private", pf.PrivateOffset, 8), ("page.compound_head", pf.CompoundHeadOffset, 8),
            ("compound_order", pf.CompoundOrderOffset, 2), ("compound_dtor", pf.CompoundDtorOffset, 8),
        ];
        foreach (var (name, off, width) in fields)
        {
            bool optional = name is "page._mapcount" or "page.private" or "page.compound_head";
            if (optional && off == -1) continue;
            int w = name == "compound_dtor" && version >= new KernelVersion(4, 4, 0) ? 2 : width;
            if (off < 0 || off + w > size)
            {
                warnings.WriteLine($"WARNING: VMCOREINFO puts {name} at offset {off}, outside struct page (SIZE(page)={size}); keeping all pages.");
                return null;
            }
        }
        return pf;
    }

    private static bool TestBit(long nr, ulong flags)
    {
        // makedumpfile's test_bit: an int mask of bit (nr & 31), sign-extended to unsigned long.
        int mask = 1 << (int)(nr & 0x1f);
        return ((ulong)(long)mask & flags) != 0;
    }

    private bool IsSlab(ulong flags, uint mapcount)
    {
        if (_slabValue != NotFound && mapcount == (uint)(int)_slabValue)
            return true;
        return (flags & (1UL << (int)_pgSlab)) != 0; // NOT_FOUND (-1) tests bit 63, as upstream's shift does on x86_64
    }

    private bool IsCachePage(ulong flags)
    {
        if (TestBit(_pgLru, flags))
            return true;
        return (_pgSwapbacked == NotFound || TestBit(_pgSwapbacked, flags)) && TestBit(_pgSwapcache, flags);
    }

    private bool IsAnon(ulong mapping, ulong flags, uint mapcount) =>
        (mapping & PageMappingAnon) != 0 && !IsSlab(flags, mapcount);

    private bool IsHugetlbDtor(ulong dtor) =>
        dtor == IsHugetlb
        || (_hugetlbDtor != NotFound && (ulong)_hugetlbDtor == dtor)
        || (_freeHugePage != 0 && _freeHugePage == dtor);

    private bool IsBuddy(ulong flags, uint mapcount) => BuddyMethod switch
    {
        3 => !IsSlab(flags, mapcount) && mapcount == (uint)(int)_buddyValue,
        2 => (flags & (1UL << (int)_pgBuddy)) != 0,
        _ => false,
    };

    /// <summary>
    /// Classifies the struct page <paramref name="page"/> of frame <paramref name="pfn"/> for
    /// <paramref name="dumpLevel"/>, as <c>__exclude_unnecessary_pages</c> does. <paramref name="next"/> is the
    /// following struct page when it was read in the same 512-entry batch (empty otherwise).
    /// <paramref name="pages"/> is how many frames the decision covers (1 &lt;&lt; order).
    /// </summary>
    public PageClass Classify(ReadOnlySpan<byte> page, ReadOnlySpan<byte> next, ulong pfn, DumpLevel dumpLevel, out ulong pages,
        out string? warning)
    {
        warning = null;
        pages = 1;
        ulong flags = U64(page, FlagsOffset);
        ulong mapping = U64(page, MappingOffset);
        uint mapcount = MapcountOffset >= 0 ? U32(page, MapcountOffset) : 0;
        int order = 0;
        ulong dtor = 0;

        if ((pfn % PgmmCached) < PgmmCached - 1 && (flags & (ulong)_pgHeadMask) != 0 && next.Length >= PageStructSize)
        {
            if (_hugetlbValue != NotFound)
            {
                order = (int)(U64(next, FlagsOffset) & 0xff);
                if (mapcount == (uint)(int)_hugetlbValue) dtor = IsHugetlb;
            }
            else if (_pgHugetlb != NotFound)
            {
                ulong flags1 = U64(next, FlagsOffset);
                order = (int)(flags1 & 0xff);
                if ((flags1 & (1UL << (int)_pgHugetlb)) != 0) dtor = IsHugetlb;
            }
            else
            {
                bool v416 = Version >= new KernelVersion(4, 16, 0);
                if (CompoundOrderOffset != 0)
                    order = v416 ? next[CompoundOrderOffset] : BinaryPrimitives.ReadUInt16LittleEndian(next[CompoundOrderOffset..]);
                if (CompoundDtorOffset != 0)
                    dtor = v416 ? next[CompoundDtorOffset]
                        : Version >= new KernelVersion(4, 4, 0) ? BinaryPrimitives.ReadUInt16LittleEndian(next[CompoundDtorOffset..])
                        : U64(next, CompoundDtorOffset);
            }
            if ((order >= 64 || (pfn & ((1UL << order) - 1)) != 0))
                order = 0;
        }
        ulong compoundHead = CompoundHeadOffset >= 0 ? U64(page, CompoundHeadOffset) : 0;
        ulong priv = PrivateOffset >= 0 ? U64(page, PrivateOffset) : 0;
        pages = 1UL << order;

        if ((compoundHead & 1) != 0)
            return PageClass.Tail;
        if ((dumpLevel & DumpLevel.Free) != 0 && IsBuddy(flags, mapcount))
        {
            if (_freeAreaLength != NotFound && priv >= (ulong)_freeAreaLength)
            {
                warning = $"WARNING: Invalid free page order: pfn={pfn:x}, order={priv}, max order={_freeAreaLength - 1}";
                pages = 1;
                return PageClass.Keep;
            }
            pages = 1UL << (int)priv;
            return PageClass.Free;
        }
        if ((dumpLevel & DumpLevel.Free) != 0 && _unacceptedValue != NotFound && mapcount == (uint)(int)_unacceptedValue)
        {
            pages = 1UL << (int)(_freeAreaLength - 1);
            return PageClass.Free;
        }
        bool cache = IsCachePage(flags);
        if ((dumpLevel & DumpLevel.Cache) != 0 && cache && !TestBit(_pgPrivate, flags) && !IsAnon(mapping, flags, mapcount))
            return PageClass.Cache;
        if ((dumpLevel & DumpLevel.CachePrivate) != 0 && cache && !IsAnon(mapping, flags, mapcount))
            return TestBit(_pgPrivate, flags) ? PageClass.CachePrivate : PageClass.Cache;
        if ((dumpLevel & DumpLevel.User) != 0 && (IsAnon(mapping, flags, mapcount) || IsHugetlbDtor(dtor)))
            return PageClass.User;
        if (_pgHwpoison != NotFound && TestBit(_pgHwpoison, flags))
            return PageClass.Hwpoison;
        if (_offlineValue != NotFound && !IsSlab(flags, mapcount) && mapcount == (uint)(int)_offlineValue)
            return PageClass.Offline;
        pages = 1;
        return PageClass.Keep;
    }

    /// <summary>
    /// The struct page address of a compound tail's head, or 0 when <paramref name="page"/> is not a tail.
    /// The word is <c>head + 1</c>, or since Linux 7.1 with HugeTLB vmemmap optimization and a power-of-2
    /// struct page, <c>mask | 1</c> where <c>mask = GENMASK(63, order + log2(sizeof(struct page)))</c>
    /// turns the tail's own address (<paramref name="pageAddress"/>) into the head's.
    /// </summary>
    public ulong CompoundHeadOf(ReadOnlySpan<byte> page, ulong pageAddress)
    {
        if (CompoundHeadOffset < 0) return 0;
        ulong info = U64(page, CompoundHeadOffset);
        if ((info & 1) == 0) return 0;
        ulong value = info & ~1UL;
        ulong low = ~value; // for a mask: 2^shift - 1
        bool isMask = value != 0 && (low & (low + 1)) == 0 && low >= (ulong)PageStructSize - 1;
        return isMask ? pageAddress & info & ~1UL : value;
    }

    private static ulong U64(ReadOnlySpan<byte> b, int off) => BinaryPrimitives.ReadUInt64LittleEndian(b[off..]);
    private static uint U32(ReadOnlySpan<byte> b, int off) => BinaryPrimitives.ReadUInt32LittleEndian(b[off..]);
}
