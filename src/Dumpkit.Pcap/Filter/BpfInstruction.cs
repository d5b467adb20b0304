// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Dumpkit.Pcap.Filter;

/// <summary>One classic BPF instruction, laid out as Linux's <c>struct sock_filter</c> (8 bytes).</summary>
/// <param name="Code">The opcode: class, size, mode, operation and source bits.</param>
/// <param name="Jt">Conditional jumps: instructions to skip when the test is true.</param>
/// <param name="Jf">Conditional jumps: instructions to skip when the test is false.</param>
/// <param name="K">The constant operand.</param>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly record struct BpfInstruction(ushort Code, byte Jt, byte Jf, uint K)
{
    /// <summary>The instruction as <c>tcpdump -d</c> lists it (numbered 0).</summary>
    public override string ToString() => Bpf.Image(this, 0);
}

/// <summary>Classic BPF opcode fields and tcpdump's three listing formats.</summary>
public static class Bpf
{
    // classes
    internal const int Ld = 0x00, Ldx = 0x01, St = 0x02, Stx = 0x03, Alu = 0x04, Jmp = 0x05, Ret = 0x06, Misc = 0x07;
    // ld/ldx sizes and modes
    internal const int W = 0x00, H = 0x08, B = 0x10;
    internal const int Imm = 0x00, Abs = 0x20, Ind = 0x40, Mem = 0x60, Len = 0x80, Msh = 0xa0;
    // alu/jmp operations
    internal const int Add = 0x00, Sub = 0x10, Mul = 0x20, Div = 0x30, Or = 0x40, And = 0x50, Lsh = 0x60, Rsh = 0x70,
        Neg = 0x80, Mod = 0x90, Xor = 0xa0;
    internal const int Ja = 0x00, Jeq = 0x10, Jgt = 0x20, Jge = 0x30, Jset = 0x40;
    // sources
    internal const int K = 0x00, X = 0x08, A = 0x10;
    internal const int Tax = 0x00, Txa = 0x80;
    internal const int MemWords = 16;

    internal static int Class(int code) => code & 0x07;
    internal static int Size(int code) => code & 0x18;
    internal static int Mode(int code) => code & 0xe0;
    internal static int Op(int code) => code & 0xf0;
    internal static int Src(int code) => code & 0x08;
    internal static int RVal(int code) => code & 0x18;

    /// <summary>Linux ancillary-data offsets (SKF_AD_OFF + n) and the names libpcap's bpf_image gives them.</summary>
    internal const uint SkfAdOff = 0xfffff000;
    internal const int SkfAdProtocol = 0, SkfAdPktType = 4, SkfAdIfIndex = 8, SkfAdVlanTag = 44, SkfAdVlanTagPresent = 48;

    private static readonly string?[] AdNames =
    [
        "proto", null, null, null, "type", null, null, null, "ifidx", null, null, null, "nla", null, null, null,
        "nlan", null, null, null, "mark", null, null, null, "queue", null, null, null, "hatype", null, null, null,
        "rxhash", null, null, null, "cpu", null, null, null, "xor_x", null, null, null, "vlan_tci", null, null, null,
        "vlanp", null, null, null, "poff", null, null, null, "random", null, null, null, "vlan_tpid",
    ];

    private static string AbsOperand(uint k)
    {
        if (k >= SkfAdOff && k - SkfAdOff < AdNames.Length && AdNames[k - SkfAdOff] is { } n) return $"[{n}]";
        return "[" + ((int)k).ToString(CultureInfo.InvariantCulture) + "]";
    }

    private static string D(uint k) => ((int)k).ToString(CultureInfo.InvariantCulture);
    private static string Hex(uint k) => "#0x" + k.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>One line of <c>tcpdump -d</c> (libpcap's bpf_image) for instruction number n.</summary>
    public static string Image(BpfInstruction p, int n)
    {
        string op, operand;
        switch (p.Code)
        {
            case Ret | K: op = "ret"; operand = "#" + D(p.K); break;
            case Ret | A: op = "ret"; operand = ""; break;
            case Ld | W | Abs: op = "ld"; operand = AbsOperand(p.K); break;
            case Ld | H | Abs: op = "ldh"; operand = AbsOperand(p.K); break;
            case Ld | B | Abs: op = "ldb"; operand = AbsOperand(p.K); break;
            case Ld | W | Len: op = "ld"; operand = "#pktlen"; break;
            case Ld | W | Ind: op = "ld"; operand = $"[x + {D(p.K)}]"; break;
            case Ld | H | Ind: op = "ldh"; operand = $"[x + {D(p.K)}]"; break;
            case Ld | B | Ind: op = "ldb"; operand = $"[x + {D(p.K)}]"; break;
            case Ld | Imm: op = "ld"; operand = Hex(p.K); break;
            case Ldx | Imm: op = "ldx"; operand = Hex(p.K); break;
            case Ldx | Msh | B: op = "ldxb"; operand = $"4*([{D(p.K)}]&0xf)"; break;
            case Ld | Mem: op = "ld"; operand = $"M[{D(p.K)}]"; break;
            case Ldx | Mem: op = "ldx"; operand = $"M[{D(p.K)}]"; break;
            case St: op = "st"; operand = $"M[{D(p.K)}]"; break;
            case Stx: op = "stx"; operand = $"M[{D(p.K)}]"; break;
            case Jmp | Ja: op = "ja"; operand = (n + 1 + (int)p.K).ToString(CultureInfo.InvariantCulture); break;
            case Jmp | Jgt | K: op = "jgt"; operand = Hex(p.K); break;
            case Jmp | Jge | K: op = "jge"; operand = Hex(p.K); break;
            case Jmp | Jeq | K: op = "jeq"; operand = Hex(p.K); break;
            case Jmp | Jset | K: op = "jset"; operand = Hex(p.K); break;
            case Jmp | Jgt | X: op = "jgt"; operand = "x"; break;
            case Jmp | Jge | X: op = "jge"; operand = "x"; break;
            case Jmp | Jeq | X: op = "jeq"; operand = "x"; break;
            case Jmp | Jset | X: op = "jset"; operand = "x"; break;
            case Alu | Add | X: op = "add"; operand = "x"; break;
            case Alu | Sub | X: op = "sub"; operand = "x"; break;
            case Alu | Mul | X: op = "mul"; operand = "x"; break;
            case Alu | Div | X: op = "div"; operand = "x"; break;
            case Alu | Mod | X: op = "mod"; operand = "x"; break;
            case Alu | And | X: op = "and"; operand = "x"; break;
            case Alu | Or | X: op = "or"; operand = "x"; break;
            case Alu | Xor | X: op = "xor"; operand = "x"; break;
            case Alu | Lsh | X: op = "lsh"; operand = "x"; break;
            case Alu | Rsh | X: op = "rsh"; operand = "x"; break;
            case Alu | Add | K: op = "add"; operand = "#" + D(p.K); break;
            case Alu | Sub | K: op = "sub"; operand = "#" + D(p.K); break;
            case Alu | Mul | K: op = "mul"; operand = "#" + D(p.K); break;
            case Alu | Div | K: op = "div"; operand = "#" + D(p.K); break;
            case Alu | Mod | K: op = "mod"; operand = "#" + D(p.K); break;
            case Alu | And | K: op = "and"; operand = Hex(p.K); break;
            case Alu | Or | K: op = "or"; operand = Hex(p.K); break;
            case Alu | Xor | K: op = "xor"; operand = Hex(p.K); break;
            case Alu | Lsh | K: op = "lsh"; operand = "#" + D(p.K); break;
            case Alu | Rsh | K: op = "rsh"; operand = "#" + D(p.K); break;
            case Alu | Neg: op = "neg"; operand = ""; break;
            case Misc | Tax: op = "tax"; operand = ""; break;
            case Misc | Txa: op = "txa"; operand = ""; break;
            default: op = "unimp"; operand = "0x" + p.Code.ToString("x", CultureInfo.InvariantCulture); break;
        }
        string num = n.ToString("000", CultureInfo.InvariantCulture);
        if (Class(p.Code) == Jmp && Op(p.Code) != Ja)
            return $"({num}) {op,-8} {operand,-16} jt {n + 1 + p.Jt}\tjf {n + 1 + p.Jf}";
        return $"({num}) {op,-8} {operand}";
    }

    /// <summary>The program as <c>tcpdump -d</c> (level 1), <c>-dd</c> (2) or <c>-ddd</c> (3) prints it.</summary>
    public static string Dump(ReadOnlySpan<BpfInstruction> prog, int level)
    {
        var sb = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        if (level > 2)
        {
            sb.Append(prog.Length.ToString(ci)).Append('\n');
            foreach (var i in prog) sb.Append(ci, $"{i.Code} {i.Jt} {i.Jf} {i.K}\n");
            return sb.ToString();
        }
        if (level > 1)
        {
            foreach (var i in prog) sb.Append(ci, $"{{ 0x{i.Code:x}, {i.Jt}, {i.Jf}, 0x{i.K:x8} }},\n");
            return sb.ToString();
        }
        for (int n = 0; n < prog.Length; n++) sb.Append(Image(prog[n], n)).Append('\n');
        return sb.ToString();
    }
}
