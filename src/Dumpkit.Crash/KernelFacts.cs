// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Crash;

/// <summary>
/// Values of the crashed kernel that several commands need, read through kallsyms (BTF has no
/// types for ordinary globals: their sizes are the kernel's, fixed here).
/// </summary>
internal static class KernelFacts
{
    /// <summary>
    /// HZ from tick_nsec (NSEC_PER_SEC / HZ, rounded), 250 on Debian; kernels without tick_nsec (7.x): the one of x86's
    /// HZ choices for which jiffies_64 counts the seconds the log's last record says the kernel had run.
    /// </summary>
    public static ulong? Hz(CrashSession s) =>
        ReadU64(s, "tick_nsec") is ulong tick and > 0 ? (ulong)Math.Round(1e9 / tick) : HzFromLog(s);

    private static ulong? HzFromLog(CrashSession s)
    {
        if (ReadU64(s, "jiffies_64") is not ulong j)
            return null;
        IReadOnlyList<Kernel.Printk.LogRecord> records;
        try { records = Kernel.Printk.KernelLog.Read(s.Memory); }
        catch (Kernel.KernelDataException) { return null; }
        if (records.Count == 0)
            return null;
        // jiffies count from a little after the clock of the log (about a second on 6.1 and 6.12). A wrong HZ gives
        // 300 + (t - 300) * HZ / hz seconds with INITIAL_JIFFIES of hz: minutes off, but for t near 300 s, where every
        // candidate gives about t (the closest one is taken).
        double logged = records[^1].TimestampNs / 1e9;
        ulong? best = null;
        double bestMiss = 5 + logged / 100;
        foreach (ulong hz in (ReadOnlySpan<ulong>)[100, 250, 300, 1000])
        {
            double miss = Math.Abs((long)(j - InitialJiffies(hz)) / (double)hz - (logged - 1));
            if (miss < bestMiss)
                (best, bestMiss) = (hz, miss);
        }
        return best;
    }

    private static ulong InitialJiffies(ulong hz) => (uint)unchecked((int)(0 - 300 * (long)hz));

    /// <summary>Jiffies since boot: jiffies_64 minus INITIAL_JIFFIES ((u32)-300*HZ on 64-bit).</summary>
    public static ulong? UptimeJiffies(CrashSession s)
    {
        if (Hz(s) is not ulong hz || ReadU64(s, "jiffies_64") is not ulong j)
            return null;
        return j - InitialJiffies(hz);
    }

    /// <summary>The crash time: VMCOREINFO's CRASHTIME (seconds since the epoch).</summary>
    public static long? CrashTime(CrashSession s) => s.Info.CrashTime;

    /// <summary>Boot time as crash computes it: crash time minus whole seconds of uptime.</summary>
    public static long? BootTime(CrashSession s) =>
        CrashTime(s) is long t && UptimeJiffies(s) is ulong up && Hz(s) is ulong hz ? t - (long)(up / hz) : null;

    public static ulong? ReadU64(CrashSession s, string symbol) =>
        s.Symbols.AddressOf(symbol) is ulong a && s.Memory.TryReadU64(a, out ulong v) ? v : null;

    public static uint? ReadU32(CrashSession s, string symbol) =>
        s.Symbols.AddressOf(symbol) is ulong a && s.Memory.TryReadU32(a, out uint v) ? v : null;

    /// <summary>Number of bits set in a cpumask variable (nr_cpu_ids bits are enough; 8192 read at most).</summary>
    public static int? CpuCount(CrashSession s, string mask)
    {
        if (s.Symbols.AddressOf(mask) is not ulong a)
            return null;
        var bits = new byte[1024];
        if (!s.Memory.TryReadVirtual(a, bits))
            return null;
        int n = 0;
        for (int i = 0; i < bits.Length; i += 8)
            n += System.Numerics.BitOperations.PopCount(BinaryPrimitives.ReadUInt64LittleEndian(bits.AsSpan(i)));
        return n;
    }
}
