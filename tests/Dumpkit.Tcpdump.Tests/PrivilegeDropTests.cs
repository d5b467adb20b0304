// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// Started as root, tcpdump becomes the tcpdump user (Debian's build) once the source is open: compared with Debian's
/// /usr/bin/tcpdump, both run as processes (ours: DUMPKIT_BINARY, else this assembly's entry point by dotnet) —
/// exit status, messages, the -w files made and their owners, the process's ids and capabilities during a capture,
/// and what happens without a tcpdump user (a mount namespace with its own /etc/passwd) or when chown cannot work
/// (a user namespace, where the tcpdump user is not mapped).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class PrivilegeDropTests
{
    private const string Debian = "/usr/bin/tcpdump";

    private static string[]? Ours()
    {
        var bin = Environment.GetEnvironmentVariable("DUMPKIT_BINARY");
        if (!string.IsNullOrEmpty(bin) && File.Exists(bin)) return [bin, "tcpdump"];
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? Netns.Which("dotnet");
        return dotnet == null ? null : [dotnet, typeof(PrivilegeDropTests).Assembly.Location, "tcpdump"];
    }

    private static void SkipUnlessComparable()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.UserName == "root", "only root drops privileges; skipped");
        Skip.IfNot(File.Exists(Debian), "Debian's tcpdump is not installed; skipped");
        Skip.If(Dumpkit.Tcpdump.Cli.Privileges.Lookup("tcpdump") == null, "no tcpdump user on this machine; skipped");
        Skip.If(Ours() == null, "dotnet (to run this assembly as tcpdump) not found; skipped");
    }

    private sealed record Result(int ExitCode, string Out, string Err);

    private static Result Run(string exe, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var outText = p.StandardOutput.ReadToEndAsync();
        var errText = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{exe} {string.Join(' ', args)} did not finish");
        }
        return new Result(p.ExitCode, outText.Result, errText.Result);
    }

    private static Result Exec(string[] command, IEnumerable<string> args) => Run(command[0], [.. command[1..], .. args]);

    /// <summary>Every file in the directory: name, owner uid:gid and size, as stat(1) reports them.</summary>
    private static string Files(string dir)
    {
        var names = Directory.GetFiles(dir).Order(StringComparer.Ordinal).ToArray();
        if (names.Length == 0) return "";
        var r = Run("stat", ["-c", "%n %u:%g %s", .. names]);
        return r.Out.Replace(dir, "DIR");
    }

    private static string Sample(string dir)
    {
        var path = Path.Combine(dir, "sample.pcap");
        File.WriteAllBytes(path, Samples.Pcap(1, Samples.Ping, Samples.DnsQuery, Samples.TcpSyn));
        File.SetUnixFileMode(path, (UnixFileMode)0x1a4);
        return path;
    }

    public static TheoryData<string, string> WriteCases() => new()
    {
        // directory mode (octal), then the options after "-r SAMPLE"; DIR is the fresh directory
        { "777", "-w DIR/x.pcap" },
        { "777", "-w DIR/x.pcap -C 1" },
        { "777", "-w DIR/x.pcap -C 1 -W 2" },
        { "777", "-w DIR/x.pcap -G 100" },
        { "755", "-w DIR/x.pcap" },
        { "755", "-w DIR/x.pcap -C 1" },
        { "755", "-w DIR/x.pcap -Z nobody" },
        { "755", "-w DIR/x.pcap -C 1 -Z nobody" },
        { "755", "-w DIR/x.pcap -Z root" },
        { "755", "-w DIR/x.pcap -C 1 -Z root" },
        { "755", "-w - -n" },
        { "755", "-n" },
    };

    [SkippableTheory]
    [MemberData(nameof(WriteCases))]
    public void SavefilesAndMessagesAsDebians(string mode, string options)
    {
        SkipUnlessComparable();
        var results = new List<string>();
        foreach (var cmd in new[] { [Debian], Ours()! })
        {
            var dir = Directory.CreateTempSubdirectory("dk-priv-").FullName;
            try
            {
                File.SetUnixFileMode(dir, (UnixFileMode)Convert.ToInt32(mode, 8));
                var sample = Sample(dir);
                var args = new List<string> { "-r", sample };
                args.AddRange(options.Replace("DIR", dir).Split(' '));
                var r = Exec(cmd, args);
                results.Add($"status {r.ExitCode}\nstderr:\n{r.Err.Replace(dir, "DIR")}\nstdout bytes {r.Out.Length}\nfiles:\n{Files(dir)}");
            }
            finally { Directory.Delete(dir, true); }
        }
        Assert.Equal(results[0], results[1]);
    }

    /// <summary>
    /// Where we part from Debian on purpose: its tcpdump, as root, chowns whatever -w names to the tcpdump user — a
    /// `-w /dev/null` gives the device node away for good. Ours writes the packets to the device and leaves its owner
    /// (a character device made in a fresh directory stands in for /dev/null).
    /// </summary>
    [SkippableFact]
    public void ADeviceNamedByWKeepsItsOwner()
    {
        SkipUnlessComparable();
        var dir = Directory.CreateTempSubdirectory("dk-priv-").FullName;
        try
        {
            var sample = Sample(dir);
            var node = Path.Combine(dir, "null");
            Assert.Equal(0, Run("mknod", ["-m", "666", node, "c", "1", "3"]).ExitCode);
            var r = Exec(Ours()!, ["-r", sample, "-w", node]);
            Assert.Equal(0, r.ExitCode);
            Assert.Equal("0:0 character special file", Run("stat", ["-c", "%u:%g %F", node]).Out.Trim());
            var regular = Path.Combine(dir, "x.pcap");
            Assert.Equal(0, Exec(Ours()!, ["-r", sample, "-w", regular]).ExitCode);
            var (uid, gid) = Dumpkit.Tcpdump.Cli.Privileges.Lookup("tcpdump")!.Value;
            Assert.Equal($"{uid}:{gid}", Run("stat", ["-c", "%u:%g", regular]).Out.Trim()); // a regular file is still handed over
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>What differs from one process to the next (pids, counters) is left out: ids, groups, capabilities.</summary>
    private static string Credentials(int pid) => string.Join('\n', File.ReadAllLines($"/proc/{pid}/status")
        .Where(l => l.StartsWith("Uid:", StringComparison.Ordinal) || l.StartsWith("Gid:", StringComparison.Ordinal)
            || l.StartsWith("Groups:", StringComparison.Ordinal) || l.StartsWith("Cap", StringComparison.Ordinal)));

    [SkippableTheory]
    [InlineData("")]
    [InlineData("-Z nobody")]
    [InlineData("-Z root")]
    public void LiveCaptureRunsWithDebiansCredentials(string options)
    {
        SkipUnlessComparable();
        Skip.IfNot(Directory.Exists("/sys/class/net/lo"), "no loopback interface; skipped");
        var seen = new List<string>();
        foreach (var cmd in new[] { [Debian], Ours()! })
        {
            var psi = new ProcessStartInfo(cmd[0]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in cmd[1..]) psi.ArgumentList.Add(a);
            foreach (var a in new[] { "-i", "lo", "-n", "udp port 9" }.Concat(options.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            try
            {
                // "listening on" comes after the switch, as in tcpdump
                string? line;
                while ((line = p.StandardError.ReadLine()) != null && !line.Contains("listening on", StringComparison.Ordinal)) { }
                Assert.NotNull(line);
                seen.Add(Credentials(p.Id));
            }
            finally
            {
                Run("kill", ["-INT", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                if (!p.WaitForExit(30_000)) p.Kill();
            }
        }
        Assert.Equal(seen[0], seen[1]);
    }

    public static TheoryData<string, string> NamespaceCases() => new()
    {
        // how the namespace is made, then the options after "-r SAMPLE"
        { "no-tcpdump-user", "-n" },
        { "no-tcpdump-user", "-w DIR/a.pcap" },
        { "no-tcpdump-user", "-w DIR/a.pcap -C 1" },
        { "no-tcpdump-user", "-Z root -n" },
        { "user-namespace", "-w DIR/a.pcap" },
        { "user-namespace", "-n" },
    };

    [SkippableTheory]
    [MemberData(nameof(NamespaceCases))]
    public void WithoutTheUserOrAChownAsDebians(string how, string options)
    {
        SkipUnlessComparable();
        Skip.If(Netns.Which("unshare") == null, "unshare is not installed; skipped");
        var results = new List<string>();
        foreach (var cmd in new[] { [Debian], Ours()! })
        {
            var dir = Directory.CreateTempSubdirectory("dk-priv-").FullName;
            try
            {
                File.SetUnixFileMode(dir, (UnixFileMode)0x1ff);
                var sample = Sample(dir);
                var line = string.Join(' ', cmd.Concat(["-r", sample]).Concat(options.Replace("DIR", dir).Split(' ')).Select(a => $"'{a}'"));
                Result r;
                if (how == "no-tcpdump-user")
                {
                    var passwd = Path.Combine(dir, "passwd");
                    File.WriteAllLines(passwd, File.ReadAllLines("/etc/passwd").Where(l => !l.StartsWith("tcpdump:", StringComparison.Ordinal)));
                    r = Run("unshare", ["--mount", "sh", "-c", $"mount --bind '{passwd}' /etc/passwd && exec {line}"]);
                    File.Delete(passwd);
                }
                else r = Run("unshare", ["--user", "--map-root-user", "sh", "-c", $"exec {line}"]);
                results.Add($"status {r.ExitCode}\nstderr:\n{r.Err.Replace(dir, "DIR")}\nstdout bytes {r.Out.Length}\nfiles:\n{Files(dir)}");
            }
            finally { Directory.Delete(dir, true); }
        }
        Assert.Equal(results[0], results[1]);
    }

    [SkippableFact]
    public void UserLookupAgreesWithGetent()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && Netns.Which("getent") != null, "getent is not installed; skipped");
        foreach (var user in new[] { "root", "nobody", "tcpdump", "no-such-user-dk" })
        {
            var r = Run("getent", ["passwd", user]);
            var f = r.Out.Split(':');
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            var expected = r.ExitCode == 0 ? ((uint, uint)?)(uint.Parse(f[2], inv), uint.Parse(f[3], inv)) : null;
            Assert.Equal(expected, Dumpkit.Tcpdump.Cli.Privileges.Lookup(user));
        }
    }
}
