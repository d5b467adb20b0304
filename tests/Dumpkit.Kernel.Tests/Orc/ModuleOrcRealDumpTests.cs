// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;
using Dumpkit.Kernel.Modules;
using Dumpkit.Kernel.Orc;
using Xunit.Abstractions;

namespace Dumpkit.Kernel.Tests;

/// <summary>
/// The modules' own ORC tables (<c>struct module.arch</c>) on the real dumps, checked against what objtool
/// guarantees: at a function's first instruction the return address is at the stack pointer, so the entry
/// covering a module function's address says CALL with the frame at sp + 8; and every ip of a module's table
/// lies inside that module.
/// </summary>
public class ModuleOrcRealDumpTests(ITestOutputHelper output)
{
    [SkippableTheory]
    [InlineData(RealData.CrashKernel61, true)]
    [InlineData(RealData.CrashKernel612, true)]
    [InlineData(RealData.Kernel61, false)]
    [InlineData(RealData.Kernel612, false)]
    public void EveryModuleFunctionStartsWithACallFrame(string kernel, bool crashDump)
    {
        var mem = RealData.OpenMemory(crashDump ? RealData.CrashDump(kernel, "vmcore.elf") : RealData.Kernel(kernel, "vmcore.elf"));
        using var _ = mem.Dump;
        var symbols = KallsymsTable.Load(mem);
        var types = BtfTypes.Load(mem.TryReadVirtual, symbols);
        var vmlinux = OrcTable.Load(mem.TryReadVirtual, symbols, types, mem.Info.OsRelease);
        var modules = ModuleList.Read(mem, symbols, types);
        var orc = ModuleOrc.Create(mem, modules, types, vmlinux.Layout);
        Assert.NotNull(orc);
        Assert.NotEmpty(modules.Modules);
        int functions = 0, callFrames = 0, withTable = 0;
        var odd = new List<string>();
        foreach (var m in modules.Modules)
        {
            var table = orc.Table(m);
            Assert.True(table is not null, $"{m.Name}: no ORC table");
            withTable++;
            // a .cold part is no entry: the hot part jumps into it with its frame set up
            foreach (var f in m.Symbols.Where(s => s.Type is 't' or 'T' && s.Size > 0 && !s.Name.Contains(".cold", StringComparison.Ordinal)))
            {
                functions++;
                Assert.Same(m, orc.TextModule(f.Address));
                var (start, e) = orc.Lookup(f.Address) ?? throw new InvalidOperationException($"{m.Name} {f.Name}: no entry");
                Assert.True(m.Contains(start), $"{m.Name} {f.Name}: entry at {start:x} outside the module");
                if (e is { Type: OrcType.Call, SpRegister: OrcRegister.Sp, SpOffset: 8 })
                    callFrames++;
                else
                    odd.Add($"{m.Name} {f.Name}: {e.Type} {e.SpRegister}{e.SpOffset:+#;-#;+0}");
            }
        }
        output.WriteLine($"{kernel}: {modules.Modules.Count} modules, {withTable} with ORC, {functions} functions, {callFrames} start with a call frame");
        foreach (var o in odd)
            output.WriteLine(o);
        Assert.True(functions > 0);
        Assert.Empty(odd);
    }
}
