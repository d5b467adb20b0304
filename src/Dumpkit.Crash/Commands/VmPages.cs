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
    private readonly KernelReader _reader;
    // The end of user space (5-level paging's when enabled): a corrupt vm_end beyond it must not make the walk endless.
    private readonly ulong _userEnd;
    // Swap tables (null without swap) and each swap type's device, looked up once.
    private readonly ulong? _swapInfo;
    private readonly bool _l1tf;
    private readonly Dictionary<ulong, string> _swapDevices = [];

    public VmPages(CrashSession session, ulong mm)
    {
        _session = session;
        var r = _reader = new KernelReader(session, "vm");
        _initMm = session.Symbols.AddressOf("init_mm") == mm;
        _pgoff = r.Offset("vm_area_struct", "vm_pgoff");
        _userEnd = session.Memory.FiveLevel ? 0x0100_0000_0000_0000UL : 0x0000_8000_0000_0000UL;
        if (session.Symbols.AddressOf("nr_swapfiles") is not null)
            _swapInfo = session.Symbols.AddressOf("swap_info");
        _l1tf = session.Symbols.AddressOf("l1tf_mitigation") is not null;
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
        ulong end = Math.Min(a.End, _userEnd);
        ulong pgoff = a.Path.Length > 0 ? _reader.ReadU64(a.Vma + _pgoff) : 0;
        for (; start < end; start += 4096)
        {
            bool display = r is null;
            if (r is not null && r.HexIs(start) && Match(r, start, ref display))
                return true;
            ulong value = 0;
            if (_tables is not null && _tables.TryTranslateUser(start, out value))
            {
                if (r is not null && r.HexIs(value) && Match(r, start, ref display))
                    return true;
                if (display)
                    o.WriteLine($"{start,-UvaddrWidth:x}  {value.ToString("x", CultureInfo.InvariantCulture).PadLeft(_paddrWidth)}");
            }
            else if (_tables is not null && value != 0 && Swap(value) is { } swap)
            {
                if (r is not null && (r.DecIs(swap.Offset) || r.NamesFile(swap.Device)) && Match(r, start, ref display))
                    return true;
                if (display)
                    o.WriteLine($"{start,-UvaddrWidth:x}  SWAP: {swap.Device}  OFFSET: {swap.Offset}");
            }
            else if (a.Path.Length > 0)
            {
                ulong offset = (((start - a.Start) >> 12) + pgoff) << 12;
                if (r is not null && r.HexIs(offset) && Match(r, start, ref display))
                    return true;
                if (display)
                    o.WriteLine($"{start,-UvaddrWidth:x}  FILE: {a.Path}  OFFSET: {offset:x}");
            }
            else if (display)
                o.WriteLine($"{start,-UvaddrWidth:x}  (not mapped)");
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

    /// <summary>
    /// crash's swap_location of a PTE: the type and offset of the kernel's swap entry (inverted offset bits since the
    /// L1TF fix, <c>l1tf_mitigation</c> in kallsyms), the device the path of <c>swap_info[type]-&gt;swap_file</c>, else
    /// crash's <c>(unknown swap location)</c>; null when the kernel has no swap tables.
    /// </summary>
    private (string Device, ulong Offset)? Swap(ulong pte)
    {
        if (_swapInfo is not ulong swapInfo)
            return null;
        ulong type = _l1tf ? pte >> 59 : (pte >> 9) & 0x1f;
        ulong offset = _l1tf ? (~pte << 5) >> 14 : pte >> 14;
        if (!_swapDevices.TryGetValue(type, out var device))
            _swapDevices[type] = device = Device(swapInfo, type);
        return (device, offset);
    }

    private string Device(ulong swapInfo, ulong type)
    {
        const string Unknown = "(unknown swap location)";
        var btf = _session.Types;
        uint length = 0;
        if (btf.Find("swap_info", BtfKind.Variable) is int v && btf.Strip(btf.Referenced(v)) is int t && btf.Kind(t) == BtfKind.Array)
            length = btf.Array(t).Count;
        var mem = _session.Memory;
        var r = _reader;
        if (type >= length || !mem.TryReadU64(swapInfo + type * 8, out ulong si) || si == 0)
            return Unknown;
        if (!mem.TryReadU64(si + r.Offset("swap_info_struct", "swap_file"), out ulong file) || file == 0)
            return Unknown;
        ulong path = r.Offset("file", "f_path");
        if (!mem.TryReadU64(file + path + r.Offset("path", "dentry"), out ulong dentry)
            || !mem.TryReadU64(file + path + r.Offset("path", "mnt"), out ulong mnt))
            return Unknown;
        return TaskViews.Of(_session).Paths.Path(dentry, mnt);
    }
}
