// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text.RegularExpressions;
using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;
using Xunit.Abstractions;

namespace Dumpkit.Crash.Tests;

/// <summary>
/// <c>foreach bt</c> against the kernel's own sysrq-t dump in the crash-dumps' log: every task the kernel
/// listed is printed, and its frames are the kernel's reliable ones (unless the task ran after the kernel
/// printed it, by its sched_info.last_arrival); no trace stops short.
/// </summary>
public partial class ForeachBtSysrqTests(ITestOutputHelper output)
{
    [GeneratedRegex(@"^PID: (\d+) +TASK: ([0-9a-f]+) ")]
    private static partial Regex Header();

    [GeneratedRegex(@"^ ?#\d+ \[[0-9a-f]+\] (\S+) at [0-9a-f]+$")]
    private static partial Regex OurFrame();

    [SkippableTheory]
    [InlineData(RealData.CrashKernel61)]
    [InlineData(RealData.CrashKernel612)]
    [InlineData(RealData.CrashKernel72)]
    public void ForeachBtHoldsEveryTasksReliableFrames(string kernel)
    {
        var log = SysrqLog.Lines(kernel);
        var dump = RealData.CrashDump(kernel, "vmcore.elf");
        var (text, err, code) = CrashRunner.Ours("foreach bt\nq\n", "-s", dump);
        Assert.True(code == 0, err);
        Assert.DoesNotContain("cannot unwind", text, StringComparison.Ordinal);

        // Our blocks: pid -> (task, frame names); the idle tasks share pid 0 and are not in the log.
        var ours = new Dictionary<int, (ulong Task, List<string> Frames)>();
        List<string>? current = null;
        foreach (var line in text.Split('\n'))
        {
            if (Header().Match(line) is { Success: true } h)
            {
                current = [];
                ours[int.Parse(h.Groups[1].Value, CultureInfo.InvariantCulture)] = (Convert.ToUInt64(h.Groups[2].Value, 16), current);
            }
            else if (current is not null && OurFrame().Match(line) is { Success: true } f)
                current.Add(f.Groups[1].Value);
        }

        var mem = RealData.OpenMemory(dump);
        using var _ = mem.Dump;
        var symbols = KallsymsTable.Load(mem);
        var types = BtfTypes.Load(mem.TryReadVirtual, symbols);
        ulong lastArrival = types.MemberPath("task_struct.sched_info.last_arrival")!.Value.ByteOffset;

        int logged = 0, same = 0, ranSince = 0;
        var failures = new List<string>();
        foreach (var (time, _, _, pid, _, reliable) in SysrqLog.Tasks(log))
        {
            logged++;
            Assert.True(ours.TryGetValue(pid, out var mine), $"pid {pid} is not in foreach bt");
            // crash begins the panic task at machine_kexec; the kernel's frames are the rest.
            var frames = mine.Frames.SkipWhile(n => n is "machine_kexec" or "__crash_kexec").ToList();
            if (frames.SequenceEqual(reliable))
                same++;
            else if (mem.ReadU64(mine.Task + lastArrival) > (ulong)(time * 1e9))
                ranSince++;
            else
                failures.Add($"pid {pid}: kernel {string.Join(",", reliable)}\n   ours {string.Join(",", frames)}");
        }
        output.WriteLine($"{kernel}: foreach bt holds {same} of {logged} logged tasks' frames exactly; {ranSince} ran since; {failures.Count} differ");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(same > 0);
    }
}
