// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats;
using Dumpkit.Kernel;
using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;
using Dumpkit.Kernel.Modules;

namespace Dumpkit.Makedumpfile.Filtering;

/// <summary>
/// <c>--config FILTERCONFIG</c>: the input with the config's erase commands applied, symbols and types from the dump: vmlinux's
/// kallsyms and BTF, and for a <c>[module]</c> section the module's kallsyms (its <c>struct module</c>) and split BTF.
/// </summary>
internal static class FilterConfigInput
{
    /// <summary>The erasing reader over <paramref name="input"/>, or null when the run must stop (the message written).</summary>
    public static DumpReader? Open(string configPath, DumpReader input, Vmcoreinfo? info, Messages msg)
    {
        if (FilterConfig.Load(configPath, msg) is not string text)
            return null;
        var errors = new List<(int Line, string Message)>();
        KernelMemory? memory = null;
        KallsymsTable? symbols = null;
        BtfTypes? btf = null;
        ModuleList? modules = null;
        string? failure = null;
        bool Kernel()
        {
            if (memory is not null)
                return true;
            if (info is null)
            {
                failure = $"--config: {input.Path} has no VMCOREINFO: the kernel's symbols cannot be found.";
                return false;
            }
            try
            {
                var m = new KernelMemory(input, info);
                symbols = KallsymsTable.Load(m);
                memory = m;
                return true;
            }
            catch (KernelDataException e)
            {
                failure = $"--config: the kernel's symbols cannot be read: {e.Message}.";
                return false;
            }
        }
        BtfTypes Types() => btf ??= BtfTypes.Load(memory!.TryReadVirtual, symbols!);
        ModuleList Modules() => modules ??= ModuleList.Read(memory!, symbols!, Types());
        // A module section is read only when its module is loaded (makedumpfile passes over the others without a word); when
        // the kernel cannot be read every section is, and the run stops below.
        bool IsLoaded(string name)
        {
            if (!Kernel())
                return true;
            try
            {
                return Modules().Modules.Any(m => m.Name == name);
            }
            catch (KernelDataException e)
            {
                failure ??= $"--config: the kernel's modules cannot be read: {e.Message}.";
                return true;
            }
        }
        var commands = FilterConfig.Parse(text, errors, IsLoaded);
        if (commands.Count == 0)
        {
            Report(errors, msg);
            return input;
        }
        if (!Kernel() || failure is not null)
        {
            msg.Fail(failure!);
            return null;
        }
        var kernel = memory!;
        var moduleTypes = new Dictionary<string, BtfTypes>();
        BtfTypes TypesOf(string? module)
        {
            if (module is null)
                return Types();
            if (!moduleTypes.TryGetValue(module, out var t))
            {
                var m = Modules().Modules.First(x => x.Name == module);
                moduleTypes[module] = t = ModuleBtf.Load(kernel, symbols!, Types(), m) ?? Types();
            }
            return t;
        }
        ulong? ModuleSymbol(string module, string name)
        {
            foreach (var m in Modules().Modules)
                if (m.Name == module)
                    foreach (var s in m.Symbols)
                        if (s.Name == name)
                            return s.Address;
            return null;
        }
        List<PhysicalErase> erases;
        var resolver = new EraseResolver(kernel, symbols!, TypesOf, ModuleSymbol, (line, text) => errors.Add((line, text)), msg);
        try
        {
            erases = resolver.Resolve(commands);
        }
        catch (KernelDataException e)
        {
            msg.Fail($"--config: the kernel's types cannot be read: {e.Message}.");
            return null;
        }
        Report(errors, msg);
        return new ErasingDumpReader(input, erases, resolver.Log, resolver.PlannedEraseinfoSize());
    }

    /// <summary>makedumpfile's "Config error at LINE: ..." lines, in the file's order.</summary>
    private static void Report(List<(int Line, string Message)> errors, Messages msg)
    {
        foreach (var (line, text) in errors.OrderBy(e => e.Line))
            msg.Fail($"Config error at {line}: {text}");
    }
}
