// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Runtime.CompilerServices;
using Dumpkit.Kernel;
using Dumpkit.Kernel.Fs;
using Dumpkit.Kernel.Mm;
using Dumpkit.Kernel.Sched;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// What <c>vm</c>, <c>files</c> and <c>foreach</c> share per session, made on first use: the readers of
/// memory areas and open files, and crash's task header line.
/// </summary>
internal sealed class TaskViews
{
    private static readonly ConditionalWeakTable<CrashSession, TaskViews> Views = [];

    public VmAreas Areas { get; }
    public OpenFiles Files { get; }
    public PathNames Paths { get; }

    private TaskViews(CrashSession session)
    {
        try
        {
            var paths = Paths = new PathNames(session.Memory, session.Types);
            Areas = new VmAreas(session.Memory, session.Types, paths);
            Files = new OpenFiles(session.Memory, session.Symbols, session.Types, paths);
        }
        catch (KernelDataException e)
        {
            throw new CommandException($"crash: cannot read the kernel's memory areas and files: {e.Message}");
        }
    }

    public static TaskViews Of(CrashSession session) => Views.GetValue(session, s => new TaskViews(s));

    /// <summary>crash's task header: <c>PID: 1        TASK: ffff...  CPU: 0    COMMAND: "init"</c>, after a blank line when asked.</summary>
    public static void Header(CrashSession session, ProcessEntry e, bool newline)
    {
        if (newline)
            session.Out.WriteLine();
        var cpu = e.Cpu.ToString(CultureInfo.InvariantCulture);
        session.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PID: {e.Pid,-7}  TASK: {e.Task:x}  CPU: {cpu,-3}  COMMAND: \"{e.Comm}\""));
    }

    /// <summary>
    /// The tasks a command argument names, as crash's str_to_context reads it (a PID: every task with
    /// it; else a task address); null when it names none.
    /// </summary>
    public static List<ProcessEntry>? Select(CrashSession session, string arg)
    {
        var table = session.Processes;
        if (!PsCommand.IsNumber(arg))
            return null;
        var (kind, value) = PsCommand.Classify(table, arg);
        return kind switch
        {
            PsCommand.Match.Pid => table.Entries.Where(e => e.Pid == (int)value).ToList(),
            PsCommand.Match.Task => table.Entries.Where(e => e.Task == value).ToList(),
            _ => null,
        };
    }
}
