// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;

namespace Dumpkit.Crash.Tests;

/// <summary>
/// <c>task</c>, <c>sig</c>, <c>net</c>, <c>vtop</c>, their <c>foreach</c> forms, <c>vm -f/-m</c>, <c>files -c</c> and
/// the memory-hole messages of <c>rd</c> against crash 8.0.2 with the Debian debug vmlinux on the 6.1 corpus dump (TZ=UTC). The addresses are
/// this dump's: init's task_struct (ffff8e30811fc8c0, a 4 KiB direct-map page), its vmalloc'd stack
/// (ffffd37a00010000), init_task (ffffffff8c41aa40, kernel image, 2 MiB), a slab page (ffff8e3081950000, the lo
/// net_device), an unmapped image address below _text (ffffffff81000000); ffff8e30a0000000 and ffff8e3fffff0000
/// are direct-map addresses past memory, ffffc90000000000 lies below vmalloc_base, ffffffffff000000 is unmapped
/// and ffff888000000000 lies below the direct map. crash 8.0.2 sees 3 of the 57 tasks, so <c>foreach</c> is
/// compared task by task on those it prints.
/// </summary>
public partial class TaskSigNetVtopOracleTests
{
    private static readonly string[] Commands =
    [
        "task", "task 1", "task 0", "task -x", "task -R pid,comm", "task -R pid 1", "task -R flags,stack", "task -R cpu", "task -R pid,comm 1 0",
        "task nosuch",
        "sig", "sig 1", "sig 0", "sig 1 0", "sig -l", "sig -s 0000000000000002", "sig -s 3", "sig -s zz", "sig nosuch",
        "net", "net -n", "net -s 1",
        "vtop ffff8e30811fc8c0", "vtop ffffd37a00010000", "vtop ffffffff8c41aa40", "vtop -k ffff8e30811fc8c0",
        "vtop ffff8e30811fc8c0 ffffd37a00010000", "vtop ffff8e3081950000", "vtop -c 1 ffff8e30811fc8c0", "vtop ffffffff81000000",
        "vtop ffffc90000000000", "vtop -k 400000", "vtop nosuch",
        "rd ffff8e30a0000000", "rd ffff8e3fffff0000", "rd ffffc90000000000", "rd ffffffffff000000", "rd ffff888000000000",
        "rd -p 8000000", "rd -p 100000000", "rd -p 10000000", "rd 400000", "rd ffffd37a00000000",
        "vtop ffffffffc0000000", "vtop fffff54a40047f00",
        "vm -f 100073", "vm -f 8000875", "vm -f 0", "vm -f 200", "vm -f 80000000", "vm -f zz", "vm -f 1 2", "vm -m 1", "vm -m", "vm -m 0",
        "files -c 1", "files -c 0", "files -c", "files -c 0 1", "files -c 1 0",
    ];

    // crash prints "CMD: invalid option -- 'x'" on the terminal only; its file holds the usage, the end of ours.
    private static readonly string[] UsageCommands = ["task -R", "sig -x", "net -x", "net 1", "vtop", "vtop -x", "vm -f"];

    // Task blocks: crash's are among ours (it sees 3 of 57 tasks).
    private static readonly string[] ForeachCommands =
    [
        "foreach task", "foreach task -R pid", "foreach sig", "foreach 1 sig", "foreach set", "foreach net",
        "foreach vtop ffff8e30811fc8c0", "foreach 1 vtop -k ffff8e30811fc8c0", "foreach 1 net -s",
    ];

    private static readonly string[] FilteredCommands =
    [
        "rd ffff8e30a0000000", "rd -p 8000000", "rd ffff8e3fffff0000", "rd ffffc90000000000", "rd ffffffffff000000",
        "rd ffff888000000000", "rd -p 100000000", "rd 400000", "rd ffff8e3090000000", "vtop ffff8e3090000000",
    ];

    private static readonly Lazy<(string[] Ours, string[] Crash)> Outputs =
        new(() => CrashRunner.BothOn61(Commands.Concat(UsageCommands).Concat(ForeachCommands).ToArray()));

    [SkippableFact]
    public void CommandsPrintWhatCrash8Prints()
    {
        Skip.IfNot(RuntimeInformation.IsOSPlatform(OSPlatform.Linux), "Linux only");
        var (ours, crash) = Outputs.Value;
        var failures = new List<string>();
        for (int i = 0; i < Commands.Length; i++)
        {
            bool task = Commands[i].StartsWith("task", StringComparison.Ordinal);
            var (c, o) = task ? (WithoutInitStack(crash[i]), WithoutInitStack(ours[i])) : (crash[i], ours[i]);
            if (c != o)
                failures.Add($"'{Commands[i]}': {CrashRunner.FirstDifference(c, o)}");
        }
        failures.AddRange(CrashRunner.UsageMismatches(UsageCommands, crash, ours, Commands.Length));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [SkippableFact]
    public void EveryForeachTaskOfCrashIsOurs()
    {
        Skip.IfNot(RuntimeInformation.IsOSPlatform(OSPlatform.Linux), "Linux only");
        var (ours, crash) = Outputs.Value;
        for (int i = 0; i < ForeachCommands.Length; i++)
        {
            int at = Commands.Length + UsageCommands.Length + i;
            var (oursLead, mine) = Tasks(WithoutInitStack(ours[at]));
            var (crashLead, theirs) = Tasks(WithoutInitStack(crash[at]));
            Assert.Equal(crashLead, oursLead);
            Assert.NotEmpty(theirs);
            foreach (var block in theirs)
                Assert.True(mine.Contains(block), $"'{ForeachCommands[i]}': crash's\n{block}\nis not ours:\n{ours[at]}");
        }
    }

    /// <summary>On upstream makedumpfile's <c>-c -d 31</c> file: holes are crash's "seek error", filtered pages "page excluded".</summary>
    [SkippableFact]
    public void FilteredDumpGivesCrashsSeekErrorsAndExcludedPages()
    {
        Skip.IfNot(RuntimeInformation.IsOSPlatform(OSPlatform.Linux), "Linux only");
        var vmlinux = CrashRunner.RequireVmlinux(RealData.Kernel61);
        var filtered = RealData.Kernel(RealData.Kernel61, "mdf-c-d31");
        Skip.IfNot(File.Exists(filtered), $"no {filtered}");
        var crash = CrashRunner.Oracle(vmlinux, filtered, FilteredCommands);
        var ours = CrashRunner.OursPerCommand(filtered, FilteredCommands);
        Assert.Contains(crash, c => c.StartsWith("rd: seek error: ", StringComparison.Ordinal));
        for (int i = 0; i < FilteredCommands.Length; i++)
            Assert.True(crash[i] == ours[i], $"'{FilteredCommands[i]}': {CrashRunner.FirstDifference(crash[i], ours[i])}");
    }

    /// <summary>
    /// A task_struct print without its two known differences: gdb names no symbol for swapper/0's stack pointer (init_stack,
    /// a symbol of the linker script; kallsyms names it), and gdb cuts the FPU state's 4 KiB <c>__padding</c> char array after
    /// 256 characters when it holds more than NULs (its element limit, not reproduced yet); that line is left out.
    /// </summary>
    private static string WithoutInitStack(string output) =>
        PaddingLine().Replace(output.Replace(" <init_stack>,\n", ",\n", StringComparison.Ordinal), "$1<padding>\n");

    [System.Text.RegularExpressions.GeneratedRegex(@"^( +__padding = )"".*\n", System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex PaddingLine();

    /// <summary>An output cut into the text before the first task header and one text per task (trailing blank lines dropped).</summary>
    private static (string Lead, HashSet<string> Tasks) Tasks(string output)
    {
        var parts = ("\n" + output).Split("\nPID: ");
        return (parts[0].Trim('\n'), parts.Skip(1).Select(p => ("PID: " + p).TrimEnd('\n')).ToHashSet());
    }
}
