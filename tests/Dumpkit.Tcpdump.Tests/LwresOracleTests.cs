// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Text;
using Dumpkit.Tcpdump.Tests.Support;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// BIND 9's lightweight resolver protocol (UDP 921) against Debian's tcpdump 4.99.3: no-op, get-addresses-by-name,
/// get-name-by-address and get-rdata-by-name requests and responses (IPv4, IPv6, other and short addresses, aliases, rdata
/// and signatures, names without their NUL), unknown opcodes, other versions, extra packet flags, length mismatches and
/// trailing bytes; each whole, cut at every length and with seeded byte changes. Skipped without /usr/bin/tcpdump.
/// </summary>
public class LwresOracleTests
{
    public static IEnumerable<object[]> Options() => new[] { "", "-v", "-vv", "-vvv", "-x" }.Select(o => new object[] { o });

    private static byte[] U16(int v) => [(byte)(v >> 8), (byte)v];

    private static byte[] U32(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, v);
        return b;
    }

    private static byte[] Name(string s, bool nul = true) => [.. U16(s.Length), .. Encoding.Latin1.GetBytes(s), .. (nul ? new byte[] { 0 } : [0x41])];

    private static byte[] Packet(uint opcode, bool response, byte[] body, int version = 0, int flags = 0, int lengthDelta = 0)
    {
        int len = 28 + body.Length + lengthDelta;
        return [.. U32((uint)len), .. U16(version), .. U16(flags | (response ? 1 : 0)), .. U32(0x1234), .. U32(opcode), .. U32(3), .. U32(1024),
            .. U16(0x55), .. U16(0), .. body];
    }

    private static byte[] Addr(uint family, byte[] a) => [.. U32(family), .. U16(a.Length), .. a];

    private static IEnumerable<byte[]> Packets()
    {
        byte[] v4 = [192, 0, 2, 7], v6 = Convert.FromHexString("20010db80000000000000000000000a1");
        yield return Packet(0, false, [.. U16(3), 1, 2, 3]);
        yield return Packet(0, true, [.. U16(0)], lengthDelta: -2);
        foreach (uint types in new uint[] { 1, 2, 3, 0, 0x13 })
            yield return Packet(0x00010001, false, [.. U32(0x11), .. U32(types), .. Name("www.example.org")]);
        yield return Packet(0x00010001, false, [.. U32(0), .. U32(1), .. Name("na\u0001m\u00e9", nul: false)]);
        yield return Packet(0x00010001, true, [.. U32(0x22), .. U16(2), .. U16(3), .. Name("www.example.org"),
            .. Name("alias1"), .. Name("a2", nul: false), .. Addr(1, v4), .. Addr(2, v6), .. Addr(7, [1, 2, 3])]);
        yield return Packet(0x00010001, true, [.. U32(0), .. U16(0), .. U16(2), .. Name("h"), .. Addr(1, [1, 2, 3, 4, 5, 6, 7, 8]), .. Addr(1, v4)]);
        yield return Packet(0x00010001, true, [.. U32(0), .. U16(0), .. U16(1), .. Name("h"), .. Addr(1, [1, 2])]);
        yield return Packet(0x00010001, true, [.. U32(0), .. U16(0), .. U16(1), .. Name("h"), .. Addr(2, v4)]);
        yield return Packet(0x00010002, false, [.. U32(0x33), .. Addr(1, v4)]);
        yield return Packet(0x00010002, false, [.. U32(0), .. Addr(2, v6)], lengthDelta: 4);
        yield return Packet(0x00010002, false, [.. U32(0), .. Addr(9, [0xde, 0xad])]);
        yield return Packet(0x00010002, false, [.. U32(0), .. Addr(2, [1, 2, 3, 4])]);
        yield return Packet(0x00010002, true, [.. U32(0x44), .. U16(2), .. Name("host.example.org"), .. Name("al1"), .. Name("al2")]);
        foreach (int cls in new[] { 1, 3, 4, 255, 42 })
            yield return Packet(0x00010003, false, [.. U32(0x55), .. U16(cls), .. U16(cls == 42 ? 999 : 28), .. Name("rr.example.org")]);
        yield return Packet(0x00010003, true, [.. U32(0x66), .. U16(1), .. U16(16), .. U32(93784), .. U16(2), .. U16(1), .. Name("rr"),
            .. U16(3), 1, 2, 3, .. U16(0), .. U16(2), 0xab, 0xcd]);
        yield return Packet(0x00010003, true, [.. U32(0), .. U16(3), .. U16(46), .. U32(0), .. U16(0), .. U16(0), .. Name("rr")]);
        yield return Packet(0x00020000, false, [1, 2, 3, 4]);
        yield return Packet(0x00020000, true, [1, 2, 3, 4]);
        yield return Packet(0, false, [.. U16(0), 9, 9], version: 1);
        yield return Packet(0, true, [.. U16(0), 9, 9], flags: 0x8000, lengthDelta: -1);
        yield return Packet(0x00010001, false, [.. U32(0), .. U32(1), .. Name("x")], lengthDelta: 8);
        yield return Packet(0, false, [], version: 7, lengthDelta: 100)[..26];
    }

    [SkippableTheory]
    [MemberData(nameof(Options))]
    public void LwresMatchesSystemTcpdump(string options)
    {
        Skip.IfNot(UdpOracle.HaveTcpdump, UdpOracle.SkipMessage);
        var frames = Packets().SelectMany(m => new[]
        {
            (UdpOracle.Frame(m, 921, 40000), false), (UdpOracle.Frame(m, 40001, 921, v6: true), true),
        });
        UdpOracle.AssertSameOutput(frames, options, 921);
    }
}
