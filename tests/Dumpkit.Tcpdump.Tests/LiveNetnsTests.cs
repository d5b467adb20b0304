// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// One capture session in a pair of network namespaces, shared by the tests below: Debian's tcpdump and
/// ours capture on the same veth end at the same time (several option sets, each a pair of captures)
/// while namespace B pings A, asks A's dnsmasq two DNS questions, fetches a file from A's HTTP server
/// (busybox httpd) with curl, and sends one 802.1Q-tagged frame (the receiving kernel strips the tag,
/// so a capture must put it back from the ring's tp_vlan_tci). Needs root and the Debian tools; skips
/// with the reason otherwise.
/// </summary>
public sealed partial class LiveNetnsFixture : IDisposable
{
    public string? SkipReason { get; }
    public string Dir { get; } = Path.Combine(Path.GetTempPath(), $"dumpkit-live-{Environment.ProcessId}");
    /// <summary>Per option set: Debian's stdout/stderr/exit code, ours.</summary>
    public Dictionary<string, (string TheirOut, string TheirErr, int TheirRc, string OurOut, string OurErr, int OurRc)> Runs { get; } = [];
    public string TheirPcap => Path.Combine(Dir, "theirs.pcap");
    public string OurPcap => Path.Combine(Dir, "ours.pcap");
    public Exception? Failure { get; }

    /// <summary>The option sets; {dev} is the veth end in namespace A, {w} the pcap to write.</summary>
    public static readonly Dictionary<string, string[]> Variants = new()
    {
        ["n"] = ["-i", "{dev}", "-n"],
        ["e"] = ["-i", "{dev}", "-n", "-e"],
        ["v"] = ["-i", "{dev}", "-n", "-v"],
        ["snap"] = ["-i", "{dev}", "-n", "-s", "80", "-x"],
        ["any"] = ["-i", "any", "-n", "-e"],
        ["sll1"] = ["-i", "any", "-n", "-e", "-y", "LINUX_SLL"],
        ["sll2"] = ["-i", "any", "-n", "-e", "-y", "LINUX_SLL2"],
        ["in"] = ["-i", "{dev}", "-n", "-Q", "in"],
        ["out"] = ["-i", "{dev}", "-n", "-e", "-Q", "out"],
        ["immediate"] = ["-i", "{dev}", "-n", "--immediate-mode"],
        ["w"] = ["-i", "{dev}", "-w", "{w}"],
    };

    public LiveNetnsFixture()
    {
        SkipReason = Netns.Unavailable("/usr/bin/tcpdump", "dnsmasq", "dig", "curl", "busybox", "ping", "tshark");
        if (SkipReason != null) return;
        Directory.CreateDirectory(Dir);
        try { Capture(); }
        catch (Exception ex) { Failure = ex; }
    }

    private void Capture()
    {
        using var ns = new Netns("lv");
        var www = Path.Combine(Dir, "www");
        Directory.CreateDirectory(www);
        File.WriteAllText(Path.Combine(www, "hello.txt"), "hello from dumpkit's live test\n");
        ns.Start(ns.A, "dnsmasq", ["--keep-in-foreground", "--no-resolv", "--no-hosts", "--bind-interfaces", "--listen-address=10.200.0.1",
            "--address=/dumpkit.test/10.200.0.7", "--pid-file", "--user=root", "--conf-file"],
                Path.Combine(Dir, "dnsmasq.out"), Path.Combine(Dir, "dnsmasq.err"));
        ns.Start(ns.A, "busybox", ["httpd", "-f", "-p", "10.200.0.1:8080", "-h", www], Path.Combine(Dir, "httpd.out"), Path.Combine(Dir, "httpd.err"));
        // both servers answer before the captures start; then forget the neighbours so that ARP is captured too
        if (!Netns.WaitFor(() => ns.Exec(ns.B, "dig @10.200.0.1 dumpkit.test +short +tries=1 +time=1").Out.Contains("10.200.0.7"), 15000))
            throw new InvalidOperationException("dnsmasq did not answer in namespace " + ns.A);
        if (!Netns.WaitFor(() => ns.Exec(ns.B, "curl -s -m 2 http://10.200.0.1:8080/hello.txt").Out.Contains("hello"), 15000))
            throw new InvalidOperationException("httpd did not answer in namespace " + ns.A);
        Netns.Must($"ip -n {ns.A} neigh flush all; ip -n {ns.B} neigh flush all");

        var theirs = new Dictionary<string, Netns.BackgroundProcess>();
        var ours = new Dictionary<string, (Task<int> Task, CaptureOutput Out, StringWriter Err, TextWriter SyncErr)>();
        using var stop = new CancellationTokenSource();
        foreach (var (name, v) in Variants)
        {
            string[] Args(string w) => v.Select(a => a.Replace("{dev}", ns.VethA).Replace("{w}", w)).ToArray();
            theirs[name] = ns.Start(ns.A, "/usr/bin/tcpdump", Args(TheirPcap),
                Path.Combine(Dir, $"{name}.theirs.out"), Path.Combine(Dir, $"{name}.theirs.err"));
            var o = new CaptureOutput();
            var err = new StringWriter();
            var sync = TextWriter.Synchronized(err);
            var args = Args(OurPcap);
            ours[name] = (Netns.InNamespace(ns.A, () => TcpdumpCommand.Run(args, o, sync, null, TimeZoneInfo.Utc, stop.Token)), o, err, sync);
        }
        bool Listening() => theirs.Values.All(p => p.Err.Contains("listening on"))
            && ours.Values.All(x => { lock (x.SyncErr) return x.Err.ToString().Contains("listening on"); }); // SyncTextWriter locks itself
        if (!Netns.WaitFor(Listening, 15000))
            throw new InvalidOperationException("captures did not start: "
                + string.Join("\n", theirs.Values.Select(p => p.Err).Concat(ours.Values.Select(x => x.Err.ToString()))));
        Thread.Sleep(300);

        ns.Exec(ns.B, "ping -c 3 -i 0.2 10.200.0.1");
        ns.Exec(ns.B, "dig @10.200.0.1 dumpkit.test +tries=1 +time=2");
        ns.Exec(ns.B, "dig @10.200.0.1 dumpkit.test MX +tries=1 +time=2");
        ns.Exec(ns.B, "curl -s -m 5 http://10.200.0.1:8080/hello.txt");
        Netns.InNamespace(ns.B, () => SendTagged(ns.VethB)).Wait();

        // the ring hands a block over after its 1 s timeout: wait for it before stopping everything
        Thread.Sleep(2500);
        foreach (var p in theirs.Values) p.SendInterrupt();
        stop.Cancel();
        foreach (var (name, p) in theirs)
        {
            p.Process.WaitForExit(10000);
            var (task, o, err, _) = ours[name];
            if (!task.Wait(10000)) throw new TimeoutException($"our capture '{name}' did not stop");
            Runs[name] = (p.Out, p.Err, p.Process.ExitCode, o.Text(), err.ToString(), task.Result);
            File.WriteAllText(Path.Combine(Dir, $"{name}.ours.out"), o.Text(), Encoding.Latin1);
            File.WriteAllText(Path.Combine(Dir, $"{name}.ours.err"), err.ToString());
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint sendto(int fd, byte* buf, nuint len, int flags, byte* addr, uint addrLen);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial uint if_nametoindex(string name);

    [LibraryImport("libc")]
    private static partial int close(int fd);

    /// <summary>Sends one broadcast frame tagged VLAN 10 priority 1 (UDP 10.201.0.2.40000 > 10.201.0.1.9) out of <paramref name="dev"/>.</summary>
    internal static unsafe int SendTagged(string dev)
    {
        byte[] f = new byte[14 + 4 + 20 + 8 + 8];
        f.AsSpan(0, 6).Fill(0xff);
        byte[] src = [0x02, 0, 0, 0, 0, 0x02];
        src.CopyTo(f, 6);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), 0x8100);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(14), 0x200a);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(16), 0x0800);
        PrinterOracleTests.WriteIpv4Header(f.AsSpan(18, 20), 36, 17, [10, 201, 0, 2], [10, 201, 0, 1]);
        var udp = f.AsSpan(38);
        BinaryPrimitives.WriteUInt16BigEndian(udp, 40000);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], 9);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], 16);
        Encoding.ASCII.GetBytes("dkvlan10").CopyTo(udp[8..]);

        int fd = socket(17 /* AF_PACKET */, 3 /* SOCK_RAW */, 0);
        if (fd < 0) throw new InvalidOperationException("socket: " + Marshal.GetLastPInvokeErrorMessage());
        try
        {
            byte* sll = stackalloc byte[20];
            new Span<byte>(sll, 20).Clear();
            sll[0] = 17;
            BinaryPrimitives.WriteInt32LittleEndian(new Span<byte>(sll + 4, 4), (int)if_nametoindex(dev));
            sll[11] = 6;
            new Span<byte>(sll + 12, 6).Fill(0xff);
            fixed (byte* p = f)
                if (sendto(fd, p, (nuint)f.Length, 0, sll, 20) != f.Length)
                    throw new InvalidOperationException("sendto: " + Marshal.GetLastPInvokeErrorMessage());
        }
        finally { close(fd); }
        return 0;
    }

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("DUMPKIT_KEEP_LIVE") == "1") return; // for a look at the captures
        try { Directory.Delete(Dir, true); }
        catch (IOException) { }
    }
}

/// <summary>A stream a capture thread writes to while the test reads snapshots of it.</summary>
internal sealed class CaptureOutput : Stream
{
    private readonly MemoryStream _ms = new();
    public string Text() { lock (_ms) return Encoding.Latin1.GetString(_ms.ToArray()); }
    public override void Write(byte[] buffer, int offset, int count) { lock (_ms) _ms.Write(buffer, offset, count); }
    public override void Flush() { }
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>Ours against Debian's tcpdump on real traffic in network namespaces (root only).</summary>
public sealed partial class LiveNetnsTests(LiveNetnsFixture fx) : IClassFixture<LiveNetnsFixture>
{
    private void Ready()
    {
        Skip.If(fx.SkipReason != null, fx.SkipReason);
        if (fx.Failure != null) throw new InvalidOperationException("the live capture could not be run", fx.Failure);
    }

    [GeneratedRegex(@"^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} ", RegexOptions.Multiline)]
    private static partial Regex Stamp();

    [GeneratedRegex(@"^(\s*[0-9]+) [0-9]+\.[0-9]+ ", RegexOptions.Multiline)]
    private static partial Regex Relative();

    private static string NoStamps(string s) => Stamp().Replace(s, "");

    private static string Counts(string err) => string.Join("\n", err.Split('\n')
        .Where(l => l.Contains("packets captured") || l.Contains("packet captured") || l.Contains("listening on")));

    [SkippableTheory]
    [InlineData("n")]
    [InlineData("e")]
    [InlineData("v")]
    [InlineData("snap")]
    [InlineData("any")]
    [InlineData("sll1")]
    [InlineData("sll2")]
    [InlineData("in")]
    [InlineData("out")]
    [InlineData("immediate")]
    public void PrintsWhatTcpdumpPrints(string variant)
    {
        Ready();
        var r = fx.Runs[variant];
        Assert.Equal(0, r.TheirRc);
        Assert.Equal(0, r.OurRc);
        Assert.Equal(NoStamps(r.TheirOut), NoStamps(r.OurOut));
        Assert.Equal(Counts(r.TheirErr), Counts(r.OurErr));
        var text = r.OurOut;
        // the traffic really was there (A's end: requests come in, answers go out)
        if (variant is not ("snap" or "out")) Assert.Contains("ICMP echo request", text);
        if (variant is not ("snap" or "in")) Assert.Contains("ICMP echo reply", text);
        if (variant is not ("snap" or "out")) Assert.Contains("GET /hello.txt HTTP/1.1", text);
        if (variant is not ("snap" or "in")) Assert.Contains("A 10.200.0.7", text);
        if (variant == "in") Assert.DoesNotContain("ICMP echo reply", text);
        if (variant == "out") Assert.DoesNotContain("ICMP echo request", text);
        if (variant == "e")
            Assert.Contains("ethertype 802.1Q (0x8100), length 54: vlan 10, p 1, ethertype IPv4 (0x0800), 10.201.0.2.40000 > 10.201.0.1.9", text);
        if (variant is "any" or "sll2") Assert.Contains($" In  ", text);
        if (variant == "sll1") Assert.Contains($" In ", text);
        // -y: tcpdump names the link type it set; the listening line carries it
        if (variant is "sll1" or "sll2")
        {
            string dlt = variant == "sll1" ? "LINUX_SLL" : "LINUX_SLL2";
            Assert.Contains($"tcpdump: data link type {dlt}\n", r.TheirErr);
            Assert.Contains($"tcpdump: data link type {dlt}\n", r.OurErr);
            Assert.Contains($"link-type {dlt} (Linux cooked v{(variant == "sll1" ? 1 : 2)})", r.OurErr);
        }
    }

    /// <summary>
    /// Both programs stamp with the kernel's time of arrival at the packet socket (each socket takes its
    /// own reading, so they differ by microseconds, not by the ring's buffering delay).
    /// </summary>
    [SkippableFact]
    public void TimeStampsAreTheKernels()
    {
        Ready();
        static List<TimeSpan> Stamps(string s) => Stamp().Matches(s).Select(m => TimeSpan.ParseExact(m.Value.Trim(), @"hh\:mm\:ss\.ffffff", null)).ToList();
        var r = fx.Runs["n"];
        List<TimeSpan> ours = Stamps(r.OurOut), theirs = Stamps(r.TheirOut);
        Assert.NotEmpty(ours);
        Assert.Equal(theirs.Count, ours.Count);
        for (int i = 0; i < ours.Count; i++)
            Assert.True(Math.Abs((ours[i] - theirs[i]).TotalMilliseconds) < 20, $"packet {i + 1}: {ours[i]} vs tcpdump's {theirs[i]}");
    }

    private static string Run(string cmd)
    {
        var (rc, o) = Netns.Sh(cmd);
        Assert.True(rc == 0, $"{cmd}: exit {rc}: {o}");
        return o;
    }

    [SkippableFact]
    public void OurPcapReadsBackInTcpdumpAsTheirs()
    {
        Ready();
        Assert.Equal(0, fx.Runs["w"].OurRc);
        string Read(string f) => Run($"/usr/bin/tcpdump -r {f} -n -t -e -v -x 2>&1").Replace(f, "FILE");
        string ours = Read(fx.OurPcap), theirs = Read(fx.TheirPcap);
        Assert.Contains("vlan 10, p 1", ours);
        Assert.Equal(theirs, ours);
        // same file header (magic, version, snaplen, link type)
        Assert.Equal(File.ReadAllBytes(fx.TheirPcap).AsSpan(0, 24).ToArray(), File.ReadAllBytes(fx.OurPcap).AsSpan(0, 24).ToArray());
    }

    [SkippableFact]
    public void OurPcapReadsBackInTsharkAsTheirs()
    {
        Ready();
        // the time column (seconds since the first packet) is taken out: each socket stamps on its own
        string Read(string f) => Relative().Replace(Run($"tshark -r {f} -n -x 2>&1 | grep -v 'Running as user'"), "$1");
        string ours = Read(fx.OurPcap), theirs = Read(fx.TheirPcap);
        Assert.Contains("HTTP", ours);
        Assert.Equal(theirs, ours);
    }
}

/// <summary>The NativeAOT binary in a namespace: -Z, SIGINT and SIGTERM end the capture with the file flushed.</summary>
public sealed class LiveSignalTests
{
    [SkippableFact]
    public void SignalsEndTheCaptureCleanly()
    {
        var why = Netns.Unavailable("/usr/bin/tcpdump", "ping");
        Skip.If(why != null, why);
        var bin = Environment.GetEnvironmentVariable("DUMPKIT_BINARY");
        Skip.If(string.IsNullOrEmpty(bin) || !File.Exists(bin), "DUMPKIT_BINARY not set (test.sh publishes the NativeAOT binary and sets it)");
        var dir = Path.Combine(Path.GetTempPath(), $"dumpkit-sig-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            Netns.Must($"chmod 1777 {dir}");
            using var ns = new Netns("sg");
            // SIGINT while writing a file as "nobody" (-Z: privileges dropped after the socket is open),
            // started as a script's background job is: with SIGINT ignored, which tcpdump overrides
            var pcap = Path.Combine(dir, "sig.pcap");
            var w = ns.Start(ns.A, bin, ["tcpdump", "-i", ns.VethA, "-Z", "nobody", "-w", pcap],
                Path.Combine(dir, "w.out"), Path.Combine(dir, "w.err"), interruptIgnored: true);
            // SIGTERM while printing to a pipe
            var t = ns.Start(ns.A, bin, ["tcpdump", "-i", ns.VethA, "-n", "-t"], Path.Combine(dir, "t.out"), Path.Combine(dir, "t.err"));
            Assert.True(Netns.WaitFor(() => w.Err.Contains("listening on") && t.Err.Contains("listening on")), w.Err + t.Err);
            ns.Exec(ns.B, "ping -c 3 -i 0.2 10.200.0.1");
            Thread.Sleep(1500);
            Assert.Equal(0, w.Interrupt());
            Assert.Equal(0, t.Terminate());

            Assert.DoesNotContain("dropped privs", w.Err); // as Debian's tcpdump: the switch to -Z's user is silent
            Assert.Matches("[0-9]+ packets captured\n[0-9]+ packets? received by filter\n0 packets dropped by kernel\n", w.Err);
            Assert.Equal("nobody", Netns.Must($"stat -c %U {pcap}").Trim());
            var back = Netns.Must($"/usr/bin/tcpdump -r {pcap} -n -t 2>&1");
            Assert.Equal(3, Regex.Matches(back, "ICMP echo reply").Count);

            Assert.Equal(3, Regex.Matches(t.Out, "10.200.0.1 > 10.200.0.2: ICMP echo reply").Count);
            Assert.Matches("[0-9]+ packets captured\n", t.Err);
        }
        finally { Directory.Delete(dir, true); }
    }
}

/// <summary>Opening errors worded as tcpdump words them, checked against Debian's in a namespace.</summary>
public sealed class LiveOpenErrorTests
{
    [SkippableFact]
    public void InterfaceDownOrMissing()
    {
        var why = Netns.Unavailable("/usr/bin/tcpdump");
        Skip.If(why != null, why);
        using var ns = new Netns("dn");
        Netns.Must($"ip -n {ns.A} link set {ns.VethA} down");
        foreach (var dev in new[] { ns.VethA, ns.VethA + "x" })
        {
            var (theirRc, theirs) = ns.Exec(ns.A, $"/usr/bin/tcpdump -i {dev} -c 1");
            var err = new StringWriter();
            int rc = Netns.InNamespace(ns.A, () => TcpdumpCommand.Run(["-i", dev, "-c", "1"], new CaptureOutput(), err, null, TimeZoneInfo.Utc)).Result;
            Assert.Equal(1, theirRc);
            Assert.Equal(1, rc);
            Assert.Equal(theirs, err.ToString());
        }
    }
}

/// <summary>A tagged frame the receiving kernel untags comes out of both capture paths with its tag back.</summary>
public sealed class LiveVlanTests
{
    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void StrippedTagIsPutBack(bool noRing)
    {
        var why = Netns.Unavailable();
        Skip.If(why != null, why);
        using var ns = new Netns(noRing ? "vr" : "vm");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var ready = new ManualResetEventSlim();
        var capture = Netns.InNamespace(ns.A, () =>
        {
            using var src = new Dumpkit.Pcap.Capture.AfPacketSource(
                new Dumpkit.Pcap.Capture.LiveOptions(ns.VethA, Immediate: true, NoRing: noRing), cts.Token);
            Assert.Equal(!noRing, src.MemoryMapped);
            ready.Set();
            var h = new Dumpkit.Pcap.Capture.PacketHeader();
            var buf = new byte[Dumpkit.Pcap.Capture.SnapLength.Maximum];
            while (src.Next(ref h, ref buf))
                if (h.CapLen >= 40 && buf[0] == 0xff && buf[6] == 0x02 && buf[11] == 0x02)
                    return (h.Len, buf.AsSpan(0, h.CapLen).ToArray());
            return (0u, Array.Empty<byte>());
        });
        Assert.True(ready.Wait(10000), "capture did not open");
        Netns.InNamespace(ns.B, () => LiveNetnsFixture.SendTagged(ns.VethB)).Wait();
        var (len, frame) = capture.Result;
        Assert.Equal(54u, len);
        Assert.Equal(54, frame.Length);
        // 802.1Q, priority 1, VLAN 10, then IPv4
        Assert.Equal(new byte[] { 0x81, 0x00, 0x20, 0x0a, 0x08, 0x00 }, frame.AsSpan(12, 6).ToArray());
        Assert.Equal("dkvlan10", Encoding.ASCII.GetString(frame, 46, 8));
    }
}
