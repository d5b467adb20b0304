// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel;
using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;
using Dumpkit.Kernel.Sched;
using Dumpkit.Kernel.Unwind;
using Xunit.Abstractions;

namespace Dumpkit.Kernel.Tests;

/// <summary>
/// Our unwinder against the kernel's own traces: the crash-dumps' log holds every task's stack as
/// sysrq-t printed it shortly before the panic, and the panic's Call Trace. The reliable frames
/// (those without "?") must be ours, function for function.
/// </summary>
public class UnwindRealDumpTests(ITestOutputHelper output)
{
    private static List<string> OurReliable(Backtrace bt, KallsymsTable symbols) =>
        bt.Frames.Where(f => f.Kind != FrameKind.Exception)
            .Select(f => symbols.Resolve(f.Kind == FrameKind.Start && f.Slot == 0 ? f.Ip : f.Ip - 1) is ({ } s, _) ? s.Name : $"{f.Ip:x}")
            .ToList();

    [SkippableTheory]
    [InlineData(RealData.CrashKernel61)]
    [InlineData(RealData.CrashKernel612)]
    [InlineData(RealData.CrashKernel72)]
    public void EveryTaskUnwindsAsTheKernelPrintedIt(string kernel)
    {
        var log = SysrqLog.Lines(kernel);
        var logged = SysrqLog.Tasks(log);
        Assert.NotEmpty(logged);
        var mem = RealData.OpenMemory(RealData.CrashDump(kernel, "vmcore.elf"));
        using var _ = mem.Dump;
        var symbols = KallsymsTable.Load(mem);
        var types = BtfTypes.Load(mem.TryReadVirtual, symbols);
        var tasks = new TaskList(mem, symbols, types).Read().ToDictionary(t => t.Pid);
        var unwinder = new TaskUnwinder(mem, symbols, types);
        ulong lastArrival = types.MemberPath("task_struct.sched_info.last_arrival")?.ByteOffset
            ?? throw new InvalidOperationException("no sched_info.last_arrival");

        int same = 0, ranSince = 0;
        var failures = new List<string>();
        foreach (var l in logged)
        {
            var task = tasks[l.Pid];
            var bt = unwinder.Unwind(task.Address);
            Assert.True(bt.End != UnwindEnd.Error, $"pid {l.Pid} ({l.Comm}): {bt.Error}");
            var ours = OurReliable(bt, symbols);
            if (ours.SequenceEqual(l.Reliable))
            {
                same++;
                continue;
            }
            // A task that ran after the kernel printed its stack may hold another one now.
            ulong arrived = mem.ReadU64(task.Address + lastArrival);
            if (arrived > (ulong)(l.Time * 1e9))
            {
                ranSince++;
                output.WriteLine($"pid {l.Pid} ({l.Comm}) ran since sysrq-t: kernel {string.Join(",", l.Reliable)}; ours {string.Join(",", ours)}");
                continue;
            }
            failures.Add($"pid {l.Pid} ({l.Comm}): kernel {string.Join(",", l.Reliable)}\n   ours {string.Join(",", ours)}");
        }
        // Every task the log does not show (the idle tasks, the CPUs' running tasks) unwinds to its end too.
        foreach (var t in tasks.Values.Select(t => t.Address).Concat(unwinder.OnlineCpus.Select(c => unwinder.RunningTask(c) ?? 0)).Where(a => a != 0))
        {
            var bt = unwinder.Unwind(t);
            Assert.True(bt.End != UnwindEnd.Error, $"task {t:x}: {bt.Error}");
        }
        output.WriteLine($"{kernel}: {same} of {logged.Count} tasks identical, {ranSince} ran after sysrq-t, {failures.Count} differ");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [SkippableTheory]
    [InlineData(RealData.CrashKernel61)]
    [InlineData(RealData.CrashKernel612)]
    [InlineData(RealData.CrashKernel72)]
    public void ThePanicTaskHoldsThePanicCallTraceFromPanicOn(string kernel)
    {
        var log = SysrqLog.Lines(kernel);
        var expected = SysrqLog.PanicTrace(log);
        int from = expected.IndexOf("panic");
        Assert.True(from >= 0, "no panic frame in the panic's Call Trace");
        var mem = RealData.OpenMemory(RealData.CrashDump(kernel, "vmcore.elf"));
        using var _ = mem.Dump;
        var symbols = KallsymsTable.Load(mem);
        var types = BtfTypes.Load(mem.TryReadVirtual, symbols);
        var unwinder = new TaskUnwinder(mem, symbols, types);
        Assert.True(unwinder.PanicCpu >= 0, "no panic_cpu");
        var task = unwinder.RunningTask(unwinder.PanicCpu) ?? throw new InvalidOperationException("no task on the panic CPU");
        var bt = unwinder.Unwind(task);
        Assert.Equal(UnwindEnd.UserMode, bt.End);
        var ours = OurReliable(bt, symbols);
        int start = ours.IndexOf("panic");
        Assert.True(start >= 0, $"ours: {string.Join(",", ours)}");
        Assert.Equal(expected[from..], ours[start..]);
    }

    [SkippableFact]
    public void BadStartsEndInAnErrorNotAnExceptionOrAHang()
    {
        var mem = RealData.OpenMemory(RealData.CrashDump(RealData.CrashKernel61, "vmcore.elf"));
        using var _ = mem.Dump;
        var symbols = KallsymsTable.Load(mem);
        var types = BtfTypes.Load(mem.TryReadVirtual, symbols);
        var unwinder = new TaskUnwinder(mem, symbols, types);
        ulong init = symbols.AddressOf("init_task")!.Value;
        ulong text = symbols.AddressOf("schedule")!.Value + 0x10;
        var stack = unwinder.Unwinder.Stacks.TaskStack(init);
        var random = new Random(15);
        var starts = new List<UnwindStart>
        {
            new(text, 0x1000, 0, 0, null, false),               // an unmapped stack
            new(0xdead, stack.Low + 64, 0, 0, null, false),     // not text
            new(text, stack.High - 8, 0, 0, null, false),       // off the top of the stack
        };
        for (int i = 0; i < 200; i++)
            starts.Add(new(text + (ulong)random.Next(0, 1 << 20), stack.Low + (ulong)random.Next(0, (int)(stack.High - stack.Low)) / 8 * 8,
                (ulong)random.NextInt64(), 0, null, random.Next(2) == 0));
        foreach (var start in starts)
        {
            var bt = unwinder.Unwinder.Unwind(init, 0, start);
            Assert.True(bt.Frames.Count <= OrcUnwinder.MaxFrames);
            Assert.True(bt.End != UnwindEnd.Error || bt.Error is not null);
        }
    }
}
