// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kernel.Btf;

/// <summary>A BTF type record's kind (bits 24-28 of its info word; include/uapi/linux/btf.h).</summary>
public enum BtfKind : byte
{
    Void = 0,
    Int = 1,
    Pointer = 2,
    Array = 3,
    Struct = 4,
    Union = 5,
    Enum = 6,
    Forward = 7,
    Typedef = 8,
    Volatile = 9,
    Const = 10,
    Restrict = 11,
    Function = 12,
    FunctionProto = 13,
    Variable = 14,
    DataSection = 15,
    Float = 16,
    DeclTag = 17,
    TypeTag = 18,
    Enum64 = 19,
}

/// <summary>A struct or union member: bit offset from the start of its container, and bitfield width (0: not a bitfield).</summary>
public readonly record struct BtfMember(string Name, int Type, ulong BitOffset, int BitfieldSize)
{
    public ulong ByteOffset => BitOffset / 8;
}

/// <summary>An enumerator: name and value (ENUM64 values are full 64-bit).</summary>
public readonly record struct BtfEnumValue(string Name, long Value);

/// <summary>An array's element type, index type and element count.</summary>
public readonly record struct BtfArray(int ElementType, int IndexType, uint Count);

/// <summary>Where a member path leads: its byte/bit offset from the outer type, its type, its bitfield width.</summary>
public readonly record struct BtfMemberLocation(ulong BitOffset, int Type, int BitfieldSize)
{
    public ulong ByteOffset => BitOffset / 8;
}
