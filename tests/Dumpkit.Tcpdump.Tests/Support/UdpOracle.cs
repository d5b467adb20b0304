// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Tcpdump.Tests.Support;

/// <summary>
/// Shared scaffolding of the oracle tests of printers behind a UDP port: Ethernet/IPv4 or IPv6/UDP frames around a payload,
/// and the check that prints them with Debian's tcpdump and ours whole, cut short at every length inside the payload and
/// with seeded byte changes in the payload (three captures); outputs and exit status must be identical.
/// </summary>
internal static class UdpOracle
{
    public const string SkipMessage = "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle";

    public static bool HaveTcpdump => File.Exists("/usr/bin/tcpdump");

    /// <summary>The offset of the UDP payload in a frame of <see cref="Frame"/>.</summary>
    public static int PayloadOffset(bool v6) => v6 ? 14 + 40 + 8 : 14 + 20 + 8;

    /// <summary>Ethernet, IPv4 (10.0.0.1 to 10.0.0.2, or <paramref name="v4Addresses"/> as source and destination) or IPv6
    /// (2001:db8::1 to 2001:db8::2), UDP sport to dport, the payload.</summary>
    public static byte[] Frame(byte[] payload, int sport, int dport, bool v6 = false, byte[]? v4Addresses = null)
    {
        int off = PayloadOffset(v6);
        var b = new byte[off + payload.Length];
        Convert.FromHexString("00112233445566778899aabb").CopyTo(b, 0);
        if (v6)
        {
            b[12] = 0x86;
            b[13] = 0xdd;
            var ip = b.AsSpan(14);
            ip[0] = 0x60;
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)(8 + payload.Length));
            ip[6] = 17;
            ip[7] = 64;
            Convert.FromHexString("20010db8000000000000000000000001").CopyTo(ip[8..]);
            Convert.FromHexString("20010db8000000000000000000000002").CopyTo(ip[24..]);
        }
        else
        {
            b[12] = 0x08;
            byte[] src = v4Addresses?[..4] ?? [10, 0, 0, 1], dst = v4Addresses?[4..] ?? [10, 0, 0, 2];
            PrinterOracleTests.WriteIpv4Header(b.AsSpan(14), 28 + payload.Length, 17, src, dst);
        }
        var udp = b.AsSpan(off - 8);
        BinaryPrimitives.WriteUInt16BigEndian(udp, (ushort)sport);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], (ushort)dport);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(8 + payload.Length));
        payload.CopyTo(b, off);
        return b;
    }

    /// <summary>Each frame whole, cut at every length from its payload on, and changed changes times (one to three bytes of
    /// its payload, seeded), printed by both (with -n unless <paramref name="numeric"/> is false); the captures and options of
    /// a failure are named by the assertion.</summary>
    public static void AssertSameOutput(IEnumerable<(byte[] Frame, bool V6)> frames, string options, int seed, int changes = 8,
        bool numeric = true)
    {
        var r = new Random(seed);
        var whole = new List<(byte[], int)>();
        var cut = new List<(byte[], int)>();
        var changed = new List<(byte[], int)>();
        foreach (var (f, v6) in frames)
        {
            int from = PayloadOffset(v6);
            whole.Add((f, f.Length));
            for (int n = from; n < f.Length; n++) cut.Add((f[..n], f.Length));
            for (int k = 0; k < changes && f.Length > from; k++)
            {
                var m = (byte[])f.Clone();
                for (int n = r.Next(1, 4); n > 0; n--)
                    m[r.Next(from, m.Length)] = r.Next(3) switch { 0 => 0, 1 => (byte)r.Next(1, 40), _ => (byte)r.Next(256) };
                changed.Add((m, m.Length));
            }
        }
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(whole), options, numeric);
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(cut), options, numeric);
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(changed), options, numeric);
    }
}
