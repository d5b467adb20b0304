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

    /// <summary>A stream the capture thread writes to (with -l, once per packet) while the test reads snapshots.</summary>
    private sealed class SyncStream : Stream
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

    /// <summary>Captures on lo while sending datagrams until <paramref name="done"/> holds for the output, then stops with the token.</summary>
    private static (int Rc, string Out, string Err) CaptureWhileSending(string[] args, Func<int, byte[]> payload, Func<string, int, bool> done, int port)
    {
        var o = new SyncStream();
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
        var (rc, text, e) = CaptureWhileSending(["-i", "lo", "-n", "-l", "-p"], _ => Encoding.ASCII.GetBytes("dumpkit-live-test"), (s, _) => s.Contains(want), port);
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
        var (rc, text, _) = CaptureWhileSending(["-i", "lo", "-n", "-l", "-t", "-A"], n => Encoding.ASCII.GetBytes($"dkmark{n:D4}"), (s, sent) => sent >= 5 && s.Contains($"dkmark{sent - 1:D4}"), port);
        Assert.Equal(0, rc);
        var marks = System.Text.RegularExpressions.Regex.Matches(text, "dkmark[0-9]{4}").Select(m => m.Value).ToList();
        Assert.NotEmpty(marks);
        Assert.Equal(marks.Count, marks.Distinct().Count());
    }
}
