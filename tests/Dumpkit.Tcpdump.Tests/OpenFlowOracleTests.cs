// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// OpenFlow against Debian's tcpdump 4.99.3 on seeded variants of the conformance captures' packets: up to four bytes
/// of the TCP payload changed (message types, lengths, fields), a quarter cut at random lengths; the 1.3 capture
/// and the 1.0 captures with no -v, -v, -vv and (PACKET_IN/OUT frames decoded) -vvvv.
/// Skipped without /usr/bin/tcpdump or the conformance captures.
/// </summary>
public class OpenFlowOracleTests
{
    public static IEnumerable<object[]> Cases() =>
    [
        ["of13_ericsson.pcapng", ""], ["of13_ericsson.pcapng", "-v"], ["of13_ericsson.pcapng", "-vv"],
        ["of10_7050sx_bsn.pcap", "-v"], ["of10_7050sx_bsn.pcap", "-vv"], ["of10_7050sx_bsn-oobr.pcap", "-v"],
        ["of10_p3295.pcap", ""], ["of10_s4810.pcap", ""], ["of10_7050sx_bsn.pcap", ""], ["of10_pf5240.pcap", ""],
        ["of10_p3295.pcap", "-v"], ["of10_p3295.pcap", "-vv"], ["of10_s4810.pcap", "-vv"], ["of10_s4810.pcap", "-vvvv"],
        ["of10_pf5240.pcap", "-v"], ["of10_pf5240.pcap", "-vv"], ["of10_7050sx_bsn.pcap", "-vvvv"],
    ];

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void MutatedPacketsMatchSystemTcpdump(string file, string options)
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle");
        var dir = ConformanceSuite.TestDir;
        Skip.If(dir == null, "the tcpdump conformance captures are not present");
        var path = Path.Combine(dir!, file);
        var (linkType, packets) = file.EndsWith(".pcapng", StringComparison.Ordinal) ? ReadPcapng(path) : PrinterCutOracleTests.Read(path);
        Assert.Equal(1, linkType);
        int seed = int.TryParse(Environment.GetEnvironmentVariable("DUMPKIT_FUZZ_SEED"), out var s) ? s : 6653;
        var r = new Random(seed ^ file.Length ^ options.Length << 8);
        var variants = new List<(byte[], int)>();
        foreach (var (data, orig) in packets)
        {
            int payload = TcpPayload(data);
            if (payload < 0 || payload + 8 > data.Length) continue;
            variants.Add((data, orig));
            for (int k = 0; k < 30; k++)
            {
                var m = (byte[])data.Clone();
                for (int n = r.Next(1, 5); n > 0; n--)
                {
                    int at = r.Next(payload + 1, m.Length);
                    m[at] = r.Next(3) switch { 0 => 0, 1 => (byte)r.Next(1, 40), _ => (byte)r.Next(256) };
                }
                var v = k % 4 == 3 ? m[..r.Next(payload, m.Length)] : m;
                variants.Add((v, orig));
            }
        }
        Assert.NotEmpty(variants);
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(variants, linkType), options);
    }

    /// <summary>Offset of the TCP payload of an Ethernet/IPv4/TCP frame, or -1.</summary>
    private static int TcpPayload(byte[] d)
    {
        if (d.Length < 34 || d[12] != 0x08 || d[13] != 0x00 || d[23] != 6) return -1;
        int ip = 14 + (d[14] & 0x0f) * 4;
        return ip + 13 < d.Length ? ip + (d[ip + 12] >> 4) * 4 : -1;
    }

    /// <summary>The link type and enhanced packet blocks of a little-endian pcapng file with one interface.</summary>
    internal static (int LinkType, List<(byte[] Data, int OrigLen)> Packets) ReadPcapng(string path)
    {
        var d = File.ReadAllBytes(path);
        Assert.Equal(0x1A2B3C4DU, BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(8)));
        int linkType = -1;
        var list = new List<(byte[], int)>();
        for (int off = 0; off + 12 <= d.Length;)
        {
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(off));
            int len = (int)BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(off + 4));
            if (len < 12 || off + len > d.Length) break;
            if (type == 1) linkType = BinaryPrimitives.ReadUInt16LittleEndian(d.AsSpan(off + 8));
            else if (type == 6)
            {
                int cap = (int)BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(off + 20));
                int orig = (int)BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(off + 24));
                list.Add((d.AsSpan(off + 28, cap).ToArray(), orig));
            }
            off += len;
        }
        return (linkType, list);
    }
}
