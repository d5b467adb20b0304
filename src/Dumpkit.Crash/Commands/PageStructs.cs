// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text;
using Dumpkit.Kernel.Btf;

namespace Dumpkit.Crash.Commands;

/// <summary>The <c>struct page</c> of a frame as crash's <c>vtop</c> and <c>kmem -p</c> print it, from BTF and <c>vmemmap_base</c>.</summary>
internal sealed class PageStructs
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<CrashSession, PageStructs> Cache = [];
    private readonly CrashSession _session;
    private readonly ulong _vmemmap, _size, _flags, _mapping, _index, _refcount, _maxPfn;
    private readonly string?[] _names;

    private PageStructs(CrashSession session)
    {
        _session = session;
        var r = new KernelReader(session, "vtop");
        _vmemmap = r.GlobalU64("vmemmap_base");
        var btf = session.Types;
        int page = btf.Find("page", BtfKind.Struct) ?? throw new CommandException("vtop: BTF has no struct page");
        _size = btf.SizeOf(page);
        _flags = r.Offset("page", "flags");
        _mapping = r.Offset("page", "mapping");
        _index = r.Offset("page", "index");
        _refcount = r.Offset("page", "_refcount");
        _maxPfn = session.Memory.Dump.RamRanges().Select(x => x.End).DefaultIfEmpty(0UL).Max();
        long count = btf.EnumeratorValue("__NR_PAGEFLAGS") ?? 0;
        _names = new string?[Math.Clamp(count, 0, 64)];
        if (btf.Find("pageflags", BtfKind.Enum) is int e)
            foreach (var v in btf.EnumValues(e))
                if (v.Value >= 0 && v.Value < _names.Length && v.Name.StartsWith("PG_", StringComparison.Ordinal))
                    _names[v.Value] ??= v.Name[3..];
    }

    public static PageStructs Of(CrashSession session) => Cache.GetValue(session, s => new PageStructs(s));

    /// <summary>The line of a <c>struct page</c> address (crash's is_page_ptr: inside the vmemmap array, on a page boundary); else null.</summary>
    public string? LineOfPage(ulong page)
    {
        if (page < _vmemmap || (page - _vmemmap) % _size != 0)
            return null;
        return Line((page - _vmemmap) / _size << 12);
    }

    /// <summary><c>PAGE PHYSICAL MAPPING INDEX CNT FLAGS</c> of the frame holding <paramref name="paddr"/>; null beyond memory or unreadable.</summary>
    public string? Line(ulong paddr)
    {
        ulong pfn = paddr >> 12;
        if (pfn >= _maxPfn)
            return null;
        ulong page = _vmemmap + pfn * _size;
        var mem = _session.Memory;
        if (!mem.TryReadU64(page + _flags, out ulong flags) || !mem.TryReadU64(page + _mapping, out ulong mapping)
            || !mem.TryReadU64(page + _index, out ulong index) || !mem.TryReadU32(page + _refcount, out uint count))
            return null;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{page:x16} {pfn << 12,8:x} ");
        sb.Append(CultureInfo.InvariantCulture, $"{mapping,16:x} {index,8:x} {(int)count,2} {flags:x}");
        var names = Enumerable.Range(0, _names.Length).Where(b => (flags >> b & 1) != 0 && _names[b] is not null).Select(b => _names[b]!).ToList();
        if (names.Count > 0)
            sb.Append(' ').Append(string.Join(',', names));
        return sb.ToString();
    }
}
