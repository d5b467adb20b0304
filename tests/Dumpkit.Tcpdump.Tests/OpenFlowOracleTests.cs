// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// OpenFlow against Debian's tcpdump 4.99.3 on seeded variants of the conformance captures' packets: up to four bytes
/// of the TCP payload changed (message types, lengths, fields), a quarter cut at random lengths. Without -v only the
/// headers are printed, so the OpenFlow 1.0 captures count too; with -v the variants whose message chain reaches an
/// OpenFlow 1.0 message of a type whose body this build does not decode yet (see OpenFlow10) are left out.
/// Skipped without /usr/bin/tcpdump or the conformance captures.
/// </summary>
public class OpenFlowOracleTests
{
    public static IEnumerable<object[]> Cases() =>
    [
        ["of13_ericsson.pcapng", ""], ["of13_ericsson.pcapng", "-v"], ["of13_ericsson.pcapng", "-vv"],
        ["of10_7050sx_bsn.pcap", "-v"], ["of10_7050sx_bsn.pcap", "-vv"], ["of10_7050sx_bsn-oobr.pcap", "-v"],
        ["of10_p3295.pcap", ""], ["of10_s4810.pcap", ""], ["of10_7050sx_bsn.pcap", ""], ["of10_pf5240.pcap", ""],
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
            if (options.Length == 0 || !ReachesUndecoded10(data, payload)) variants.Add((data, orig));
            for (int k = 0; k < 30; k++)
            {
                var m = (byte[])data.Clone();
                for (int n = r.Next(1, 5); n > 0; n--)
                {
                    int at = r.Next(payload + 1, m.Length);
                    m[at] = r.Next(3) switch { 0 => 0, 1 => (byte)r.Next(1, 40), _ => (byte)r.Next(256) };
                }
                var v = k % 4 == 3 ? m[..r.Next(payload, m.Length)] : m;
                if (options.Length > 0 && ReachesUndecoded10(v, payload)) continue;
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

    /// <summary>Whether a message header of the chain starting at off (as tcpdump walks it) is of an OpenFlow 1.0 type
    /// whose body this build does not decode (all but HELLO, ECHO, VENDOR and the types without a body).</summary>
    private static bool ReachesUndecoded10(byte[] d, int off)
    {
        while (off < d.Length)
        {
            if (d[off] == 1 && off + 1 < d.Length && d[off + 1] is not (0 or 2 or 3 or 4 or 5 or 7 or 18 or 19)) return true;
            if (off + 4 > d.Length) return false;
            int length = BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(off + 2));
            if (length < 8) return false;
            off += length;
        }
        return false;
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
