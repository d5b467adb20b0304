// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats;
using Dumpkit.Kernel;
using Dumpkit.Kernel.Sched;
using Dumpkit.Kernel.Unwind;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>bt [-a] [-f] [PID | TASK]...</c>: a task's kernel stack as crash 8 prints it, from the ORC
/// unwinder (<see cref="TaskUnwinder"/>): the header, <c> #N [slot] function at address</c>, the
/// register block of each exception frame and the user registers at the end of a system call.
/// Default: the task that was running on the panic CPU; <c>-a</c>: the running task of every CPU.
/// </summary>
internal sealed class BtCommand : ICrashCommand
{
    public string Name => "bt";
    public string Synopsis =>
        "  bt [-a|-c cpu(s)|-g|-r|-t|-T|-l|-e|-E|-f|-F|-o|-O|-v|-p] [-R ref] [-s [-x|d]]\n     [-I ip] [-S sp] [-n idle] [pid | task]";

    /// <summary>The options crash's bt knows; of them only -a and -f are done here.</summary>
    internal const string KnownFlags = "acgrtTleEfFoOvpRsxdISn";
    public string Summary => "backtrace";

    public void Run(CrashSession session, string[] args)
    {
        bool all = false, words = false, offsets = false;
        int radix = 0;
        var targets = new List<string>();
        foreach (var a in args)
        {
            if (a.Length > 1 && a[0] == '-')
            {
                foreach (char c in a[1..])
                {
                    if (c == 'a') all = true;
                    else if (c == 'f') words = true;
                    else if (c == 's') offsets = true;
                    else if (c is 'x' or 'd')
                    {
                        if (radix == (c == 'x' ? 10 : 16))
                            throw new CommandException("bt: -d and -x are mutually exclusive");
                        radix = c == 'x' ? 16 : 10;
                    }
                    // kallsyms has no line numbers: crash's words when it has none, and the trace without them
                    else if (c == 'l') session.Out.WriteLine("bt: line numbers are not available");
                    else if (KnownFlags.Contains(c))
                        throw new CommandException($"bt: -{c} is not supported by this crash (only -a, -f, -s, -l, -x and -d)");
                    else
                        throw new CommandException($"bt: invalid option -- '{c}'\n" + CrashSession.Usage(this).Message);
                }
            }
            else
                targets.Add(a);
        }
        var format = new BtFormat(words, offsets, radix);
        var ctx = BtContext.Of(session);
        var tasks = new List<TaskInfo>();
        if (all) // with -a crash shows every CPU's task, whatever else is named
        {
            foreach (int cpu in ctx.Unwinder.OnlineCpus)
                if (ctx.Unwinder.RunningTask(cpu) is ulong t)
                    tasks.Add(ctx.TaskList.Task(t));
        }
        else if (targets.Count == 0)
        {
            // crash's bt shows the current context (set), which is the panic task until changed
            if ((session.ChosenTask ?? ctx.PanicTask()) is not ulong t)
                throw new CommandException("bt: no task is running on the panic CPU");
            tasks.Add(ctx.TaskList.Task(t));
        }
        foreach (var arg in all ? [] : targets)
        {
            var found = ctx.Find(arg);
            if (found.Count == 0)
                throw new CommandException($"bt: invalid task or pid value: {arg}");
            tasks.AddRange(found);
        }
        for (int i = 0; i < tasks.Count; i++)
        {
            if (i > 0)
                session.Out.WriteLine();
            Print(session, ctx, tasks[i], format);
        }
    }

    /// <summary>
    /// How frames print: <c>-f</c> (<see cref="Words"/>: each frame's stack words), <c>-s</c> (<see cref="Offsets"/>: the
    /// function as <c>name+offset</c>, the offset in <see cref="Radix"/>: 16 with <c>-x</c>, else decimal).
    /// </summary>
    internal readonly record struct BtFormat(bool Words, bool Offsets = false, int Radix = 0);

    /// <summary>A frame line of the output: its slot and stack, for <c>-f</c>'s words between frames.</summary>
    private sealed record FrameLine(int Number, ulong Slot, KernelStackKind Stack, string Name, ulong Offset, ulong Ip, string Module)
    {
        /// <summary>crash's line: <c> #N [slot] name at ip</c>, with <c>-s</c> <c>name+offset</c> (none for offset 0).</summary>
        public string Text(BtFormat format)
        {
            var at = !format.Offsets || Offset == 0 ? Name : format.Radix == 16 ? $"{Name}+0x{Offset:x}" : $"{Name}+{Offset}";
            return $"{(Number < 10 ? " " : "")}#{Number} [{Slot:x}] {at} at {Ip:x}{Module}";
        }
    }

    /// <summary>One task's backtrace; with <see cref="BtFormat.Words"/> (<c>-f</c>) each frame's stack words up to the next frame's slot.</summary>
    internal static void Print(CrashSession session, BtContext ctx, TaskInfo task, BtFormat format, bool header = true)
    {
        bool words = format.Words;
        var o = session.Out;
        int cpu = ctx.CpuOf(task.Address);
        if (header)
            o.WriteLine($"PID: {task.Pid,-7}  TASK: {task.Address:x}  CPU: {cpu,-3}  COMMAND: \"{task.Comm}\"");
        List<object> items;
        try { items = Items(session, ctx, task, cpu); }
        catch (Exception e) when (e is KernelAddressException or KernelDataException or PageNotAvailableException)
        {
            // One unreadable task (a stack freed under an exiting task, an excluded page) does not end foreach.
            o.WriteLine(CannotRead(task, e));
            return;
        }
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i] is not FrameLine line)
            {
                o.WriteLine((string)items[i]);
                continue;
            }
            o.WriteLine(line.Text(format));
            if (words && i + 1 < items.Count && items[i + 1] is FrameLine next && next.Stack == line.Stack && next.Slot > line.Slot)
                Words(session, o, line.Slot + 8, next.Slot);
        }
    }

    /// <summary>bt's message for a task whose stack cannot be read.</summary>
    internal static string CannotRead(TaskInfo task, Exception e) => $"bt: cannot read the stack of task {task.Address:x}: {e.Message}";

    /// <summary>
    /// The function names of a task's frames as bt prints them, innermost first (module functions without
    /// their <c>[module]</c>); throws as the unwinder does when the stack cannot be read.
    /// </summary>
    internal static List<string> FrameNames(CrashSession session, BtContext ctx, TaskInfo task) =>
        [.. Items(session, ctx, task, ctx.CpuOf(task.Address)).OfType<FrameLine>().Select(f => f.Name)];

    /// <summary>bt's lines of one task, below its header: frames (<see cref="FrameLine"/>) and other lines (strings).</summary>
    private static List<object> Items(CrashSession session, BtContext ctx, TaskInfo task, int cpu)
    {
        var bt = ctx.Unwinder.Unwind(task.Address);
        var items = new List<object>(); // FrameLine or a plain line
        KernelStackKind previous = KernelStackKind.Unknown;
        for (int i = 0; i < bt.Frames.Count; i++)
        {
            var f = bt.Frames[i];
            if (f.Kind == FrameKind.Start && f.Slot == 0)
            {
                var regs = ctx.Unwinder.Starts.CrashRegisters(cpu);
                previous = f.Stack;
                if (regs is not null && KexecFrames(session, ctx, regs, task.Address, cpu) is { Count: > 0 } kexec)
                {
                    foreach (var (slot, ip) in kexec)
                        items.Add(Frame(session, items, slot, ip, f.Stack));
                    continue;
                }
                if (regs is not null)
                    items.AddRange(Registers(session, regs, exception: true));
                items.Add(Frame(session, items, regs?.Sp ?? 0, f.Ip, f.Stack));
                continue;
            }
            if (f.Kind == FrameKind.Exception && f.Regs is not null)
                items.AddRange(Registers(session, f.Regs, exception: true));
            if (i > 0 && f.Stack != previous && StackLabel(previous) is string label)
                items.Add($"--- <{label}> ---");
            previous = f.Stack;
            items.Add(Frame(session, items, f.Slot, f.Ip, f.Stack, returnAddress: f.Kind == FrameKind.Call));
        }
        if (bt.End == UnwindEnd.UserMode && bt.UserRegs is not null)
            items.AddRange(Registers(session, bt.UserRegs, exception: false));
        else if (bt.End == UnwindEnd.Error)
            items.Add($"bt: cannot unwind further: {bt.Error}");
        return items;
    }

    private static FrameLine Frame(CrashSession session, List<object> items, ulong slot, ulong ip, KernelStackKind stack,
        bool returnAddress = false)
    {
        int n = items.Count(x => x is FrameLine);
        // a return address at the first byte of a function follows a call that does not return at the end of the function
        // before it (nmi_panic.cold's call of panic): named by the call, as the kernel's trace names it (ip - 1)
        var resolved = session.ResolveSymbol(ip);
        if (returnAddress && resolved is { Offset: 0 } && session.ResolveSymbol(ip - 1) is { } before)
            resolved = before with { Offset = before.Offset + 1 };
        // a module's function is followed by its module's name, as crash prints it
        var (name, offset, module) = resolved is { } s ? (s.Name, s.Offset, s.Module is null ? "" : $" [{s.Module}]") : ("(unknown)", 0UL, "");
        return new FrameLine(n, slot, stack, name, offset, ip, module);
    }

    /// <summary>crash's <c>bt -f</c> words: two a line, <c>    ADDR: word word </c>, through <paramref name="last"/>.</summary>
    private static void Words(CrashSession session, TextWriter o, ulong from, ulong last)
    {
        var line = new System.Text.StringBuilder();
        for (ulong at = from; at <= last && at - from < 1 << 16; at += 8)
        {
            if (line.Length == 0)
                line.Append($"    {at:x}: ");
            line.Append(session.Memory.TryReadU64(at, out ulong w) ? $"{w:x16} " : "???????????????? ");
            if ((at - from) % 16 == 8 || at == last)
            {
                o.WriteLine(line.ToString());
                line.Clear();
            }
        }
    }

    private static string? StackLabel(KernelStackKind kind) => kind switch
    {
        KernelStackKind.Irq => "IRQ stack",
        KernelStackKind.Nmi => "NMI exception stack",
        KernelStackKind.DoubleFault => "DOUBLEFAULT exception stack",
        KernelStackKind.Debug => "DEBUG exception stack",
        KernelStackKind.MachineCheck => "MCE exception stack",
        KernelStackKind.VmmCommunication => "VC exception stack",
        _ => null,
    };

    /// <summary>crash's register block: kernel exception frames start with <c>[exception RIP: sym+DECIMAL]</c>.</summary>
    internal static List<string> Registers(CrashSession session, PtRegs r, bool exception)
    {
        var lines = new List<string>();
        if (exception)
        {
            var at = session.Symbols.Resolve(r.Ip) is ({ } s, ulong off) ? (off == 0 ? s.Name : $"{s.Name}+{off}") : $"{r.Ip:x}";
            lines.Add($"    [exception RIP: {at}]");
        }
        lines.Add($"    RIP: {r.Ip:x16}  RSP: {r.Sp:x16}  RFLAGS: {r.Flags:x8}");
        lines.Add($"    RAX: {r.Ax:x16}  RBX: {r.Bx:x16}  RCX: {r.Cx:x16}");
        lines.Add($"    RDX: {r.Dx:x16}  RSI: {r.Si:x16}  RDI: {r.Di:x16}");
        lines.Add($"    RBP: {r.Bp:x16}   R8: {r.R8:x16}   R9: {r.R9:x16}");
        lines.Add($"    R10: {r.R10:x16}  R11: {r.R11:x16}  R12: {r.R12:x16}");
        lines.Add($"    R13: {r.R13:x16}  R14: {r.R14:x16}  R15: {r.R15:x16}");
        lines.Add($"    ORIG_RAX: {r.OrigAx:x16}  CS: {r.Cs:x4}  SS: {r.Ss:x4}");
        return lines;
    }

    /// <summary>
    /// crash's first two frames of the panic task, below the registers kdump saved in <c>__crash_kexec</c>:
    /// the return into <c>__crash_kexec</c> from its <c>call machine_kexec</c>, and below it the lowest
    /// word inside machine_kexec. Empty when the saved ip is not in __crash_kexec.
    /// </summary>
    private static List<(ulong Slot, ulong Ip)> KexecFrames(CrashSession session, BtContext ctx, PtRegs regs, ulong task, int cpu)
    {
        var list = new List<(ulong, ulong)>();
        var symbols = session.Symbols;
        var unwinder = ctx.Unwinder.Unwinder;
        if (unwinder.Function(regs.Ip) is not { Name: "__crash_kexec" } || symbols.Lookup("machine_kexec") is not { } mk)
            return list;
        var stack = unwinder.Stacks.Identify(regs.Sp, task, cpu);
        Span<byte> call = stackalloc byte[5];
        ulong found = 0, ret = 0;
        for (ulong slot = regs.Sp - 8; slot >= stack.Low && slot + 4096 > regs.Sp; slot -= 8)
        {
            if (!session.Memory.TryReadU64(slot, out ulong w) || !unwinder.IsText(w) || !session.Memory.TryReadVirtual(w - 5, call))
                continue;
            if (call[0] == 0xe8 && w + (ulong)(long)System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(call[1..]) == mk.Address)
            {
                (found, ret) = (slot, w);
                break;
            }
        }
        if (found == 0)
            return list;
        for (ulong slot = stack.Low; slot < found; slot += 8)
            if (session.Memory.TryReadU64(slot, out ulong w) && unwinder.Function(w) is { Name: "machine_kexec" } && w != mk.Address)
            {
                list.Add((slot, w));
                break;
            }
        list.Add((found, ret));
        return list;
    }
}
