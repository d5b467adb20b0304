// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;
using System.Text;
using Dumpkit.Pcap.Capture;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>Command-line behaviour, -w writing, and comparisons with the system tcpdump when it is installed.</summary>
public class CliTests
{
    private static (int Rc, string Out, string Err) Run(byte[]? stdin, params string[] args)
    {
        var o = new MemoryStream();
        var e = new StringWriter();
        int rc = TcpdumpCommand.Run(args, o, e, () => new MemoryStream(stdin ?? []), TimeZoneInfo.Utc);
        return (rc, Encoding.Latin1.GetString(o.ToArray()), e.ToString());
    }

    [Fact]
    public void FpTypePrintsFpType1Value() => Assert.Equal("9877.895\n", Run(null, "--fp-type").Out);

    [Fact]
    public void VersionMentionsTcpdump499() => Assert.StartsWith("tcpdump version 4.99.3", Run(null, "--version").Out);

    [Fact]
    public void UnknownOptionFailsWithUsage()
    {
        var (rc, _, err) = Run(null, "-k");
        Assert.Equal(1, rc);
        Assert.Contains("invalid option -- 'k'", err);
        Assert.Contains("Usage: tcpdump", err);
    }

    [Fact]
    public void MissingFileReportsNoSuchFile()
    {
        var (rc, _, err) = Run(null, "-r", "/nonexistent/x.pcap");
        Assert.Equal(1, rc);
        Assert.Equal("tcpdump: /nonexistent/x.pcap: No such file or directory\n", err);
    }

    [Fact]
    public void FilterExpressionSelectsPacketsBeforeCounting()
    {
        var pcap = Samples.Pcap(1, Samples.Ping, Samples.TcpSyn, Samples.DnsQuery);
        Assert.Equal("1 packet\n", Run(pcap, "-r", "-", "--count", "icmp").Out);
        Assert.Equal("2 packets\n", Run(pcap, "-r", "-", "--count", "tcp", "or", "udp").Out);
        var (rc, o, _) = Run(pcap, "-r", "-", "-n", "-#", "udp port 53");
        Assert.Equal(0, rc);
        Assert.StartsWith("    1  ", o);
        Assert.Single(o.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var bad = Run(pcap, "-r", "-", "tcp port");
        Assert.Equal(1, bad.Rc);
        Assert.EndsWith("tcpdump: can't parse filter expression: syntax error\n", bad.Err);
    }

    [Fact]
    public void CountModePrintsPacketTotal()
    {
        var (rc, o, err) = Run(Samples.Pcap(1, Samples.Ping, Samples.TcpSyn, Samples.DnsQuery), "-r", "-", "--count");
        Assert.Equal(0, rc);
        Assert.Equal("3 packets\n", o);
        Assert.StartsWith("reading from file -, link-type EN10MB (Ethernet), snapshot length 262144", err);
    }

    [Fact]
    public void CountLimitStopsEarly()
    {
        var (_, o, _) = Run(Samples.Pcap(1, Samples.Ping, Samples.TcpSyn, Samples.DnsQuery), "-r", "-", "-c", "2", "-t", "-n");
        Assert.Equal(2, o.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void PrintsCorePacketsAsTcpdumpDoes()
    {
        var (rc, o, _) = Run(Samples.Pcap(1, Samples.Ping, Samples.ArpRequest), "-r", "-", "-n", "-t");
        Assert.Equal(0, rc);
        Assert.Equal(
            "IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 43981, seq 1, length 8\n" +
            "ARP, Request who-has 192.168.0.2 tell 192.168.0.1, length 28\n", o);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WriteThenReadBackGivesSameOutput(bool pcapng)
    {
        var input = Samples.Pcap(1, Samples.Ping, Samples.TcpSyn, Samples.DnsQuery, Samples.NeighborSolicit);
        var path = Path.Combine(Path.GetTempPath(), $"dumpkit-w-{Guid.NewGuid():N}.pcap");
        try
        {
            var args = new List<string> { "-r", "-", "-w", path };
            if (pcapng) args.Add("--pcapng");
            var (rc, o, _) = Run(input, [.. args]);
            Assert.Equal(0, rc);
            Assert.Equal("", o);
            var (rc1, a, _) = Run(input, "-r", "-", "-n", "-vv", "-e");
            var (rc2, b, _) = Run(null, "-r", path, "-n", "-vv", "-e");
            Assert.Equal(0, rc1);
            Assert.Equal(0, rc2);
            Assert.Equal(a, b);
            if (!pcapng)
            {
                var bytes = File.ReadAllBytes(path);
                Assert.Equal(input.Length, bytes.Length);
                Assert.Equal(input, bytes);
            }
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void WriteToStdoutProducesPcap()
    {
        var input = Samples.Pcap(1, Samples.Ping);
        var (rc, o, _) = Run(input, "-r", "-", "-w", "-");
        Assert.Equal(0, rc);
        Assert.Equal(input, Encoding.Latin1.GetBytes(o));
    }

    [Fact]
    public void TruncatedFileReportsErrorAfterPrinting()
    {
        var input = Samples.Pcap(1, Samples.Ping, Samples.TcpSyn);
        var cut = input[..^10];
        var (rc, o, err) = Run(cut, "-r", "-", "-n", "-t");
        Assert.Equal(1, rc);
        Assert.StartsWith("IP 10.0.0.1 > 10.0.0.2: ICMP echo request", o);
        Assert.Contains("tcpdump: pcap_loop: truncated dump file", err);
    }

    [Fact]
    public void NanosecondFilesPrintMicrosecondsUnlessNano()
    {
        var micro = Samples.Pcap(1, Samples.Ping);
        // Turn the file into a nanosecond one: magic and fraction scaled.
        var nano = (byte[])micro.Clone();
        BitConverter.TryWriteBytes(nano.AsSpan(0, 4), 0xA1B23C4Du);
        BitConverter.TryWriteBytes(nano.AsSpan(28, 4), 123456789u);
        Assert.Contains(".123456 ", Run(nano, "-r", "-", "-n").Out);
        Assert.Contains(".123456789 ", Run(nano, "-r", "-", "-n", "--nano").Out);
        Assert.Contains(".123456000 ", Run(micro, "-r", "-", "-n", "--time-stamp-precision=nano").Out);
    }

    [Fact]
    public void ReadsPcapngWrittenByWriter()
    {
        var input = Samples.Pcap(1, Samples.Ping);
        var ms = new MemoryStream();
        using (var w = new PcapngWriter(ms, 1, SnapLength.Maximum, false))
        {
            var h = new PacketHeader { Seconds = 1700000000, Fraction = 5, CapLen = Samples.Ping.Length, Len = (uint)Samples.Ping.Length };
            w.Write(h, Samples.Ping);
            ms.Position = 0;
            var copy = ms.ToArray();
            var (rc, o, _) = Run(copy, "-r", "-", "-n", "-tt");
            Assert.Equal(0, rc);
            Assert.StartsWith("1700000000.000005 IP 10.0.0.1 > 10.0.0.2", o);
        }
        _ = input;
    }
}

/// <summary>Byte-for-byte comparisons with Debian's tcpdump 4.99.3 for options the upstream suite does not exercise.</summary>
public class OracleTests
{
    private const string Oracle = "/usr/bin/tcpdump";

    public static IEnumerable<object[]> Cases()
    {
        string[] files = ["print-flags.pcap", "dns_tcp.pcap", "QinQpacket.pcap", "icmpv6.pcap", "ntp.pcap", "dhcp-rfc3004.pcap", "e1000g.pcap"];
        string[][] opts =
        [
            ["-t"], ["-tt"], ["-ttt"], ["-tttt"], ["-ttttt"], ["-e"], ["-q"], ["-S", "-v"], ["--nano"], ["-x"], ["-XX", "-e"], ["-A"],
            ["-c", "3"], ["--count"], ["-qe"],
        ];
        foreach (var f in files)
            foreach (var o in opts)
                yield return [f, string.Join(' ', o)];
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void MatchesSystemTcpdump(string file, string options)
    {
        Skip.If(ConformanceSuite.TestDir == null || !File.Exists(Oracle), "needs ../shared test data and /usr/bin/tcpdump");
        var path = Path.Combine(ConformanceSuite.TestDir!, file);
        var args = new List<string> { "-n", "-r", path };
        args.AddRange(options.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var (expected, exit) = PrinterOracleTests.RunSystemTcpdump(args);
        var o = new MemoryStream();
        int rc = TcpdumpCommand.Run([.. args], o, TextWriter.Null, null, TimeZoneInfo.Utc);
        Assert.Equal(exit, rc);
        Assert.Equal(expected, Encoding.Latin1.GetString(o.ToArray()));
    }
}

/// <summary>The "reading from file" line names every link type the printers know as Debian's tcpdump names it.</summary>
public class LinkTypeAnnounceTests
{
    public static IEnumerable<object[]> KnownLinkTypes() =>
        typeof(Dumpkit.Pcap.Capture.LinkTypes).GetFields()
            .Where(f => f.IsLiteral && f.FieldType == typeof(int))
            .Select(f => (int)f.GetRawConstantValue()!).Distinct().Order().Select(lt => new object[] { lt });

    [SkippableTheory]
    [MemberData(nameof(KnownLinkTypes))]
    public void ReadingFromFileLineIsTcpdumps(int linkType)
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle");
        var path = Path.Combine(Path.GetTempPath(), $"dumpkit-lt-{Environment.ProcessId}-{linkType}.pcap");
        var header = new byte[24];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(header, 0xa1b2c3d4);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 2);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 4);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 65535);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), (uint)linkType);
        File.WriteAllBytes(path, header);
        try
        {
            var psi = new System.Diagnostics.ProcessStartInfo("/usr/bin/tcpdump", ["-r", path]) { RedirectStandardError = true };
            using var p = System.Diagnostics.Process.Start(psi)!;
            var expected = p.StandardError.ReadToEnd();
            p.WaitForExit();
            var err = new StringWriter();
            TcpdumpCommand.Run(["-r", path], new MemoryStream(), err, null, TimeZoneInfo.Utc);
            Assert.Equal(expected.Split('\n')[0], err.ToString().Split('\n')[0]);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

/// <summary>-C / -W output rotation and -D interface listing.</summary>
public class RotationTests
{
    [Fact]
    public void SizeRotationWrapsAtFileCount()
    {
        var big = new byte[1400];
        Samples.Ping.CopyTo(big, 0);
        var packets = Enumerable.Repeat(big, 2000).ToArray(); // ~2.8 MB
        var input = Samples.Pcap(1, packets);
        var dir = Path.Combine(Path.GetTempPath(), $"dumpkit-rot-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var name = Path.Combine(dir, "cap");
            int rc = TcpdumpCommand.Run(["-r", "-", "-w", name, "-C", "1", "-W", "2"],
                new MemoryStream(), TextWriter.Null, () => new MemoryStream(input), TimeZoneInfo.Utc);
            Assert.Equal(0, rc);
            var files = Directory.GetFiles(dir).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(new[] { "cap0", "cap1" }, files);
            // 3 files' worth of data over 2 names: cap0 was reopened for the third part
            Assert.True(new FileInfo(Path.Combine(dir, "cap1")).Length > 1000000);
            Assert.True(new FileInfo(Path.Combine(dir, "cap0")).Length < 1000000);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void SizeRotationWithoutFileCountNumbersFromOne()
    {
        var big = new byte[1400];
        Samples.Ping.CopyTo(big, 0);
        var input = Samples.Pcap(1, Enumerable.Repeat(big, 1000).ToArray()); // ~1.4 MB
        var dir = Path.Combine(Path.GetTempPath(), $"dumpkit-rot-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var name = Path.Combine(dir, "cap");
            int rc = TcpdumpCommand.Run(["-r", "-", "-w", name, "-C", "1"],
                new MemoryStream(), TextWriter.Null, () => new MemoryStream(input), TimeZoneInfo.Utc);
            Assert.Equal(0, rc);
            Assert.Equal(new[] { "cap", "cap1" }, Directory.GetFiles(dir).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray());
        }
        finally { Directory.Delete(dir, true); }
    }

    [SkippableFact]
    public void InterfaceListMatchesSystemTcpdump()
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump") && Directory.Exists("/sys/class/net"), "needs /usr/bin/tcpdump and sysfs");
        var psi = new System.Diagnostics.ProcessStartInfo("/usr/bin/tcpdump", "-D")
            { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var expected = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        p.WaitForExit();
        var o = new MemoryStream();
        Assert.Equal(0, TcpdumpCommand.Run(["-D"], o, TextWriter.Null));
        var ours = System.Text.Encoding.ASCII.GetString(o.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // libpcap also lists pseudo devices (bluetooth, nflog, dbus...) after the network interfaces; ours is the prefix
        Assert.Equal(expected.Take(ours.Length), ours);
    }
}

public class TimeRotationTests
{
    [Fact]
    public void StrftimeNamesUseTheZone()
    {
        Assert.Equal("cap-2023-11-14_22:13:20.pcap", Dumpkit.Tcpdump.Cli.Strftime.Format("cap-%Y-%m-%d_%H:%M:%S.pcap", 1700000000, TimeZoneInfo.Utc));
        Assert.Equal("x%q-1700000000-318", Dumpkit.Tcpdump.Cli.Strftime.Format("x%q-%s-%j", 1700000000, TimeZoneInfo.Utc));
    }

    [Fact]
    public void TimeRotationWritesStrftimeNamedFileAndRunsPostRotate()
    {
        var input = Samples.Pcap(1, Samples.Ping, Samples.TcpSyn);
        var dir = Path.Combine(Path.GetTempPath(), $"dumpkit-g-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var pattern = Path.Combine(dir, "cap-%Y.pcap");
            int rc = TcpdumpCommand.Run(["-r", "-", "-w", pattern, "-G", "3600"],
                new MemoryStream(), TextWriter.Null, () => new MemoryStream(input), TimeZoneInfo.Utc);
            Assert.Equal(0, rc);
            var f = Assert.Single(Directory.GetFiles(dir));
            Assert.Equal($"cap-{DateTime.UtcNow.Year}.pcap", Path.GetFileName(f));
            Assert.Equal(input, File.ReadAllBytes(f));
        }
        finally { Directory.Delete(dir, true); }
    }
}

public class PrivilegeTests
{
    [SkippableFact]
    public void UnknownUserIsAnError()
    {
        Skip.IfNot(Environment.UserName == "root", "only root drops privileges");
        var err = new StringWriter();
        int rc = TcpdumpCommand.Run(["-r", "-", "-Z", "no-such-user-dk"],
            new MemoryStream(), err, () => new MemoryStream(Samples.Pcap(1, Samples.Ping)), TimeZoneInfo.Utc);
        Assert.Equal(1, rc);
        Assert.Contains("tcpdump: Couldn't find user 'no-such-user-dk'", err.ToString());
    }
}

public class EntryPointTests
{
    [Fact]
    public void ProcessEntryPointRunsWithConsoleStreams()
    {
        // The multicall binary calls Run(string[]); it registers SIGINT/SIGTERM handlers and uses the console.
        Assert.Equal(0, TcpdumpCommand.Run(["--fp-type"]));
        Assert.Equal(1, TcpdumpCommand.Run(["-r", "/nonexistent/dumpkit.pcap"]));
    }

    [Fact]
    public void TextWriterOverloadMapsBytesToLatin1()
    {
        var o = new StringWriter();
        var e = new StringWriter();
        Assert.Equal(0, TcpdumpCommand.Run(["--version"], o, e));
        Assert.StartsWith("tcpdump version 4.99.3", o.ToString());
    }
}
