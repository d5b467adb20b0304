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
        byte[]? header = ReadHeader(read, symbols);
        var layout = (header is not null ? LayoutOfHeader(header) : DetectLayout(types, release))
            ?? throw new KernelDataException(header is not null
                ? $"unknown ORC version: .orc_header {Convert.ToHexStringLower(header)} is none of the known orc_types.h hashes"
                : "cannot tell the ORC entry layout (no .orc_header, no struct orc_entry in BTF, unknown release)");
        int n = (int)((stop - start) / 4);
        // Its first and last pages must be there: a table the dump lacks fails here, not at the first bt.
        Span<byte> probe = stackalloc byte[OrcEntry.Size];
        if (n > 0 && (!read(start, probe[..4]) || !read(stop - 4, probe[..4]) || !read(orc, probe)
            || !read(orc + (ulong)(n - 1) * OrcEntry.Size, probe)))
            throw new KernelDataException($"cannot read the ORC tables at {start:x} and {orc:x}");
        return new OrcTable(read, start, orc, n, layout);
    }

    /// <summary>
    /// The 20 bytes of the kernel's <c>.orc_header</c> (since 6.4, and 6.3.10): the SHA-1 of the orc_types.h it was built
    /// with, so that a reader can tell the layout and the register numbering for certain. Null when the kernel has none.
    /// </summary>
    public static byte[]? ReadHeader(VirtualMemoryReader read, KallsymsTable symbols)
    {
        if ((symbols.AddressOf("__start_orc_header") ?? symbols.AddressOf("orc_header")) is not ulong at)
            return null;
        if (symbols.AddressOf("__stop_orc_header") is ulong stop && stop - at != 20)
            throw new KernelDataException($".orc_header of {stop - at} bytes is not a 20-byte hash");
        var hash = new byte[20];
        return read(at, hash) ? hash : throw new KernelDataException($"cannot read the ORC header at {at:x}");
    }

    /// <summary>
    /// The orc_types.h hash of 6.4's layout (sp_reg:4 bp_reg:4 type:3 signal:1, registers UNDEFINED 0 to SP_INDIRECT 9, types
    /// UNDEFINED 0 to REGS_PARTIAL 4), as the kernels' own <c>.orc_header</c> holds it (Debian's 6.12 has it); a later kernel
    /// with the same hash was built from the same header text.
    /// </summary>
    public static ReadOnlySpan<byte> HashV3 =>
        [0xfe, 0x5d, 0x32, 0xbf, 0x58, 0x1b, 0xd6, 0x3b, 0x2c, 0xa9, 0xa5, 0xc6, 0x5b, 0xa5, 0xa6, 0x25, 0xea, 0xb3, 0xfe, 0x24];

    /// <summary>The hash of 6.3's layout (with <c>signal</c> and <c>end</c>), which 6.3.10+ stable kernels carry.</summary>
    public static ReadOnlySpan<byte> HashV2 =>
        [0xdb, 0x84, 0xae, 0xd4, 0x10, 0x3b, 0x31, 0xdd, 0x51, 0xe0, 0x17, 0xf8, 0xf7, 0x97, 0x83, 0xca, 0x98, 0x5c, 0x2c, 0x51];

    /// <summary>
    /// The hash of 7.1's numbering (ORC_REG_AX 1, SP 3, DI 5, PREV_SP 8, SP_INDIRECT 9, BP_INDIRECT 10; V3's bits): Debian's
    /// 7.2.13 carries it, and it is the SHA-1 of the ORC_REG_, ORC_TYPE_ and struct orc_entry lines of that kernel's orc_types.h.
    /// </summary>
    public static ReadOnlySpan<byte> HashV4 =>
        [0x13, 0x7c, 0x36, 0xad, 0x76, 0x27, 0xc4, 0xdd, 0x55, 0x93, 0x21, 0x76, 0xbb, 0x0e, 0xcd, 0xbd, 0x50, 0x41, 0xfc, 0x82];

    /// <summary>The layout of a known <c>.orc_header</c> hash, else null (a header this reader does not know: refused).</summary>
    public static OrcLayout? LayoutOfHeader(ReadOnlySpan<byte> header) =>
        header.SequenceEqual(HashV4) ? OrcLayout.V4
        : header.SequenceEqual(HashV3) ? OrcLayout.V3
        : header.SequenceEqual(HashV2) ? OrcLayout.V2 : null;

    /// <summary>
    /// Without a <c>.orc_header</c>: the layout from BTF (an <c>end</c> member: 6.1 or 6.3 by <c>signal</c>; a 3-bit <c>type</c>: 6.4+,
    /// V4 from 7.1 by the release, as BTF holds no register numbers), else from the release; null when neither tells.
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
                return KernelVersion.Parse(release) is KernelVersion k && k >= new KernelVersion(7, 1, 0) ? OrcLayout.V4 : OrcLayout.V3;
        }
        if (KernelVersion.Parse(release) is not KernelVersion v)
            return null;
        if (v >= new KernelVersion(7, 1, 0))
            return OrcLayout.V4;
        if (v < new KernelVersion(6, 3, 0))
            return OrcLayout.V1;
        if (v < new KernelVersion(6, 4, 0))
            return OrcLayout.V2;
        return OrcLayout.V3; // every 6.4+ kernel has a .orc_header, which decides before this
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
