// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;
using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Sched;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>task [-R member[,member]] [-dx] [pid | taskp] ...</c>: crash's task header, then the task's
/// <c>task_struct</c> and <c>thread_info</c> as gdb prints them (types from BTF); with <c>-R</c> only the
/// named members, each from the task_struct and then from the thread_info, as crash picks them.
/// </summary>
internal sealed class TaskCommand : ICrashCommand
{
    public string Name => "task";
    public string Synopsis => "  task [-R member[,member]] [-dx] [pid | taskp] ...";
    public string Summary => "task_struct and thread_info contents";

    public void Run(CrashSession session, string[] args)
    {
        var members = new List<string>();
        bool hex = false;
        var targets = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (a.Length > 1 && a[0] == '-' && !char.IsAsciiDigit(a[1]))
            {
                for (int k = 1; k < a.Length; k++)
                {
                    switch (a[k])
                    {
                        case 'x': hex = true; break;
                        case 'd': hex = false; break;
                        case 'R':
                            string value = k + 1 < a.Length ? a[(k + 1)..] : ++i < args.Length ? args[i]
                                : throw new CommandException($"task: option requires an argument -- 'R'\n{CrashSession.Usage(this).Message}");
                            members.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries));
                            k = a.Length;
                            break;
                        default:
                            throw new CommandException($"task: invalid option -- '{a[k]}'\n{CrashSession.Usage(this).Message}");
                    }
                }
            }
            else
                targets.Add(a);
        }

        var btf = session.Types;
        int taskType = btf.Find("task_struct", BtfKind.Struct) ?? throw new CommandException("task: BTF has no struct task_struct");
        var tasks = new List<ProcessEntry>();
        bool named = false;
        foreach (var arg in targets)
        {
            if (PsCommand.IsNumber(arg) && TaskViews.Select(session, arg) is { } picked)
            {
                tasks.AddRange(picked);
                named = true;
            }
            else if (arg.Contains(',', StringComparison.Ordinal) || btf.Member(taskType, arg) is not null)
                members.AddRange(arg.Split(',', StringSplitOptions.RemoveEmptyEntries));
            else
                session.Out.WriteLine($"task: invalid task, pid, or task_struct member: {arg}\n");
        }
        if (!named)
            tasks.Add(session.CurrentTask ?? throw new CommandException("task: no current task"));
        var printer = new TypePrinter(session) { Hex = hex };
        foreach (var e in tasks)
        {
            TaskViews.Header(session, e, false);
            Print(session, printer, e, members);
        }
    }

    /// <summary>The task_struct and thread_info (or their <paramref name="members"/>) after the header, each block ending in a blank line.</summary>
    internal static void Print(CrashSession session, TypePrinter printer, ProcessEntry e, IReadOnlyList<string> members)
    {
        var o = session.Out;
        var task = Format(session, printer, "task_struct", e.Task);
        // x86_64 keeps thread_info at the start of task_struct (THREAD_INFO_IN_TASK)
        var info = Format(session, printer, "thread_info", e.Task);
        if (members.Count == 0)
        {
            o.WriteLine(task);
            o.WriteLine();
            o.WriteLine(info);
            o.WriteLine();
            return;
        }
        var taskLines = task.Split('\n');
        var infoLines = info.Split('\n');
        foreach (var m in members)
        {
            var found = StructCommand.MemberLines(taskLines, m).Concat(StructCommand.MemberLines(infoLines, m)).ToList();
            if (found.Count == 0)
            {
                o.WriteLine($"task: {m}: not a task_struct or thread_info member");
                continue;
            }
            foreach (var line in found)
                o.WriteLine(line);
        }
        o.WriteLine();
    }

    /// <summary>A structure at an address as crash's gdb prints it: <c>struct NAME {...}</c>.</summary>
    internal static string Format(CrashSession session, TypePrinter printer, string type, ulong address, string command = "task")
    {
        var btf = session.Types;
        int id = btf.Find(type, BtfKind.Struct) ?? throw new CommandException($"{command}: BTF has no struct {type}");
        var data = new byte[btf.SizeOf(id)];
        if (!session.Memory.TryReadVirtual(address, data))
            throw new CommandException(ExcludedPages.Message(session, command, address, "gdb_readmem_callback"));
        var sb = new StringBuilder($"struct {type} ");
        printer.Value(sb, id, data, 0, 0, address);
        return sb.ToString();
    }
}
