// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;

namespace Dumpkit.Formats.Tests.Robustness;

/// <summary>
/// Every personality's printing commands with standard output on /dev/full (every write fails with ENOSPC): the run
/// never ends silently with status 0 (as Debian's makedumpfile, tcpdump, kexec and crash do), but with one line on
/// stderr in the tool's name ending in the system's words for ENOSPC and the tool's failure status. Nothing here
/// names /dev/full as an output file: only the shell redirects standard output to it.
/// </summary>
public class StdoutWriteErrorTests
{
    private static readonly string Enospc = Marshal.GetPInvokeErrorMessage(28);

    private static void SaysWriteError(string bin, string tool, int status, string[] args, string? words = null)
    {
        Skip.IfNot(File.Exists("/dev/full"), "no /dev/full");
        var r = BinaryRun.Sh(bin, "exec \"$0\" \"$@\" </dev/null >/dev/full", args);
        string what = string.Join(' ', args);
        Assert.True(BinaryRun.Defect(r) is null, $"{what}: {BinaryRun.Defect(r)}: {r.Err}");
        Assert.True(r.Status == status, $"{what}: status {r.Status}, expected {status}: {r.Err}");
        var lines = r.Err.TrimEnd('\n').Split('\n');
        Assert.Equal($"{tool}: {words ?? "write error"}: {Enospc}", lines[^1]);
    }

    [SkippableTheory]
    [InlineData("dumpkit", 1, new[] { "--help" })]
    [InlineData("dumpkit", 1, new[] { "--version" })]
    [InlineData("makedumpfile", 1, new[] { "makedumpfile", "-v" })]
    [InlineData("makedumpfile", 1, new[] { "makedumpfile", "-h" })]
    [InlineData("kexec", 255, new[] { "kexec", "-h" })]
    [InlineData("crash", 1, new[] { "crash", "--help" })]
    public void HelpAndVersion(string tool, int status, string[] args) => SaysWriteError(BinaryRun.Binary(), tool, status, args);

    /// <summary>tcpdump keeps its own words and status for a failed standard output (tcpdump's "Unable to write output", 14).</summary>
    [SkippableFact]
    public void TcpdumpInItsOwnWords() =>
        SaysWriteError(BinaryRun.Binary(), "tcpdump", 14, ["tcpdump", "--version"], "Unable to write output");

    [SkippableTheory]
    [InlineData("show")]
    [InlineData("estimate")]
    [InlineData("estimate", "--json")]
    [InlineData("status")]
    [InlineData("status", "--json")]
    [InlineData("test")]
    [InlineData("--help")]
    public void KdumpCommands(params string[] args)
    {
        var bin = BinaryRun.Binary();
        using var root = new TempDir();
        SaysWriteError(bin, "kdump", 1, ["kdump", "--root", root.Path, .. args]);
    }

    [SkippableFact]
    public void MakedumpfileMemUsage()
    {
        var bin = BinaryRun.Binary();
        using var dir = new TempDir();
        string input = new SyntheticVmcore().WriteTo(dir.Path);
        SaysWriteError(bin, "makedumpfile", 1, ["makedumpfile", "--mem-usage", input]);
    }

    [SkippableTheory]
    [InlineData("--triage")]
    [InlineData("-s")]
    public void CrashOnARealDump(string option)
    {
        var bin = BinaryRun.Binary();
        string dump = RealData.CrashDump(RealData.CrashKernel61, "vmcore.elf");
        // -s reads its commands from stdin: sys, then the end of input
        var r = option == "--triage" ? null : BinaryRun.Sh(bin, "echo sys | \"$0\" crash -s \"$1\" >/dev/full", [dump]);
        if (r is null)
        {
            SaysWriteError(bin, "crash", 1, ["crash", "--triage", dump]);
            return;
        }
        Assert.True(BinaryRun.Defect(r) is null, $"crash -s: {BinaryRun.Defect(r)}: {r.Err}");
        Assert.NotEqual(0, r.Status);
        Assert.EndsWith($": {Enospc}", r.Err.TrimEnd('\n').Split('\n')[^1], StringComparison.Ordinal);
    }
}
