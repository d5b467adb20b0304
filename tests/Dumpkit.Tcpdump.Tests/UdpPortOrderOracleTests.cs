// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using Dumpkit.Tcpdump.Tests.Support;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// Which printer a UDP datagram goes to when both its ports are known ones: tcpdump 4.99.3's udp_print tries the ports in
/// a fixed order (some by destination only), and ours must try them in the same. Every ordered pair of the ports our UDP
/// demultiplexer knows carries the same 40-byte payload, printed by Debian's tcpdump and ours (with and without -v).
/// </summary>
public class UdpPortOrderOracleTests
{
    private static readonly int[] Ports =
    [
        53, 5353, 525, 69, 67, 68, 520, 654, 500, 7500, 8500, 4500, 161, 162, 123, 88, 750, 1701, 3456, 2103, 2104, 7000, 7009,
        521, 546, 547, 5359, 6696, 6697, 4567, 8231, 496, 1645, 1812, 1646, 1813, 1700, 3799, 1985, 921, 646, 698, 3503, 49152,
        3784, 4784, 6784, 3785, 701, 1589, 6343, 514, 8472, 4789, 6081, 4342, 4790, 6635, 319, 320, 30490, 2049, 111, 137, 138,
    ];

    [SkippableTheory]
    [InlineData("")]
    [InlineData("-v")]
    public void EveryPairOfKnownPortsGoesToTcpdumpsPrinter(string options)
    {
        Skip.IfNot(UdpOracle.HaveTcpdump, UdpOracle.SkipMessage);
        // a payload no printer takes for its own header: version/type fields of 3, lengths that do not fit
        byte[] payload = [.. Enumerable.Range(0, 40).Select(i => (byte)(i % 7 == 0 ? 3 : 0x30 + i))];
        var frames = new List<(byte[], int)>();
        foreach (int a in Ports)
            foreach (int b in Ports)
                if (a != b)
                {
                    var f = UdpOracle.Frame(payload, a, b);
                    frames.Add((f, f.Length));
                }
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(frames), options);
    }

    private static readonly int[] TcpPorts =
        [23, 25, 43, 179, 1723, 6379, 22, 139, 445, 10288, 6633, 6653, 21, 80, 8080, 554, 8554, 53, 639, 323, 646, 2049];

    /// <summary>The same for TCP segments (tcp_print's order), with a payload as long as a DNS-over-TCP length says.</summary>
    [SkippableTheory]
    [InlineData("")]
    [InlineData("-v")]
    public void EveryPairOfKnownTcpPortsGoesToTcpdumpsPrinter(string options)
    {
        Skip.IfNot(UdpOracle.HaveTcpdump, UdpOracle.SkipMessage);
        byte[] payload = [0, 38, .. Enumerable.Range(0, 38).Select(i => (byte)(i % 7 == 0 ? 3 : 0x30 + i))];
        var frames = new List<(byte[], int)>();
        foreach (int a in TcpPorts)
            foreach (int b in TcpPorts)
                if (a != b)
                {
                    var f = PrinterOracleTests.TcpPacket([], 0x18, payload);
                    BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(34), (ushort)a);
                    BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(36), (ushort)b);
                    frames.Add((f, f.Length));
                }
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(frames), options);
    }
}
