// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Sched;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>foreach [pid | taskp | name]... bt [-f]</c>: <c>bt</c> of every task (or of the ones named), in
/// crash's <c>ps</c> order (each CPU's idle task, then by PID), a blank line between tasks. Only
/// <c>bt</c> is run here so far.
/// </summary>
internal sealed class ForeachCommand : ICrashCommand
{
    public string Name => "foreach";
    public string Synopsis => "  foreach [[pid | taskp | name | state | [kernel | user | gleader]] ...]\n          command [flag] [argument]";
    public string Summary => "display command data for multiple tasks in the system";

    public void Run(CrashSession session, string[] args)
    {
        int at = Array.IndexOf(args, "bt");
        if (args.Length == 0 || at < 0)
        {
            if (args.Length > 0 && args.Any(a => a is "ps" or "files" or "vm" or "task" or "net" or "set" or "sig"))
                throw new CommandException("foreach: only bt is supported by this crash");
            throw CrashSession.Usage(this);
        }
        bool words = false;
        foreach (var flag in args[(at + 1)..])
        {
            if (flag == "-f")
                words = true;
            else if (flag.Length == 2 && flag[0] == '-' && BtCommand.KnownFlags.Contains(flag[1]))
                throw new CommandException($"foreach: bt {flag} is not supported by this crash (only -f)");
            else
                throw CrashSession.Usage(this);
        }
        var ctx = BtContext.Of(session);
        var selected = new List<TaskInfo>();
        if (at == 0)
            selected.AddRange(ctx.Tasks);
        else
        {
            var picked = new HashSet<ulong>();
            foreach (var sel in args[..at])
            {
                var byArg = ctx.Find(sel);
                if (byArg.Count == 0)
                    byArg = ctx.Tasks.Where(t => t.Comm == sel).ToList();
                if (byArg.Count == 0)
                    throw new CommandException($"foreach: unknown argument: \"{sel}\"");
                foreach (var t in byArg)
                    picked.Add(t.Address);
            }
            selected.AddRange(ctx.Tasks.Where(t => picked.Contains(t.Address)));
        }
        for (int i = 0; i < selected.Count; i++)
        {
            if (i > 0)
                session.Out.WriteLine();
            BtCommand.Print(session, ctx, selected[i], words);
        }
    }
}
