// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// Differences the differential fuzzer found, each pinned by generated packets printed by both tcpdumps (Debian's
/// /usr/bin/tcpdump 4.99.3 is the expected output): AHCP cut inside its Destination Id, MLDv2 cut inside a group
/// address, a UDP checksum that should be 0xffff, and the -x/-X/-A dump after a DNS header cut by the snap length.
/// </summary>
public class FuzzRegressionTests
{
    private const string Oracle = "/usr/bin/tcpdump";
    private const string SkipMessage = "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle";

    private static readonly byte[] V6Src = Convert.FromHexString("fe800000000000000000000000000001");
    private static readonly byte[] V6Dst = Convert.FromHexString("ff020000000000000000000000000016");

    /// <summary>Ethernet + IPv6 (next header, hop limit 1) + the payload.</summary>
    private static byte[] Ip6Packet(byte next, byte[] payload, byte[]? dst = null)
    {
        var p = new byte[14 + 40 + payload.Length];
        Convert.FromHexString("333300000016" + "001122334455" + "86dd").CopyTo(p, 0);
        p[14] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(18), (ushort)payload.Length);
        p[20] = next;
        p[21] = 1;
        V6Src.CopyTo(p, 22);
        (dst ?? V6Dst).CopyTo(p, 38);
        payload.CopyTo(p, 54);
        return p;
    }

    private static uint Ip6Pseudo(byte[] p, int length, byte next)
    {
        uint sum = 0;
        for (int i = 22; i < 54; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(i));
        return sum + (uint)length + next;
    }

    /// <summary>Every cut of each packet from the end of the Ethernet header to its whole length.</summary>
    private static IEnumerable<(byte[], int)> Cuts(IEnumerable<byte[]> packets) =>
        packets.SelectMany(p => Enumerable.Range(14, p.Length - 13).Select(cut => (p[..cut], p.Length)));

    public static TheoryData<string> Verbosity() => ["", "-v", "-vv", "-vv -x"];

    [SkippableTheory]
    [MemberData(nameof(Verbosity))]
    public void AhcpCutInsideItsIdsAsTcpdump(string options)
    {
        Skip.IfNot(File.Exists(Oracle), SkipMessage);
        var ahcp = Convert.FromHexString("2b01" + "0102" + "7ce31135" + "6aa3c4fffef4841e" + "0102030405060708" + "00000008" + "0008000400000e10");
        var udp = new byte[8 + ahcp.Length];
        BinaryPrimitives.WriteUInt16BigEndian(udp, 5359);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), 5359);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        ahcp.CopyTo(udp, 8);
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(Cuts([Ip6Packet(17, udp)])), options);
    }

    [SkippableTheory]
    [MemberData(nameof(Verbosity))]
    public void Mldv2CutInsideAGroupAddressAsTcpdump(string options)
    {
        Skip.IfNot(File.Exists(Oracle), SkipMessage);
        // a report with two group records (the second with a source), and a query with one source
        var report = Convert.FromHexString("8f000000" + "00000002"
            + "04000000" + "ff0200000000000000000000000000fb"
            + "01000001" + "ff1e0000000000000000000000001234" + "20010db8000000000000000000000001");
        var query = Convert.FromHexString("82000000" + "27100000" + "ff0200000000000000000000000000fb" + "0a7d0001" + "20010db8000000000000000000000002");
        var packets = new List<byte[]>();
        foreach (var icmp in new[] { report, query })
        {
            var p = Ip6Packet(58, icmp);
            BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(56), PrinterOracleTests.Checksum(p.AsSpan(54), Ip6Pseudo(p, icmp.Length, 58)));
            packets.Add(p);
        }
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(Cuts(packets)), options);
    }

    /// <summary>UDP datagrams whose right checksum is 0xffff (their data sums to zero) but that carry another one.</summary>
    private static IEnumerable<byte[]> UdpShouldBeFfff()
    {
        foreach (ushort wrong in new ushort[] { 0x1234, 0xfffe, 0x0001 })
        {
            // IPv4
            var p = new byte[14 + 20 + 8 + 6];
            Convert.FromHexString("001122334455" + "66778899aabb" + "0800").CopyTo(p, 0);
            PrinterOracleTests.WriteIpv4Header(p.AsSpan(14, 20), 34, 17, [10, 0, 0, 1], [10, 0, 0, 2], id: 7);
            var udp = p.AsSpan(34);
            BinaryPrimitives.WriteUInt16BigEndian(udp, 4000);
            BinaryPrimitives.WriteUInt16BigEndian(udp[2..], 4001);
            BinaryPrimitives.WriteUInt16BigEndian(udp[4..], 14);
            "abcd"u8.CopyTo(udp[8..]);
            // the last word makes the one's complement sum 0xffff: the checksum to send is 0xffff
            uint pseudo = 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 17 + 14;
            ushort rest = PrinterOracleTests.Checksum(udp[..14], pseudo);
            BinaryPrimitives.WriteUInt16BigEndian(udp[12..], rest);
            BinaryPrimitives.WriteUInt16BigEndian(udp[6..], wrong);
            yield return p;

            // IPv6
            var u6 = new byte[14];
            BinaryPrimitives.WriteUInt16BigEndian(u6, 4000);
            BinaryPrimitives.WriteUInt16BigEndian(u6.AsSpan(2), 4001);
            BinaryPrimitives.WriteUInt16BigEndian(u6.AsSpan(4), 14);
            "abcd"u8.CopyTo(u6.AsSpan(8));
            var p6 = Ip6Packet(17, u6, Convert.FromHexString("fe800000000000000000000000000002"));
            ushort rest6 = PrinterOracleTests.Checksum(p6.AsSpan(54), Ip6Pseudo(p6, 14, 17));
            BinaryPrimitives.WriteUInt16BigEndian(p6.AsSpan(54 + 12), rest6);
            BinaryPrimitives.WriteUInt16BigEndian(p6.AsSpan(54 + 6), wrong);
            yield return p6;
        }
    }

    [SkippableTheory]
    [InlineData("-v")]
    [InlineData("-vv")]
    public void UdpChecksumThatShouldBeFfffAsTcpdump(string options)
    {
        Skip.IfNot(File.Exists(Oracle), SkipMessage);
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(UdpShouldBeFfff().Select(p => (p, p.Length))), options);
    }

    [SkippableTheory]
    [InlineData("-x")]
    [InlineData("-X")]
    [InlineData("-A")]
    [InlineData("-vv -x")]
    public void DumpAfterACutDnsHeaderStartsAtTheNetworkHeader(string options)
    {
        Skip.IfNot(File.Exists(Oracle), SkipMessage);
        var dns = Convert.FromHexString("43190100000100000000000103777777076578616d706c6503636f6d0000010001");
        var packets = new List<byte[]>();
        // over TCP (with the two-byte length prefix) and over UDP
        var tcp = PrinterOracleTests.TcpPacket([], 0x18, [(byte)(dns.Length >> 8), (byte)dns.Length, .. dns]);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(36), 53);
        packets.Add(tcp);
        var p = new byte[14 + 20 + 8 + dns.Length];
        Convert.FromHexString("001122334455" + "66778899aabb" + "0800").CopyTo(p, 0);
        PrinterOracleTests.WriteIpv4Header(p.AsSpan(14, 20), 28 + dns.Length, 17, [10, 0, 0, 1], [10, 0, 0, 2], id: 9);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(34), 33000);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(36), 53);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(38), (ushort)(8 + dns.Length));
        dns.CopyTo(p, 42);
        packets.Add(p);
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(Cuts(packets)), options);
    }
}
