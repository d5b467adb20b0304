// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

using Dumpkit.Tcpdump.Tests.Support;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// TIPC (EtherType 0x88ca) and IPComp (IP protocol 108) against Debian's tcpdump 4.99.3: generated messages of every
/// TIPC user and header size and IPComp over IPv4 and IPv6, each whole, cut short at every length and with seeded byte
/// changes; both outputs must be identical. Skipped without /usr/bin/tcpdump.
/// </summary>
public class TipcIpcompOracleTests
{
    public static IEnumerable<object[]> Options() => new[] { "", "-v", "-e", "-vv -e", "-x", "-q" }.Select(o => new object[] { o });

    private static readonly byte[] Macs = Convert.FromHexString("00112233445566778899aabb");

    private static IEnumerable<byte[]> Frames(Random r)
    {
        for (int user = 0; user < 16; user++)
            foreach (int hsize in new[] { 6, 8, 10, 11 })
            {
                var m = new byte[44];
                r.NextBytes(m);
                uint w0 = (uint)(r.Next(8) << 29 | user << 25 | hsize << 21 | r.Next(0x20000));
                BinaryPrimitives.WriteUInt32BigEndian(m, w0);
                yield return [.. Macs, 0x88, 0xca, .. m];
            }
        var ip4 = new byte[32];
        PrinterOracleTests.WriteIpv4Header(ip4, ip4.Length, 108, [10, 0, 0, 1], [10, 0, 0, 2]);
        ip4[20] = 4;
        ip4[22] = 0x12;
        ip4[23] = 0x34;
        yield return [.. Macs, 0x08, 0x00, .. ip4];
        var ip6 = new byte[52];
        ip6[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(ip6.AsSpan(4), 12);
        ip6[6] = 108;
        ip6[7] = 64;
        ip6[23] = 1;
        ip6[39] = 2;
        ip6[40] = 41;
        ip6[42] = 0xab;
        ip6[43] = 0xcd;
        yield return [.. Macs, 0x86, 0xdd, .. ip6];
    }

    [SkippableTheory]
    [MemberData(nameof(Options))]
    public void GeneratedCutAndChangedMessagesMatchSystemTcpdump(string options)
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle");
        var r = new Random(20261207);
        FrameOracle.AssertWholeCutChanged(Frames(r), options, r, cutFrom: 14, changes: 4);
    }
}
