// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Kallsyms;
using Iced.Intel;

namespace Dumpkit.Crash.Disassembly;

/// <summary>One disassembled instruction: its address, length and the line crash prints for it.</summary>
internal readonly record struct DisassembledLine(ulong Address, int Length, string Text, LineKind Kind);

/// <summary>
/// What a line is to the end of a function: padding NOPs, int3 bytes, a return, a jump to a retpoline thunk
/// (an indirect jump, which gcc follows with one int3), another jump, call or ud0/1/2, or anything else.
/// </summary>
internal enum LineKind { Other, Nop, Int3, Return, ThunkJump, Transfer }

/// <summary>
/// Kernel text from the dump's memory, decoded one instruction after the other and printed as crash 8
/// prints gdb's <c>x/i</c> lines: <c>0xADDR &lt;sym+off&gt;:\tinsn</c>, the symbol of a branch target,
/// gdb's <c># ADDR &lt;sym&gt;</c> comment after a RIP-relative operand, and crash's <c>[FTRACE NOP]</c>
/// mark on the five-byte NOP at a function's first byte. Symbols are kallsyms'; an address gets a
/// symbol when it lies in the kernel image (<c>_text</c> to <c>_end</c>), as gdb finds one in the vmlinux.
/// </summary>
internal sealed class KernelDisassembler
{
    private const int MaxInstructionLength = 15;
    private readonly Func<ulong, Span<byte>, bool> _read;
    private readonly KallsymsTable _symbols;
    private readonly GdbInstructionFormatter _formatter = new();
    private readonly ulong _imageStart, _imageEnd;
    private readonly ulong _thunkStart, _thunkEnd, _rodataStart, _rodataEnd;
    private ulong[]? _starts;
    private KernelSymbol[]? _chosen;

    // gdb names an address only inside a symbol's ELF size, which kallsyms lacks: a data address this
    // far past the symbol below it lies in unnamed data, not in that object. Read-only data is full of
    // unnamed literals (strings, constants); writable data has large named objects (rcu_state: 330 KiB).
    private const ulong MaxReadOnlyObjectSize = 1 << 16;
    private const ulong MaxDataObjectSize = 1 << 20;

    public KernelDisassembler(Func<ulong, Span<byte>, bool> read, KallsymsTable symbols)
    {
        _read = read;
        _symbols = symbols;
        _imageStart = symbols.AddressOf("_text") ?? symbols.AddressOf("_stext") ?? 0xffff_ffff_8000_0000UL;
        _imageEnd = symbols.AddressOf("_end") ?? ulong.MaxValue;
        _thunkStart = symbols.AddressOf("__indirect_thunk_start") ?? 0;
        _thunkEnd = symbols.AddressOf("__indirect_thunk_end") ?? 0;
        _rodataStart = symbols.AddressOf("__start_rodata") ?? 0;
        _rodataEnd = symbols.AddressOf("__end_rodata") ?? 0;
    }

    /// <summary>True for a retpoline thunk (a branch there stands for an indirect one).</summary>
    public bool IsIndirectThunk(ulong address) => address >= _thunkStart && address < _thunkEnd;

    /// <summary>crash's <c>sym+off</c> (decimal offset) for an address, or null when no symbol holds it.</summary>
    public string? SymbolText(ulong address, bool dataReference = false)
    {
        if (_symbols.Resolve(address) is not { } r || r.Symbol.IsPerCpu)
            return null;
        var symbol = Chosen(address - r.Offset) ?? r.Symbol;
        if (dataReference && !IsTextType(symbol.Type)
            && r.Offset >= (address >= _rodataStart && address < _rodataEnd ? MaxReadOnlyObjectSize : MaxDataObjectSize))
            return null;
        var name = CrashName(symbol.Name);
        return r.Offset == 0 ? name : $"{name}+{r.Offset}";
    }

    private static bool IsTextType(char type) => type is 't' or 'T' or 'w' or 'W';

    // Of several symbols at one address crash names the first of its table, which sorts them by name
    // (checked on every such address of the 6.1 corpus vmlinux: 518 of 518), but a section's
    // *_text_start label yields to the next one (the first function of the section).
    private KernelSymbol? Chosen(ulong address)
    {
        Index();
        int i = Array.BinarySearch(_starts!, address);
        return i >= 0 ? _chosen![i] : null;
    }

    private void Index()
    {
        if (_starts is not null)
            return;
        var starts = new List<ulong>();
        var chosen = new List<KernelSymbol>();
        var group = new List<KernelSymbol>();
        void Close()
        {
            if (group.Count == 0)
                return;
            group.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            starts.Add(group[0].Address);
            chosen.Add(group.Count > 1 && group[0].Name.EndsWith("_text_start", StringComparison.Ordinal) ? group[1] : group[0]);
            group.Clear();
        }
        foreach (var s in _symbols.ByAddress())
        {
            if (s.IsPerCpu || s.Address < 0xff00_0000_0000_0000UL)
                continue;
            if (group.Count > 0 && group[0].Address != s.Address)
                Close();
            group.Add(s);
        }
        Close();
        _chosen = chosen.ToArray();
        _starts = starts.ToArray();
    }

    /// <summary>crash's name for a symbol: gcc's clone suffixes <c>.isra.N</c>, <c>.part.N</c>, <c>.llvm.N</c> cut off.</summary>
    public static string CrashName(string name)
    {
        foreach (var suffix in (ReadOnlySpan<string>)[".isra.", ".part.", ".llvm."])
        {
            int at = name.IndexOf(suffix, StringComparison.Ordinal);
            if (at >= 0)
                return name[..at];
        }
        return name;
    }

    /// <summary>True when <paramref name="address"/> is exactly a (non-per-CPU) symbol's address.</summary>
    public bool IsSymbolStart(ulong address) => _symbols.Resolve(address) is { Offset: 0 } r && !r.Symbol.IsPerCpu;

    /// <summary>The address of the first symbol above <paramref name="address"/> in the kernel half, or null.</summary>
    public ulong? NextSymbolAddress(ulong address)
    {
        Index();
        int i = Array.BinarySearch(_starts!, address);
        i = i < 0 ? ~i : i + 1;
        return i < _starts!.Length ? _starts[i] : null;
    }

    /// <summary>
    /// Decodes from <paramref name="address"/> on, yielding lines while <paramref name="more"/> says so;
    /// stops at memory the dump cannot give (the caller reports it).
    /// </summary>
    public IEnumerable<DisassembledLine> Decode(ulong address, Func<DisassembledLine, bool> more)
    {
        var window = new byte[4096];
        ulong windowStart = 0;
        int windowLength = 0;
        ulong ip = address;
        while (true)
        {
            if (windowLength == 0 || ip < windowStart || ip + MaxInstructionLength > windowStart + (ulong)windowLength)
            {
                windowStart = ip;
                windowLength = ReadAvailable(ip, window);
                if (windowLength == 0)
                    yield break;
            }
            int at = (int)(ip - windowStart);
            var bytes = window.AsSpan(at, windowLength - at);
            var line = DecodeOne(ip, bytes);
            if (!more(line))
                yield break;
            yield return line;
            ip += (ulong)line.Length;
        }
    }

    private int ReadAvailable(ulong address, byte[] buffer)
    {
        if (_read(address, buffer))
            return buffer.Length;
        // Up to the end of the readable pages only.
        int n = (int)(0x1000 - (address & 0xfff));
        if (!_read(address, buffer.AsSpan(0, n)))
            return 0;
        if (n < MaxInstructionLength && _read(address + (ulong)n, buffer.AsSpan(n, 0x1000)))
            n += 0x1000;
        return n;
    }

    private DisassembledLine DecodeOne(ulong ip, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.Length > MaxInstructionLength ? bytes[..MaxInstructionLength].ToArray() : bytes.ToArray();
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(copy), ip, DecoderOptions.None);
        decoder.Decode(out var instruction);
        int length = instruction.IsInvalid ? 1 : instruction.Length;
        var (mnemonic, operands) = _formatter.Format(instruction, copy.AsSpan(0, Math.Min(copy.Length, length)));
        var text = new System.Text.StringBuilder();
        // Without a symbol crash leaves gdb's own x/i line: indented, no <sym>.
        if (SymbolText(ip) is { } here)
            text.Append("0x").Append(ip.ToString("x")).Append(" <").Append(here).Append(">:\t");
        else
            text.Append("   0x").Append(ip.ToString("x")).Append(":\t");
        text.Append(GdbInstructionFormatter.Layout(mnemonic, operands));
        if (!instruction.IsInvalid)
        {
            if (instruction.OpCount == 1 && instruction.Op0Kind is OpKind.NearBranch64 && InImage(instruction.NearBranch64)
                && SymbolText(instruction.NearBranch64) is { } target)
                text.Append(" <").Append(target).Append('>');
            if (instruction.IsIPRelativeMemoryOperand)
            {
                ulong a = instruction.IPRelativeMemoryAddress;
                text.Append("        # 0x").Append(a.ToString("x"));
                if (InImage(a) && SymbolText(a, dataReference: true) is { } sym)
                    text.Append(" <").Append(sym).Append('>');
            }
        }
        var kind = instruction.IsInvalid ? LineKind.Other : IsNop(instruction) ? LineKind.Nop
            : instruction.Code == Code.Int3 ? LineKind.Int3 : instruction.Mnemonic == Mnemonic.Ret ? LineKind.Return
            : instruction.Mnemonic == Mnemonic.Jmp && instruction.Op0Kind == OpKind.NearBranch64 && IsIndirectThunk(instruction.NearBranch64)
                ? LineKind.ThunkJump
            : instruction.Mnemonic is Mnemonic.Jmp or Mnemonic.Ud2 or Mnemonic.Ud1 or Mnemonic.Ud0 or Mnemonic.Call ? LineKind.Transfer : LineKind.Other;
        // crash marks the NOP that ftrace left at a symbol's first byte, by its text as gdb prints it.
        var s = text.ToString();
        if ((s.Contains("nopl   0x0(%rax,%rax,1)", StringComparison.Ordinal) || s.Contains("data32 data32 data32 xchg %ax,%ax", StringComparison.Ordinal))
            && IsSymbolStart(ip))
            text.Append(" [FTRACE NOP]");
        return new DisassembledLine(ip, length, text.ToString(), kind);
    }

    private bool InImage(ulong address) => address >= _imageStart && address < _imageEnd;

    private static bool IsNop(in Instruction instruction) =>
        instruction.Code is Code.Nopw or Code.Nopd or Code.Nopq or Code.Nop_rm16 or Code.Nop_rm32 or Code.Nop_rm64;
}
