// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats;

namespace Dumpkit.Kernel.Printk;

/// <summary>
/// One record of the kernel log: its timestamp, caller id (T&lt;pid&gt; or C&lt;cpu&gt; with bit 31),
/// text (no trailing newline; may hold newlines and unprintable bytes) and its raw
/// <c>struct printk_info</c> (for fields VMCOREINFO does not describe, such as the level).
/// </summary>
public sealed record LogRecord(ulong TimestampNs, uint? CallerId, byte[] Text, byte[] Info);

/// <summary>The crashed kernel's log (the lockless printk ringbuffer of 5.10+), record by record.</summary>
public static class KernelLog
{
    /// <summary>
    /// Every record from the oldest to the newest, as <see cref="Dmesg.Extract(DumpReader, Vmcoreinfo, bool)"/>
    /// walks them. Throws <see cref="KernelDataException"/> when the log cannot be read.
    /// </summary>
    public static IReadOnlyList<LogRecord> Read(KernelMemory memory, TextWriter? warnings = null)
    {
        if (memory.Info.Symbol("prb") is null)
            throw new KernelDataException("the kernel log before Linux 5.10 (log_buf) is not read record by record yet");
        var rb = PrintkRingbuffer.Load(memory, memory.Info);
        return rb.Records(rb.TailId, warnings);
    }
}
