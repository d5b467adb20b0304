// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;

namespace Dumpkit.Kernel.Orc;

/// <summary>
/// The kernel's ORC unwind table: <c>__start_orc_unwind_ip</c> (s32 offsets, each relative to its
/// own slot, sorted) and <c>__start_orc_unwind</c> (one 6-byte entry per ip). Entry i covers the ips
/// from ip[i] up to ip[i + 1]; a lookup is a binary search, in place in the dump's memory (the pages
/// it touches are read and kept) for a dump's table, over arrays for a parsed one.
/// </summary>
public sealed class OrcTable
{
    /// <summary>More entries than any kernel image has (6.12: about 400,000).</summary>
    public const int MaxEntries = 8_000_000;

    private readonly ulong[]? _ips;
    private readonly byte[]? _entries;
    private readonly ulong _ipTable;
    private readonly DumpRegion? _ipRegion, _entryRegion;

    public OrcLayout Layout { get; }
    public int Count { get; }

    private OrcTable(ulong[] ips, byte[] entries, OrcLayout layout)
    {
        _ips = ips;
        _entries = entries;
        Layout = layout;
        Count = ips.Length;
    }

    private OrcTable(VirtualMemoryReader read, ulong ipTable, ulong entries, int count, OrcLayout layout)
    {
        _ipTable = ipTable;
        _ipRegion = new DumpRegion(read, ipTable, (long)count * 4, "ORC ip table");
        _entryRegion = new DumpRegion(read, entries, (long)count * OrcEntry.Size, "ORC entries");
        Layout = layout;
        Count = count;
    }

    /// <summary>
    /// A table from its raw sections: <paramref name="ipTable"/> as it lies at <paramref name="ipTableAddress"/>
    /// and the entries. Throws <see cref="KernelDataException"/> when the sizes disagree or the ips are not sorted.
    /// </summary>
    public static OrcTable Parse(ulong ipTableAddress, ReadOnlySpan<byte> ipTable, ReadOnlySpan<byte> entries, OrcLayout layout)
    {
        if (ipTable.Length % 4 != 0 || ipTable.Length / 4 * OrcEntry.Size != entries.Length)
            throw new KernelDataException($"ORC tables disagree: {ipTable.Length} bytes of ips, {entries.Length} bytes of entries");
        int n = ipTable.Length / 4;
        if (n > MaxEntries)
            throw new KernelDataException($"ORC table of {n} entries is implausible");
        var ips = new ulong[n];
        for (int i = 0; i < n; i++)
        {
            ips[i] = ipTableAddress + (ulong)(4 * i) + (ulong)(long)BinaryPrimitives.ReadInt32LittleEndian(ipTable[(4 * i)..]);
            if (i > 0 && ips[i] < ips[i - 1])
                throw new KernelDataException($"ORC ip table is not sorted at entry {i}");
        }
        return new OrcTable(ips, entries.ToArray(), layout);
    }

    /// <summary>
    /// The vmlinux table of a dump: its bounds from kallsyms, its layout from BTF's <c>struct orc_entry</c>
    /// (else from the release). Throws <see cref="KernelDataException"/> when the kernel has no ORC.
    /// </summary>
    public static OrcTable Load(VirtualMemoryReader read, KallsymsTable symbols, BtfTypes? types, string? release)
    {
        if (symbols.AddressOf("__start_orc_unwind_ip") is not ulong start || symbols.AddressOf("__stop_orc_unwind_ip") is not ulong stop
            || symbols.AddressOf("__start_orc_unwind") is not ulong orc)
            throw new KernelDataException("the kernel has no ORC unwind table (__start_orc_unwind_ip)");
        if (stop < start || stop - start > (ulong)MaxEntries * 4)
            throw new KernelDataException($"ORC ip table {start:x}-{stop:x} is implausible");
        var layout = DetectLayout(types, release)
            ?? throw new KernelDataException("cannot tell the ORC entry layout (no struct orc_entry in BTF, unknown release)");
        int n = (int)((stop - start) / 4);
        // Its first and last pages must be there: a table the dump lacks fails here, not at the first bt.
        Span<byte> probe = stackalloc byte[OrcEntry.Size];
        if (n > 0 && (!read(start, probe[..4]) || !read(stop - 4, probe[..4]) || !read(orc, probe)
            || !read(orc + (ulong)(n - 1) * OrcEntry.Size, probe)))
            throw new KernelDataException($"cannot read the ORC tables at {start:x} and {orc:x}");
        return new OrcTable(read, start, orc, n, layout);
    }

    /// <summary>
    /// The layout from BTF (an <c>end</c> member: 6.1 or 6.3 by <c>signal</c>; a 3-bit <c>type</c>: 6.4+),
    /// else from the release; null when neither tells.
    /// </summary>
    public static OrcLayout? DetectLayout(BtfTypes? types, string? release)
    {
        if (types?.Find("orc_entry", BtfKind.Struct) is int id)
        {
            var type = types.Member(id, "type");
            bool end = types.Member(id, "end") is not null, signal = types.Member(id, "signal") is not null;
            if (end)
                return signal ? OrcLayout.V2 : OrcLayout.V1;
            if (type is { BitfieldSize: 3 })
                return OrcLayout.V3;
        }
        if (KernelVersion.Parse(release) is not KernelVersion v)
            return null;
        if (v < new KernelVersion(6, 3, 0))
            return OrcLayout.V1;
        if (v < new KernelVersion(6, 4, 0))
            return OrcLayout.V2;
        return v < new KernelVersion(7, 1, 0) ? OrcLayout.V3 : null; // 7.1 renumbered the registers: not known here
    }

    /// <summary>The first ip covered by the entry that covers <paramref name="ip"/>, and that entry; null below the table.</summary>
    public (ulong Start, OrcEntry Entry)? Lookup(ulong ip)
    {
        int lo = 0, hi = Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (Ip(mid) <= ip) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        if (found < 0)
            return null;
        // Several entries at one ip: the last one wins, as in the kernel's search.
        Span<byte> entry = stackalloc byte[OrcEntry.Size];
        if (_entries is not null)
            _entries.AsSpan(found * OrcEntry.Size, OrcEntry.Size).CopyTo(entry);
        else
            _entryRegion!.Read((long)found * OrcEntry.Size, entry);
        return (Ip(found), OrcEntry.Decode(entry, Layout));
    }

    /// <summary>ip[i]: the slot's address plus its s32.</summary>
    private ulong Ip(int i)
    {
        if (_ips is not null)
            return _ips[i];
        Span<byte> b = stackalloc byte[4];
        _ipRegion!.Read((long)i * 4, b);
        return _ipTable + (ulong)(4 * (long)i) + (ulong)(long)BinaryPrimitives.ReadInt32LittleEndian(b);
    }
}
