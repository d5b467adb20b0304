// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Crash.Commands;

namespace Dumpkit.Crash.Tests;

/// <summary><c>help</c> and <c>help COMMAND</c> against crash 8.0.2 (+ debug vmlinux) on the 6.1 corpus dump.</summary>
public class HelpTests
{
    private static readonly string[] OurCommands =
        ["bt", "dis", "exit", "files", "foreach", "help", "kmem", "log", "mod", "net", "p", "ps", "q", "rd", "runq", "set", "sig", "struct",
         "sym", "sys", "task", "union", "vm", "vtop"];

    private static readonly Lazy<(string[] Ours, string[] Crash)> Outputs =
        new(() => CrashRunner.BothOn61(OurCommands.Select(c => $"help {c}").Prepend("help").Append("help nosuch").ToArray()));

    /// <summary>The command table of a <c>help</c> output: the lines between the first blank line and the next.</summary>
    private static List<string> TableLines(string help)
    {
        var lines = help.Split('\n');
        int start = Array.FindIndex(lines, l => l.Length > 0);
        return lines.Skip(start).TakeWhile(l => l.Length > 0).ToList();
    }

    // The names of a table read down each 15-character column, left to right.
    private static List<string> ColumnMajor(List<string> table) =>
        Enumerable.Range(0, 5).SelectMany(c => table.Select(l => l.Length > 15 * c ? l.Substring(15 * c, Math.Min(15, l.Length - 15 * c)).Trim() : ""))
            .Where(n => n.Length > 0).ToList();

    [SkippableFact]
    public void TheCommandTableIsLaidOutAsCrashLaysItsOut()
    {
        var (ours, crash) = Outputs.Value;
        var crashTable = TableLines(crash[0]);
        // crash's own names, through our layout: its table line for line
        var names = crashTable.SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        var columnMajor = ColumnMajor(crashTable);
        Assert.Equal(names.Count, columnMajor.Count);
        Assert.Equal(crashTable, HelpCommand.Table(columnMajor));
        // ours: the same layout of our names, crash's order (sorted, q last)
        var ourTable = TableLines(ours[0]);
        var ourNames = ColumnMajor(ourTable);
        Assert.Equal(OurCommands.Where(n => n != "q").Append("q"), ourNames);
        Assert.Equal(columnMajor.Where(OurCommands.Contains), ourNames);
        Assert.Equal(HelpCommand.Table(ourNames), ourTable);
    }

    [SkippableFact]
    public void EachPageHasCrashsNameLineAndSections()
    {
        var (ours, crash) = Outputs.Value;
        for (int i = 0; i < OurCommands.Length; i++)
        {
            var o = ours[i + 1].Split('\n');
            var c = crash[i + 1].Split('\n');
            Assert.Equal(c[Array.IndexOf(c, "NAME") + 1].TrimEnd(), o[Array.IndexOf(o, "NAME") + 1]);
            var sections = o.Where(l => l is "NAME" or "SYNOPSIS" or "DESCRIPTION").ToList();
            Assert.Equal(["NAME", "SYNOPSIS", "DESCRIPTION"], sections);
            Assert.Equal(c.Where(sections.Contains), sections);
            Assert.True(o.All(l => l.Length <= 100 && l == l.TrimEnd()), $"help {OurCommands[i]}: a line too long or with trailing blanks");
        }
        Assert.Equal(crash[^1], ours[^1]); // help nosuch
    }

    [SkippableFact]
    public void HelpAllShowsEveryPageAndNoOptionIsTakenForACommand()
    {
        var dump = RealData.Kernel(RealData.Kernel61, "vmcore.elf");
        var (o, _, _) = CrashRunner.Ours("help all\nsym -h\nq\n", "-s", dump);
        Assert.Equal(OurCommands.Length, o.Split('\n').Count(l => l == "NAME"));
        // crash has no -h: "sym: invalid option -- 'h'" and the usage, as crash 8.0.2 prints for "sym -h"
        Assert.Contains("sym: invalid option -- 'h'\nUsage:\n", o, StringComparison.Ordinal);
    }
}
