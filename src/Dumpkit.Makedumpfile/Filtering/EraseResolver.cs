// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using Dumpkit.Formats;
using Dumpkit.Kernel;
using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;

namespace Dumpkit.Makedumpfile.Filtering;

/// <summary>
/// Bytes of physical memory to overwrite in the output: makedumpfile poisons with 'X', nullify writes zeros. Entry and Time:
/// the <see cref="EraseLog"/> entry (0: none) and which of its erases this is.
/// </summary>
internal readonly record struct PhysicalErase(ulong Address, int Length, byte Fill, int Entry = 0, int Time = 0);

/// <summary>
/// Turns erase commands into physical byte ranges as makedumpfile's erase_info.c resolves them,
/// with the dump's own kallsyms for addresses and its BTF for types and members: a pointer on
/// the way is followed (a NULL one erases nothing), the size is the command's, the value of a
/// size expression (a base type of at most 8 bytes), or the last member's type's (an array whole,
/// <c>char *</c> the string it points to up to 1024 bytes, <c>void *</c> nothing, another pointer
/// what it points to); <c>nullify</c> zeroes a pointer.
/// </summary>
/// <remarks>
/// A command of a <c>[module]</c> section finds its symbol among that module's kallsyms first, then vmlinux's (as makedumpfile's
/// sym_in_module, then get_symbol_addr), and its types in vmlinux's BTF with the module's split BTF on top
/// (<paramref name="typesOf"/> of the module's name; null: vmlinux's; <paramref name="moduleSymbol"/>: a module's symbol).
/// </remarks>
internal sealed class EraseResolver(KernelMemory memory, KallsymsTable symbols, Func<string?, BtfTypes> typesOf,
    Func<string, string, ulong?> moduleSymbol, Action<int, string> report, Messages msg)
{
    /// <summary>The section of the command being resolved: a module's name, or null for vmlinux.</summary>
    private string? _module;

    private BtfTypes Types() => typesOf(_module);

    private ulong? AddressOf(string name) =>
        (_module is { } m ? moduleSymbol(m, name) : null) ?? symbols.AddressOf(name);

    private const byte Poison = (byte)'X';
    private const int MaxString = 1024;

    /// <summary>A type as a BTF id with pointers added on top (what <c>SYMBOL:TYPE*</c> names); Id -1: unknown.</summary>
    private readonly record struct TypeRef(int Id, int Pointers);

    private readonly record struct Place(ulong Address, TypeRef Type);

    /// <summary>Each erase as makedumpfile's filter_info holds it: its pieces, and its size.</summary>
    private readonly List<(List<PhysicalErase> Pieces, long Size)> _erases = [];
    private readonly Dictionary<ulong, int> _byStart = [];
    private readonly Dictionary<EraseCommand, int> _entries = new(ReferenceEqualityComparer.Instance);

    /// <summary>What was erased, for the dump's eraseinfo.</summary>
    public EraseLog Log { get; } = new();

    /// <summary>A loop's iteration variable bound to one element: its address and type.</summary>
    private sealed record Binding(string Id, Place Element);

    /// <summary>The most elements one loop visits (a list that never comes back to its head ends there).</summary>
    private const int MaxElements = 1 << 20;

    public List<PhysicalErase> Resolve(IEnumerable<EraseCommand> commands)
    {
        var list = commands.ToList();
        for (int i = 0; i < list.Count;)
        {
            _module = list[i].Module;
            if (list[i].Loop is not { } loop)
            {
                Guarded(list[i].Line, () => Resolve(list[i], null));
                i++;
                continue;
            }
            int end = i;
            while (end < list.Count && ReferenceEquals(list[end].Loop, loop))
                end++;
            var body = list.GetRange(i, end - i);
            Guarded(loop.Line, () =>
            {
                foreach (var element in Elements(loop))
                    foreach (var c in body)
                        Guarded(c.Line, () => Resolve(c, new Binding(loop.Id, element)));
            });
            i = end;
        }
        return [.. _erases.SelectMany(e => e.Pieces)];
    }

    /// <summary>
    /// The eraseinfo's size as makedumpfile estimates it for an ELF file (get_size_eraseinfo): one line per erase (two
    /// starting at one address are one, the longer), <c>erase EXPR size N</c> or <c>erase EXPR nullify</c>.
    /// </summary>
    public long PlannedEraseinfoSize()
    {
        long size = 0;
        foreach (var (pieces, length) in _erases)
        {
            var first = pieces[0];
            size += System.Text.Encoding.UTF8.GetByteCount(EraseLog.Line(Log.Expression(first.Entry), first.Fill == 0 ? -1 : length));
        }
        return size;
    }

    private void Guarded(int line, Action action)
    {
        try
        {
            action();
        }
        catch (KernelDataException e)
        {
            report(line, $"{e.Message}.");
        }
    }

    /// <summary>The elements a loop visits, as makedumpfile's get_next_list_entry walks them.</summary>
    private IEnumerable<Place> Elements(ForLoop loop)
    {
        var btf = Types();
        var e = loop.List;
        if (loop.WithinStruct is { } structName)
        {
            // LIST_HEAD.next within STRUCT:MEMBER: the nodes after the head, up to the head again; a global list_head needs no type.
            if (e.TypeName is null && e.Members.Count == 1 && e.Members[0] == "next")
                e = e with { TypeName = "list_head" };
            if (btf.FindType(structName) is not int sid || btf.Member(sid, loop.WithinMember!) is not { } m)
            {
                report(loop.Line, $"Can't find structure: {structName}.");
                yield break;
            }
            if (Locate(loop.Line, e, null) is not Place at)
                yield break;
            bool viaNext = e.Members.Count > 0 && e.Members[^1] == "next" && IsPointer(at.Type);
            ulong head = viaNext ? at.Address - (btf.MemberPath("list_head.next") is { } n ? n.ByteOffset : 0) : at.Address;
            if (!ReadPointer(head, out ulong node))
                throw new KernelDataException($"can't read the list head at 0x{head:x}");
            for (int count = 0; node != 0 && node != head && count < MaxElements; count++)
            {
                yield return new Place(node - m.ByteOffset, new TypeRef(sid, 0));
                if (!ReadPointer(node, out node))
                    throw new KernelDataException($"can't read the list node at 0x{node:x}");
            }
            yield break;
        }
        if (Locate(loop.Line, e, null) is not Place list)
            yield break;
        if (loop.Via is { } via)
        {
            // STRUCT (or pointer to it) via NEXT: the chain until NULL or back to the first.
            ulong first = list.Address;
            var type = list.Type;
            if (IsPointer(type))
            {
                if (!ReadPointer(list.Address, out first))
                    throw new KernelDataException($"can't read the pointer '{e}' at 0x{list.Address:x}");
                type = Pointee(type);
            }
            if (type.Pointers > 0 || type.Id < 0 || btf.Member(type.Id, via) is not { } next)
            {
                report(loop.Line, $"struct '{Describe(type)}' has no member with name '{via}'.");
                yield break;
            }
            ulong v = first;
            for (int count = 0; v != 0 && count < MaxElements; count++)
            {
                yield return new Place(v, type);
                if (!ReadPointer(v + next.ByteOffset, out v))
                    throw new KernelDataException($"can't read '{via}' at 0x{v + next.ByteOffset:x}");
                if (v == first)
                    break;
            }
            yield break;
        }
        // ARRAY: each element; of an array of pointers, each non-NULL pointer's target.
        int id = list.Type.Pointers == 0 && list.Type.Id >= 0 ? btf.Strip(list.Type.Id) : -1;
        TypeRef element;
        uint length;
        if (e.ArrayLength > 0)
            (element, length) = (list.Type, e.ArrayLength);
        else if (id >= 0 && btf.Kind(id) == BtfKind.Array)
            (element, length) = (new TypeRef(btf.Array(id).ElementType, 0), btf.Array(id).Count);
        else
        {
            report(loop.Line, $"'{e}' is not an array (a global array is written SYMBOL:TYPE[N]): use 'via' or 'within'.");
            yield break;
        }
        ulong size = IsPointer(element) ? 8 : btf.SizeOf(element.Id);
        for (uint k = 0; k < length; k++)
        {
            ulong at = list.Address + k * size;
            if (!IsPointer(element))
            {
                yield return new Place(at, element);
                continue;
            }
            if (!ReadPointer(at, out ulong target))
                throw new KernelDataException($"can't read '{e}[{k}]' at 0x{at:x}");
            if (target != 0)
                yield return new Place(target, Pointee(element));
        }
    }

    private void Resolve(EraseCommand c, Binding? bound)
    {
        var erases = _erases;
        if (Locate(c.Line, c.Target, bound) is not Place at)
            return;
        if (c.Nullify)
        {
            // a pointer's 8 bytes; makedumpfile zeroes as many at whatever the expression names (an array's first pointer)
            Erase(c, at.Address, 8, 0, erases);
            return;
        }
        ulong target = at.Address;
        if (c.Target.ArrayLength == 0 && IsPointer(at.Type) && !ReadPointer(at.Address, out target))
            throw new KernelDataException($"can't read the pointer '{c.Target}' at 0x{at.Address:x}");
        if (target == 0)
            return; // a NULL pointer: nothing to erase, as makedumpfile
        long size;
        if (c.Size is long given)
            size = given;
        else if (c.SizeFrom is { } from)
        {
            if (SizeValue(c.Line, from, bound) is not long value)
                return;
            size = value;
        }
        else if (DefaultSize(c, at.Type, target) is long natural)
            size = natural;
        else
            return;
        if (size > FilterConfig.MaxEraseBytes)
        {
            report(c.Line, $"'{c.Target}' would erase {size} bytes, more than {FilterConfig.MaxEraseBytes >> 20} MiB.");
            return;
        }
        if (size > 0)
            Erase(c, target, size, Poison, erases);
    }

    /// <summary>The address and type the expression leads to, or null (the message written).</summary>
    private Place? Locate(int line, SymbolExpression e, Binding? bound)
    {
        ulong address;
        var type = new TypeRef(-1, 0);
        if (bound is not null && e.Symbol == bound.Id)
        {
            (address, type) = (bound.Element.Address, bound.Element.Type); // the loop's element
        }
        else
        {
            if (AddressOf(e.Symbol) is not ulong found)
            {
                report(line, $"Can't find symbol '{e.Symbol}'.");
                return null;
            }
            address = found;
            if (e.TypeName is string name)
            {
                if (Types().FindType(name) is not int id)
                {
                    report(line, _module is null ? $"type '{name}' is not in the kernel's BTF."
                        : $"type '{name}' is not in the BTF of vmlinux or module {_module}.");
                    return null;
                }
                type = new TypeRef(id, e.PointerDepth);
            }
            else if (e.Members.Count > 0)
            {
                report(line, $"the type of '{e.Symbol}' is unknown (the kernel's BTF has no types for globals): "
                    + $"write {e.Symbol}:TYPE.");
                return null;
            }
        }
        var at = new Place(address, type);
        foreach (var member in e.Members)
        {
            var btf = Types();
            ulong container = at.Address;
            var outer = at.Type;
            if (IsPointer(outer))
            {
                if (!ReadPointer(at.Address, out container))
                    throw new KernelDataException($"can't read the pointer before '{member}' at 0x{at.Address:x}");
                if (container == 0)
                    return null; // NULL on the way: nothing to erase, as makedumpfile
                outer = Pointee(outer);
            }
            if (outer.Pointers > 0 || btf.Member(outer.Id, member) is not { } m)
            {
                report(line, $"struct '{Describe(outer)}' has no member with name '{member}'.");
                return null;
            }
            if (m.BitfieldSize != 0)
            {
                report(line, $"member '{member}' is a bitfield, which cannot be erased by bytes.");
                return null;
            }
            at = new Place(container + m.ByteOffset, new TypeRef(m.Type, 0));
        }
        return at;
    }

    private long? SizeValue(int line, SymbolExpression from, Binding? bound)
    {
        if (from.TypeName is null && from.Members.Count == 0 && (bound is null || from.Symbol != bound.Id))
        {
            report(line, $"the type of size symbol '{from.Symbol}' is unknown (the kernel's BTF has no types "
                + $"for globals): write {from.Symbol}:TYPE.");
            return null;
        }
        if (Locate(line, from, bound) is not Place at)
            return null;
        var btf = Types();
        int id = at.Type.Pointers == 0 ? btf.Strip(at.Type.Id) : -1;
        ulong width = id >= 0 ? btf.SizeOf(id) : 0;
        if (id < 0 || btf.Kind(id) is not (BtfKind.Int or BtfKind.Enum or BtfKind.Enum64) || width is not (1 or 2 or 4 or 8))
        {
            report(line, $"size symbol/member '{from}' is not of base type.");
            return null;
        }
        Span<byte> b = stackalloc byte[8];
        b.Clear();
        if (!memory.TryReadVirtual(at.Address, b[..(int)width]))
            throw new KernelDataException($"can't read the size '{from}' at 0x{at.Address:x}");
        return (long)BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    /// <summary>The size the type gives, or null (the message written, or nothing to say).</summary>
    private long? DefaultSize(EraseCommand c, TypeRef type, ulong target)
    {
        if (type.Id < 0)
        {
            report(c.Line, $"the size of '{c.Target}' is unknown (the kernel's BTF has no types for globals): "
                + $"write {c.Target.Symbol}:TYPE, size N or nullify.");
            return null;
        }
        var btf = Types();
        if (c.Target.ArrayLength > 0)
            return c.Target.ArrayLength * (IsPointer(type) ? 8L : (long)btf.SizeOf(type.Id));
        if (!IsPointer(type))
            return (long)btf.SizeOf(type.Id);
        var pointee = Pointee(type);
        if (pointee.Pointers > 0)
            return 8;
        int id = btf.Strip(pointee.Id);
        if (btf.Kind(id) == BtfKind.Void)
            return null; // 'void *': only a size or nullify erases anything, as makedumpfile
        if (btf.Kind(id) == BtfKind.Int && btf.Name(id) == "char")
            return StringLength(target);
        return (long)btf.SizeOf(id);
    }

    private long StringLength(ulong address)
    {
        var buffer = new byte[MaxString];
        if (!memory.TryReadVirtual(address, buffer))
            return 0;
        int nul = Array.IndexOf(buffer, (byte)0);
        return nul >= 0 ? nul : MaxString;
    }

    private bool IsPointer(TypeRef t) => t.Pointers > 0 || (t.Id >= 0 && Types().Kind(Types().Strip(t.Id)) == BtfKind.Pointer);

    private TypeRef Pointee(TypeRef t) => t.Pointers > 0 ? t with { Pointers = t.Pointers - 1 } : new TypeRef(Types().Referenced(Types().Strip(t.Id)), 0);

    private string Describe(TypeRef t) => t.Id < 0 ? "?" : Types().Name(Types().Strip(t.Id)) + new string('*', t.Pointers);

    private bool ReadPointer(ulong address, out ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        value = 0;
        if (!memory.TryReadVirtual(address, b))
            return false;
        value = BinaryPrimitives.ReadUInt64LittleEndian(b);
        return true;
    }

    /// <summary>
    /// Page by page, each translated on its own (a vmalloc'ed object need not be physically contiguous). An erase starting
    /// where an earlier one starts only makes that one as long as the longer of the two, as makedumpfile's insert_filter_info.
    /// </summary>
    private void Erase(EraseCommand c, ulong address, long size, byte fill, List<(List<PhysicalErase> Pieces, long Size)> erases)
    {
        const ulong Page = 4096;
        var pieces = new List<PhysicalErase>();
        for (long done = 0; done < size;)
        {
            ulong v = address + (ulong)done;
            int n = (int)Math.Min((ulong)(size - done), Page - (v & (Page - 1)));
            if (!memory.TryTranslate(v, out ulong p))
            {
                report(c.Line, $"can't translate 0x{v:x} of '{c.Target}' to a physical address.");
                return;
            }
            pieces.Add(new PhysicalErase(p, n, fill));
            done += n;
        }
        msg.DebugLine($"erase {c.Target}: 0x{address:x}, {size} bytes");
        if (pieces.Count == 0)
            return;
        if (_byStart.TryGetValue(pieces[0].Address, out int prior))
        {
            var (old, oldSize) = erases[prior];
            if (size > oldSize)
                erases[prior] = ([.. pieces.Select(p => p with { Fill = old[0].Fill, Entry = old[0].Entry, Time = old[0].Time })], size);
            return;
        }
        _entries.TryGetValue(c, out int entry);
        var (e, time) = Log.Add(ref entry, c.Target.MakedumpfileText);
        _entries[c] = entry;
        _byStart[pieces[0].Address] = erases.Count;
        erases.Add(([.. pieces.Select(p => p with { Entry = e, Time = time })], size));
    }
}
