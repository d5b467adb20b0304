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

    public const string CacheHeader = " FD      INODE          I_MAPPING     NRPAGES TYPE PATH";

    public void Run(CrashSession session, string[] args)
    {
        bool cache = args.Contains("-c");
        Action<CrashSession, ProcessEntry> print = cache ? PrintCache : Print;
        if (TaskViews.Targets(session, this, args.Where(a => a != "-c").ToArray(), "dnRp", print) is not { } targets)
            return;
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
                    print(session, e);
                    // crash ends each task named by PID (not by address) with a blank line
                    if (kind == PsCommand.Match.Pid)
                        session.Out.WriteLine();
                }
            }
            subsequent++;
        }
    }

    /// <summary><c>files -c</c>: each open file's inode, its i_mapping and the mapping's page-cache page count.</summary>
    internal static void PrintCache(CrashSession session, ProcessEntry e)
    {
        if (Read(session, e) is not { } files)
            return;
        var o = session.Out;
        if (files.Root is not null)
            o.WriteLine($"ROOT: {files.Root}    CWD: {files.Cwd}");
        if (files.Files is not { Count: > 0 } list)
        {
            o.WriteLine("No open files");
            return;
        }
        var r = new KernelReader(session, "files");
        ulong mappingOff = r.Offset("inode", "i_mapping");
        ulong nrpagesOff = r.Offset("address_space", "nrpages");
        o.WriteLine(CacheHeader);
        foreach (var f in list.Where(f => f.Inode != 0))
        {
            ulong mapping = r.ReadU64(f.Inode + mappingOff);
            ulong pages = mapping == 0 ? 0 : r.ReadU64(mapping + nrpagesOff);
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{f.Fd,3} {f.Inode:x16} {mapping:x16} {pages,7} {f.Type} {f.Path}"));
        }
    }

    /// <summary>The task's files, or null after crash's one-line message when they cannot be read.</summary>
    private static TaskFiles? Read(CrashSession session, ProcessEntry e)
    {
        try { return TaskViews.Of(session).Files.Read(e.Task); }
        catch (Exception x) when (x is KernelAddressException or KernelDataException or PageNotAvailableException)
        {
            session.Out.WriteLine(x switch
            {
                PageNotAvailableException p => $"files: page excluded: physical address {p.Pfn << 12:x}",
                KernelAddressException a => ExcludedPages.Message(session, "files", a.Address, "fill_file_cache"),
                _ => $"files: {x.Message}",
            });
            return null;
        }
    }

    /// <summary>Everything after the task header.</summary>
    internal static void Print(CrashSession session, ProcessEntry e)
    {
        var o = session.Out;
        if (Read(session, e) is not { } files)
            return;
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
