// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Formats.Elf;

/// <summary>ELF64 file header and program header layouts (little endian, x86_64), read and written side by side.</summary>
public static class ElfLayout
{
    public const int EhdrSize = 64;
    public const int PhdrSize = 56;
    public const ushort ET_CORE = 4;
    public const ushort EM_X86_64 = 62;
    public const uint PT_LOAD = 1;
    public const uint PT_NOTE = 4;
    public const ushort PN_XNUM = 0xffff;
    /// <summary>makedumpfile's DUMP_ELF_INCOMPLETE bit in e_flags.</summary>
    public const uint ElfIncomplete = 1;
}

public readonly record struct ElfHeader(ushort Type, ushort Machine, ulong PhOff, ulong ShOff, uint Flags,
    ushort PhEntSize, uint PhNum, ushort ShEntSize, ushort ShNum)
{
    public static bool HasMagic(ReadOnlySpan<byte> b) =>
        b.Length >= 4 && b[0] == 0x7f && b[1] == (byte)'E' && b[2] == (byte)'L' && b[3] == (byte)'F';

    public static ElfHeader Read(ReadOnlySpan<byte> b) => new(
        BinaryPrimitives.ReadUInt16LittleEndian(b[16..]),
        BinaryPrimitives.ReadUInt16LittleEndian(b[18..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[32..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[40..]),
        BinaryPrimitives.ReadUInt32LittleEndian(b[48..]),
        BinaryPrimitives.ReadUInt16LittleEndian(b[54..]),
        BinaryPrimitives.ReadUInt16LittleEndian(b[56..]),
        BinaryPrimitives.ReadUInt16LittleEndian(b[58..]),
        BinaryPrimitives.ReadUInt16LittleEndian(b[60..]));

    /// <summary>Write an ELF64 LE core header with program headers right after it.</summary>
    public static void WriteCore(Span<byte> b, ushort machine, int phnum, uint flags)
    {
        b[..ElfLayout.EhdrSize].Clear();
        b[0] = 0x7f; b[1] = (byte)'E'; b[2] = (byte)'L'; b[3] = (byte)'F';
        b[4] = 2; // ELFCLASS64
        b[5] = 1; // ELFDATA2LSB
        b[6] = 1; // EV_CURRENT
        BinaryPrimitives.WriteUInt16LittleEndian(b[16..], ElfLayout.ET_CORE);
        BinaryPrimitives.WriteUInt16LittleEndian(b[18..], machine);
        BinaryPrimitives.WriteUInt32LittleEndian(b[20..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(b[32..], ElfLayout.EhdrSize);
        BinaryPrimitives.WriteUInt32LittleEndian(b[48..], flags);
        BinaryPrimitives.WriteUInt16LittleEndian(b[52..], ElfLayout.EhdrSize);
        BinaryPrimitives.WriteUInt16LittleEndian(b[54..], ElfLayout.PhdrSize);
        BinaryPrimitives.WriteUInt16LittleEndian(b[56..], (ushort)Math.Min(phnum, ElfLayout.PN_XNUM));
    }
}

public readonly record struct ElfPhdr(uint Type, uint Flags, ulong Offset, ulong VAddr, ulong PAddr,
    ulong FileSize, ulong MemSize, ulong Align)
{
    public static ElfPhdr Read(ReadOnlySpan<byte> b) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(b),
        BinaryPrimitives.ReadUInt32LittleEndian(b[4..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[16..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[24..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[32..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[40..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[48..]));

    public void Write(Span<byte> b)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(b, Type);
        BinaryPrimitives.WriteUInt32LittleEndian(b[4..], Flags);
        BinaryPrimitives.WriteUInt64LittleEndian(b[8..], Offset);
        BinaryPrimitives.WriteUInt64LittleEndian(b[16..], VAddr);
        BinaryPrimitives.WriteUInt64LittleEndian(b[24..], PAddr);
        BinaryPrimitives.WriteUInt64LittleEndian(b[32..], FileSize);
        BinaryPrimitives.WriteUInt64LittleEndian(b[40..], MemSize);
        BinaryPrimitives.WriteUInt64LittleEndian(b[48..], Align);
    }
}
