// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;

namespace Dumpkit.Kernel.Orc;

/// <summary>
/// The kernel's ORC unwind table: <c>__start_orc_unwind_ip</c> (s32 offsets, each relative to its
/// own slot, sorted) and <c>__start_orc_unwind</c> (one 6-byte entry per ip), read from the dump.
/// Entry i covers the ips from ip[i] up to ip[i + 1]; a lookup is a binary search.
/// </summary>
public sealed class OrcTable
{
    /// <summary>More entries than any kernel image has (6.12: about 400,000).</summary>
    public const int MaxEntries = 8_000_000;

    private readonly ulong[] _ips;
    private readonly byte[] _entries;

    public OrcLayout Layout { get; }
    public int Count => _ips.Length;

    private OrcTable(ulong[] ips, byte[] entries, OrcLayout layout)
    {
        _ips = ips;
        _entries = entries;
        Layout = layout;
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
        var ipBytes = new byte[n * 4];
        var entryBytes = new byte[n * OrcEntry.Size];
        ReadAll(read, start, ipBytes, "ORC ip table");
        ReadAll(read, orc, entryBytes, "ORC entries");
        return Parse(start, ipBytes, entryBytes, layout);
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
        int lo = 0, hi = _ips.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_ips[mid] <= ip) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        if (found < 0)
            return null;
        // Several entries at one ip: the last one wins, as in the kernel's search.
        return (_ips[found], OrcEntry.Decode(_entries.AsSpan(found * OrcEntry.Size, OrcEntry.Size), Layout));
    }

    private static void ReadAll(VirtualMemoryReader read, ulong at, byte[] into, string what)
    {
        for (int done = 0; done < into.Length;)
        {
            int n = Math.Min(into.Length - done, 4096 - (int)((at + (ulong)done) & 0xfff));
            if (!read(at + (ulong)done, into.AsSpan(done, n)))
                throw new KernelDataException($"cannot read the {what} at {at + (ulong)done:x}");
            done += n;
        }
    }
}
