// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text.RegularExpressions;

namespace Dumpkit.Crash.Tests;

/// <summary>
/// Our ps against the kernel's own account of its tasks: the crash-dumps were made with sysrq-t
/// just before the panic, so their log lists every task as "task:COMM state:S ... pid:N [tgid:N] ppid:N".
/// </summary>
public partial class PsSysrqTests
{
    [GeneratedRegex(@"PID: (\d+) ")]
    private static partial Regex RunqPid();

    // The kernel's letters (task_state_to_char) and crash's names for the same states.
    private static readonly Dictionary<char, string> CrashState = new()
    {
        ['R'] = "RU", ['S'] = "IN", ['D'] = "UN", ['I'] = "ID", ['T'] = "ST", ['t'] = "TR", ['Z'] = "ZO", ['X'] = "DE", ['P'] = "PA",
    };

    [SkippableTheory]
    [InlineData(RealData.CrashKernel61, 55)]
    [InlineData(RealData.CrashKernel612, 60)]
    [InlineData(RealData.CrashKernel72, 61)]
    public void EveryLoggedTaskIsInPsWithItsPidParentCommandAndState(string kernel, int logged)
    {
        var expected = SysrqLog.Tasks(SysrqLog.Lines(kernel)).Select(t => (t.Comm, t.State, t.Pid, t.Ppid)).ToList();
        Assert.Equal(logged, expected.Count);

        var (o, e, code) = CrashRunner.Ours("ps\nq\n", "-s", RealData.CrashDump(kernel, "vmcore.elf"));
        Assert.Equal(0, code);
        Assert.Equal("", e);
        var lines = o.TrimEnd('\n').Split('\n');
        Assert.Equal(Commands.PsCommand.Header, lines[0]);
        var rows = lines.Skip(1).Select(l => l[2..].Split(' ', 9, StringSplitOptions.RemoveEmptyEntries)).ToList();
        var byPid = rows.Where(r => r[0] != "0").ToDictionary(r => int.Parse(r[0]));
        // The tasks on a CPU or queued on one at the panic (runq): one the log shows asleep was woken since (on 7.2 kworker/u8:1,
        // CPU 1's current task, and kcompactd0, queued there).
        var (rq, _, _) = CrashRunner.Ours("runq\nq\n", "-s", RealData.CrashDump(kernel, "vmcore.elf"));
        var active = RunqPid().Matches(rq).Select(m => int.Parse(m.Groups[1].Value)).ToHashSet();
        int states = 0;
        foreach (var (comm, state, pid, ppid) in expected)
        {
            Assert.True(byPid.TryGetValue(pid, out var row), $"pid {pid} ({comm}) is not in ps");
            Assert.Equal(ppid, int.Parse(row[1]));
            var name = row[8].StartsWith('[') ? row[8][1..^1] : row[8];
            Assert.Equal(comm, name.Length > 15 ? name[..15] : name);
            // A task the log shows runnable may have gone to sleep before the panic; a sleeping one stays asleep unless it runs.
            if (state != 'R' && !active.Contains(pid))
            {
                Assert.True(CrashState[state] == row[4], $"pid {pid} ({comm}): the kernel logged {state}, ps shows {row[4]}");
                states++;
            }
        }
        // Every task but the idle ones is in the log: one idle row per CPU, nothing else.
        Assert.Equal(expected.Count, byPid.Count);
        Assert.Equal(2, rows.Count(r => r[0] == "0"));
        Assert.True(states >= logged - 4, $"only {states} states compared");
    }

    [SkippableTheory]
    [InlineData(RealData.CrashKernel61)]
    [InlineData(RealData.CrashKernel612)]
    [InlineData(RealData.CrashKernel72)]
    // The panic came from `echo c > /proc/sysrq-trigger` run by init: init is the panic task, on a CPU.
    public void ThePanicTaskIsTheContextAndRunsOnACpu(string kernel)
    {
        var (o, _, code) = CrashRunner.Ours("set\nps 1\nq\n", "-s", RealData.CrashDump(kernel, "vmcore.elf"));
        Assert.Equal(0, code);
        var lines = o.Split('\n');
        Assert.Equal("    PID: 1", lines[0]);
        Assert.Equal("COMMAND: \"init\"", lines[1]);
        Assert.Equal("  STATE: TASK_RUNNING (PANIC)", lines[4]);
        Assert.StartsWith(">       1       0 ", lines[6]);
    }
}
