// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text.RegularExpressions;

namespace Dumpkit.Crash.Tests;

/// <summary>
/// <c>sys</c> on the crash-dumps against their own log: UPTIME (jiffies since boot, in HZ; 7.x has no tick_nsec to tell HZ) is
/// the time of the log's panic line, a second or two less (jiffies start counting after the log's clock).
/// </summary>
public partial class SysSysrqTests
{
    [GeneratedRegex(@"^\[\s*(\d+\.\d+)\] Kernel panic - not syncing")]
    private static partial Regex PanicLine();

    [GeneratedRegex(@"^ +UPTIME: (\d\d):(\d\d):(\d\d)$", RegexOptions.Multiline)]
    private static partial Regex UptimeLine();

    [SkippableTheory]
    [InlineData(RealData.CrashKernel61)]
    [InlineData(RealData.CrashKernel612)]
    [InlineData(RealData.CrashKernel72)]
    public void UptimeIsThePanicsLogTime(string kernel)
    {
        var panic = SysrqLog.Lines(kernel).Select(l => PanicLine().Match(l)).First(m => m.Success);
        double at = double.Parse(panic.Groups[1].Value, CultureInfo.InvariantCulture);
        var (o, e, code) = CrashRunner.Ours("sys\nq\n", "-s", RealData.CrashDump(kernel, "vmcore.elf"));
        Assert.True(code == 0, e);
        var m = UptimeLine().Match(o);
        Assert.True(m.Success, o);
        int up = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * 3600 + int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) * 60
            + int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
        Assert.InRange(up, at - 3, at);
    }
}
