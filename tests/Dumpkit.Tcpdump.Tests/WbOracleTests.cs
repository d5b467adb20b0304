// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

using Dumpkit.Tcpdump.Tests.Support;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// The whiteboard printer (UDP destination port 4567) against Debian's tcpdump 4.99.3: generated messages of every
/// type (drawing operations with SKIP/HOLE jumps, announcements with site lists, page replies), each whole, cut short
/// at every length and with seeded byte changes; both outputs must be identical. Skipped without /usr/bin/tcpdump.
/// </summary>
public class WbOracleTests
{
    public static IEnumerable<object[]> Options() => new[] { "", "-v", "-vv", "-x" }.Select(o => new object[] { o });

    private static byte[] Udp(byte[] payload)
    {
        var b = new byte[14 + 28 + payload.Length];
        Convert.FromHexString("00112233445566778899aabb0800").CopyTo(b, 0);
        PrinterOracleTests.WriteIpv4Header(b.AsSpan(14), 28 + payload.Length, 17, [10, 0, 0, 1], [224, 0, 0, 9]);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(34), 4567);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(36), 4567);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(38), (ushort)(8 + payload.Length));
        payload.CopyTo(b, 42);
        return b;
    }

    private static byte[] Be(params uint[] words)
    {
        var b = new byte[words.Length * 4];
        for (int i = 0; i < words.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(i * 4), words[i]);
        return b;
    }

    private static IEnumerable<byte[]> Messages(Random r)
    {
        byte[] Hdr(int type, int flags) => [1, 2, 3, 4, 0, 0, 0, 9, 0, 1, (byte)type, (byte)flags];
        // drawing ops: RECT, a SKIP to 7, LINE, a HOLE backwards, STR
        byte[] ops = [.. Be(1, 0x00040002), 1, 2, 3, 4, .. Be(7, 0x00000e), .. Be(8, 0x00020003), 9, 9, 0, 0, .. Be(3, 0x0000000f),
            .. Be(9, 0x00010009), 0x41, 0, 0, 0];
        yield return [.. Hdr(0, 0), .. Be(0x0a000001, 5, 5, 9), .. ops];
        yield return [.. Hdr(0, 1), .. Be(0x0a000001, 5, 10, 2), .. ops];
        yield return [.. Hdr(3, 0), .. Be(0x0a000002, 0x0a000001, 5, 5, 9), .. ops];
        yield return [.. Hdr(2, 0), .. Be(0x0a000002, 0x0a000001, 5, 5, 9)];
        yield return [.. Hdr(5, 2), .. Be(0x0a000001, 5, 1, 9)];
        yield return [.. Hdr(4, 0)];
        yield return [.. Hdr(6, 0), 1, 2, 3, 4];
        yield return [.. Hdr(1, 0), .. Be(3, 0x0a000001, 4, 2, 0x0a000002, 6, 0x00020000), .. Be(0x0a000003, 11, 0x0a000004, 12),
            .. "site-\u0001\u00e9name\0junk"u8.ToArray()];
        yield return [.. Hdr(7, 0), .. Be(2, 1, 0x0a000001, 2, 0x02000000), .. Be(0x0a000003, 11, 0x0a000004, 12),
            .. Be(3, 0x0a000002, 4, 0)];
        for (int k = 0; k < 8; k++)
        {
            var m = new byte[12 + r.Next(40)];
            r.NextBytes(m);
            m[10] = (byte)r.Next(9);
            yield return m;
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Options))]
    public void GeneratedCutAndChangedMessagesMatchSystemTcpdump(string options)
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle");
        var r = new Random(20261207);
        FrameOracle.AssertWholeCutChanged(Messages(r).Select(Udp), options, r, cutFrom: 42, changes: 6);
    }
}
