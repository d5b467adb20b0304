// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Kernel.Orc;

/// <summary>What an ORC entry says the frame is (the 6.4+ numbering; older layouts are mapped onto it).</summary>
public enum OrcType
{
    Undefined,
    EndOfStack,
    Call,
    Regs,
    RegsPartial,
}

/// <summary>
/// The base register of an ORC rule (arch/x86/include/asm/orc_types.h): the numbering up to 7.0; <see cref="OrcLayout.V4"/>
/// numbers them differently and is mapped onto this.
/// </summary>
public enum OrcRegister
{
    Undefined,
    PrevSp,
    Dx,
    Di,
    Bp,
    Sp,
    R10,
    R13,
    BpIndirect,
    SpIndirect,
    /// <summary>7.1+ only (V4's 1): not used as a base by any entry of Debian's 7.2.13, and not followed by the unwinder.</summary>
    Ax,
}

/// <summary>The bit layout of an entry's third 16-bit word, which changed twice.</summary>
public enum OrcLayout
{
    /// <summary>Up to 6.2: sp_reg:4 bp_reg:4 type:2 end:1 (CALL 0, REGS 1, REGS_PARTIAL 2).</summary>
    V1,

    /// <summary>6.3: sp_reg:4 bp_reg:4 type:2 signal:1 end:1.</summary>
    V2,

    /// <summary>6.4 to 7.0: sp_reg:4 bp_reg:4 type:3 signal:1 (UNDEFINED 0, END_OF_STACK 1, CALL 2, REGS 3, REGS_PARTIAL 4).</summary>
    V3,

    /// <summary>
    /// 7.1+: V3's bits, registers renumbered (UNDEFINED 0, AX 1, DX 2, SP 3, BP 4, DI 5, R10 6, R13 7, PREV_SP 8,
    /// SP_INDIRECT 9, BP_INDIRECT 10; Debian's 7.2.13 orc_types.h).
    /// </summary>
    V4,
}

/// <summary>
/// One ORC rule: where the caller's stack pointer (CFA) and frame pointer are, and what the frame
/// is. <see cref="Signal"/>: the next lookup uses the ip itself, not ip - 1 (a signal or exception frame).
/// </summary>
public readonly record struct OrcEntry(short SpOffset, short BpOffset, OrcRegister SpRegister, OrcRegister BpRegister, OrcType Type, bool Signal)
{
    public const int Size = 6;

    /// <summary>Decodes the 6 bytes of an entry in the given layout.</summary>
    public static OrcEntry Decode(ReadOnlySpan<byte> raw, OrcLayout layout)
    {
        short sp = BinaryPrimitives.ReadInt16LittleEndian(raw);
        short bp = BinaryPrimitives.ReadInt16LittleEndian(raw[2..]);
        int flags = BinaryPrimitives.ReadUInt16LittleEndian(raw[4..]);
        var spReg = Register(flags & 0xf, layout);
        var bpReg = Register((flags >> 4) & 0xf, layout);
        if (layout is OrcLayout.V3 or OrcLayout.V4)
        {
            int t = (flags >> 8) & 7;
            var type = t <= 4 ? (OrcType)t : OrcType.Undefined;
            return new OrcEntry(sp, bp, spReg, bpReg, type, (flags & 0x800) != 0);
        }
        int old = (flags >> 8) & 3;
        bool signal = layout == OrcLayout.V2 && (flags & 0x400) != 0;
        bool end = (flags & (layout == OrcLayout.V2 ? 0x800 : 0x400)) != 0;
        OrcType kind;
        if (spReg == OrcRegister.Undefined)
            kind = end ? OrcType.EndOfStack : OrcType.Undefined;
        else
            kind = old switch { 0 => OrcType.Call, 1 => OrcType.Regs, 2 => OrcType.RegsPartial, _ => OrcType.Undefined };
        return new OrcEntry(sp, bp, spReg, bpReg, kind, signal);
    }

    private static OrcRegister Register(int n, OrcLayout layout) => layout == OrcLayout.V4
        ? n switch
        {
            1 => OrcRegister.Ax,
            2 => OrcRegister.Dx,
            3 => OrcRegister.Sp,
            4 => OrcRegister.Bp,
            5 => OrcRegister.Di,
            6 => OrcRegister.R10,
            7 => OrcRegister.R13,
            8 => OrcRegister.PrevSp,
            9 => OrcRegister.SpIndirect,
            10 => OrcRegister.BpIndirect,
            _ => OrcRegister.Undefined,
        }
        : n <= 9 ? (OrcRegister)n : OrcRegister.Undefined;
}
