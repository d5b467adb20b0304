// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Kallsyms;
using Xunit.Abstractions;

namespace Dumpkit.Crash.Tests;

/// <summary>
/// <c>dis</c> against crash 8 with the Debian debug vmlinux on the 6.1 corpus dump: named functions,
/// counts, <c>-r</c>, and a deterministic sample of the kernel's functions (every 120th text symbol
/// address of <c>_stext</c>..<c>_etext</c>; init text is freed memory by the time of a crash), each
/// whole, instruction by instruction. The named commands must be identical; of the sample, at most 1%
/// of the lines may differ. Skips without crash or DUMPKIT_VMLINUX_DIR.
/// </summary>
public class DisOracleTests(ITestOutputHelper output)
{
    private static readonly string[] Named =
    [
        "dis panic", "dis schedule", "dis __crash_kexec", "dis do_syscall_64", "dis -r panic+100", "dis panic 10",
        "dis schedule+7 3", "dis -r schedule+76 4", "dis nosuchfunction", "dis panic 0",
    ];

    [SkippableFact]
    public void DisassemblyIsCrash8s()
    {
        var vmlinux = CrashRunner.RequireVmlinux(RealData.Kernel61);
        var dump = RealData.Kernel(RealData.Kernel61, "vmcore.elf");
        var memory = RealData.OpenMemory(dump);
        using var _ = memory.Dump;
        var symbols = KallsymsTable.Load(memory);
        var commands = Named.Concat(Sample(symbols).Select(a => $"dis {a:x}")).ToArray();
        var crash = CrashRunner.Oracle(vmlinux, dump, commands);
        var ours = CrashRunner.OursPerCommand(dump, commands);

        int lines = 0, identical = 0, functions = 0, identicalFunctions = 0;
        var failures = new List<string>();
        var namedFailures = new List<string>();
        for (int i = 0; i < commands.Length; i++)
        {
            var c = crash[i].Split('\n');
            var o = ours[i].Split('\n');
            functions++;
            if (crash[i] == ours[i])
                identicalFunctions++;
            for (int k = 0; k < Math.Max(c.Length, o.Length); k++)
            {
                var x = k < c.Length ? c[k] : "<end>";
                var y = k < o.Length ? o[k] : "<end>";
                lines++;
                if (x == y)
                    identical++;
                else
                    (i < Named.Length ? namedFailures : failures).Add($"'{commands[i]}' line {k + 1}:\n  crash: {x}\n  ours:  {y}");
            }
        }
        output.WriteLine($"{identical} of {lines} lines identical; {identicalFunctions} of {functions} outputs identical");
        foreach (var f in failures)
            output.WriteLine(f);
        Assert.True(namedFailures.Count == 0, string.Join("\n", namedFailures.Take(20)));
        // Without symbol sizes a function's end is found from the code after it; a few functions followed
        // by unnamed code (an overridden weak function, a stub kallsyms leaves out) run on into it.
        Assert.True(failures.Count * 100 <= lines, $"{failures.Count} of {lines} lines differ:\n" + string.Join("\n", failures.Take(20)));
    }

    /// <summary>
    /// Every 120th distinct address of a text symbol between <c>_stext</c> and <c>_etext</c>, but weak
    /// ones: a weak function that a strong one overrides leaves its code behind, unnamed, after it.
    /// </summary>
    private static IEnumerable<ulong> Sample(KallsymsTable symbols)
    {
        ulong start = symbols.AddressOf("_stext")!.Value, end = symbols.AddressOf("_etext")!.Value;
        var text = symbols.ByAddress().Where(s => s.Type is 't' or 'T' && s.Address >= start && s.Address < end && !s.IsPerCpu)
            .Select(s => s.Address).Distinct().ToArray();
        var weak = symbols.ByAddress().Where(s => s.Type is 'w' or 'W').Select(s => s.Address).ToHashSet();
        return text.Where((_, i) => i % 120 == 7).Where(a => !weak.Contains(a));
    }

}
