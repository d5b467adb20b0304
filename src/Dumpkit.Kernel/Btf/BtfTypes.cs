// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Text;
using Dumpkit.Kernel.Kallsyms;

namespace Dumpkit.Kernel.Btf;

/// <summary>
/// The kernel's own type information (BTF, CONFIG_DEBUG_INFO_BTF): the raw blob the kernel keeps
/// between <c>__start_BTF</c> and <c>__stop_BTF</c>, parsed once into an index of records (ids are
/// implicit: 0 is void, then record order). Names and members are decoded on demand from the blob;
/// the index by name (hashes of the names' bytes) is made on the first lookup by name.
/// Every read is bounds-checked: a corrupt blob gives a <see cref="KernelDataException"/>.
/// </summary>
public sealed class BtfTypes
{
    public const ushort Magic = 0xeb9f;
    /// <summary>Bigger than any kernel's BTF (Debian 6.12: ~6 MB).</summary>
    public const long MaxBlobBytes = 256L << 20;
    private const int MaxChain = 64; // typedef/const/... hops before a cycle is assumed

    private readonly byte[] _blob;
    private readonly int _typesStart, _typesLength, _stringsStart, _stringsLength;
    // A base merged with a module's split BTF: the first id of the module's own types (searched first by name); 0: none.
    private int _splitStart;
    // Per type id (index 0 = void): where the record starts in the blob.
    private readonly int[] _record;
    private int[]? _byName; // open addressing: type id by hash of its name's bytes, 0 = empty

    public int Count => _record.Length; // including void

    /// <summary>The string section's length: where a module's split BTF's string offsets start.</summary>
    public int StringSectionLength => _stringsLength;

    private BtfTypes(byte[] blob)
    {
        _blob = blob;
        var span = blob.AsSpan();
        if (span.Length < 24)
            throw Corrupt($"blob of {span.Length} bytes is shorter than a header");
        if (BinaryPrimitives.ReadUInt16LittleEndian(span) != Magic)
            throw Corrupt($"bad magic 0x{BinaryPrimitives.ReadUInt16LittleEndian(span):x4}");
        if (span[2] != 1)
            throw Corrupt($"version {span[2]} (only 1 is known)");
        uint hdrLen = U32(4), typeOff = U32(8), typeLen = U32(12), strOff = U32(16), strLen = U32(20);
        if (hdrLen < 24 || hdrLen > (uint)span.Length)
            throw Corrupt($"header length {hdrLen}");
        ulong typesEnd = (ulong)hdrLen + typeOff + typeLen, strEnd = (ulong)hdrLen + strOff + strLen;
        if (typesEnd > (ulong)span.Length || strEnd > (ulong)span.Length)
            throw Corrupt($"sections (types {typeOff}+{typeLen}, strings {strOff}+{strLen}) run past the {span.Length}-byte blob");
        _typesStart = (int)(hdrLen + typeOff);
        _typesLength = (int)typeLen;
        _stringsStart = (int)(hdrLen + strOff);
        _stringsLength = (int)strLen;

        var records = new List<int> { -1 };
        int at = _typesStart, end = (int)typesEnd;
        while (at < end)
        {
            if (end - at < 12)
                throw Corrupt($"type {records.Count} is cut short");
            records.Add(at);
            at += RecordLength(at, end, records.Count - 1);
        }
        _record = records.ToArray();
    }

    private int[] BuildNameIndex()
    {
        int size = 16;
        while (size < _record.Length * 2) size <<= 1;
        var table = new int[size];
        int mask = size - 1;
        for (int id = 1; id < _record.Length; id++)
        {
            uint nameOff = U32(_record[id]);
            if (nameOff == 0) continue;
            int slot = (int)(Hash(StringBytes(nameOff)) & (uint)mask);
            while (table[slot] != 0) slot = (slot + 1) & mask;
            table[slot] = id;
        }
        return _byName = table;
    }

    /// <summary>FNV-1a.</summary>
    private static uint Hash(ReadOnlySpan<byte> bytes)
    {
        uint h = 2166136261;
        foreach (byte b in bytes)
            h = (h ^ b) * 16777619;
        return h;
    }

    /// <summary>Parses a raw BTF blob (vmlinux's, not split module BTF).</summary>
    public static BtfTypes Parse(byte[] blob) => new(blob);

    /// <summary>
    /// This (vmlinux's) BTF with a module's split BTF on top (the kernel's <c>struct btf</c> of the module: its types numbered
    /// from this one's <see cref="Count"/>, its string offsets from this one's string section's length): one blob with both
    /// type sections and both string sections one after the other, in which every id and string offset of either holds.
    /// Lookups by name find the module's own types first.
    /// </summary>
    public BtfTypes WithSplit(byte[] split)
    {
        var s = split.AsSpan();
        if (s.Length < 24 || BinaryPrimitives.ReadUInt16LittleEndian(s) != Magic || s[2] != 1)
            throw Corrupt("a module's split BTF has no BTF header");
        uint hdrLen = BinaryPrimitives.ReadUInt32LittleEndian(s[4..]), typeOff = BinaryPrimitives.ReadUInt32LittleEndian(s[8..]);
        uint typeLen = BinaryPrimitives.ReadUInt32LittleEndian(s[12..]), strOff = BinaryPrimitives.ReadUInt32LittleEndian(s[16..]);
        uint strLen = BinaryPrimitives.ReadUInt32LittleEndian(s[20..]);
        if (hdrLen < 24 || (ulong)hdrLen + typeOff + typeLen > (ulong)s.Length || (ulong)hdrLen + strOff + strLen > (ulong)s.Length)
            throw Corrupt($"a module's split BTF (types {typeOff}+{typeLen}, strings {strOff}+{strLen}) runs past its {s.Length} bytes");
        long total = 24L + _typesLength + typeLen + _stringsLength + strLen;
        if (total > MaxBlobBytes)
            throw Corrupt($"vmlinux's and a module's BTF together are {total} bytes");
        var blob = new byte[total];
        var b = blob.AsSpan();
        BinaryPrimitives.WriteUInt16LittleEndian(b, Magic);
        b[2] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(b[4..], 24);
        BinaryPrimitives.WriteUInt32LittleEndian(b[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(b[12..], (uint)_typesLength + typeLen);
        BinaryPrimitives.WriteUInt32LittleEndian(b[16..], (uint)_typesLength + typeLen);
        BinaryPrimitives.WriteUInt32LittleEndian(b[20..], (uint)_stringsLength + strLen);
        int at = 24;
        _blob.AsSpan(_typesStart, _typesLength).CopyTo(b[at..]);
        at += _typesLength;
        s.Slice((int)(hdrLen + typeOff), (int)typeLen).CopyTo(b[at..]);
        at += (int)typeLen;
        _blob.AsSpan(_stringsStart, _stringsLength).CopyTo(b[at..]);
        at += _stringsLength;
        s.Slice((int)(hdrLen + strOff), (int)strLen).CopyTo(b[at..]);
        return new BtfTypes(blob) { _splitStart = Count };
    }

    /// <summary>Reads vmlinux's BTF from the dump: the bytes between the kallsyms <c>__start_BTF</c> and <c>__stop_BTF</c>.</summary>
    public static BtfTypes Load(VirtualMemoryReader read, KallsymsTable symbols)
    {
        if (symbols.AddressOf("__start_BTF") is not ulong start || symbols.AddressOf("__stop_BTF") is not ulong stop)
            throw new KernelDataException("the kernel has no BTF (no __start_BTF/__stop_BTF symbols: built without CONFIG_DEBUG_INFO_BTF)");
        if (stop <= start || stop - start > MaxBlobBytes)
            throw new KernelDataException($"BTF: implausible size 0x{stop - start:x} between __start_BTF and __stop_BTF");
        var blob = new byte[stop - start];
        if (!read(start, blob))
            throw new KernelDataException($"BTF: cannot read {blob.Length} bytes at 0x{start:x}");
        return new BtfTypes(blob);
    }

    private static KernelDataException Corrupt(string why) => new($"BTF: {why}");

    private uint U32(int at) => BinaryPrimitives.ReadUInt32LittleEndian(_blob.AsSpan(at, 4));

    private int RecordLength(int at, int end, int id)
    {
        uint info = U32(at + 4);
        int vlen = (int)(info & 0xffff);
        var kind = (BtfKind)((info >> 24) & 0x1f);
        long extra = kind switch
        {
            BtfKind.Int => 4,
            BtfKind.Array => 12,
            BtfKind.Struct or BtfKind.Union => 12L * vlen,
            BtfKind.Enum => 8L * vlen,
            BtfKind.FunctionProto => 8L * vlen,
            BtfKind.Variable => 4,
            BtfKind.DataSection => 12L * vlen,
            BtfKind.DeclTag => 4,
            BtfKind.Enum64 => 12L * vlen,
            BtfKind.Pointer or BtfKind.Forward or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const
                or BtfKind.Restrict or BtfKind.Function or BtfKind.Float or BtfKind.TypeTag => 0,
            _ => throw Corrupt($"type {id} has unknown kind {(int)kind}"),
        };
        if (12 + extra > end - at)
            throw Corrupt($"type {id} ({kind}, {vlen} entries) runs past the type section");
        return 12 + (int)extra;
    }

    /// <summary>The NUL-terminated string at <paramref name="offset"/> of the string section.</summary>
    public string String(uint offset) => Encoding.Latin1.GetString(StringBytes(offset));

    private ReadOnlySpan<byte> StringBytes(uint offset)
    {
        if (offset >= (uint)_stringsLength)
            throw Corrupt($"string offset {offset} is past the {_stringsLength}-byte string section");
        var s = _blob.AsSpan(_stringsStart + (int)offset, _stringsLength - (int)offset);
        int nul = s.IndexOf((byte)0);
        if (nul < 0)
            throw Corrupt($"string at {offset} is not terminated");
        return s[..nul];
    }

    private int Record(int id) =>
        id > 0 && id < _record.Length ? _record[id] : throw Corrupt($"type id {id} is out of range (1..{_record.Length - 1})");

    public BtfKind Kind(int id) => id == 0 ? BtfKind.Void : (BtfKind)((U32(Record(id) + 4) >> 24) & 0x1f);

    public string Name(int id) => id == 0 ? "void" : U32(Record(id)) is uint off and not 0 ? String(off) : "";

    private int Vlen(int id) => (int)(U32(Record(id) + 4) & 0xffff);
    private bool KindFlag(int id) => (U32(Record(id) + 4) & 0x8000_0000) != 0;

    /// <summary>The size_or_type word: a size for INT, STRUCT, UNION, ENUM, FLOAT, DATASEC; a type id for the others.</summary>
    private uint SizeOrType(int id) => U32(Record(id) + 8);

    /// <summary>The type a PTR, TYPEDEF, qualifier, FUNC, VAR or TYPE_TAG refers to.</summary>
    public int Referenced(int id) => CheckId((int)SizeOrType(id));

    private int CheckId(int id) => id >= 0 && id < _record.Length ? id : throw Corrupt($"type id {id} is out of range");

    /// <summary>Ids of every type of that name (any kind).</summary>
    public IReadOnlyList<int> ByName(string name)
    {
        var ids = new List<int>(1);
        if (name.Length == 0 || name.Length > _stringsLength)
            return ids;
        Span<byte> key = name.Length <= 512 ? stackalloc byte[name.Length] : new byte[name.Length];
        for (int k = 0; k < name.Length; k++)
        {
            if (name[k] > 0xff)
                return ids;
            key[k] = (byte)name[k];
        }
        var table = _byName ?? BuildNameIndex();
        int mask = table.Length - 1;
        // Ids of one name lie along the probe sequence in id order, as they were added.
        for (int slot = (int)(Hash(key) & (uint)mask); table[slot] != 0; slot = (slot + 1) & mask)
            if (StringBytes(U32(_record[table[slot]])).SequenceEqual(key))
                ids.Add(table[slot]);
        return ids;
    }

    /// <summary>The first type of that name and kind (a module's own first, with <see cref="WithSplit"/>), or null.</summary>
    public int? Find(string name, BtfKind kind)
    {
        int? first = null;
        foreach (int id in ByName(name))
            if (Kind(id) == kind)
            {
                if (_splitStart == 0 || id >= _splitStart)
                    return id;
                first ??= id;
            }
        return first;
    }

    /// <summary>
    /// A type named as C code or VMCOREINFO names it: a struct, else a union, else a typedef, else an
    /// enum or base type (so <c>pglist_data</c>, <c>atomic_long_t</c>, <c>nodemask_t</c> all resolve).
    /// </summary>
    public int? FindType(string name)
    {
        foreach (var kind in new[] { BtfKind.Struct, BtfKind.Union, BtfKind.Typedef, BtfKind.Enum, BtfKind.Enum64, BtfKind.Int, BtfKind.Float })
            if (Find(name, kind) is int id)
                return id;
        return null;
    }

    /// <summary>Follows typedefs and qualifiers (const, volatile, restrict, type tags) to the type underneath.</summary>
    public int Strip(int id)
    {
        for (int hops = 0; hops < MaxChain; hops++)
        {
            switch (Kind(id))
            {
                case BtfKind.Typedef or BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.TypeTag:
                    id = Referenced(id);
                    break;
                default:
                    return id;
            }
        }
        throw Corrupt($"type chain from {id} is longer than {MaxChain} (a cycle?)");
    }

    /// <summary>sizeof the type in bytes.</summary>
    public ulong SizeOf(int id) => SizeOf(id, 0);

    private ulong SizeOf(int id, int depth)
    {
        if (depth > MaxChain)
            throw Corrupt($"type {id} nests deeper than {MaxChain}");
        id = Strip(id);
        switch (Kind(id))
        {
            case BtfKind.Int or BtfKind.Struct or BtfKind.Union or BtfKind.Enum or BtfKind.Enum64 or BtfKind.Float or BtfKind.DataSection:
                return SizeOrType(id);
            case BtfKind.Pointer:
                return 8;
            case BtfKind.Array:
                var a = Array(id);
                ulong elem = SizeOf(a.ElementType, depth + 1);
                return elem != 0 && a.Count > ulong.MaxValue / elem ? throw Corrupt($"array {id} is too large") : elem * a.Count;
            case BtfKind.Void or BtfKind.Forward or BtfKind.Function or BtfKind.FunctionProto:
                return 0;
            default:
                throw Corrupt($"type {id} ({Kind(id)}) has no size");
        }
    }

    public BtfArray Array(int id)
    {
        if (Kind(id) != BtfKind.Array)
            throw new ArgumentException($"type {id} is not an array");
        int at = Record(id) + 12;
        return new BtfArray(CheckId((int)U32(at)), CheckId((int)U32(at + 4)), U32(at + 8));
    }

    /// <summary>INT's encoding word: (is signed, is char, is bool, bit offset, bits).</summary>
    public (bool Signed, bool Char, bool Bool, int Offset, int Bits) IntEncoding(int id)
    {
        if (Kind(id) != BtfKind.Int)
            throw new ArgumentException($"type {id} is not an int");
        uint e = U32(Record(id) + 12);
        return ((e >> 24 & 1) != 0, (e >> 24 & 2) != 0, (e >> 24 & 4) != 0, (int)(e >> 16 & 0xff), (int)(e & 0xff));
    }

    /// <summary>A struct's or union's members in declaration order (anonymous ones have an empty name).</summary>
    public IEnumerable<BtfMember> Members(int id)
    {
        var kind = Kind(id);
        if (kind is not (BtfKind.Struct or BtfKind.Union))
            throw new ArgumentException($"type {id} is not a struct or union");
        int n = Vlen(id), at = Record(id) + 12;
        bool bitfields = KindFlag(id);
        for (int i = 0; i < n; i++, at += 12)
        {
            uint nameOff = U32(at), type = U32(at + 4), offset = U32(at + 8);
            yield return new BtfMember(nameOff == 0 ? "" : String(nameOff), CheckId((int)type),
                bitfields ? offset & 0xff_ffff : offset, bitfields ? (int)(offset >> 24) : 0);
        }
    }

    /// <summary>A FUNC_PROTO's parameter types in order (0 for a trailing <c>...</c>).</summary>
    public List<int> FunctionParameters(int id)
    {
        if (Kind(id) != BtfKind.FunctionProto)
            throw new ArgumentException($"type {id} is not a function prototype");
        int n = Vlen(id), at = Record(id) + 12;
        var list = new List<int>(n);
        for (int i = 0; i < n; i++, at += 8)
            list.Add(CheckId((int)U32(at + 4)));
        return list;
    }

    /// <summary>An enum's values (ENUM or ENUM64).</summary>
    public IEnumerable<BtfEnumValue> EnumValues(int id)
    {
        var kind = Kind(id);
        int n = Vlen(id), at = Record(id) + 12;
        bool signed = KindFlag(id);
        if (kind == BtfKind.Enum)
            for (int i = 0; i < n; i++, at += 8)
                yield return new BtfEnumValue(String(U32(at)), signed ? (int)U32(at + 4) : U32(at + 4));
        else if (kind == BtfKind.Enum64)
            for (int i = 0; i < n; i++, at += 12)
                yield return new BtfEnumValue(String(U32(at)), (long)((ulong)U32(at + 8) << 32 | U32(at + 4)));
        else
            throw new ArgumentException($"type {id} is not an enum");
    }

    /// <summary>The value of an enumerator, searched in every enum (C's enumerators share one namespace).</summary>
    public long? EnumeratorValue(string name)
    {
        for (int id = 1; id < _record.Length; id++)
            if (Kind(id) is BtfKind.Enum or BtfKind.Enum64)
                foreach (var v in EnumValues(id))
                    if (v.Name == name)
                        return v.Value;
        return null;
    }

    /// <summary>
    /// A member of <paramref name="type"/> by name, looking into anonymous structs and unions as C
    /// does; null when there is none.
    /// </summary>
    public BtfMemberLocation? Member(int type, string name) => Member(type, name, 0);

    private BtfMemberLocation? Member(int type, string name, int depth)
    {
        if (depth > MaxChain)
            throw Corrupt($"anonymous members of type {type} nest deeper than {MaxChain}");
        type = Strip(type);
        if (Kind(type) is not (BtfKind.Struct or BtfKind.Union))
            return null;
        foreach (var m in Members(type))
        {
            if (m.Name == name)
                return new BtfMemberLocation(m.BitOffset, m.Type, m.BitfieldSize);
            if (m.Name.Length == 0 && Member(m.Type, name, depth + 1) is { } inner)
                return inner with { BitOffset = m.BitOffset + inner.BitOffset };
        }
        return null;
    }

    /// <summary>
    /// A dotted path from a named type: <c>mm_struct.total_vm</c>, <c>task_struct.thread.sp</c>,
    /// <c>atomic_long_t.counter</c>. Null when the type or a member is unknown.
    /// </summary>
    public BtfMemberLocation? MemberPath(string path)
    {
        var parts = path.Split('.');
        if (parts.Length < 2 || FindType(parts[0]) is not int type)
            return null;
        ulong bits = 0;
        BtfMemberLocation? at = null;
        for (int i = 1; i < parts.Length; i++)
        {
            if (Member(type, parts[i]) is not { } m)
                return null;
            bits += m.BitOffset;
            at = m with { BitOffset = bits };
            type = m.Type;
        }
        return at;
    }

    /// <summary>The type's name as C writes it: <c>struct list_head</c>, <c>unsigned long</c>, <c>u64</c>, <c>char *</c>.</summary>
    public string TypeName(int id)
    {
        var suffix = new StringBuilder();
        for (int hops = 0; hops < MaxChain; hops++)
        {
            switch (Kind(id))
            {
                case BtfKind.Void: return "void" + suffix;
                case BtfKind.Pointer: suffix.Insert(0, '*'); id = Referenced(id); continue;
                case BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.TypeTag: id = Referenced(id); continue;
                case BtfKind.Array: suffix.Append($"[{Array(id).Count}]"); id = Array(id).ElementType; continue;
                case BtfKind.Struct: return Join("struct " + Name(id), suffix);
                case BtfKind.Union: return Join("union " + Name(id), suffix);
                case BtfKind.Enum or BtfKind.Enum64: return Join("enum " + Name(id), suffix);
                case BtfKind.Forward: return Join((KindFlag(id) ? "union " : "struct ") + Name(id), suffix);
                case BtfKind.FunctionProto: return Join("func", suffix);
                default: return Join(Name(id), suffix);
            }
        }
        throw Corrupt($"type chain from {id} is longer than {MaxChain} (a cycle?)");
    }

    private static string Join(string name, StringBuilder suffix) =>
        suffix.Length == 0 ? name : suffix[0] == '*' ? $"{name} {suffix}" : name + suffix;
}
