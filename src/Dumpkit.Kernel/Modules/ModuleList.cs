// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Text;
using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;

namespace Dumpkit.Kernel.Modules;

/// <summary>
/// The kernel's modules, from the <c>modules</c> list head through <c>struct module.list</c>, with
/// their kallsyms (<c>module-&gt;kallsyms</c>: symtab, num_symtab, strtab and, from 5.2, typetab).
/// Memory: 6.1 <c>core_layout.{base,size}</c>; 6.4+ <c>mem[MOD_TEXT..MOD_RO_AFTER_INIT]</c>.
/// Every walk is bounded.
/// </summary>
public sealed class ModuleList
{
    public const int MaxModules = 65536;
    public const uint MaxSymbols = 1 << 20;
    private const int ElfSymSize = 24;
    private const int CoreMemTypes = 4; // MOD_TEXT, MOD_DATA, MOD_RODATA, MOD_RO_AFTER_INIT

    private readonly List<KernelModule> _byBase;
    private readonly List<(ModuleRegion Region, KernelModule Module)> _regions;

    public IReadOnlyList<KernelModule> Modules => _byBase;

    private ModuleList(List<KernelModule> modules)
    {
        _byBase = modules.OrderBy(m => m.Base).ToList();
        _regions = modules.SelectMany(m => m.Regions.Where(r => r.Size > 0).Select(r => (r, m))).OrderBy(x => x.r.Base).ToList();
    }

    /// <summary>The modules, in list order as read; none when the kernel has no <c>modules</c> symbol.</summary>
    public static ModuleList Read(KernelMemory memory, KallsymsTable symbols, BtfTypes types)
    {
        if (symbols.AddressOf("modules") is not ulong head)
            return new ModuleList([]);
        ulong Offset(string path) => types.MemberPath(path)?.ByteOffset ?? throw new KernelDataException($"BTF lacks {path}");
        ulong list = Offset("module.list"), name = Offset("module.name"), kallsyms = Offset("module.kallsyms");
        int nameLength = types.MemberPath("module.name") is { } n && types.Kind(types.Strip(n.Type)) == BtfKind.Array
            ? (int)Math.Min(types.Array(types.Strip(n.Type)).Count, 1024) : 56;
        ulong symtab = Offset("mod_kallsyms.symtab"), numSymtab = Offset("mod_kallsyms.num_symtab"), strtab = Offset("mod_kallsyms.strtab");
        ulong? typetab = types.MemberPath("mod_kallsyms.typetab")?.ByteOffset;

        // 6.4+: struct module_memory mem[MOD_MEM_NUM_TYPES]; before: struct module_layout core_layout.
        Func<ulong, List<ModuleRegion>> regions;
        if (types.MemberPath("module.mem") is { } mem)
        {
            ulong memSize = types.SizeOf(types.Array(types.Strip(mem.Type)).ElementType);
            ulong mBase = Offset("module_memory.base"), mSize = Offset("module_memory.size");
            regions = m => Enumerable.Range(0, CoreMemTypes).Select(t => m + mem.ByteOffset + (ulong)t * memSize)
                .Select(at => new ModuleRegion(memory.ReadU64(at + mBase, "module_memory.base"), U32(memory, at + mSize))).ToList();
        }
        else
        {
            ulong core = Offset("module.core_layout"), lBase = Offset("module_layout.base"), lSize = Offset("module_layout.size");
            regions = m => [new ModuleRegion(memory.ReadU64(m + core + lBase, "module_layout.base"), U32(memory, m + core + lSize))];
        }

        var modules = new List<KernelModule>();
        var nameBytes = new byte[nameLength];
        for (ulong node = memory.ReadU64(head, "modules"); node != head; node = memory.ReadU64(node, "module.list"))
        {
            if (modules.Count >= MaxModules)
                throw new KernelDataException($"the modules list holds more than {MaxModules} entries (a cycle?)");
            ulong m = node - list;
            memory.ReadVirtual(m + name, nameBytes, "module.name");
            int nul = Array.IndexOf(nameBytes, (byte)0);
            var modName = Encoding.Latin1.GetString(nameBytes, 0, nul < 0 ? nameBytes.Length : nul);
            var r = regions(m);
            ulong size = r.Aggregate(0UL, (s, x) => s + x.Size);
            var syms = new List<ModuleSymbol>();
            ulong ks = memory.ReadU64(m + kallsyms, "module.kallsyms");
            if (ks != 0)
                ReadSymbols(memory, ks + symtab, ks + numSymtab, ks + strtab, typetab is ulong tt ? ks + tt : null, syms);
            syms.Sort((a, b) => a.Address.CompareTo(b.Address));
            modules.Add(new KernelModule(m, modName, r[0].Base, size, r, syms));
        }
        return new ModuleList(modules);
    }

    private static void ReadSymbols(KernelMemory memory, ulong symtabAt, ulong countAt, ulong strtabAt, ulong? typetabAt, List<ModuleSymbol> into)
    {
        ulong symtab = memory.ReadU64(symtabAt, "mod_kallsyms.symtab");
        uint count = U32(memory, countAt);
        ulong strtab = memory.ReadU64(strtabAt, "mod_kallsyms.strtab");
        ulong typetab = typetabAt is ulong t ? memory.ReadU64(t, "mod_kallsyms.typetab") : 0;
        if (count > MaxSymbols)
            throw new KernelDataException($"a module claims {count} symbols (corrupt?)");
        if (count == 0 || symtab == 0 || strtab == 0)
            return;
        var table = new byte[count * ElfSymSize];
        memory.ReadVirtual(symtab, table, "mod_kallsyms.symtab");
        var types = new byte[count];
        if (typetab != 0)
            memory.ReadVirtual(typetab, types, "mod_kallsyms.typetab");
        var names = new StringReaderAt(memory, strtab);
        for (int i = 1; i < count; i++) // entry 0 is the ELF null symbol
        {
            var e = table.AsSpan(i * ElfSymSize, ElfSymSize);
            uint nameOff = BinaryPrimitives.ReadUInt32LittleEndian(e);
            byte info = e[4];
            ushort shndx = BinaryPrimitives.ReadUInt16LittleEndian(e[6..]);
            ulong value = BinaryPrimitives.ReadUInt64LittleEndian(e[8..]);
            ulong size = BinaryPrimitives.ReadUInt64LittleEndian(e[16..]);
            if (shndx == 0 || value == 0) // undefined
                continue;
            var symName = names.At(nameOff);
            if (symName.Length == 0)
                continue;
            char type = typetab != 0 ? (char)types[i] : ElfType(info);
            into.Add(new ModuleSymbol(symName, type, value, size, info));
        }
    }

    // Without a typetab (before 5.2): global functions 'T', local 't', the rest data.
    private static char ElfType(byte info) => (info & 0xf) == 2 ? ((info >> 4) == 0 ? 't' : 'T') : ((info >> 4) == 0 ? 'd' : 'D');

    /// <summary>The module holding an address in one of its core regions, or null.</summary>
    public KernelModule? ModuleAt(ulong address)
    {
        int lo = 0, hi = _regions.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_regions[mid].Region.Base <= address) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        if (found < 0)
            return null;
        var (region, module) = _regions[found];
        return address - region.Base < region.Size ? module : null;
    }

    /// <summary>The module symbol at or below an address inside a module (crash's <c>name+offset [module]</c>), or null.</summary>
    public (ModuleSymbol Symbol, ulong Offset, KernelModule Module)? Resolve(ulong address)
    {
        if (ModuleAt(address) is not { } m)
            return null;
        var syms = m.Symbols;
        int lo = 0, hi = syms.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (syms[mid].Address <= address) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        if (found < 0)
            return null;
        ulong at = syms[found].Address;
        while (found > 0 && syms[found - 1].Address == at)
            found--;
        return (syms[found], address - at, m);
    }

    /// <summary>Every module symbol of that name.</summary>
    public IEnumerable<(ModuleSymbol Symbol, KernelModule Module)> Lookup(string name) =>
        _byBase.SelectMany(m => m.Symbols.Where(s => s.Name == name).Select(s => (s, m)));

    private static uint U32(KernelMemory memory, ulong at) =>
        memory.TryReadU32(at, out uint v) ? v : throw new KernelAddressException(at, "struct module");

    /// <summary>NUL-terminated strings of a string table, read a page at a time and cached.</summary>
    private sealed class StringReaderAt(KernelMemory memory, ulong table)
    {
        private readonly Dictionary<ulong, byte[]?> _pages = [];

        public string At(uint offset)
        {
            var sb = new StringBuilder();
            for (ulong a = table + offset; sb.Length < 512; a++)
            {
                ulong page = a & ~0xfffUL;
                if (!_pages.TryGetValue(page, out var bytes))
                {
                    bytes = new byte[4096];
                    if (!memory.TryReadVirtual(page, bytes))
                        bytes = null;
                    _pages[page] = bytes;
                }
                if (bytes is null)
                    break;
                byte c = bytes[a & 0xfff];
                if (c == 0)
                    break;
                sb.Append((char)c);
            }
            return sb.ToString();
        }
    }
}
