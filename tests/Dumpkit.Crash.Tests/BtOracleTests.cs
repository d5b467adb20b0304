// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Dumpkit.Crash.Tests;

/// <summary>
/// <c>bt</c> against crash 8.0.2 with the Debian debug vmlinux on the 6.1 corpus dump (crash sees 3 of its
/// 57 tasks there: the two idle tasks and init, the panic task). crash 8.0.2 also prints return
/// addresses it meets while scanning that the kernel's own panic trace marks unreliable ("? func");
/// those lines are taken out of crash's output and its frames renumbered (bt -f's words around them
/// joined), the rest must be identical. <c>foreach bt</c> is compared on the three tasks crash sees.
/// </summary>
public partial class BtOracleTests(ITestOutputHelper output)
{
    private static readonly string[] Commands =
    [
        "bt", "bt -a", "bt 1", "bt 0", "bt ffffffff8c41aa40", "bt ffff8e3081256100", "bt ffff8e30811fc8c0", "bt 1 0", "bt 9999", "bt -f", "bt -f 0", "bt -a -f",
        "foreach bt", "foreach bt -f", "foreach 1 swapper/1 bt", "foreach",
        "bt 1 -a", "foreach bt -z", "foreach 9999 bt",
        "bt -s", "bt -sx", "bt -s -d", "bt -x", "bt -d -f", "bt -x -d",
        "foreach bt -s", "foreach bt -s -x", "foreach bt -sx", "foreach bt -x", "foreach bt -d", "foreach bt -s -d", "foreach bt -f -s",
        "foreach 1 bt -s", "foreach bt -s -k -G", "foreach bt -d -x", "foreach bt -h -d", "foreach bt -g", "foreach bt -x -g",
    ];

    [GeneratedRegex(@"^ ?#(\d+) \[[0-9a-f]+\] ([^\s+]+)(?:\+\S+)? at [0-9a-f]+$")]
    private static partial Regex FrameLine();

    [GeneratedRegex(@"^\[\s*\d+\.\d+\]  \? ([^\s+]+)\+0x")]
    private static partial Regex UnreliableFrame();

    private static readonly Lazy<(string[] Ours, string[] Crash)> Outputs = new(() =>
    {
        var vmlinux = CrashRunner.RequireVmlinux(RealData.Kernel61);
        var dump = RealData.Kernel(RealData.Kernel61, "vmcore.elf");
        return (CrashRunner.OursPerCommand(dump, Commands), CrashRunner.Oracle(vmlinux, dump, Commands));
    });

    /// <summary>crash's output without the frames the kernel's panic trace calls unreliable, renumbered.</summary>
    private static string WithoutUnreliable(string text, HashSet<string> unreliable)
    {
        var lines = new List<string>();
        int n = 0;
        foreach (var line in text.Split('\n'))
        {
            if (FrameLine().Match(line) is { Success: true } m)
            {
                if (m.Groups[1].Value == "0")
                    n = 0;
                if (unreliable.Contains(m.Groups[2].Value))
                    continue;
                var rest = line[(line.IndexOf('[', StringComparison.Ordinal) - 1)..];
                lines.Add($"{(n < 10 ? " " : "")}#{n}{rest}");
                n++;
                continue;
            }
            lines.Add(line);
        }
        return Reflow(lines);
    }

    [GeneratedRegex(@"^    ([0-9a-f]{16}): ((?:[0-9a-f]{16} )+)$")]
    private static partial Regex WordLine();

    /// <summary>
    /// bt -f's word lines, runs joined where a frame line was taken out and laid out again two words a line
    /// as crash does (a run of words is one stretch of stack between two frames).
    /// </summary>
    private static string Reflow(List<string> lines)
    {
        var result = new List<string>();
        var run = new List<(ulong At, string Word)>();
        void Flush()
        {
            for (int i = 0; i < run.Count; i += 2)
                result.Add($"    {run[i].At:x}: " + string.Concat(run.Skip(i).Take(2).Select(w => w.Word + " ")));
            run.Clear();
        }
        foreach (var line in lines)
        {
            if (WordLine().Match(line) is { Success: true } m)
            {
                ulong at = Convert.ToUInt64(m.Groups[1].Value, 16);
                if (run.Count > 0 && run[^1].At + 8 != at)
                    Flush();
                foreach (var w in m.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    run.Add((at, w));
                    at += 8;
                }
                continue;
            }
            Flush();
            result.Add(line);
        }
        Flush();
        return string.Join('\n', result);
    }

    /// <summary>Of our foreach output, the tasks crash 8.0.2 sees (their header lines are in its output).</summary>
    private static string OnlyTasksOf(string ours, string crash)
    {
        var headers = crash.Split('\n').Where(l => l.StartsWith("PID: ", StringComparison.Ordinal)).ToHashSet();
        var blocks = ours.TrimEnd('\n').Split("\n\n").Where(b => headers.Contains(b.Split('\n')[0]));
        return string.Join("\n\n", blocks) + "\n";
    }

    [SkippableFact]
    public void BtPrintsWhatCrash8PrintsButTheUnreliableFrames()
    {
        var (ours, crash) = Outputs.Value;
        var log = File.ReadAllLines(RealData.Kernel(RealData.Kernel61, "kdump-dmesg.txt"));
        var unreliable = log.SkipWhile(l => !l.Contains("Kernel panic - not syncing", StringComparison.Ordinal))
            .Select(l => UnreliableFrame().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet();
        var failures = new List<string>();
        int identical = 0, total = 0;
        for (int i = 0; i < Commands.Length; i++)
        {
            var expected = WithoutUnreliable(crash[i], unreliable);
            if (Commands[i].StartsWith("foreach bt", StringComparison.Ordinal) && crash[i].StartsWith("PID: ", StringComparison.Ordinal))
                ours[i] = OnlyTasksOf(ours[i], crash[i]);
            total += expected.Split('\n').Length;
            identical += expected.Split('\n').Zip(ours[i].Split('\n')).Count(p => p.First == p.Second);
            if (expected != ours[i])
                failures.Add($"'{Commands[i]}': {CrashRunner.FirstDifference(expected, ours[i])}");
        }
        output.WriteLine($"{identical} of {total} lines identical");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [SkippableFact]
    // kallsyms has no line numbers: -l says so in crash's words (its text for a kernel without them) and the trace is bt's.
    public void BtLSaysThereAreNoLineNumbersAndPrintsTheTrace()
    {
        var dump = RealData.Kernel(RealData.Kernel61, "vmcore.elf");
        var o = CrashRunner.OursPerCommand(dump, ["bt", "bt -l", "foreach bt", "foreach bt -l -s", "foreach bt -s"]);
        Assert.Equal("bt: line numbers are not available\n" + o[0], o[1]);
        Assert.Equal("foreach: line numbers are not available\n" + o[4], o[3]);
        Assert.NotEqual(o[2], o[4]);
    }
}
