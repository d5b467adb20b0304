// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

using Dumpkit.Tcpdump.Tests.Support;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// The ATM link types (SunATM, RFC 1483, Classical IP over ATM), the Juniper ATM1 and ES PICs and the raw IP link types,
/// checked against Debian's tcpdump 4.99.3: generated frames of every branch (reserved VCIs, OAM cells with good and
/// bad CRC-10, LANE, LLC, NLPID, cookies, IPsec header types, IP version nibbles), each whole, cut short at every length
/// and with seeded byte changes; both outputs must be identical. Skipped without /usr/bin/tcpdump.
/// </summary>
public class AtmJuniperOracleTests
{
    private const int SunAtm = 123, AtmRfc1483 = 100, AtmRfc1483Dlt = 11, AtmClip = 106, AtmClipDlt = 19;
    private const int JuniperEs = 132, JuniperAtm1 = 137, RawDlt12 = 12, Ipv4 = 228, Ipv6 = 229;

    public static IEnumerable<object[]> Cases()
    {
        foreach (int lt in new[] { SunAtm, AtmRfc1483, AtmRfc1483Dlt, AtmClip, AtmClipDlt, JuniperAtm1, JuniperEs, RawDlt12, Ipv4, Ipv6 })
            foreach (var o in new[] { "", "-e", "-v", "-e -vv", "-x", "-q" })
                yield return [lt, o];
    }

    /// <summary>IPv4/UDP (ports 50000 to 50001, no known printer) with an 8-byte payload.</summary>
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

    private static readonly byte[] Snap = [0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00];

    /// <summary>The remainder modulo the CRC-10 polynomial, to make cells whose checksum is right.</summary>
    private static int Remainder(ReadOnlySpan<byte> b)
    {
        int r = 0;
        foreach (byte x in b)
            for (int bit = 7; bit >= 0; bit--)
            {
                r = r << 1 | (x >> bit & 1);
                if ((r & 0x400) != 0) r ^= 0x633;
            }
        return r;
    }

    /// <summary>An OAM cell: the 4-byte cell header (and a HEC byte), the 48-byte payload, the CRC-10 right or not.</summary>
    private static byte[] OamCell(Random r, bool hec, int types, int vci, bool goodCrc)
    {
        var cell = new byte[(hec ? 5 : 4) + 48];
        uint header = (uint)(r.Next(256) << 20 | vci << 4 | r.Next(8) << 1 | r.Next(2));
        BinaryPrimitives.WriteUInt32BigEndian(cell, header);
        var payload = cell.AsSpan(hec ? 5 : 4);
        r.NextBytes(payload);
        payload[0] = (byte)types;
        if (goodCrc)
        {
            for (int c = 0; c < 1024; c++)
            {
                payload[46] = (byte)(payload[46] & 0xfc | c >> 8);
                payload[47] = (byte)c;
                if (Remainder(payload) == 0) break;
            }
        }
        return cell;
    }

    private static readonly int[] OamTypes = [0x18, 0x10, 0x11, 0x14, 0x20, 0x21, 0x22, 0x23, 0x80, 0x81, 0x82, 0xf0, 0x30];

    private static IEnumerable<byte[]> Frames(int lt, Random r)
    {
        var ip = Ipv4Udp();
        switch (lt)
        {
            case SunAtm:
                foreach (int t in OamTypes)
                {
                    yield return [(byte)r.Next(256), 0, 0, 4, .. OamCell(r, true, t, 4, true)];
                    yield return [0x80, 0, 0, 3, .. OamCell(r, true, t, r.Next(2) == 0 ? 3 : 77, false)];
                }
                yield return [0x02, 0, 0, 5, 0x09, 0x03, 0x12, 0x34, 0x56, 0x05, 0, 0];
                yield return [0x02, 0, 0, 5, 0x09, 0x03, 0x12, 0x34, 0x56, 0x99, 0, 0];
                yield return [0x02, 0, 0, 5, 0x45, 0x03, 0x12, 0x34, 0x56, 0x99, 0, 0];
                yield return [0x02, 0, 0, 2, 1, 2, 3];
                yield return [0x02, 0, 0, 1, 1, 2, 3];
                yield return [0x82, 1, 0, 5, .. Snap, .. ip];
                yield return [0x02, 0, 0, 40, .. Snap, .. ip];
                yield return [0x00, 0, 0, 40, .. Snap, .. ip];
                yield return [0x00, 0, 0, 40, 0x42, 0x42, 0x03, 0x01, 0x02];
                yield return [0x01, 0, 0, 40, 0xff, 0x00, 0x01, 0x01, 0x01, 0x02, 0, 0];
                yield return [0x01, 0, 0, 40, 0xff, 0x00, 0x01, 0x01, 0x00, 0x77, 0, 0];
                yield return [0x81, 2, 0, 40, 0x12, 0x34, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00, .. ip];
                break;
            case AtmRfc1483:
            case AtmRfc1483Dlt:
                yield return [0x03, 0xcc, .. ip];
                yield return [0x03, 0x81, 1, 2, 3];
                yield return [.. Snap, .. ip];
                yield return [0x06, 0x06, 0x03, .. ip];
                yield return [0xfe, 0xfe, 0x03, 0xcc, .. ip];
                yield return [0x42, 0x42, 0x03, 1, 2, 3, 4];
                yield return [.. Enumerable.Range(1, 20).Select(i => (byte)i), .. Snap, .. ip];
                break;
            case AtmClip:
            case AtmClipDlt:
                yield return [.. Snap, .. ip];
                yield return [0xaa, 0xaa, 0x03, 0, 0, 0, 0x86, 0xdd, .. Ipv6Udp()];
                yield return [0xaa, 0xaa, 0x03, 0, 0, 0, 0x12, 0x34, 1, 2, 3];
                yield return ip;
                yield return Ipv6Udp();
                break;
            case JuniperAtm1:
                foreach (byte flags in new byte[] { 0, 1, 0x41, 0x05 })
                {
                    byte[] mgc = [0x4d, 0x47, 0x43, flags];
                    foreach (int t in OamTypes.Take(5)) yield return [.. mgc, 0x80, 1, 2, 3, .. OamCell(r, false, t, 4, t != 0x10)];
                    yield return [.. mgc, 0x11, 2, 3, 4, .. Snap, .. ip];
                    yield return [.. mgc, 0x54, 2, 3, 4, 5, 6, 0x03, 0xcc, .. ip];
                    yield return [.. mgc, 0x47, 2, 3, 4, 5, 6, 7, 8, .. ip];
                    yield return [.. mgc, 0x12, 2, 3, 4, 0xfe, 0xfe, 0x03, 0xcc, .. ip];
                    yield return [.. mgc, 0x12, 2, 3, 4, .. Ipv6Udp()];
                    yield return [.. mgc, 0x12, 2, 3, 4, 0x33, 0x33, 0x33];
                }
                yield return [0x4d, 0x47, 0x43, 0x82, 0, 6, 1, 1, 6, 2, 3, 4, 0xaa, 0xbb, 0xcc, 0xdd, .. ip];
                yield return [0x4d, 0x47, 0x43, 0x80, 0, 6, 1, 1, 6, 1, 3, 4, 0x12, 0xbb, 0xcc, 0xdd, .. Snap, .. ip];
                yield return [0x4d, 0x47, 0x43, 0x02, 0, 0, 0, 0, .. ip];
                yield return [0x4d, 0x47, 0x44, 0x00, 1, 2, 3, 4];
                break;
            case JuniperEs:
                foreach (int type in new[] { 1, 2, 3, 4, 5, 0, 9 })
                    foreach (byte first in new byte[] { 0x12, 0x54, 0x47 })
                    {
                        byte[] cookie = first switch { 0x54 => [0x54, 0x01], 0x47 => [0x47, 1, 2, 3, 4, 5, 6, 7], _ => [] };
                        byte[] sa = [0x01, 0x02, 64, (byte)type, 0, 0, 0x10, 0x01, 192, 0, 2, 1, 198, 51, 100, 7];
                        if (cookie.Length == 0) sa[0] = first;
                        yield return [0x4d, 0x47, 0x43, (byte)r.Next(2), .. cookie, .. sa, .. ip];
                    }
                yield return [0x4d, 0x47, 0x43, 0x83, 0, 3, 2, 1, 0x61, 0x01, 0x02, 64, 1, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, .. ip];
                break;
            default:
                yield return ip;
                yield return Ipv6Udp();
                foreach (byte v in new byte[] { 0x00, 0x35, 0x50, 0x75, 0xf5 }) yield return [v, .. ip[1..]];
                break;
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void GeneratedCutAndChangedFramesMatchSystemTcpdump(int linkType, string options)
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle");
        var r = new Random(20261207 + linkType);
        FrameOracle.AssertWholeCutChanged(Frames(linkType, r), options, r, cutFrom: 1, changes: 6, changeFrom: 0, lengthSlack: 2,
            linkType: linkType);
    }
}
