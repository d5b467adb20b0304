// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.CompilerServices;
using Dumpkit.Kernel;
using Dumpkit.Kernel.Sched;
using Dumpkit.Kernel.Unwind;

namespace Dumpkit.Crash;

/// <summary>
/// What <c>bt</c> and <c>foreach</c> need of a session, made once per session on first use: the tasks
/// in crash's <c>ps</c> order (each CPU's idle task first, then by PID; read when a command names
/// tasks, not for the default <c>bt</c>) and the unwinder.
/// </summary>
internal sealed class BtContext
{
    private static readonly ConditionalWeakTable<CrashSession, BtContext> Contexts = [];

    private readonly ulong? _taskCpu;
    private readonly CrashSession _session;
    private List<TaskInfo>? _tasks;

    public TaskUnwinder Unwinder { get; }
    public TaskList TaskList { get; }

    // ps's order (each possible CPU's idle task, then by PID): the session's process table has it
    public List<TaskInfo> Tasks => _tasks ??= [.. _session.Processes.Entries.Select(e => TaskList.Task(e.Task))];

    private BtContext(CrashSession session)
    {
        var types = session.Types;
        TaskList = new TaskList(session.Memory, session.Symbols, types);
        try { Unwinder = new TaskUnwinder(session.Memory, session.Symbols, types); }
        catch (KernelDataException e) { throw new CommandException($"bt: cannot unwind: {e.Message}"); }
        _taskCpu = (types.MemberPath("task_struct.cpu") ?? types.MemberPath("task_struct.thread_info.cpu"))?.ByteOffset;
        _session = session;
        Memory = session.Memory;
    }

    private KernelMemory Memory { get; }

    public static BtContext Of(CrashSession session) => Contexts.GetValue(session, s => new BtContext(s));

    /// <summary>The CPU crash shows for a task: the one it runs on, else the one it last ran on.</summary>
    public int CpuOf(ulong task)
    {
        if (Unwinder.CpuOf(task) is int c)
            return c;
        return _taskCpu is ulong off && Memory.TryReadU32(task + off, out uint cpu) ? (int)cpu : 0;
    }

    /// <summary>The task <c>bt</c> shows by default: the one running on the panic CPU (else on the first CPU).</summary>
    public ulong? PanicTask()
    {
        int cpu = Unwinder.PanicCpu >= 0 ? Unwinder.PanicCpu : Unwinder.OnlineCpus.FirstOrDefault();
        return Unwinder.RunningTask(cpu);
    }

    /// <summary>
    /// The tasks a bt argument names: a PID (every task with it: PID 0 is each CPU's idle task), else a
    /// task_struct address; empty when none.
    /// </summary>
    public List<TaskInfo> Find(string arg)
    {
        if (int.TryParse(arg, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid)
            && Tasks.Where(t => t.Pid == pid).ToList() is { Count: > 0 } byPid)
            return byPid;
        return CrashSession.TryParseHex(arg, out ulong address) ? Tasks.Where(t => t.Address == address).ToList() : [];
    }
}
