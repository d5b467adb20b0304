// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;
using Dumpkit.Tcpdump.Tests.Support;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// Kerberos (UDP 88 and 750: every protocol version byte tcpdump names, every Kerberos 4 message type in both byte orders)
/// and Cisco auto-RP (UDP 496: announcements and mappings, several RPs and group entries, reserved bits) against Debian's
/// tcpdump 4.99.3, whole, cut at every length and with seeded byte changes; outputs must be identical. The printers that
/// tcpdump's babel_update_oobr test reaches through its ports. Skipped without /usr/bin/tcpdump.
/// </summary>
public class KerberosAutoRpOracleTests
{
    public static IEnumerable<object[]> Options() => new[] { "", "-v", "-vv", "-x" }.Select(o => new object[] { o });

    private static byte[] Z(string s) => [.. Encoding.Latin1.GetBytes(s), 0];

    private static IEnumerable<byte[]> KerberosMessages()
    {
        byte[] names = [.. Z("alice"), .. Z("ad\u0001m\u00e9n"), .. Z("EXAMPLE.ORG")];
        foreach (byte pvno in new byte[] { 0, 1, 2, 3, 5, 106, 107 }) yield return [pvno, 2, .. names];
        foreach (byte le in new byte[] { 0, 1 })
        {
            yield return [4, (byte)(2 | le), .. names, 1, 2, 3, 4, 96, .. Z("krbtgt"), .. Z("EXAMPLE.ORG")];
            yield return [4, (byte)(4 | le), .. names, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0x01, 0x02, 0xaa];
            yield return [4, (byte)(6 | le), 7, .. Z("EXAMPLE.ORG"), 33, 44, 0xbb];
            yield return [4, (byte)(10 | le), .. names, 1, 2, 3, 4, 0, 8, 0, 0, .. Z("principal unknown")];
            yield return [4, (byte)(10 | le), .. names, 1, 2, 3, 4, 0x12, 0x34, 0, 0, .. Z("err")];
            foreach (byte t in new byte[] { 8, 12, 14, 16, 126, 0, 0x20 }) yield return [4, (byte)(t | le), .. names];
        }
        yield return [4, 2, .. Z("x"), .. Z("y")];
    }

    private static byte[] AutoRp(byte type, int hold, params byte[][] rps)
    {
        byte[] h = [type, (byte)rps.Length, (byte)(hold >> 8), (byte)hold, 0, 0, 0, 0];
        return [.. h, .. rps.SelectMany(b => b)];
    }

    private static IEnumerable<byte[]> AutoRpMessages()
    {
        byte[] rp1 = [10, 1, 2, 3, 0x02, 2, 0x00, 8, 224, 0, 0, 0, 0x03, 16, 239, 1, 0, 0];
        byte[] rp2 = [10, 9, 9, 9, 0xf7, 1, 0xfd, 32, 232, 1, 2, 3];
        byte[] rp3 = [192, 0, 2, 1, 0x00, 0];
        yield return AutoRp(0x11, 181, rp1);
        yield return AutoRp(0x12, 0, rp1, rp2, rp3);
        yield return AutoRp(0x33, 65535, rp2);
        yield return AutoRp(0x12, 3600, rp3, rp1);
        yield return [0x11, 0, 0, 0];
    }

    [SkippableTheory]
    [MemberData(nameof(Options))]
    public void KerberosMatchesSystemTcpdump(string options)
    {
        Skip.IfNot(UdpOracle.HaveTcpdump, UdpOracle.SkipMessage);
        var frames = KerberosMessages().SelectMany(m => new[]
        {
            (UdpOracle.Frame(m, 88, 40000), false), (UdpOracle.Frame(m, 40001, 750, v6: true), true),
        });
        UdpOracle.AssertSameOutput(frames, options, 88);
    }

    [SkippableTheory]
    [MemberData(nameof(Options))]
    public void AutoRpMatchesSystemTcpdump(string options)
    {
        Skip.IfNot(UdpOracle.HaveTcpdump, UdpOracle.SkipMessage);
        var frames = AutoRpMessages().SelectMany(m => new[]
        {
            (UdpOracle.Frame(m, 496, 496), false), (UdpOracle.Frame(m, 40002, 496, v6: true), true),
        });
        UdpOracle.AssertSameOutput(frames, options, 496);
    }
}
