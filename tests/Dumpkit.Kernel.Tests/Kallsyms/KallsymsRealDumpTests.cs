// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel;
using Dumpkit.Kernel.Kallsyms;

namespace Dumpkit.Kernel.Tests;

public class KallsymsRealDumpTests
{
    public static TheoryData<string, string, int> Dumps => new()
    {
        // Counts measured on the corpus dumps (../shared/reference/crash.md §2).
        { RealData.Kernel61, "vmcore.elf", 94_266 },
        { RealData.Kernel612, "vmcore.elf", 163_205 },
        { RealData.Kernel61, "mdf-c-d31", 94_266 },
    };

    [SkippableTheory]
    [MemberData(nameof(Dumps))]
    public void EveryVmcoreinfoSymbolAgreesWithKallsyms(string kernel, string file, int count)
    {
        var mem = RealData.OpenMemory(RealData.Kernel(kernel, file));
        using var _ = mem.Dump;
        var table = KallsymsTable.Load(mem);
        Assert.Equal(count, table.Count);
        Assert.Equal(KallsymsAddressEncoding.AbsolutePercpu, table.Encoding);
        int compared = 0;
        foreach (var (key, value) in mem.Info.Entries)
        {
            if (!key.StartsWith("SYMBOL(", StringComparison.Ordinal) || key is "SYMBOL(mem_section)" or "SYMBOL(vmemmap)"
                or "SYMBOL(node_online_map)" or "SYMBOL(swapper_pg_dir)" || key.StartsWith("SYMBOL(kallsyms_", StringComparison.Ordinal))
                continue; // values, macros and the kallsyms tables themselves (not listed in kallsyms): checked below
            string name = key[7..^1];
            ulong expected = Convert.ToUInt64(value, 16);
            Assert.True(table.AddressOf(name) == expected,
                $"{name}: VMCOREINFO 0x{expected:x}, kallsyms {(table.AddressOf(name) is ulong a ? $"0x{a:x}" : "none")}");
            compared++;
        }
        Assert.True(compared >= 6, $"only {compared} SYMBOL() keys");
        // node_online_map is a macro for node_states[N_ONLINE] (N_ONLINE = 1, an array of nodemask_t).
        var online = table.Resolve(mem.Info.Symbol("node_online_map")!.Value);
        Assert.Equal(("node_states", (ulong)mem.Info.Size("nodemask_t")!.Value), Resolved(online));
        // x86_64 defines swapper_pg_dir as init_top_pgt.
        Assert.Equal(table.AddressOf("init_top_pgt"), mem.Info.Symbol("swapper_pg_dir"));
        // mem_section and vmemmap (6.12: VMEMMAP_START = vmemmap_base) are values the variables hold.
        Assert.Equal(mem.Info.Symbol("mem_section"), mem.ReadU64(table.AddressOf("mem_section")!.Value));
        if (mem.Info.Symbol("vmemmap") is ulong vmemmap)
            Assert.Equal(vmemmap, mem.ReadU64(table.AddressOf("vmemmap_base")!.Value));
        // The tables lie between the symbols around them, in the kernel's read-only data.
        foreach (var t in new[] { "kallsyms_names", "kallsyms_offsets", "kallsyms_num_syms", "kallsyms_token_table", "kallsyms_token_index" })
        {
            var r = table.Resolve(mem.Info.Symbol(t)!.Value);
            Assert.True(r is not null && r.Value.Symbol.Type is 'R' or 'r' or 'D' or 'd', $"{t}: {r?.Symbol}");
        }
    }

    [SkippableTheory]
    [InlineData(RealData.Kernel61)]
    [InlineData(RealData.Kernel612)]
    public void AddressesResolveBackToTheirSymbols(string kernel)
    {
        var mem = RealData.OpenMemory(RealData.Kernel(kernel, "vmcore.elf"));
        using var _ = mem.Dump;
        var table = KallsymsTable.Load(mem);
        var panic = table.Lookup("panic")!.Value;
        Assert.Equal('T', panic.Type);
        Assert.Equal(("panic", 0x10UL), Resolved(table.Resolve(panic.Address + 0x10)));
        // Past the kernel image and in the direct map: no symbol.
        Assert.Null(table.Resolve(0xffff_8880_0000_1000UL));
        Assert.Null(table.Resolve(0xffff_ffff_ffff_f000UL));
        // Every symbol resolves to a symbol at its own address.
        foreach (var s in table.ByAddress())
        {
            var r = table.Resolve(s.Address);
            Assert.True(r is { Offset: 0 } && r.Value.Symbol.Address == s.Address, s.Name);
        }
    }

    [SkippableTheory]
    [InlineData(RealData.Kernel61)]
    [InlineData(RealData.Kernel612)]
    // Per-CPU symbols are offsets in the per-CPU area; each CPU's copy of this_cpu_off holds that CPU's offset.
    public void PerCpuSymbolsAddThePerCpuOffset(string kernel)
    {
        var mem = RealData.OpenMemory(RealData.Kernel(kernel, "vmcore.elf"));
        using var _ = mem.Dump;
        var table = KallsymsTable.Load(mem);
        var rq = table.Lookup("runqueues")!.Value;
        Assert.True(rq.IsPerCpu);
        Assert.True(rq.Address < 0x100000, $"runqueues at 0x{rq.Address:x}");
        var thisCpuOff = table.Lookup("this_cpu_off")!.Value;
        for (int cpu = 0; cpu < 2; cpu++)
        {
            ulong offset = table.PerCpuOffset(cpu)!.Value;
            Assert.NotEqual(0UL, offset);
            ulong at = table.PerCpuAddress(thisCpuOff, cpu)!.Value;
            Assert.Equal(offset, mem.ReadU64(at));
        }
        Assert.False(table.Lookup("panic")!.Value.IsPerCpu);
    }

    [SkippableTheory]
    [InlineData(RealData.Kernel61)]
    [InlineData(RealData.Kernel612)]
    // The name index (hashes composed from the tokens) and the address order (the table's own) against a
    // dictionary of every decoded name and a stable sort of the addresses.
    public void EveryNameAndAddressIsFoundAsAFullScanFindsIt(string kernel)
    {
        var mem = RealData.OpenMemory(RealData.Kernel(kernel, "vmcore.elf"));
        using var _ = mem.Dump;
        var table = KallsymsTable.Load(mem);
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        var all = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < table.Count; i++)
        {
            var name = table[i].Name;
            first.TryAdd(name, i);
            if (!all.TryGetValue(name, out var list))
                all[name] = list = [];
            list.Add(i);
        }
        Assert.True(all.Values.Count(l => l.Count > 1) > 100, "a kernel has many static functions that share a name");
        foreach (var (name, at) in first)
        {
            Assert.Equal(table[at], table.Lookup(name));
            Assert.Equal(all[name].Select(i => table[i]), table.LookupAll(name));
        }
        Assert.Null(table.Lookup("no_such_symbol_in_any_kernel"));
        Assert.Empty(table.LookupAll("no_such_symbol_in_any_kernel"));
        var sorted = Enumerable.Range(0, table.Count).OrderBy(i => table[i].Address).Select(i => table[i]);
        Assert.Equal(sorted, table.ByAddress());
    }

    private static (string, ulong) Resolved((KernelSymbol Symbol, ulong Offset)? r) =>
        r is { } x ? (x.Symbol.Name, x.Offset) : ("", ulong.MaxValue);
}
