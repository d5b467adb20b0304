// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Crash.Tests;

/// <summary>
/// <c>kmem -i</c> against crash 8 with the Debian debug vmlinux (TZ=UTC) on the 6.1 corpus dump and the
/// 6.1 crash-dumps kdump. Skips without crash, DUMPKIT_VMLINUX_DIR or the dumps.
/// </summary>
public class KmemOracleTests
{
    private static readonly string[] Commands = ["kmem -i", "kmem -q"];

    [SkippableFact]
    public void KmemInfoIsCrash8sOnTheCorpusDump() =>
        Compare(CrashRunner.RequireVmlinux(RealData.Kernel61), RealData.Kernel(RealData.Kernel61, "vmcore.elf"));

    [SkippableFact]
    public void KmemInfoIsCrash8sOnTheSysrqDump() =>
        Compare(CrashRunner.RequireVmlinux(RealData.CrashKernel61), RealData.CrashDump(RealData.CrashKernel61, "vmcore.elf"));

    private static void Compare(string vmlinux, string dump)
    {
        var crash = CrashRunner.Oracle(vmlinux, dump, Commands);
        var ours = CrashRunner.OursPerCommand(dump, Commands);
        Assert.Contains("TOTAL MEM", crash[0], StringComparison.Ordinal);
        for (int i = 0; i < Commands.Length; i++)
            Assert.True(crash[i] == ours[i], $"'{Commands[i]}': {CrashRunner.FirstDifference(crash[i], ours[i])}");
    }
}
