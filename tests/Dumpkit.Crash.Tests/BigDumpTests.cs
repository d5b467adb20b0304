// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Dumpkit.Crash.Tests;

/// <summary>
/// The kdumps of 1, 2 and 4 GiB guests that bench/make-big-dumps.sh makes (DUMPKIT_BIG_DUMPS/KVER/vmcore-NG.elf, its
/// makedumpfile -c -d 31 file vmcore-NG.c-d31, and the kernel's log dmesg-NG.txt, which holds sysrq t's account of every task):
/// <c>ps</c> lists every task the kernel logged, with its parent and command, and the first <c>bt</c> holds the panic's own
/// Call Trace from <c>panic</c> on. Skipped without DUMPKIT_BIG_DUMPS: the CI cannot make gigabyte dumps in its budget.
/// </summary>
public partial class BigDumpTests(ITestOutputHelper output)
{
    [GeneratedRegex(@"^ ?#\d+ \[[0-9a-f]+\] (\S+) at [0-9a-f]+$")]
    private static partial Regex OurFrame();

    [GeneratedRegex(@"^vmcore-(\d+g)\.(elf|c-d31)$")]
    private static partial Regex DumpName();

    /// <summary>Every big dump with its log, as "KVER/FILE"; one empty row (the test skips) when there are none.</summary>
    public static TheoryData<string> Dumps()
    {
        var data = new TheoryData<string>();
        if (Root is string root)
            foreach (var dir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
                foreach (var file in Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal))
                    if (DumpName().IsMatch(file!))
                        data.Add($"{Path.GetFileName(dir)}/{file}");
        if (data.Count == 0)
            data.Add("");
        return data;
    }

    private static string? Root =>
        Environment.GetEnvironmentVariable("DUMPKIT_BIG_DUMPS") is { Length: > 0 } d && Directory.Exists(d) ? d : null;

    private static (string Dump, string[] Log) Open(string name)
    {
        Skip.If(Root is null, "DUMPKIT_BIG_DUMPS is not set to the output of bench/make-big-dumps.sh (1-4 GiB kdumps, not made by the CI)");
        Skip.If(name.Length == 0, $"no vmcore-NG.elf or .c-d31 under {Root}");
        var dump = Path.Combine(Root!, name);
        var size = DumpName().Match(Path.GetFileName(name)).Groups[1].Value;
        var log = Path.Combine(Path.GetDirectoryName(dump)!, $"dmesg-{size}.txt");
        Skip.IfNot(File.Exists(log), $"no {log}");
        return (dump, File.ReadAllLines(log));
    }

    [SkippableTheory]
    [MemberData(nameof(Dumps))]
    public void PsListsEveryLoggedTaskWithItsParentAndCommand(string name)
    {
        var (dump, log) = Open(name);
        var logged = SysrqLog.Tasks(log);
        Assert.NotEmpty(logged);
        var (o, e, code) = CrashRunner.Ours("ps\nq\n", "-s", dump);
        Assert.Equal(0, code);
        Assert.Equal("", e);
        var rows = o.TrimEnd('\n').Split('\n').Skip(1).Select(l => l[2..].Split(' ', 9, StringSplitOptions.RemoveEmptyEntries)).ToList();
        var byPid = rows.Where(r => r[0] != "0").ToDictionary(r => int.Parse(r[0], CultureInfo.InvariantCulture));
        foreach (var t in logged)
        {
            Assert.True(byPid.TryGetValue(t.Pid, out var row), $"pid {t.Pid} ({t.Comm}) is not in ps");
            Assert.Equal(t.Ppid, int.Parse(row[1], CultureInfo.InvariantCulture));
            var comm = row[8].StartsWith('[') ? row[8][1..^1] : row[8];
            Assert.Equal(t.Comm, comm.Length > 15 ? comm[..15] : comm);
        }
        output.WriteLine($"{name}: {logged.Count} logged tasks, {byPid.Count} in ps");
        Assert.Equal(logged.Count, byPid.Count);
    }

    [SkippableTheory]
    [MemberData(nameof(Dumps))]
    public void TheFirstBtHoldsThePanicCallTraceFromPanicOn(string name)
    {
        var (dump, log) = Open(name);
        var expected = SysrqLog.PanicTrace(log);
        int from = expected.IndexOf("panic");
        Assert.True(from >= 0, "no panic frame in the log's Call Trace");
        var (o, e, code) = CrashRunner.Ours("bt\nq\n", "-s", dump);
        Assert.Equal(0, code);
        Assert.Equal("", e);
        var ours = o.Split('\n').Select(l => OurFrame().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        int start = ours.IndexOf("panic");
        Assert.True(start >= 0, o);
        output.WriteLine($"{name}: {ours.Count - start} frames from panic on, as the kernel logged them");
        Assert.Equal(expected[from..], ours[start..]);
    }
}
