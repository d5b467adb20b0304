// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Text;
using Dumpkit.Formats;

namespace Dumpkit.Kernel.Kallsyms;

/// <summary>Where the kallsyms tables lie in the crashed kernel's memory (VMCOREINFO's SYMBOL() keys since 6.0).</summary>
public readonly record struct KallsymsLocation(
    ulong NumSyms, ulong Names, ulong TokenTable, ulong TokenIndex,
    ulong? Offsets, ulong? RelativeBase, ulong? Addresses, ulong Stext)
{
    /// <summary>The tables named by VMCOREINFO; a <see cref="KernelDataException"/> names what is missing.</summary>
    public static KallsymsLocation FromVmcoreinfo(Vmcoreinfo info)
    {
        var missing = new List<string>();
        ulong Need(string name)
        {
            if (info.Symbol(name) is ulong v) return v;
            missing.Add(name);
            return 0;
        }
        var loc = new KallsymsLocation(Need("kallsyms_num_syms"), Need("kallsyms_names"), Need("kallsyms_token_table"),
            Need("kallsyms_token_index"), info.Symbol("kallsyms_offsets"), info.Symbol("kallsyms_relative_base"),
            info.Symbol("kallsyms_addresses"), Need("_stext"));
        if (loc.Offsets is null && loc.Addresses is null)
            missing.Add("kallsyms_offsets");
        if (missing.Count > 0)
            throw new KernelDataException(
                $"VMCOREINFO lacks SYMBOL({string.Join("), SYMBOL(", missing)}): the kallsyms tables are listed there " +
                "from Linux 6.0 on; an older kernel needs its vmlinux or System.map");
        return loc;
    }
}

/// <summary>
/// The kernel's own symbol table (kernel/kallsyms.c), read from its memory: names compressed with a
/// 256-entry token table, addresses in one of four encodings chosen by which one gives VMCOREINFO's
/// <c>_stext</c>. Name → address and address → symbol+offset.
/// </summary>
public sealed class KallsymsTable
{
    /// <summary>More symbols than any kernel has (6.12 with KALLSYMS_ALL: ~163k): a corrupt count is refused.</summary>
    public const uint MaxSymbols = 2_000_000;
    private const int MaxNameBytes = 1024; // KSYM_NAME_LEN is 512
    private const int MaxTokenBytes = 256;

    private readonly string[] _names;
    private readonly char[] _types;
    private readonly ulong[] _addresses;
    private readonly int[] _byAddress;           // indices sorted by (address, index)
    private readonly Dictionary<string, int> _byName;
    private readonly VirtualMemoryReader _read;
    private readonly ulong _perCpuStart, _perCpuEnd;
    private readonly bool _hasPerCpu;

    public int Count => _names.Length;
    public KallsymsAddressEncoding Encoding { get; }

    public KernelSymbol this[int index] => new(_names[index], _types[index], _addresses[index], IsPerCpuAddress(_addresses[index]));

    private KallsymsTable(string[] names, char[] types, ulong[] addresses, KallsymsAddressEncoding encoding, VirtualMemoryReader read)
    {
        _names = names;
        _types = types;
        _addresses = addresses;
        Encoding = encoding;
        _read = read;
        _byName = new Dictionary<string, int>(names.Length, StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
            _byName.TryAdd(names[i], i);
        _byAddress = new int[names.Length];
        for (int i = 0; i < _byAddress.Length; i++) _byAddress[i] = i;
        Array.Sort(_byAddress, (a, b) => addresses[a] != addresses[b] ? addresses[a].CompareTo(addresses[b]) : a.CompareTo(b));
        if (_byName.TryGetValue("__per_cpu_start", out int s) && _byName.TryGetValue("__per_cpu_end", out int e)
            && addresses[s] <= addresses[e])
        {
            _perCpuStart = addresses[s];
            _perCpuEnd = addresses[e];
            _hasPerCpu = true;
        }
    }

    /// <summary>Reads the table of a dump, through the tables VMCOREINFO lists.</summary>
    public static KallsymsTable Load(KernelMemory memory)
    {
        var version = KernelVersion.Parse(memory.Info.OsRelease);
        return Load(memory.TryReadVirtual, KallsymsLocation.FromVmcoreinfo(memory.Info),
            twoByteLengths: version is not KernelVersion v || v >= new KernelVersion(6, 1, 0));
    }

    /// <summary>
    /// Reads the table. <paramref name="twoByteLengths"/>: name lengths of 128 tokens or more take two
    /// bytes (Linux 6.1+); before, every length byte is a plain length. Throws
    /// <see cref="KernelDataException"/> on tables that cannot be read or make no sense.
    /// </summary>
    public static KallsymsTable Load(VirtualMemoryReader read, KallsymsLocation loc, bool twoByteLengths)
    {
        Span<byte> u32 = stackalloc byte[4];
        if (!read(loc.NumSyms, u32))
            throw new KernelDataException($"cannot read kallsyms_num_syms at 0x{loc.NumSyms:x}");
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(u32);
        if (count == 0 || count > MaxSymbols)
            throw new KernelDataException($"kallsyms_num_syms is implausible ({count})");

        var tokens = ReadTokens(read, loc);
        var names = new string[count];
        var types = new char[count];
        int stext = ReadNames(read, loc.Names, tokens, twoByteLengths, names, types);
        if (stext < 0)
            throw new KernelDataException("kallsyms has no _stext symbol");

        var (encoding, addresses) = DecodeAddresses(read, loc, (int)count, stext);
        return new KallsymsTable(names, types, addresses, encoding, read);
    }

    private static byte[][] ReadTokens(VirtualMemoryReader read, KallsymsLocation loc)
    {
        var index = new byte[256 * 2];
        if (!read(loc.TokenIndex, index))
            throw new KernelDataException($"cannot read kallsyms_token_index at 0x{loc.TokenIndex:x}");
        int max = 0;
        for (int t = 0; t < 256; t++)
            max = Math.Max(max, BinaryPrimitives.ReadUInt16LittleEndian(index.AsSpan(t * 2)));
        // The token table's length is not recorded: read as far as the last token's terminator.
        var table = new SequentialReader(read, loc.TokenTable, max + MaxTokenBytes + 1, "kallsyms_token_table");
        var bytes = new List<byte>(max + 64);
        while (bytes.Count <= max) bytes.Add(table.ReadByte());
        while (bytes[^1] != 0) bytes.Add(table.ReadByte());

        var tokens = new byte[256][];
        for (int t = 0; t < 256; t++)
        {
            int start = BinaryPrimitives.ReadUInt16LittleEndian(index.AsSpan(t * 2));
            int end = start;
            while (bytes[end] != 0)
            {
                end++;
                if (end - start > MaxTokenBytes)
                    throw new KernelDataException($"kallsyms token {t} is longer than {MaxTokenBytes} bytes");
            }
            tokens[t] = bytes.GetRange(start, end - start).ToArray();
        }
        return tokens;
    }

    /// <summary>Expands every name; returns the index of <c>_stext</c> (or -1).</summary>
    private static int ReadNames(VirtualMemoryReader read, ulong at, byte[][] tokens, bool twoByteLengths,
        string[] names, char[] types)
    {
        int count = names.Length;
        // At most two length bytes and 32767 tokens per symbol; real tables are ~10 bytes a symbol.
        var stream = new SequentialReader(read, at, (long)count * 64 + (1 << 20), "kallsyms_names");
        Span<byte> name = stackalloc byte[MaxNameBytes];
        int stext = -1;
        for (int i = 0; i < count; i++)
        {
            int length = stream.ReadByte();
            if (twoByteLengths && (length & 0x80) != 0)
                length = (length & 0x7f) | (stream.ReadByte() << 7);
            if (length == 0)
                throw new KernelDataException($"kallsyms name {i} is empty");
            int n = 0;
            for (int k = 0; k < length; k++)
            {
                var token = tokens[stream.ReadByte()];
                if (n + token.Length > MaxNameBytes)
                    throw new KernelDataException($"kallsyms name {i} is longer than {MaxNameBytes} bytes");
                token.CopyTo(name[n..]);
                n += token.Length;
            }
            if (n < 2)
                throw new KernelDataException($"kallsyms name {i} has no name after its type letter");
            types[i] = (char)name[0];
            names[i] = System.Text.Encoding.Latin1.GetString(name[1..n]);
            if (stext < 0 && names[i] == "_stext")
                stext = i;
        }
        return stext;
    }

    private static (KallsymsAddressEncoding, ulong[]) DecodeAddresses(VirtualMemoryReader read, KallsymsLocation loc, int count, int stext)
    {
        var addresses = new ulong[count];
        if (loc.Addresses is ulong abs)
        {
            var raw = ReadArray(read, abs, (long)count * 8, "kallsyms_addresses");
            for (int i = 0; i < count; i++)
                addresses[i] = BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(i * 8));
            if (addresses[stext] != loc.Stext)
                throw new KernelDataException(
                    $"kallsyms_addresses gives _stext = 0x{addresses[stext]:x}, VMCOREINFO 0x{loc.Stext:x}");
            return (KallsymsAddressEncoding.Absolute, addresses);
        }

        ulong offsetsAt = loc.Offsets!.Value;
        var offs = ReadArray(read, offsetsAt, (long)count * 4, "kallsyms_offsets");
        ulong? relativeBase = null;
        if (loc.RelativeBase is ulong rb)
        {
            Span<byte> u64 = stackalloc byte[8];
            if (!read(rb, u64))
                throw new KernelDataException($"cannot read kallsyms_relative_base at 0x{rb:x}");
            relativeBase = BinaryPrimitives.ReadUInt64LittleEndian(u64);
        }
        int Offset(int i) => BinaryPrimitives.ReadInt32LittleEndian(offs.AsSpan(i * 4));

        KallsymsAddressEncoding[] candidates = relativeBase is null
            ? [KallsymsAddressEncoding.PlaceRelative]
            : [KallsymsAddressEncoding.AbsolutePercpu, KallsymsAddressEncoding.BaseRelative, KallsymsAddressEncoding.PlaceRelative];
        var tried = new StringBuilder();
        foreach (var enc in candidates)
        {
            ulong got = Decode(enc, Offset(stext), relativeBase ?? 0, offsetsAt + (ulong)stext * 4);
            if (got == loc.Stext)
            {
                for (int i = 0; i < count; i++)
                    addresses[i] = Decode(enc, Offset(i), relativeBase ?? 0, offsetsAt + (ulong)i * 4);
                return (enc, addresses);
            }
            tried.Append($" {enc}: 0x{got:x}");
        }
        throw new KernelDataException(
            $"no kallsyms address encoding gives VMCOREINFO's _stext 0x{loc.Stext:x} (tried{tried})");
    }

    private static ulong Decode(KallsymsAddressEncoding enc, int offset, ulong relativeBase, ulong slot) => enc switch
    {
        KallsymsAddressEncoding.BaseRelative => relativeBase + (uint)offset,
        KallsymsAddressEncoding.AbsolutePercpu => offset >= 0 ? (ulong)offset : relativeBase - 1 - (ulong)(long)offset,
        KallsymsAddressEncoding.PlaceRelative => slot + (ulong)(long)offset,
        _ => throw new ArgumentOutOfRangeException(nameof(enc)),
    };

    private static byte[] ReadArray(VirtualMemoryReader read, ulong at, long length, string what)
    {
        var b = new byte[length];
        if (!read(at, b))
            throw new KernelDataException($"cannot read {what} ({length} bytes at 0x{at:x})");
        return b;
    }

    // __per_cpu_end itself counts as per-CPU: it labels the end of the area.
    private bool IsPerCpuAddress(ulong address) => _hasPerCpu && address >= _perCpuStart && address <= _perCpuEnd;

    private static bool IsKernelHalf(ulong address) => address >= 0xff00_0000_0000_0000UL;

    /// <summary>The first symbol of that name (kallsyms order), or null.</summary>
    public KernelSymbol? Lookup(string name) => _byName.TryGetValue(name, out int i) ? this[i] : null;

    /// <summary>The address of <paramref name="name"/>, or null.</summary>
    public ulong? AddressOf(string name) => _byName.TryGetValue(name, out int i) ? _addresses[i] : null;

    /// <summary>Every symbol of that name (static functions of several files share names), in kallsyms order.</summary>
    public IEnumerable<KernelSymbol> LookupAll(string name)
    {
        if (!_byName.TryGetValue(name, out int first))
            yield break;
        for (int i = first; i < _names.Length; i++)
            if (_names[i] == name)
                yield return this[i];
    }

    /// <summary>
    /// The symbol an address belongs to: the last symbol at or below it (of several at one address,
    /// the first in kallsyms order, as the kernel prints), while a next symbol bounds it. Addresses
    /// outside the kernel image and the per-CPU area give null.
    /// </summary>
    public (KernelSymbol Symbol, ulong Offset)? Resolve(ulong address)
    {
        int lo = 0, hi = _byAddress.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_addresses[_byAddress[mid]] <= address) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        if (found < 0)
            return null;
        ulong at = _addresses[_byAddress[found]];
        while (found > 0 && _addresses[_byAddress[found - 1]] == at)
            found--;
        int index = _byAddress[found];
        if (IsKernelHalf(address) != IsKernelHalf(at))
            return null;
        if (!IsKernelHalf(address) && !IsPerCpuAddress(address))
            return null;
        if (address != at && _addresses[_byAddress[^1]] <= address)
            return null; // past the last symbol
        return (this[index], address - at);
    }

    /// <summary>All symbols sorted by address (ties in kallsyms order).</summary>
    public IEnumerable<KernelSymbol> ByAddress()
    {
        foreach (int i in _byAddress)
            yield return this[i];
    }

    /// <summary><c>__per_cpu_offset[cpu]</c>: add it to a per-CPU symbol's address for that CPU's copy.</summary>
    public ulong? PerCpuOffset(int cpu)
    {
        if (cpu < 0 || cpu >= 8192 || AddressOf("__per_cpu_offset") is not ulong table)
            return null;
        Span<byte> b = stackalloc byte[8];
        return _read(table + (ulong)cpu * 8, b) ? BinaryPrimitives.ReadUInt64LittleEndian(b) : null;
    }

    /// <summary>CPU <paramref name="cpu"/>'s copy of a per-CPU symbol, or null.</summary>
    public ulong? PerCpuAddress(KernelSymbol symbol, int cpu) =>
        symbol.IsPerCpu && PerCpuOffset(cpu) is ulong off ? symbol.Address + off : null;
}
