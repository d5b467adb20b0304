// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kernel.Kallsyms;

/// <summary>
/// One kallsyms entry: its name, nm's type letter (T t D d B b R r A W V …) and address. A per-CPU
/// symbol's address is its offset in the per-CPU area (add <c>__per_cpu_offset[cpu]</c>).
/// </summary>
public readonly record struct KernelSymbol(string Name, char Type, ulong Address, bool IsPerCpu);

/// <summary>How kallsyms stores addresses (the kernel's build options choose one).</summary>
public enum KallsymsAddressEncoding
{
    /// <summary><c>kallsyms_addresses[i]</c> (no CONFIG_KALLSYMS_BASE_RELATIVE).</summary>
    Absolute,
    /// <summary><c>kallsyms_relative_base + (u32)kallsyms_offsets[i]</c>.</summary>
    BaseRelative,
    /// <summary>
    /// x86_64 SMP up to 6.14 (CONFIG_KALLSYMS_ABSOLUTE_PERCPU): a non-negative offset is the absolute
    /// value (the per-CPU symbols), a negative one <c>relative_base - 1 - offset</c>.
    /// </summary>
    AbsolutePercpu,
    /// <summary>From 7.0: each offset is relative to its own slot in <c>kallsyms_offsets</c>.</summary>
    PlaceRelative,
}
