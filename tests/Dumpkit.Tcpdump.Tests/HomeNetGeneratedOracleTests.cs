// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// HNCP and DECnet messages the conformance captures lack (every HNCP TLV type and DHCP option tcpdump decodes, every DECnet
/// routing control message and NSP message type), built here and printed by us and by Debian's tcpdump 4.99.3, whole, cut
/// at seeded lengths and with seeded byte changes: outputs and exit status must be identical. Skipped without /usr/bin/tcpdump.
/// </summary>
public class HomeNetGeneratedOracleTests
{
    private const string SkipMessage = "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle";

    public static IEnumerable<object[]> Options() => new[] { "", "-v", "-vv", "-vvv", "-e -vvv", "-q", "-x -v" }.Select(o => new object[] { o });

    private static byte[] Tlv(int type, params byte[][] parts)
    {
        var body = parts.SelectMany(b => b).ToArray();
        var t = new byte[4 + ((body.Length + 3) & ~3)];
        BinaryPrimitives.WriteUInt16BigEndian(t, (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(2), (ushort)body.Length);
        body.CopyTo(t, 4);
        return t;
    }

    private static byte[] H(string hex) => Convert.FromHexString(hex);

    private static byte[] Mapped(string v4hex) => H("00000000000000000000ffff" + v4hex);

    /// <summary>HNCP payloads: each list of TLVs is one packet.</summary>
    private static IEnumerable<byte[]> HncpPayloads()
    {
        byte[] nid = H("31da78d2"), v6 = H("fd1ff88ce2070000000000000000001b"), hash = H("0123456789abcdef");
        byte[] key = [.. Enumerable.Range(0, 32).Select(i => (byte)(i * 7))];
        byte[] label = H("03776b7303636f6d00"), dhcp4 = H("0608c0a80101c0a80102" + "2a04c0a80103" + "7709037777770365786d00" + "0302aabb");
        byte[] dhcp6 = H("00170010" + "20010db8000000000000000000000001" + "0018000b" + "03776b7303636f6d0000" + "001f0010" +
            "fe800000000000000000000000000001" + "00630001ff");
        yield return [.. Tlv(1), .. Tlv(2, nid), .. Tlv(3, nid, H("00000003")), .. Tlv(4, hash)];
        yield return [.. Tlv(1, nid), .. Tlv(2, H("31da78")), .. Tlv(3, nid), .. Tlv(4, nid), .. Tlv(5, nid)];
        yield return Tlv(5, nid, H("00000013"), H("000271a9"), hash,
            Tlv(8, nid, H("0100000002000000")), Tlv(9, H("00000003"), H("00004e20")), Tlv(10, H("01000000"), key, H("636e3d726f75746572")),
            Tlv(32, H("00004444"), H("686e6574642f31")), Tlv(42, key, Tlv(0)), Tlv(41, v6, H("02"), H("7231")),
            Tlv(41, Mapped("0a00651b"), H("05"), H("726f757465")), Tlv(39, v6, H("07"), label), Tlv(39, Mapped("0a000001"), H("00"), H("0361")),
            Tlv(40, label), Tlv(40, H("0361")), Tlv(36, H("01000000"), Mapped("0a006302")), Tlv(36, H("03000000"), v6, Tlv(800)));
        yield return Tlv(33,
            Tlv(34, H("00000257"), H("0000012b"), H("30"), H("fd1ff88ce20700"), Tlv(43, H("00")), Tlv(43, H("40"), H("2001db80")),
                Tlv(43, H("81"), label), Tlv(43, H("82"), H("6f7061717565")), Tlv(43, H("83")), Tlv(43, H("c8")), Tlv(43, H("0001"))),
            Tlv(34, H("00000257"), H("0000012b"), H("78"), Mapped("0a00"), Tlv(43, H("60"), Mapped("0a000000"))),
            Tlv(34, H("00000001"), H("00000002"), H("99"), H("00000000000000000000000000000000000000")),
            Tlv(37, dhcp4), Tlv(38, dhcp6), Tlv(37, H("0603c0a801")), Tlv(38, H("0017000f20010db8")), Tlv(37), Tlv(38));
        yield return [.. Tlv(35, H("03000000"), H("02"), H("40"), H("fd1ff88ce207dbbc")),
            .. Tlv(35, H("01000000"), H("0f"), H("78"), Mapped("0a0063"), Tlv(7), Tlv(100), Tlv(511), Tlv(600), Tlv(900), Tlv(2000)),
            .. Tlv(35, H("01000000"), H("02"), H("ff"), H("00")), .. Tlv(0), .. Tlv(6), .. Tlv(0), .. Tlv(0)];
        yield return [.. Tlv(2, nid), .. Tlv(2, nid), .. Tlv(2, nid), .. Tlv(700), .. Tlv(3, nid, nid), .. Tlv(3, nid, nid)];
    }

    /// <summary>DECnet payloads (after the Ethernet header): routing control messages and NSP messages in short and long headers.</summary>
    private static IEnumerable<byte[]> DecnetPayloads()
    {
        byte[] Routed(string routing) { var r = H(routing); return [(byte)r.Length, (byte)(r.Length >> 8), .. r]; }
        string Short(string nsp) => "020104020404" + nsp;
        string Long(string nsp) => "2600 00aa000400 0104 0000 aa000400 0204 00 05 00 00".Replace(" ", "") + nsp;
        yield return Routed("010104" + "0b" + "0042" + "02" + "00" + "00" + "0f00" + "00");
        yield return Routed("0301040a");
        yield return Routed("050104aa");
        yield return Routed("070104" + "00" + "0200" + "0100" + "0504" + "0300" + "0a00" + "ff0c" + "0005" + "0100" + "0100" + "1234");
        yield return Routed("090104" + "00" + "0100" + "0200" + "0304" + "abcd");
        yield return Routed("0b" + "020000" + "aa0004000104" + "05" + "0042" + "40" + "00" + "0f00" + "00" + "0102030405");
        yield return Routed("0d" + "020000" + "aa0004000104" + "26" + "0042" + "00" + "aaaaaaaaaaaaaaaa" + "aa0004000204" + "0a00" + "00" + "aa");
        yield return Routed("0f0104aabbcc");
        yield return Routed("83aabbcc" + "050104aa");
        yield return Routed("40aabbccdd");
        yield return Routed("04aabbccdd");
        foreach (var nsp in new[]
        {
            "2003040204" + "0100", "6003040204" + "0180" + "0200", "4003040204" + "0180" + "02a0" + "0500", "0003040204" + "0190" + "03b0" + "0600",
            "3003040204" + "0000", "3003040204" + "0180" + "02a0" + "0700", "3003040204" + "0190" + "02b0",
            "1003040204" + "0180" + "02a0" + "0300" + "0105", "1003040204" + "0190" + "02b0" + "0300" + "0203",
            "1003040204" + "0100" + "0000" + "0000" + "0403", "1003040204" + "0100" + "0000" + "0000" + "0803",
            "1003040204" + "0100" + "0000" + "0000" + "0303", "1003040204" + "0180" + "0000",
            "0403040204" + "0180" + "01a0", "1403040204" + "0190" + "01b0", "0403040204" + "0100" + "0000", "0403040204" + "0180",
            "2403040204", "3403040204", "1800000204" + "04" + "03" + "1340", "6800000204" + "08" + "00" + "1340",
            "2803040204" + "00" + "02" + "1340" + "05", "2803040204" + "04" + "01" + "1340" + "00", "3803040204" + "2a00" + "03",
            "3803040204" + "6300" + "00", "4803040204" + "2900", "4803040204" + "0800", "4803040204", "5803040204", "0c03040204",
            "7003040204", "0003",
        })
        {
            yield return Routed(Short(nsp));
            yield return Routed(Long(nsp));
        }
    }

    private static byte[] Ether(int type, byte[] payload) =>
        [.. H("aa0004000104aa0004000204"), (byte)(type >> 8), (byte)type, .. payload];

    private static byte[] HncpPacket(byte[] hncp)
    {
        var p = new byte[14 + 28 + hncp.Length];
        H("001122334455" + "66778899aabb" + "0800").CopyTo(p, 0);
        PrinterOracleTests.WriteIpv4Header(p.AsSpan(14, 20), 28 + hncp.Length, 17, [10, 0, 0, 1], [10, 0, 0, 2], id: 7);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(34), 8231);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(36), 8231);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(38), (ushort)(8 + hncp.Length));
        hncp.CopyTo(p, 42);
        return p;
    }

    private static List<(byte[], int)> Variants(IEnumerable<byte[]> packets, int from, int seed)
    {
        var r = new Random(seed);
        var list = new List<(byte[], int)>();
        foreach (var p in packets)
        {
            list.Add((p, p.Length));
            for (int k = 0; k < 6; k++) list.Add((p[..r.Next(from, p.Length)], p.Length));
            for (int k = 0; k < 12; k++)
            {
                var m = (byte[])p.Clone();
                for (int n = r.Next(1, 4); n > 0; n--)
                    m[r.Next(from, m.Length)] = r.Next(3) switch { 0 => 0, 1 => (byte)r.Next(1, 40), _ => (byte)r.Next(256) };
                list.Add((k % 3 == 2 ? m[..r.Next(from, m.Length)] : m, p.Length));
            }
        }
        return list;
    }

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("DUMPKIT_FUZZ_SEED"), out var s) ? s : 8231;

    [SkippableTheory]
    [MemberData(nameof(Options))]
    public void HncpMatchesSystemTcpdump(string options)
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), SkipMessage);
        var packets = HncpPayloads().Select(HncpPacket).ToList();
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(Variants(packets, 42, Seed ^ options.Length)), options);
    }

    [SkippableTheory]
    [MemberData(nameof(Options))]
    public void DecnetMatchesSystemTcpdump(string options)
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), SkipMessage);
        var packets = DecnetPayloads().Select(d => Ether(0x6003, d)).ToList();
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(Variants(packets, 14, Seed ^ options.Length)), options);
    }
}
