// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;
using Dumpkit.Kernel.Mm;

namespace Dumpkit.Kernel.Sched;

/// <summary>
/// One row of crash's task table: the task, its ids, CPU, state, whether it is a kernel thread,
/// whether it runs on a CPU at the crash (<c>rq-&gt;curr</c>), and its memory (pages; 0 without an mm).
/// </summary>
public sealed record ProcessEntry(
    ulong Task, int Pid, int Ppid, int Tgid, int Cpu, string Comm, uint State, uint ExitState,
    bool KernelThread, ulong Mm, bool Active, ulong RssPages, ulong TotalVmPages)
{
    /// <summary>crash's two-letter state (RU, IN, UN, ID, ...).</summary>
    public string StateText => TaskStates.Short(State, ExitState);
}

/// <summary>
/// Every task as crash's <c>ps</c> lists them: the threads of <see cref="TaskList"/> plus the idle
/// tasks of the other CPUs (<c>rq-&gt;idle</c>), sorted by PID with the idle tasks by CPU.
/// </summary>
public sealed class ProcessTable
{
    public const uint PfKthread = 0x0020_0000;

    public IReadOnlyList<ProcessEntry> Entries { get; }
    public RunQueues RunQueues { get; }

    /// <summary>Pages crash divides RSS by for %MEM: <c>(high_memory - PAGE_OFFSET) &gt;&gt; 12</c>.</summary>
    public ulong TotalPages { get; }

    /// <summary>The CPU that panicked (<c>panic_cpu</c>), or null when none did.</summary>
    public int? PanicCpu { get; }

    private ProcessTable(IReadOnlyList<ProcessEntry> entries, RunQueues runQueues, ulong totalPages, int? panicCpu)
    {
        Entries = entries;
        RunQueues = runQueues;
        TotalPages = totalPages;
        PanicCpu = panicCpu;
    }

    public static ProcessTable Read(KernelMemory memory, KallsymsTable symbols, BtfTypes types)
    {
        var cpus = RunQueues.MaskCpus(memory, symbols, "__cpu_possible_mask") is { Count: > 0 } possible ? possible : [0];
        var online = RunQueues.MaskCpus(memory, symbols, "__cpu_online_mask") is { Count: > 0 } on ? on : cpus;
        var runQueues = new RunQueues(memory, symbols, types, cpus);
        var taskList = new TaskList(memory, symbols, types);
        var tasks = taskList.Read();
        var known = tasks.Select(t => t.Address).ToHashSet();
        foreach (var rq in runQueues.Cpus)
            if (rq.Idle != 0 && known.Add(rq.Idle))
                tasks.Add(taskList.Task(rq.Idle));

        ulong Offset(string path) => types.MemberPath(path)?.ByteOffset ?? throw new KernelDataException($"BTF lacks {path}");
        ulong flags = Offset("task_struct.flags"), mmOffset = Offset("task_struct.mm");
        // x86 keeps the CPU in thread_info from 5.16, in task_struct.cpu before.
        ulong cpuOffset = types.MemberPath("task_struct.thread_info.cpu")?.ByteOffset ?? Offset("task_struct.cpu");
        var counters = new MmCounters(memory, symbols, types, online);
        var active = runQueues.Cpus.Where(r => r.Curr != 0).Select(r => r.Curr).ToHashSet();
        var byTgid = tasks.GroupBy(t => t.Tgid).ToDictionary(g => g.Key, g => g.Select(t => t.Address).ToList());

        var entries = new List<ProcessEntry>(tasks.Count);
        foreach (var t in tasks)
        {
            uint f = U32(memory, t.Address + flags);
            ulong mm = memory.ReadU64(t.Address + mmOffset, "task_struct.mm");
            int cpu = (int)U32(memory, t.Address + cpuOffset);
            bool zombie = (t.ExitState & TaskStates.ExitZombie) != 0;
            ulong rss = 0, vm = 0;
            if (mm != 0 && !zombie)
            {
                vm = counters.TotalVm(mm);
                rss = counters.Rss(mm, byTgid.TryGetValue(t.Tgid, out var threads) ? threads : [t.Address]);
            }
            // The idle tasks of other CPUs were forked from PID 1; crash shows PPID 0 for every idle task.
            entries.Add(new ProcessEntry(t.Address, t.Pid, t.Pid == 0 ? 0 : t.ParentPid, t.Tgid, cpu, t.Comm, t.State, t.ExitState,
                (f & PfKthread) != 0, mm, active.Contains(t.Address), rss, vm));
        }
        // crash's order: by PID; the idle tasks (all PID 0) by CPU.
        entries.Sort((a, b) => a.Pid != b.Pid ? a.Pid.CompareTo(b.Pid) : a.Cpu != b.Cpu ? a.Cpu.CompareTo(b.Cpu) : a.Task.CompareTo(b.Task));

        ulong total = 0;
        if (symbols.AddressOf("high_memory") is ulong hm && memory.TryReadU64(hm, out ulong high) && memory.PageOffset is ulong po && high > po)
            total = (high - po) >> 12;
        int? panicCpu = symbols.AddressOf("panic_cpu") is ulong pc && memory.TryReadU32(pc, out uint p) && (int)p >= 0 ? (int)p : null;
        return new ProcessTable(entries, runQueues, total, panicCpu);
    }

    /// <summary>The task that panicked: the one running on <see cref="PanicCpu"/>.</summary>
    public ProcessEntry? PanicTask =>
        PanicCpu is int cpu && RunQueues.Cpus.FirstOrDefault(r => r.Cpu == cpu) is { Curr: not 0 } rq ? ByTask(rq.Curr) : null;

    public ProcessEntry? ByTask(ulong task) => Entries.FirstOrDefault(e => e.Task == task);

    /// <summary>crash's %MEM: RSS over <see cref="TotalPages"/>, in percent.</summary>
    public double PercentMemory(ProcessEntry e) => TotalPages == 0 ? 0 : e.RssPages * 100.0 / TotalPages;

    private static uint U32(KernelMemory memory, ulong at)
    {
        Span<byte> b = stackalloc byte[4];
        memory.ReadVirtual(at, b, "task_struct");
        return BinaryPrimitives.ReadUInt32LittleEndian(b);
    }
}
