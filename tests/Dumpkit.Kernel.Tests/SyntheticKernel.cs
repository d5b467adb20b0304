// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Mm;
using System.Text;
using Dumpkit.Formats;

namespace Dumpkit.Kernel.Tests;

/// <summary>
/// A tiny x86_64 kernel memory image for unit tests: 16 MiB of RAM, page tables rooted at init_top_pgt
/// (kernel text map → phys 0 with a 2 MiB page, direct map with a 1 GiB page, vmemmap with 4 KiB pages),
/// a SPARSEMEM_EXTREME mem_section table with 1024-page sections, and a struct page (64 bytes) per frame.
/// Numbers follow Debian's 6.1 (flag-based slab/hugetlb) or 6.12 (page types in _mapcount) kernels.
/// </summary>
internal sealed class SyntheticKernel
{
    public const ulong Frames = 4096;
    public const ulong TextBase = 0xffff_ffff_8000_0000UL;
    public const int PageStruct = 64;
    public const ulong StructPagePhys = 0x60000; // struct page array: 4096 × 64 bytes = pages 0x60..0x9f
    public const ulong SectionRootsPhys = 0x50000, SectionArrayPhys = 0x51000;
    public const ulong PgdPhys = 0x10000;
    public const int SectionSizeBits = 22; // 1024 pages per section

    public FakeDump Dump { get; }
    public bool FiveLevel { get; }
    public ulong SmeMask { get; }
    public bool Is612 { get; }
    public ulong DirectMap => FiveLevel ? 0xff11_0000_0000_0000UL : 0xffff_8880_0000_0000UL;
    public ulong Vmemmap => FiveLevel ? 0xffd4_0000_0000_0000UL : 0xffff_ea00_0000_0000UL;
    public Dictionary<string, string> Extra { get; } = new();
    public HashSet<string> Omit { get; } = new();
    private ulong _nextTable = PgdPhys + 0x1000;

    // Flag numbers.
    public int PgLru => Is612 ? 5 : 4;
    public int PgPrivate => Is612 ? 14 : 13;
    public int PgSwapcache => 10;
    public int PgSwapbacked => Is612 ? 17 : 19;
    public int PgSlab => 9; // 6.1 only
    public int PgHwpoison => Is612 ? 20 : 23;
    public ulong PgHeadMask => Is612 ? 1UL << 6 : 1UL << 16;
    public int BuddyValue => Is612 ? -268435456 : -129;
    public int OfflineValue => Is612 ? -251658240 : -257;
    public const int SlabValue612 = -184549376;
    public const int HugetlbValue612 = -201326592;

    public SyntheticKernel(bool is612 = true, bool fiveLevel = false, ulong smeMask = 0)
    {
        Is612 = is612;
        FiveLevel = fiveLevel;
        SmeMask = smeMask;
        Dump = new FakeDump(Frames);
        Map(TextBase, 0, 21);
        Map(DirectMap, 0, 30);
        for (ulong off = 0; off < Frames * PageStruct; off += 0x1000)
            Map(Vmemmap + off, StructPagePhys + off, 12);
        // mem_section: root 0 points (through the direct map) at an array of 128 sections of 32 bytes.
        Dump.WriteU64(SectionRootsPhys, DirectMap + SectionArrayPhys);
        for (ulong nr = 0; nr < Frames >> (SectionSizeBits - 12); nr++)
        {
            ulong memMapOfFirst = Vmemmap + (nr << (SectionSizeBits - 12)) * PageStruct;
            ulong coded = memMapOfFirst - (nr << (SectionSizeBits - 12)) * PageStruct;
            Dump.WriteU64(SectionArrayPhys + nr * 32, coded | 1 | 2 | 4); // present, has mem_map, online
        }
        Dump.Vmcoreinfo = VmcoreinfoText();
    }

    public Vmcoreinfo Info => Vmcoreinfo.Parse(VmcoreinfoText());

    public string VmcoreinfoText()
    {
        var v = new List<(string, string)>
        {
            ("OSRELEASE", Is612 ? "6.12.117+deb12-amd64" : "6.1.0-56-amd64"),
            ("PAGESIZE", "4096"),
            ("SYMBOL(mem_section)", (TextBase + SectionRootsPhys).ToString("x")),
            ("LENGTH(mem_section)", ((1UL << (46 - SectionSizeBits)) / 128).ToString()),
            ("SIZE(mem_section)", "32"),
            ("OFFSET(mem_section.section_mem_map)", "0"),
            ("NUMBER(SECTION_SIZE_BITS)", SectionSizeBits.ToString()),
            ("NUMBER(MAX_PHYSMEM_BITS)", "46"),
            ("SIZE(page)", "64"),
            ("OFFSET(page.flags)", "0"),
            ("OFFSET(page._refcount)", "52"),
            ("OFFSET(page.mapping)", "24"),
            ("OFFSET(page.lru)", "8"),
            ("OFFSET(page._mapcount)", "48"),
            ("OFFSET(page.private)", "40"),
            ("OFFSET(page.compound_head)", "8"),
            ("LENGTH(zone.free_area)", "11"),
            ("NUMBER(PG_lru)", PgLru.ToString()),
            ("NUMBER(PG_private)", PgPrivate.ToString()),
            ("NUMBER(PG_swapcache)", PgSwapcache.ToString()),
            ("NUMBER(PG_swapbacked)", PgSwapbacked.ToString()),
            ("NUMBER(PG_hwpoison)", PgHwpoison.ToString()),
            ("NUMBER(PG_head_mask)", PgHeadMask.ToString()),
            ("NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", BuddyValue.ToString()),
            ("NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)", OfflineValue.ToString()),
            ("NUMBER(phys_base)", "0"),
            ("SYMBOL(init_top_pgt)", (TextBase + PgdPhys).ToString("x")),
            ("NUMBER(pgtable_l5_enabled)", FiveLevel ? "1" : "0"),
            ("NUMBER(sme_mask)", SmeMask.ToString()),
        };
        if (Is612)
        {
            v.Add(("NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)", SlabValue612.ToString()));
            v.Add(("NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)", HugetlbValue612.ToString()));
            v.Add(("SYMBOL(vmemmap)", Vmemmap.ToString("x")));
        }
        else
        {
            v.Add(("OFFSET(page.compound_dtor)", "16"));
            v.Add(("OFFSET(page.compound_order)", "17"));
            v.Add(("NUMBER(PG_slab)", PgSlab.ToString()));
            v.Add(("NUMBER(HUGETLB_PAGE_DTOR)", "2"));
        }
        var sb = new StringBuilder();
        foreach (var (k, val) in v)
            if (!Omit.Contains(k) && !Extra.ContainsKey(k))
                sb.Append(k).Append('=').Append(val).Append('\n');
        foreach (var (k, val) in Extra)
            sb.Append(k).Append('=').Append(val).Append('\n');
        return sb.ToString();
    }

    public void Refresh() => Dump.Vmcoreinfo = VmcoreinfoText();

    private ulong NewTable()
    {
        ulong t = _nextTable;
        _nextTable += 0x1000;
        if (_nextTable > 0x50000) throw new InvalidOperationException("out of table pages");
        return t;
    }

    /// <summary>Maps vaddr → paddr with a page of 2^shift bytes (12, 21 or 30).</summary>
    public void Map(ulong vaddr, ulong paddr, int shift)
    {
        ulong table = PgdPhys;
        var levels = new List<int>();
        if (FiveLevel) levels.Add(48);
        levels.AddRange([39, 30, 21, 12]);
        foreach (int level in levels)
        {
            ulong at = table + ((vaddr >> level) & 0x1ff) * 8;
            if (level == shift)
            {
                ulong entry = paddr | 1 | 2 | SmeMask | (shift > 12 ? 0x80UL : 0);
                Dump.WriteU64(at, entry);
                return;
            }
            ulong e = Dump.ReadU64(at);
            if ((e & 1) == 0)
            {
                e = NewTable() | 1 | 2 | SmeMask;
                Dump.WriteU64(at, e);
            }
            table = e & 0x000f_ffff_ffff_f000UL & ~SmeMask;
        }
    }

    public ulong StructPage(ulong pfn) => StructPagePhys + pfn * PageStruct;

    public void SetPage(ulong pfn, ulong flags = 0, ulong mapping = 0, int mapcount = -1, ulong priv = 0, ulong compoundHead = 0, int refcount = 1)
    {
        ulong a = StructPage(pfn);
        Dump.WriteU64(a, flags);
        Dump.WriteU64(a + 8, compoundHead);
        Dump.WriteU64(a + 24, mapping);
        Dump.WriteU64(a + 40, priv);
        Dump.WriteU32(a + 48, (uint)mapcount);
        Dump.WriteU32(a + 52, (uint)refcount);
    }

    /// <summary>A compound page: head flags + order/hugetlb marks in page[1], tails pointing at the head.</summary>
    public void SetCompound(ulong head, int order, ulong headFlags = 0, ulong mapping = 0, bool hugetlb = false, int mapcount = -1)
    {
        ulong headVaddr = Vmemmap + head * PageStruct;
        if (hugetlb && Is612) mapcount = HugetlbValue612;
        SetPage(head, headFlags | PgHeadMask, mapping, mapcount);
        for (ulong i = 1; i < 1UL << order; i++)
            SetPage(head + i, 0, 0, -1, 0, headVaddr | 1, 0);
        ulong p1 = StructPage(head + 1);
        if (Is612)
            Dump.WriteU64(p1, (ulong)order); // folio._flags_1 low byte
        else
        {
            Dump.Write(p1 + 17, [(byte)order]);
            Dump.Write(p1 + 16, [(byte)(hugetlb ? 2 : 1)]);
        }
    }

    public PfnBitmap AllRam()
    {
        var b = new PfnBitmap(Frames);
        b.SetRange(0, Frames);
        return b;
    }

    public PageFilter Filter(int level, TextWriter? warnings = null) =>
        PageFilter.Create(Dump, Info, (DumpLevel)level, warnings ?? TextWriter.Null);
}
