// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// The NFS printer against Debian's tcpdump 4.99.3 on generated traffic (the suite's NFS captures are few): seeded
/// RPC calls of every NFS v2 and v3 procedure, each followed by a reply with the same transaction id, with file
/// handles shaped for each of tcpdump's server heuristics and argument/result words biased to the values the
/// decoders branch on, whole and cut at random lengths. Both outputs must be identical. Skipped without
/// /usr/bin/tcpdump.
/// </summary>
public class NfsOracleTests
{
    private static byte[] UdpPacket(bool call, byte[] payload)
    {
        var p = new byte[14 + 20 + 8 + payload.Length];
        Convert.FromHexString("001122334455" + "66778899aabb" + "0800").CopyTo(p, 0);
        byte[] client = [10, 0, 0, 1], server = [10, 0, 0, 2];
        PrinterOracleTests.WriteIpv4Header(p.AsSpan(14, 20), 20 + 8 + payload.Length, 17, call ? client : server, call ? server : client, 7);
        var udp = p.AsSpan(34);
        BinaryPrimitives.WriteUInt16BigEndian(udp, (ushort)(call ? 800 : 2049));
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], (ushort)(call ? 2049 : 800));
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(8 + payload.Length));
        payload.CopyTo(udp[8..]);
        return p;
    }

    /// <summary>A word as the decoders see them: flags and counts small, lengths plausible, sometimes anything.</summary>
    private static uint Word(Random r) => r.Next(10) switch
    {
        < 3 => 0,
        < 5 => 1,
        < 7 => (uint)r.Next(2, 40),
        < 8 => (uint)r.Next(1, 8) * 4,
        _ => (uint)r.Next() ^ ((uint)r.Next(2) << 31),
    };

    private static void Fh(Random r, List<byte> b, bool v3)
    {
        int len = v3 ? r.Next(6) switch { 0 => 8, 1 => 12, 2 => 28, 3 => 32, 4 => 64, _ => r.Next(0, 20) * 4 } : 32;
        var fh = new byte[len];
        r.NextBytes(fh);
        // steer the server-type heuristics: zero bytes and the marker values they test
        foreach (int i in new[] { 0, 1, 2, 3, 4, 5, 6, 7, 9, 21, 23 })
            if (i < len && r.Next(3) == 0) fh[i] = 0;
        if (len > 9 && r.Next(4) == 0) { fh[8] = (byte)(r.Next(2) == 0 ? 12 : 0); fh[9] = (byte)(r.Next(2) == 0 ? 10 : 0); }
        if (len > 14 && r.Next(5) == 0) for (int i = 1; i < 14; i++) fh[i] = (byte)(i < 9 ? 'A' + i : 0);
        if (v3) AddWord(b, (uint)len);
        b.AddRange(fh);
    }

    private static void AddWord(List<byte> b, uint w)
    {
        b.Add((byte)(w >> 24)); b.Add((byte)(w >> 16)); b.Add((byte)(w >> 8)); b.Add((byte)w);
    }

    private static void Name(Random r, List<byte> b)
    {
        int n = r.Next(0, 12);
        AddWord(b, (uint)n);
        for (int i = 0; i < ((n + 3) & ~3); i++) b.Add(i < n ? (byte)r.Next(0x20, 0x100) : (byte)0);
    }

    private static (byte[] Call, byte[] Reply) Exchange(Random r, uint xid)
    {
        bool v3 = r.Next(3) != 0;
        uint proc = (uint)r.Next(0, v3 ? 23 : 19);
        var c = new List<byte>();
        AddWord(c, xid); AddWord(c, 0); AddWord(c, 2); AddWord(c, 100003); AddWord(c, v3 ? 3u : 2u); AddWord(c, proc);
        int credLen = r.Next(0, 7) * 4;
        AddWord(c, 1); AddWord(c, (uint)credLen);
        for (int i = 0; i < credLen; i++) c.Add((byte)r.Next(256));
        AddWord(c, 0); AddWord(c, 0);
        Fh(r, c, v3);
        if (r.Next(2) == 0) Name(r, c);
        for (int i = r.Next(0, 12); i > 0; i--)
        {
            if (r.Next(5) == 0) Fh(r, c, v3);
            else if (r.Next(5) == 0) Name(r, c);
            else AddWord(c, Word(r));
        }
        var p = new List<byte>();
        AddWord(p, xid); AddWord(p, 1);
        uint stat = r.Next(10) == 0 ? (uint)r.Next(0, 3) : 0;
        AddWord(p, stat);
        if (stat == 1)
        {
            AddWord(p, (uint)r.Next(0, 3)); AddWord(p, Word(r)); AddWord(p, Word(r));
        }
        else
        {
            AddWord(p, 0); AddWord(p, 0);
            AddWord(p, r.Next(10) == 0 ? (uint)r.Next(1, 7) : 0);
            AddWord(p, r.Next(6) == 0 ? (uint)r.Next(1, 100) : 0);
            for (int i = r.Next(0, 60); i > 0; i--)
            {
                if (r.Next(12) == 0) Fh(r, p, v3);
                else if (r.Next(12) == 0) Name(r, p);
                else AddWord(p, Word(r));
            }
        }
        return (c.ToArray(), p.ToArray());
    }

    [SkippableTheory]
    [InlineData(""), InlineData("-v"), InlineData("-vv"), InlineData("-vvv")]
    public void GeneratedCallsAndRepliesMatchSystemTcpdump(string options)
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle");
        var r = new Random(20261207);
        var whole = new List<(byte[], int)>();
        var cut = new List<(byte[], int)>();
        for (uint xid = 1; xid <= 600; xid++)
        {
            var (call, reply) = Exchange(r, xid * 7919);
            foreach (var (msg, isCall) in new[] { (call, true), (reply, false) })
            {
                var pkt = UdpPacket(isCall, msg);
                whole.Add((pkt, pkt.Length));
                int at = r.Next(42, pkt.Length);
                cut.Add((pkt[..at], pkt.Length));
            }
        }
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(whole), options);
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(cut), options);
    }
}
