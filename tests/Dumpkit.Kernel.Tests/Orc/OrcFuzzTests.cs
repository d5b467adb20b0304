// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;
using Dumpkit.Kernel.Orc;
using Dumpkit.Kernel.Sched;
using Dumpkit.Kernel.Unwind;

namespace Dumpkit.Kernel.Tests;

/// <summary>Corrupt ORC tables under a real dump's stacks: every unwind ends (a frame bound, an error saying why), nothing escapes.</summary>
public class OrcFuzzTests
{
    [SkippableTheory]
    [InlineData(RealData.CrashKernel61)]
    [InlineData(RealData.CrashKernel612)]
    public void CorruptEntriesEndEveryUnwind(string kernel)
    {
        var mem = RealData.OpenMemory(RealData.CrashDump(kernel, "vmcore.elf"));
        using var _ = mem.Dump;
        var symbols = KallsymsTable.Load(mem);
        var types = BtfTypes.Load(mem.TryReadVirtual, symbols);
        var good = OrcTable.Load(mem.TryReadVirtual, symbols, types, mem.Info.OsRelease);
        ulong ipStart = symbols.AddressOf("__start_orc_unwind_ip")!.Value, orcStart = symbols.AddressOf("__start_orc_unwind")!.Value;
        var ips = new byte[good.Count * 4];
        var entries = new byte[good.Count * OrcEntry.Size];
        mem.ReadVirtual(ipStart, ips);
        mem.ReadVirtual(orcStart, entries);
        var tasks = new TaskList(mem, symbols, types).Read().ToList();
        var starts = new TaskStarts(mem, symbols, types);
        var stacks = new KernelStacks(mem, symbols, types);
        var random = new Random(15);
        int errors = 0, unwinds = 0;
        for (int round = 0; round < 12; round++)
        {
            var bad = (byte[])entries.Clone();
            // Corrupt the entries the tasks' stacks use most: those of the scheduler, and random ones everywhere.
            foreach (var name in new[] { "__schedule", "schedule", "kthread", "ret_from_fork", "do_syscall_64" })
                if (symbols.AddressOf(name) is ulong f && random.Next(2) == 0)
                    for (int k = 0; k < 64; k++)
                        Corrupt(bad, ipStart, ips, f + (ulong)random.Next(0, 512), random);
            for (int k = 0; k < 20000; k++)
                bad[random.Next(bad.Length)] = (byte)random.Next(256);
            var orc = OrcTable.Parse(ipStart, ips, bad, good.Layout);
            var unwinder = new OrcUnwinder(mem, symbols, orc, stacks);
            foreach (var t in tasks)
            {
                var bt = unwinder.Unwind(t.Address, -1, starts.Sleeping(t.Address));
                unwinds++;
                Assert.True(bt.Frames.Count <= OrcUnwinder.MaxFrames);
                if (bt.End == UnwindEnd.Error)
                {
                    errors++;
                    Assert.False(string.IsNullOrEmpty(bt.Error));
                }
            }
        }
        Assert.True(errors > 0, $"no corruption changed any of {unwinds} unwinds");
    }

    // Overwrites the entry that covers ip (the last whose ip, each s32 relative to its own slot, is at or below it) with random bytes.
    private static void Corrupt(byte[] entries, ulong ipStart, byte[] ips, ulong ip, Random random)
    {
        int lo = 0, hi = ips.Length / 4 - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            ulong at = ipStart + (ulong)(4 * mid) + (ulong)(long)System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(ips.AsSpan(4 * mid));
            if (at <= ip) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        if (found >= 0)
            random.NextBytes(entries.AsSpan(found * OrcEntry.Size, OrcEntry.Size));
    }
}
