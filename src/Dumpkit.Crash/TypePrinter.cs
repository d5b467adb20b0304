// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Dumpkit.Kernel.Btf;

namespace Dumpkit.Crash;

/// <summary>
/// Types and values printed the way crash (through gdb) prints them: a definition as
/// <c>ptype</c> does (<c>struct list_head {\n    struct list_head *next;\n ...}</c>), a value as
/// <c>print</c> does (<c>{\n  next = 0xffff...,\n ...}</c>, pointers with their symbol, char
/// arrays as strings with octal escapes). Types come from BTF (the session's, or <paramref name="types"/>: vmlinux's merged
/// with a module's), memory from the dump.
/// </summary>
internal sealed class TypePrinter(CrashSession session, BtfTypes? types = null)
{
    /// <summary>Integers, characters, booleans and bit fields in hexadecimal (gdb's <c>print/x</c>, crash's <c>-x</c>); enums keep their names.</summary>
    public bool Hex { get; init; }

    private const int MaxDepth = 32;
    private const int MaxArrayElements = 1 << 16;
    private BtfTypes Btf => types ?? session.Types;

    // ---- definitions (ptype) ----

    /// <summary>The C declaration of <paramref name="name"/> with type <paramref name="type"/>: <c>char sysname[65]</c>, <c>void (*fn)(int)</c>.</summary>
    public string Declaration(int type, string name, int indent)
    {
        var btf = Btf;
        string inner = name;
        for (int hops = 0; hops < MaxDepth; hops++)
        {
            switch (btf.Kind(type))
            {
                case BtfKind.Pointer:
                    inner = "*" + inner;
                    type = btf.Referenced(type);
                    if (btf.Kind(type) is BtfKind.Array or BtfKind.FunctionProto) inner = "(" + inner + ")";
                    continue;
                case BtfKind.Array:
                    var a = btf.Array(type);
                    inner += a.Count == 0 ? "[]" : $"[{a.Count}]"; // a flexible array member
                    type = a.ElementType;
                    continue;
                case BtfKind.Const:
                    return "const " + Declaration(btf.Referenced(type), inner, indent);
                case BtfKind.Volatile:
                    return "volatile " + Declaration(btf.Referenced(type), inner, indent);
                case BtfKind.Restrict or BtfKind.TypeTag:
                    type = btf.Referenced(type);
                    continue;
                case BtfKind.FunctionProto:
                    var ret = Declaration(btf.Referenced(type), "", indent);
                    return $"{ret}{(ret.EndsWith('*') ? "" : " ")}{inner}({Parameters(type)})";
                case (BtfKind.Struct or BtfKind.Union) when btf.Name(type).Length == 0:
                    return $"{Body(type, indent)}{(inner.Length > 0 ? " " + inner : "")}";
                default:
                    var t = btf.Kind(type) == BtfKind.Int ? GdbIntName(btf.Name(type)) : btf.TypeName(type);
                    return inner.Length == 0 ? t : inner.StartsWith('*') || inner.StartsWith('(') ? $"{t} {inner}" : $"{t} {inner}";
            }
        }
        throw new CommandException("struct: type chain too deep");
    }

    /// <summary>gdb's names for the compiler's base types: "long unsigned int" prints as "unsigned long".</summary>
    private static string GdbIntName(string name) => name switch
    {
        "long unsigned int" => "unsigned long",
        "long int" => "long",
        "short unsigned int" => "unsigned short",
        "short int" => "short",
        "long long unsigned int" => "unsigned long long",
        "long long int" => "long long",
        _ => name,
    };

    private string Parameters(int proto)
    {
        var btf = Btf;
        var types = ProtoParams(proto);
        if (types.Count == 0) return "void";
        return string.Join(", ", types.Select(t => t == 0 ? "..." : Declaration(t, "", 0)));
    }

    private List<int> ProtoParams(int proto) => Btf.FunctionParameters(proto);

    /// <summary>A struct or union's body: <c>struct name {</c>, a member a line, the closing brace at <paramref name="indent"/>.</summary>
    public string Body(int type, int indent)
    {
        var btf = Btf;
        var sb = new StringBuilder();
        sb.Append(btf.Kind(type) == BtfKind.Union ? "union " : "struct ");
        if (btf.Name(type).Length > 0) sb.Append(btf.Name(type)).Append(' ');
        sb.Append("{\n");
        foreach (var m in btf.Members(type))
        {
            sb.Append(' ', indent + 4).Append(Declaration(m.Type, m.Name, indent + 4));
            if (m.BitfieldSize > 0) sb.Append(" : ").Append(m.BitfieldSize);
            sb.Append(";\n");
        }
        sb.Append(' ', indent).Append('}');
        return sb.ToString();
    }

    // ---- values (print) ----

    /// <summary>
    /// A value of <paramref name="type"/> held in <paramref name="data"/>, as gdb's print shows it; <paramref name="address"/> is where
    /// the data lies in memory (0 when unknown): gdb shows a flexible array member by its address.
    /// </summary>
    public void Value(StringBuilder sb, int type, ReadOnlySpan<byte> data, int indent, int depth = 0, ulong address = 0)
    {
        if (depth > MaxDepth) { sb.Append("..."); return; }
        var btf = Btf;
        int t = btf.Strip(type);
        switch (btf.Kind(t))
        {
            case BtfKind.Struct or BtfKind.Union:
                var members = btf.Members(t).ToList();
                if (members.Count == 0)
                {
                    sb.Append("{<No data fields>}");
                    return;
                }
                sb.Append("{\n");
                for (int i = 0; i < members.Count; i++)
                {
                    var m = members[i];
                    sb.Append(' ', indent + 2);
                    if (m.Name.Length > 0) sb.Append(m.Name).Append(" = ");
                    if (m.BitfieldSize > 0)
                        sb.Append(Bitfield(data, m, btf.Strip(m.Type)));
                    else
                    {
                        ulong size = btf.SizeOf(m.Type);
                        ulong off = m.BitOffset / 8;
                        if (off + size > (ulong)data.Length) sb.Append("<unavailable>");
                        else Value(sb, m.Type, data.Slice((int)off, (int)size), indent + 2, depth + 1, address == 0 ? 0 : address + off);
                    }
                    sb.Append(i + 1 < members.Count ? ",\n" : "\n");
                }
                sb.Append(' ', indent).Append('}');
                return;
            case BtfKind.Array:
                var a = btf.Array(t);
                int elem = btf.Strip(a.ElementType);
                ulong es = btf.SizeOf(elem);
                if (a.Count == 0 && address != 0)
                {
                    // a flexible array member: gdb prints where it starts, as a pointer to its element type
                    Pointer(sb, address, IsChar(elem));
                    return;
                }
                if (IsChar(elem))
                {
                    CharArray(sb, data[..(int)Math.Min((ulong)data.Length, a.Count)]);
                    return;
                }
                sb.Append('{');
                uint n = Math.Min(a.Count, MaxArrayElements);
                for (uint i = 0; i < n; i++)
                {
                    if (i > 0) sb.Append(", ");
                    ulong off = i * es;
                    if (off + es > (ulong)data.Length) { sb.Append("<unavailable>"); break; }
                    // gdb indents the members of a struct element two more than the array's member
                    int inner = btf.Kind(elem) is BtfKind.Struct or BtfKind.Union ? indent + 2 : indent;
                    Value(sb, a.ElementType, data.Slice((int)off, (int)es), inner, depth + 1, address == 0 ? 0 : address + off);
                }
                sb.Append('}');
                return;
            case BtfKind.Pointer:
                Pointer(sb, BinaryPrimitives.ReadUInt64LittleEndian(data), IsChar(btf.Strip(btf.Referenced(t))));
                return;
            case BtfKind.Int:
                var e = btf.IntEncoding(t);
                ulong raw = Raw(data, (int)btf.SizeOf(t));
                if (e.Bool && !Hex) { sb.Append(raw != 0 ? "true" : "false"); return; }
                if (Hex) { sb.Append("0x").Append(raw.ToString("x", CultureInfo.InvariantCulture)); return; }
                sb.Append(Integer(raw, (int)btf.SizeOf(t), e.Signed));
                if (IsChar(t)) { sb.Append(" '"); CharLiteral(sb, (byte)raw, '\''); sb.Append('\''); }
                return;
            case BtfKind.Enum or BtfKind.Enum64:
                long v = (long)Raw(data, (int)btf.SizeOf(t));
                if (btf.SizeOf(t) == 4) v = btf.EnumValues(t).Any(x => x.Value < 0) ? (int)v : (uint)v;
                var name = btf.EnumValues(t).FirstOrDefault(x => x.Value == v).Name;
                sb.Append(name ?? v.ToString(CultureInfo.InvariantCulture));
                return;
            default:
                sb.Append(btf.Kind(t) is BtfKind.FunctionProto ? "{...}" : "<unprintable>");
                return;
        }
    }

    /// <summary>A pointer value as gdb prints it: hex, the symbol it points at, and for a <c>char *</c> the string there.</summary>
    private void Pointer(StringBuilder sb, ulong p, bool toChar)
    {
        sb.Append(p == 0 ? "0x0" : $"0x{p:x}");
        if (p != 0 && session.ResolveSymbol(p) is { } r)
            sb.Append(r.Offset == 0 ? $" <{r.Name}>" : $" <{r.Name}+{r.Offset}>");
        if (p != 0 && toChar)
            PointedString(sb, p);
    }

    /// <summary>A one-byte int gdb treats as a character: BTF's CHAR flag, or a name with "char" (pahole's BTF has no flag).</summary>
    private bool IsChar(int type) =>
        Btf.Kind(type) == BtfKind.Int && Btf.SizeOf(type) == 1
        && (Btf.IntEncoding(type).Char || Btf.Name(type).Contains("char", StringComparison.Ordinal));

    /// <summary>What a <c>char *</c> points at, as gdb appends it: up to 200 characters, then "...".</summary>
    private void PointedString(StringBuilder sb, ulong address)
    {
        const int Limit = 200;
        var s = session.ReadCString(address, Limit + 1);
        if (s is null)
        {
            sb.Append($" <error: Cannot access memory at address 0x{address:x}>");
            return;
        }
        sb.Append(" \"");
        foreach (char c in s.Length > Limit ? s[..Limit] : s)
            CharLiteral(sb, (byte)c, '"');
        sb.Append('"');
        if (s.Length > Limit) sb.Append("...");
    }

    private string Bitfield(ReadOnlySpan<byte> data, BtfMember m, int type)
    {
        int first = (int)(m.BitOffset / 8), last = (int)((m.BitOffset + (ulong)m.BitfieldSize - 1) / 8);
        if (last >= data.Length) return "<unavailable>";
        ulong raw = 0;
        for (int i = last; i >= first; i--) raw = raw << 8 | data[i];
        raw = (raw >> (int)(m.BitOffset % 8)) & (m.BitfieldSize >= 64 ? ulong.MaxValue : (1UL << m.BitfieldSize) - 1);
        bool signed = Btf.Kind(type) == BtfKind.Int && Btf.IntEncoding(type).Signed;
        if (Hex)
            return "0x" + raw.ToString("x", CultureInfo.InvariantCulture);
        if (signed && m.BitfieldSize < 64 && (raw >> (m.BitfieldSize - 1) & 1) != 0)
            raw |= ~((1UL << m.BitfieldSize) - 1);
        if (Btf.Kind(type) == BtfKind.Int && Btf.IntEncoding(type).Bool) return raw != 0 ? "true" : "false";
        var text = signed ? ((long)raw).ToString(CultureInfo.InvariantCulture) : raw.ToString(CultureInfo.InvariantCulture);
        if (!IsChar(type))
            return text;
        // a char bit field (unsigned char skc_reuse:4) as gdb prints any char: 12 '\f'
        var sb = new StringBuilder(text).Append(" '");
        CharLiteral(sb, (byte)raw, '\'');
        return sb.Append('\'').ToString();
    }

    private static ulong Raw(ReadOnlySpan<byte> data, int size) => size switch
    {
        1 => data[0],
        2 => BinaryPrimitives.ReadUInt16LittleEndian(data),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(data),
        8 => BinaryPrimitives.ReadUInt64LittleEndian(data),
        _ => 0,
    };

    private static string Integer(ulong raw, int size, bool signed)
    {
        if (!signed) return raw.ToString(CultureInfo.InvariantCulture);
        long v = size switch { 1 => (sbyte)raw, 2 => (short)raw, 4 => (int)raw, _ => (long)raw };
        return v.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A char array as gdb prints it: the whole array but its final NUL, escapes in octal.</summary>
    private static void CharArray(StringBuilder sb, ReadOnlySpan<byte> bytes)
    {
        int n = bytes.Length;
        if (n > 0 && bytes[n - 1] == 0) n--;
        sb.Append('"');
        for (int i = 0; i < n; i++) CharLiteral(sb, bytes[i], '"');
        sb.Append('"');
    }

    private static void CharLiteral(StringBuilder sb, byte c, char quote)
    {
        switch (c)
        {
            case (byte)'\\': sb.Append("\\\\"); return;
            case (byte)'\n': sb.Append("\\n"); return;
            case (byte)'\t': sb.Append("\\t"); return;
            case (byte)'\r': sb.Append("\\r"); return;
            case (byte)'\a': sb.Append("\\a"); return;
            case (byte)'\b': sb.Append("\\b"); return;
            case (byte)'\f': sb.Append("\\f"); return;
            case (byte)'\v': sb.Append("\\v"); return;
            case 0x1b: sb.Append("\\033"); return;
        }
        if (c == quote) { sb.Append('\\').Append(quote); return; }
        if (c is >= 0x20 and < 0x7f) { sb.Append((char)c); return; }
        sb.Append('\\').Append(Convert.ToString(c, 8).PadLeft(3, '0'));
    }
}
