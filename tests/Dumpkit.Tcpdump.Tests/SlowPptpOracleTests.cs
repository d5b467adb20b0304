// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// The slow protocols printer (LACP, Marker and every Ethernet OAM code: information TLVs, link event TLVs, loopback
/// control) and the PPTP printer (all control message types, wrong cookies and reserved fields) on seeded packets built
/// here, which reach what the LACP and PPTP captures do not, whole, cut short and with bytes changed: our output must
/// be Debian's tcpdump 4.99.3's byte for byte. Skipped without /usr/bin/tcpdump.
/// </summary>
public class SlowPptpOracleTests
{
    public static IEnumerable<object[]> Options() => new[] { "", "-v", "-vv", "-e -v", "-x" }.Select(o => new object[] { o });

    private static byte[] Bytes(Random r, int n)
    {
        var b = new byte[n];
        r.NextBytes(b);
        return b;
    }

    private static byte[] SlowPdu(Random r)
    {
        var b = new List<byte>();
        switch (r.Next(7))
        {
            case 0:
                b.AddRange([1, 1, 1, 20, .. Bytes(r, 18), 2, 20, .. Bytes(r, 18), 3, 16, .. new byte[14], 0, 0, .. new byte[50]]);
                break;
            case 1:
                b.AddRange([2, 1, (byte)r.Next(1, 4), 16, .. Bytes(r, 14), 0, 0, .. new byte[20]]);
                break;
            case 2:
                b.AddRange([3, .. Bytes(r, 2), 0]);
                for (int k = r.Next(4); k > 0; k--)
                {
                    int t = new[] { 1, 2, 0xfe, 5 }[r.Next(4)];
                    if (t <= 2) b.AddRange([(byte)t, 16, .. Bytes(r, 14)]);
                    else { int l = r.Next(2, 11); b.AddRange([(byte)t, (byte)l, .. Bytes(r, l - 2)]); }
                }
                b.AddRange([0, 0]);
                break;
            case 3:
                b.AddRange([3, .. Bytes(r, 2), 1, .. Bytes(r, 2)]);
                for (int k = r.Next(4); k > 0; k--)
                {
                    int t = new[] { 1, 2, 3, 4, 0xfe, 9 }[r.Next(6)];
                    if (t <= 4) b.AddRange([(byte)t, 40, .. Bytes(r, 38)]);
                    else { int l = r.Next(2, 11); b.AddRange([(byte)t, (byte)l, .. Bytes(r, l - 2)]); }
                }
                b.AddRange([0, 0]);
                break;
            case 4:
                b.AddRange([3, 0, 0, 4, (byte)r.Next(1, 4)]);
                break;
            case 5:
                b.AddRange([3, 0, 0, new byte[] { 2, 3, 0xfe, 9 }[r.Next(4)], .. Bytes(r, r.Next(21))]);
                break;
            default:
                b.AddRange([(byte)r.Next(6), (byte)r.Next(3), .. Bytes(r, r.Next(41))]);
                break;
        }
        for (int k = r.Next(4); k > 0 && b.Count > 1; k--)
            b[r.Next(b.Count)] = new byte[] { 0, 1, 2, 16, 18, 40, (byte)r.Next(256) }[r.Next(7)];
        return [.. Convert.FromHexString("0180c2000002" + "00131234567a" + "8809"), .. b];
    }

    private static byte[] PptpPacket(Random r)
    {
        var body = new byte[r.Next(221)];
        for (int i = 0; i < body.Length; i++) body[i] = r.Next(10) < 3 ? (byte)r.Next(256) : new byte[] { 0, 0x41, 0x20, 1 }[r.Next(4)];
        var msg = new byte[12 + body.Length];
        BinaryPrimitives.WriteUInt16BigEndian(msg, (ushort)msg.Length);
        BinaryPrimitives.WriteUInt16BigEndian(msg.AsSpan(2), (ushort)new[] { 1, 1, 1, 2, 3 }[r.Next(5)]);
        BinaryPrimitives.WriteUInt32BigEndian(msg.AsSpan(4), r.Next(6) == 0 ? 0x12345678u : 0x1a2b3c4du);
        BinaryPrimitives.WriteUInt16BigEndian(msg.AsSpan(8), (ushort)r.Next(18));
        BinaryPrimitives.WriteUInt16BigEndian(msg.AsSpan(10), (ushort)(r.Next(6) == 0 ? 3 : 0));
        body.CopyTo(msg, 12);
        var p = new byte[14 + 20 + 20 + msg.Length];
        Convert.FromHexString("001122334455" + "66778899aabb" + "0800").CopyTo(p, 0);
        PrinterOracleTests.WriteIpv4Header(p.AsSpan(14, 20), 40 + msg.Length, 6, [10, 0, 0, 1], [10, 0, 0, 2], id: 1);
        var tcp = p.AsSpan(34);
        BinaryPrimitives.WriteUInt16BigEndian(tcp, 3025);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], 1723);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], 1);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], 1);
        tcp[12] = 0x50;
        tcp[13] = 0x18;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 1000);
        msg.CopyTo(p, 54);
        return p;
    }

    private static List<(byte[], int)> Packets(Func<Random, byte[]> make, int seed, int minCut)
    {
        var r = new Random(seed);
        var list = new List<(byte[], int)>();
        for (int n = 0; n < 300; n++)
        {
            var p = make(r);
            list.Add((r.Next(10) < 3 ? p[..r.Next(minCut, p.Length + 1)] : p, p.Length));
        }
        return list;
    }

    [SkippableTheory]
    [MemberData(nameof(Options))]
    public void SlowProtocolsMatchSystemTcpdump(string options)
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle");
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(Packets(SlowPdu, 8809, 14)), options);
    }

    [SkippableTheory]
    [MemberData(nameof(Options))]
    public void PptpMatchesSystemTcpdump(string options)
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle");
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(Packets(PptpPacket, 1723, 54)), options);
    }
}
