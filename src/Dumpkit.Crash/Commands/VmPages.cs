// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Fs;
using Dumpkit.Kernel.Mm;
using Dumpkit.Kernel.X86_64;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>vm -p</c>, <c>-P</c> and <c>-R</c>: each page of a memory area as crash's vm_area_page_dump prints it, walking the
/// mm's own page tables as crash's x86_64 uvtop does (<see cref="PageTables.TryTranslateUser"/>): <c>VIRTUAL  PHYSICAL</c>,
/// else for a non-empty PTE its swap device and offset (<c>SWAP: DEV  OFFSET: N</c>, the L1TF-inverted swap entry of
/// 4.19+ kernels), else for a file mapping the file and offset (<c>FILE: PATH  OFFSET: X</c>), else <c>(not mapped)</c>.
/// </summary>
internal sealed class VmPages
{
    private const int UvaddrWidth = 10;
    private readonly CrashSession _session;
    private readonly PageTables? _tables;
    private readonly bool _initMm;
    private readonly int _paddrWidth;
    private readonly ulong _pgoff;

    public VmPages(CrashSession session, ulong mm)
    {
        _session = session;
        var r = new KernelReader(session, "vm");
        _initMm = session.Symbols.AddressOf("init_mm") == mm;
        _pgoff = r.Offset("vm_area_struct", "vm_pgoff");
        ulong pgd = r.ReadU64(mm + r.Offset("mm_struct", "pgd"));
        if (session.Memory.TryTranslate(pgd, out ulong root))
            _tables = new PageTables(session.Memory.Dump, root, session.Memory.FiveLevel, session.Memory.SmeMask);
        ulong top = session.Memory.Dump.RamRanges().Select(x => x.End).DefaultIfEmpty(0UL).Max() * 4096;
        _paddrWidth = Math.Max($"{top:x}".Length, "PHYSICAL".Length);
    }

    /// <summary>
    /// The pages of one area: all of them without a reference. With one, the first pass returns true at the first page
    /// that matches (noting it); the display pass prints the header and the matching pages from that one on.
    /// </summary>
    public bool Dump(VmArea a, VmReference? r)
    {
        if (_initMm)
            return false;
        var o = _session.Out;
        if (r is null || r.Display)
            o.WriteLine($"{"VIRTUAL",-UvaddrWidth}  {"PHYSICAL".PadRight(_paddrWidth)}");
        ulong start = r is { Display: true } ? r.Page : a.Start;
        for (; start < a.End; start += 4096)
        {
            bool display = r is null;
            if (r is not null && r.HexIs(start) && Match(r, start, ref display))
                return true;
            string line;
            ulong value = 0;
            if (_tables is not null && _tables.TryTranslateUser(start, out value))
            {
                line = $"{start,-UvaddrWidth:x}  {value.ToString("x", CultureInfo.InvariantCulture).PadLeft(_paddrWidth)}";
                if (r is not null && r.HexIs(value) && Match(r, start, ref display))
                    return true;
            }
            else if (_tables is not null && value != 0 && Swap(value) is { } swap)
            {
                line = $"{start,-UvaddrWidth:x}  SWAP: {swap.Device}  OFFSET: {swap.Offset}";
                if (r is not null && (r.DecIs(swap.Offset) || r.NamesFile(swap.Device)) && Match(r, start, ref display))
                    return true;
            }
            else if (a.Path.Length > 0)
            {
                ulong offset = (((start - a.Start) >> 12) + ReadPgoff(a)) << 12;
                line = $"{start,-UvaddrWidth:x}  FILE: {a.Path}  OFFSET: {offset:x}";
                if (r is not null && r.HexIs(offset) && Match(r, start, ref display))
                    return true;
            }
            else
                line = $"{start,-UvaddrWidth:x}  (not mapped)";
            if (display)
                o.WriteLine(line);
        }
        return false;
    }

    /// <summary>A match: shown in the display pass; in the search pass noted, and the search of this area ends (true).</summary>
    private static bool Match(VmReference r, ulong page, ref bool display)
    {
        if (r.Display)
        {
            display = true;
            return false;
        }
        r.PageMatched = true;
        r.Page = page;
        return true;
    }

    /// <summary>
    /// <c>vm -R</c> for one area, as crash's handle_each_vm_area: the area line when its address, flags or file match,
    /// then its matching pages; the task header and MM line (<paramref name="header"/>) before the first match.
    /// </summary>
    public void Search(VmArea a, VmReference r, Action header)
    {
        var o = _session.Out;
        if (r.HexIs(a.Vma) || r.HexIs(a.Flags) || r.NamesFile(a.Path))
        {
            if (!r.Header)
            {
                header();
                r.Header = true;
            }
            if (!r.VmaPrinted || r.PageMatched)
            {
                o.WriteLine(VmCommand.VmaHeader);
                r.VmaPrinted = true;
                r.PageMatched = false;
                r.Vma = a.Vma;
            }
            o.WriteLine(VmCommand.VmaLine(a));
        }
        if (!Dump(a, r))
            return;
        if (!r.Header)
        {
            header();
            r.Header = true;
        }
        if (!r.VmaPrinted || r.Vma != a.Vma)
        {
            o.WriteLine(VmCommand.VmaHeader);
            o.WriteLine(VmCommand.VmaLine(a));
            r.VmaPrinted = true;
            r.Vma = a.Vma;
        }
        r.Display = true;
        Dump(a, r);
        r.Display = false;
    }

    private ulong ReadPgoff(VmArea a) => new KernelReader(_session, "vm").ReadU64(a.Vma + _pgoff);

    /// <summary>
    /// crash's swap_location of a PTE: the type and offset of the kernel's swap entry (inverted offset bits since the
    /// L1TF fix, <c>l1tf_mitigation</c> in kallsyms), the device the path of <c>swap_info[type]-&gt;swap_file</c>, else
    /// crash's <c>(unknown swap location)</c>; null when the kernel has no swap tables.
    /// </summary>
    private (string Device, ulong Offset)? Swap(ulong pte)
    {
        var symbols = _session.Symbols;
        if (symbols.AddressOf("nr_swapfiles") is null || symbols.AddressOf("swap_info") is not ulong swapInfo)
            return null;
        bool l1tf = symbols.AddressOf("l1tf_mitigation") is not null;
        ulong type = l1tf ? pte >> 59 : (pte >> 9) & 0x1f;
        ulong offset = l1tf ? (~pte << 5) >> 14 : pte >> 14;
        return (Device(swapInfo, type), offset);
    }

    private string Device(ulong swapInfo, ulong type)
    {
        const string Unknown = "(unknown swap location)";
        var btf = _session.Types;
        uint length = 0;
        if (btf.Find("swap_info", BtfKind.Variable) is int v && btf.Strip(btf.Referenced(v)) is int t && btf.Kind(t) == BtfKind.Array)
            length = btf.Array(t).Count;
        var mem = _session.Memory;
        var r = new KernelReader(_session, "vm");
        if (type >= length || !mem.TryReadU64(swapInfo + type * 8, out ulong si) || si == 0)
            return Unknown;
        if (!mem.TryReadU64(si + r.Offset("swap_info_struct", "swap_file"), out ulong file) || file == 0)
            return Unknown;
        ulong path = r.Offset("file", "f_path");
        if (!mem.TryReadU64(file + path + r.Offset("path", "dentry"), out ulong dentry)
            || !mem.TryReadU64(file + path + r.Offset("path", "mnt"), out ulong mnt))
            return Unknown;
        return new PathNames(mem, btf).Path(dentry, mnt);
    }
}
