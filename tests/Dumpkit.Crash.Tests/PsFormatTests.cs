// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Crash.Tests;

/// <summary>
/// The task, run-queue and module commands give the same answers on every form of one dump: the
/// ELF vmcore, makedumpfile's -d 31 compressed, flattened and ELF files (task_struct, mm_struct,
/// run queues and modules live in pages -d 31 keeps).
/// </summary>
public class PsFormatTests
{
    private const string Commands = "ps\nrunq\nmod\nset\np modules\nsym __this_module\nq\n";

    [SkippableTheory]
    [InlineData(RealData.Kernel61)]
    [InlineData(RealData.Kernel612)]
    public void SameAnswersOnEveryFormat(string kernel)
    {
        var (elf, _, code) = CrashRunner.Ours(Commands, "-s", RealData.Kernel(kernel, "vmcore.elf"));
        Assert.Equal(0, code);
        Assert.Contains("(PANIC)", elf);
        Assert.Contains("[CONFIG_KALLSYMS]", elf);
        foreach (var file in new[] { "mdf-c-d31", "mdf-F-c-d31", "mdf-E-d31" })
        {
            var (other, _, c) = CrashRunner.Ours(Commands, "-s", RealData.Kernel(kernel, file));
            Assert.Equal(0, c);
            Assert.True(elf == other, $"{file}: {CrashRunner.FirstDifference(elf, other)}");
        }
    }
}
