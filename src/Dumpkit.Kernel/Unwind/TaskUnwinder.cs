// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;
using Dumpkit.Kernel.Orc;

namespace Dumpkit.Kernel.Unwind;

/// <summary>
/// Backtraces of tasks: the ORC table and stacks of the dump, each CPU's running task and saved
/// registers, and the panic CPU. A task on a CPU starts from the registers that CPU saved; every
/// other task from its switch frame.
/// </summary>
public sealed class TaskUnwinder
{
    private readonly Dictionary<ulong, int> _cpuOf = [];

    public OrcUnwinder Unwinder { get; }
    public TaskStarts Starts { get; }
    public IReadOnlyList<int> OnlineCpus { get; }
    public int PanicCpu { get; }

    public TaskUnwinder(KernelMemory memory, KallsymsTable symbols, BtfTypes types)
    {
        var orc = OrcTable.Load(memory.TryReadVirtual, symbols, types, memory.Info.OsRelease);
        Unwinder = new OrcUnwinder(memory, symbols, orc, new KernelStacks(memory, symbols, types), ModuleOrcOf(memory, symbols, types, orc));
        Starts = new TaskStarts(memory, symbols, types);
        OnlineCpus = Starts.OnlineCpus();
        PanicCpu = Starts.PanicCpu();
        foreach (int cpu in OnlineCpus)
            if (Starts.RunningTask(cpu) is ulong t)
                _cpuOf.TryAdd(t, cpu);
    }

    // The modules' ORC; none when the module list cannot be read (the unwind then stops at a module frame).
    private static ModuleOrc? ModuleOrcOf(KernelMemory memory, KallsymsTable symbols, BtfTypes types, OrcTable orc)
    {
        try { return ModuleOrc.Create(memory, Modules.ModuleList.Read(memory, symbols, types), types, orc.Layout); }
        catch (KernelDataException) { return null; }
        catch (KernelAddressException) { return null; }
        catch (Formats.PageNotAvailableException) { return null; }
    }

    /// <summary>The CPU <paramref name="task"/> was running on at the crash, or null.</summary>
    public int? CpuOf(ulong task) => _cpuOf.TryGetValue(task, out int c) ? c : null;

    /// <summary>The task running on <paramref name="cpu"/>.</summary>
    public ulong? RunningTask(int cpu) => Starts.RunningTask(cpu);

    /// <summary>
    /// A CPU that kdump stopped with an NMI saved the registers the NMI interrupted; the NMI's own frames
    /// (crash_nmi_callback up to the NMI entry) are on the CPU's NMI stack. They start at the lowest word
    /// there inside <c>crash_nmi_callback</c> that follows a call and from which ORC reaches the very
    /// exception frame that was saved; null when there is none.
    /// </summary>
    private Backtrace? FromNmi(ulong task, int cpu, PtRegs regs)
    {
        if (regs.IsUserMode || Unwinder.Function(regs.Ip) is { Name: "__crash_kexec" })
            return null;
        var nmi = Unwinder.Stacks.CpuStacks(cpu).FirstOrDefault(s => s.Kind == KernelStackKind.Nmi);
        if (nmi.Kind != KernelStackKind.Nmi || nmi.High - nmi.Low > 1 << 16)
            return null;
        for (ulong slot = nmi.Low; slot + 8 <= nmi.High; slot += 8)
        {
            if (!Unwinder.TryReadU64(slot, out ulong w) || Unwinder.Function(w) is not { Name: "crash_nmi_callback" } f || w == f.Address
                || !Unwinder.FollowsCall(w))
                continue;
            var bt = Unwinder.Unwind(task, cpu, new UnwindStart(w, slot + 8, regs.Bp, slot, null, false));
            if (bt.Frames.Any(x => x.Kind == FrameKind.Exception && x.Regs is { } r && r.Ip == regs.Ip && r.Sp == regs.Sp))
                return bt;
        }
        return null;
    }

    /// <summary>The task's stack.</summary>
    public Backtrace Unwind(ulong task)
    {
        if (CpuOf(task) is int cpu && Starts.CrashRegisters(cpu) is PtRegs regs)
            return FromNmi(task, cpu, regs) ?? Unwinder.Unwind(task, cpu, TaskStarts.FromRegisters(regs));
        return Unwinder.Unwind(task, CpuOf(task) ?? -1, Starts.Sleeping(task));
    }
}
