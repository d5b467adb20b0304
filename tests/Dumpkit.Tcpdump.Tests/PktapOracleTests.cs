// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

using Dumpkit.Tcpdump.Tests.Support;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// Apple's PKTAP link type (LINKTYPE_PKTAP 258 and LINKTYPE_USER2 149, as macOS writes it) against Debian's tcpdump 4.99.3:
/// generated records around packets of Ethernet, BSD null/loop, raw IP, PPP, PPP in HDLC framing, Linux SLL, IPv4/IPv6 DLTs,
/// DLTs without a printer (named and unnamed), a PKTAP record inside a PKTAP record, "no data" and unknown record types,
/// header lengths too small, too big and padded, each whole, cut short at every length and with seeded byte changes (the
/// DLT field kept: tcpdump has printers for DLTs we do not decode); outputs and exit status must be identical, -x/-X included.
/// Skipped without /usr/bin/tcpdump.
/// </summary>
public class PktapOracleTests
{
    private const int Pktap = 258, User2 = 149, HeaderLen = 108;

    public static IEnumerable<object[]> Cases()
    {
        foreach (int lt in new[] { Pktap, User2 })
            foreach (var o in new[] { "", "-e", "-q -e", "-v", "-x", "-xx", "-X -e", "-q" })
                yield return [lt, o];
    }

    private static byte[] Ipv4Udp()
    {
        var b = new byte[36];
        PrinterOracleTests.WriteIpv4Header(b, b.Length, 17, [10, 0, 0, 1], [10, 0, 0, 2]);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(20), 50000);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(22), 50001);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(24), 16);
        "payload!"u8.CopyTo(b.AsSpan(28));
        return b;
    }

    private static byte[] Ipv6Udp()
    {
        var b = new byte[48];
        b[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(4), 8);
        b[6] = 17;
        b[7] = 64;
        b[23] = 1;
        b[39] = 2;
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(40), 50000);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(42), 50001);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(44), 8);
        return b;
    }

    /// <summary>A PKTAP header of hdrLen bytes (little-endian fields, interface and command names filled in).</summary>
    private static byte[] Header(uint dlt, uint recType = 1, int hdrLen = HeaderLen, uint? claimed = null)
    {
        var h = new byte[hdrLen];
        BinaryPrimitives.WriteUInt32LittleEndian(h, claimed ?? (uint)hdrLen);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(4), recType);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(8), dlt);
        "en0"u8.CopyTo(h.AsSpan(12));
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(36), 0x1);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(40), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(44), 14);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(52), 4321);
        "curl"u8.CopyTo(h.AsSpan(56));
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(80), 6);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(84), 4321);
        "curl"u8.CopyTo(h.AsSpan(88));
        return h;
    }

    private static IEnumerable<byte[]> Records()
    {
        byte[] ip4 = Ipv4Udp(), ip6 = Ipv6Udp();
        byte[] ether = [.. Convert.FromHexString("00112233445566778899aabb0800"), .. ip4];
        yield return [.. Header(1), .. ether];
        yield return [.. Header(1, hdrLen: 112), .. ether];
        yield return [.. Header(0), 2, 0, 0, 0, .. ip4];
        yield return [.. Header(108), 0, 0, 0, 2, .. ip4];
        yield return [.. Header(12), .. ip4];
        yield return [.. Header(228), .. ip4];
        yield return [.. Header(229), .. ip6];
        yield return [.. Header(9), 0xff, 0x03, 0x00, 0x21, .. ip4];
        yield return [.. Header(50), 0xff, 0x03, 0x00, 0x21, .. ip4];
        yield return [.. Header(113), .. Convert.FromHexString("00000001000600112233445500000800"), .. ip4];
        foreach (uint none in new uint[] { 101, 100, 106, 147, 162, 0x12345678 })
            yield return [.. Header(none), .. ip4];
        yield return [.. Header(Pktap), .. Header(1), .. ether];
        yield return [.. Header(User2), .. Header(12, hdrLen: 120), .. ip4];
        yield return [.. Header(User2), .. Header(User2), .. Header(0, recType: 0)];
        yield return [.. Header(1, recType: 0), .. ether];
        yield return [.. Header(1, recType: 2), .. ether];
        yield return [.. Header(1, claimed: 100), .. ether];
        yield return [.. Header(1, claimed: 0), .. ether];
        yield return [.. Header(1, claimed: 5000), .. ether];
        yield return Header(1)[..60];
        yield return Header(1);
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void GeneratedCutAndChangedRecordsMatchSystemTcpdump(int linkType, string options)
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle");
        var r = new Random(20261207 ^ linkType);
        // the DLT (bytes 8-11) stays: tcpdump decodes link types we do not
        FrameOracle.AssertWholeCutChanged(Records(), options, r, cutFrom: 1, changes: 8, changeFrom: 0, keep: at => at is >= 8 and < 12,
            linkType: linkType);
    }
}
