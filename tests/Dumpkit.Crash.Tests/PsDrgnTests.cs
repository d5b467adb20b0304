// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Crash.Tests;

/// <summary>
/// Our ps against drgn 0.0.22 (python3-drgn, with the Debian debug vmlinux) for every task drgn
/// lists: PID, PPID, CPU, task address, state, VSZ, RSS and command. drgn's own helpers give the
/// task list, CPU and state letter; the RSS script sums the kernel's counters with drgn's per-CPU
/// access (the 6.12 percpu_counter) and the 6.1 per-thread split counters, as get_mm_rss() and crash do.
/// </summary>
public class PsDrgnTests
{
    private const string Script = """
        from drgn.helpers.linux.pid import for_each_task
        from drgn.helpers.linux.sched import task_cpu, task_state_to_char
        from drgn.helpers.linux.percpu import per_cpu_ptr
        from drgn.helpers.linux.cpumask import for_each_online_cpu
        def counter(mm, i):
            rs = mm.rss_stat
            if rs.type_.type_name().startswith('struct mm_rss_stat'):
                return max(0, rs.count[i].counter.value_())
            s = rs[i].count.value_()
            for cpu in for_each_online_cpu(prog):
                s += per_cpu_ptr(rs[i].counters, cpu)[0].value_()
            return max(0, s)
        tasks = list(for_each_task(prog))
        for t in tasks:
            rss = vm = 0
            if t.mm:
                vm = t.mm.total_vm.value_()
                rss = sum(counter(t.mm, i) for i in (0, 1, 3))
                if prog.type('struct task_struct').has_member('rss_stat'):
                    for th in tasks:
                        if th.tgid.value_() == t.tgid.value_():
                            rss += sum(max(0, th.rss_stat.count[i].value_()) for i in (0, 1, 3))
            ppid = t.real_parent.pid.value_() if t.pid.value_() else 0
            print(t.pid.value_(), ppid, task_cpu(t), '%x' % t.value_(), task_state_to_char(t), vm * 4, rss * 4,
                  t.comm.string_().decode('latin-1'))
        """;

    private static readonly Dictionary<string, string> CrashState = new()
    {
        ["R"] = "RU", ["S"] = "IN", ["D"] = "UN", ["I"] = "ID", ["T"] = "ST", ["t"] = "TR", ["Z"] = "ZO", ["X"] = "DE", ["P"] = "PA",
    };

    [SkippableTheory]
    [InlineData(RealData.CrashKernel61, true)]
    [InlineData(RealData.CrashKernel612, true)]
    [InlineData(RealData.Kernel61, false)]
    [InlineData(RealData.Kernel612, false)]
    public void EveryTaskDrgnListsHasTheSameColumns(string kernel, bool crashDump)
    {
        var vmlinux = CrashRunner.RequireVmlinux(kernel);
        var dump = crashDump ? RealData.CrashDump(kernel, "vmcore.elf") : RealData.Kernel(kernel, "vmcore.elf");
        RealData.Tool("/usr/bin/python3");
        Skip.IfNot(RealData.Run("/usr/bin/python3", ["-c", "import drgn"]).ExitCode == 0, "python3-drgn is not installed");
        var script = Path.GetTempFileName();
        try
        {
            File.WriteAllText(script, Script);
            var r = RealData.Run("/usr/bin/python3", ["-m", "drgn", "-q", "-c", dump, "-s", vmlinux, script]);
            Assert.True(r.ExitCode == 0, $"drgn on {dump}: {r.Err}");
            var drgn = r.Out.TrimEnd('\n').Split('\n').Select(l => l.Split(' ', 8)).ToList();

            var (o, _, code) = CrashRunner.Ours("ps\nq\n", "-s", dump);
            Assert.Equal(0, code);
            var ours = o.TrimEnd('\n').Split('\n').Skip(1).Select(l => l[2..].Split(' ', 9, StringSplitOptions.RemoveEmptyEntries))
                .ToDictionary(f => f[3]);
            Assert.True(drgn.Count >= 50, $"drgn listed {drgn.Count} tasks");
            foreach (var d in drgn)
            {
                Assert.True(ours.TryGetValue(d[3], out var row), $"task {d[3]} (pid {d[0]}) is not in ps");
                var comm = row[8].StartsWith('[') ? row[8][1..^1] : row[8];
                Assert.Equal(string.Join(' ', d[0], d[1], d[2], CrashState[d[4]], d[5], d[6], d[7]),
                    string.Join(' ', row[0], row[1], row[2], row[4], row[6], row[7], comm));
            }
            // drgn walks init_task's lists without init_task itself; ps adds every CPU's idle task (2 CPUs here).
            Assert.DoesNotContain(drgn, d => d[0] == "0");
            Assert.Equal(2, ours.Values.Count(f => f[0] == "0"));
            Assert.Equal(drgn.Count + 2, ours.Count);
        }
        finally
        {
            File.Delete(script);
        }
    }
}
