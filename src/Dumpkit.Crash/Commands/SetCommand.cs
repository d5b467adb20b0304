// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text;
using Dumpkit.Kernel.Sched;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>set [pid | task | -p | -c cpu]</c>: shows the current context (the task other commands default
/// to) or changes it, printed as crash prints it.
/// </summary>
internal sealed class SetCommand : ICrashCommand
{
    public string Name => "set";
    public string Synopsis => "  set [[-a] [pid | taskp] | [-c cpu] | -p] | [crash_variable [setting]] | -v";
    public string Summary => "set a process context or internal crash variable";

    public void Run(CrashSession session, string[] args)
    {
        var table = session.Processes;
        if (args.Length == 0)
        {
            Show(session, session.CurrentTask);
            return;
        }
        for (int i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            ProcessEntry? task;
            if (arg == "-p")
                task = table.PanicTask ?? throw new CommandException("set: no panic task found!");
            else if (arg == "-c")
            {
                if (++i >= args.Length)
                    throw CrashSession.Usage(this);
                if (!int.TryParse(args[i], NumberStyles.None, CultureInfo.InvariantCulture, out int cpu)
                    || table.RunQueues.Cpus.FirstOrDefault(r => r.Cpu == cpu) is not { Curr: not 0 } rq)
                    throw new CommandException($"set: invalid cpu specification: {args[i]}");
                task = table.ByTask(rq.Curr);
            }
            else if (arg.StartsWith('-'))
                throw new CommandException($"set: invalid option -- '{arg.TrimStart('-').FirstOrDefault()}'\n" + CrashSession.Usage(this).Message);
            else if (PsCommand.IsNumber(arg) && PsCommand.Classify(table, arg) is var (kind, value) && kind != PsCommand.Match.Invalid)
                task = kind == PsCommand.Match.Pid ? table.Entries.First(e => e.Pid == (int)value) : table.ByTask(value);
            else
                throw new CommandException($"set: invalid task or pid value: {arg}");
            if (task is null)
                throw new CommandException($"set: invalid task or pid value: {arg}");
            session.SetCurrentTask(task);
            Show(session, task);
        }
    }

    internal static void Show(CrashSession session, ProcessEntry? task)
    {
        if (task is null)
            throw new CommandException("set: no current context");
        var table = session.Processes;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"    PID: {task.Pid}\n");
        sb.Append(CultureInfo.InvariantCulture, $"COMMAND: \"{task.Comm}\"\n");
        sb.Append(CultureInfo.InvariantCulture, $"   TASK: {task.Task:x}  ");
        int sharing = table.Entries.Count(e => e.Pid == task.Pid);
        if (sharing > 1)
            sb.Append(CultureInfo.InvariantCulture, $"(1 of {sharing})  ");
        // x86_64 keeps thread_info inside task_struct (THREAD_INFO_IN_TASK).
        sb.Append(CultureInfo.InvariantCulture, $"[THREAD_INFO: {task.Task:x}]\n");
        sb.Append(CultureInfo.InvariantCulture, $"    CPU: {task.Cpu}\n");
        sb.Append("  STATE: ").Append(TaskStates.Verbose(task.State, task.ExitState)).Append(' ');
        if (task.Active)
            sb.Append(table.PanicTask?.Task == task.Task ? "(PANIC)" : "(ACTIVE)");
        session.Out.WriteLine(sb.ToString());
    }
}
