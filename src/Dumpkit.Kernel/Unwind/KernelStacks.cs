// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;

namespace Dumpkit.Kernel.Unwind;

/// <summary>The stacks an x86-64 kernel runs on.</summary>
public enum KernelStackKind
{
    Unknown,
    Task,
    Irq,
    Nmi,
    DoubleFault,
    Debug,
    MachineCheck,
    VmmCommunication,
}

/// <summary>One stack's bounds: [Low, High).</summary>
public readonly record struct KernelStack(KernelStackKind Kind, ulong Low, ulong High)
{
    public bool Contains(ulong sp) => sp >= Low && sp < High;
}

/// <summary>
/// Where a stack pointer lies: the task's own stack (<c>task-&gt;stack</c>, THREAD_SIZE from BTF's
/// <c>union thread_union</c>), the CPU's IRQ stack (per-CPU <c>hardirq_stack_ptr</c>, in <c>pcpu_hot</c>
/// from 6.2) or one of its exception stacks (per-CPU <c>cea_exception_stacks</c>).
/// </summary>
public sealed class KernelStacks
{
    private readonly KernelMemory _memory;
    private readonly KallsymsTable _symbols;
    private readonly ulong _taskStack;
    private readonly ulong _threadSize;
    private readonly ulong? _hardirqPointer;
    private readonly KernelSymbol? _hardirqSymbol;
    private readonly KernelSymbol? _ceaSymbol;
    private readonly List<(KernelStackKind Kind, ulong Offset, ulong Size)> _exceptionStacks = [];

    public KernelStacks(KernelMemory memory, KallsymsTable symbols, BtfTypes types)
    {
        _memory = memory;
        _symbols = symbols;
        _taskStack = types.MemberPath("task_struct.stack")?.ByteOffset ?? throw new KernelDataException("BTF lacks task_struct.stack");
        _threadSize = types.FindType("thread_union") is int tu ? types.SizeOf(tu) : 16384;
        if (_threadSize is 0 or > 1 << 20)
            _threadSize = 16384;
        if (symbols.Lookup("hardirq_stack_ptr") is { IsPerCpu: true } h)
        {
            _hardirqSymbol = h;
            _hardirqPointer = 0;
        }
        else if (symbols.Lookup("pcpu_hot") is { IsPerCpu: true } hot && types.MemberPath("pcpu_hot.hardirq_stack_ptr") is { } m)
        {
            _hardirqSymbol = hot;
            _hardirqPointer = m.ByteOffset;
        }
        if (symbols.Lookup("cea_exception_stacks") is { IsPerCpu: true } cea && types.FindType("cea_exception_stacks") is int ces)
        {
            _ceaSymbol = cea;
            foreach (var (name, kind) in new[]
                     {
                         ("DF_stack", KernelStackKind.DoubleFault), ("NMI_stack", KernelStackKind.Nmi), ("DB_stack", KernelStackKind.Debug),
                         ("MCE_stack", KernelStackKind.MachineCheck), ("VC_stack", KernelStackKind.VmmCommunication),
                     })
                if (types.Member(ces, name) is { } s)
                    _exceptionStacks.Add((kind, s.ByteOffset, types.SizeOf(s.Type)));
        }
    }

    public ulong ThreadSize => _threadSize;

    /// <summary>The task's own stack.</summary>
    public KernelStack TaskStack(ulong task)
    {
        ulong low = _memory.ReadU64(task + _taskStack, "task_struct.stack");
        return new KernelStack(KernelStackKind.Task, low, low + _threadSize);
    }

    /// <summary>The stacks of CPU <paramref name="cpu"/> (IRQ and exception stacks); none when the CPU is unknown.</summary>
    public IEnumerable<KernelStack> CpuStacks(int cpu)
    {
        if (cpu < 0)
            yield break;
        if (_hardirqSymbol is KernelSymbol h && _symbols.PerCpuAddress(h, cpu) is ulong at
            && _memory.TryReadU64(at + _hardirqPointer!.Value, out ulong top) && top != 0)
        {
            // hardirq_stack_ptr is the IRQ stack's top minus 8 (IRQ_STACK_SIZE = THREAD_SIZE).
            ulong high = top + 8;
            yield return new KernelStack(KernelStackKind.Irq, high - _threadSize, high);
        }
        if (_ceaSymbol is KernelSymbol c && _symbols.PerCpuAddress(c, cpu) is ulong p && _memory.TryReadU64(p, out ulong cea) && cea != 0)
            foreach (var (kind, offset, size) in _exceptionStacks)
                yield return new KernelStack(kind, cea + offset, cea + offset + size);
    }

    /// <summary>The stack holding <paramref name="sp"/>: the task's, or one of the CPU's; Unknown when none.</summary>
    public KernelStack Identify(ulong sp, ulong task, int cpu)
    {
        var own = TaskStack(task);
        if (own.Contains(sp))
            return own;
        foreach (var s in CpuStacks(cpu))
            if (s.Contains(sp))
                return s;
        return new KernelStack(KernelStackKind.Unknown, sp, sp + _threadSize);
    }
}
