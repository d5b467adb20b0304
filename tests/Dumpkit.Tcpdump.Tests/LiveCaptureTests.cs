using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>Live AF_PACKET capture on the loopback interface (needs root; skipped otherwise).</summary>
public class LiveCaptureTests
{
    private static bool CanCapture()
    {
        try
        {
            using var s = new Socket(AddressFamily.Packet, SocketType.Raw, (ProtocolType)IPAddress.HostToNetworkOrder((short)3));
            return Directory.Exists("/sys/class/net/lo");
        }
        catch (SocketException) { return false; }
        catch (PlatformNotSupportedException) { return false; }
    }

    [SkippableFact]
    public void CapturesUdpOnLoopback()
    {
        Skip.IfNot(CanCapture(), "AF_PACKET capture needs root (CAP_NET_RAW) and a loopback interface");
        var o = new MemoryStream();
        var err = new StringWriter();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        int port = 40000 + Random.Shared.Next(20000);
        var t = Task.Run(() => TcpdumpCommand.Run(["-i", "lo", "-n", "-c", "3", "-p"], o, err, null, TimeZoneInfo.Utc, cts.Token));
        using var udp = new UdpClient();
        var payload = Encoding.ASCII.GetBytes("dumpkit-live-test");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!t.IsCompleted && DateTime.UtcNow < deadline)
        {
            udp.Send(payload, payload.Length, new IPEndPoint(IPAddress.Loopback, port));
            Thread.Sleep(100);
        }
        Assert.True(t.Wait(TimeSpan.FromSeconds(5)), "capture did not finish");
        Assert.Equal(0, t.Result);
        var text = Encoding.Latin1.GetString(o.ToArray());
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 3, text + err);
        Assert.Contains(lines, l => l.Contains($"IP 127.0.0.1.") && l.Contains($" > 127.0.0.1.{port}: UDP, length 17"));
        var e = err.ToString();
        Assert.Contains("listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes", e);
        Assert.Contains("3 packets captured", e);
        Assert.Contains("received by filter", e);
        Assert.Contains("dropped by kernel", e);
    }

    [SkippableFact]
    public void LoopbackPacketsAreNotDuplicated()
    {
        Skip.IfNot(CanCapture(), "AF_PACKET capture needs root (CAP_NET_RAW) and a loopback interface");
        var o = new MemoryStream();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        int port = 40000 + Random.Shared.Next(20000);
        // a listener, so that no ICMP port-unreachable (which quotes the datagram) is generated
        using var listener = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        port = ((IPEndPoint)listener.Client.LocalEndPoint!).Port;
        var t = Task.Run(() => TcpdumpCommand.Run(["-i", "lo", "-n", "-c", "6", "-t", "-A"], o, TextWriter.Null, null, TimeZoneInfo.Utc, cts.Token));
        using var udp = new UdpClient();
        int sent = 0;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!t.IsCompleted && DateTime.UtcNow < deadline)
        {
            var payload = Encoding.ASCII.GetBytes($"dkmark{sent++:D4}");
            udp.Send(payload, payload.Length, new IPEndPoint(IPAddress.Loopback, port));
            Thread.Sleep(150);
        }
        Assert.True(t.Wait(TimeSpan.FromSeconds(5)));
        var text = Encoding.Latin1.GetString(o.ToArray());
        var marks = System.Text.RegularExpressions.Regex.Matches(text, "dkmark[0-9]{4}").Select(m => m.Value).ToList();
        Assert.NotEmpty(marks);
        Assert.Equal(marks.Count, marks.Distinct().Count());
    }
}
