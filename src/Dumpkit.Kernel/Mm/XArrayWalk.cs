// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Btf;

namespace Dumpkit.Kernel.Mm;

/// <summary>One present entry of an xarray: its index and the pointer stored there.</summary>
public readonly record struct XArrayEntry(ulong Index, ulong Value);

/// <summary>
/// The entries of a kernel <c>struct xarray</c> (the page cache's <c>address_space.i_pages</c> since 4.20), in index
/// order: <c>xa_head</c> is an entry or, tagged as an internal entry (low bits 10) above 4096, an <c>xa_node</c> whose
/// <c>shift</c> says its level and whose <c>slots</c> (their count from BTF) hold entries or child nodes. Value entries
/// (bit 0: the page cache's shadow entries) and the other internal entries (sibling, retry) are not returned. Bounded:
/// at most 2^24 nodes and a depth of 16.
/// </summary>
public sealed class XArrayWalk
{
    private const int MaxNodes = 1 << 24;
    private const int MaxDepth = 16;
    private readonly KernelMemory _memory;
    private readonly ulong _xaHead, _nodeShift, _nodeSlots;
    private readonly int _slots, _chunkShift;

    public XArrayWalk(KernelMemory memory, BtfTypes types)
    {
        _memory = memory;
        BtfMemberLocation Member(string path) => types.MemberPath(path) ?? throw new KernelDataException($"BTF lacks {path}");
        _xaHead = Member("xarray.xa_head").ByteOffset;
        _nodeShift = Member("xa_node.shift").ByteOffset;
        var slots = Member("xa_node.slots");
        _nodeSlots = slots.ByteOffset;
        ulong bytes = types.SizeOf(slots.Type);
        _slots = (int)(bytes / 8);
        if (_slots is < 2 or > 1024 || (_slots & (_slots - 1)) != 0)
            throw new KernelDataException($"xa_node.slots has {_slots} entries");
        _chunkShift = System.Numerics.BitOperations.Log2((uint)_slots);
    }

    private static bool IsInternal(ulong entry) => (entry & 3) == 2;
    private static bool IsNode(ulong entry) => IsInternal(entry) && entry > 4096;
    private static bool IsValue(ulong entry) => (entry & 1) != 0;

    /// <summary>The entries of the xarray at <paramref name="xarray"/> (the struct's address).</summary>
    public List<XArrayEntry> Entries(ulong xarray)
    {
        var result = new List<XArrayEntry>();
        ulong head = _memory.ReadU64(xarray + _xaHead, "xarray xa_head");
        if (head == 0)
            return result;
        if (!IsNode(head))
        {
            if (!IsValue(head) && !IsInternal(head))
                result.Add(new XArrayEntry(0, head));
            return result;
        }
        int nodes = 0;
        Walk(head - 2, 0, 0, result, ref nodes);
        return result;
    }

    private void Walk(ulong node, ulong index, int depth, List<XArrayEntry> result, ref int nodes)
    {
        if (depth > MaxDepth || ++nodes > MaxNodes)
            throw new KernelDataException($"xarray node {node:x} lies deeper than {MaxDepth} levels or past {MaxNodes} nodes");
        Span<byte> shiftByte = stackalloc byte[1];
        _memory.ReadVirtual(node + _nodeShift, shiftByte, "xa_node");
        int shift = shiftByte[0];
        if (shift % _chunkShift != 0 || shift >= 64)
            throw new KernelDataException($"xa_node {node:x} has shift {shift}");
        var slots = new byte[_slots * 8];
        _memory.ReadVirtual(node + _nodeSlots, slots, "xa_node.slots");
        for (int i = 0; i < _slots; i++)
        {
            ulong entry = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(slots.AsSpan(i * 8));
            if (entry == 0)
                continue;
            ulong at = index | (ulong)i << shift;
            if (shift > 0 && IsNode(entry))
                Walk(entry - 2, at, depth + 1, result, ref nodes);
            else if (!IsValue(entry) && !IsInternal(entry))
                result.Add(new XArrayEntry(at, entry));
        }
    }
}
