// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;

namespace Dumpkit.Kernel.Mm;

/// <summary>Memory per NUMA node (<c>struct pglist_data</c> of <c>node_data[]</c>), offsets from BTF.</summary>
public static class NodeMemory
{
    /// <summary>Sum of <c>node_present_pages</c> over the nodes of <c>node_data[]</c>; null when unreadable.</summary>
    public static ulong? PresentPages(KernelMemory memory, KallsymsTable symbols, BtfTypes types)
    {
        if (symbols.AddressOf("node_data") is not ulong nodeData
            || types.MemberPath("pglist_data.node_present_pages")?.ByteOffset is not ulong present)
            return null;
        int nodes = (int)Math.Min(memory.Info.Length("node_data") ?? 1, 1024);
        ulong total = 0;
        for (int n = 0; n < nodes; n++)
        {
            if (!memory.TryReadU64(nodeData + (ulong)n * 8, out ulong pgdat))
                return null;
            if (pgdat == 0)
                continue;
            if (!memory.TryReadU64(pgdat + present, out ulong pages))
                return null;
            total += pages;
        }
        return total;
    }
}
