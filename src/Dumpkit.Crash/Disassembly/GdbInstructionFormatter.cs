// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Iced.Intel;

namespace Dumpkit.Crash.Disassembly;

/// <summary>
/// One x86-64 instruction in the AT&amp;T text gdb's disassembler prints (as crash 8 shows it): the
/// mnemonic with its prefixes padded to six columns and a blank, the operands without blanks,
/// hexadecimal numbers, branch targets as addresses (the caller adds <c>&lt;sym+off&gt;</c>) and a
/// RIP-relative operand as <c>disp(%rip)</c> (the caller adds gdb's <c># ADDR &lt;sym&gt;</c> comment).
/// Decoding and the operand syntax come from Iced's GAS formatter; this class makes its spelling gdb's.
/// </summary>
internal sealed class GdbInstructionFormatter
{
    private readonly GasFormatter _formatter = new();
    private readonly StringOutput _output = new();

    public GdbInstructionFormatter()
    {
        var o = _formatter.Options;
        o.HexPrefix = "0x";
        o.HexSuffix = null;
        o.UppercaseHex = false;
        o.SmallHexNumbersInDecimal = false;
        o.AddLeadingZeroToHexNumbers = false;
        o.BranchLeadingZeros = false;
        o.DisplacementLeadingZeros = false;
        o.LeadingZeros = false;
        o.AlwaysShowScale = false;
        o.RipRelativeAddresses = true;
        o.SignedImmediateOperands = false;
        o.SignedMemoryDisplacements = true;
        o.SpaceAfterOperandSeparator = false;
        o.GasSpaceAfterMemoryOperandComma = false;
        o.ShowBranchSize = false;
        o.ShowSymbolAddress = false;
        o.ShowUselessPrefixes = true;
    }

    /// <summary>The mnemonic (with prefixes) and the operands, or gdb's <c>(bad)</c> for an invalid encoding.</summary>
    public (string Mnemonic, string Operands) Format(in Instruction instruction, ReadOnlySpan<byte> bytes)
    {
        if (instruction.IsInvalid)
            return ("(bad)", "");
        // gdb's spellings that Iced's GAS formatter writes differently.
        if (GdbSpelling(instruction, bytes) is { } special)
            return special;
        var o = _formatter.Options;
        o.ShowZeroDisplacements = instruction.MemoryDisplSize != 0;
        o.AlwaysShowSegmentRegister = HasStringOperand(instruction);
        _formatter.FormatMnemonic(instruction, _output);
        var mnemonic = _output.ToStringAndReset();
        // gdb writes push and pop of a memory operand without Iced's q suffix.
        if (instruction.Mnemonic is Mnemonic.Push or Mnemonic.Pop && mnemonic.EndsWith('q'))
            mnemonic = mnemonic[..^1];
        _formatter.FormatAllOperands(instruction, _output);
        var operands = _output.ToStringAndReset();
        // A shift or rotate by one (D0/D1 /r): gdb leaves the count out.
        if (IsShiftByOne(instruction) && operands.StartsWith("$0x1,", StringComparison.Ordinal))
            operands = operands[5..];
        // imul with an immediate and the same register twice: gdb writes all three operands.
        if (instruction.Mnemonic == Mnemonic.Imul && instruction.OpCount == 3 && instruction.Op1Kind == OpKind.Register
            && instruction.Op0Register == instruction.Op1Register && operands.Count(',') == 1)
            operands += "," + operands[(operands.IndexOf(',') + 1)..];
        if (instruction.MemoryIndex != Register.None && instruction.MemoryIndexScale == 1)
            operands = WithScaleOne(operands);
        return (mnemonic, operands);
    }

    // gdb writes the scale of an indexed operand even when it is 1: (%rdx,%rax,1).
    private static string WithScaleOne(string operands)
    {
        int open = operands.IndexOf('(', StringComparison.Ordinal);
        int close = open < 0 ? -1 : operands.IndexOf(')', open);
        if (close < 0 || operands.AsSpan(open, close - open).Count(',') != 1)
            return operands;
        return string.Concat(operands.AsSpan(0, close), ",1", operands.AsSpan(close));
    }

    private static bool IsShiftByOne(in Instruction instruction)
    {
        var op = instruction.OpCode;
        return op.Encoding == EncodingKind.Legacy && op.Table == OpCodeTableKind.Normal && op.OpCode is 0xD0 or 0xD1;
    }

    private static bool HasStringOperand(in Instruction instruction)
    {
        for (int i = 0; i < instruction.OpCount; i++)
            if (instruction.GetOpKind(i) is OpKind.MemoryESRDI or OpKind.MemoryESEDI or OpKind.MemorySegRSI or OpKind.MemorySegESI
                or OpKind.MemorySegRDI or OpKind.MemorySegEDI)
                return true;
        return false;
    }

    /// <summary>gdb's layout of one instruction: the mnemonic padded to six columns, a blank, the operands.</summary>
    public static string Layout(string mnemonic, string operands) =>
        mnemonic == "nop" && operands.Length == 0 ? mnemonic : mnemonic.PadRight(6) + " " + operands;

    private static (string, string)? GdbSpelling(in Instruction instruction, ReadOnlySpan<byte> bytes)
    {
        switch (instruction.Code)
        {
            case Code.Nopw when bytes.Length >= 2 && bytes[0] == 0x66 && bytes[1] == 0x90 && instruction.Length == 2:
                return ("xchg", "%ax,%ax");
        }
        return null;
    }
}
