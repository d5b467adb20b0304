// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;
using Dumpkit.Kernel.Sched;

namespace Dumpkit.Kernel.Tests;

/// <summary>
/// The kernel's own account of its tasks: the crash-dumps were made with sysrq-t just before the
/// panic, so their log lists every task as "task:COMM state:S ... pid:N [tgid:N] ppid:N".
/// </summary>
public class TaskListTests
{
    [SkippableTheory]
    [InlineData(RealData.CrashKernel61, 55)]
    [InlineData(RealData.CrashKernel612, 60)]
    [InlineData(RealData.CrashKernel72, 61)]
    public void EveryTaskTheKernelLoggedIsOnTheTaskList(string kernel, int logged)
    {
        var expected = SysrqLog.Tasks(SysrqLog.Lines(kernel)).Select(t => (t.Pid, t.Ppid, t.Comm)).ToList();
        Assert.Equal(logged, expected.Count);

        var mem = RealData.OpenMemory(RealData.CrashDump(kernel, "vmcore.elf"));
        using var _ = mem.Dump;
        var symbols = KallsymsTable.Load(mem);
        var tasks = new TaskList(mem, symbols, BtfTypes.Load(mem.TryReadVirtual, symbols)).Read();
        Assert.Equal(0, tasks[0].Pid); // init_task, the boot CPU's idle task
        Assert.Equal("swapper/0", tasks[0].Comm);
        var byPid = tasks.ToDictionary(t => t.Pid);
        foreach (var (pid, ppid, comm) in expected)
        {
            Assert.True(byPid.TryGetValue(pid, out var t), $"pid {pid} ({comm}) is not on the task list");
            Assert.Equal(ppid, t.ParentPid);
            Assert.Equal(comm, t.Comm.Length > 15 ? t.Comm[..15] : t.Comm);
        }
        // The log shows every task but the idle ones.
        Assert.Equal(expected.Count + 1, tasks.Count);
    }
}
