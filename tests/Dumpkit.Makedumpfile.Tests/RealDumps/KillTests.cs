// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;
using Xunit.Abstractions;

namespace Dumpkit.Makedumpfile.Tests.RealDumps;

/// <summary>
/// Crash consistency: makedumpfile killed with SIGKILL at random moments while writing leaves a
/// file that readers open and see as incomplete, never as a complete dump, and every page they
/// can read is right. A kill that lands after the last write (the process is exiting) may leave
/// a complete dump; then every page of it must be right.
/// </summary>
public class KillTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void KilledDumpIsAlwaysMarkedIncomplete()
    {
        var bin = Environment.GetEnvironmentVariable("DUMPKIT_BINARY");
        Skip.If(string.IsNullOrEmpty(bin) || !File.Exists(bin), "DUMPKIT_BINARY not set (test.sh publishes the NativeAOT binary)");
        var vmcorePath = RealData.Kernel("6.12.117+deb12-amd64", "vmcore.elf");
        using var vmcore = DumpReader.Open(vmcorePath);
        using var dir = new TempDir();
        var rng = new Random(7);
        int killed = 0, cut = 0;
        var page = new byte[4096];
        var expected = new byte[4096];
        for (int i = 0; i < 6; i++)
        {
            var path = dir[$"dump{i}"];
            var psi = new ProcessStartInfo(bin!) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "makedumpfile", "-c", "-d", "0", "--num-threads", "2", "--message-level", "0", vmcorePath, path })
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            // A run takes about 0.5 s on two cores; most kills land mid-write.
            Thread.Sleep(rng.Next(30, 450));
            if (p.HasExited)
            {
                output.WriteLine($"run {i}: finished before the kill");
                continue;
            }
            p.Kill();
            p.WaitForExit();
            killed++;
            if (!File.Exists(path) || new FileInfo(path).Length < 4096)
            {
                output.WriteLine($"run {i}: killed before the header was written");
                continue;
            }
            using var dump = DumpReader.Open(path);
            bool complete = !dump.IsIncomplete;
            if (!complete) cut++;
            int present = 0, missing = 0;
            for (ulong pfn = 0; pfn < dump.MaxPfn; pfn++)
            {
                var s = dump.GetPageState(pfn);
                // -d 0 keeps every page: a dump that claims to be complete has all the vmcore has.
                Assert.False(complete && s != PageState.Present && vmcore.GetPageState(pfn) == PageState.Present,
                    $"run {i}: a dump that claims to be complete lacks page frame 0x{pfn:x}");
                if (s == PageState.Incomplete) { missing++; continue; }
                if (s != PageState.Present) continue;
                dump.ReadPage(pfn, page);
                vmcore.ReadPage(pfn, expected);
                Assert.True(page.AsSpan().SequenceEqual(expected), $"run {i}: page frame 0x{pfn:x} is wrong");
                present++;
            }
            output.WriteLine(complete
                ? $"run {i}: killed while exiting; complete, {present} pages all right"
                : $"run {i}: killed; {present} pages readable and right, {missing} marked missing");
            if (killed == 1 && File.Exists("/usr/bin/python3"))
            {
                // libkdumpfile opens it too, and what it can read is right.
                var c = RealData.Run("/usr/bin/python3", [RealData.RepoFile("tests/tools/libkdumpfile_compare.py"), path, vmcorePath]);
                if (!c.Err.Contains("No module named 'kdumpfile'"))
                {
                    Assert.True(c.ExitCode == 0, c.Err);
                    Assert.Contains("\"differ\": 0,", c.Out);
                    Assert.Contains("\"only_dump\": 0,", c.Out);
                    Assert.Contains($"\"equal\": {present},", c.Out);
                }
            }
        }
        Assert.True(cut > 0, "no run was killed mid-write");
    }
}
