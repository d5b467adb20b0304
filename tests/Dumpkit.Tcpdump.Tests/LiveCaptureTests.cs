// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>Live AF_PACKET capture on the loopback interface (needs root; skipped otherwise).</summary>
public class LiveCaptureTests
{
    /// <summary>True when AF_PACKET capture on lo is possible here (root, CAP_NET_RAW).</summary>
    internal static bool CanCapture()
    {
        try
        {
            using var s = new Socket(AddressFamily.Packet, SocketType.Raw, (ProtocolType)IPAddress.HostToNetworkOrder((short)3));
            return Directory.Exists("/sys/class/net/lo");
        }
        catch (SocketException) { return false; }
        catch (PlatformNotSupportedException) { return false; }
    }

    /// <summary>Captures on lo while sending datagrams until <paramref name="done"/> holds for the output, then stops with the token.</summary>
    private static (int Rc, string Out, string Err) CaptureWhileSending(string[] args, Func<int, byte[]> payload, Func<string, int, bool> done, int port)
    {
        var o = new CaptureOutput();
        var err = new StringWriter();
        using var cts = new CancellationTokenSource();
        var t = Task.Run(() => TcpdumpCommand.Run(args, o, err, null, TimeZoneInfo.Utc, cts.Token));
        using var udp = new UdpClient();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        int sent = 0;
        Thread.Sleep(200); // let the socket open
        while (!t.IsCompleted && DateTime.UtcNow < deadline && !done(o.Text(), sent))
        {
            var p = payload(sent++);
            udp.Send(p, p.Length, new IPEndPoint(IPAddress.Loopback, port));
            Thread.Sleep(100);
        }
        Thread.Sleep(200);
        cts.Cancel();
        Assert.True(t.Wait(TimeSpan.FromSeconds(5)), "capture did not stop on cancellation");
        return (t.Result, o.Text(), err.ToString());
    }

    [SkippableFact]
    public void CapturesUdpOnLoopback()
    {
        Skip.IfNot(CanCapture(), "AF_PACKET capture needs root (CAP_NET_RAW) and a loopback interface");
        using var listener = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)listener.Client.LocalEndPoint!).Port;
        string want = $" > 127.0.0.1.{port}: UDP, length 17";
        var (rc, text, e) = CaptureWhileSending(["-i", "lo", "-n", "-l", "-p"],
            _ => Encoding.ASCII.GetBytes("dumpkit-live-test"), (s, _) => s.Contains(want), port);
        Assert.Equal(0, rc);
        Assert.Contains(text.Split('\n'), l => l.Contains("IP 127.0.0.1.") && l.Contains(want));
        Assert.Contains("listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes", e);
        Assert.Matches("[0-9]+ packets? captured\n[0-9]+ packets? received by filter\n[0-9]+ packets? dropped by kernel\n", e);
    }

    [SkippableFact]
    public void LoopbackPacketsAreNotDuplicated()
    {
        Skip.IfNot(CanCapture(), "AF_PACKET capture needs root (CAP_NET_RAW) and a loopback interface");
        // a listener, so that no ICMP port-unreachable (which quotes the datagram) is generated
        using var listener = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)listener.Client.LocalEndPoint!).Port;
        var (rc, text, _) = CaptureWhileSending(["-i", "lo", "-n", "-l", "-t", "-A"], n => Encoding.ASCII.GetBytes($"dkmark{n:D4}"),
            (s, sent) => sent >= 5 && s.Contains($"dkmark{sent - 1:D4}"), port);
        Assert.Equal(0, rc);
        var marks = System.Text.RegularExpressions.Regex.Matches(text, "dkmark[0-9]{4}").Select(m => m.Value).ToList();
        Assert.NotEmpty(marks);
        Assert.Equal(marks.Count, marks.Distinct().Count());
    }

    /// <summary>The ring and the recvfrom() fallback, read directly: kernel time stamps, lengths, one copy per datagram.</summary>
    [SkippableTheory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void SourceDeliversDatagramsWithKernelTimeStamps(bool noRing, bool nano)
    {
        Skip.IfNot(CanCapture(), "AF_PACKET capture needs root (CAP_NET_RAW) and a loopback interface");
        using var listener = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)listener.Client.LocalEndPoint!).Port;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var src = new Dumpkit.Pcap.Capture.AfPacketSource(
            new Dumpkit.Pcap.Capture.LiveOptions("lo", SnapLen: 60, Nano: nano, Immediate: true, NoRing: noRing), cts.Token);
        Assert.Equal(!noRing, src.MemoryMapped);
        Assert.Equal(1, src.LinkType);
        var marker = Encoding.ASCII.GetBytes($"dksrc{Environment.ProcessId}-{noRing}-{nano}-".PadRight(100, 'x'));
        using var udp = new UdpClient();
        var sender = Task.Run(async () =>
        {
            for (int i = 0; i < 3 && !cts.IsCancellationRequested; i++)
            {
                marker[^1] = (byte)('0' + i);
                await udp.SendAsync(marker, marker.Length, new IPEndPoint(IPAddress.Loopback, port));
                await Task.Delay(50);
            }
        });
        var h = new Dumpkit.Pcap.Capture.PacketHeader();
        var buf = new byte[Dumpkit.Pcap.Capture.SnapLength.Maximum];
        var seen = new List<(long Sec, long Frac)>();
        while (seen.Count < 3 && src.Next(ref h, ref buf))
        {
            // 14 Ethernet + 20 IP + 8 UDP + payload on the wire; 60 bytes kept
            if (h.Len != 142 || BitConverter.ToUInt16([buf[37], buf[36]]) != port) continue;
            Assert.Equal(60, h.CapLen);
            seen.Add((h.Seconds, h.Fraction));
        }
        sender.Wait();
        Assert.Equal(3, seen.Count);
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        foreach (var (sec, frac) in seen)
        {
            Assert.InRange(sec, now - 20, now);
            Assert.InRange(frac, 0, nano ? 999_999_999 : 999_999);
        }
        Assert.True(seen[0].CompareTo(seen[1]) < 0 && seen[1].CompareTo(seen[2]) < 0, "time stamps must increase");
        var (recv, drops) = src.ReadStats();
        Assert.True(recv >= 3, $"received by filter: {recv}");
        Assert.Equal(0UL, drops);
    }

    /// <summary>--immediate-mode: a lone packet is printed while the capture runs.</summary>
    [SkippableFact]
    public void ImmediateModePrintsALonePacketAtOnce()
    {
        Skip.IfNot(CanCapture(), "AF_PACKET capture needs root (CAP_NET_RAW) and a loopback interface");
        using var listener = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)listener.Client.LocalEndPoint!).Port;
        var o = new CaptureOutput();
        var err = new StringWriter();
        var syncErr = TextWriter.Synchronized(err);
        using var cts = new CancellationTokenSource();
        var t = Task.Run(() => TcpdumpCommand.Run(["-i", "lo", "-n", "-l", "--immediate-mode"], o, syncErr, null, TimeZoneInfo.Utc, cts.Token));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        bool Listening() { lock (syncErr) return err.ToString().Contains("listening on"); } // SyncTextWriter locks itself
        while (!Listening() && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Thread.Sleep(100);
        using var udp = new UdpClient();
        var p = Encoding.ASCII.GetBytes("dumpkit-immediate");
        udp.Send(p, p.Length, new IPEndPoint(IPAddress.Loopback, port));
        string want = $".{port}: UDP, length {p.Length}";
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!o.Text().Contains(want) && DateTime.UtcNow < until) Thread.Sleep(2);
        cts.Cancel();
        Assert.True(t.Wait(TimeSpan.FromSeconds(5)), "capture did not stop on cancellation");
        Assert.Contains(want, o.Text()); // printed while the capture still runs, with no packet after it
    }

    /// <summary>
    /// What makes --immediate-mode immediate on the ring: the kernel hands a partly filled block
    /// over after 1 ms instead of tcpdump's 1 s buffer timeout. (The latency itself is not
    /// asserted: timing belongs to benchmarks, not tests.)
    /// </summary>
    [SkippableTheory]
    [InlineData(true, 1u)]
    [InlineData(false, 1000u)]
    public void ImmediateModeSetsAOneMillisecondBlockTimeout(bool immediate, uint timeoutMs)
    {
        Skip.IfNot(CanCapture(), "AF_PACKET capture needs root (CAP_NET_RAW) and a loopback interface");
        using var cts = new CancellationTokenSource();
        using var src = new Dumpkit.Pcap.Capture.AfPacketSource(
            new Dumpkit.Pcap.Capture.LiveOptions("lo", Immediate: immediate), cts.Token);
        Skip.IfNot(src.MemoryMapped, "no TPACKET_V3 ring here (recvmsg() fallback)");
        Assert.Equal(timeoutMs, src.RingBlockTimeoutMs);
    }
}
