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
/// <c>_stext</c>. Name → address and address → symbol+offset. The names stay compressed as the kernel
/// keeps them and are expanded when asked for; the name index (hashes of the expanded names) is made
/// on the first lookup by name, the address order is the table's own when it is sorted (it is, in
/// every kernel: scripts/kallsyms sorts by address).
/// </summary>
public sealed class KallsymsTable
{
    /// <summary>More symbols than any kernel has (6.12 with KALLSYMS_ALL: ~163k): a corrupt count is refused.</summary>
    public const uint MaxSymbols = 2_000_000;
    private const int MaxNameBytes = 1024; // KSYM_NAME_LEN is 512
    private const int MaxTokenBytes = 256;

    private readonly byte[] _names;              // kallsyms_names as the kernel keeps it
    private readonly int[] _nameAt;              // per symbol: where its length byte(s) start in _names
    private readonly bool _twoByteLengths;
    private readonly byte[][] _tokens;
    private readonly byte[] _types;
    private readonly ulong[] _addresses;
    private readonly int[]? _byAddress;          // indices sorted by (address, index); null: the table's order is that
    private readonly string?[] _decoded;         // names expanded so far
    private int[]? _byName;                      // open addressing: symbol index + 1 by hash of the expanded name, 0 = empty
    private readonly VirtualMemoryReader _read;
    private readonly ulong _perCpuStart, _perCpuEnd;
    private readonly bool _hasPerCpu;

    public int Count => _addresses.Length;
    public KallsymsAddressEncoding Encoding { get; }

    public KernelSymbol this[int index] => new(Name(index), (char)_types[index], _addresses[index], IsPerCpuAddress(_addresses[index]));

    private KallsymsTable(byte[] names, int[] nameAt, bool twoByteLengths, byte[][] tokens, byte[] types, ulong[] addresses,
        KallsymsAddressEncoding encoding, VirtualMemoryReader read)
    {
        _names = names;
        _nameAt = nameAt;
        _twoByteLengths = twoByteLengths;
        _tokens = tokens;
        _types = types;
        _addresses = addresses;
        _decoded = new string?[addresses.Length];
        Encoding = encoding;
        _read = read;
        _byAddress = SortByAddress(addresses);
        if (AddressOf("__per_cpu_start") is ulong s && AddressOf("__per_cpu_end") is ulong e && s <= e)
        {
            _perCpuStart = s;
            _perCpuEnd = e;
            _hasPerCpu = true;
        }
    }

    /// <summary>Null when the addresses are already in order (ties then stay in kallsyms order), else the sorted indices.</summary>
    private static int[]? SortByAddress(ulong[] addresses)
    {
        int i = 1;
        while (i < addresses.Length && addresses[i - 1] <= addresses[i])
            i++;
        if (i >= addresses.Length)
            return null;
        var keys = (ulong[])addresses.Clone();
        var order = new int[addresses.Length];
        for (int k = 0; k < order.Length; k++) order[k] = k;
        Array.Sort(keys, order);
        // Array.Sort is not stable: put each run of one address back in kallsyms order.
        for (int lo = 0; lo < keys.Length;)
        {
            int hi = lo + 1;
            while (hi < keys.Length && keys[hi] == keys[lo]) hi++;
            if (hi - lo > 1)
                Array.Sort(order, lo, hi - lo);
            lo = hi;
        }
        return order;
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
            throw new KernelDataException($"cannot read kallsyms_num_syms at 0x{loc.NumSyms:x}", loc.NumSyms, 4);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(u32);
        if (count == 0 || count > MaxSymbols)
            throw new KernelDataException($"kallsyms_num_syms is implausible ({count})");

        var tokens = ReadTokens(read, loc);
        var nameAt = new int[count];
        var types = new byte[count];
        // The token table follows the names (and markers) in every kernel's layout: their length, at most.
        int expected = loc.TokenTable > loc.Names && loc.TokenTable - loc.Names < (ulong)count * 64 ? (int)(loc.TokenTable - loc.Names) : 0;
        var (names, stext) = ReadNames(read, loc.Names, tokens, twoByteLengths, nameAt, types, expected);
        if (stext < 0)
            throw new KernelDataException("kallsyms has no _stext symbol");

        var (encoding, addresses) = DecodeAddresses(read, loc, (int)count, stext);
        return new KallsymsTable(names, nameAt, twoByteLengths, tokens, types, addresses, encoding, read);
    }

    private static byte[][] ReadTokens(VirtualMemoryReader read, KallsymsLocation loc)
    {
        var index = new byte[256 * 2];
        if (!read(loc.TokenIndex, index))
            throw new KernelDataException($"cannot read kallsyms_token_index at 0x{loc.TokenIndex:x}", loc.TokenIndex, index.Length);
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

    /// <summary>
    /// Reads the compressed names and checks each one's expanded length (no name is expanded but
    /// <c>_stext</c>'s candidates); fills where each name starts and its type letter. Returns the
    /// bytes read and the index of <c>_stext</c> (or -1).
    /// </summary>
    private static (byte[] Names, int Stext) ReadNames(VirtualMemoryReader read, ulong at, byte[][] tokens, bool twoByteLengths,
        int[] nameAt, byte[] types, int expected)
    {
        int count = nameAt.Length;
        Span<int> tokenLength = stackalloc int[256];
        for (int t = 0; t < 256; t++) tokenLength[t] = tokens[t].Length;
        // At most two length bytes and 32767 tokens per symbol; real tables are ~10 bytes a symbol.
        var stream = new ChunkReader(read, at, (long)count * 64 + (1 << 20), "kallsyms_names", expected);
        Span<byte> name = stackalloc byte[MaxNameBytes];
        int stext = -1;
        for (int i = 0; i < count; i++)
        {
            nameAt[i] = stream.Position;
            int length = stream.ReadByte();
            if (twoByteLengths && (length & 0x80) != 0)
                length = (length & 0x7f) | (stream.ReadByte() << 7);
            if (length == 0)
                throw new KernelDataException($"kallsyms name {i} is empty");
            var encoded = stream.Read(length);
            int n = 0;
            foreach (byte b in encoded)
                n += tokenLength[b];
            if (n > MaxNameBytes)
                throw new KernelDataException($"kallsyms name {i} is longer than {MaxNameBytes} bytes");
            if (n < 2)
                throw new KernelDataException($"kallsyms name {i} has no name after its type letter");
            if (tokenLength[encoded[0]] == 0)
            {
                // The type letter comes from the first non-empty token.
                int k = 0;
                while (tokenLength[encoded[k]] == 0) k++;
                types[i] = tokens[encoded[k]][0];
            }
            else
                types[i] = tokens[encoded[0]][0];
            if (stext < 0 && n == 7 && Expand(tokens, encoded, name) == 7 && name[1..7].SequenceEqual("_stext"u8))
                stext = i;
        }
        return (stream.ToArray(), stext);
    }

    /// <summary>Expands token bytes into <paramref name="into"/> (long enough: checked at load); returns the length.</summary>
    private static int Expand(byte[][] tokens, ReadOnlySpan<byte> encoded, Span<byte> into)
    {
        int n = 0;
        foreach (byte b in encoded)
        {
            var token = tokens[b];
            token.CopyTo(into[n..]);
            n += token.Length;
        }
        return n;
    }

    /// <summary>Symbol <paramref name="index"/>'s expanded name, type letter first; returns its length.</summary>
    private int ExpandName(int index, Span<byte> into)
    {
        int at = _nameAt[index];
        int length = _names[at++];
        if (_twoByteLengths && (length & 0x80) != 0)
            length = (length & 0x7f) | (_names[at++] << 7);
        return Expand(_tokens, _names.AsSpan(at, length), into);
    }

    private string Name(int index)
    {
        if (_decoded[index] is string s)
            return s;
        Span<byte> name = stackalloc byte[MaxNameBytes];
        int n = ExpandName(index, name);
        return _decoded[index] = System.Text.Encoding.Latin1.GetString(name[1..n]);
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
                throw new KernelDataException($"cannot read kallsyms_relative_base at 0x{rb:x}", rb, 8);
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
            throw new KernelDataException($"cannot read {what} ({length} bytes at 0x{at:x})", at, length);
        return b;
    }

    // __per_cpu_end itself counts as per-CPU: it labels the end of the area.
    private bool IsPerCpuAddress(ulong address) => _hasPerCpu && address >= _perCpuStart && address <= _perCpuEnd;

    private static bool IsKernelHalf(ulong address) => address >= 0xff00_0000_0000_0000UL;

    /// <summary>The first symbol of that name (kallsyms order), or null.</summary>
    public KernelSymbol? Lookup(string name) => IndexOf(name) is int i ? this[i] : null;

    /// <summary>The address of <paramref name="name"/>, or null.</summary>
    public ulong? AddressOf(string name) => IndexOf(name) is int i ? _addresses[i] : null;

    /// <summary>Every symbol of that name (static functions of several files share names), in kallsyms order.</summary>
    public IEnumerable<KernelSymbol> LookupAll(string name)
    {
        var found = new List<int>();
        Find(name, found);
        found.Sort();
        return found.Select(i => this[i]);
    }

    private int? IndexOf(string name)
    {
        var found = new List<int>(1);
        return Find(name, found, firstOnly: true) ? found[0] : null;
    }

    /// <summary>
    /// The symbols named <paramref name="name"/> (found in kallsyms order along the probe sequence,
    /// since they were added in that order); true when there is one.
    /// </summary>
    private bool Find(string name, List<int> found, bool firstOnly = false)
    {
        if (name.Length >= MaxNameBytes)
            return false;
        Span<byte> key = stackalloc byte[name.Length];
        foreach (char c in name)
            if (c > 0xff)
                return false;
        for (int k = 0; k < name.Length; k++) key[k] = (byte)name[k];
        var table = _byName ?? BuildNameIndex();
        int mask = table.Length - 1;
        Span<byte> candidate = stackalloc byte[MaxNameBytes];
        for (int slot = (int)(Hash(key) & (uint)mask); table[slot] != 0; slot = (slot + 1) & mask)
        {
            int i = table[slot] - 1;
            int n = ExpandName(i, candidate);
            if (candidate[1..n].SequenceEqual(key))
            {
                found.Add(i);
                if (firstOnly)
                    return true;
            }
        }
        return found.Count > 0;
    }

    private int[] BuildNameIndex()
    {
        // A name's hash composes from its tokens' (Horner's rule): each token's hash and multiplier once,
        // then one step per token; the first token without its first byte (the type letter).
        var tokenHash = new uint[256];
        var tokenPower = new uint[256];
        var tailHash = new uint[256];
        var tailPower = new uint[256];
        for (int t = 0; t < 256; t++)
        {
            var token = _tokens[t];
            (tokenHash[t], tokenPower[t]) = HashAndPower(token);
            (tailHash[t], tailPower[t]) = HashAndPower(token.Length > 0 ? token.AsSpan(1) : token);
        }
        int size = 16;
        while (size < _addresses.Length * 2) size <<= 1;
        var table = new int[size];
        int mask = size - 1;
        for (int i = 0; i < _addresses.Length; i++)
        {
            int at = _nameAt[i];
            int length = _names[at++];
            if (_twoByteLengths && (length & 0x80) != 0)
                length = (length & 0x7f) | (_names[at++] << 7);
            var encoded = _names.AsSpan(at, length);
            // The type letter is the first byte of the first token that has one.
            int k = 0;
            while (_tokens[encoded[k]].Length == 0) k++;
            uint h = tailHash[encoded[k]];
            for (k++; k < encoded.Length; k++)
                h = h * tokenPower[encoded[k]] + tokenHash[encoded[k]];
            int slot = (int)(Mix(h) & (uint)mask);
            while (table[slot] != 0) slot = (slot + 1) & mask;
            table[slot] = i + 1;
        }
        return _byName = table;
    }

    private const uint HashMultiplier = 0x01000193;

    /// <summary>Horner's hash of the bytes (h = h * M + b from 0) and M to the power of their count.</summary>
    private static (uint Hash, uint Power) HashAndPower(ReadOnlySpan<byte> bytes)
    {
        uint h = 0, p = 1;
        foreach (byte b in bytes)
        {
            h = h * HashMultiplier + b;
            p *= HashMultiplier;
        }
        return (h, p);
    }

    private static uint Hash(ReadOnlySpan<byte> bytes) => Mix(HashAndPower(bytes).Hash);

    /// <summary>Spreads the hash's bits over the low ones the table uses.</summary>
    private static uint Mix(uint h)
    {
        h ^= h >> 16;
        h *= 0x7feb352d;
        h ^= h >> 15;
        return h;
    }

    private int Sorted(int position) => _byAddress is null ? position : _byAddress[position];

    /// <summary>
    /// The symbol an address belongs to: the last symbol at or below it (of several at one address,
    /// the first in kallsyms order, as the kernel prints), while a next symbol bounds it. Addresses
    /// outside the kernel image and the per-CPU area give null.
    /// </summary>
    public (KernelSymbol Symbol, ulong Offset)? Resolve(ulong address)
    {
        int lo = 0, hi = _addresses.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_addresses[Sorted(mid)] <= address) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        if (found < 0)
            return null;
        ulong at = _addresses[Sorted(found)];
        while (found > 0 && _addresses[Sorted(found - 1)] == at)
            found--;
        int index = Sorted(found);
        if (IsKernelHalf(address) != IsKernelHalf(at))
            return null;
        if (!IsKernelHalf(address) && !IsPerCpuAddress(address))
            return null;
        if (address != at && _addresses[Sorted(_addresses.Length - 1)] <= address)
            return null; // past the last symbol
        return (this[index], address - at);
    }

    /// <summary>All symbols sorted by address (ties in kallsyms order).</summary>
    public IEnumerable<KernelSymbol> ByAddress()
    {
        for (int k = 0; k < _addresses.Length; k++)
            yield return this[Sorted(k)];
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
