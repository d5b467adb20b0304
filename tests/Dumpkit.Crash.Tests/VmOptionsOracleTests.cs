// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Dumpkit.Crash.Tests;

/// <summary>
/// <c>vm</c>'s options against crash 8.0.2 + the debug vmlinux on the 6.1 corpus dump (TZ=UTC). crash 8.0.2 sees 3 of its 57
/// tasks (PID 0 twice, init) and cannot walk 6.1's maple tree, so: whole outputs where crash gets to the end (<c>-m</c> with
/// <c>-x</c>/<c>-d</c>, every option on the idle tasks, <c>-R</c> of the mm and page directory, errors); where crash stops at the
/// maple tree (<c>vm: invalid structure member offset: mm_struct_mmap</c>), the lines it printed before are the start of ours;
/// usage errors end in crash's usage. RSS aside: crash 8.0.2 leaves out shmem pages (<c>VmFilesOracleTests</c>). The page
/// translations themselves are checked through drgn (<c>VmPagesDrgnTests</c>).
/// </summary>
public partial class VmOptionsOracleTests
{
    private const string InitMm = "ffff8e3081061680", InitPgd = "ffff8e30822a8000";

    private static readonly string[] Whole =
    [
        "vm -m -x 1", "vm -x -m 1", "vm -m -d 1", "vm -mx 1", "vm -p 0", "vm -v 0", "vm -m 0", "vm -P ffff 0", "vm -p -d 0",
        "vm -R 0 0", "vm -v -x 0", "vm -M 1 0", $"vm -R {InitMm} 1", $"vm -R {InitPgd} 1", $"vm -R {InitPgd} 0 1", "vm -d -x 1",
        "vm -xd 1", "vm -P zz", "vm -f 1 -p", "vm 99999", "vm -p 99999 0",
    ];

    private static readonly string[] Prefix = ["vm -p 1", "vm -v 1", "vm -P ffff 1", "vm -x -v 1", $"vm -M {InitMm} 1", "vm -p -x 1", "vm -p"];

    // crash prints getopt's "vm: invalid option -- 'z'" on the terminal only; its file holds the usage, the end of ours
    private static readonly string[] Usage = ["vm -R", "vm -p -m", "vm -R a -R b", "vm -R a -m", "vm -m -R a", "vm -z", "vm -p -f 1", "vm -P"];

    [SkippableFact]
    public void VmOptionsPrintWhatCrash8Prints()
    {
        Skip.IfNot(RuntimeInformation.IsOSPlatform(OSPlatform.Linux), "Linux only");
        var vmlinux = CrashRunner.RequireVmlinux(RealData.Kernel61);
        var dump = RealData.Kernel(RealData.Kernel61, "vmcore.elf");
        var all = Whole.Concat(Prefix).Concat(Usage).ToArray();
        var crash = CrashRunner.Oracle(vmlinux, dump, all).Select(MaskRss).ToArray();
        var ours = CrashRunner.OursPerCommand(dump, all).Select(MaskRss).ToArray();
        var failures = new List<string>();
        for (int i = 0; i < Whole.Length; i++)
            if (crash[i] != ours[i])
                failures.Add($"'{all[i]}': {CrashRunner.FirstDifference(crash[i], ours[i])}");
        for (int i = Whole.Length; i < Whole.Length + Prefix.Length; i++)
        {
            int stop = crash[i].IndexOf("vm: invalid structure member offset: mm_struct_mmap", StringComparison.Ordinal);
            Assert.True(stop > 0, $"'{all[i]}': crash 8.0.2 walked the areas after all:\n{crash[i]}");
            if (!ours[i].StartsWith(crash[i][..stop], StringComparison.Ordinal))
                failures.Add($"'{all[i]}': crash's\n{crash[i][..stop]}\nis not the start of ours:\n{ours[i][..Math.Min(ours[i].Length, 2000)]}");
        }
        for (int i = Whole.Length + Prefix.Length; i < all.Length; i++)
        {
            Assert.Contains("Usage:\n", crash[i]);
            if (!ours[i].EndsWith(crash[i], StringComparison.Ordinal))
                failures.Add($"'{all[i]}': crash's\n{crash[i]}\nis not the end of ours:\n{ours[i]}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static string MaskRss(string text) => MmLine().Replace(text, "$1 RSS ");

    [GeneratedRegex(@"^([0-9a-f]{16}  [0-9a-f]{16}) +\d+k +", RegexOptions.Multiline)]
    private static partial Regex MmLine();
}
