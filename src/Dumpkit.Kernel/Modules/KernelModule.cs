// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kernel.Modules;

/// <summary>
/// One symbol of a module's kallsyms (<c>Elf64_Sym</c> of <c>mod_kallsyms.symtab</c>): its nm type letter
/// (from <c>typetab</c>, 5.2+) and the ELF <c>st_info</c> byte.
/// </summary>
public readonly record struct ModuleSymbol(string Name, char Type, ulong Address, ulong Size, byte Info);

/// <summary>A memory region of a module: <c>core_layout</c> (up to 6.3) or one <c>mem[]</c> entry (6.4+).</summary>
public readonly record struct ModuleRegion(ulong Base, ulong Size);

/// <summary>
/// A loaded module (<c>struct module</c> on the <c>modules</c> list): where its struct is, its name,
/// crash's BASE and SIZE (the core text and the core size, init sections excluded), its core
/// regions and its symbols sorted by address.
/// </summary>
public sealed record KernelModule(ulong Struct, string Name, ulong Base, ulong Size, IReadOnlyList<ModuleRegion> Regions,
    IReadOnlyList<ModuleSymbol> Symbols)
{
    public bool Contains(ulong address) => Regions.Any(r => address >= r.Base && address - r.Base < r.Size);
}
