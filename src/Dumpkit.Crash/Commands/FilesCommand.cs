// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using Dumpkit.Formats;
using Dumpkit.Kernel;
using Dumpkit.Kernel.Fs;
using Dumpkit.Kernel.Sched;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>files [pid | taskp] ...</c>: a task's root and working directories and its open files as crash 8
/// prints them: FD, FILE, DENTRY, INODE, TYPE (REG DIR CHR BLK LNK FIFO SOCK UNKN) and PATH.
/// </summary>
internal sealed class FilesCommand : ICrashCommand
{
    public const string Header = " FD       FILE            DENTRY           INODE       TYPE PATH";

    public string Name => "files";
    public string Synopsis => "  files [-d dentry] | [-p inode] | [-c] [-R reference] [pid | taskp] ...";
    public string Summary => "open files";

    public void Run(CrashSession session, string[] args)
    {
        var targets = new List<string>();
        foreach (var arg in args)
        {
            if (arg.Length > 1 && arg[0] == '-')
            {
                if (arg.Length == 2 && "dnRpc".Contains(arg[1], StringComparison.Ordinal))
                    throw new CommandException($"files: option {arg} is not supported yet by dumpkit crash");
                throw new CommandException($"files: invalid option -- '{arg[1]}'\n" + CrashSession.Usage(this).Message);
            }
            targets.Add(arg);
        }
        if (targets.Count == 0)
        {
            var current = session.CurrentTask ?? throw new CommandException("files: no current task");
            TaskViews.Header(session, current, false);
            Print(session, current);
            return;
        }
        int subsequent = 0;
        foreach (var arg in targets)
        {
            var table = session.Processes;
            var (kind, _) = PsCommand.IsNumber(arg) ? PsCommand.Classify(table, arg) : (PsCommand.Match.Invalid, 0UL);
            if (TaskViews.Select(session, arg) is not { } tasks)
                session.Out.WriteLine($"files: invalid task or pid value: {arg}");
            else
            {
                foreach (var e in tasks)
                {
                    TaskViews.Header(session, e, subsequent > 0);
                    Print(session, e);
                    // crash ends each task named by PID (not by address) with a blank line
                    if (kind == PsCommand.Match.Pid)
                        session.Out.WriteLine();
                }
            }
            subsequent++;
        }
    }

    /// <summary>Everything after the task header.</summary>
    internal static void Print(CrashSession session, ProcessEntry e)
    {
        var o = session.Out;
        TaskFiles files = new(null, null, null);
        try { files = TaskViews.Of(session).Files.Read(e.Task); }
        catch (Exception x) when (x is KernelAddressException or KernelDataException or PageNotAvailableException)
        {
            o.WriteLine(x switch
            {
                PageNotAvailableException p => $"files: page excluded: physical address {p.Pfn << 12:x}",
                KernelAddressException a when ExcludedPages.IsExcluded(session, a.Address) =>
                    ExcludedPages.Message(session, "files", a.Address, "fill_file_cache"),
                _ => $"files: {x.Message}",
            });
            return;
        }
        if (files.Root is not null)
            o.WriteLine($"ROOT: {files.Root}    CWD: {files.Cwd}");
        if (files.Files is not { Count: > 0 } list)
        {
            o.WriteLine("No open files");
            return;
        }
        o.WriteLine(Header);
        foreach (var f in list)
        {
            var fd = f.Fd.ToString(CultureInfo.InvariantCulture).PadLeft(3);
            if (f.Dentry == 0)
                o.WriteLine($"{fd} {f.File:x} {0UL:x16} {VmCommand.Center("?", 16)} ?    ?");
            else if (f.Inode == 0)
                o.WriteLine($"{fd} {f.File:x} {f.Dentry:x} {0UL:x16} ?    ?");
            else
                o.WriteLine($"{fd} {f.File:x} {f.Dentry:x} {f.Inode:x} {f.Type} {f.Path}");
        }
    }
}
