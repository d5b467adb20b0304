// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Btf;

namespace Dumpkit.Kernel.Mm;

/// <summary>
/// The entries of a kernel maple tree (<c>struct maple_tree</c>, <c>mm_struct.mm_mt</c> from 6.1) in index
/// order. A node pointer is a 256-byte aligned node with its type in bits 3-6 (dense, leaf_64, range_64,
/// arange_64) and bit 2 set, plus bit 1 in <c>ma_root</c> (the root node); the node layouts (pivot and slot arrays) come
/// from BTF's <c>maple_range_64</c> and <c>maple_arange_64</c>. Slot i covers indexes up to pivot i;
/// a zero pivot after the first, or one equal to the node's maximum, ends the node's data. The walk is
/// bounded: a node seen twice, a tree deeper than <see cref="MaxDepth"/> or more than
/// a given number of entries ends in a <see cref="KernelDataException"/>.
/// </summary>
public sealed class MapleTree
{
    public const int MaxDepth = 16;
    private const ulong NodeMask = 0xff;
    private readonly KernelMemory _memory;
    private readonly ulong _root;
    private readonly Layout _range, _arange;

    private readonly record struct Layout(ulong Pivots, int PivotCount, ulong Slots, int SlotCount);

    public MapleTree(KernelMemory memory, BtfTypes types)
    {
        _memory = memory;
        _root = Member(types, "maple_tree", "ma_root").ByteOffset;
        _range = LayoutOf(types, "maple_range_64");
        _arange = LayoutOf(types, "maple_arange_64");
    }

    /// <summary>The non-NULL entries of the tree at <paramref name="tree"/>, in index order.</summary>
    public List<ulong> Entries(ulong tree, int limit)
    {
        var entries = new List<ulong>();
        ulong root = ReadU64(tree + _root);
        if (root == 0)
            return entries;
        if (!IsNode(root))
        {
            // A tree of one entry at index 0 keeps it in ma_root itself.
            if ((root & 3) != 2)
                entries.Add(root);
            return entries;
        }
        var seen = new HashSet<ulong>();
        Walk(root, ulong.MaxValue, 0, entries, seen, limit);
        return entries;
    }

    private void Walk(ulong enode, ulong max, int depth, List<ulong> entries, HashSet<ulong> seen, int limit)
    {
        if (depth > MaxDepth)
            throw new KernelDataException($"maple tree deeper than {MaxDepth} levels");
        ulong node = enode & ~NodeMask;
        if (!seen.Add(node))
            throw new KernelDataException($"maple tree node {node:x} is reached twice");
        int type = (int)((enode >> 3) & 0xf);
        var layout = type switch
        {
            1 or 2 => _range,
            3 => _arange,
            _ => throw new KernelDataException($"maple tree node {node:x} has type {type}"),
        };
        bool leaf = type == 1;
        for (int i = 0; i < layout.SlotCount; i++)
        {
            ulong pivot = i < layout.PivotCount ? ReadU64(node + layout.Pivots + (ulong)i * 8) : max;
            if (i > 0 && pivot == 0)
                break;
            ulong slot = ReadU64(node + layout.Slots + (ulong)i * 8);
            if (slot != 0)
            {
                if (leaf)
                {
                    if ((slot & 3) != 2) // internal values (reserved, zero entries) are no entries
                    {
                        if (entries.Count >= limit)
                            throw new KernelDataException($"maple tree holds more than {limit} entries");
                        entries.Add(slot);
                    }
                }
                else if (slot > 4096 && (slot & 3) == 0 && _memory.IsKernelAddress(slot))
                    Walk(slot, pivot, depth + 1, entries, seen, limit);
                else
                    throw new KernelDataException($"maple tree node {node:x} slot {i} is no node: {slot:x}");
            }
            if (pivot >= max)
                break;
        }
    }

    private static bool IsNode(ulong entry) => (entry & 3) == 2 && entry > 4096;

    private ulong ReadU64(ulong address) =>
        _memory.TryReadU64(address, out ulong v) ? v : throw new KernelAddressException(address, "maple tree node");

    private static Layout LayoutOf(BtfTypes types, string type)
    {
        var pivot = Member(types, type, "pivot");
        var slot = Member(types, type, "slot");
        int Count(BtfMemberLocation m) =>
            types.Kind(types.Strip(m.Type)) == BtfKind.Array ? (int)types.Array(types.Strip(m.Type)).Count
                : throw new KernelDataException($"BTF {type} members are no arrays");
        return new Layout(pivot.ByteOffset, Count(pivot), slot.ByteOffset, Count(slot));
    }

    private static BtfMemberLocation Member(BtfTypes types, string type, string member) =>
        types.MemberPath($"{type}.{member}") ?? throw new KernelDataException($"BTF lacks {type}.{member}");
}
