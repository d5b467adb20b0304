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
internal sealed class EraseResolver(KernelMemory memory, KallsymsTable symbols, Func<BtfTypes> types, Action<int, string> report,
    Messages msg)
{
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

    public List<PhysicalErase> Resolve(IEnumerable<EraseCommand> commands)
    {
        foreach (var c in commands)
        {
            try
            {
                Resolve(c);
            }
            catch (KernelDataException e)
            {
                report(c.Line, $"{e.Message}.");
            }
        }
        return [.. _erases.SelectMany(e => e.Pieces)];
    }

    private void Resolve(EraseCommand c) => Resolve(c, _erases);

    private void Resolve(EraseCommand c, List<(List<PhysicalErase> Pieces, long Size)> erases)
    {
        if (Locate(c.Line, c.Target) is not Place at)
            return;
        if (c.Nullify)
        {
            if (!IsPointer(at.Type))
            {
                report(c.Line, $"'{c.Target}' is not a pointer: nullify erases nothing.");
                return;
            }
            Erase(c, at.Address, 8, 0, erases);
            return;
        }
        ulong target = at.Address;
        if (IsPointer(at.Type) && !ReadPointer(at.Address, out target))
            throw new KernelDataException($"can't read the pointer '{c.Target}' at 0x{at.Address:x}");
        if (target == 0)
            return; // a NULL pointer: nothing to erase, as makedumpfile
        long size;
        if (c.Size is long given)
            size = given;
        else if (c.SizeFrom is { } from)
        {
            if (SizeValue(c.Line, from) is not long value)
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
    private Place? Locate(int line, SymbolExpression e)
    {
        if (symbols.AddressOf(e.Symbol) is not ulong address)
        {
            report(line, $"Can't find symbol '{e.Symbol}'.");
            return null;
        }
        var type = new TypeRef(-1, 0);
        if (e.TypeName is string name)
        {
            if (types().FindType(name) is not int id)
            {
                report(line, $"type '{name}' is not in the kernel's BTF.");
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
        var at = new Place(address, type);
        foreach (var member in e.Members)
        {
            var btf = types();
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

    private long? SizeValue(int line, SymbolExpression from)
    {
        if (from.TypeName is null && from.Members.Count == 0)
        {
            report(line, $"the type of size symbol '{from.Symbol}' is unknown (the kernel's BTF has no types "
                + $"for globals): write {from.Symbol}:TYPE.");
            return null;
        }
        if (Locate(line, from) is not Place at)
            return null;
        var btf = types();
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
        var btf = types();
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

    private bool IsPointer(TypeRef t) => t.Pointers > 0 || (t.Id >= 0 && types().Kind(types().Strip(t.Id)) == BtfKind.Pointer);

    private TypeRef Pointee(TypeRef t) => t.Pointers > 0 ? t with { Pointers = t.Pointers - 1 } : new TypeRef(types().Referenced(types().Strip(t.Id)), 0);

    private string Describe(TypeRef t) => t.Id < 0 ? "?" : types().Name(types().Strip(t.Id)) + new string('*', t.Pointers);

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
