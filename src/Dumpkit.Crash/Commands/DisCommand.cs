// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Runtime.CompilerServices;
using Dumpkit.Crash.Disassembly;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>dis [-rfl] ADDR|SYMBOL|SYMBOL+OFF [COUNT]</c>: kernel text from the dump, as crash 8 prints gdb's
/// disassembly. A text symbol alone gives its whole function (up to the next kallsyms symbol, less
/// the alignment NOPs after the last instruction, which gdb's DWARF range leaves out); an address,
/// one instruction or COUNT; <c>-r</c> from the function's start up to ADDR; <c>-f</c> from ADDR to
/// the function's end. <c>-l</c> is accepted: kallsyms has no line numbers, so crash's notice is printed.
/// </summary>
internal sealed class DisCommand : ICrashCommand
{
    private static readonly ConditionalWeakTable<CrashSession, KernelDisassembler> Disassemblers = new();

    public string Name => "dis";
    public string Synopsis => "  dis [-rfludxs][-b [num]] [address | symbol | (expression)] [count]";
    public string Summary => "disassemble";

    private const long MaxCount = 1 << 20;

    public void Run(CrashSession session, string[] args)
    {
        bool reverse = false, forward = false, lines = false;
        var rest = new List<string>();
        foreach (var a in args)
        {
            if (a.Length > 1 && a[0] == '-' && !char.IsAsciiDigit(a[1]))
            {
                foreach (char c in a.AsSpan(1))
                {
                    switch (c)
                    {
                        case 'r':
                            if (forward)
                                throw new CommandException("dis: -r and -f are mutually exclusive");
                            reverse = true;
                            break;
                        case 'f':
                            if (reverse)
                                throw new CommandException("dis: -r and -f are mutually exclusive");
                            forward = true;
                            break;
                        case 'l': lines = true; break;
                        case 'd': case 'x': case 'h': break;
                        default:
                            throw new CommandException($"dis: invalid option -- '{c}'\n" + CrashSession.Usage(this).Message);
                    }
                }
                continue;
            }
            rest.Add(a);
        }
        if (rest.Count is 0 or > 2 || rest[0].Length == 0) // an empty argument ("") too, as crash
            throw CrashSession.Usage(this);

        var dis = Disassemblers.GetValue(session, s => new KernelDisassembler(s.Memory.TryReadVirtual, s.Symbols));
        bool wholeFunction;
        ulong address;
        var symbols = session.Symbols;
        if (symbols.Lookup(rest[0]) is { } sym)
        {
            address = sym.Address;
            wholeFunction = IsText(sym.Type);
        }
        else if (TryParseSymbolPlusOffset(session, rest[0], out address))
        {
            wholeFunction = false;
        }
        else if (CrashSession.TryParseHex(rest[0], out address))
        {
            var r = symbols.Resolve(address);
            if (r is null)
                session.Out.WriteLine($"WARNING: {address:x}: no associated kernel symbol found");
            wholeFunction = r is { Offset: 0 } s0 && IsText(s0.Symbol.Type);
        }
        else
        {
            throw SymCommand.NotFound(symbols, rest[0]);
        }

        long count = 0;
        if (rest.Count == 2)
        {
            if (!long.TryParse(rest[1], NumberStyles.None, CultureInfo.InvariantCulture, out count) || count > MaxCount)
                throw new CommandException($"dis: invalid count argument: {rest[1]}");
            if (count == 0)
                throw new CommandException("dis: invalid count argument: 0");
            wholeFunction = false;
            forward = false;
        }
        if (!session.IsKernelVirtual(address))
            throw new CommandException($"dis: {address:x} is not a kernel virtual address");
        if (lines)
            session.Out.WriteLine("dis: line numbers are not available");

        var o = session.Out;
        if (reverse || forward)
        {
            if (symbols.Resolve(address) is not { } r)
                throw new CommandException($"dis: cannot resolve address: {address:x}");
            ulong start = address - r.Offset;
            ulong target = address;
            if (reverse)
            {
                bool reached = false;
                var all = dis.Decode(start, l =>
                {
                    bool go = !reached;
                    reached = l.Address >= target;
                    return go;
                }).ToList();
                if (all.Count == 0)
                    throw Unable(start);
                int from = count > 0 ? Math.Max(0, all.Count - (int)count) : 0;
                for (int i = from; i < all.Count; i++)
                    o.WriteLine(all[i].Text);
                return;
            }
            ulong end = FunctionEnd(dis, start);
            Print(o, dis.Decode(start, l => l.Address < end).Where(l => l.Address >= target), start);
            return;
        }
        if (wholeFunction)
        {
            ulong end = FunctionEnd(dis, address);
            Print(o, Trim(dis.Decode(address, l => l.Address < end).ToList()), address);
            return;
        }
        long n = 0, want = count > 0 ? count : 1;
        Print(o, dis.Decode(address, _ => n++ < want), address);
    }

    private static bool IsText(char type) => type is 't' or 'T' or 'w' or 'W';

    // The next symbol ends a function, unless it is an assembler function's inner label: a symbol reached
    // by falling through from an instruction that neither ends a function (return, jump, call, ud2, int3)
    // nor pads one (NOP).
    private static ulong FunctionEnd(KernelDisassembler dis, ulong start)
    {
        ulong end = dis.NextSymbolAddress(start) ?? throw new CommandException($"dis: unable to determine symbol after {dis.SymbolText(start)}");
        for (int labels = 0; labels < 64; labels++)
        {
            var body = dis.Decode(start, l => l.Address < end).ToList();
            if (body.Count == 0 || body[^1].Address + (ulong)body[^1].Length != end
                || body[^1].Kind != LineKind.Other)
                break;
            end = dis.NextSymbolAddress(end) ?? end;
        }
        return end;
    }

    // The alignment padding after a function's last instruction, which gdb's range (DWARF, or the ELF
    // symbol size of an assembler function) leaves out: NOPs after C functions, int3 after assembler
    // ones. A return thunk patched in place is ret and four int3: those four belong to the function.
    private static List<DisassembledLine> Trim(List<DisassembledLine> lines)
    {
        int n = lines.Count;
        // A label over padding only (__noinstr_text_end) has no range in gdb: all of it shows.
        if (lines.All(l => l.Kind is LineKind.Nop or LineKind.Int3))
            return lines;
        while (n > 1 && lines[n - 1].Kind is LineKind.Nop or LineKind.Int3)
        {
            int run = 0;
            while (n - run > 1 && lines[n - 1 - run].Kind == LineKind.Int3)
                run++;
            if (run > 0)
            {
                var before = n - run > 0 ? lines[n - 1 - run].Kind : LineKind.Other;
                int keep = before == LineKind.Return ? 4 : before == LineKind.ThunkJump ? 1 : 0;
                n -= Math.Max(0, run - keep);
                if (keep > 0)
                    break;
                continue;
            }
            n--;
        }
        return lines.GetRange(0, n);
    }

    private static void Print(TextWriter o, IEnumerable<DisassembledLine> lines, ulong start)
    {
        bool any = false;
        foreach (var l in lines)
        {
            o.WriteLine(l.Text);
            any = true;
        }
        if (!any)
            throw Unable(start);
    }

    private static CommandException Unable(ulong address) => new($"dis: gdb unable to disassemble kernel virtual address {address:x}");

    /// <summary><c>SYMBOL+OFF</c> or <c>SYMBOL-OFF</c>, the offset decimal or 0x-hexadecimal, as crash evaluates it.</summary>
    private static bool TryParseSymbolPlusOffset(CrashSession session, string arg, out ulong address)
    {
        address = 0;
        int at = arg.Length < 2 ? -1 : arg.IndexOfAny(['+', '-'], 1);
        if (at < 0 || session.Symbols.Lookup(arg[..at]) is not { } s)
            return false;
        var number = arg.AsSpan(at + 1);
        ulong off;
        bool ok = number.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(number[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out off)
            : ulong.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out off);
        if (!ok)
            return false;
        address = arg[at] == '+' ? s.Address + off : s.Address - off;
        return true;
    }
}
