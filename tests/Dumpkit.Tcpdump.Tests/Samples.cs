// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>Small hand-built captures used when the shared conformance data is absent, and by unit tests.</summary>
internal static class Samples
{
    public static byte[] Pcap(int linkType, params byte[][] packets) => Pcap(linkType, 1700000000, packets);

    public static byte[] Pcap(int linkType, uint baseSec, params byte[][] packets)
    {
        var ms = new MemoryStream();
        Span<byte> h = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0xA1B2C3D4);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], 262144);
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], (uint)linkType);
        ms.Write(h);
        uint usec = 123456;
        Span<byte> r = stackalloc byte[16];
        foreach (var p in packets)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(r, baseSec);
            BinaryPrimitives.WriteUInt32LittleEndian(r[4..], usec);
            BinaryPrimitives.WriteUInt32LittleEndian(r[8..], (uint)p.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(r[12..], (uint)p.Length);
            ms.Write(r);
            ms.Write(p);
            baseSec += 1;
            usec += 250001;
            if (usec >= 1000000) usec -= 1000000;
        }
        return ms.ToArray();
    }

    // Ethernet + IPv4 + UDP + DNS query for www.example.com A
    public static readonly byte[] DnsQuery = Convert.FromHexString(
        "ffffffffffff0011223344550800" +
        "4500003d1c4640004011" + "0000" + "c0a80001c0a80002" +
        "d43100350029" + "0000" +
        "12340100000100000000000003777777076578616d706c6503636f6d0000010001");

    // Ethernet + IPv4 + TCP SYN with options
    public static readonly byte[] TcpSyn = Convert.FromHexString(
        "0011223344556677889900aa0800" +
        "4500003c1b6840004006" + "0000" + "7f0000017f000001" +
        "da7000503758897e00000000a0027fff14210000" +
        "0204400c0402080a4ddc9216000000000103030a");

    // Ethernet + IPv4 + ICMP echo request
    public static readonly byte[] Ping = Convert.FromHexString(
        "0011223344556677889900aa0800" +
        "4500001c000100004001" + "0000" + "0a0000010a000002" +
        "08000000abcd0001");

    // Ethernet + ARP request
    public static readonly byte[] ArpRequest = Convert.FromHexString(
        "ffffffffffff0011223344550806" +
        "0001080006040001001122334455c0a80001000000000000c0a80002");

    // Ethernet + IPv6 + ICMPv6 neighbour solicitation with source link-layer option
    public static readonly byte[] NeighborSolicit = Convert.FromHexString(
        "3333ff000002001122334455" + "86dd" +
        "6000000000203aff" + "fe800000000000000000000000000001" + "ff0200000000000000000001ff000002" +
        "87000000" + "00000000" + "fe800000000000000000000000000002" + "0101001122334455");

    public static IEnumerable<byte[]> All()
    {
        yield return Pcap(1, DnsQuery, TcpSyn, Ping, ArpRequest, NeighborSolicit);
        yield return Pcap(1, TcpSyn);
        yield return Pcap(101, DnsQuery[14..], Ping[14..]);
    }
}
