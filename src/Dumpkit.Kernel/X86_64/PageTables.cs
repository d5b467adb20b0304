// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using Dumpkit.Formats;

namespace Dumpkit.Kernel.X86_64;

/// <summary>One step of a page-table walk, for <c>--vtop</c> style tracing.</summary>
public readonly record struct PageTableStep(string Level, ulong EntryAddress, ulong Entry);

/// <summary>
/// The x86_64 MMU's page tables as the kernel builds them (arch/x86/include/asm/pgtable_64_types.h):
/// 4 levels (PGD 39-47, PUD 30-38, PMD 21-29, PTE 12-20) or 5 levels (PGD 48-56, P4D 39-47, ...),
/// 1 GiB pages at the PUD and 2 MiB pages at the PMD (PSE bit), AMD SME's encryption bit masked off.
/// The walk reads physical memory only; it is at most five reads deep, so it cannot loop.
/// </summary>
public sealed class PageTables
{
    public const ulong Present = 1UL << 0;
    public const ulong PageSizeBit = 1UL << 7; // _PAGE_PSE
    /// <summary>PHYSICAL_PAGE_MASK of a 52-bit physical address space: ~0xfff0000000000fff.</summary>
    public const ulong PhysicalPageMask = 0x000f_ffff_ffff_f000UL;

    private readonly PhysicalPageCache _pages;
    private readonly ulong _entryMask;

    /// <param name="dump">Physical memory.</param>
    /// <param name="root">Physical address of the top-level table (init_top_pgt).</param>
    /// <param name="fiveLevel">NUMBER(pgtable_l5_enabled).</param>
    /// <param name="smeMask">NUMBER(sme_mask): the memory-encryption bit set in page-table entries.</param>
    public PageTables(DumpReader dump, ulong root, bool fiveLevel, ulong smeMask)
        : this(new PhysicalPageCache(dump), root, fiveLevel, smeMask)
    {
    }

    /// <summary>Tables read through a page cache shared with other reads of the dump.</summary>
    internal PageTables(PhysicalPageCache pages, ulong root, bool fiveLevel, ulong smeMask)
    {
        _pages = pages;
        Root = root;
        FiveLevel = fiveLevel;
        _entryMask = PhysicalPageMask & ~smeMask;
    }

    public ulong Root { get; }
    public bool FiveLevel { get; }

    /// <summary>
    /// Walks the tables for <paramref name="vaddr"/>. On success gives the physical address and
    /// the log2 size of the mapping that holds it (12, 21 or 30).
    /// </summary>
    public bool TryWalk(ulong vaddr, out ulong paddr, out int mappingShift, List<PageTableStep>? trace = null)
    {
        paddr = 0;
        mappingShift = 12;
        ulong table = Root;
        if (FiveLevel)
        {
            if (!Step("PGD", table, (vaddr >> 48) & 0x1ff, trace, out ulong pgd)) return false;
            table = pgd & _entryMask;
            if (!Step("P4D", table, (vaddr >> 39) & 0x1ff, trace, out ulong p4d)) return false;
            table = p4d & _entryMask;
        }
        else
        {
            if (!Step("PGD", table, (vaddr >> 39) & 0x1ff, trace, out ulong pgd)) return false;
            table = pgd & _entryMask;
        }

        if (!Step("PUD", table, (vaddr >> 30) & 0x1ff, trace, out ulong pud)) return false;
        if ((pud & PageSizeBit) != 0)
        {
            const ulong PudMask = ~((1UL << 30) - 1);
            paddr = (pud & _entryMask & PudMask) + (vaddr & ~PudMask);
            mappingShift = 30;
            return true;
        }

        if (!Step("PMD", pud & _entryMask, (vaddr >> 21) & 0x1ff, trace, out ulong pmd)) return false;
        if ((pmd & PageSizeBit) != 0)
        {
            const ulong PmdMask = ~((1UL << 21) - 1);
            paddr = (pmd & _entryMask & PmdMask) + (vaddr & ~PmdMask);
            mappingShift = 21;
            return true;
        }

        if (!Step("PTE", pmd & _entryMask, (vaddr >> 12) & 0x1ff, trace, out ulong pte)) return false;
        paddr = (pte & _entryMask) + (vaddr & 0xfff);
        mappingShift = 12;
        return true;
    }

    /// <summary>
    /// The translation of a user page as crash's x86_64 <c>uvtop</c> reads the tables: the PGD and PUD entries must be
    /// present, the PMD and PTE entries present or PROT_NONE (bit 8); 1 GiB and 2 MiB pages by their PSE bit. False when
    /// it does not translate, with <paramref name="value"/> the PTE itself when the walk reached a PTE that is neither
    /// (a swap entry or a marker; 0 for an empty one or a walk that stopped above), as crash hands it to its swap lookup.
    /// An entry that cannot be read stops the walk like an empty one.
    /// </summary>
    public bool TryTranslateUser(ulong vaddr, out ulong value)
    {
        const ulong ProtNone = 1UL << 8;
        value = 0;
        ulong table = Root;
        if (FiveLevel)
        {
            if (!Entry(table, (vaddr >> 48) & 0x1ff, out ulong pgd5) || (pgd5 & Present) == 0) return false;
            table = pgd5 & _entryMask;
        }
        if (!Entry(table, (vaddr >> 39) & 0x1ff, out ulong pgd) || (pgd & Present) == 0) return false;
        if (!Entry(pgd & _entryMask, (vaddr >> 30) & 0x1ff, out ulong pud) || (pud & Present) == 0) return false;
        if ((pud & PageSizeBit) != 0)
        {
            value = (pud & _entryMask) + (vaddr & ((1UL << 30) - 1));
            return true;
        }
        if (!Entry(pud & _entryMask, (vaddr >> 21) & 0x1ff, out ulong pmd) || (pmd & (Present | ProtNone)) == 0) return false;
        if ((pmd & PageSizeBit) != 0)
        {
            value = (pmd & _entryMask) + (vaddr & ((1UL << 21) - 1));
            return true;
        }
        if (!Entry(pmd & _entryMask, (vaddr >> 12) & 0x1ff, out ulong pte))
            return false;
        if ((pte & (Present | ProtNone)) == 0)
        {
            value = pte;
            return false;
        }
        value = (pte & _entryMask) + (vaddr & 0xfff);
        return true;
    }

    private bool Entry(ulong table, ulong index, out ulong entry) => TryReadPhysical64(_pages, table + index * 8, out entry);

    private bool Step(string level, ulong table, ulong index, List<PageTableStep>? trace, out ulong entry)
    {
        ulong at = table + index * 8;
        entry = 0;
        if (!TryReadPhysical64(_pages, at, out entry))
            return false;
        trace?.Add(new PageTableStep(level, at, entry));
        return (entry & Present) != 0;
    }

    private static bool TryReadPhysical64(PhysicalPageCache pages, ulong paddr, out ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        if (!pages.TryRead(paddr, b))
        {
            value = 0;
            return false;
        }
        value = BinaryPrimitives.ReadUInt64LittleEndian(b);
        return true;
    }
}
