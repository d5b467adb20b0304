// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Tcpdump.Print;
using Dumpkit.Tcpdump.Tests.Support;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// SNMP object identifiers against Debian's tcpdump 4.99.3 without -n (its compiled-in MIB names and the "", E:, X: and S:
/// abbreviations) and with -n: every node of the MIB tree and its neighbours (children one past the last, 255, 256), each
/// encoded minimally and with a leading 0x80 byte that defeats the abbreviations, in GetResponses; odd OIDs (empty, one and
/// two bytes, exact prefixes, huge and unterminated sub-identifiers, first arcs 0 and 2); and v1, v2c and v3 messages of
/// every PDU type whole, cut at every length and with seeded byte changes. Both outputs must be identical.
/// Between 127.0.0.1 and itself, so that without -n both resolve the address from /etc/hosts.
/// Skipped without /usr/bin/tcpdump.
/// </summary>
public class SnmpOidOracleTests
{
    private static readonly byte[] Loopback = [127, 0, 0, 1, 127, 0, 0, 1];

    public static IEnumerable<object[]> Options() =>
    [
        ["", false], ["-v", false], ["-vv", false], ["", true], ["-vv", true],
    ];

    private static byte[] Tlv(int tag, params byte[][] parts)
    {
        byte[] body = [.. parts.SelectMany(p => p)];
        byte[] len = body.Length switch
        {
            < 128 => [(byte)body.Length],
            < 256 => [0x81, (byte)body.Length],
            _ => [0x82, (byte)(body.Length >> 8), (byte)body.Length],
        };
        return [(byte)tag, .. len, .. body];
    }

    private static byte[] Raw(int tag, params byte[] content) => Tlv(tag, content);

    private static byte[] Sub(uint v)
    {
        var b = new List<byte> { (byte)(v & 0x7f) };
        for (v >>= 7; v != 0; v >>= 7) b.Insert(0, (byte)(0x80 | (v & 0x7f)));
        return [.. b];
    }

    /// <summary>The BER content of an OID; <paramref name="padded"/> puts a 0x80 byte before the first sub-identifier.</summary>
    private static byte[] OidBody(IReadOnlyList<uint> arcs, bool padded = false)
    {
        var b = new List<byte>();
        if (padded) b.Add(0x80);
        b.AddRange(Sub(arcs[0] * 40 + arcs[1]));
        foreach (var a in arcs.Skip(2)) b.AddRange(Sub(a));
        return [.. b];
    }

    private static byte[] Oid(params uint[] arcs) => Tlv(6, OidBody(arcs));

    private static byte[] Int(int v)
    {
        var b = new List<byte>();
        do
        {
            b.Insert(0, (byte)v);
            v >>= 8;
        }
        while (v != 0 && v != -1);
        if ((b[0] & 0x80) != 0 && v == 0) b.Insert(0, 0);
        if ((b[0] & 0x80) == 0 && v == -1) b.Insert(0, 0xff);
        return Raw(2, [.. b]);
    }

    private static byte[] Str(string s) => Raw(4, [.. s.Select(c => (byte)c)]);

    private static byte[] Null => [5, 0];

    private static byte[] VarBinds(IEnumerable<(byte[] Oid, byte[] Value)> binds) => Tlv(0x30, [.. binds.Select(b => Tlv(0x30, b.Oid, b.Value))]);

    private static byte[] Pdu(int type, int reqId, int status, int index, IEnumerable<(byte[] Oid, byte[] Value)> binds) =>
        Tlv(0xa0 + type, Int(reqId), Int(status), Int(index), VarBinds(binds));

    private static byte[] Message(int version, string community, byte[] pdu) => Tlv(0x30, Int(version), Str(community), pdu);

    private static readonly uint[] Mib2 = [1, 3, 6, 1, 2, 1], Enterprises = [1, 3, 6, 1, 4, 1], SnmpModules = [1, 3, 6, 1, 6, 3];

    private static uint[] Under(uint[] prefix, params uint[] arcs) => [.. prefix, .. arcs];

    /// <summary>Every node's path in the tree, from its top.</summary>
    private static IEnumerable<(uint[] Path, SnmpMib.Node Node)> Nodes(SnmpMib.Node[] level, uint[] parent)
    {
        foreach (var n in level)
        {
            uint[] path = [.. parent, n.Sub];
            yield return (path, n);
            foreach (var c in Nodes(n.Children, path)) yield return c;
        }
    }

    /// <summary>OIDs under every node: the node, its children 0 to one past the last, 255 and 256, an instance below.</summary>
    private static IEnumerable<uint[]> CoverageOids()
    {
        foreach (var (path, node) in Nodes(SnmpMib.Root, []))
        {
            if (path.Length < 2)
            {
                for (uint k = 0; k < 45; k++) yield return [.. path, k];
                continue;
            }
            yield return path;
            uint last = node.Children.Length == 0 ? 0 : node.Children.Max(c => c.Sub);
            for (uint k = 0; k <= last + 1; k++) yield return [.. path, k];
            yield return [.. path, 255];
            yield return [.. path, 256];
            yield return [.. path, 1, 0];
        }
        for (uint k = 0; k < 130; k++) yield return [2, k];
        yield return [0, 0, 1];
    }

    /// <summary>OID contents the tree walk has to survive: empty, short, exact prefixes, long and unterminated arcs.</summary>
    private static IEnumerable<byte[]> OddOidBodies()
    {
        yield return [];
        yield return [0x2b];
        yield return [0x2b, 6];
        yield return [0x2b, 6, 1];
        yield return OidBody(Mib2);
        yield return OidBody(Enterprises);
        yield return [0x2b, 6, 1, 3];
        yield return OidBody(SnmpModules);
        yield return [.. OidBody(Mib2), 0x81];
        yield return [.. OidBody(Mib2), 0x81, 0x00];
        yield return [.. OidBody(Mib2), 0x8f, 0xff, 0xff, 0xff, 0x7f];
        yield return [.. OidBody(Mib2), 0x81, 0x80, 0x80, 0x80, 0x80, 0x01];
        yield return [.. OidBody(Enterprises), 0x82, 0x01, 1];
        yield return [0x8f, 0xff, 0xff, 0xff, 0x7f, 1];
        yield return [0x81, 0x80, 0x80, 0x80, 0x80, 0x2b, 6];
        yield return [0x88, 0x37, 1];
        yield return [0x80, 0x80, 0x2b, 6, 1, 2, 1, 1];
        yield return [0x2b, 0x80, 6, 1, 2, 1, 1, 1];
        yield return [0x2b, 6, 1, 6, 3, 0x0f, 1, 1, 4, 0];
        yield return [0x2b, 6, 1, 3, 0x81];
    }

    private static byte[] Frame(byte[] snmp, bool trap = false) => UdpOracle.Frame(snmp, trap ? 1025 : 1024, trap ? 162 : 161, false, Loopback);

    private static IEnumerable<byte[]> CoverageFrames()
    {
        var binds = new List<(byte[], byte[])>();
        foreach (var path in CoverageOids())
        {
            binds.Add((Tlv(6, OidBody(path)), binds.Count % 3 == 0 ? Tlv(6, OidBody(path)) : Int(binds.Count)));
            binds.Add((Tlv(6, OidBody(path, padded: true)), Null));
        }
        foreach (var body in OddOidBodies()) binds.Add((Tlv(6, body), Tlv(6, body)));
        for (int i = 0; i < binds.Count; i += 40)
            yield return Frame(Message(1, "public", Pdu(2, i, 0, 0, binds.Skip(i).Take(40))));
    }

    [SkippableTheory]
    [MemberData(nameof(Options))]
    public void EveryMibNodeMatchesSystemTcpdump(string options, bool numeric)
    {
        Skip.IfNot(UdpOracle.HaveTcpdump, UdpOracle.SkipMessage);
        var frames = CoverageFrames().Select(f => (f, f.Length));
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(frames), options, numeric);
    }

    /// <summary>Seeded random OIDs: walks down the tree that leave it at random (arcs up to 2^32), encoded minimally or with
    /// 0x80 bytes put before arcs, and random byte strings.</summary>
    private static IEnumerable<byte[]> RandomOidBodies(Random r)
    {
        for (int n = 0; n < 3000; n++)
        {
            if (r.Next(5) == 0)
            {
                var junk = new byte[r.Next(13)];
                r.NextBytes(junk);
                yield return junk;
                continue;
            }
            var arcs = new List<uint>();
            var level = SnmpMib.Root;
            for (int depth = r.Next(1, 14); arcs.Count < depth;)
            {
                uint arc;
                if (level.Length > 0 && r.Next(6) != 0)
                {
                    var node = level[r.Next(level.Length)];
                    arc = node.Sub;
                    level = node.Children;
                }
                else
                {
                    arc = r.Next(4) switch { 0 => (uint)r.Next(300), 1 => (uint)r.Next(40), 2 => (uint)r.Next(), _ => (uint)r.NextInt64(1L << 32) };
                    level = [];
                }
                arcs.Add(arc);
            }
            if (arcs.Count == 1) arcs.Add((uint)r.Next(50));
            if (arcs[0] > 2) arcs[0] = (uint)r.Next(3);
            if (arcs[0] < 2 && arcs[1] >= 40) arcs[1] %= 40;
            var body = new List<byte>(OidBody(arcs));
            for (int k = r.Next(3) == 0 ? r.Next(1, 3) : 0; k > 0; k--)
            {
                int at = r.Next(body.Count + 1);
                if (at == 0 || body[at - 1] < 0x80) body.Insert(at, 0x80);
            }
            yield return [.. body];
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Options))]
    public void RandomOidsMatchSystemTcpdump(string options, bool numeric)
    {
        Skip.IfNot(UdpOracle.HaveTcpdump, UdpOracle.SkipMessage);
        var bodies = RandomOidBodies(new Random(20261207)).ToList();
        var frames = new List<(byte[], int)>();
        for (int i = 0; i < bodies.Count; i += 40)
        {
            var binds = bodies.Skip(i).Take(40).Select(b => (Tlv(6, b), Tlv(6, b)));
            var f = Frame(Message(1, "public", Pdu(2, i, 0, 0, binds)));
            frames.Add((f, f.Length));
        }
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(frames), options, numeric);
    }

    /// <summary>One message of each PDU type, SNMPv1, v2c and v3, with OIDs of each abbreviation and values of each type.</summary>
    private static IEnumerable<(byte[] Message, bool Trap)> Messages()
    {
        var sysDescr = Oid(Under(Mib2, 1, 1, 0));
        var ifDescr = Oid(Under(Mib2, 2, 2, 1, 2, 3));
        var cisco = Oid(Under(Enterprises, 9, 1, 1208));
        var experimental = Oid(1, 3, 6, 1, 3, 7, 1);
        var usmUnknownEngine = Oid(Under(SnmpModules, 15, 1, 1, 4, 0));
        var gets = new[] { (sysDescr, Null), (ifDescr, Null), (cisco, Null), (experimental, Null) };
        yield return (Message(0, "public", Pdu(0, 7, 0, 0, gets)), false);
        yield return (Message(0, "private", Pdu(1, 8, 0, 0, gets)), false);
        yield return (Message(1, "public", Pdu(5, 9, 0, 10, gets)), false);
        byte[][] values =
        [
            Str("Linux router 6.1"), cisco, Raw(0x40, 10, 1, 2, 3), Raw(0x41, 1, 0), Raw(0x42, 0x7f), Raw(0x43, 0, 0x99, 0x11),
            Raw(0x46, 1, 2, 3, 4, 5, 6, 7, 8), Int(-3), [0x80, 0], [0x81, 0], [0x82, 0],
        ];
        var answers = values.Select((v, i) => (i % 2 == 0 ? sysDescr : ifDescr, v)).ToArray();
        yield return (Message(0, "public", Pdu(2, 7, 0, 0, answers)), false);
        yield return (Message(1, "public", Pdu(2, 7, 2, 1, answers)), false);
        yield return (Message(0, "public", Pdu(3, 11, 0, 0, [(Oid(Under(Mib2, 1, 5, 0)), Str("gw"))])), false);
        var trapBinds = new[] { (Oid(Under(Mib2, 2, 2, 1, 1, 2)), Int(2)), (usmUnknownEngine, Raw(0x41, 5)) };
        byte[] Trap(byte[] enterprise, int generic, int specific) =>
            Tlv(0xa4, enterprise, Raw(0x40, 127, 0, 0, 1), Int(generic), Int(specific), Raw(0x43, 1, 0), VarBinds(trapBinds));
        yield return (Message(0, "public", Trap(cisco, 6, 17)), true);
        yield return (Message(0, "public", Trap(Oid(Under(Mib2, 11)), 2, 0)), true);
        yield return (Message(0, "public", Trap(experimental, 3, 0)), true);
        var v2Trap = new[] { (Oid(Under(Mib2, 1, 3, 0)), Raw(0x43, 0x10)), (Oid(1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0), cisco) };
        yield return (Message(1, "public", Pdu(7, 12, 0, 0, [.. v2Trap, .. trapBinds])), true);
        yield return (Message(1, "public", Pdu(6, 13, 0, 0, v2Trap)), true);
        yield return (Message(1, "public", Pdu(8, 14, 0, 0, [(usmUnknownEngine, Raw(0x41, 9))])), false);
        var usm = Tlv(0x30, Str("\u0080\0\0\u0009\u0003"), Int(3), Int(1000), Str("admin"), Str(""), Str(""));
        var scoped = Tlv(0x30, Str("\u0080\0\0\u0009\u0003"), Str(""), Pdu(8, 15, 0, 0, [(usmUnknownEngine, Raw(0x41, 4))]));
        yield return (Tlv(0x30, Int(3), Tlv(0x30, Int(99), Int(1500), Raw(4, 4), Int(3)), Tlv(4, usm), scoped), false);
    }

    [SkippableTheory]
    [MemberData(nameof(Options))]
    public void MessagesWholeCutAndChangedMatchSystemTcpdump(string options, bool numeric)
    {
        Skip.IfNot(UdpOracle.HaveTcpdump, UdpOracle.SkipMessage);
        var frames = Messages().Select(m => (Frame(m.Message, m.Trap), false));
        UdpOracle.AssertSameOutput(frames, options, seed: 20261207, changes: 40, numeric: numeric);
    }
}
