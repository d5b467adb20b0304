// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>runq</c>: per CPU the run queue's address, the task running there, the RT priority lists and
/// the CFS red-black tree (task groups opened in place), as crash 8 prints them.
/// </summary>
internal sealed class RunqCommand : ICrashCommand
{
    public string Name => "runq";
    public string Synopsis => "  runq [-t] [-T] [-m] [-g] [-c cpu(s)]";
    public string Summary => "run queue";

    public void Run(CrashSession session, string[] args)
    {
        foreach (var arg in args)
        {
            if (arg.Length > 1 && arg[0] == '-' && "tTmgc".Contains(arg[1], StringComparison.Ordinal))
                throw new CommandException($"runq: option {arg} is not supported yet by dumpkit crash");
            if (arg.StartsWith('-'))
                throw new CommandException($"runq: invalid option -- '{arg.TrimStart('-').FirstOrDefault()}'\n" + CrashSession.Usage(this).Message);
            throw CrashSession.Usage(this);
        }
        var table = session.Processes;
        var queues = table.RunQueues;
        var o = session.Out;
        bool first = true;
        foreach (var rq in queues.Cpus)
        {
            o.Write(first ? "" : "\n");
            first = false;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CPU {rq.Cpu} RUNQUEUE: {rq.Address:x}"));
            o.Write("  CURRENT: ");
            o.WriteLine(table.ByTask(rq.Curr) is { } cur
                ? string.Create(CultureInfo.InvariantCulture, $"PID: {cur.Pid,-5}  TASK: {cur.Task:x}  COMMAND: \"{cur.Comm}\"")
                : rq.Curr.ToString("x", CultureInfo.InvariantCulture));
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  RT PRIO_ARRAY: {queues.RtPrioArray(rq):x}"));
            Queued(o, table, queues.RtTasks(rq));
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  CFS RB_ROOT: {queues.CfsRoot(rq):x}"));
            Queued(o, table, queues.CfsTasks(rq));
        }
    }

    private static void Queued(TextWriter o, Kernel.Sched.ProcessTable table, List<Kernel.Sched.QueuedTask> tasks)
    {
        int shown = 0;
        foreach (var q in tasks)
        {
            if (table.ByTask(q.Task) is not { } t)
                continue;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"     [{q.Prio,3}] PID: {t.Pid,-5}  TASK: {t.Task:x}  COMMAND: \"{t.Comm}\""));
            shown++;
        }
        if (shown == 0)
            o.WriteLine("     [no tasks queued]");
    }
}
