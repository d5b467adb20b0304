// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Modules;

namespace Dumpkit.Kernel.Orc;

/// <summary>
/// The ORC tables of loaded modules: x86-64 <c>struct module.arch</c> (<c>struct mod_arch_specific</c>) holds
/// <c>num_orcs</c>, <c>orc_unwind_ip</c> (s32 offsets, each relative to its own slot, sorted when the module
/// was loaded) and <c>orc_unwind</c>, laid out as vmlinux's. A module's table is read on its first lookup;
/// a module whose table cannot be read or is implausible has none (the unwind stops there, as before).
/// </summary>
public sealed class ModuleOrc
{
    /// <summary>More ORC entries than one module has (the largest, amdgpu, about 200,000).</summary>
    public const uint MaxEntriesPerModule = 2_000_000;

    private readonly KernelMemory _memory;
    private readonly ModuleList _modules;
    private readonly OrcLayout _layout;
    private readonly ulong _numOrcs, _ipTable, _entries;
    private readonly Dictionary<ulong, OrcTable?> _tables = [];

    private ModuleOrc(KernelMemory memory, ModuleList modules, OrcLayout layout, ulong numOrcs, ulong ipTable, ulong entries)
    {
        _memory = memory;
        _modules = modules;
        _layout = layout;
        (_numOrcs, _ipTable, _entries) = (numOrcs, ipTable, entries);
    }

    /// <summary>The modules' ORC, or null when BTF's <c>struct module</c> has no ORC members (no ORC unwinder, not x86-64).</summary>
    public static ModuleOrc? Create(KernelMemory memory, ModuleList modules, BtfTypes types, OrcLayout layout)
    {
        if (types.MemberPath("module.arch") is not { } arch || types.MemberPath("mod_arch_specific.num_orcs") is not { } num
            || types.MemberPath("mod_arch_specific.orc_unwind_ip") is not { } ip || types.MemberPath("mod_arch_specific.orc_unwind") is not { } orc)
            return null;
        ulong a = arch.ByteOffset;
        return new ModuleOrc(memory, modules, layout, a + num.ByteOffset, a + ip.ByteOffset, a + orc.ByteOffset);
    }

    /// <summary>The module whose text holds <paramref name="ip"/> (a function symbol of its kallsyms), or null.</summary>
    public KernelModule? TextModule(ulong ip) =>
        _modules.Resolve(ip) is ({ Type: 't' or 'T' or 'w' or 'W' }, _, { } m) ? m : null;

    /// <summary>The ORC entry covering <paramref name="ip"/> in its module's table; null outside modules or without a table.</summary>
    public (ulong Start, OrcEntry Entry)? Lookup(ulong ip) =>
        _modules.ModuleAt(ip) is { } m && Table(m) is { } t ? t.Lookup(ip) : null;

    /// <summary>The module's table, read once; null when it has none or it is unreadable.</summary>
    public OrcTable? Table(KernelModule module)
    {
        if (_tables.TryGetValue(module.Struct, out var cached))
            return cached;
        OrcTable? table = null;
        try { table = Read(module); }
        catch (KernelDataException) { }
        catch (KernelAddressException) { }
        catch (Formats.PageNotAvailableException) { }
        _tables[module.Struct] = table;
        return table;
    }

    private OrcTable? Read(KernelModule module)
    {
        if (!_memory.TryReadU32(module.Struct + _numOrcs, out uint n) || n == 0 || n > MaxEntriesPerModule)
            return null;
        ulong ipAt = _memory.ReadU64(module.Struct + _ipTable, "mod_arch_specific.orc_unwind_ip");
        ulong orcAt = _memory.ReadU64(module.Struct + _entries, "mod_arch_specific.orc_unwind");
        if (ipAt == 0 || orcAt == 0)
            return null;
        var ips = new byte[n * 4];
        var entries = new byte[n * OrcEntry.Size];
        _memory.ReadVirtual(ipAt, ips, "mod_arch_specific.orc_unwind_ip");
        _memory.ReadVirtual(orcAt, entries, "mod_arch_specific.orc_unwind");
        return OrcTable.Parse(ipAt, ips, entries, _layout);
    }
}
