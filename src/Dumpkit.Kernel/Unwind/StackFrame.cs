// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kernel.Unwind;

/// <summary>How a frame's ip was found.</summary>
public enum FrameKind
{
    /// <summary>The starting ip (a sleeping task's switch frame, or the registers a CPU saved at the crash).</summary>
    Start,

    /// <summary>A return address on the stack at <see cref="StackFrame.Slot"/> (an ORC CALL step or a call-validated scan).</summary>
    Call,

    /// <summary>The ip of a kernel-mode exception or interrupt frame (<see cref="StackFrame.Regs"/> at <see cref="StackFrame.Slot"/>).</summary>
    Exception,
}

/// <summary>
/// One frame of a kernel stack: the ip, the stack slot it came from (crash's <c>[slot]</c>; for an
/// exception frame the interrupted sp), and the stack it lies on.
/// </summary>
public sealed record StackFrame(ulong Ip, ulong Slot, FrameKind Kind, KernelStackKind Stack, PtRegs? Regs = null);

/// <summary>How an unwind ended.</summary>
public enum UnwindEnd
{
    /// <summary>The kernel's end-of-stack marker (kernel threads, idle tasks).</summary>
    EndOfStack,

    /// <summary>An exception frame from user mode: <see cref="Backtrace.UserRegs"/> holds it.</summary>
    UserMode,

    /// <summary>An ip without ORC, a rule that cannot be followed, or a stack that does not progress.</summary>
    Error,
}

/// <summary>A task's stack as the unwinder followed it.</summary>
public sealed record Backtrace(IReadOnlyList<StackFrame> Frames, UnwindEnd End, PtRegs? UserRegs, string? Error);
