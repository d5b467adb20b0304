// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text.RegularExpressions;
using Dumpkit.Kernel.Sched;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>foreach [pid | taskp | name | 'regex' | state | kernel | user | gleader | active]... command... [flag]</c>:
/// <c>bt</c> (<c>-f -s -x -d -l</c>), <c>ps</c> (<c>-G -s</c>), <c>vm</c> (<c>-p</c>, <c>-v</c>, <c>-m</c>, <c>-x</c>, <c>-d</c>, <c>-R</c>),
/// <c>files</c>,
/// <c>task</c> (<c>-R</c>, <c>-x</c>), <c>sig</c>, <c>set</c>, <c>net -s|-S</c> and <c>vtop</c> (<c>-u</c>, <c>-k</c>, addresses)
/// of every task crash's selectors pick, in
/// <c>ps</c> order (each CPU's idle task, then by PID): crash's task header before each task's output,
/// a blank line between tasks; <c>ps</c> prints its table's header once instead.
/// </summary>
internal sealed class ForeachCommand : ICrashCommand
{
    private static readonly string[] Keywords = ["bt", "vm", "task", "files", "net", "set", "ps", "sig", "vtop"];
    // crash's foreach getopt string "R:vomlgersStTpukcfFxhdaGy:" (R and y take an argument)
    private static readonly System.Buffers.SearchValues<char> Flags = System.Buffers.SearchValues.Create("RvomlgersStTpukcfFxhdaGy");
    private static readonly string[] States = ["RU", "IN", "UN", "ST", "TR", "ZO", "DE", "PA", "WA", "ID", "NE", "SW"];

    public string Name => "foreach";
    public string Synopsis => "  foreach [[pid | taskp | name | state | [kernel | user | gleader]] ...]\n          command [flag] [argument]";
    public string Summary => "display command data for multiple tasks in the system";

    public void Run(CrashSession session, string[] args)
    {
        int at = Array.FindIndex(args, a => Keywords.Contains(a));
        if (args.Length == 0 || at < 0)
            throw CrashSession.Usage(this);
        var keys = new List<string>();
        var keyArgs = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        string btFlags = "", psFlags = "";
        foreach (var word in args[at..])
        {
            if (Keywords.Contains(word))
            {
                keys.Add(word);
                keyArgs[word] = [];
            }
            else if (keys[^1] is "bt" or "ps")
            {
                // crash's foreach reads every flag with one getopt string; each command then takes the flags it uses
                if (word.Length < 2 || word[0] != '-' || word.AsSpan(1).ContainsAnyExcept(Flags))
                    throw CrashSession.Usage(this);
                if (keys[^1] == "bt") btFlags += word[1..];
                else psFlags += word[1..];
            }
            else if (keys[^1] == "set")
                throw CrashSession.Usage(this);
            else
                keyArgs[keys[^1]].Add(word);
        }
        var bt = keys.Contains("bt") ? BtFlags(session, btFlags) : default;
        var ps = keys.Contains("ps") ? PsFlags(psFlags) : default;
        (TypePrinter Printer, List<string> Members)? task = keyArgs.TryGetValue("task", out var ta) ? TaskOptions(session, ta) : null;
        (List<ulong> Addresses, bool User, bool Kernel)? vtop = keyArgs.TryGetValue("vtop", out var va) ? VtopOptions(va) : null;
        if (keyArgs.TryGetValue("sig", out var sa) && sa.Count > 0)
            throw CrashSession.Usage(this);
        string? netReference = null;
        NetCommand.SocketView? netView = null;
        if (keyArgs.TryGetValue("net", out var na))
        {
            for (int i = 0; i < na.Count; i++)
            {
                if (na[i] == "-R" && i + 1 < na.Count && netReference is null)
                    netReference = na[++i];
                else if (na[i] is not ("-s" or "-S" or "-x" or "-d"))
                    throw new CommandException("foreach: net is supported with -s, -S, -x, -d and -R only by this crash");
            }
            bool structs = na.Contains("-S");
            if (structs && na.Contains("-s"))
            {
                session.Out.WriteLine("WARNING: net -s and -S options are mutually exclusive!");
                structs = false;
            }
            else if (!na.Contains("-s") && !structs)
                session.Out.WriteLine("WARNING: net command requires -s or -S option\n");
            if (netReference is not null && keys.Count > 1)
                throw CrashSession.Usage(this);
            netView = new NetCommand.SocketView(netReference, structs, structs ? new TypePrinter(session) { Hex = na.Contains("-x") } : null);
        }

        VmOptions vm = keyArgs.TryGetValue("vm", out var vma) ? VmOptions(vma) : Commands.VmOptions.Plain;
        if (vm.Reference is not null && keys.Count > 1)
            throw CrashSession.Usage(this);

        (string? Reference, bool Cache) files = keyArgs.TryGetValue("files", out var fa) ? FilesOptions(fa) : (null, false);
        if (files.Reference is not null && keys.Count > 1)
            throw CrashSession.Usage(this);

        var table = session.Processes;
        var selected = Select(session, table, args[..at]);
        var ctx = keys.Contains("bt") ? BtContext.Of(session) : null;
        var btTasks = ctx?.Tasks.ToDictionary(t => t.Address);
        // files -R prints a task's header only when a file refers to the reference
        bool headers = !keys.Contains("ps") && files.Reference is null && netReference is null && vm.Reference is null;
        bool pageHeader = true;
        int subsequent = 0;
        foreach (var e in selected)
        {
            if (headers)
                TaskViews.Header(session, e, subsequent++ > 0);
            foreach (var key in keys)
            {
                switch (key)
                {
                    case "bt":
                        if (btTasks!.TryGetValue(e.Task, out var t))
                            BtCommand.Print(session, ctx!, t, bt, header: false);
                        break;
                    case "vm":
                        VmCommand.Dump(session, e, vm);
                        break;
                    case "files" when files.Reference is { } reference:
                        FilesCommand.PrintReferences(session, e, reference, files.Cache);
                        break;
                    case "files":
                        if (files.Cache)
                            FilesCommand.PrintCache(session, e);
                        else
                            FilesCommand.Print(session, e);
                        break;
                    case "ps":
                        if (subsequent++ == 0)
                            session.Out.WriteLine(ps.Kstack ? PsCommand.KstackHeader : PsCommand.Header);
                        // -G: only thread group leaders (a thread does not stand for its leader here, as in crash's foreach)
                        if (!ps.Group || e.Pid == e.Tgid)
                            session.Out.WriteLine(PsCommand.Format(table, e, ps.Kstack ? PsCommand.Kstack(session, e) : null));
                        break;
                    case "task":
                        TaskCommand.Print(session, task!.Value.Printer, e, task.Value.Members);
                        break;
                    case "sig":
                        SigCommand.Print(session, e);
                        break;
                    case "set":
                        SetCommand.Show(session, e);
                        break;
                    case "net":
                        NetCommand.Sockets(session, e, netView!);
                        break;
                    case "vtop":
                        VtopCommand.Translate(session, e, vtop!.Value.Addresses, vtop.Value.User, vtop.Value.Kernel, ref pageHeader);
                        break;
                }
            }
        }
    }

    /// <summary>
    /// <c>bt</c>'s flags, checked as crash's foreach checks them: <c>-x</c> (or <c>-h</c>) with <c>-d</c>, <c>-l</c> (no line
    /// numbers: said, then ignored), <c>-g</c>; <c>-f</c>, <c>-s</c>, <c>-x</c>, <c>-d</c> taken; the flags only other commands
    /// use (<c>-v -m -S -p -u -k -c -a -G</c>) ignored, as crash's bt ignores them.
    /// </summary>
    private static BtCommand.BtFormat BtFlags(CrashSession session, string flags)
    {
        bool hex = flags.AsSpan().ContainsAny("xh"), dec = flags.Contains('d');
        if (hex && dec)
            throw new CommandException("foreach: bt: -x and -d options are mutually exclusive");
        if (flags.Contains('l'))
            session.Out.WriteLine("foreach: line numbers are not available");
        if (flags.Contains('g'))
            throw new CommandException("foreach: bt -g option is not supported when issued from foreach");
        foreach (char c in flags)
            if ("rtTeoFRy".Contains(c))
                throw new CommandException($"foreach: bt -{c} is not supported by this crash (only bt -f, -s, -l, -x and -d)");
        return new BtCommand.BtFormat(flags.Contains('f'), flags.Contains('s'), hex ? 16 : dec ? 10 : 0);
    }

    /// <summary>
    /// <c>ps</c>'s flags, checked as crash's foreach checks them: one of <c>-a -t -c -p -g -l -m -r</c> at most, <c>-G</c> not with
    /// <c>-l</c>/<c>-m</c>; <c>-G</c> (thread group leaders) and <c>-s</c> (KSTACKP) taken; <c>-k</c>, <c>-u</c> and the flags only
    /// other commands use ignored, as crash's foreach ps ignores them.
    /// </summary>
    private static (bool Group, bool Kstack) PsFlags(string flags)
    {
        const string Exclusive = "gatcplrm";
        if (flags.Where(c => Exclusive.Contains(c)).Distinct().Count() > 1)
            throw new CommandException("foreach: -a, -t, -c, -p, -g, -l, -m, -S, -r and -A flags are all mutually-exclusive");
        bool group = flags.Contains('G');
        if (group && flags.AsSpan().ContainsAny("lm"))
            throw new CommandException($"foreach: -G not supported with -{(flags.Contains('l') ? 'l' : 'm')} option");
        foreach (char c in flags)
            if ((Exclusive + "yR").Contains(c))
                throw new CommandException($"foreach: ps -{c} is not supported by this crash (only ps -G and -s)");
        return (group, flags.Contains('s'));
    }

    /// <summary><c>files</c>' options after the keyword: <c>-R reference</c> (with <c>files</c> the only command) and <c>-c</c>.</summary>
    private (string? Reference, bool Cache) FilesOptions(List<string> words)
    {
        string? reference = null;
        bool cache = false;
        for (int i = 0; i < words.Count; i++)
        {
            if (words[i] == "-c")
                cache = true;
            else if (words[i] == "-R" && i + 1 < words.Count && reference is null)
                reference = words[++i];
            else
                throw CrashSession.Usage(this);
        }
        return (reference, cache);
    }

    /// <summary><c>vm</c>'s options after the keyword: <c>-p</c>, <c>-v</c>, <c>-m</c> (one of them), <c>-x</c>/<c>-d</c>, <c>-R reference</c>.</summary>
    private VmOptions VmOptions(List<string> words)
    {
        string? reference = null;
        var flags = "";
        for (int i = 0; i < words.Count; i++)
        {
            if (words[i] == "-R" && i + 1 < words.Count && reference is null)
                reference = words[++i];
            else if (words[i].Length > 1 && words[i][0] == '-')
                flags += words[i][1..];
            else
                throw CrashSession.Usage(this);
        }
        return Commands.VmOptions.ForForeach(flags, reference) ?? throw CrashSession.Usage(this);
    }

    /// <summary><c>task</c>'s options after the keyword: <c>-R member[,member]</c>, <c>-x</c>, <c>-d</c>.</summary>
    private (TypePrinter Printer, List<string> Members) TaskOptions(CrashSession session, List<string> words)
    {
        var members = new List<string>();
        bool hex = false;
        for (int i = 0; i < words.Count; i++)
        {
            switch (words[i])
            {
                case "-x": hex = true; break;
                case "-d": hex = false; break;
                case "-R" when i + 1 < words.Count:
                    members.AddRange(words[++i].Split(',', StringSplitOptions.RemoveEmptyEntries));
                    break;
                default:
                    throw CrashSession.Usage(this);
            }
        }
        return (new TypePrinter(session) { Hex = hex }, members);
    }

    /// <summary><c>vtop</c>'s words after the keyword: <c>-u</c>, <c>-k</c> and at least one address.</summary>
    private (List<ulong> Addresses, bool User, bool Kernel) VtopOptions(List<string> words)
    {
        bool user = false, kernel = false;
        var addresses = new List<ulong>();
        foreach (var w in words)
        {
            if (w == "-u") user = true;
            else if (w == "-k") kernel = true;
            else if (CrashSession.TryParseHex(w, out ulong a)) addresses.Add(a);
            else throw new CommandException($"foreach: invalid input: \"{w}\"");
        }
        if (addresses.Count == 0)
            throw new CommandException("foreach: foreach command requires address argument");
        if (user && kernel)
            throw CrashSession.Usage(this);
        return (addresses, user, kernel);
    }

    /// <summary>The tasks the selectors before the first keyword pick, in ps order.</summary>
    private static List<ProcessEntry> Select(CrashSession session, ProcessTable table, string[] selectors)
    {
        bool kernel = false, user = false, leaders = false, active = false;
        string? state = null;
        var picked = new HashSet<ulong>();
        var patterns = new List<Regex>();
        bool specified = false;
        foreach (var sel in selectors)
        {
            if (TaskViews.Select(session, sel) is { Count: > 0 } byNumber)
            {
                picked.UnionWith(byNumber.Select(e => e.Task));
                specified = true;
            }
            else if (sel == "kernel")
                kernel = !user ? true : throw new CommandException("foreach: user and kernel are mutually exclusive!");
            else if (sel is "user" or "gleader")
            {
                if (kernel)
                    throw new CommandException($"foreach: {sel} and kernel are mutually exclusive!");
                user = true;
                leaders |= sel == "gleader";
            }
            else if (sel == "active")
                active = true;
            else if (States.Contains(sel) || sel == "\\DE")
                state = state is null ? sel.TrimStart('\\') : throw new CommandException("foreach: only one task state allowed");
            else if (sel.Length >= 2 && sel[0] == '\'' && sel[^1] == '\'')
            {
                try { patterns.Add(new Regex(sel[1..^1], RegexOptions.CultureInvariant)); }
                catch (ArgumentException) { throw new CommandException($"foreach: invalid regular expression: {sel[1..^1]}"); }
                specified = true;
            }
            else
            {
                var name = sel.StartsWith('\\') ? sel[1..] : sel;
                var byName = table.Entries.Where(e => e.Comm == name).ToList();
                if (byName.Count == 0)
                    throw new CommandException($"foreach: unknown argument: \"{sel}\"");
                picked.UnionWith(byName.Select(e => e.Task));
                specified = true;
            }
        }
        return table.Entries.Where(e =>
            (!active || e.Active)
            && (!user || !e.KernelThread)
            && (!leaders || e.Pid == e.Tgid)
            && (!kernel || e.KernelThread)
            && (state is null || e.StateText.StartsWith(state, StringComparison.Ordinal))
            && (!specified || picked.Contains(e.Task) || patterns.Any(p => p.IsMatch(e.Comm)))).ToList();
    }
}
