// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

using Dumpkit.Tcpdump.Tests.Support;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// The L2TP printer (UDP port 1701) against Debian's tcpdump 4.99.3: control messages carrying every AVP tcpdump decodes
/// at its proper length and cut below it, hidden, mandatory and vendor AVPs, AVP lengths that overrun; headers with
/// every flag (sequence numbers, offset padding, priority), ZLB, missing and oversized lengths, L2F and unknown versions;
/// data messages carrying PPP; each whole, cut short at every length and with seeded byte changes; both outputs and exit
/// status must be identical. Skipped without /usr/bin/tcpdump.
/// </summary>
public class L2tpOracleTests
{
    public static IEnumerable<object[]> Options() => new[] { "", "-v", "-vv -e", "-x", "-q" }.Select(o => new object[] { o });

    private const int PayloadOffset = 14 + 20 + 8;

    private static byte[] Udp(byte[] payload, int sport)
    {
        var b = new byte[PayloadOffset + payload.Length];
        Convert.FromHexString("00112233445566778899aabb0800").CopyTo(b, 0);
        PrinterOracleTests.WriteIpv4Header(b.AsSpan(14), 28 + payload.Length, 17, [10, 0, 0, 1], [10, 0, 0, 2]);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(34), (ushort)sport);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(36), 1701);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(38), (ushort)(8 + payload.Length));
        payload.CopyTo(b, PayloadOffset);
        return b;
    }

    private static byte[] H(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    private static byte[] Avp(int type, byte[] value, int flags = 0x8000, int vendor = 0, int lengthDelta = 0)
    {
        int len = 6 + value.Length + lengthDelta;
        return [(byte)((flags | len) >> 8), (byte)len, (byte)(vendor >> 8), (byte)vendor, (byte)(type >> 8), (byte)type, .. value];
    }

    private static byte[] Control(byte[] avps, int extraFlags = 0, string extra = "")
    {
        byte[] x = H(extra);
        int len = 12 + x.Length + avps.Length;
        int h = 0xc802 | extraFlags;
        return [(byte)(h >> 8), (byte)h, (byte)(len >> 8), (byte)len, 0x12, 0x34, 0x56, 0x78, 0, 3, 0, 5, .. x, .. avps];
    }

    /// <summary>For each attribute, values of the sizes its decoder tells apart.</summary>
    private static IEnumerable<byte[]> AvpLists()
    {
        yield return [.. Avp(0, H("0001")), .. Avp(0, H("0004")), .. Avp(0, H("0005")), .. Avp(0, H("0010")), .. Avp(0, H("00"))];
        yield return [.. Avp(1, H("0001")), .. Avp(1, H("000200 06")), .. Avp(1, H("0002 0006 4572726f72")), .. Avp(1, H("00"))];
        yield return [.. Avp(2, H("0100")), .. Avp(2, H("01")), .. Avp(3, H("00000003")), .. Avp(3, H("00000001")), .. Avp(3, H("000002"))];
        yield return [.. Avp(4, H("00000002")), .. Avp(4, H("00000003")), .. Avp(4, H("00")), .. Avp(5, H("0102030405060708")),
            .. Avp(5, H("01020304050607"))];
        yield return [.. Avp(6, H("0690")), .. Avp(9, H("1234")), .. Avp(10, H("0004")), .. Avp(14, H("00")), .. Avp(10, [])];
        yield return [.. Avp(7, "host.example\u0001\u00ff"u8.ToArray()), .. Avp(8, "vendor"u8.ToArray()), .. Avp(21, "5551234"u8.ToArray()),
            .. Avp(22, []), .. Avp(23, "sub"u8.ToArray()), .. Avp(30, "user"u8.ToArray()), .. Avp(37, "grp"u8.ToArray())];
        yield return [.. Avp(11, H("0102030405")), .. Avp(26, H("0104")), .. Avp(27, []), .. Avp(28, H("ff")), .. Avp(31, H("aa")),
            .. Avp(33, H("bb")), .. Avp(36, H("00112233"))];
        yield return [.. Avp(12, H("0010 08")), .. Avp(12, H("0010 08 6361757365")), .. Avp(12, H("0010")),
            .. Avp(13, new byte[16]), .. Avp(13, new byte[15])];
        yield return [.. Avp(15, H("00000001")), .. Avp(16, H("0000fa00")), .. Avp(17, H("ffffffff")), .. Avp(24, H("000186a0")),
            .. Avp(25, H("00000002")), .. Avp(38, H("000001")), .. Avp(18, H("00000001")), .. Avp(19, H("00000002")), .. Avp(19, [])];
        yield return [.. Avp(20, H("0000")), .. Avp(29, H("0002")), .. Avp(29, H("0009")), .. Avp(29, H("00")), .. Avp(32, H("0107")),
            .. Avp(32, H("01"))];
        yield return [.. Avp(34, H("0000 00000001 00000002 00000003 00000004 00000005 00000006")), .. Avp(34, H("0000 00000001 0000")),
            .. Avp(34, H("00"))];
        yield return [.. Avp(35, H("0000 ffffffff 0000000a")), .. Avp(35, H("0000 ffffffff")), .. Avp(35, H("0000 ff")), .. Avp(35, H("00"))];
        yield return [.. Avp(39, []), .. Avp(46, H("0001 c021 01")), .. Avp(46, H("0001 c021 02 627965")), .. Avp(46, H("0001 c021 07")),
            .. Avp(46, H("0001c021")), .. Avp(40, H("01")), .. Avp(0x1234, [])];
        yield return [.. Avp(0, H("0001"), 0xc000), .. Avp(7, H("41"), 0x4000), .. Avp(3, H("00000001"), 0), .. Avp(1, H("0001"), 0x3c00)];
        yield return [.. Avp(0x0023, H("0530"), 0x8000, 1), .. Avp(0x06a5, H("19e8aabb"), 0x0000, 0x80), .. Avp(7, [], 0xc000, 9)];
        yield return [.. Avp(0, H("0001")), .. Avp(7, H("4142"), 0x8000, 0, -3)];
        yield return [.. Avp(0, H("0001")), .. Avp(7, H("4142"), 0x8000, 0, 4)];
        yield return [.. Avp(0, H("0001")), 0x80];
    }

    private static IEnumerable<byte[]> Payloads(Random r)
    {
        foreach (var avps in AvpLists()) yield return Control(avps);
        byte[] sccrq = [.. Avp(0, H("0001")), .. Avp(2, H("0100")), .. Avp(7, "lac"u8.ToArray())];
        yield return Control(sccrq, 0x0800, "0001 0002");
        yield return Control(sccrq, 0x0200, "0003 aabbcc");
        yield return Control(sccrq, 0x0b00, "0005 0006 0000");
        yield return Control(sccrq, 0x0200, "ffff 00");
        yield return Control([]);
        yield return Control([], 0x0800, "0007 0008");
        yield return H("c802 0008 0001 0002 0003");
        yield return H("c802 0040 0001 0002");
        yield return H("c802 0004 0001 0002");
        yield return H("8802 0001 0002 8008 0000 0000 0000");
        yield return H("c801 0000");
        yield return H("c803 0000");
        yield return H("c800");
        yield return H("0002 0001 0002 ff03 c021 0101 0004");
        yield return H("4002 0012 0001 0002 ff03 0021 4500000a 0000000040");
        yield return H("0802 0001 0002 0003 0004 c021 0902 0008 00000001");
        yield return H("0202 0001 0002 0002 0000 ff03 0021 45");
        yield return H("0102 0001 0002 0057");
        yield return H("0002 0001 0002");
        yield return H("4002 0100 0001 0002 ff03");
        for (int k = 0; k < 6; k++)
        {
            var m = new byte[6 + r.Next(40)];
            r.NextBytes(m);
            m[1] = (byte)((m[1] & 0xf0) | 2);
            yield return m;
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Options))]
    public void GeneratedCutAndChangedMessagesMatchSystemTcpdump(string options)
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle");
        var r = new Random(20261207);
        int i = 0;
        FrameOracle.AssertWholeCutChanged(Payloads(r).Select(p => Udp(p, i++ % 2 == 0 ? 1701 : 40000)), options, r, PayloadOffset, changes: 4);
    }

    /// <summary>The suite's own captures of this protocol, cut and changed as <see cref="PrinterCutOracleTests"/> does.</summary>
    [SkippableTheory]
    [InlineData("l2tp-avp-overflow.pcap", "-v")]
    [InlineData("l2tp-avp-overflow.pcap", "")]
    public void ConformanceCapturesCutAndChangedMatchSystemTcpdump(string file, string options) =>
        new PrinterCutOracleTests().CutAndChangedPacketsMatchSystemTcpdump(file, options);
}
