// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Text;
using Dumpkit.Tcpdump.Tests.Support;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// MSDP (TCP 639: every TLV type, entry counts with and without an encapsulated IPv4 packet, lengths at and past the limits,
/// several TLVs in a segment) and BEEP (TCP 10288: every frame keyword, with the byte tcpdump compares after it) against
/// Debian's tcpdump 4.99.3, each segment whole, cut at every length and with seeded byte changes.
/// </summary>
public class MsdpBeepOracleTests
{
    public static IEnumerable<object[]> Options() => new[] { "", "-v", "-vv", "-vvv", "-x" }.Select(o => new object[] { o });

    private const int PayloadOffset = 14 + 20 + 20;

    private static byte[] Segment(byte[] payload, int port, bool toServer)
    {
        var f = PrinterOracleTests.TcpPacket([], 0x18, payload);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(34), (ushort)(toServer ? 40000 : port));
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(36), (ushort)(toServer ? port : 40000));
        return f;
    }

    private static byte[] Tlv(int type, byte[] value, int lengthDelta = 0) =>
        [(byte)type, (byte)((value.Length + 3 + lengthDelta) >> 8), (byte)(value.Length + 3 + lengthDelta), .. value];

    private static byte[] InnerIpv4()
    {
        var p = new byte[28];
        PrinterOracleTests.WriteIpv4Header(p, 28, 17, [192, 0, 2, 1], [239, 1, 2, 3]);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(20), 5000);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(22), 6000);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(24), 8);
        return p;
    }

    private static byte[] SourceActive(int entries, bool data, int type = 1)
    {
        var v = new List<byte> { (byte)entries, 10, 0, 0, 9 };
        for (int i = 0; i < entries; i++) v.AddRange([0, 0, 0, 32, 239, 1, 2, (byte)i, 192, 0, 2, (byte)(i + 1)]);
        if (data) v.AddRange(InnerIpv4());
        return Tlv(type, [.. v]);
    }

    private static IEnumerable<byte[]> MsdpPayloads(Random r)
    {
        yield return SourceActive(0, false);
        yield return SourceActive(1, false);
        yield return SourceActive(2, true);
        yield return SourceActive(3, true, 3);
        yield return Tlv(2, [0, 239, 1, 2, 3]);
        yield return Tlv(4, []);
        yield return Tlv(4, [1, 2]);
        yield return Tlv(5, [0x81, 0, 0, 0, 0]);
        for (int t = 6; t <= 9; t++) yield return Tlv(t, [1, 2, 3, 4]);
        yield return Tlv(0, [1, 2]);
        yield return Tlv(4, [], -1);
        yield return Tlv(1, new byte[1398]);
        yield return Tlv(1, new byte[1500]);
        yield return [.. Tlv(4, []), .. SourceActive(1, true), .. Tlv(2, [0, 239, 9, 9, 9]), .. Tlv(5, [1])];
        yield return [.. Tlv(4, []), .. Tlv(2, [0, 1, 2], 40)];
        yield return [.. Tlv(4, []), 4];
        for (int k = 0; k < 8; k++)
        {
            var v = new byte[r.Next(1, 30)];
            r.NextBytes(v);
            yield return [.. Tlv(r.Next(1, 8), v), .. Tlv(r.Next(0, 9), v[..r.Next(v.Length)])];
        }
    }

    private static IEnumerable<byte[]> BeepPayloads()
    {
        foreach (var s in new[] { "MSG 1 2 . 0 5\r\nhello", "MSG\0", "RPY 1 2 . 0 0\r\n", "ERR 1 2 . 0 0\r\n", "ANS 1 2 . 0 1 0\r\n",
                     "NUL 1 2 . 0 0\r\n", "SEQ 1 0 4096\r\n", "END\r\n", "END\0", "END", "MSG", "RPY", "GET / HTTP/1.0\r\n", "" })
            yield return Encoding.Latin1.GetBytes(s);
    }

    [SkippableTheory]
    [MemberData(nameof(Options))]
    public void GeneratedMsdpAndBeepSegmentsMatchSystemTcpdump(string options)
    {
        Skip.IfNot(UdpOracle.HaveTcpdump, UdpOracle.SkipMessage);
        var r = new Random(3618);
        int i = 0;
        var frames = MsdpPayloads(r).Select(p => Segment(p, 639, i++ % 2 == 0))
            .Concat(BeepPayloads().Select(p => Segment(p, 10288, i++ % 2 == 0)));
        FrameOracle.AssertWholeCutChanged(frames, options, r, PayloadOffset, changes: 8);
    }
}
