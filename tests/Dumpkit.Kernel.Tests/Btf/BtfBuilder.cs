// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Text;
using Dumpkit.Kernel.Btf;

namespace Dumpkit.Kernel.Tests;

/// <summary>Writes a BTF blob record by record (ids from 1 in call order), for parser tests.</summary>
internal sealed class BtfBuilder
{
    private readonly List<byte> _types = new();
    private readonly List<byte> _strings = new() { 0 };
    private int _next = 1;

    public uint Str(string s)
    {
        if (s.Length == 0) return 0;
        uint off = (uint)_strings.Count;
        _strings.AddRange(Encoding.ASCII.GetBytes(s));
        _strings.Add(0);
        return off;
    }

    private void U32(uint v) { var b = new byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); _types.AddRange(b); }

    private int Record(string name, BtfKind kind, int vlen, uint sizeOrType, bool kindFlag = false)
    {
        U32(Str(name));
        U32((uint)vlen | (uint)kind << 24 | (kindFlag ? 0x8000_0000u : 0));
        U32(sizeOrType);
        return _next++;
    }

    public int Int(string name, uint size, bool signed = false)
    {
        int id = Record(name, BtfKind.Int, 0, size);
        U32((signed ? 1u << 24 : 0) | size * 8);
        return id;
    }

    public int Pointer(int to) => Record("", BtfKind.Pointer, 0, (uint)to);
    public int Typedef(string name, int to) => Record(name, BtfKind.Typedef, 0, (uint)to);
    public int Const(int to) => Record("", BtfKind.Const, 0, (uint)to);

    public int Array(int elem, int index, uint count)
    {
        int id = Record("", BtfKind.Array, 0, 0);
        U32((uint)elem); U32((uint)index); U32(count);
        return id;
    }

    /// <summary>Members: (name, type, bit offset, bitfield size); kind_flag is set when any bitfield size is given.</summary>
    public int Struct(string name, uint size, params (string Name, int Type, uint BitOffset, uint Bits)[] members) =>
        Aggregate(BtfKind.Struct, name, size, members);

    public int Union(string name, uint size, params (string Name, int Type, uint BitOffset, uint Bits)[] members) =>
        Aggregate(BtfKind.Union, name, size, members);

    private int Aggregate(BtfKind kind, string name, uint size, (string Name, int Type, uint BitOffset, uint Bits)[] members)
    {
        bool flag = members.Any(m => m.Bits != 0);
        int id = Record(name, kind, members.Length, size, flag);
        foreach (var m in members)
        {
            U32(Str(m.Name)); U32((uint)m.Type); U32(flag ? m.BitOffset | m.Bits << 24 : m.BitOffset);
        }
        return id;
    }

    public int Enum(string name, params (string Name, int Value)[] values)
    {
        int id = Record(name, BtfKind.Enum, values.Length, 4, kindFlag: true);
        foreach (var v in values) { U32(Str(v.Name)); U32((uint)v.Value); }
        return id;
    }

    public int FuncProto(int ret, params int[] args)
    {
        int id = Record("", BtfKind.FunctionProto, args.Length, (uint)ret);
        foreach (var a in args) { U32(0); U32((uint)a); }
        return id;
    }

    public int Func(string name, int proto) => Record(name, BtfKind.Function, 0, (uint)proto);

    public int Var(string name, int type)
    {
        int id = Record(name, BtfKind.Variable, 0, (uint)type);
        U32(1);
        return id;
    }

    public int Enum64(string name, params (string Name, long Value)[] values)
    {
        int id = Record(name, BtfKind.Enum64, values.Length, 8);
        foreach (var v in values) { U32(Str(v.Name)); U32((uint)v.Value); U32((uint)((ulong)v.Value >> 32)); }
        return id;
    }

    public byte[] Build()
    {
        var blob = new byte[24 + _types.Count + _strings.Count];
        BinaryPrimitives.WriteUInt16LittleEndian(blob, BtfTypes.Magic);
        blob[2] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(4), 24);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(8), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(12), (uint)_types.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(16), (uint)_types.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(20), (uint)_strings.Count);
        _types.CopyTo(blob, 24);
        _strings.CopyTo(blob, 24 + _types.Count);
        return blob;
    }
}
