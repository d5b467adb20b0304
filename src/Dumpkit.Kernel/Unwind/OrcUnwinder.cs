// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using Dumpkit.Kernel.Kallsyms;
using Dumpkit.Kernel.Orc;

namespace Dumpkit.Kernel.Unwind;

/// <summary>Where an unwind starts: registers and the stack slot the first ip came from (0: none).</summary>
public sealed record UnwindStart(ulong Ip, ulong Sp, ulong Bp, ulong Slot, PtRegs? Regs, bool Signal);

/// <summary>
/// The x86-64 ORC unwinder over a dump: from starting registers, one frame per ORC rule (CALL: the
/// return address below the caller's stack pointer; REGS: a <c>pt_regs</c>; REGS_PARTIAL: an IRET
/// frame), until the end-of-stack marker or a user-mode frame. A start inside a function that has no
/// ORC (<c>__crash_kexec</c>, where kdump saves the panicking CPU's registers) continues at the first
/// stack word that returns from a <c>call rel32</c> to that function. Bounded: at most
/// <see cref="MaxFrames"/> frames, and the stack pointer must grow on each stack.
/// </summary>
public sealed class OrcUnwinder
{
    public const int MaxFrames = 256;

    /// <summary>Functions that kdump's path runs without ORC (objtool's STACK_FRAME_NON_STANDARD).</summary>
    public static readonly IReadOnlySet<string> WithoutOrc = new HashSet<string>(StringComparer.Ordinal) { "__crash_kexec" };

    private const int ScanWords = 2048;

    private readonly KernelMemory _memory;
    private readonly KallsymsTable _symbols;
    private readonly OrcTable _orc;
    private readonly KernelStacks _stacks;
    private readonly ModuleOrc? _modules;

    /// <summary>An unwinder over vmlinux's ORC and, when given, the modules' (frames in modules go on through their tables).</summary>
    public OrcUnwinder(KernelMemory memory, KallsymsTable symbols, OrcTable orc, KernelStacks stacks, ModuleOrc? modules = null)
    {
        _memory = memory;
        _symbols = symbols;
        _orc = orc;
        _stacks = stacks;
        _modules = modules;
    }

    public KernelStacks Stacks => _stacks;

    /// <summary>Unwinds the stack of <paramref name="task"/> (running on <paramref name="cpu"/>, or -1) from <paramref name="start"/>.</summary>
    public Backtrace Unwind(ulong task, int cpu, UnwindStart start)
    {
        var frames = new List<StackFrame>();
        ulong ip = start.Ip, sp = start.Sp, bp = start.Bp;
        var regs = start.Regs;
        bool signal = start.Signal;
        var stack = _stacks.Identify(sp, task, cpu);
        var left = new HashSet<KernelStackKind>();
        frames.Add(new StackFrame(ip, start.Slot, FrameKind.Start, stack.Kind));
        while (frames.Count < MaxFrames)
        {
            if (!IsText(ip))
                return new Backtrace(frames, UnwindEnd.Error, null, $"{ip:x} is not kernel text");
            if (frames.Count == 1 && regs is not null && Function(ip) is { } f && WithoutOrc.Contains(f.Name))
            {
                if (ScanForReturn(sp, f.Address, stack) is not (ulong slot, ulong ret))
                    return new Backtrace(frames, UnwindEnd.Error, null, $"no return from {f.Name} on the stack");
                frames.Add(new StackFrame(ret, slot, FrameKind.Call, stack.Kind));
                ip = ret;
                sp = slot + 8;
                regs = null;
                signal = false;
                continue;
            }
            if (LookupOrc(signal ? ip : ip - 1) is not (_, OrcEntry e))
                return new Backtrace(frames, UnwindEnd.Error, null, $"no ORC entry for {ip:x}");
            if (e.Type == OrcType.EndOfStack)
                return new Backtrace(frames, UnwindEnd.EndOfStack, null, null);
            if (e.Type == OrcType.Undefined)
                return new Backtrace(frames, UnwindEnd.Error, null, $"ORC entry for {ip:x} is undefined");
            if (Cfa(e, sp, bp, regs) is not ulong cfa)
                return new Backtrace(frames, UnwindEnd.Error, null, $"cannot follow the ORC rule at {ip:x}");

            ulong newIp, newSp, slotOfIp;
            PtRegs? newRegs = null;
            switch (e.Type)
            {
                case OrcType.Call:
                    slotOfIp = cfa - 8;
                    if (!_memory.TryReadU64(slotOfIp, out newIp))
                        return new Backtrace(frames, UnwindEnd.Error, null, $"cannot read the return address at {slotOfIp:x}");
                    newSp = cfa;
                    break;
                case OrcType.Regs:
                    if (ReadRegs(cfa) is not PtRegs full)
                        return new Backtrace(frames, UnwindEnd.Error, null, $"cannot read pt_regs at {cfa:x}");
                    if (full.IsUserMode)
                        return new Backtrace(frames, UnwindEnd.UserMode, full, null);
                    newRegs = full;
                    (newIp, newSp, slotOfIp) = (full.Ip, full.Sp, full.Sp);
                    break;
                default: // REGS_PARTIAL: an IRET frame at the CFA
                    if (ReadRegs(cfa - PtRegs.IpOffset) is not PtRegs partial)
                        return new Backtrace(frames, UnwindEnd.Error, null, $"cannot read the IRET frame at {cfa:x}");
                    if (partial.IsUserMode)
                        return new Backtrace(frames, UnwindEnd.UserMode, partial, null);
                    newRegs = partial;
                    (newIp, newSp, slotOfIp) = (partial.Ip, partial.Sp, partial.Sp);
                    break;
            }

            if (NextBp(e, cfa, bp, newRegs) is not ulong newBp)
                return new Backtrace(frames, UnwindEnd.Error, null, $"cannot read the frame pointer for {ip:x}");
            var newStack = stack.Contains(newSp) ? stack : _stacks.Identify(newSp, task, cpu);
            if (newStack.Kind == stack.Kind && newStack.Low == stack.Low ? newSp <= sp : !left.Add(stack.Kind))
                return new Backtrace(frames, UnwindEnd.Error, null, $"the stack does not progress at {ip:x}");
            stack = newStack;
            frames.Add(new StackFrame(newIp, slotOfIp, e.Type == OrcType.Call ? FrameKind.Call : FrameKind.Exception, stack.Kind, newRegs));
            (ip, sp, bp) = (newIp, newSp, newBp);
            regs = e.Type == OrcType.Regs ? newRegs : null;
            signal = e.Type != OrcType.Call || e.Signal;
        }
        return new Backtrace(frames, UnwindEnd.Error, null, $"more than {MaxFrames} frames");
    }

    /// <summary>The function holding <paramref name="ip"/> (kallsyms), or null.</summary>
    public KernelSymbol? Function(ulong ip) => _symbols.Resolve(ip) is ({ } s, _) ? s : null;

    /// <summary>True for an address in kernel text (a text symbol of kallsyms holds it) or, with module ORC, in a module's text.</summary>
    public bool IsText(ulong ip) =>
        ip >= KernelMemory.StartKernelMap && (_modules?.TextModule(ip) is not null || Function(ip) is { Type: 'T' or 't' or 'W' or 'w' });

    // An address inside a module is looked up in that module's table only (vmlinux's last entry would cover it otherwise).
    private (ulong Start, OrcEntry Entry)? LookupOrc(ulong ip) => _modules?.TextModule(ip) is not null ? _modules.Lookup(ip) : _orc.Lookup(ip);

    /// <summary>
    /// The first stack word at or above <paramref name="sp"/> (within the stack) that follows a
    /// <c>call rel32</c> (E8) to <paramref name="target"/>: its slot and value.
    /// </summary>
    public (ulong Slot, ulong Value)? ScanForReturn(ulong sp, ulong target, KernelStack stack)
    {
        Span<byte> call = stackalloc byte[5];
        for (int i = 0; i < ScanWords; i++)
        {
            ulong slot = sp + (ulong)(8 * i);
            if (stack.Kind != KernelStackKind.Unknown && slot + 8 > stack.High)
                break;
            if (!_memory.TryReadU64(slot, out ulong w))
                break;
            if (w < KernelMemory.StartKernelMap || !IsText(w) || !_memory.TryReadVirtual(w - 5, call))
                continue;
            if (call[0] == 0xe8 && w + (ulong)(long)BinaryPrimitives.ReadInt32LittleEndian(call[1..]) == target)
                return (slot, w);
        }
        return null;
    }

    /// <summary>Reads a word of kernel memory.</summary>
    public bool TryReadU64(ulong address, out ulong value) => _memory.TryReadU64(address, out value);

    /// <summary>
    /// True when the bytes before <paramref name="ret"/> are a call instruction: <c>call rel32</c> (E8),
    /// <c>call *%reg</c> (FF D0-D7, with a REX prefix for r8-r15), <c>call *disp32(%rip)</c> (FF 15).
    /// </summary>
    public bool FollowsCall(ulong ret)
    {
        Span<byte> b = stackalloc byte[7];
        if (!_memory.TryReadVirtual(ret - 7, b))
            return false;
        return b[2] == 0xe8 || (b[5] == 0xff && b[6] is >= 0xd0 and <= 0xd7) || (b[1] == 0xff && b[2] == 0x15);
    }

    private ulong? Cfa(OrcEntry e, ulong sp, ulong bp, PtRegs? regs)
    {
        ulong off = (ulong)(long)e.SpOffset;
        switch (e.SpRegister)
        {
            case OrcRegister.Sp: return sp + off;
            case OrcRegister.Bp: return bp + off;
            case OrcRegister.SpIndirect: return _memory.TryReadU64(sp, out ulong s) ? s + off : null;
            case OrcRegister.BpIndirect: return _memory.TryReadU64(bp + off, out ulong b) ? b : null;
            case OrcRegister.R10: return regs?.R10 + off;
            case OrcRegister.R13: return regs?.R13 + off;
            case OrcRegister.Di: return regs?.Di + off;
            case OrcRegister.Dx: return regs?.Dx + off;
            default: return null;
        }
    }

    private ulong? NextBp(OrcEntry e, ulong cfa, ulong bp, PtRegs? newRegs)
    {
        ulong off = (ulong)(long)e.BpOffset;
        switch (e.BpRegister)
        {
            case OrcRegister.PrevSp: return _memory.TryReadU64(cfa + off, out ulong a) ? a : null;
            case OrcRegister.Bp: return _memory.TryReadU64(bp + off, out ulong b) ? b : null;
            default: return e.Type == OrcType.Regs && newRegs is not null ? newRegs.Bp : bp;
        }
    }

    private PtRegs? ReadRegs(ulong at)
    {
        Span<byte> raw = stackalloc byte[PtRegs.Size];
        return _memory.TryReadVirtual(at, raw) ? PtRegs.Read(raw) : null;
    }
}
