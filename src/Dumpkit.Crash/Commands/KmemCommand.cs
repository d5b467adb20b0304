// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Globalization;
using Dumpkit.Kernel.Mm;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>kmem -i</c>: the kernel's memory usage as crash 8.0.2 prints it. TOTAL MEM is
/// <c>_totalram_pages</c>, FREE <c>vm_zone_stat[NR_FREE_PAGES]</c>; SHARED (pages not reserved whose
/// reference count is above one) and SLAB (pages flagged PG_slab) come from a walk of every present
/// section's struct pages, as crash 8.0.2 does (from 6.10, where slab is a page type, SLAB is the node's
/// slab counters as later crash versions take it); BUFFERS is the page cache of the block-device inodes
/// (<c>blockdev_superblock</c>'s inode list), CACHED <c>NR_FILE_PAGES</c> less swap cache and buffers;
/// huge pages from <c>hstates</c>, swap from <c>swap_info</c>, the commit limit from the overcommit
/// sysctls and <c>vm_committed_as</c>. Types and member offsets come from BTF.
/// </summary>
internal sealed class KmemCommand : ICrashCommand
{
    private const int MaxListNodes = 1 << 20;

    public string Name => "kmem";
    public string Synopsis => "  kmem [-f|-F|-c|-C|-i|-v|-V|-n|-z|-o|-h] [-p | -m member[,member]]\n"
        + "       [[-s|-S|-S=cpu[s]|-r] [slab] [-I slab[,slab]]] [-g [flags]] [[-P] address]]";
    public string Summary => "kernel memory";

    public void Run(CrashSession session, string[] args)
    {
        if (args.Length != 1 || args[0] != "-i")
            throw CrashSession.Usage(this);
        var k = new KernelReader(session, Name);
        ulong pageSize = 1UL << session.Memory.Dump.PageShift;

        ulong total = k.GlobalU64("_totalram_pages");
        ulong free = k.VmStat("vm_zone_stat", "NR_FREE_PAGES");
        var (shared, slab) = WalkPages(session, k);
        ulong buffers = BlockDevicePages(k);
        long cached = (long)k.VmStat("vm_node_stat", "NR_FILE_PAGES") - (long)k.VmStat("vm_node_stat", "NR_SWAPCACHE") - (long)buffers;
        if (cached < 0)
        {
            session.Out.WriteLine($"kmem: page_cache_size went negative ({cached}), setting to 0");
            cached = 0;
        }
        var (hugeTotal, hugeFree) = HugePages(k);
        var (swapTotal, swapUsed) = Swap(k);

        var o = session.Out;
        o.Write("                 PAGES        TOTAL      PERCENTAGE\n");
        Row(o, "TOTAL MEM", total, pageSize, null);
        Row(o, "FREE", free, pageSize, Pct(free, total) + "% of TOTAL MEM");
        Row(o, "USED", total - free, pageSize, Pct(total - free, total) + "% of TOTAL MEM");
        Row(o, "SHARED", shared, pageSize, Pct(shared, total) + "% of TOTAL MEM");
        Row(o, "BUFFERS", buffers, pageSize, Pct(buffers, total) + "% of TOTAL MEM");
        Row(o, "CACHED", (ulong)cached, pageSize, Pct((ulong)cached, total) + "% of TOTAL MEM");
        Row(o, "SLAB", slab, pageSize, Pct(slab, total) + "% of TOTAL MEM");
        o.Write('\n');
        Row(o, "TOTAL HUGE", hugeTotal, pageSize, null);
        Row(o, "HUGE FREE", hugeFree, pageSize, (hugeFree == 0 ? "  0" : Pct(hugeFree, hugeTotal)) + "% of TOTAL HUGE");
        o.Write('\n');
        Row(o, "TOTAL SWAP", swapTotal, pageSize, null);
        Row(o, "SWAP USED", swapUsed, pageSize, (swapTotal == 0 ? "  0" : Pct(swapUsed, swapTotal)) + "% of TOTAL SWAP");
        Row(o, "SWAP FREE", swapTotal - swapUsed, pageSize,
            (swapTotal == 0 ? "  0" : Pct(swapTotal - swapUsed, swapTotal)) + "% of TOTAL SWAP");

        if (k.Symbols.AddressOf("sysctl_overcommit_memory") is null)
            return;
        o.Write('\n');
        ulong kbytes = k.Symbols.AddressOf("sysctl_overcommit_kbytes") is not null ? k.GlobalU64("sysctl_overcommit_kbytes") : 0;
        ulong allowed = kbytes != 0
            ? kbytes >> (session.Memory.Dump.PageShift - 10)
            : (total - hugeTotal) * k.GlobalU32("sysctl_overcommit_ratio") / 100;
        long committed = (long)k.ReadU64(k.Global("vm_committed_as") + k.Offset("percpu_counter", "count"));
        if (committed < 0)
            committed = 0;
        allowed += swapTotal;
        Row(o, "COMMIT LIMIT", allowed, pageSize, null);
        if (allowed != 0)
            Row(o, "COMMITTED", (ulong)committed, pageSize, (committed == 0 ? "  0" : Pct((ulong)committed, allowed)) + "% of TOTAL LIMIT");
        else
            Row(o, "COMMITTED", (ulong)committed, pageSize, null);
    }

    // "%13s  %7ld  %11s  %3ld%% of ..." or "         ----" for the totals.
    private static void Row(TextWriter o, string label, ulong pages, ulong pageSize, string? percentage)
    {
        o.Write(label.PadLeft(13));
        o.Write("  ");
        o.Write(((long)pages).ToString(CultureInfo.InvariantCulture).PadLeft(7));
        o.Write("  ");
        o.Write(Size(pages, pageSize).PadLeft(11));
        o.Write(percentage is null ? "         ----" : "  " + percentage);
        o.Write('\n');
    }

    private static string Pct(ulong part, ulong whole) =>
        (whole == 0 ? 0 : (long)(part * 100 / whole)).ToString(CultureInfo.InvariantCulture).PadLeft(3);

    /// <summary>crash's pages_to_size: <c>0</c>, <c>N KB</c>, <c>N.N MB</c> or <c>N.N GB</c> with a ".0" dropped.</summary>
    internal static string Size(ulong pages, ulong pageSize)
    {
        if (pages == 0)
            return "0";
        double total = (double)pages * pageSize;
        string s = total >= 1 << 30 ? ((total / (1 << 30)).ToString("F1", CultureInfo.InvariantCulture) + " GB")
            : total >= 1 << 20 ? ((total / (1 << 20)).ToString("F1", CultureInfo.InvariantCulture) + " MB")
            : ((ulong)(total / 1024)).ToString(CultureInfo.InvariantCulture) + " KB";
        int at = s.IndexOf(".0 ", StringComparison.Ordinal);
        return at >= 0 ? s.Remove(at, 2) : s;
    }

    /// <summary>Every present section's struct pages: those not reserved with a count above one, and those flagged PG_slab.</summary>
    private static (ulong Shared, ulong Slab) WalkPages(CrashSession session, KernelReader k)
    {
        ulong maxPfn = k.GlobalU64("max_pfn");
        var sections = MemSections.Load(session.Memory, maxPfn, TextWriter.Null)
            ?? throw new CommandException("kmem: cannot find the kernel's struct pages (mem_section)");
        int size = (int)sections.PageStructSize;
        int flagsOffset = (int)k.Offset("page", "flags");
        int countOffset = (int)k.Offset("page", "_refcount");
        int reserved = (int)(k.Types.EnumeratorValue("PG_reserved") ?? throw new CommandException("kmem: no PG_reserved in the kernel's types"));
        // From 6.10 a slab page is a page type, not a flag: SLAB then comes from the node's slab counters.
        int slabBit = (int)(k.Types.EnumeratorValue("PG_slab") ?? -1);
        const int Batch = 512;
        var buffer = new byte[Batch * size];
        ulong shared = 0, slab = 0;
        foreach (var range in sections.Ranges())
        {
            if (range.IsHole)
                continue;
            for (ulong i = 0; i < sections.PagesPerSection; i += Batch)
            {
                ulong n = Math.Min(Batch, sections.PagesPerSection - i);
                var span = buffer.AsSpan(0, (int)n * size);
                if (!session.Memory.TryReadVirtual(range.MemMap + i * (ulong)size, span))
                    continue;
                for (int p = 0; p < (int)n; p++)
                {
                    var page = span.Slice(p * size, size);
                    ulong flags = BinaryPrimitives.ReadUInt64LittleEndian(page[flagsOffset..]);
                    int count = BinaryPrimitives.ReadInt32LittleEndian(page[countOffset..]);
                    if (slabBit >= 0 && (flags >> slabBit & 1) != 0)
                        slab++;
                    if ((flags >> reserved & 1) == 0 && count > 1)
                        shared++;
                }
            }
        }
        if (slabBit < 0)
            slab = k.VmStat("vm_node_stat", "NR_SLAB_RECLAIMABLE_B") + k.VmStat("vm_node_stat", "NR_SLAB_UNRECLAIMABLE_B");
        return (shared, slab);
    }

    /// <summary>The page cache of every inode on the block-device pseudo filesystem.</summary>
    private static ulong BlockDevicePages(KernelReader k)
    {
        ulong sb = k.ReadU64(k.Global("blockdev_superblock"));
        ulong head = sb + k.Offset("super_block", "s_inodes");
        ulong link = k.Offset("inode", "i_sb_list");
        ulong mapping = k.Offset("inode", "i_mapping");
        ulong nrpages = k.Offset("address_space", "nrpages");
        ulong total = 0;
        ulong node = k.ReadU64(head);
        for (int n = 0; node != head && node != 0; n++)
        {
            if (n >= MaxListNodes)
                throw new CommandException("kmem: blockdev_superblock's inode list does not end");
            ulong inode = node - link;
            total += k.ReadU64(k.ReadU64(inode + mapping) + nrpages);
            node = k.ReadU64(node);
        }
        return total;
    }

    private static (ulong Total, ulong Free) HugePages(KernelReader k)
    {
        if (k.Symbols.AddressOf("hstates") is not ulong hstates || k.Types.FindType("hstate") is not int type)
            return (0, 0);
        ulong size = k.Types.SizeOf(type);
        ulong order = k.Offset("hstate", "order"), nr = k.Offset("hstate", "nr_huge_pages"), free = k.Offset("hstate", "free_huge_pages");
        int count = (int)Math.Min(k.GlobalU32("hugetlb_max_hstate"), 16);
        ulong total = 0, totalFree = 0;
        for (int i = 0; i < count; i++)
        {
            ulong h = hstates + (ulong)i * size;
            uint o = k.ReadU32(h + order);
            if (o == 0 || o > 30)
                continue;
            total += k.ReadU64(h + nr) << (int)o;
            totalFree += k.ReadU64(h + free) << (int)o;
        }
        return (total, totalFree);
    }

    private const ulong SwpUsed = 1;

    private static (ulong Total, ulong Used) Swap(KernelReader k)
    {
        ulong swapInfo = k.Global("swap_info");
        uint files = Math.Min(k.GlobalU32("nr_swapfiles"), 64);
        ulong total = 0, used = 0;
        for (uint i = 0; i < files; i++)
        {
            ulong si = k.ReadU64(swapInfo + i * 8);
            if (si == 0 || (k.ReadMember(si, "swap_info_struct", "flags") & SwpUsed) == 0)
                continue;
            total += k.ReadMember(si, "swap_info_struct", "pages");
            used += k.ReadMember(si, "swap_info_struct", "inuse_pages");
        }
        return (total, used);
    }
}
