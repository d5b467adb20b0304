// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text.RegularExpressions;
using Dumpkit.Testing;

namespace Dumpkit.Crash.Tests;

/// <summary>
/// <c>help -D</c> against crash 8.0.2 with the Debian debug vmlinux (TZ=UTC): every line identical but the values crash
/// takes from its own process (heap pointers, its descriptor) and its page-cache statistics, which depend on what the
/// session has read. Skips without crash, the debug vmlinux or the real dumps.
/// </summary>
public partial class HelpDumpHeadersOracleTests
{
    /// <summary>Lines whose value is a pointer into crash's heap or its file descriptor: the key kept, the value masked.</summary>
    [GeneratedRegex(@"^( *(?:dfd|ofp|header|sub_header_kdump|notes_buf|notes\[\d+\]|bitmap|dumpable_bitmap|compressed_page|curbufptr)): .*$",
        RegexOptions.Multiline)]
    private static partial Regex ProcessValues();

    /// <summary>crash's page cache: from the first page_cache_hdr to valid_pages (the session's reads, not the file).</summary>
    [GeneratedRegex(@"^ page_cache_hdr\[0\]:\n(?:.*\n)*? +valid_pages: .*\n", RegexOptions.Multiline)]
    private static partial Regex PageCache();

    private static string Masked(string text) => ProcessValues().Replace(PageCache().Replace(text, ""), "$1: *");

    /// <summary>total_valid_pages of a part of a split set: ours counts the part's own frames, crash 8.0.2 counts otherwise.</summary>
    [GeneratedRegex(@"^ total_valid_pages: .*$", RegexOptions.Multiline)]
    private static partial Regex ValidPages();

    private static void SameAsCrash(string kernel, params string[] dump)
    {
        var vmlinux = CrashRunner.RequireVmlinux(kernel);
        var crash = CrashRunner.Oracle(vmlinux, dump, ["help -D"])[0];
        var ours = CrashRunner.OursPerCommand(dump, ["help -D"])[0];
        Assert.Contains(" page_cache_hdr[0]:", crash);
        Assert.Contains("size_eraseinfo:", ours);
        var expected = Masked(crash);
        var actual = Masked(ours);
        if (dump.Length > 1)
        {
            expected = ValidPages().Replace(expected, " total_valid_pages: *");
            actual = ValidPages().Replace(actual, " total_valid_pages: *");
        }
        Assert.True(expected == actual, CrashRunner.FirstDifference(expected, actual));
    }

    [SkippableTheory]
    [InlineData(RealData.Kernel61, "mdf-c-d31")]
    [InlineData(RealData.Kernel61, "debian-mdf-c-d31")]
    [InlineData(RealData.Kernel61, "mdf-c-d1")]
    public void KdumpCompressedHeadersAsCrash8PrintsThem(string kernel, string file) => SameAsCrash(kernel, RealData.Kernel(kernel, file));

    [SkippableFact]
    // Each part of a split set in turn, with its start and end frames.
    public void SplitSetPartsAsCrash8PrintsThem()
    {
        var vmcore = RealData.Kernel(RealData.Kernel61, "vmcore.elf");
        using var dir = new TempDir();
        var r = Tools.Makedumpfile("--split", "-c", "-d", "31", vmcore, dir["p1"], dir["p2"], dir["p3"]);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        SameAsCrash(RealData.Kernel61, dir["p1"], dir["p2"], dir["p3"]);
    }

    [SkippableFact]
    // Our makedumpfile's --config erases data and records what in the eraseinfo, which crash prints after size_eraseinfo.
    public void EraseinfoAsCrash8PrintsIt()
    {
        var vmcore = RealData.Kernel(RealData.Kernel61, "vmcore.elf");
        using var dir = new TempDir();
        File.WriteAllText(dir["erase.conf"], "[vmlinux]\nerase init_uts_ns:uts_namespace.name.nodename\nerase saved_command_line:char*\n");
        var r = Tools.Makedumpfile("-c", "-d", "31", "--config", dir["erase.conf"], vmcore, dir["erased"]);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        var ours = CrashRunner.OursPerCommand(dir["erased"], ["help -D"])[0];
        Assert.Contains("erase saved_command_line", ours);
        SameAsCrash(RealData.Kernel61, dir["erased"]);
    }

    [SkippableFact]
    // An ELF dump has no kdump-compressed headers: one line, and the session goes on.
    public void ElfDumpIsOneLineAndTheSessionGoesOn()
    {
        var vmcore = RealData.Kernel(RealData.Kernel61, "vmcore.elf");
        var (o, e, code) = CrashRunner.Ours("help -D\nhelp -D\n", "-s", vmcore);
        Assert.Equal(0, code);
        var lines = (o + e).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["help: -D: only kdump-compressed dump files are supported", "help: -D: only kdump-compressed dump files are supported"], lines);
    }
}
