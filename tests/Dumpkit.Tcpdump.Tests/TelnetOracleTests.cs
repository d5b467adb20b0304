// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

using Dumpkit.Tcpdump.Tests.Support;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// The Telnet printer (TCP port 23) against Debian's tcpdump 4.99.3: segments starting with every command, option
/// negotiation for every option number, subnegotiations (plain, AUTHENTICATION, ENCRYPT, unknown qualifiers, without
/// their IAC SE, with IAC IAC inside), each whole, cut short at every length of the payload and with seeded changes
/// towards command bytes; both outputs and exit status must be identical, with -X -vvv's hex form too. Skipped without
/// /usr/bin/tcpdump.
/// </summary>
public class TelnetOracleTests
{
    public static IEnumerable<object[]> Options() => new[] { "", "-v", "-X -vvv", "-X", "-x -vvv", "-q" }.Select(o => new object[] { o });

    private const int PayloadOffset = 14 + 20 + 20;

    private static byte[] Segment(byte[] payload, bool fromServer)
    {
        var p = new byte[PayloadOffset + payload.Length];
        Convert.FromHexString("00112233445566778899aabb0800").CopyTo(p, 0);
        PrinterOracleTests.WriteIpv4Header(p.AsSpan(14), 40 + payload.Length, 6, [10, 0, 0, 1], [10, 0, 0, 2], id: 7);
        var tcp = p.AsSpan(34);
        BinaryPrimitives.WriteUInt16BigEndian(tcp, (ushort)(fromServer ? 23 : 40000));
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], (ushort)(fromServer ? 40000 : 23));
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], 1000);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], 2000);
        tcp[12] = 0x50;
        tcp[13] = 0x18;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 65535);
        payload.CopyTo(tcp[20..]);
        uint pseudo = 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 6 + (uint)(20 + payload.Length);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], PrinterOracleTests.Checksum(tcp, pseudo));
        return p;
    }

    private static byte[] H(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    private static IEnumerable<byte[]> Payloads(Random r)
    {
        for (int c = 230; c < 256; c++) yield return [0xff, (byte)c, 0xff, 0xf1, .. "text"u8];
        for (int verb = 251; verb <= 254; verb++)
        {
            var b = new List<byte>();
            for (int opt = verb - 251; opt < 48; opt += 4) b.AddRange([0xff, (byte)verb, (byte)opt]);
            b.AddRange([0xff, (byte)verb, 0xff, 0xff, (byte)verb, 0x8a]);
            yield return [.. b];
        }
        yield return H("fffa1801fff0 fffa1800 7674313030 fff0 fffa1f 0050 0018 fff0");
        yield return H("fffa2500 02 03 0102 fff0 fffa2501 08 fff0 fffa2502 20 fff0 fffa2503 fff0 fffa25 fff0 fffa2509 0f fff0");
        yield return H("fffa2600 01 fff0 fffa2601 05 fff0 fffa2602 09 0a0b fff0 fffa2609 ff fff0 fffa2608 fff0 fffa26 fff0");
        yield return H("fffa2002 41 fff0 fffa2707 00 fff0 fffa28 0102 fff0 fffaff 01 fff0 fffa22 01 03 fff0");
        yield return H("fffa1800 41 42 ff ff 43 fff0 fffb01");
        yield return H("fffa1801 0001 02");
        yield return H("fffa1801 0001 ff");
        yield return H("fffa18");
        yield return H("fffa18ff");
        yield return H("fffa");
        yield return H("ff");
        yield return H("fffb");
        yield return H("fffd01 41 fffb03");
        yield return H("41 fffd01");
        yield return H("fffffffd18fff9fff6");
        for (int k = 0; k < 10; k++)
        {
            var m = new byte[2 + r.Next(30)];
            r.NextBytes(m);
            m[0] = 0xff;
            for (int i = 1; i < m.Length; i++)
                if (r.Next(3) == 0) m[i] = (byte)(new[] { 0xff, 0xfa, 0xf0, 0xfd, 0x18, 0x25, 0x26 })[r.Next(7)];
            yield return m;
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Options))]
    public void GeneratedCutAndChangedSegmentsMatchSystemTcpdump(string options)
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle");
        var r = new Random(20261207);
        int i = 0;
        FrameOracle.AssertWholeCutChanged(Payloads(r).Select(p => Segment(p, i++ % 2 == 0)), options, r, PayloadOffset, changes: 4,
            value: g => g.Next(2) == 0 ? (byte)g.Next(256) : (byte)(0xf0 + g.Next(16)));
    }

    /// <summary>The suite's own captures of this protocol, cut and changed as <see cref="PrinterCutOracleTests"/> does.</summary>
    [SkippableTheory]
    [InlineData("telnet-iac-check-oobr.pcap", "-vvv -e")]
    [InlineData("telnet-iac-check-oobr.pcap", "")]
    [InlineData("telnet-iac-check-oobr.pcap", "-X -vvv")]
    public void ConformanceCapturesCutAndChangedMatchSystemTcpdump(string file, string options) =>
        new PrinterCutOracleTests().CutAndChangedPacketsMatchSystemTcpdump(file, options);
}
