// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;
using Dumpkit.Kernel.Btf;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>struct NAME[.member[,member]] [-o] [ADDR|SYMBOL]</c> (and <c>union</c>): the type's definition
/// (with <c>-o</c> or members named: each member's offset), or its contents at an address, as
/// crash prints them through gdb. Types from vmlinux's BTF, else from the first loaded module whose own BTF defines the name.
/// </summary>
internal sealed class StructCommand(bool union = false) : ICrashCommand
{
    public string Name => union ? "union" : "struct";
    public string Synopsis => $"  {Name} {Name}_name[.member[,member]] [-o] [address | symbol]";
    public string Summary => union ? "union contents" : "structure contents";

    public void Run(CrashSession session, string[] args)
    {
        bool offsets = false;
        var rest = new List<string>();
        foreach (var a in args)
        {
            if (a == "-o") offsets = true;
            else if (a.StartsWith('-') && a.Length > 1) throw new CommandException($"{Name}: invalid option -- '{a[1]}'\n" + CrashSession.Usage(this).Message);
            else rest.Add(a);
        }
        if (rest.Count is 0 or > 2)
            throw CrashSession.Usage(this);

        var spec = rest[0];
        int dot = spec.IndexOf('.');
        string typeName = dot < 0 ? spec : spec[..dot];
        string[] members = dot < 0 ? [] : spec[(dot + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries);
        var btf = session.Types;
        int type;
        if (Find(btf, typeName) is int found)
            type = found;
        else if (session.ModuleTypes.Find(typeName, t => Find(t, typeName)) is (BtfTypes merged, int id, _))
            (btf, type) = (merged, id);
        else
            throw new CommandException($"{Name}: invalid data structure reference: {typeName}");
        int body = btf.Strip(type);
        var printer = new TypePrinter(session, btf);
        foreach (var m in members)
            if (btf.Member(body, m) is null)
                throw new CommandException($"{Name}: invalid data structure reference: {typeName}.{m}");

        var o = session.Out;
        if (rest.Count == 1)
        {
            if (members.Length > 0 || offsets)
                o.WriteLine(WithOffsets(btf, printer, type, body, members));
            else
                o.WriteLine(Definition(btf, printer, type, body));
            if (members.Length == 0)
                o.WriteLine($"SIZE: {btf.SizeOf(body)}");
            return;
        }

        if (!session.TryParseAddress(rest[1], out ulong address, out _))
            throw SymCommand.NotFound(session.Symbols, rest[1]);
        ulong size = btf.SizeOf(body);
        if (size > 1 << 20)
            throw new CommandException($"{Name}: {typeName} is too large to print ({size} bytes)");
        var data = new byte[size];
        if (!session.Memory.TryReadVirtual(address, data))
            throw new CommandException(ExcludedPages.Message(session, Name, address, "gdb_readmem_callback"));
        var sb = new StringBuilder();
        sb.Append(HeaderName(btf, type, body)).Append(' ');
        printer.Value(sb, body, data, 0, 0, address);
        var text = sb.ToString();
        if (members.Length == 0)
        {
            o.WriteLine(text);
            return;
        }
        var lines = text.Split('\n');
        foreach (var m in members)
            foreach (var line in MemberLines(lines, m))
                o.WriteLine(line);
    }

    private int? Find(BtfTypes btf, string name)
    {
        var kind = union ? BtfKind.Union : BtfKind.Struct;
        if (btf.Find(name, kind) is int id) return id;
        if (btf.Find(name, BtfKind.Typedef) is int td && btf.Kind(btf.Strip(td)) == kind) return td;
        return null;
    }

    private static string HeaderName(BtfTypes btf, int type, int body) =>
        (btf.Kind(body) == BtfKind.Union ? "union " : "struct ") + btf.Name(type);

    /// <summary>ptype: <c>struct NAME {...}</c>, or <c>typedef struct {...} NAME;</c> for a typedef of an anonymous struct.</summary>
    private static string Definition(BtfTypes btf, TypePrinter printer, int type, int body)
    {
        if (btf.Kind(type) == BtfKind.Typedef && btf.Name(body).Length == 0)
            return $"typedef {printer.Body(body, 0)} {btf.Name(type)};";
        return printer.Body(body, 0);
    }

    /// <summary>The members (all, or the named ones) each with its byte offset: <c>   [8] struct list_head *prev;</c>.</summary>
    private static string WithOffsets(BtfTypes btf, TypePrinter printer, int type, int body, string[] members)
    {
        var sb = new StringBuilder();
        sb.Append(btf.Kind(body) == BtfKind.Union ? "union " : "struct ").Append(btf.Name(type)).Append(" {\n");
        var names = members.Length > 0 ? members : btf.Members(body).Select(m => m.Name).ToArray();
        foreach (var name in names)
        {
            var m = name.Length > 0 ? btf.Member(body, name) : null;
            var member = btf.Members(body).FirstOrDefault(x => x.Name == name);
            ulong bits = m?.BitOffset ?? member.BitOffset;
            int mtype = m?.Type ?? member.Type;
            int bitfield = m?.BitfieldSize ?? member.BitfieldSize;
            sb.Append($"[{bits / 8}]".PadLeft(6)).Append(' ').Append(printer.Declaration(mtype, name, 3));
            if (bitfield > 0) sb.Append(" : ").Append(bitfield);
            sb.Append(";\n");
        }
        sb.Append('}');
        return sb.ToString();
    }

    /// <summary>The lines of one top-level member in a printed value (its trailing comma kept, as crash keeps it).</summary>
    internal static IEnumerable<string> MemberLines(string[] lines, string member)
    {
        var start = $"  {member} = ";
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith(start, StringComparison.Ordinal))
                continue;
            yield return lines[i];
            for (int k = i + 1; k < lines.Length; k++)
            {
                var l = lines[k];
                if (l.Length < 3 || l[2] != ' ')
                {
                    if (l.StartsWith("  }", StringComparison.Ordinal)) yield return l;
                    break;
                }
                yield return l;
            }
            yield break;
        }
    }
}
