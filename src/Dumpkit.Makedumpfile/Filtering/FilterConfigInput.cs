// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats;
using Dumpkit.Kernel;
using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;

namespace Dumpkit.Makedumpfile.Filtering;

/// <summary><c>--config FILTERCONFIG</c>: the input with the config's erase commands applied, symbols and types from the dump.</summary>
internal static class FilterConfigInput
{
    /// <summary>The erasing reader over <paramref name="input"/>, or null when the run must stop (the message written).</summary>
    public static DumpReader? Open(string configPath, DumpReader input, Vmcoreinfo? info, Messages msg)
    {
        if (FilterConfig.Load(configPath, msg) is not string text)
            return null;
        var errors = new List<(int Line, string Message)>();
        var commands = FilterConfig.Parse(text, errors);
        if (commands.Count == 0)
        {
            Report(errors, msg);
            return input;
        }
        if (info is null)
        {
            msg.Fail($"--config: {input.Path} has no VMCOREINFO: the kernel's symbols cannot be found.");
            return null;
        }
        KernelMemory memory;
        KallsymsTable symbols;
        try
        {
            memory = new KernelMemory(input, info);
            symbols = KallsymsTable.Load(memory);
        }
        catch (KernelDataException e)
        {
            msg.Fail($"--config: the kernel's symbols cannot be read: {e.Message}.");
            return null;
        }
        BtfTypes? btf = null;
        BtfTypes Types() => btf ??= BtfTypes.Load(memory.TryReadVirtual, symbols);
        List<PhysicalErase> erases;
        var resolver = new EraseResolver(memory, symbols, Types, (line, text) => errors.Add((line, text)), msg);
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
