// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Crash.Commands;

/// <summary><c>help</c>: the command table, laid out as crash lays it out; <c>help CMD</c>: its synopsis.</summary>
internal sealed class HelpCommand : ICrashCommand
{
    public string Name => "help";
    public string Synopsis => "  help [command | all] [-D]";
    public string Summary => "get help";

    public void Run(CrashSession session, string[] args)
    {
        var o = session.Out;
        if (args.Length == 0)
        {
            var names = session.Commands.Select(c => c.Name).Where(n => n != "q").OrderBy(n => n, StringComparer.Ordinal).Append("q");
            o.WriteLine();
            foreach (var line in Table(names))
                o.WriteLine(line);
            o.WriteLine();
            o.WriteLine("dumpkit crash: symbols (kallsyms) and types (BTF) read from the dump");
            o.WriteLine("For help on any command above, enter \"help <command>\".");
            o.WriteLine();
            return;
        }
        if (args is ["-D"])
        {
            DumpHeaders.Print(session, o);
            return;
        }
        if (args is ["all"])
            args = [.. session.Commands.Select(c => c.Name).OrderBy(n => n, StringComparer.Ordinal)];
        foreach (var name in args)
        {
            var c = session.Find(name);
            if (c is null)
            {
                o.WriteLine($"No help data for \"{name}\" is available.");
                continue;
            }
            o.WriteLine();
            o.WriteLine("NAME");
            o.WriteLine($"  {c.Name} - {c.Summary}");
            o.WriteLine();
            o.WriteLine("SYNOPSIS");
            o.WriteLine(c.Synopsis.TrimEnd());
            o.WriteLine();
            if (HelpPages.Description(c.Name) is string d)
            {
                o.WriteLine("DESCRIPTION");
                foreach (var line in d.ReplaceLineEndings("\n").Split('\n'))
                    o.WriteLine(line.TrimEnd());
                o.WriteLine();
            }
        }
    }

    /// <summary>crash's command table: the names in five columns of 15 characters, filled down each column first.</summary>
    internal static List<string> Table(IEnumerable<string> names)
    {
        var all = names.ToArray();
        const int Columns = 5;
        int rows = (all.Length + Columns - 1) / Columns;
        var lines = new List<string>();
        for (int r = 0; r < rows; r++)
        {
            var line = new System.Text.StringBuilder();
            for (int c = 0; c < Columns; c++)
            {
                int i = c * rows + r;
                if (i < all.Length)
                    line.Append(all[i].PadRight(15));
            }
            lines.Add(line.ToString());
        }
        return lines;
    }
}
