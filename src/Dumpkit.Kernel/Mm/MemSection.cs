// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Kernel.Mm;

/// <summary>A run of page frames and where its <c>struct page</c> array lives (makedumpfile's mem_map_data).</summary>
public readonly record struct MemMapRange(ulong StartPfn, ulong EndPfn, ulong MemMap)
{
    /// <summary>True when the section has no mem_map (not present, or hot-removed).</summary>
    public bool IsHole => MemMap == 0;
}

/// <summary>
/// SPARSEMEM's <c>mem_section</c> table (include/linux/mmzone.h): physical memory cut into sections of
/// 2^SECTION_SIZE_BITS bytes, each with a <c>section_mem_map</c> word holding flag bits in its low bits
/// (SECTION_MARKED_PRESENT = bit 0; everything below SECTION_MAP_LAST_BIT masked off) and the
/// address of the section's <c>struct page</c> array minus the section's first pfn × sizeof(struct page).
/// With SPARSEMEM_EXTREME the symbol is an array of pointers to pages of sections ("roots");
/// with VMEMMAP all the arrays are slices of one virtual array at <c>vmemmap_base</c>.
/// </summary>
public sealed class MemSections
{
    public const ulong SectionMarkedPresent = 1UL << 0;
    public const ulong SectionMapLastBit = 1UL << 5;
    public const ulong SectionMapMask = ~(SectionMapLastBit - 1);

    private readonly ulong[] _memMaps; // per section: decoded address of the struct page of its first pfn, 0 = none

    public int SectionSizeBits { get; }
    public int PfnSectionShift { get; }
    public ulong PagesPerSection => 1UL << PfnSectionShift;
    public bool Extreme { get; }
    public long PageStructSize { get; }
    public ulong MaxPfn { get; }
    public int SectionCount => _memMaps.Length;

    /// <summary>vmemmap_base: SYMBOL(vmemmap) when exported, else derived from the first present section.</summary>
    public ulong? VmemmapBase { get; }

    private MemSections(ulong[] memMaps, int sectionSizeBits, int pageShift, bool extreme, long pageSize, ulong maxPfn, ulong? vmemmap)
    {
        _memMaps = memMaps;
        SectionSizeBits = sectionSizeBits;
        PfnSectionShift = sectionSizeBits - pageShift;
        Extreme = extreme;
        PageStructSize = pageSize;
        MaxPfn = maxPfn;
        VmemmapBase = vmemmap;
    }

    /// <summary>Section runs in pfn order, clipped to max_mapnr (holes included, with MemMap 0).</summary>
    public IEnumerable<MemMapRange> Ranges()
    {
        for (int nr = 0; nr < _memMaps.Length; nr++)
        {
            ulong start = (ulong)nr << PfnSectionShift;
            ulong end = Math.Min(start + PagesPerSection, MaxPfn);
            yield return new MemMapRange(start, end, _memMaps[nr]);
        }
    }

    /// <summary>The range that holds <paramref name="pfn"/>, if any.</summary>
    public bool TryGetRange(ulong pfn, out MemMapRange range)
    {
        ulong nr = pfn >> PfnSectionShift;
        if (pfn >= MaxPfn || nr >= (ulong)_memMaps.Length)
        {
            range = default;
            return false;
        }
        ulong start = nr << PfnSectionShift;
        range = new MemMapRange(start, Math.Min(start + PagesPerSection, MaxPfn), _memMaps[nr]);
        return true;
    }

    /// <summary>Address of pfn's struct page, or false when its section has no mem_map.</summary>
    public bool TryGetPage(ulong pfn, out ulong pageAddress)
    {
        pageAddress = 0;
        if (!TryGetRange(pfn, out var r) || r.IsHole)
            return false;
        pageAddress = r.MemMap + (pfn - r.StartPfn) * (ulong)PageStructSize;
        return true;
    }

    /// <summary>
    /// The pfn whose struct page is at <paramref name="pageAddress"/> (e.g. a compound head pointer).
    /// Looks in the vmemmap, then in the mem_maps of <paramref name="nearPfn"/>'s section and the 64
    /// sections before it (a compound page spans at most a few sections), so garbage costs little.
    /// </summary>
    public bool TryGetPfn(ulong pageAddress, ulong nearPfn, out ulong pfn)
    {
        ulong size = (ulong)PageStructSize;
        if (VmemmapBase is ulong vb && pageAddress >= vb && (pageAddress - vb) % size == 0)
        {
            pfn = (pageAddress - vb) / size;
            if (TryGetPage(pfn, out ulong a) && a == pageAddress)
                return true;
        }
        long last = (long)Math.Min(nearPfn >> PfnSectionShift, (ulong)_memMaps.Length - 1);
        for (long nr = last; nr >= 0 && nr > last - 65; nr--)
        {
            ulong m = _memMaps[nr];
            if (m == 0 || pageAddress < m) continue;
            ulong off = pageAddress - m;
            if (off % size != 0 || off / size >= PagesPerSection) continue;
            pfn = ((ulong)nr << PfnSectionShift) + off / size;
            return pfn < MaxPfn;
        }
        pfn = 0;
        return false;
    }

    /// <summary>
    /// Reads the section table. Returns null (with a warning) when VMCOREINFO lacks what is needed
    /// or the table does not validate.
    /// </summary>
    public static MemSections? Load(KernelMemory mem, ulong maxPfn, TextWriter warnings)
    {
        var info = mem.Info;
        int pageShift = mem.Dump.PageShift;
        ulong? sym = info.Symbol("mem_section");
        long? secSize = info.Size("mem_section");
        long? mapOff = info.Offset("mem_section.section_mem_map");
        long? pageSize = info.Size("page");
        if (sym is null || secSize is null || mapOff is null || pageSize is null)
        {
            warnings.WriteLine("WARNING: VMCOREINFO lacks SYMBOL(mem_section), SIZE(mem_section), OFFSET(mem_section.section_mem_map) or SIZE(page): " +
                "cannot find struct pages (only SPARSEMEM kern"
                + "els are supported); keeping all pages.");
            return null;
        }
        if (secSize <= 0 || secSize > 4096 || mapOff < 0 || mapOff + 8 > secSize || pageSize <= 0 || pageSize > 4096)
        {
            warnings.WriteLine($"WARNING: VMCOREINFO sizes are implausible (SIZE(mem_section)={secSize}, " +
                $"OFFSET(mem_section.section_mem_map)={mapOff}, SIZE(page)={pageSize}); keeping all pages.");
            return null;
        }
        int sectionSizeBits = (int)(info.Number("SECTION_SIZE_BITS") ?? 27);
        int maxPhysmemBits = (int)(info.Number("MAX_PHYSMEM_BITS") ?? (mem.FiveLevel ? 52 : 46));
        if (sectionSizeBits <= pageShift || sectionSizeBits > 40 || maxPhysmemBits < sectionSizeBits || maxPhysmemBits > 56)
        {
            warnings.WriteLine($"WARNING: VMCOREINFO has SECTION_SIZE_BITS={sectionSizeBits}, MAX_PHYSMEM_BITS={maxPhysmemBits}" +
                ": implausible; keeping all pages.");
            return null;
        }
        int pfnSectionShift = sectionSizeBits - pageShift;
        ulong numSection = (maxPfn + (1UL << pfnSectionShift) - 1) >> pfnSectionShift;
        ulong nrMemSections = 1UL << (maxPhysmemBits - sectionSizeBits);
        if (numSection > nrMemSections)
        {
            warnings.WriteLine($"WARNING: max_mapnr 0x{maxPfn:x} needs {numSection} memory sections, " +
                $"more than MAX_PHYSMEM_BITS allows ({nrMemSections}); keeping all pages.");
            return null;
        }
        ulong perRootExtreme = (ulong)(mem.Dump.PageSize / secSize.Value);
        long? length = info.Length("mem_section");
        bool extreme = length is null || (ulong)length.Value == (nrMemSections + perRootExtreme - 1) / perRootExtreme;
        ulong perRoot = extreme ? perRootExtreme : 1;
        ulong nrRoots = (numSection + perRoot - 1) / perRoot;

        var maps = new ulong[numSection];
        if (!TryDecode(mem, sym.Value, extreme, perRoot, nrRoots, numSection, secSize.Value, mapOff.Value, pageSize.Value, 1UL << pfnSectionShift, maps)
            && !(extreme && mem.TryReadU64(sym.Value, out ulong ptr)
                 && TryDecode(mem, ptr, extreme, perRoot, nrRoots, numSection, secSize.Value, mapOff.Value, pageSize.Value, 1UL << pfnSectionShift, maps)))
        {
            warnings.WriteLine($"WARNING: the mem_section table at 0x{sym.Value:x} " +
                "does not validate (no present section with a kernel mem_map); keeping all pages.");
            return null;
        }

        ulong? vmemmap = info.Symbol("vmemmap");
        if (vmemmap is null)
        {
            for (int nr = 0; nr < maps.Length; nr++)
                if (maps[nr] != 0)
                {
                    vmemmap = maps[nr] - ((ulong)nr << pfnSectionShift) * (ulong)pageSize.Value;
                    break;
                }
        }
        return new MemSections(maps, sectionSizeBits, pageShift, extreme, pageSize.Value, maxPfn, vmemmap);
    }

    private static bool TryDecode(KernelMemory mem, ulong table, bool extreme, ulong perRoot, ulong nrRoots, ulong numSection,
        long secSize, long mapOff, long pageSize, ulong pagesPerSection, ulong[] maps)
    {
        ulong[]? roots = null;
        if (extreme)
        {
            if (nrRoots > 1 << 20)
                return false;
            var raw = new byte[nrRoots * 8];
            if (!mem.TryReadVirtual(table, raw))
                return false;
            roots = new ulong[nrRoots];
            for (int i = 0; i < roots.Length; i++)
                roots[i] = BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(i * 8));
        }
        bool any = false;
        for (ulong nr = 0; nr < numSection; nr++)
        {
            maps[nr] = 0;
            ulong section;
            if (extreme)
            {
                ulong root = roots![nr / perRoot];
                if (root == 0)
                    continue;
                section = root + (nr % perRoot) * (ulong)secSize;
            }
            else
            {
                section = table + nr * (ulong)secSize;
            }
            if (!mem.IsKernelAddress(section) || !mem.TryReadU64(section + (ulong)mapOff, out ulong word))
                continue; // makedumpfile: NOT_KV_ADDR / unreadable -> no mem_map
            if ((word & ~SectionMapMask & SectionMarkedPresent) == 0)
                continue;
            ulong decoded = (word & SectionMapMask) + nr * pagesPerSection * (ulong)pageSize;
            if (!mem.IsKernelAddress(decoded))
                return false;
            maps[nr] = decoded;
            any = true;
        }
        return any;
    }
}
