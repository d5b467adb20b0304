// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Dumpkit.Tcpdump.Tests.Filter;

/// <summary>Live capture with a filter: the program is attached to the AF_PACKET socket (root only).</summary>
public class FilterLiveTests(ITestOutputHelper log)
{
    /// <summary>Captures on lo with the expression while pinging and sending UDP noise; returns (lines, captured, received, udpSent).</summary>
    private (string[] Lines, int Captured, int Received, int UdpSent, string Err) CaptureIcmp(string expr)
    {
        using var listener = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)listener.Client.LocalEndPoint!).Port;
        var o = new CaptureOutput();
        var err = new StringWriter();
        using var cts = new CancellationTokenSource();
        var t = Task.Run(() => TcpdumpCommand.Run(["-i", "lo", "-n", "-l", "-p", expr], o, err, null, TimeZoneInfo.Utc, cts.Token));
        Thread.Sleep(500);
        using var udp = new UdpClient();
        using var ping = new Ping();
        int udpSent = 0, pings = 0;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!t.IsCompleted && DateTime.UtcNow < deadline && (pings < 4 || Regex.Matches(o.Text(), "ICMP echo reply").Count < 4))
        {
            for (int i = 0; i < 10; i++, udpSent++)
                udp.Send(Encoding.ASCII.GetBytes($"noise{udpSent}"), new IPEndPoint(IPAddress.Loopback, port));
            ping.Send(IPAddress.Loopback, 1000);
            pings++;
            Thread.Sleep(100);
        }
        Thread.Sleep(300);
        cts.Cancel();
        Assert.True(t.Wait(TimeSpan.FromSeconds(5)), "capture did not stop");
        var text = o.Text();
        var e = err.ToString();
        log.WriteLine(text);
        log.WriteLine(e);
        Assert.Equal(0, t.Result);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var m = Regex.Match(e, "([0-9]+) packets? captured\n([0-9]+) packets? received by filter\n");
        Assert.True(m.Success, e);
        return (lines, int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value), udpSent, e);
    }

    [SkippableFact]
    public void IcmpFilterOnLoopbackSeesOnlyIcmpAndFiltersInTheKernel()
    {
        Skip.IfNot(LiveCaptureTests.CanCapture(), "live capture needs root (CAP_NET_RAW) and a loopback interface");
        var (lines, captured, received, udpSent, err) = CaptureIcmp("icmp");
        Assert.DoesNotContain("Kernel filter failed", err);
        Assert.NotEmpty(lines);
        // only ICMP (other tests running beside this one may add their own ICMP on lo, such as port unreachables)
        Assert.All(lines, l => Assert.Contains(": ICMP ", l));
        Assert.Contains(lines, l => l.Contains("ICMP echo request"));
        // with the program in the kernel, the UDP noise never reaches the socket: "received by filter" counts
        // only the ICMP packets (each seen twice on lo), not the udpSent datagrams
        Assert.True(udpSent >= 40, "enough noise was sent");
        Assert.True(received <= 2 * captured + 8, $"received by filter {received}, captured {captured}, UDP noise {udpSent}: the kernel did not filter");
    }

    /// <summary>
    /// Packets taken before the filter went in sit in the ring block the kernel is still filling (it hands a
    /// block over when full or after 1 s): they must not come out. Without the user-space pass over those
    /// blocks the UDP datagrams sent just before AttachFilter were the first packets read.
    /// </summary>
    [SkippableFact]
    public void PacketsQueuedBeforeTheFilterAreFilteredToo()
    {
        Skip.IfNot(LiveCaptureTests.CanCapture(), "live capture needs root (CAP_NET_RAW) and a loopback interface");
        using var listener = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)listener.Client.LocalEndPoint!).Port;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var src = new Dumpkit.Pcap.Capture.AfPacketSource(new Dumpkit.Pcap.Capture.LiveOptions("lo", Promiscuous: false), cts.Token);
        using (var udp = new UdpClient())
            for (int i = 0; i < 20; i++)
                udp.Send(Encoding.ASCII.GetBytes($"early{i}"), new IPEndPoint(IPAddress.Loopback, port));
        var prog = Dumpkit.Pcap.Filter.FilterCompiler.Compile("icmp", new Dumpkit.Pcap.Filter.FilterTarget(src.LinkType), optimize: true);
        Assert.True(src.AttachFilter(prog, out var refused), refused);
        using (var ping = new Ping())
            ping.Send(IPAddress.Loopback, 1000);
        var h = new Dumpkit.Pcap.Capture.PacketHeader();
        var buf = new byte[Dumpkit.Pcap.Capture.SnapLength.Maximum];
        for (int n = 0; n < 2; n++)
        {
            Assert.True(src.Next(ref h, ref buf), "no packet within 20 s");
            // Ethernet (lo): IPv4 ethertype at 12, protocol at 23; 1 = ICMP, 17 = the early UDP
            Assert.Equal(0x0800, (buf[12] << 8) | buf[13]);
            Assert.Equal(1, buf[23]);
        }
    }

    [SkippableFact]
    public void ProgramTheKernelRefusesIsRunInUserSpace()
    {
        Skip.IfNot(LiveCaptureTests.CanCapture(), "live capture needs root (CAP_NET_RAW) and a loopback interface");
        // protochain loops with a backward jump: the kernel refuses it, libpcap (and we) filter in user space
        var (lines, captured, received, udpSent, err) = CaptureIcmp("ip protochain 1");
        Assert.StartsWith("Warning: Kernel filter failed: Invalid argument\n", err);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Contains(": ICMP ", l));
        Assert.True(received >= 2 * captured + udpSent,
            $"received by filter {received}, captured {captured}, UDP noise {udpSent}: the noise should reach the socket");
    }
}
