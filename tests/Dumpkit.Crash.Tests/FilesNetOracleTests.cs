// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;

namespace Dumpkit.Crash.Tests;

/// <summary>
/// <c>files -d/-p/-R</c> and <c>net -a/-N/-n/-x/-d/-R</c> against crash 8.0.2 with the Debian debug vmlinux on the 6.1
/// corpus dump (TZ=UTC). The addresses are this dump's: init's open files (<c>/dev/console</c>: file ffff8e3082144b00,
/// dentry ffff8e3081f41a80, inode ffff8e3081a14cd0; <c>/proc/sysrq-trigger</c>: dentry ffff8e30824df180, inode
/// ffff8e30824b4e30; <c>/init</c>: file ffff8e3082144100, dentry ffff8e3081f42a80, inode ffff8e3081a16240, one page
/// cached) and init's task_struct ffff8e30811fc8c0. crash 8.0.2 sees 3 of the 57 tasks (swapper/0, swapper/1, init), none
/// with a socket, and the ARP cache is empty: <c>net -a</c> and every <c>-R</c> of a socket print nothing there.
/// </summary>
public class FilesNetOracleTests
{
    private static readonly string[] Commands =
    [
        "files -d ffff8e3081f41a80", "files -d ffff8e30824df180", "files -d ffff8e3081f42a80", "files -d 0xffff8e3081f41a80 1",
        "files -p ffff8e3081a16240", "files -p ffff8e30824b4e30", "files -p ffff8e3081a14cd0",
        "files -R console", "files -R 10", "files -R ffff8e3081a16240", "files -R init", "files -R ffff8e3082144b00",
        "files -R ffff8e3081f42a80", "files -R sysrq-trigger", "files -R nosuch", "files -R console 1", "files -R nosuch 1",
        "files -R / 1", "files -R REG", "files -R 1 ffff8e30811fc8c0", "files -c -R console", "files -R console 0",
        "foreach files -R nosuch",
        "net -a", "net -N 0x7f000001", "net -N 16777343", "net -N 1", "net -N 4294967296", "net -a -N 1",
        "net -n", "net -n 0", "net -n 1", "net -n ffff8e30811fc8c0", "net -n nosuch",
        "net -s -x 1", "net -s -d", "net -s -R 3", "net -s -R 0 1", "net -s -R ffff8e30811fc8c0 1",
        "net -s 1 0",
    ];

    // crash prints getopt's "CMD: invalid option -- 'x'" on the terminal only; its file holds the usage, the end of ours.
    private static readonly string[] UsageCommands = ["files -d", "files -p", "files -z", "net -x", "net -d", "net -R 3", "net -z", "net 1"];

    // Task blocks: crash's are among ours (it sees 3 of 57 tasks).
    private static readonly string[] ForeachCommands =
        ["foreach files -R console", "foreach files -R /init", "foreach files -c -R 10", "foreach files -R 1", "foreach net -s -R 1"];

    private static readonly Lazy<(string[] Ours, string[] Crash)> Outputs =
        new(() => CrashRunner.BothOn61(Commands.Concat(UsageCommands).Concat(ForeachCommands).ToArray()));

    [SkippableFact]
    public void CommandsPrintWhatCrash8Prints()
    {
        Skip.IfNot(RuntimeInformation.IsOSPlatform(OSPlatform.Linux), "Linux only");
        var (ours, crash) = Outputs.Value;
        var failures = CrashRunner.Mismatches(Commands, crash, ours)
            .Concat(CrashRunner.UsageMismatches(UsageCommands, crash, ours, Commands.Length)).ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [SkippableFact]
    public void EveryForeachBlockOfCrashIsOurs()
    {
        Skip.IfNot(RuntimeInformation.IsOSPlatform(OSPlatform.Linux), "Linux only");
        var (ours, crash) = Outputs.Value;
        for (int i = 0; i < ForeachCommands.Length; i++)
        {
            int at = Commands.Length + UsageCommands.Length + i;
            var mine = Blocks(ours[at]);
            foreach (var block in Blocks(crash[at]))
                Assert.True(mine.Contains(block), $"'{ForeachCommands[i]}': crash's\n{block}\nis not ours:\n{ours[at]}");
        }
    }

    private static HashSet<string> Blocks(string output) =>
        output.Split("\n\n").Select(b => b.Trim('\n')).Where(b => b.Length > 0).ToHashSet();
}
