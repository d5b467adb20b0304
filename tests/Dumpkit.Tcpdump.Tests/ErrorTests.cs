// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Dumpkit.Pcap.Capture;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// Every failure ends in one line in tcpdump 4.99.3's words and its exit status, never an exception's text, a
/// stack trace, a .NET resource key or a signal. The lines and statuses are Debian's tcpdump's (checked against
/// /usr/bin/tcpdump where the case is deterministic).
/// </summary>
public partial class ErrorTests
{
    private const string Oracle = "/usr/bin/tcpdump";

    private static (int Rc, string Out, string Err) Run(byte[]? stdin, params string[] args) => Run(new MemoryStream(), stdin, args);

    private static (int Rc, string Out, string Err) Run(Stream stdout, byte[]? stdin, params string[] args)
    {
        var e = new StringWriter();
        int rc = TcpdumpCommand.Run(args, stdout, e, () => new MemoryStream(stdin ?? []), TimeZoneInfo.Utc);
        string o = stdout is MemoryStream ms ? Encoding.Latin1.GetString(ms.ToArray()) : "";
        return (rc, o, e.ToString());
    }

    private static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), $"dumpkit-err-{Guid.NewGuid():N}");
        Directory.CreateDirectory(d);
        return d;
    }

    private static string Sample(string dir, int packets = 3, int size = 0)
    {
        var path = Path.Combine(dir, "in.pcap");
        byte[][] p = size == 0
            ? [.. Enumerable.Range(0, packets).Select(i => i % 2 == 0 ? Samples.Ping : Samples.DnsQuery)]
            : [.. Enumerable.Range(0, packets).Select(_ => new byte[size])];
        File.WriteAllBytes(path, Samples.Pcap(1, p));
        return path;
    }

    private static string LastLine(string err) => err.TrimEnd('\n').Split('\n')[^1];

    /// <summary>No exception type or message, no stack frame, no resource key.</summary>
    internal static void AssertNoDotnetText(string err)
    {
        Assert.DoesNotContain("Exception", err);
        Assert.DoesNotContain("   at ", err);
        Assert.False(ResourceKey().IsMatch(err), $"resource key in: {err}");
    }

    [GeneratedRegex(@"\b(Arg|IO|UnauthorizedAccess|Argument|InvalidOperation|NotSupported|ObjectDisposed|Overflow|Format)_[A-Za-z]|_UnseekableStream|_Path\b")]
    private static partial Regex ResourceKey();

    // ---- -w ----------------------------------------------------------------------------------------------------

    [Fact]
    public void WriteIntoMissingDirectoryIsOneLine()
    {
        var d = TempDir();
        try
        {
            var (rc, _, err) = Run(null, "-r", Sample(d), "-w", "/nonexistent-dk/dir/x.pcap");
            Assert.Equal(1, rc);
            Assert.Equal("tcpdump: /nonexistent-dk/dir/x.pcap: No such file or directory", LastLine(err));
            AssertNoDotnetText(err);
        }
        finally { Directory.Delete(d, true); }
    }

    [Fact]
    public void WriteOntoDirectoryIsOneLine()
    {
        var d = TempDir();
        try
        {
            var (rc, _, err) = Run(null, "-r", Sample(d), "-w", d);
            Assert.Equal(1, rc);
            Assert.Equal($"tcpdump: {d}: Is a directory", LastLine(err));
            AssertNoDotnetText(err);
        }
        finally { Directory.Delete(d, true); }
    }

    [SkippableFact]
    public void WriteToDevFullIsIgnoredAsTcpdumpDoes()
    {
        Skip.IfNot(File.Exists("/dev/full"), "needs /dev/full");
        var d = TempDir();
        try
        {
            // pcap_dump does not check its writes: Debian's tcpdump says nothing and exits 0
            var (rc, o, err) = Run(null, "-r", Sample(d), "-w", "/dev/full", "--print", "-n");
            Assert.Equal(0, rc);
            Assert.Equal(3, o.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.StartsWith("reading from file", err);
            Assert.Single(err.TrimEnd('\n').Split('\n'));
        }
        finally { Directory.Delete(d, true); }
    }

    [SkippableFact]
    public void FullDiskKeepsWhatWasWrittenAndExitsZero()
    {
        Skip.IfNot(Environment.UserName == "root" && OperatingSystem.IsLinux(), "mounts a tmpfs: root only");
        var d = TempDir();
        var mnt = Path.Combine(d, "mnt");
        Directory.CreateDirectory(mnt);
        if (!Sh("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt)) { Directory.Delete(d, true); Skip.If(true, "cannot mount tmpfs"); }
        try
        {
            var input = Sample(d, 200, 1000);
            var outFile = Path.Combine(mnt, "x.pcap");
            var (rc, _, err) = Run(null, "-r", input, "-w", outFile);
            Assert.Equal(0, rc);
            Assert.Single(err.TrimEnd('\n').Split('\n'));
            var written = File.ReadAllBytes(outFile);
            Assert.InRange(written.Length, 24, 64 * 1024);
            // what is there is the start of the capture, byte for byte
            Assert.Equal(File.ReadAllBytes(input).AsSpan(0, written.Length).ToArray(), written);
            // rotation into the full file system: no exception either
            var (rc2, _, err2) = Run(null, "-r", input, "-C", "1", "-w", Path.Combine(mnt, "y.pcap"));
            Assert.Equal(0, rc2);
            AssertNoDotnetText(err2);
        }
        finally
        {
            Sh("umount", mnt);
            Directory.Delete(d, true);
        }
    }

    private static bool Sh(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }

    /// <summary>A stream that fails as a full disk or a closed pipe does.</summary>
    private sealed class FailingStream(int errno) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("x", errno);
        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("x", errno);
    }

    [Theory]
    [InlineData(28, "No space left on device")]
    [InlineData(32, "Broken pipe")]
    [InlineData(9, "Bad file descriptor")]
    public void StandardOutputFailureIsUnableToWriteOutput(int errno, string text)
    {
        var d = TempDir();
        try
        {
            var (rc, _, err) = Run(new FailingStream(errno), null, "-r", Sample(d), "-n");
            Assert.Equal(14, rc);
            Assert.Equal($"tcpdump: Unable to write output: {text}", LastLine(err));
            AssertNoDotnetText(err);
        }
        finally { Directory.Delete(d, true); }
    }

    [Fact]
    public void PacketsToFailingStandardOutputAreDroppedSilently()
    {
        // -w - goes through pcap_dump too: Debian's tcpdump ignores the failure and exits 0
        var d = TempDir();
        try
        {
            var (rc, _, err) = Run(new FailingStream(28), null, "-r", Sample(d), "-w", "-");
            Assert.Equal(0, rc);
            Assert.Single(err.TrimEnd('\n').Split('\n'));
        }
        finally { Directory.Delete(d, true); }
    }

    // ---- -C / -G rotation --------------------------------------------------------------------------------------

    [Fact]
    public void RotationFailingMidRunKeepsTheFilesWritten()
    {
        var d = TempDir();
        try
        {
            var input = Sample(d, 1500, 1000); // 1.5 MB: one rotation at 1,000,000 bytes
            var name = Path.Combine(d, "r.pcap");
            Directory.CreateDirectory(name + "1");
            var (rc, _, err) = Run(null, "-r", input, "-C", "1", "-w", name);
            Assert.Equal(1, rc);
            Assert.Equal($"tcpdump: {name}1: Is a directory", LastLine(err));
            AssertNoDotnetText(err);
            // the first file is complete: a pcap of whole packets, just over the limit
            var first = File.ReadAllBytes(name);
            Assert.InRange(first.Length, 1_000_000, 1_002_000);
            using var src = PacketSource.OpenFile(new MemoryStream(first), false);
            var h = new PacketHeader();
            var buf = new byte[SnapLength.Maximum];
            int n = 0;
            while (src.Next(ref h, ref buf)) n++;
            Assert.Equal((first.Length - 24) / (16 + 1000), n);
            Assert.Equal(24 + n * (16 + 1000), first.Length);
        }
        finally { Directory.Delete(d, true); }
    }

    [SkippableFact]
    public void RotationFailureMatchesSystemTcpdump()
    {
        Skip.IfNot(File.Exists(Oracle) && Environment.UserName == "root", "needs /usr/bin/tcpdump, as root");
        var d = TempDir();
        try
        {
            var input = Sample(d, 1500, 1000);
            var name = Path.Combine(d, "g.pcap");
            Directory.CreateDirectory(name + "1");
            var (_, sysErr, sysRc) = RunOracle("-Z", "root", "-r", input, "-C", "1", "-W", "3", "-w", name);
            var sysFirst = File.ReadAllBytes(name + "0");
            File.Delete(name + "0");
            var (rc, _, err) = Run(null, "-r", input, "-C", "1", "-W", "3", "-w", name);
            Assert.Equal(sysRc, rc);
            Assert.Equal(LastLine(sysErr), LastLine(err));
            Assert.Equal(sysFirst, File.ReadAllBytes(name + "0"));
        }
        finally { Directory.Delete(d, true); }
    }

    // ---- -r ----------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("dir", "tcpdump: error reading dump file: Is a directory")]
    [InlineData("garbage", "tcpdump: unknown file format")]
    [InlineData("short", "tcpdump: truncated dump file; tried to read 24 file header bytes, only got 6")]
    [InlineData("empty", "tcpdump: truncated dump file; tried to read 4 file header bytes, only got 0")]
    [InlineData("cutpacket", "tcpdump: pcap_loop: truncated dump file; tried to read 42 captured bytes, only got 20")]
    public void UnreadableOrCorruptFileIsOneLine(string kind, string expected)
    {
        var d = TempDir();
        try
        {
            var path = Path.Combine(d, "f.pcap");
            var good = Samples.Pcap(1, Samples.Ping);
            switch (kind)
            {
                case "dir": path = d; break;
                case "garbage": File.WriteAllText(path, "this is not a capture file at all\n"); break;
                case "short": File.WriteAllBytes(path, good[..10]); break;
                case "empty": File.WriteAllBytes(path, []); break;
                case "cutpacket": File.WriteAllBytes(path, Samples.Pcap(1, new byte[42])[..(24 + 16 + 20)]); break;
            }
            var (rc, _, err) = Run(null, "-r", path, "-n");
            Assert.Equal(1, rc);
            Assert.Equal(expected, LastLine(err));
            AssertNoDotnetText(err);
            if (File.Exists(Oracle))
            {
                var (_, sysErr, sysRc) = RunOracle("-r", path, "-n");
                Assert.Equal(sysRc, rc);
                Assert.Equal(LastLine(sysErr), LastLine(err));
            }
        }
        finally { Directory.Delete(d, true); }
    }

    [Fact]
    public void MissingFilterFileIsOneLine()
    {
        var d = TempDir();
        try
        {
            var (rc, _, err) = Run(null, "-r", Sample(d), "-F", "/nonexistent-dk/filter");
            Assert.Equal(1, rc);
            Assert.Equal("tcpdump: can't open /nonexistent-dk/filter: No such file or directory", LastLine(err));
            var (rc2, _, err2) = Run(null, "-r", Sample(d), "-F", d);
            Assert.Equal(1, rc2);
            Assert.Equal($"tcpdump: read {d}: Is a directory", LastLine(err2));
        }
        finally { Directory.Delete(d, true); }
    }

    [SkippableFact]
    public async Task AFifoFilterFileIsRefusedInsteadOfWaitingForAWriter()
    {
        Skip.IfNot(File.Exists("/usr/bin/mkfifo"), "needs mkfifo");
        var d = TempDir();
        try
        {
            string fifo = Path.Combine(d, "fifo");
            using (var p = System.Diagnostics.Process.Start("/usr/bin/mkfifo", [fifo])) p.WaitForExit();
            // WaitAsync throws TimeoutException if tcpdump blocks opening the FIFO
            var (rc, _, err) = await Task.Run(() => Run(null, "-r", Sample(d), "-F", fifo)).WaitAsync(TimeSpan.FromMinutes(2));
            Assert.Equal(1, rc);
            Assert.Equal($"tcpdump: can't open {fifo}: Not a regular file (a FIFO)", LastLine(err));
        }
        finally { Directory.Delete(d, true); }
    }

    [SkippableFact]
    public void BadInterfaceIsTcpdumpsMessage()
    {
        Skip.IfNot(Environment.UserName == "root" && Directory.Exists("/sys/class/net"), "opens a packet socket: root only");
        var (rc, _, err) = Run(null, "-i", "nosuchif0dk", "-c", "1");
        Assert.Equal(1, rc);
        // libpcap's two lines: the message and, in parentheses, the cause
        Assert.Equal("tcpdump: nosuchif0dk: No such device exists\n(No such device exists)\n", err);
    }

    // ---- the filter's nesting ----------------------------------------------------------------------------------

    [Theory]
    [InlineData("paren", 9995, false)]
    [InlineData("paren", 9996, true)]
    [InlineData("paren", 10000, true)]
    [InlineData("not", 9996, false)]
    [InlineData("not", 9997, true)]
    [InlineData("not", 100000, true)]
    [InlineData("bang", 100000, true)]
    [InlineData("index", 4997, false)]
    [InlineData("index", 4998, true)]
    [InlineData("neg", 100000, true)]
    public void DeepNestingIsMemoryExhaustedAsLibpcap(string shape, int n, bool exhausted)
    {
        // libpcap's bison parser holds 10,000 states: the boundaries are Debian's tcpdump's
        string expr = Nested(shape, n);
        var (rc, o, err) = Run(null, "-d", "--", expr);
        if (exhausted)
        {
            Assert.Equal(1, rc);
            Assert.Equal("Warning: assuming Ethernet\ntcpdump: can't parse filter expression: memory exhausted\n", err);
        }
        else
        {
            Assert.Equal(0, rc);
            Assert.Contains("ret", o);
        }
    }

    private static string Nested(string shape, int n) => shape switch
    {
        "paren" => new string('(', n) + "ip" + new string(')', n),
        "not" => string.Concat(Enumerable.Repeat("not ", n)) + "ip",
        "bang" => new string('!', n) + "ip",
        "index" => string.Concat(Enumerable.Repeat("ip[", n)) + "0" + new string(']', n) + " = 1",
        "neg" => new string('-', n) + "1 = 1",
        _ => throw new ArgumentException(shape),
    };

    [SkippableFact]
    public void NestingBoundariesMatchSystemTcpdump()
    {
        Skip.IfNot(File.Exists(Oracle), "needs /usr/bin/tcpdump");
        var d = TempDir();
        try
        {
            foreach (var (shape, n) in new[] { ("paren", 9995), ("paren", 9996), ("not", 9996), ("not", 9997),
                ("index", 4997), ("index", 4998), ("bang", 20000) })
            {
                var f = Path.Combine(d, "filter");
                File.WriteAllText(f, Nested(shape, n));
                var (sysOut, sysErr, sysRc) = RunOracle("-d", "-F", f);
                var (rc, o, err) = Run(null, "-d", "-F", f);
                Assert.True(sysRc == rc, $"{shape} {n}: {sysRc} vs {rc}");
                Assert.Equal(sysErr, err);
                Assert.Equal(sysOut, o);
            }
        }
        finally { Directory.Delete(d, true); }
    }

    // ---- every option with bad values ---------------------------------------------------------------------------

    private static readonly string[] BadValues = ["", "garbage", "99999999999999999999", "-1", "0", "/nonexistent-dk/x"];

    /// <summary>
    /// Each option that takes a value, with every bad value and with its value missing, reading a small capture
    /// (-w and the rotation options write into a fresh directory; -Z gets only users that do not exist, -i only
    /// names that are no interface, so nothing is captured and no privilege is dropped in the test process).
    /// </summary>
    public static IEnumerable<object[]> BadOptionCases()
    {
        foreach (char c in "BcCEFGijmMQrsTVwWyzZ")
        {
            foreach (var v in BadValues)
            {
                if (c == 'w' && v is "garbage" or "99999999999999999999" or "-1" or "0") continue; // would write into the working directory
                yield return [$"-{c}", v];
            }
            yield return [$"-{c}", null!];
        }
        foreach (var l in new[] { "time-stamp-precision", "time-stamp-type", "direction", "snapshot-length", "linktype",
            "buffer-size", "relinquish-privileges", "interface" })
        {
            foreach (var v in new[] { "", "garbage", "99999999999999999999" }) yield return [$"--{l}={v}", null!];
            yield return [$"--{l}", null!];
        }
        yield return ["--nosuch", null!];
        yield return ["--count=3", null!];
        yield return ["-k", null!];
    }

    /// <summary>Where Debian's tcpdump answers differently and this one does not follow yet (the reason is the value).</summary>
    private static readonly Dictionary<string, string> KnownStatusDifferences = new()
    {
        // libpcap knows every DLT name and refuses an unknown one even when -r makes -y pointless; LinkTypes
        // names only the link types the filter compiler supports, so a name is checked only where it is used
        ["-y"] = "-y is checked against the supported link types only when it is used",
        ["--linktype"] = "-y is checked against the supported link types only when it is used",
    };

    private static (string[] Ours, string[] Oracle) BadOptionArgs(string option, string? value, string dir, string sample)
    {
        var opt = new List<string> { option };
        if (value != null) opt.Add(value);
        char c = option.Length == 2 ? option[1] : '\0';
        var before = new List<string>();
        if (c == 'i' || option.StartsWith("--interface", StringComparison.Ordinal)) before.AddRange(["-c", "1", "-p"]);
        else if (c == 'r') { }
        else before.AddRange(["-r", sample]);
        if (c is 'C' or 'G' or 'W' or 'z') before.AddRange(["-w", Path.Combine(dir, "out.pcap")]);
        string[] ours = [.. before, .. opt];
        // Debian's tcpdump switches to the tcpdump user, who cannot write into the test's directory
        bool keepRoot = c != 'Z' && !option.StartsWith("--relinquish", StringComparison.Ordinal) && Environment.UserName == "root";
        string[] oracle = keepRoot ? ["-Z", "root", .. ours] : ours;
        return (ours, oracle);
    }

    [SkippableTheory]
    [MemberData(nameof(BadOptionCases))]
    public void BadOptionValueIsOneLineAndTcpdumpsStatus(string option, string? value)
    {
        bool live = option is "-i" || option.StartsWith("--interface", StringComparison.Ordinal);
        Skip.If(live && (Environment.UserName != "root" || !Directory.Exists("/sys/class/net")), "-i opens a packet socket: root only");
        Skip.If(option is "-Z" or "--relinquish-privileges" && Environment.UserName != "root", "-Z only acts as root");
        var d = TempDir();
        try
        {
            var sample = Sample(d);
            var (ours, oracle) = BadOptionArgs(option, value, d, sample);
            var (rc, _, err) = Run(null, ours);
            Assert.InRange(rc, 0, 127);
            AssertNoDotnetText(err);
            AssertOneLineOrUsage(err);
            if (File.Exists(Oracle) && !KnownStatusDifferences.ContainsKey(option.Split('=')[0]))
            {
                var (_, sysErr, sysRc) = RunOracle(oracle);
                Assert.True(sysRc == rc, $"tcpdump {string.Join(' ', oracle)}: Debian {sysRc} ({sysErr.Trim()}), ours {rc} ({err.Trim()})");
            }
        }
        finally { Directory.Delete(d, true); }
    }

    /// <summary>
    /// stderr holds one line (after "reading from file", which tcpdump prints before most failures), or libpcap's
    /// two-line form (the cause in parentheses), or a line and tcpdump's usage text.
    /// </summary>
    internal static void AssertOneLineOrUsage(string err)
    {
        var lines = err.TrimEnd('\n').Split('\n').Where(l => !l.StartsWith("reading from file ", StringComparison.Ordinal)).ToArray();
        if (lines.Length <= 1) return;
        if (lines.Length == 2 && lines[1].StartsWith('(') && lines[1].EndsWith(')')) return;
        var usage = (Dumpkit.Tcpdump.Cli.Options.VersionText + Dumpkit.Tcpdump.Cli.Options.Usage).TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1 + usage.Length && lines.Skip(1).SequenceEqual(usage), $"more than one line: {err}");
    }

    // ---- through the binary: exit statuses and signals ------------------------------------------------------------

    private static string? Binary()
    {
        var bin = Environment.GetEnvironmentVariable("DUMPKIT_BINARY");
        return string.IsNullOrEmpty(bin) || !File.Exists(bin) ? null : bin;
    }

    /// <summary>Runs "sh -c SCRIPT" with $0 the binary; returns the status and stderr.</summary>
    private static (int Rc, string Err) Shell(string bin, string script, params string[] args)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(bin);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var e = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, e.Result);
    }

    [SkippableFact]
    public void BinaryReportsStandardOutputFailuresAsTcpdump()
    {
        var bin = Binary();
        Skip.If(bin == null, "DUMPKIT_BINARY not set (test.sh publishes the NativeAOT binary and sets it)");
        var d = TempDir();
        try
        {
            var input = Sample(d, 3000);
            // a full device, a closed descriptor, a pipe whose reader has gone (head): one line, status 14
            var full = Shell(bin!, "exec \"$0\" tcpdump -r \"$1\" -n > /dev/full", input);
            Assert.Equal(14, full.Rc);
            Assert.Equal("tcpdump: Unable to write output: No space left on device", LastLine(full.Err));
            var closed = Shell(bin!, "exec \"$0\" tcpdump -r \"$1\" -n >&-", input);
            Assert.Equal(14, closed.Rc);
            Assert.Equal("tcpdump: Unable to write output: Bad file descriptor", LastLine(closed.Err));
            var piped = Shell(bin!, "( \"$0\" tcpdump -r \"$1\" -n; echo $? >&2 ) | head -1 >/dev/null", input);
            var lines = piped.Err.TrimEnd('\n').Split('\n');
            Assert.Equal("14", lines[^1]);
            Assert.Equal("tcpdump: Unable to write output: Broken pipe", lines[^2]);
            // -w into /dev/full: Debian's tcpdump ignores the failed writes and exits 0
            var devfull = Shell(bin!, "exec \"$0\" tcpdump -r \"$1\" -w /dev/full", input);
            Assert.Equal(0, devfull.Rc);
            AssertNoDotnetText(devfull.Err);
            // so is -w - (pcap_dump on standard output) into a full device
            var dashFull = Shell(bin!, "exec \"$0\" tcpdump -r \"$1\" -w - > /dev/full", input);
            Assert.Equal(0, dashFull.Rc);
            Assert.Single(dashFull.Err.TrimEnd('\n').Split('\n'));
        }
        finally { Directory.Delete(d, true); }
    }

    [SkippableFact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void BinaryWithoutPermissionSaysSoAsTcpdump()
    {
        var bin = Binary();
        Skip.If(bin == null, "DUMPKIT_BINARY not set (test.sh publishes the NativeAOT binary and sets it)");
        Skip.IfNot(Environment.UserName == "root" && File.Exists("/usr/bin/setpriv"), "runs the binary as nobody: root and setpriv only");
        var d = TempDir();
        try
        {
            var input = Sample(d);
            File.SetUnixFileMode(input, UnixFileMode.UserRead);
            const string AsNobody = "exec setpriv --reuid=nobody --regid=nogroup --clear-groups \"$0\" tcpdump \"$@\"";
            var capture = Shell(bin!, AsNobody, "-i", "lo", "-c", "1");
            Assert.Equal(1, capture.Rc);
            Assert.Equal("tcpdump: lo: You don't have permission to perform this capture on that device\n(socket: Operation not permitted)\n", capture.Err);
            var read = Shell(bin!, AsNobody, "-r", input);
            Assert.Equal(1, read.Rc);
            Assert.Equal($"tcpdump: {input}: Permission denied\n", read.Err);
            // the directory is root's (0755): nobody can read the capture but not create a file beside it
            var readable = Path.Combine(d, "readable.pcap");
            File.Copy(input, readable);
            File.SetUnixFileMode(readable, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            File.SetUnixFileMode(d, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
                | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            var outFile = Path.Combine(d, "x.pcap");
            var write = Shell(bin!, AsNobody, "-r", readable, "-w", outFile);
            Assert.Equal(1, write.Rc);
            Assert.Equal($"tcpdump: {outFile}: Permission denied", LastLine(write.Err));
        }
        finally { Directory.Delete(d, true); }
    }

    [SkippableFact]
    public void BinaryNeverDiesOfASignalOnBadOptions()
    {
        var bin = Binary();
        Skip.If(bin == null, "DUMPKIT_BINARY not set (test.sh publishes the NativeAOT binary and sets it)");
        var d = TempDir();
        try
        {
            var sample = Sample(d);
            var deep = Path.Combine(d, "deep");
            File.WriteAllText(deep, Nested("paren", 10000));
            var cases = BadOptionCases()
                .Where(c => (string)c[0] is var o && !(o is "-i" or "-Z"
                    || o.StartsWith("--interface", StringComparison.Ordinal) || o.StartsWith("--relinquish", StringComparison.Ordinal)))
                .Select(c => BadOptionArgs((string)c[0], (string?)c[1], d, sample).Ours)
                .Append(["-r", sample, "-w", "/nonexistent-dk/dir/x.pcap"])
                .Append(["-r", sample, "-w", d])
                .Append(["-r", d])
                .Append(["-d", "-F", deep]);
            foreach (var args in cases)
            {
                var psi = new ProcessStartInfo(bin!) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
                psi.ArgumentList.Add("tcpdump");
                foreach (var a in args) psi.ArgumentList.Add(a);
                using var p = Process.Start(psi)!;
                var e = p.StandardError.ReadToEndAsync();
                p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                Assert.True(p.ExitCode < 128, $"tcpdump {string.Join(' ', args)}: status {p.ExitCode}");
                AssertNoDotnetText(e.Result);
                AssertOneLineOrUsage(e.Result.Replace("Warning: assuming Ethernet\n", ""));
            }
        }
        finally { Directory.Delete(d, true); }
    }

    internal static (string Out, string Err, int Rc) RunOracle(params string[] args)
    {
        var psi = new ProcessStartInfo(Oracle) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["TZ"] = "GMT0";
        using var p = Process.Start(psi)!;
        var errTask = p.StandardError.ReadToEndAsync();
        var o = p.StandardOutput.ReadToEnd();
        var e = errTask.Result;
        p.WaitForExit();
        return (o, e, p.ExitCode);
    }
}
