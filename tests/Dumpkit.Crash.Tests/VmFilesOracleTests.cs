// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Dumpkit.Crash.Tests;

/// <summary>
/// <c>files</c>, <c>vm</c> and <c>foreach</c> of them against crash 8.0.2 with the Debian debug vmlinux on
/// the 6.1 corpus dump (TZ=UTC). crash 8.0.2 sees 3 of the 57 tasks there, so <c>foreach</c> is compared
/// on the tasks it names (ours has the same lines for those and more tasks); it cannot walk 6.1's maple
/// tree, so of <c>vm</c> on a process only the task header and the MM/PGD/RSS/TOTAL_VM lines are compared
/// (the areas are checked against the kernel in <see cref="VmFilesDrgnTests"/>), and RSS differs by the
/// shmem pages crash 8.0.2 does not count (as in ps).
/// </summary>
public partial class VmFilesOracleTests
{
    private static readonly string[] Commands =
    [
        "files", "files 1", "files 0", "files 1 0", "files nosuch", "vm 0", "foreach 1 0 files", "foreach swapper/1 vm",
    ];

    // Task blocks: crash's are a subset of ours (it sees 3 of 57 tasks).
    private static readonly string[] ForeachCommands = [
        "foreach files", "foreach user files", "foreach kernel files", "foreach kernel vm", "foreach 'swap' files",
        "foreach ps", "foreach active ps", "foreach RU ps",
    ];

    private static readonly string[] VmCommands = ["vm", "vm 1", "foreach vm", "foreach user vm"];

    private static readonly Lazy<(string[] Ours, string[] Crash)> Outputs =
        new(() => CrashRunner.BothOn61(Commands.Concat(ForeachCommands).Concat(VmCommands).ToArray()));

    [SkippableFact]
    public void CommandsPrintWhatCrash8Prints()
    {
        Skip.IfNot(RuntimeInformation.IsOSPlatform(OSPlatform.Linux), "Linux only");
        var (ours, crash) = Outputs.Value;
        var failures = CrashRunner.Mismatches(Commands, crash, ours).ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [SkippableFact]
    public void EveryForeachBlockOfCrashIsOurs()
    {
        Skip.IfNot(RuntimeInformation.IsOSPlatform(OSPlatform.Linux), "Linux only");
        var (ours, crash) = Outputs.Value;
        for (int i = 0; i < ForeachCommands.Length; i++)
        {
            int at = Commands.Length + i;
            var mine = Blocks(ours[at]);
            var theirs = Blocks(crash[at]);
            Assert.NotEmpty(theirs);
            foreach (var block in theirs)
                Assert.True(mine.Contains(block), $"'{ForeachCommands[i]}': crash's\n{block}\nis not ours:\n{ours[at]}");
        }
    }

    [SkippableFact]
    public void VmHeadersAreCrashsButForShmemInRss()
    {
        Skip.IfNot(RuntimeInformation.IsOSPlatform(OSPlatform.Linux), "Linux only");
        var (ours, crash) = Outputs.Value;
        for (int i = 0; i < VmCommands.Length; i++)
        {
            int at = Commands.Length + ForeachCommands.Length + i;
            // crash stops at its maple tree error; every line before it is ours, RSS aside.
            var theirs = crash[at].Split('\n').TakeWhile(l => !l.StartsWith("vm: invalid structure member offset", StringComparison.Ordinal))
                .Select(MaskRss).ToList();
            var mine = ours[at].Split('\n').Select(MaskRss).ToHashSet();
            Assert.True(theirs.Count >= 3, crash[at]);
            foreach (var line in theirs.Where(l => l.Length > 0))
                Assert.True(mine.Contains(line), $"'{VmCommands[i]}': crash's line\n{line}\nis not ours:\n{ours[at]}");
        }
    }

    /// <summary>
    /// On upstream makedumpfile's <c>-c -d 31</c> file of the same dump: an excluded page of the direct map
    /// gives crash's "page excluded" line, and <c>foreach vm</c> / <c>foreach files</c> are what they are on the ELF dump.
    /// </summary>
    [SkippableFact]
    public void FilteredDumpGivesCrashsPageExcludedAndTheSameVmAndFiles()
    {
        Skip.IfNot(RuntimeInformation.IsOSPlatform(OSPlatform.Linux), "Linux only");
        var vmlinux = CrashRunner.RequireVmlinux(RealData.Kernel61);
        var elf = RealData.Kernel(RealData.Kernel61, "vmcore.elf");
        var filtered = RealData.Kernel(RealData.Kernel61, "mdf-c-d31");
        Skip.IfNot(File.Exists(filtered), $"no {filtered}");
        string[] commands = ["rd ffff8e3090000000", "foreach vm", "foreach files"];
        var crash = CrashRunner.Oracle(vmlinux, filtered, commands[..1]);
        var ours = CrashRunner.OursPerCommand(filtered, commands);
        Assert.StartsWith("rd: page excluded: kernel virtual address: ", crash[0]);
        Assert.Equal(crash[0], ours[0]);
        var full = CrashRunner.OursPerCommand(elf, commands[1..]);
        Assert.Equal(full[0], ours[1]);
        Assert.Equal(full[1], ours[2]);
    }

    // ps rows count by row, without %MEM and RSS (crash 8.0.2 leaves out shmem pages).
    private static HashSet<string> Blocks(string output) =>
        output.Split("\n\n").Select(b => b.Trim('\n')).Where(b => b.Length > 0)
            .SelectMany(b => b.StartsWith("      PID", StringComparison.Ordinal) ? b.Split('\n').Skip(1).Select(r => PsRow().Replace(r, "$1 $2 $3")) : [b])
            .ToHashSet();

    private static string MaskRss(string line) => MmLine().Replace(line, "$1 RSS ");

    [GeneratedRegex(@"^(.{39} +[A-Z]{2}) +[0-9.]+ +(\d+) +\d+ (.*)$")]
    private static partial Regex PsRow();

    [GeneratedRegex(@"^([0-9a-f]{16}  [0-9a-f]{16}) +\d+k +")]
    private static partial Regex MmLine();
}
