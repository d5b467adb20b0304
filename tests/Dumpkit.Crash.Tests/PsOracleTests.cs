// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;
using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;
using Dumpkit.Kernel.Mm;
using Dumpkit.Kernel.Sched;

namespace Dumpkit.Crash.Tests;

/// <summary>
/// ps, set, runq, mod and module symbols against crash 8.0.2 with the Debian debug vmlinux on the
/// 6.1 corpus dump (TZ=UTC). crash 8.0.2 sees only 3 of the 57 tasks there (the 6.1.y struct pid
/// change), so its ps rows are compared row by row with ours; the whole task list is checked
/// against the kernel's own sysrq-t listing in <see cref="PsSysrqTests"/>.
/// </summary>
public class PsOracleTests
{
    // Identical output expected, command by command.
    private static readonly string[] Commands =
    [
        "mod", "p modules", "runq", "set", "set 0", "set 1", "set -p", "ps 0", "ps -u 0", "ps -k 1", "ps nosuch",
        "ps -x", "mod -x", "runq -x", "sym virtqueue_notify", "sym __this_module", "sym ffffffffc036e135", "sym ffffffffc03af2c8",
        "set nosuch", "rd -s ffffffffc03af2c0 4", "sym ffffffffc036e000",
        "foreach ps -l -G", "foreach ps -a -c", "foreach ps -G -m", "foreach ps -t -r -G",
    ];

    // crash's rows are a subset of ours; RSS differs by the shmem pages crash 8.0.2 does not count (8.0.4 does, 69f38d7).
    // -s puts the kernel stack pointer (or "--") in the task's column: rows are then matched by PID and CPU too.
    private static readonly string[] PsCommands =
    [
        "ps", "ps -u", "ps -G", "ps 1", "ps init", "ps -k", "ps -s", "ps -s 1", "foreach ps -G", "foreach ps -k", "foreach ps -u",
        "foreach ps -x", "foreach ps -s", "foreach ps -G -s", "foreach 0 ps -s",
    ];

    private static readonly Lazy<(string[] Ours, string[] Crash)> Outputs =
        new(() => CrashRunner.BothOn61(Commands.Concat(PsCommands).ToArray()));

    [SkippableFact]
    public void CommandsPrintWhatCrash8Prints()
    {
        Skip.IfNot(RuntimeInformation.IsOSPlatform(OSPlatform.Linux), "Linux only");
        var (ours, crash) = Outputs.Value;
        var failures = new List<string>();
        for (int i = 0; i < Commands.Length; i++)
        {
            // crash's getopt writes "CMD: invalid option -- 'x'" to stderr, outside the redirected output; ours is in it.
            if (Commands[i].EndsWith(" -x", StringComparison.Ordinal))
            {
                Assert.StartsWith(Commands[i].Split(' ')[0] + ": invalid option -- 'x'\n", ours[i]);
                ours[i] = ours[i][(ours[i].IndexOf('\n') + 1)..];
            }
            if (crash[i] != ours[i])
                failures.Add($"'{Commands[i]}': {CrashRunner.FirstDifference(crash[i], ours[i])}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [SkippableFact]
    public void EveryPsRowOfCrashIsOursButForShmemInRss()
    {
        var (ours, crash) = Outputs.Value;
        var mem = RealData.OpenMemory(RealData.Kernel(RealData.Kernel61, "vmcore.elf"));
        using var _ = mem.Dump;
        var symbols = KallsymsTable.Load(mem);
        var types = BtfTypes.Load(mem.TryReadVirtual, symbols);
        var table = ProcessTable.Read(mem, symbols, types);
        var counters = new MmCounters(mem, symbols, types, [0, 1]);
        int rows = 0;
        for (int i = 0; i < PsCommands.Length; i++)
        {
            int k = Commands.Length + i;
            var crashLines = crash[k].TrimEnd('\n').Split('\n');
            var ourLines = ours[k].TrimEnd('\n').Split('\n');
            Assert.Equal(crashLines[0], ourLines[0]);
            foreach (var line in crashLines.Skip(1))
            {
                var c = Columns(line);
                var mine = ourLines.Skip(1).Select(Columns).FirstOrDefault(o => o.Task == c.Task && o.Pid == c.Pid && o.Cpu == c.Cpu);
                Assert.True(mine is not null, $"'{PsCommands[i]}': crash's row for {c.Task} is not in ours");
                Assert.Equal(c with { Rss = 0, Pct = "" }, mine! with { Rss = 0, Pct = "" });
                var entry = c.Task != "--" && table.ByTask(Convert.ToUInt64(c.Task, 16)) is { } byTask ? byTask
                    : table.Entries.Single(e => e.Pid == c.Pid && e.Cpu == c.Cpu);
                long shmem = entry.Mm == 0 ? 0 : counters.Counters(entry.Mm).Shmem;
                Assert.Equal(c.Rss + shmem * 4, mine.Rss);
                rows++;
            }
        }
        Assert.True(rows >= 30, $"only {rows} rows compared");
    }

    private sealed record Row(string Marker, int Pid, int Ppid, int Cpu, string? Task, string State, string Pct, long Vsz, long Rss, string Comm);

    private static Row Columns(string line)
    {
        var f = line[2..].Split(' ', 9, StringSplitOptions.RemoveEmptyEntries);
        return new Row(line[..2], int.Parse(f[0]), int.Parse(f[1]), int.Parse(f[2]), f[3], f[4], f[5], long.Parse(f[6]), long.Parse(f[7]),
            f[8]);
    }
}
