// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kernel.Mm;

/// <summary>
/// Physically contiguous frames of the vmemmap (the struct page array) and the frames whose page structs they hold:
/// the struct pages of [<see cref="FirstPfn"/>, …) start at frame <see cref="VmemmapPfn"/>; <see cref="LastPfn"/> is the
/// last frame a range may reach to use this group (makedumpfile's rep_pfn_end; see <see cref="VmemmapLayout"/>).
/// </summary>
public readonly record struct VmemmapGroup(ulong VmemmapPfn, ulong FirstPfn, ulong LastPfn);

/// <summary>
/// Where the vmemmap's struct pages lie in physical memory, as makedumpfile's <c>-e</c> finds it on x86_64: the
/// vmemmap from the first section's mem_map on, read 2 MiB (one huge PMD mapping) at a time through the page tables,
/// for the frames below the highest physical address; consecutive mappings that are physically contiguous form one
/// group. A group ended by a hole or a physical discontinuity may be used up to the first frame after it; the last
/// group only up to the first frame of its last 2 MiB of struct pages (the bounds makedumpfile 1.7 uses, so that the
/// same vmemmap pages are dropped). A vmemmap not mapped by 2 MiB pages (memory hotplug's small sections) is refused.
/// </summary>
public sealed class VmemmapLayout
{
    private const int HugeShift = 21;

    private VmemmapLayout(List<VmemmapGroup> groups, int pageStructSize, int pageSize)
    {
        Groups = groups;
        PageStructSize = pageStructSize;
        PageSize = pageSize;
    }

    public IReadOnlyList<VmemmapGroup> Groups { get; }
    public int PageStructSize { get; }
    public int PageSize { get; }

    /// <summary>
    /// The layout, or null with the reason (<paramref name="problem"/>): "vmemmap pmd not huge" when a 2 MiB step of
    /// the vmemmap is mapped by 4 KiB pages, or a kernel without page tables or a vmemmap. The vmemmap is read up to
    /// <paramref name="highPfn"/>, the frame of the highest physical address the dump holds (its PT_LOADs' end, rounded down).
    /// </summary>
    public static VmemmapLayout? Load(KernelMemory mem, MemSections sections, ulong highPfn, out string? problem)
    {
        problem = null;
        int size = (int)sections.PageStructSize;
        int pageSize = mem.Dump.PageSize;
        if (mem.PageTables is not { } tables || size <= 0)
        {
            problem = "init_level4_pgt/init_top_pgt not found";
            return null;
        }
        // makedumpfile starts at the first section's mem_map (the vmemmap's base under KASLR)
        ulong start;
        if (sections.TryGetPage(0, out ulong first))
            start = first;
        else if (sections.VmemmapBase is ulong vmemmap)
            start = vmemmap;
        else
        {
            problem = "no vmemmap";
            return null;
        }
        const ulong Huge = 1UL << HugeShift;
        var groups = new List<VmemmapGroup>();
        bool open = false;
        ulong groupStart = 0, groupPhys = 0, lastPhys = 0, k = 0;
        for (; k * Huge / (ulong)size < highPfn; k++)
        {
            if (!tables.TryWalk(start + k * Huge, out ulong phys, out int shift))
            {
                if (open)
                    groups.Add(new VmemmapGroup(groupPhys >> 12, groupStart * Huge / (ulong)size, k * Huge / (ulong)size));
                open = false;
                continue;
            }
            if (shift != HugeShift)
            {
                problem = "vmemmap pmd not huge";
                return null;
            }
            if (open && phys == lastPhys + Huge)
            {
                lastPhys = phys;
                continue;
            }
            if (open)
                groups.Add(new VmemmapGroup(groupPhys >> 12, groupStart * Huge / (ulong)size, k * Huge / (ulong)size));
            (open, groupStart, groupPhys, lastPhys) = (true, k, phys, phys);
        }
        if (open && k > 0)
            groups.Add(new VmemmapGroup(groupPhys >> 12, groupStart * Huge / (ulong)size, (k - 1) * Huge / (ulong)size));
        return new VmemmapLayout(groups, size, pageSize);
    }

    /// <summary>
    /// The vmemmap frames that hold only struct pages of [<paramref name="firstPfn"/>, <paramref name="lastPfn"/>]
    /// (inclusive), when one group covers the range: whole frames only, partly shared ones are kept.
    /// </summary>
    public bool TryFind(ulong firstPfn, ulong lastPfn, out ulong vmemmapPfn, out ulong count)
    {
        (vmemmapPfn, count) = (0, 0);
        foreach (var g in Groups)
        {
            if (firstPfn < g.FirstPfn || lastPfn > g.LastPfn)
                continue;
            ulong size = (ulong)PageStructSize, page = (ulong)PageSize;
            ulong from = ((firstPfn - g.FirstPfn) * size + page - 1) / page;
            ulong to = (lastPfn + 1 - g.FirstPfn) * size / page;
            if (to <= from)
                return false;
            (vmemmapPfn, count) = (g.VmemmapPfn + from, to - from);
            return true;
        }
        return false;
    }
}
