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
