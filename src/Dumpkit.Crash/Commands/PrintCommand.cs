// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;
using Dumpkit.Kernel.Btf;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>p SYMBOL[.member...]</c>: a kernel global's value as gdb prints it (<c>jiffies_64 = $1 = 42</c>).
/// BTF has no types for ordinary globals: <see cref="Globals"/> names the ones known here.
/// </summary>
internal sealed class PrintCommand : ICrashCommand
{
    public string Name => "p";
    public string Synopsis => "  p [-x|-d][-u] [expression | symbol[:cpuspec]]";
    public string Summary => "print the value of an expression";

    /// <summary>
    /// C types of kernel globals (as the kernel declares them, base types by their DWARF/BTF names);
    /// an array gets its length.
    /// </summary>
    internal static readonly Dictionary<string, (string Type, int ArrayLength)> Globals = new(StringComparer.Ordinal)
    {
        ["jiffies_64"] = ("u64", 0),
        ["jiffies"] = ("long unsigned int", 0),
        ["cpu_khz"] = ("unsigned int", 0),
        ["tsc_khz"] = ("unsigned int", 0),
        ["tick_nsec"] = ("long unsigned int", 0),
        ["max_pfn"] = ("long unsigned int", 0),
        ["totalreserve_pages"] = ("long unsigned int", 0),
        ["nr_cpu_ids"] = ("unsigned int", 0),
        ["avenrun"] = ("long unsigned int", 3),
        ["_totalram_pages"] = ("atomic_long_t", 0),
        ["panic_cpu"] = ("atomic_t", 0),
        ["init_uts_ns"] = ("uts_namespace", 0),
        ["init_task"] = ("task_struct", 0),
        ["init_mm"] = ("mm_struct", 0),
        ["modules"] = ("list_head", 0),
        ["printk_rb_static"] = ("printk_ringbuffer", 0),
        ["init_pid_ns"] = ("pid_namespace", 0),
    };

    private int _history;

    public void Run(CrashSession session, string[] args)
    {
        var exprs = args.Where(a => !a.StartsWith('-')).ToArray();
        if (exprs.Length != 1)
            throw CrashSession.Usage(this);
        var expr = exprs[0];
        var path = expr.Split('.');
        var btf = session.Types;
        if (!Globals.TryGetValue(path[0], out var g) || session.Symbols.AddressOf(path[0]) is not ulong address
            || FindType(btf, g.Type) is not int type)
            throw new CommandException($"p: gdb request failed: p {expr}");

        ulong elementSize = btf.SizeOf(type);
        ulong size = g.ArrayLength > 0 ? elementSize * (ulong)g.ArrayLength : elementSize;
        ulong offset = 0;
        int valueType = type;
        for (int i = 1; i < path.Length; i++)
        {
            if (g.ArrayLength > 0 || btf.Member(valueType, path[i]) is not { BitfieldSize: 0 } m)
                throw new CommandException($"p: gdb request failed: p {expr}");
            offset += m.ByteOffset;
            valueType = m.Type;
            size = btf.SizeOf(valueType);
        }
        if (size > 1 << 20)
            throw new CommandException($"p: {expr} is too large to print");
        var data = new byte[size];
        if (!session.Memory.TryReadVirtual(address + offset, data))
            throw new CommandException($"p: gdb request failed: p {expr}");

        var printer = new TypePrinter(session);
        var sb = new StringBuilder();
        int n = ++_history;
        if (path.Length == 1) sb.Append(expr).Append(" = ");
        sb.Append('$').Append(n).Append(" = ");
        if (g.ArrayLength > 0 && path.Length == 1)
        {
            // crash starts an array's value on a line of its own.
            sb.Append("\n {");
            for (int i = 0; i < g.ArrayLength; i++)
            {
                if (i > 0) sb.Append(", ");
                printer.Value(sb, type, data.AsSpan(i * (int)elementSize, (int)elementSize), 0);
            }
            sb.Append('}');
        }
        else
            printer.Value(sb, valueType, data, 0, 0, address + offset);
        session.Out.WriteLine(sb.ToString());
    }

    private static int? FindType(BtfTypes btf, string name) => btf.FindType(name);
}
