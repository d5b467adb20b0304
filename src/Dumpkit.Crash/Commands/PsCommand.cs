// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Dumpkit.Kernel.Sched;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>ps [-k|-u] [-G] [pid | task | command | 'regex'] ...</c>: the task table as crash 8 prints it:
/// <c>&gt;</c> for a task running on a CPU, PID, PPID, CPU, task address, state, %MEM, VSZ and RSS
/// in KiB, the command in brackets for kernel threads; idle tasks first by CPU, then by PID. <c>-s</c>: the saved kernel
/// stack pointer (<c>thread.sp</c>) in place of the task address, <c>--</c> for a task running on a CPU.
/// </summary>
internal sealed class PsCommand : ICrashCommand
{
    public const string Header = "      PID    PPID  CPU       TASK        ST  %MEM      VSZ      RSS  COMM";

    /// <summary>The header with <c>-s</c>: the kernel stack pointer in the task's column.</summary>
    public const string KstackHeader = "      PID    PPID  CPU      KSTACKP      ST  %MEM      VSZ      RSS  COMM";

    public string Name => "ps";
    public string Synopsis => "  ps [-k|-u|-G|-y policy] [-s] [-p|-c|-t|-[l|m][-C cpu]|-a|-g|-r|-S|-A]\n     [pid | task | command] ...";
    public string Summary => "display process status information";

    internal enum Match { Pid, Task, Command, Regex, Invalid }

    public void Run(CrashSession session, string[] args)
    {
        bool kernel = false, user = false, group = false, kstack = false;
        var filters = new List<(Match Kind, ulong Value, string Text, Regex? Pattern)>();
        var o = session.Out;
        var table = session.Processes;
        bool options = true;
        foreach (var arg in args)
        {
            if (options && arg.Length > 1 && arg[0] == '-')
            {
                foreach (char c in arg.AsSpan(1))
                {
                    switch (c)
                    {
                        case 'k':
                            if (user) throw new CommandException("ps: -u and -k are mutually exclusive");
                            kernel = true;
                            break;
                        case 'u':
                            if (kernel) throw new CommandException("ps: -u and -k are mutually exclusive");
                            user = true;
                            break;
                        case 'G':
                            group = true;
                            break;
                        case 's':
                            kstack = true;
                            break;
                        case 'H' or 'A' or 'I' or 'S' or 'g' or 't' or 'c' or 'p' or 'l' or 'm' or 'a' or 'r' or 'C' or 'y' or 'Y':
                            throw new CommandException($"ps: option -{c} is not supported yet by dumpkit crash");
                        default:
                            throw new CommandException($"ps: invalid option -- '{c}'\n" + CrashSession.Usage(this).Message);
                    }
                }
                continue;
            }
            options = false;
            if (IsNumber(arg))
            {
                var (kind, value) = Classify(table, arg);
                if (kind == Match.Invalid)
                    o.Write($"ps: invalid task or pid value: {arg}\n\n");
                filters.Add((kind, value, arg, null));
            }
            else if (arg.Length >= 2 && arg[0] == '\'' && arg[^1] == '\'')
            {
                Regex pattern;
                try { pattern = new Regex(arg[1..^1], RegexOptions.CultureInvariant); }
                catch (ArgumentException) { throw new CommandException($"ps: invalid regular expression: {arg[1..^1]}"); }
                filters.Add((Match.Regex, 0, arg, pattern));
            }
            else
            {
                var comm = arg.StartsWith('\\') ? arg[1..] : arg;
                filters.Add((Match.Command, 0, comm.Length > 15 ? comm[..15] : comm, null));
            }
        }

        o.WriteLine(kstack ? KstackHeader : Header);
        var shown = new HashSet<ulong>();
        foreach (var e in table.Entries)
        {
            if (filters.Count == 0)
            {
                Row(session, table, e, kernel, user, group, kstack, shown, leaderOnly: true);
                continue;
            }
            foreach (var f in filters)
            {
                bool hit = f.Kind switch
                {
                    Match.Pid => e.Pid == (int)f.Value,
                    Match.Task => e.Task == f.Value,
                    Match.Command => e.Comm == f.Text && (!group || e.Pid == e.Tgid),
                    Match.Regex => f.Pattern!.IsMatch(e.Comm) && (!group || e.Pid == e.Tgid),
                    _ => false,
                };
                if (hit)
                    Row(session, table, e, kernel, user, group, kstack, shown, leaderOnly: false);
            }
        }
    }

    private static void Row(CrashSession session, ProcessTable table, ProcessEntry e, bool kernel, bool user, bool group, bool kstack,
        HashSet<ulong> shown, bool leaderOnly)
    {
        if ((user && e.KernelThread) || (kernel && !e.KernelThread))
            return;
        if (group)
        {
            // -G: a thread stands for its thread group leader, once.
            if (e.Pid != e.Tgid)
            {
                if (leaderOnly || table.Entries.FirstOrDefault(x => x.Pid == e.Tgid) is not { } leader)
                    return;
                e = leader;
            }
            if (!shown.Add(e.Task))
                return;
        }
        session.Out.WriteLine(Format(table, e, kstack ? Kstack(session, e) : null));
    }

    /// <summary>
    /// <c>-s</c>'s column: the stack pointer <c>switch_to</c> saved in <c>thread.sp</c>, or crash's <c>--</c> centred for a
    /// task running on a CPU (its saved pointer is stale) or without one.
    /// </summary>
    internal static string Kstack(CrashSession session, ProcessEntry e)
    {
        const string None = "       --       ";
        if (e.Active || session.Types.MemberPath("task_struct.thread.sp") is not { } sp
            || !session.Memory.TryReadU64(e.Task + sp.ByteOffset, out ulong value) || value == 0)
            return None;
        return $"{value:x}".PadLeft(16);
    }

    /// <summary>One row of crash's ps; <paramref name="pointer"/> in place of the task address (<c>-s</c>).</summary>
    internal static string Format(ProcessTable table, ProcessEntry e, string? pointer = null)
    {
        var sb = new StringBuilder();
        sb.Append(e.Active ? "> " : "  ");
        sb.Append(CultureInfo.InvariantCulture, $"{e.Pid,7} {e.Ppid,7} {e.Cpu,3}  {pointer ?? $"{e.Task:x}"} {e.StateText,3}");
        sb.Append(' ', e.StateText.Length > 3 ? 1 : 2);
        var pct = (e.KernelThread && e.RssPages == 0 ? 0 : table.PercentMemory(e)).ToString("0.0", CultureInfo.InvariantCulture);
        sb.Append(pct.Length == 3 ? " " + pct : pct).Append(' ');
        sb.Append(CultureInfo.InvariantCulture, $"{e.TotalVmPages * 4,8} {e.RssPages * 4,8}  ");
        sb.Append(e.KernelThread ? $"[{e.Comm}]" : e.Comm);
        return sb.ToString();
    }

    /// <summary>crash's IS_A_NUMBER: decimal, or hexadecimal with or without 0x.</summary>
    internal static bool IsNumber(string s)
    {
        var t = s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? s.AsSpan(2) : s.AsSpan();
        if (t.Length == 0)
            return false;
        foreach (char c in t)
            if (!char.IsAsciiHexDigit(c))
                return false;
        return true;
    }

    /// <summary>
    /// A number as crash's str_to_context reads it: a PID or a task address, tried as decimal and as
    /// hexadecimal; one match wins, two matches prefer the decimal PID.
    /// </summary>
    internal static (Match Kind, ulong Value) Classify(ProcessTable table, string s)
    {
        ulong? dec = ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out ulong d) ? d : null;
        var hexText = s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? s[2..] : s;
        ulong? hex = hexText.Length <= 16 && ulong.TryParse(hexText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong h)
            ? h : null;
        bool Pid(ulong v) => v <= int.MaxValue && table.Entries.Any(e => e.Pid == (int)v);
        bool Task(ulong v) => table.ByTask(v) is not null;
        var found = new List<(Match, ulong)>();
        if (dec is ulong dv)
        {
            if (Pid(dv)) found.Add((Match.Pid, dv));
            if (Task(dv)) found.Add((Match.Task, dv));
        }
        if (hex is ulong hv && hv != dec)
        {
            if (Pid(hv)) found.Add((Match.Pid, hv));
            if (Task(hv)) found.Add((Match.Task, hv));
        }
        return found.Count switch
        {
            1 => found[0],
            2 when dec is ulong x && found[0] == (Match.Pid, x) && found[1].Item1 == Match.Pid => (Match.Pid, x),
            _ => (Match.Invalid, 0),
        };
    }
}
