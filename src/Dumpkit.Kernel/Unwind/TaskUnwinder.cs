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
        Unwinder = new OrcUnwinder(memory, symbols, orc, new KernelStacks(memory, symbols, types));
        Starts = new TaskStarts(memory, symbols, types);
        OnlineCpus = Starts.OnlineCpus();
        PanicCpu = Starts.PanicCpu();
        foreach (int cpu in OnlineCpus)
            if (Starts.RunningTask(cpu) is ulong t)
                _cpuOf.TryAdd(t, cpu);
    }

    /// <summary>The CPU <paramref name="task"/> was running on at the crash, or null.</summary>
    public int? CpuOf(ulong task) => _cpuOf.TryGetValue(task, out int c) ? c : null;

    /// <summary>The task running on <paramref name="cpu"/>.</summary>
    public ulong? RunningTask(int cpu) => Starts.RunningTask(cpu);

    /// <summary>The task's stack.</summary>
    public Backtrace Unwind(ulong task)
    {
        if (CpuOf(task) is int cpu && Starts.CrashRegisters(cpu) is PtRegs regs)
            return Unwinder.Unwind(task, cpu, TaskStarts.FromRegisters(regs));
        return Unwinder.Unwind(task, CpuOf(task) ?? -1, Starts.Sleeping(task));
    }
}
