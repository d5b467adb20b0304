// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Crash.Commands;

/// <summary>
/// The names crash 8.0.2's <c>vm -f</c> gives the bits of a vm_flags value, in its order (its own fixed table, read
/// off crash 8.0.2's output for each single bit; newer kernels reuse some bits, crash 8.0.2 names them as listed).
/// </summary>
internal static class VmFlags
{
    private static readonly (ulong Bit, string Name)[] Table =
    [
        (0x1, "READ"), (0x2, "WRITE"), (0x4, "EXEC"), (0x8, "SHARED"), (0x10, "MAYREAD"), (0x20, "MAYWRITE"), (0x40, "MAYEXEC"),
        (0x80, "MAYSHARE"), (0x100, "GROWSDOWN"), (0x200, "NOHUGEPAGE"), (0x400, "PFNMAP"), (0x800, "DENYWRITE"), (0x1000, "EXECUTABLE"),
        (0x2000, "LOCKED"), (0x4000, "IO"), (0x8000, "SEQ_READ"), (0x10000, "RAND_READ"), (0x20000, "DONTCOPY"), (0x40000, "DONTEXPAND"),
        (0x80000, "RESERVED"), (0x100000, "ACCOUNT"), (0x400000, "HUGETLB"), (0x800000, "NONLINEAR"), (0x1000000, "MAPPED_COPY"),
        (0x2000000, "INSERTPAGE"), (0x4000000, "ALWAYSDUMP"), (0x8000000, "CAN_NONLINEAR"), (0x10000000, "MIXEDMAP"), (0x20000000, "SAO"),
        (0x40000000, "PFN_AT_MMAP"), (0x80000000, "MERGEABLE"),
    ];

    /// <summary>The names of the set bits joined by '|' (empty for none).</summary>
    public static string Names(ulong flags) => string.Join('|', Table.Where(t => (flags & t.Bit) != 0).Select(t => t.Name));
}
