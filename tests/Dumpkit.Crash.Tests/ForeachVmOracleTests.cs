// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text.RegularExpressions;

namespace Dumpkit.Crash.Tests;

/// <summary>
/// <c>foreach vm</c> with vm's flags (crash 8.0.2's <c>help foreach</c>: -p -v -m -R -d -x) against crash 8.0.2 on the 6.1
/// corpus dump, for the three tasks crash finds there. crash 8.0.2 cannot walk 6.1's maple tree ("vm: invalid structure
/// member offset: mm_struct_mmap" after a process's MM line), so of such a task's block the lines before that error are
/// compared, RSS aside (crash counts it otherwise, see the README); every other block (the idle tasks', the mm_struct of
/// <c>-m</c> in each radix) must be ours byte for byte, and the flag errors are crash's.
/// </summary>
public partial class ForeachVmOracleTests
{
    private static readonly string[] Blocks = ["foreach vm -m", "foreach vm -m -x", "foreach vm -m -d", "foreach vm -p", "foreach vm -v", "foreach vm -x"];

    private static readonly string[] Errors = ["foreach vm -p -m", "foreach vm -m -v", "foreach vm -R 1 -m", "foreach vm -R 1 -v", "foreach vm -x -d"];

    private const string MapleError = "vm: invalid structure member offset: mm_struct_mmap";

    // the MM line with its RSS and the padding around it (whose width follows RSS's) masked
    [GeneratedRegex(@"^([0-9a-f]+ +[0-9a-f]+) +\d+k +(\d+k +)$")]
    private static partial Regex MmLine();

    [SkippableFact]
    public void ForeachVmFlagsAreCrashs()
    {
        string[] all = [.. Blocks, .. Errors];
        var (ours, crash) = CrashRunner.BothOn61(all);
        var mismatches = CrashRunner.Mismatches(Errors, crash, ours, Blocks.Length).ToList();
        int exact = 0;
        for (int i = 0; i < Blocks.Length; i++)
        {
            var crashBlocks = TaskBlocks(crash[i]);
            var ourBlocks = TaskBlocks(ours[i]);
            Assert.True(crashBlocks.Count >= 3, $"'{all[i]}': crash printed {crashBlocks.Count} tasks");
            foreach (var (header, block) in crashBlocks)
            {
                if (!ourBlocks.TryGetValue(header, out var mine))
                {
                    mismatches.Add($"'{all[i]}': no {header}");
                    continue;
                }
                int cut = block.IndexOf(MapleError, StringComparison.Ordinal);
                if (cut < 0)
                {
                    exact++;
                    if (block != mine)
                        mismatches.Add($"'{all[i]}' {header}: {CrashRunner.FirstDifference(block, mine)}");
                    continue;
                }
                var lines = block[..cut].TrimEnd('\n').Split('\n').Select(l => MmLine().Replace(l, "$1 RSS $2")).ToArray();
                var ourLines = mine.Split('\n').Take(lines.Length).Select(l => MmLine().Replace(l, "$1 RSS $2")).ToArray();
                if (!lines.SequenceEqual(ourLines))
                    mismatches.Add($"'{all[i]}' {header}: {CrashRunner.FirstDifference(string.Join('\n', lines), string.Join('\n', ourLines))}");
            }
        }
        Assert.True(exact > 0, "no block was compared whole");
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    /// <summary>Each task's block (its lines to the next task header, without the blank lines that end it) by header line.</summary>
    private static Dictionary<string, string> TaskBlocks(string output) =>
        Regex.Split(output, "^(?=PID: )", RegexOptions.Multiline).Skip(1).ToDictionary(p => p.Split('\n')[0], p => p.TrimEnd('\n'));
}
