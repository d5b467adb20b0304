// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using Dumpkit.Formats.Elf;
using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;

namespace Dumpkit.Kernel.Unwind;

/// <summary>
/// Where each task's unwind starts. A task off CPU: its switch frame (<c>task-&gt;thread.sp</c> points at
/// <c>struct inactive_task_frame</c>; ip = ret_addr). A task on a CPU at the crash: the registers that
/// CPU saved (<c>crash_notes</c>, a per-CPU ELF note; QEMU dumps, whose crash_notes are empty: the
/// dump's PRSTATUS note whose pr_pid is the CPU + 1). Also the CPUs: online mask, <c>rq-&gt;curr</c>, <c>panic_cpu</c>.
/// </summary>
public sealed class TaskStarts
{
    /// <summary>Offsets in an ELF note holding an x86-64 prstatus: the descriptor after "CORE\0" (12 + 8), pr_pid, pr_reg.</summary>
    public const int NoteDesc = 20, PrPid = 32, PrReg = 112;

    private readonly KernelMemory _memory;
    private readonly KallsymsTable _symbols;
    private readonly ulong _threadSp, _frameSize, _retAddr, _frameBp, _rqCurr;

    public TaskStarts(KernelMemory memory, KallsymsTable symbols, BtfTypes types)
    {
        _memory = memory;
        _symbols = symbols;
        ulong Offset(string path) => types.MemberPath(path)?.ByteOffset ?? throw new KernelDataException($"BTF lacks {path}");
        _threadSp = Offset("task_struct.thread.sp");
        _retAddr = Offset("inactive_task_frame.ret_addr");
        _frameBp = Offset("inactive_task_frame.bp");
        _frameSize = types.FindType("inactive_task_frame") is int f ? types.SizeOf(f) : throw new KernelDataException("BTF lacks inactive_task_frame");
        _rqCurr = Offset("rq.curr");
    }

    /// <summary>The start of a task that is not running: its switch frame (slot: thread.sp, where the frame begins).</summary>
    public UnwindStart Sleeping(ulong task)
    {
        ulong sp = _memory.ReadU64(task + _threadSp, "task_struct.thread.sp");
        ulong ip = _memory.ReadU64(sp + _retAddr, "inactive_task_frame.ret_addr");
        ulong bp = _memory.ReadU64(sp + _frameBp, "inactive_task_frame.bp");
        // A task that never ran returns to the start of ret_from_fork: look that ip up itself, not ip - 1.
        bool entry = _symbols.Resolve(ip) is (_, 0);
        // The first frame's slot is thread.sp itself, as crash shows it.
        return new UnwindStart(ip, sp + _frameSize, bp, sp, null, entry);
    }

    /// <summary>The CPUs online at the crash (<c>__cpu_online_mask</c>), in order.</summary>
    public List<int> OnlineCpus()
    {
        var cpus = new List<int>();
        if (_symbols.AddressOf("__cpu_online_mask") is not ulong mask)
            return cpus;
        var bits = new byte[1024];
        if (!_memory.TryReadVirtual(mask, bits))
            return cpus;
        for (int i = 0; i < bits.Length * 8; i++)
            if ((bits[i >> 3] & (1 << (i & 7))) != 0)
                cpus.Add(i);
        return cpus;
    }

    /// <summary>The task running on <paramref name="cpu"/>: <c>per_cpu(runqueues, cpu).curr</c>.</summary>
    public ulong? RunningTask(int cpu) =>
        _symbols.Lookup("runqueues") is { } rq && _symbols.PerCpuAddress(rq, cpu) is ulong at && _memory.TryReadU64(at + _rqCurr, out ulong t) && t != 0
            ? t : null;

    /// <summary>The CPU that panicked (<c>panic_cpu</c>), or -1.</summary>
    public int PanicCpu() =>
        _symbols.AddressOf("panic_cpu") is ulong a && _memory.TryReadU32(a, out uint v) ? (int)v : -1;

    /// <summary>
    /// The registers CPU <paramref name="cpu"/> saved at the crash: its crash_notes prstatus, else
    /// (QEMU dumps) the dump's PRSTATUS note with pr_pid = cpu + 1; null when neither has them.
    /// </summary>
    public PtRegs? CrashRegisters(int cpu)
    {
        if (_symbols.AddressOf("crash_notes") is ulong cn && _memory.TryReadU64(cn, out ulong percpu) && percpu != 0
            && _symbols.PerCpuOffset(cpu) is ulong off)
        {
            var note = new byte[NoteDesc + PrReg + PtRegs.Size];
            if (_memory.TryReadVirtual(percpu + off, note) && BinaryPrimitives.ReadUInt32LittleEndian(note) == 5
                && BinaryPrimitives.ReadUInt32LittleEndian(note.AsSpan(8)) == ElfNote.NT_PRSTATUS && note.AsSpan(12, 4).SequenceEqual("CORE"u8))
            {
                var regs = PtRegs.Read(note.AsSpan(NoteDesc + PrReg));
                if (regs.Ip != 0 || regs.Sp != 0)
                    return regs;
            }
        }
        if (_memory.Info.CrashTime is null)
        {
            var area = _memory.Dump.Notes;
            foreach (var n in _memory.Dump.NoteList)
            {
                if (n.Type != ElfNote.NT_PRSTATUS || n.Name != "CORE" || n.DescSize < PrReg + PtRegs.Size)
                    continue;
                var desc = n.Desc(area);
                if (BinaryPrimitives.ReadInt32LittleEndian(desc[PrPid..]) == cpu + 1)
                    return PtRegs.Read(desc[PrReg..]);
            }
        }
        return null;
    }

    /// <summary>The start from registers a CPU saved: the interrupted ip itself is looked up (a signal frame).</summary>
    public static UnwindStart FromRegisters(PtRegs regs) => new(regs.Ip, regs.Sp, regs.Bp, 0, regs, true);
}
