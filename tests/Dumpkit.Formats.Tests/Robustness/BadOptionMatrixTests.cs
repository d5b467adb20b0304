// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Xunit.Abstractions;
using static Dumpkit.Formats.Tests.Robustness.BinaryRun;

namespace Dumpkit.Formats.Tests.Robustness;

/// <summary>
/// Every option of every personality through the binary with bad values: each run ends with a status of the
/// tool's own (never a signal), and says what is wrong without exception text or a .NET resource key. Options
/// that act on the running machine (kexec -e/-u/-f, kdump load/unload/savecore, tcpdump -Z) are left out; no
/// run is given a loadable kernel, and tcpdump always reads a missing file rather than capture.
/// </summary>
public class BadOptionMatrixTests(ITestOutputHelper output)
{
    private static readonly string[] BadValues = ["", "-1", "0", "99999999999999999999999", "x", "/nonexistent-dk/x", "1e9", "%s%n", new string('9', 5000)];

    private static readonly string[] MakedumpfileValued =
        ["--message-level", "--num-threads", "--cyclic-buffer", "--splitblock-size", "--work-dir", "-L", "-i", "-x", "-b", "-d",
         "--eppic", "--config", "--xen-syms", "--xen-vmcoreinfo", "--vtop", "--mem-usage", "--diskset"];
    private static readonly string[] MakedumpfileFlags =
        ["--help", "--version", "--show-stats", "--check-params", "--dry-run", "--non-mmap", "--non-cyclic", "--dump-dmesg",
         "--partial-dmesg", "--split", "--reassemble", "-c", "-l", "-p", "-z", "-E", "-F", "-R", "-f", "-D", "-h", "-v", "-e", "-g", "-X",
         "--bogus-option", "-Q"];

    private static readonly string[] KexecValued =
        ["--type", "--mem-min", "--mem-max", "--append", "--command-line", "--initrd", "--ramdisk", "--entry", "--console-serial"];
    private static readonly string[] KexecFlags =
        ["--help", "--version", "--debug", "--status", "--print-ckr-size", "--kexec-file-syscall", "--kexec-syscall",
         "--kexec-syscall-auto", "--no-checks", "--reuse-cmdline", "--console-vga", "--noefi", "--reset-vga", "--real-mode",
         "--reuse-initrd", "--load-preserve-context", "--load-jump-back-helper", "-S", "-s", "-c", "-d", "-h", "-v", "--bogus-option"];

    private static readonly string[] TcpdumpValued =
        ["-B", "-c", "-C", "-E", "-F", "-G", "-i", "-j", "-m", "-M", "-Q", "-s", "-T", "-V", "-w", "-W", "-y", "-z",
         "--time-stamp-precision", "--snapshot-length", "--direction", "--linktype", "--count"];
    private static readonly string[] TcpdumpFlags =
        ["-A", "-b", "-d", "-D", "-e", "-f", "-h", "-H", "-I", "-K", "-l", "-L", "-n", "-N", "-O", "-p", "-q", "-S", "-t", "-u", "-U", "-v",
         "-x", "-X", "-Y", "-#", "--micro", "--nano", "--immediate-mode", "--print", "--version", "--pcapng", "--bogus-option", "-g"];

    private void Check(string bin, List<string[]> runs, List<string> defects)
    {
        foreach (var args in runs)
        {
            var r = Run(bin, args);
            if (Defect(r) is { } d)
                defects.Add($"{string.Join(' ', args.Select(a => a.Length > 40 ? a[..40] + "..." : a))}: {d}: {r.Err.Split('\n')[0]}");
            // one line for one mistake (usage texts aside)
            var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (!r.Err.Contains("sage", StringComparison.Ordinal) && lines.Length > 4)
                defects.Add($"{string.Join(' ', args.Take(3))}: {lines.Length} lines on stderr: {r.Err}");
        }
        output.WriteLine($"{runs.Count} runs");
    }

    [SkippableFact]
    public void Makedumpfile()
    {
        var bin = Binary();
        using var dir = new TempDir();
        var input = RealData.RepoFile("samples/vmcore-6.1.kdump");
        string outPath = "/nonexistent-dk/out"; // nothing is written whatever an option makes of the line
        var runs = new List<string[]>();
        foreach (var o in MakedumpfileValued)
            foreach (var v in BadValues)
            {
                runs.Add(["makedumpfile", o, v, input, outPath]);
                if (o.StartsWith("--", StringComparison.Ordinal)) runs.Add(["makedumpfile", $"{o}={v}", input, outPath]);
            }
        foreach (var o in MakedumpfileFlags)
        {
            runs.Add(["makedumpfile", o, input, outPath]);
            runs.Add(["makedumpfile", o, "/nonexistent-dk/in"]);
        }
        var defects = new List<string>();
        Check(bin, runs, defects);
        Assert.True(defects.Count == 0, string.Join("\n", defects));
    }

    [SkippableFact]
    public void Kexec()
    {
        var bin = Binary();
        var runs = new List<string[]>();
        foreach (var o in KexecValued)
            foreach (var v in BadValues)
            {
                runs.Add(["kexec", o, v]);
                runs.Add(["kexec", $"{o}={v}", "/nonexistent-dk/vmlinuz"]);
                runs.Add(["kexec", "-p", $"{o}={v}", "/nonexistent-dk/vmlinuz"]);
            }
        foreach (var o in KexecFlags)
            runs.Add(["kexec", o, "/nonexistent-dk/vmlinuz"]);
        foreach (var v in BadValues)
            runs.Add(["kexec", "-l", v]);
        var defects = new List<string>();
        Check(bin, runs, defects);
        Assert.True(defects.Count == 0, string.Join("\n", defects));
    }

    [SkippableFact]
    public void Kdump()
    {
        var bin = Binary();
        using var dir = new TempDir();
        var nul = dir["nul.conf"];
        File.WriteAllText(nul, "KDUMP_COREDIR=/var/crash\0x\n");
        var runs = new List<string[]>();
        foreach (var v in BadValues.Append(nul).Append(dir.Path).Append("/dev/zero"))
        {
            foreach (var cmd in new[] { "show", "status", "test" })
            {
                runs.Add(["kdump", "--config", v, cmd]);
                runs.Add(["kdump", $"--config={v}", cmd]);
                runs.Add(["kdump", "--vmcore", v, "--config", nul, cmd]);
            }
            runs.Add(["kdump", v]);
        }
        runs.Add(["kdump", "--bogus-option"]);
        runs.Add(["kdump", "--config"]);
        var defects = new List<string>();
        Check(bin, runs, defects);
        Assert.True(defects.Count == 0, string.Join("\n", defects));
    }

    [SkippableFact]
    public void Tcpdump()
    {
        var bin = Binary();
        var runs = new List<string[]>();
        const string Missing = "/nonexistent-dk/in.pcap";
        foreach (var o in TcpdumpValued)
            foreach (var v in BadValues)
                runs.Add(["tcpdump", "-r", Missing, o, v]);
        foreach (var o in TcpdumpFlags)
            runs.Add(["tcpdump", "-r", Missing, o]);
        foreach (var v in BadValues)
            runs.Add(["tcpdump", "-r", v]);
        runs.Add(["tcpdump", "-r", Missing, string.Concat(Enumerable.Repeat("(", 10_000))]);
        // one argument may hold at most 128 KiB (MAX_ARG_STRLEN)
        runs.Add(["tcpdump", "-d", string.Concat(Enumerable.Repeat("not ", 30_000)) + "ip"]);
        var defects = new List<string>();
        Check(bin, runs, defects);
        Assert.True(defects.Count == 0, string.Join("\n", defects));
    }

    [SkippableFact]
    public void Crash()
    {
        var bin = Binary();
        using var dir = new TempDir();
        var sample = RealData.RepoFile("samples/vmcore-6.1.kdump");
        var runs = new List<string[]>();
        foreach (var v in BadValues.Append(dir.Path).Append("/dev/zero"))
        {
            runs.Add(["crash", v]);
            runs.Add(["crash", "-s", "-i", v, sample]);
            runs.Add(["crash", v, sample]);
        }
        foreach (var o in new[] { "-s", "-h", "--help", "-x", "--bogus-option", "-i" })
            runs.Add(["crash", o]);
        var defects = new List<string>();
        Check(bin, runs, defects);
        Assert.True(defects.Count == 0, string.Join("\n", defects));
    }
}
