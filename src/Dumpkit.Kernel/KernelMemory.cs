// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using Dumpkit.Formats;
using Dumpkit.Kernel.X86_64;

namespace Dumpkit.Kernel;

/// <summary>A kernel virtual address that does not map to memory held in the dump.</summary>
public sealed class KernelAddressException(ulong vaddr, string what)
    : Exception($"cannot read {what} at kernel virtual address 0x{vaddr:x}")
{
    public ulong Address { get; } = vaddr;
}

/// <summary>
/// The crashed kernel's virtual address space (x86_64), built from VMCOREINFO alone: kernel text
/// (<c>vaddr - __START_KERNEL_map + phys_base</c>), and everything else through the page tables
/// rooted at <c>SYMBOL(init_top_pgt)</c>, as makedumpfile's <c>vtop4_x86_64</c> does. Translations
/// are cached per mapping (4 KiB, 2 MiB or 1 GiB). Thread safe.
/// </summary>
public sealed class KernelMemory
{
    public const ulong StartKernelMap = 0xffff_ffff_8000_0000UL; // __START_KERNEL_map
    private const int CacheSlots = 1024;

    private sealed class CacheEntry(ulong vbase, ulong pbase, int shift)
    {
        public readonly ulong VBase = vbase;
        public readonly ulong PBase = pbase;
        public readonly int Shift = shift;
    }

    private readonly CacheEntry?[] _small = new CacheEntry?[CacheSlots]; // 4 KiB mappings
    private readonly CacheEntry?[] _large = new CacheEntry?[CacheSlots]; // 2 MiB and 1 GiB mappings
    private long _hits, _misses;
    private readonly PhysicalPageCache _pages;

    public DumpReader Dump { get; }
    public Vmcoreinfo Info { get; }

    /// <summary>Physical load offset of the kernel image (NUMBER(phys_base), else from the kernel-text PT_LOAD).</summary>
    public ulong PhysBase { get; }

    /// <summary>Where phys_base came from: "vmcoreinfo", "pt_load", "diskdump sub header" or "default".</summary>
    public string PhysBaseSource { get; }

    /// <summary>The page tables, or null when VMCOREINFO has no init_top_pgt/init_level4_pgt.</summary>
    public PageTables? PageTables { get; }

    /// <summary>Start of the direct map (page_offset_base under KASLR), from a direct-map PT_LOAD, else null.</summary>
    public ulong? PageOffset { get; }

    public bool FiveLevel { get; }
    public ulong SmeMask { get; }
    public long CacheHits => Interlocked.Read(ref _hits);
    public long CacheMisses => Interlocked.Read(ref _misses);

    public KernelMemory(DumpReader dump, Vmcoreinfo info)
    {
        Dump = dump;
        Info = info;
        _pages = new PhysicalPageCache(dump);
        (PhysBase, PhysBaseSource) = FindPhysBase(dump, info);
        FiveLevel = info.Number("pgtable_l5_enabled") is long l5 && l5 != 0;
        SmeMask = info.Number("sme_mask") is long sme ? (ulong)sme : 0;
        PageOffset = FindPageOffset(dump);
        ulong? top = info.Symbol("init_level4_pgt") ?? info.Symbol("init_top_pgt");
        if (top is ulong t && t >= StartKernelMap)
            PageTables = new PageTables(_pages, t - StartKernelMap + PhysBase, FiveLevel, SmeMask);
        if (PageOffset is null && PageTables is not null)
            PageOffset = PageOffsetFromDirectMapSymbol(info);
    }

    /// <summary>
    /// Without a direct-map PT_LOAD (kdump-compressed input), the direct map's base follows from any
    /// address known to lie in it: SPARSEMEM_EXTREME's mem_section root array is memblock memory,
    /// reached through the direct map, whose base KASLR aligns to 1 GiB.
    /// </summary>
    private ulong? PageOffsetFromDirectMapSymbol(Vmcoreinfo info)
    {
        if (info.Symbol("mem_section") is not ulong ms || ms >= StartKernelMap || !IsKernelAddress(ms))
            return null;
        if (!TryTranslate(ms, out ulong p) || p > ms)
            return null;
        ulong po = ms - p;
        return (po & ((1UL << 30) - 1)) == 0 ? po : null;
    }

    /// <summary>The direct-map address of physical address <paramref name="paddr"/> (__va), when the direct map is known.</summary>
    public ulong? PhysicalToDirectMap(ulong paddr) => PageOffset is ulong po ? po + paddr : null;

    /// <summary>
    /// makedumpfile's <c>--vtop</c> report: the translation heading, one line per page-table entry
    /// read (<c>  PGD : %16lx => %16lx</c>), then the VIRTUAL/PHYSICAL table; an address that does not
    /// translate prints as ffffffffffffffff (NOT_PADDR).
    /// </summary>
    public string FormatVtop(ulong vaddr)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append('\n').Append($"Translating virtual address {vaddr:x} to physical address.\n");
        var steps = Vtop(vaddr, out ulong? paddr);
        foreach (var st in steps)
            sb.Append($"  {st.Level} : {st.EntryAddress,16:x} => {st.Entry,16:x}\n");
        sb.Append("VIRTUAL           PHYSICAL\n");
        sb.Append($"{vaddr,16:x}  {paddr ?? ulong.MaxValue:x}\n");
        sb.Append('\n');
        return sb.ToString();
    }

    private static (ulong, string) FindPhysBase(DumpReader dump, Vmcoreinfo info)
    {
        if (info.Number("phys_base") is long pb)
            return ((ulong)pb, "vmcoreinfo");
        foreach (var s in dump.Segments)
            if (s.VirtualAddress >= StartKernelMap)
                return (s.PhysicalAddress - (s.VirtualAddress & ~StartKernelMap), "pt_load");
        if (dump.PhysBaseHint is ulong hint)
            return (hint, "diskdump sub header");
        return (0, "default");
    }

    private static ulong? FindPageOffset(DumpReader dump)
    {
        // The last segment mapped below the kernel-text map gives vaddr - paddr of the direct map.
        ulong? found = null;
        foreach (var s in dump.Segments)
            if (s.VirtualAddress != 0 && s.VirtualAddress < StartKernelMap && s.VirtualAddress >= 0xff00_0000_0000_0000UL)
                found = s.VirtualAddress - s.PhysicalAddress;
        return found;
    }

    /// <summary>Kernel text/data address to physical, without the page tables.</summary>
    public ulong KernelTextToPhysical(ulong vaddr) => vaddr - StartKernelMap + PhysBase;

    /// <summary>
    /// Why <see cref="TryReadVirtual"/> fails somewhere in <paramref name="length"/> bytes at <paramref name="vaddr"/>,
    /// in words for a message (the first page that fails); null when every page reads. A page the dump claims but
    /// cannot give (a file cut short, data that does not decompress) gets the reader's own line, naming file and offset.
    /// </summary>
    public string? WhyUnreadable(ulong vaddr, long length = 1)
    {
        Span<byte> one = stackalloc byte[1];
        ulong end = vaddr + (ulong)Math.Max(length, 1);
        for (ulong page = vaddr & ~0xfffUL; page < end && page >= (vaddr & ~0xfffUL); page += 0x1000)
        {
            ulong at = Math.Max(page, vaddr);
            // Kernel text and data map by arithmetic when the page tables cannot be read themselves.
            if (!TryTranslate(at, out ulong paddr))
            {
                if (at < StartKernelMap)
                    return $"no page table maps 0x{at:x}";
                paddr = KernelTextToPhysical(at);
            }
            ulong pfn = paddr >> Dump.PageShift;
            var state = pfn < Dump.MaxPfn ? Dump.GetPageState(pfn) : PageState.Hole;
            switch (state)
            {
                case PageState.Excluded: return $"page frame 0x{pfn:x} (of 0x{at:x}) was excluded by the dump level";
                case PageState.Incomplete: return $"page frame 0x{pfn:x} (of 0x{at:x}) is missing: the dump is incomplete";
                case PageState.Hole: return $"page frame 0x{pfn:x} (of 0x{at:x}) is not in the dump";
            }
            try
            {
                Dump.ReadPhysical(paddr, one);
            }
            catch (Exception e) when (e is DumpFormatException or IOException or InvalidDataException or PageNotAvailableException)
            {
                return e.Message;
            }
        }
        return null;
    }

    public bool TryTranslate(ulong vaddr, out ulong paddr)
    {
        int small = (int)((vaddr >> 12) & (CacheSlots - 1));
        int large = (int)((vaddr >> 21) & (CacheSlots - 1));
        var e = Volatile.Read(ref _large[large]);
        if (e is null || (vaddr >> e.Shift) != (e.VBase >> e.Shift))
        {
            e = Volatile.Read(ref _small[small]);
            if (e is not null && (vaddr >> 12) != (e.VBase >> 12))
                e = null;
        }
        if (e is not null)
        {
            Interlocked.Increment(ref _hits);
            paddr = e.PBase + (vaddr & ((1UL << e.Shift) - 1));
            return true;
        }
        Interlocked.Increment(ref _misses);

        if (PageTables is { } pt)
        {
            if (!pt.TryWalk(vaddr, out paddr, out int shift))
                return false;
            ulong mask = (1UL << shift) - 1;
            var entry = new CacheEntry(vaddr & ~mask, paddr & ~mask, shift);
            if (shift == 12) Volatile.Write(ref _small[small], entry);
            else Volatile.Write(ref _large[large], entry);
            return true;
        }

        // No page tables in VMCOREINFO: kernel text and the direct map still translate.
        if (vaddr >= StartKernelMap)
        {
            paddr = KernelTextToPhysical(vaddr);
            return true;
        }
        if (PageOffset is ulong po && vaddr >= po && vaddr - po < (1UL << 46))
        {
            paddr = vaddr - po;
            return true;
        }
        paddr = 0;
        return false;
    }

    public ulong Translate(ulong vaddr) =>
        TryTranslate(vaddr, out ulong p) ? p : throw new KernelAddressException(vaddr, "a page-table mapping");

    /// <summary>The page-table walk for <paramref name="vaddr"/>, step by step (makedumpfile <c>--vtop</c>).</summary>
    public IReadOnlyList<PageTableStep> Vtop(ulong vaddr, out ulong? paddr)
    {
        var steps = new List<PageTableStep>();
        paddr = null;
        if (PageTables is { } pt && pt.TryWalk(vaddr, out ulong p, out _, steps))
            paddr = p;
        return steps;
    }

    /// <summary>Reads virtual memory; false when any byte is unmapped or missing from the dump.</summary>
    public bool TryReadVirtual(ulong vaddr, Span<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int inPage = (int)(vaddr & 0xfff);
            int n = Math.Min(buffer.Length, 4096 - inPage);
            if (!TryTranslate(vaddr, out ulong paddr))
                return false;
            // Pages that are physically contiguous too (vmemmap's 2 MiB mappings: mem_map) are read at once.
            while (n < buffer.Length && TryTranslate(vaddr + (ulong)n, out ulong next) && next == paddr + (ulong)n)
                n += Math.Min(buffer.Length - n, 4096);
            if (!_pages.TryRead(paddr, buffer[..n]))
                return false;
            buffer = buffer[n..];
            vaddr += (ulong)n;
        }
        return true;
    }

    public void ReadVirtual(ulong vaddr, Span<byte> buffer, string what = "kernel memory")
    {
        if (!TryReadVirtual(vaddr, buffer))
            throw new KernelAddressException(vaddr, what);
    }

    public bool TryReadU64(ulong vaddr, out ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        bool ok = TryReadVirtual(vaddr, b);
        value = ok ? BinaryPrimitives.ReadUInt64LittleEndian(b) : 0;
        return ok;
    }

    public bool TryReadU32(ulong vaddr, out uint value)
    {
        Span<byte> b = stackalloc byte[4];
        bool ok = TryReadVirtual(vaddr, b);
        value = ok ? BinaryPrimitives.ReadUInt32LittleEndian(b) : 0;
        return ok;
    }

    public ulong ReadU64(ulong vaddr, string what = "a pointer") =>
        TryReadU64(vaddr, out ulong v) ? v : throw new KernelAddressException(vaddr, what);

    /// <summary>True for addresses in the kernel half of the canonical address space.</summary>
    public bool IsKernelAddress(ulong vaddr) =>
        FiveLevel ? vaddr >= 0xff00_0000_0000_0000UL : vaddr >= 0xffff_8000_0000_0000UL;
}
