// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text;
using Dumpkit.Kernel.Sched;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>sig [[-l] | [-s sigset]] | [-g] [pid | taskp] ...</c>: a task's signal handling as crash 8 prints it: the
/// signal_struct and its thread count, each signal's k_sigaction (handler, mask, flags), whether a signal is
/// pending (TIF_SIGPENDING), the blocked set and the private and shared pending sets with their queues.
/// <c>-l</c> lists the signal names, <c>-s</c> names the bits of a sigset.
/// </summary>
internal sealed class SigCommand : ICrashCommand
{
    public const string TableHeader = " SIG    SIGACTION        HANDLER       MASK       FLAGS           ";
    private const int NSig = 64;
    private const int TifSigpending = 2;

    private static readonly string[] Names =
    [
        "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT/SIGIOT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV",
        "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD/SIGCLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU",
        "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO/SIGPOLL", "SIGPWR", "SIGSYS/SIGUNUSED",
    ];

    // sa_flags bits (x86_64) in the order crash names them
    private static readonly (ulong Bit, string Name)[] SaFlags =
    [
        (0x1, "SA_NOCLDSTOP"), (0x04000000, "SA_RESTORER"), (0x2, "SA_NOCLDWAIT"), (0x4, "SA_SIGINFO"), (0x08000000, "SA_ONSTACK"),
        (0x10000000, "SA_RESTART"), (0x40000000, "SA_NODEFER"), (0x80000000, "SA_RESETHAND"),
    ];

    public string Name => "sig";
    public string Synopsis => "  sig [[-l] | [-s sigset]] | [-g] [pid | taskp] ...";
    public string Summary => "task signal handling";

    /// <summary>crash's name of signal <paramref name="n"/> (1-64): SIGRTMIN+k up to 48, SIGRTMAX-k above.</summary>
    public static string SignalName(int n) => n switch
    {
        < 32 => Names[n],
        32 => "SIGRTMIN",
        <= 48 => $"SIGRTMIN+{n - 32}",
        < 64 => $"SIGRTMAX-{64 - n}",
        _ => "SIGRTMAX",
    };

    public void Run(CrashSession session, string[] args)
    {
        bool group = false;
        var targets = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (a.Length > 1 && a[0] == '-' && !char.IsAsciiDigit(a[1]))
            {
                switch (a)
                {
                    case "-l":
                        for (int n = 1; n <= NSig; n++)
                            session.Out.WriteLine($"{(n < 10 ? " " : "")}[{n}] {SignalName(n)}");
                        return;
                    case "-g":
                        group = true;
                        break;
                    case "-s":
                        if (++i >= args.Length)
                            throw new CommandException($"sig: option requires an argument -- 's'\n{CrashSession.Usage(this).Message}");
                        if (!CrashSession.TryParseHex(args[i], out ulong set))
                            throw new CommandException($"sig: invalid input: \"{args[i]}\"");
                        session.Out.WriteLine(Translate(set));
                        return;
                    default:
                        throw new CommandException($"sig: invalid option -- '{a[1]}'\n{CrashSession.Usage(this).Message}");
                }
            }
            else
                targets.Add(a);
        }

        var tasks = new List<ProcessEntry>();
        bool bogus = false;
        foreach (var arg in targets)
        {
            if (PsCommand.IsNumber(arg) && TaskViews.Select(session, arg) is { } picked)
                tasks.AddRange(picked);
            else
            {
                session.Out.WriteLine($"sig: invalid task or pid value: {arg}\n");
                bogus |= PsCommand.IsNumber(arg);
            }
        }
        if (tasks.Count == 0 && !bogus)
            tasks.Add(session.CurrentTask ?? throw new CommandException("sig: no current task"));
        var table = session.Processes;
        foreach (var e in tasks)
        {
            var members = group ? table.Entries.Where(t => t.Tgid == e.Tgid && t.Pid != 0).ToList() : [e];
            if (members.Count == 0)
                members.Add(e);
            foreach (var t in members)
            {
                TaskViews.Header(session, t, false);
                Print(session, t);
                session.Out.WriteLine();
            }
        }
    }

    /// <summary>The names of the bits set in a sigset, as <c>sig -s</c> prints them (lines of at most 80 characters); real-time bits are not named.</summary>
    public static string Translate(ulong set)
    {
        if (set == 0)
            return "(none)";
        var sb = new StringBuilder();
        int len = 0;
        // crash names the first 31 signals only, each by its first name
        for (int bit = 0; bit < 31; bit++)
        {
            if ((set >> bit & 1) == 0)
                continue;
            var name = Names[bit + 1].Split('/')[0];
            string piece = (sb.Length > 0 ? " " : "") + name;
            if (len + piece.Length > 80)
            {
                sb.Append('\n');
                piece = name;
                len = 0;
            }
            sb.Append(piece);
            len += piece.Length;
        }
        return sb.ToString();
    }

    /// <summary>Everything after the task header.</summary>
    internal static void Print(CrashSession session, ProcessEntry e)
    {
        var r = new KernelReader(session, "sig");
        var o = session.Out;
        ulong signal = r.ReadU64(e.Task + r.Offset("task_struct", "signal"));
        ulong sighand = r.ReadU64(e.Task + r.Offset("task_struct", "sighand"));
        uint threads = r.ReadU32(signal + r.Offset("signal_struct", "nr_threads"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SIGNAL_STRUCT: {signal:x}  NR_THREADS: {threads}"));
        o.WriteLine(TableHeader);
        ulong action = sighand + r.Offset("sighand_struct", "action");
        ulong size = session.Types.Find("k_sigaction", Kernel.Btf.BtfKind.Struct) is int ks ? session.Types.SizeOf(ks) : 32;
        ulong handlerOff = r.Offset("k_sigaction", "sa.sa_handler");
        ulong flagsOff = r.Offset("k_sigaction", "sa.sa_flags");
        ulong maskOff = r.Offset("k_sigaction", "sa.sa_mask");
        for (int n = 1; n <= NSig; n++)
        {
            ulong ka = action + (ulong)(n - 1) * size;
            ulong handler = r.ReadU64(ka + handlerOff);
            ulong flags = r.ReadU64(ka + flagsOff);
            ulong mask = r.ReadU64(ka + maskOff);
            string h = handler switch
            {
                ulong.MaxValue => "SIG_ERR",
                0 => "SIG_DFL",
                1 => "SIG_IGN",
                _ => handler.ToString("x", CultureInfo.InvariantCulture),
            };
            var line = new StringBuilder();
            line.Append(n < 10 ? " " : "").Append(CultureInfo.InvariantCulture, $"[{n}] {ka:x} {h,10} {mask:x16} {flags:x} ");
            var names = SaFlags.Where(f => (flags & f.Bit) != 0).Select(f => f.Name).ToList();
            if (names.Count > 0)
                line.Append('(').Append(string.Join('|', names)).Append(')');
            o.WriteLine(line.ToString());
        }
        ulong tiFlags = r.ReadU64(e.Task + r.Offset("task_struct", "thread_info.flags"));
        o.WriteLine($"SIGPENDING: {((tiFlags >> TifSigpending & 1) != 0 ? "yes" : "no")}");
        o.WriteLine($"   BLOCKED: {r.ReadU64(e.Task + r.Offset("task_struct", "blocked")):x16}");
        o.WriteLine("PRIVATE_PENDING");
        Pending(session, r, e.Task + r.Offset("task_struct", "pending"));
        o.WriteLine("SHARED_PENDING");
        Pending(session, r, signal + r.Offset("signal_struct", "shared_pending"));
    }

    /// <summary>A struct sigpending: its set and its queue of struct sigqueue (signal number, siginfo address).</summary>
    private static void Pending(CrashSession session, KernelReader r, ulong pending)
    {
        var o = session.Out;
        o.WriteLine($"    SIGNAL: {r.ReadU64(pending + r.Offset("sigpending", "signal")):x16}");
        ulong head = pending + r.Offset("sigpending", "list");
        ulong next = r.ReadU64(head);
        if (next == head || next == 0)
        {
            o.WriteLine("  SIGQUEUE: (empty)");
            return;
        }
        o.WriteLine("  SIGQUEUE:  SIG  " + VmCommand.Center("SIGINFO", 16));
        ulong listOff = r.Offset("sigqueue", "list");
        ulong infoOff = r.Offset("sigqueue", "info");
        for (int guard = 0; next != head && next != 0 && guard < 1 << 16; guard++)
        {
            ulong q = next - listOff;
            uint signo = r.ReadU32(q + infoOff);
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"           {signo,3}  {q + infoOff:x}"));
            next = r.ReadU64(next);
        }
    }
}
