// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Kallsyms;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>sym NAME|ADDR</c>: <c>ADDR (T) name[+offset]</c>; <c>sym -l</c>: every symbol by address.
/// crash adds the source file and line from the vmlinux's DWARF; kallsyms has none.
/// </summary>
internal sealed class SymCommand : ICrashCommand
{
    public string Name => "sym";
    public string Synopsis => "  sym [-l] | [-q string] | [symbol | vaddr]";
    public string Summary => "translate a symbol to its virtual address, or vice-versa";

    public void Run(CrashSession session, string[] args)
    {
        if (args.Length == 0)
            throw CrashSession.Usage(this);
        var symbols = session.Symbols;
        var o = session.Out;
        for (int i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == "-l")
            {
                foreach (var s in symbols.ByAddress())
                    o.WriteLine(Format(s.Address, s, 0));
                continue;
            }
            if (arg == "-q")
            {
                if (++i >= args.Length)
                    throw CrashSession.Usage(this);
                foreach (var s in symbols.ByAddress())
                    if (s.Name.Contains(args[i], StringComparison.Ordinal))
                        o.WriteLine(Format(s.Address, s, 0));
                continue;
            }
            if (arg.StartsWith('-'))
                throw new CommandException($"sym: invalid option -- '{arg.TrimStart('-').FirstOrDefault()}'\n" + CrashSession.Usage(this).Message);

            if (symbols.Lookup(arg) is not null)
            {
                foreach (var s in symbols.LookupAll(arg))
                    o.WriteLine(Format(s.Address, s, 0));
                continue;
            }
            if (ModuleSymbols.TryName(session, arg, o))
                continue;
            if (CrashSession.TryParseHex(arg, out ulong address))
            {
                if (symbols.Resolve(address) is null && ModuleSymbols.TryAddress(session, address, o))
                    continue;
                if (symbols.Resolve(address) is not { } r)
                    throw new CommandException($"sym: invalid address: {arg}");
                o.WriteLine(Format(address, r.Symbol, r.Offset));
                continue;
            }
            throw NotFound(symbols, arg);
        }
    }

    internal static string Format(ulong address, KernelSymbol s, ulong offset) =>
        offset == 0 ? $"{address:x} ({s.Type}) {s.Name}" : $"{address:x} ({s.Type}) {s.Name}+{offset}";

    /// <summary>crash's "symbol not found" with the symbols whose names contain the word.</summary>
    internal static CommandException NotFound(KallsymsTable symbols, string name)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append($"symbol not found: {name}\npossible alternatives:");
        int n = 0;
        foreach (var s in symbols.ByAddress())
            if (s.Name.Contains(name, StringComparison.Ordinal))
            {
                sb.Append($"\n  {s.Address:x16} ({s.Type}) {s.Name}");
                n++;
            }
        if (n == 0)
            sb.Append("\n  (none found)");
        return new CommandException(sb.ToString());
    }
}
