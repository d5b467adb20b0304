// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Kernel.Unwind;

/// <summary>
/// x86-64 <c>struct pt_regs</c> (also the first 21 words of an ELF prstatus's <c>pr_reg</c>):
/// r15 r14 r13 r12 bp bx r11 r10 r9 r8 ax cx dx si di orig_ax ip cs flags sp ss.
/// </summary>
public sealed class PtRegs
{
    public const int Count = 21;
    public const int Size = Count * 8;

    /// <summary>Offset of <c>ip</c> in the structure: an IRET frame (ip cs flags sp ss) starts there.</summary>
    public const int IpOffset = 16 * 8;

    private readonly ulong[] _words;

    public PtRegs(ulong[] words)
    {
        if (words.Length != Count)
            throw new ArgumentException($"pt_regs has {Count} words");
        _words = words;
    }

    public static PtRegs Read(ReadOnlySpan<byte> raw)
    {
        var w = new ulong[Count];
        for (int i = 0; i < Count; i++)
            w[i] = BinaryPrimitives.ReadUInt64LittleEndian(raw[(8 * i)..]);
        return new PtRegs(w);
    }

    public ulong this[int index] => _words[index];

    public ulong R15 => _words[0];
    public ulong R14 => _words[1];
    public ulong R13 => _words[2];
    public ulong R12 => _words[3];
    public ulong Bp => _words[4];
    public ulong Bx => _words[5];
    public ulong R11 => _words[6];
    public ulong R10 => _words[7];
    public ulong R9 => _words[8];
    public ulong R8 => _words[9];
    public ulong Ax => _words[10];
    public ulong Cx => _words[11];
    public ulong Dx => _words[12];
    public ulong Si => _words[13];
    public ulong Di => _words[14];
    public ulong OrigAx => _words[15];
    public ulong Ip => _words[16];
    public ulong Cs => _words[17];
    public ulong Flags => _words[18];
    public ulong Sp => _words[19];
    public ulong Ss => _words[20];

    /// <summary>The saved context ran in user mode (CPL 3 in cs).</summary>
    public bool IsUserMode => (Cs & 3) == 3;
}
