// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Modules;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// Module symbols as crash 8 prints them without module debuginfo: the type letter from the ELF
/// <c>st_info</c> (FUNC local <c>t</c>, FUNC global <c>T</c>, anything else <c>?</c>), the module
/// in brackets, and after a text symbol the blank crash leaves where a source line would go.
/// </summary>
internal static class ModuleSymbols
{
    public static char CrashType(ModuleSymbol s) => s.Info switch
    {
        >= (byte)' ' and < 0x7f => (char)s.Info,
        0x02 => 't',
        0x12 => 'T',
        _ => '?',
    };

    public static string Format(ulong address, ModuleSymbol s, ulong offset, KernelModule m)
    {
        char type = CrashType(s);
        var name = offset == 0 ? s.Name : $"{s.Name}+{offset}";
        return $"{address:x} ({type}) {name} [{m.Name}]" + (type is 't' or 'T' ? " " : "");
    }

    /// <summary><c>sym NAME</c> for a module symbol: one line per module that has it, by base; false when none has.</summary>
    public static bool TryName(CrashSession session, string name, TextWriter o)
    {
        bool any = false;
        foreach (var (s, m) in session.Modules.Lookup(name))
        {
            o.WriteLine(Format(s.Address, s, 0, m));
            any = true;
        }
        return any;
    }

    /// <summary><c>sym ADDR</c> inside a module; false when no module holds it.</summary>
    public static bool TryAddress(CrashSession session, ulong address, TextWriter o)
    {
        if (session.Modules.Resolve(address) is not { } r)
            return false;
        o.WriteLine(Format(address, r.Symbol, r.Offset, r.Module));
        return true;
    }
}
