// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using Dumpkit.Formats;
using Dumpkit.Kernel;
using Dumpkit.Kernel.Fs;
using Dumpkit.Kernel.Mm;
using Dumpkit.Kernel.Sched;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>files [pid | taskp] ...</c>: a task's root and working directories and its open files as crash 8
/// prints them: FD, FILE, DENTRY, INODE, TYPE (REG DIR CHR BLK LNK FIFO SOCK UNKN) and PATH; <c>-c</c> the page-cache
/// counts, <c>-R REF</c> only the files referring to REF, <c>-d DENTRY</c> a dentry's inode, super block and path,
/// <c>-p INODE</c> the pages of an inode's page cache.
/// </summary>
internal sealed class FilesCommand : ICrashCommand
{
    public const string Header = " FD       FILE            DENTRY           INODE       TYPE PATH";

    public string Name => "files";
    public string Synopsis => "  files [-d dentry] | [-p inode] | [-c] [-R reference] [pid | taskp] ... ";
    public string Summary => "open files";

    public const string CacheHeader = " FD      INODE          I_MAPPING     NRPAGES TYPE PATH";

    public void Run(CrashSession session, string[] args)
    {
        var (options, words) = CrashGetopt.Parse(this, args, "d:R:p:c");
        string? reference = null;
        bool cache = false;
        var errors = new List<string>();
        foreach (var (letter, value) in options)
        {
            switch (letter)
            {
                case 'R' when reference is null:
                    reference = value;
                    break;
                case 'R':
                    errors.Add("files: only one -R option allowed");
                    break;
                case 'd':
                    Dentry(session, Hex(value!));
                    return;
                case 'p':
                    PageCache(session, Hex(value!));
                    return;
                case 'c':
                    cache = true;
                    break;
                default:
                    errors.Add(value!);
                    break;
            }
        }
        if (errors.Count > 0)
            throw CrashGetopt.UsageAfter(this, errors);
        Action<CrashSession, ProcessEntry> print = reference is not null ? (s, e) => PrintReferences(s, e, reference, cache)
            : cache ? PrintCache : Print;
        if (words.Count == 0)
        {
            var current = session.CurrentTask ?? throw new CommandException("files: no current task");
            if (reference is null)
                TaskViews.Header(session, current, false);
            print(session, current);
            return;
        }
        int subsequent = 0;
        foreach (var arg in words)
        {
            var table = session.Processes;
            var (kind, _) = PsCommand.IsNumber(arg) ? PsCommand.Classify(table, arg) : (PsCommand.Match.Invalid, 0UL);
            if (TaskViews.Select(session, arg) is not { } tasks)
                session.Out.WriteLine($"files: invalid task or pid value: {arg}");
            else
            {
                foreach (var e in tasks)
                {
                    if (reference is null)
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

    /// <summary>An address argument as crash's htol reads it.</summary>
    private static ulong Hex(string value) =>
        CrashSession.TryParseHex(value, out ulong v) ? v : throw new CommandException($"files: invalid input: \"{value}\"");

    /// <summary><c>files -d DENTRY</c>: the dentry, its inode, super block, type and full path.</summary>
    internal static void Dentry(CrashSession session, ulong dentry)
    {
        var o = session.Out;
        o.WriteLine($"{VmCommand.Center("DENTRY", 16)} {VmCommand.Center("INODE", 16)} {VmCommand.Center("SUPERBLK", 16)} TYPE PATH");
        var r = new KernelReader(session, "files");
        var views = TaskViews.Of(session);
        ulong inode = r.ReadU64(dentry + r.Offset("dentry", "d_inode"));
        ulong superblock = inode != 0 ? r.ReadU64(inode + r.Offset("inode", "i_sb")) : r.ReadU64(dentry + r.Offset("dentry", "d_sb"));
        string path = "";
        if (superblock != 0 && PathMount(session, superblock) is ulong vfsmount)
            path = views.Paths.Path(dentry, vfsmount);
        string type = "N/A";
        if (inode != 0)
            (type, path) = views.Files.TypeOf(inode, path);
        o.WriteLine($"{dentry,16:x} {inode,16:x} {VmCommand.Center(superblock.ToString("x", CultureInfo.InvariantCulture), 16)} {type} {path}");
    }

    /// <summary>
    /// The vfsmount crash names a dentry's path through: the last mount of PID 1's namespace on that super block, else
    /// <c>pipe_mnt</c> or <c>sock_mnt</c> when theirs; null when none is.
    /// </summary>
    private static ulong? PathMount(CrashSession session, ulong superblock)
    {
        var mounts = new MountList(session.Memory, session.Types);
        var init = session.Processes.Entries.FirstOrDefault(e => e.Pid == 1) ?? throw new CommandException("files: no PID 1");
        ulong? found = null;
        foreach (var m in mounts.Of(init.Task))
            if (mounts.SuperBlock(m) == superblock)
                found = m;
        if (found is not null)
            return found;
        foreach (var name in new[] { "pipe_mnt", "sock_mnt" })
            if (session.Symbols.AddressOf(name) is ulong at && session.Memory.TryReadU64(at, out ulong vfs) && vfs != 0
                && mounts.SuperBlock(vfs) == superblock)
                return vfs;
        return null;
    }

    /// <summary><c>files -p INODE</c>: the inode's page count, then each page of its page cache (<c>i_mapping-&gt;i_pages</c>).</summary>
    internal static void PageCache(CrashSession session, ulong inode)
    {
        var o = session.Out;
        var r = new KernelReader(session, "files");
        ulong mapping = r.ReadU64(inode + r.Offset("inode", "i_mapping"));
        ulong nrpages = mapping == 0 ? 0 : r.ReadU64(mapping + r.Offset("address_space", "nrpages"));
        o.WriteLine($"{VmCommand.Center("INODE", 16)}  NRPAGES");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{inode,16:x}  {nrpages,7}"));
        o.WriteLine();
        if (nrpages == 0)
            return;
        List<XArrayEntry> entries;
        try { entries = new XArrayWalk(session.Memory, session.Types).Entries(mapping + r.Offset("address_space", "i_pages")); }
        catch (KernelAddressException e) { throw new CommandException(ExcludedPages.Message(session, "files", e.Address, "xa_node.slots[off]")); }
        catch (KernelDataException e) { throw new CommandException($"files: {e.Message}"); }
        var pages = PageStructs.Of(session);
        int count = 0;
        foreach (var entry in entries)
        {
            if (pages.LineOfPage(entry.Value) is not { } line)
                continue;
            if (count++ == 0)
                o.WriteLine(VtopCommand.PageHeader);
            o.WriteLine(line);
        }
        if ((ulong)count != nrpages)
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"files: xarray page count: {count}  nrpages: {nrpages}"));
    }

    /// <summary>
    /// <c>files -R REF</c>: only the open files whose line names the reference (a descriptor number, a file, dentry or
    /// inode address, the type, or a part of the path), after the task header and ROOT/CWD line, then a blank line;
    /// nothing for a task without one. The root or working directory naming it shows the header alone.
    /// </summary>
    internal static void PrintReferences(CrashSession session, ProcessEntry e, string reference, bool cache)
    {
        if (Read(session, e) is not { } files)
            return;
        var o = session.Out;
        bool found = false;
        void Found()
        {
            if (found)
                return;
            TaskViews.Header(session, e, false);
            o.WriteLine($"ROOT: {files.Root}    CWD: {files.Cwd} ");
            found = true;
        }
        if (files.Root is not null && (Component(files.Root, reference) || Component(files.Cwd!, reference)))
            Found();
        if (files.Files is { Count: > 0 } list)
        {
            uint maxFds = TaskViews.Of(session).Files.DescriptorLimit(e.Task);
            // crash's IS_A_NUMBER: a decimal number up to the table's size is a descriptor, any other number an address
            var (hex, dec) = CrashReference.Parse(reference).DescriptorOrAddress(maxFds);
            bool header = false;
            var r = cache ? new KernelReader(session, "files") : null;
            foreach (var f in list)
            {
                var line = cache ? CacheLine(session, r!, f) : Line(f);
                if (line is null || !Refers(line, reference, hex, dec))
                    continue;
                Found();
                if (!header)
                    o.WriteLine(cache ? CacheHeader : Header);
                header = true;
                o.WriteLine(line);
            }
        }
        if (found)
            o.WriteLine();
    }

    private static bool Component(string path, string reference) => CrashReference.NamesPath(path, reference);

    /// <summary>crash's open_file_reference on a printed line: FD, then three addresses, TYPE, PATH.</summary>
    private static bool Refers(string line, string reference, ulong? hex, ulong? dec)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5)
            return false;
        if (hex is not null || dec is not null)
        {
            ulong fd = ulong.Parse(fields[0], CultureInfo.InvariantCulture);
            if ((hex is ulong h0 && fd == h0) || (dec is ulong d && fd == d))
                return true;
            ulong wanted = hex ?? 0;
            for (int i = 1; i < 4; i++)
                if (fields[i] != "?" && CrashSession.TryParseHex(fields[i], out ulong v) && v == wanted)
                    return true;
        }
        if (fields[4] == reference)
            return true;
        return fields.Length == 6 && Component(fields[5], reference);
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
        o.WriteLine(CacheHeader);
        foreach (var f in list)
            if (CacheLine(session, r, f) is { } line)
                o.WriteLine(line);
    }

    /// <summary>A <c>files -c</c> line, or null for a descriptor without an inode.</summary>
    private static string? CacheLine(CrashSession session, KernelReader r, OpenFile f)
    {
        if (f.Inode == 0)
            return null;
        ulong mapping = r.ReadU64(f.Inode + r.Offset("inode", "i_mapping"));
        ulong pages = mapping == 0 ? 0 : r.ReadU64(mapping + r.Offset("address_space", "nrpages"));
        return string.Create(CultureInfo.InvariantCulture, $"{f.Fd,3} {f.Inode:x16} {mapping:x16} {pages,7} {f.Type} {f.Path}");
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
            o.WriteLine(Line(f));
    }

    /// <summary>One descriptor's line of the table.</summary>
    private static string Line(OpenFile f)
    {
        var fd = f.Fd.ToString(CultureInfo.InvariantCulture).PadLeft(3);
        if (f.Dentry == 0)
            return $"{fd} {f.File:x} {0UL:x16} {VmCommand.Center("?", 16)} ?    ?";
        if (f.Inode == 0)
            return $"{fd} {f.File:x} {f.Dentry:x} {0UL:x16} ?    ?";
        return $"{fd} {f.File:x} {f.Dentry:x} {f.Inode:x} {f.Type} {f.Path}";
    }
}
