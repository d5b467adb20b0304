// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Text;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// Rx and the AFS services (UDP 7000-7009) and Kerberos (UDP 88/750) against Debian's tcpdump 4.99.3: for every opcode of
/// fs, cb, pt, vldb, kauth, vol, bos and Ubik a call with generated arguments of the layout its interface definition gives,
/// then its data reply and its abort (so that the call cache decodes them), acks with ack/nack ranges and the optional
/// trailer, every packet type and flag, over IPv4 and IPv6; Kerberos 4 messages of every type in both byte orders.
/// Each is printed whole, cut short at every length and with seeded byte changes; outputs and exit status must be
/// identical. Skipped without /usr/bin/tcpdump.
/// </summary>
public class RxAfsOracleTests
{
    private const string SkipMessage = "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle";

    public static IEnumerable<object[]> Options() => new[] { "", "-v", "-vv", "-vvv", "-q", "-x -v" }.Select(o => new object[] { o });

    // Argument layouts, one letter per XDR item: F fid, S string, I int, Q 64-bit, D date, A StoreStatus, V Ubik version,
    // U UUID, N/M/O names of 64/65/32 one-character words, T volume type, n server count, a address, p partition,
    // W any word, C ACL text, K opaque bytes; L<item> a counted list; (..) a group; a number repeats what follows.
    private static readonly Dictionary<int, (uint Op, string Call, string Reply)[]> Services = new()
    {
        [7000] =
        [
            (130, "F I I", ""), (131, "F", "C"), (132, "F", "4W"), (133, "F A I I I", ""), (134, "F C", ""), (135, "F A", ""),
            (136, "F S", ""), (137, "F S A", "F"), (138, "F S F S", ""), (139, "F S S", ""), (140, "F S F", ""), (141, "F S A", "F"),
            (142, "F S", ""), (143, "F", ""), (144, "F", ""), (145, "F", ""), (146, "4W", ""), (148, "S", ""), (149, "I", ""),
            (150, "I", ""), (151, "", "S"), (153, "", "D"), (154, "S", ""), (155, "LF", ""), (156, "F", ""), (157, "F", ""),
            (158, "F", ""), (220, "4W", ""), (65536, "LF", ""), (65537, "F Q Q", ""), (65538, "F A Q Q Q", ""), (65541, "I", ""),
            (999, "4W", "4W"),
        ],
        [7001] = [(204, "LF L(I D I)", ""), (206, "", ""), (213, "", "U"), (214, "U", ""), (65538, "4W", "4W"), (7, "", "")],
        [7002] =
        [
            (500, "S I I", ""), (501, "I", ""), (502, "I", ""), (503, "I I", ""), (504, "LN", "LI"), (505, "LI", "LN"), (506, "I", ""),
            (507, "I I", ""), (508, "I", "LI"), (509, "S I I", ""), (510, "", "I I"), (511, "I I", ""), (512, "I", ""),
            (513, "I S I I", ""), (514, "I", "LI"), (515, "I I", ""), (517, "I", "LI"), (518, "I", "LI"), (519, "I", "LI"),
            (520, "I S", ""), (530, "I", ""), (600, "4W", "4W"),
        ],
        [7003] =
        [
            (501, "M", ""), (502, "I T", ""), (503, "I T", "M W n 8a 8p 8W 3W"), (504, "S", "M W n 8a 8p 8W 3W"), (505, "I", "W"),
            (506, "I T M", ""), (507, "I T", ""), (508, "I T", ""), (509, "I T", ""), (510, "I", "I I M W n 8a 8p 8W 3W"),
            (517, "M", ""), (518, "I T", "M n 13a 13p 13W 3W"), (519, "S", "M n 13a 13p 13W 3W"), (520, "I T M", ""),
            (521, "I", "I I M n 13a 13p 13W 3W"), (524, "S", ""), (526, "4W", "M n 13U 13W 13p 13W 3W"),
            (527, "S", "M n 13U 13W 13p 13W 3W"), (529, "4W", "I I M n 13a 13p 13W 3W"), (700, "4W", "4W"),
        ],
        [7004] =
        [
            (1, "S S", ""), (2, "S S", ""), (3, "I S K S S", ""), (4, "S S I", ""), (5, "S S", ""), (6, "S S", ""), (7, "S S", ""),
            (8, "S S", ""), (9, "4W", "4W"), (12, "S", ""), (14, "S S", ""), (15, "S S", ""), (21, "S S", ""), (22, "S S", ""),
            (23, "I S K S S", ""), (99, "4W", "4W"),
        ],
        [7005] =
        [
            (100, "I S I I", "I I"), (101, "I", ""), (102, "I I", ""), (103, "I D 3W I", ""), (104, "I", "I"), (105, "I I I S", "I"),
            (106, "I I", ""), (107, "I", "I"), (108, "I I I", "I"), (109, "I D", ""), (110, "I", "I I"), (111, "I I", ""),
            (112, "I", "S"), (113, "I", "10I 6D"), (114, "S I I I", ""), (115, "", ""), (116, "I I", "L(O I 21W)"),
            (117, "I S I I I I", ""), (119, "S", ""), (120, "I", ""), (121, "I I", "L(O I 21W)"), (122, "I I", ""), (123, "I D", ""),
            (124, "I I", ""), (125, "I I", ""), (126, "I", ""), (128, "I D L(3W)", ""), (65536, "I I", ""), (65537, "I D", ""),
            (65538, "I D I", ""), (200, "4W", "4W"),
        ],
        [7007] =
        [
            (80, "S S", ""), (81, "S", ""), (82, "S I", ""), (83, "S", ""), (84, "I", ""), (85, "S", ""), (86, "S I", ""), (87, "S", ""),
            (89, "I", ""), (92, "I", ""), (93, "S", ""), (95, "I", ""), (98, "S I", ""), (105, "S I I I", ""), (108, "S", ""),
            (112, "S", ""), (114, "S", ""), (116, "4W", "4W"),
        ],
    };

    // Ubik calls any of the database services may carry.
    private static readonly (uint Op, string Call, string Reply)[] Ubik =
    [
        (10000, "I D V V", ""), (10001, "", ""), (10003, "I", ""), (20000, "V", ""), (20001, "V", ""), (20002, "V I I I I", ""),
        (20003, "V I I", ""), (20004, "", "V"), (20005, "I", ""), (20006, "I I V", ""), (20007, "V", ""), (20008, "V", ""),
        (20009, "V I I", ""), (20010, "V", ""), (20012, "V V V", ""), (20013, "4W", ""),
    ];

    private sealed class Gen(Random r)
    {
        private readonly List<byte> _b = [];

        public byte[] Build(string layout)
        {
            _b.Clear();
            int i = 0;
            Seq(layout, ref i);
            return [.. _b];
        }

        private void Word(uint v) { Span<byte> w = stackalloc byte[4]; BinaryPrimitives.WriteUInt32BigEndian(w, v); _b.AddRange(w.ToArray()); }

        private void Seq(string s, ref int i)
        {
            while (i < s.Length && s[i] != ')')
            {
                if (s[i] == ' ') { i++; continue; }
                Item(s, ref i);
            }
        }

        private void Item(string s, ref int i)
        {
            int n = 0;
            while (char.IsDigit(s[i])) n = n * 10 + (s[i++] - '0');
            if (n == 0) n = 1;
            int at = i;
            for (int k = 0; k < n; k++) { i = at; Atom(s, ref i); }
        }

        private void Atom(string s, ref int i)
        {
            char c = s[i++];
            switch (c)
            {
                case '(': Seq(s, ref i); i++; break;
                case 'L':
                {
                    int count = r.Next(4) == 0 ? 0 : r.Next(1, 4);
                    Word((uint)count);
                    int at = i;
                    for (int k = 0; k < count; k++) { i = at; Item(s, ref i); }
                    if (count == 0) { i = at; var saved = _b.Count; Item(s, ref i); _b.RemoveRange(saved, _b.Count - saved); }
                    break;
                }
                case 'F': Word((uint)r.Next(1, 600000000)); Word((uint)r.Next(1000)); Word((uint)r.Next(2000000)); break;
                case 'S': Str(); break;
                case 'I': Word(r.Next(5) == 0 ? (uint)-r.Next(1, 200) : (uint)r.Next(100000)); break;
                case 'Q': Word((uint)r.Next(3)); Word((uint)r.Next()); break;
                case 'D': Word((uint)r.Next(int.MinValue, int.MaxValue)); break;
                case 'A':
                {
                    uint mask = 0;
                    foreach (uint bit in new uint[] { 1, 2, 4, 8, 16, 1024, 64 }) if (r.Next(2) == 0) mask |= bit;
                    Word(mask); Word((uint)r.Next(900000000, 1000000000)); Word((uint)r.Next(1000)); Word((uint)r.Next(100));
                    Word((uint)r.Next(0x10000)); Word((uint)r.Next(100000));
                    break;
                }
                case 'V': Word((uint)r.Next(940000000, 950000000)); Word((uint)r.Next(100)); break;
                case 'U': for (int k = 0; k < 11; k++) Word(k < 3 ? (uint)r.Next() : (uint)r.Next(0x10000)); break;
                case 'N': Vector(64); break;
                case 'M': Vector(65); break;
                case 'O': Vector(32); break;
                case 'T': Word((uint)r.Next(4)); break;
                case 'n': Word((uint)r.Next(0, 15)); break;
                case 'a': Word((uint)r.Next()); break;
                case 'p': Word((uint)r.Next(30)); break;
                case 'W': Word((uint)r.Next()); break;
                case 'C': Acl(); break;
                case 'K': { int k = r.Next(12); Word((uint)k); for (int j = 0; j < k; j++) _b.Add((byte)r.Next(256)); break; }
                default: throw new ArgumentException($"layout letter {c}");
            }
        }

        private static readonly string[] Words = ["root.cell", "tmpdir", "admin", "a b", "x\u0001y", "\u00e9t\u00e9", "", "system:anyuser"];

        private void Str()
        {
            var text = Encoding.Latin1.GetBytes(Words[r.Next(Words.Length)]);
            Word((uint)text.Length);
            _b.AddRange(text);
            for (int k = text.Length; k % 4 != 0; k++) _b.Add(0);
        }

        private void Vector(int n)
        {
            var text = Encoding.Latin1.GetBytes(Words[r.Next(Words.Length)]);
            for (int k = 0; k < n; k++)
            {
                uint c = k < text.Length ? text[k] : (k == text.Length ? 0u : (uint)r.Next(256));
                Word(c | (uint)r.Next(4) << 8);
            }
        }

        private static readonly string[] Acls =
        [
            "2 1\nsystem:administrators 127\nsystem:anyuser 9\nbadguy 2\n", "1 0\nuser 8", "0 0\n", "  3\t1\nu1 1\n u2 +16\nu3 -1\nn 4096\n",
            "1 1\nlong 99999999999999999999\nx 4294967297\n", "2 0\nonly\n", "x y\n", "1", "-1 2\na 1\nb 2\nc 3\n", "1 0\n\u00e9\u0002 63\n",
            "2 2\na 1\0b 2\nc 3\n",
        ];

        private void Acl()
        {
            var text = Encoding.Latin1.GetBytes(Acls[r.Next(Acls.Length)]);
            Word((uint)text.Length);
            _b.AddRange(text);
            for (int k = text.Length; k % 4 != 0; k++) _b.Add(0);
        }
    }

    private static byte[] RxHeader(uint call, uint seq, byte type, byte flags, ushort service, uint serial = 7)
    {
        var h = new byte[28];
        BinaryPrimitives.WriteUInt32BigEndian(h, 0x38c9a2b1);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(4), 0x9a4e7c00 + call % 4);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(8), call);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(12), seq);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(16), serial);
        h[20] = type;
        h[21] = flags;
        h[23] = (byte)(call % 3);
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(26), service);
        return h;
    }

    private static readonly byte[] HostA = [10, 1, 2, 3], HostB = [10, 4, 5, 6];

    /// <summary>Ethernet, IPv4 (or IPv6) and UDP around a payload.</summary>
    private static byte[] Udp(byte[] payload, int sport, int dport, bool fromA, bool v6 = false)
    {
        int ipLen = v6 ? 40 : 20;
        var b = new byte[14 + ipLen + 8 + payload.Length];
        Convert.FromHexString(v6 ? "00112233445566778899aabb86dd" : "00112233445566778899aabb0800").CopyTo(b, 0);
        byte[] src = fromA ? HostA : HostB, dst = fromA ? HostB : HostA;
        if (v6)
        {
            b[14] = 0x60;
            BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(18), (ushort)(8 + payload.Length));
            b[20] = 17;
            b[21] = 64;
            b[22] = 0x20; b[23] = 0x01; src.CopyTo(b, 34);
            b[38] = 0x20; b[39] = 0x01; dst.CopyTo(b, 50);
        }
        else PrinterOracleTests.WriteIpv4Header(b.AsSpan(14), 28 + payload.Length, 17, src, dst);
        int u = 14 + ipLen;
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(u), (ushort)sport);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(u + 2), (ushort)dport);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(u + 4), (ushort)(8 + payload.Length));
        payload.CopyTo(b, u + 8);
        return b;
    }

    private static byte[] Be32(uint v) { var b = new byte[4]; BinaryPrimitives.WriteUInt32BigEndian(b, v); return b; }

    /// <summary>Conversations: each a call and the packets answering it (a data reply, an abort), in order.</summary>
    private static IEnumerable<byte[][]> Conversations(Random r, bool v6)
    {
        var g = new Gen(r);
        uint call = 1;
        foreach (var (port, ops) in Services)
        {
            var all = port is 7002 or 7003 or 7004 ? ops.Concat(Ubik) : ops;
            foreach (var (op, callArgs, replyArgs) in all)
            {
                call++;
                ushort service = (ushort)(port == 7000 ? 1 : r.Next(1, 60));
                int client = port == 7000 ? 7001 : 1024 + r.Next(60000);
                byte[] req = [.. RxHeader(call, 1, 1, (byte)(1 | r.Next(4) << 1), service), .. Be32(op), .. g.Build(callArgs)];
                byte[] rep = [.. RxHeader(call, 1, 1, 4, service), .. g.Build(replyArgs)];
                uint code = op == 999 ? (uint)r.Next(101, 113) : r.Next(3) == 0 ? 0xffffff9c : (uint)r.Next(-5, 120);
                byte[] abort = [.. RxHeader(call, 1, 4, 0, service), .. Be32(code), .. Be32(0x12345678)];
                yield return
                [
                    Udp(req, client, port, true, v6), Udp(rep, port, client, false, v6),
                    Udp(req, client, port, true, v6), Udp(abort, port, client, false, v6),
                ];
            }
        }
    }

    /// <summary>Packets that stand alone: acks, every packet type and flag combination, continuation packets.</summary>
    private static IEnumerable<byte[]> Others(Random r)
    {
        foreach (var acks in new byte[][] { [], [1], [0], [1, 1, 1, 0, 1, 0, 0, 1, 1], [0, 0, 1, 1, 0, 1, 1, 1], [1, 0, 1, 0, 2, 1, 1] })
            foreach (int trailer in new[] { 0, 3, 4, 9, 16 })
            {
                var ack = new byte[18];
                BinaryPrimitives.WriteUInt16BigEndian(ack, 32);
                BinaryPrimitives.WriteUInt16BigEndian(ack.AsSpan(2), 5);
                BinaryPrimitives.WriteUInt32BigEndian(ack.AsSpan(4), (uint)r.Next(1, 1000));
                BinaryPrimitives.WriteUInt32BigEndian(ack.AsSpan(12), (uint)r.Next(1, 1000));
                ack[16] = (byte)r.Next(11);
                ack[17] = (byte)acks.Length;
                var tail = new byte[3 + trailer];
                for (int k = 3; k < tail.Length; k++) tail[k] = (byte)r.Next(4);
                yield return Udp([.. RxHeader(5, 0, 2, (byte)r.Next(64), 1), .. ack, .. acks, .. tail], 7001, 7000, true);
            }
        for (int type = 0; type < 16; type++)
            foreach (int flags in new[] { 0, 1, 2, 4, 8, 16, 32, 63, 255 })
            {
                var body = new byte[r.Next(0, 12)];
                r.NextBytes(body);
                yield return Udp([.. RxHeader(9, (uint)r.Next(3), (byte)type, (byte)flags, 2), .. body], 7009, 7003 + type % 5, true);
            }
    }

    /// <summary>Kerberos over UDP 88 and 750: version 4 messages of every type, in both byte orders, and other versions.</summary>
    private static IEnumerable<byte[]> Kerberos(Random r)
    {
        byte[] princ = [.. "rcmd\0host\0EXAMPLE.COM\0"u8];
        foreach (int type in new[] { 2, 4, 6, 8, 10, 12, 14, 16, 126, 20 })
            foreach (int le in new[] { 0, 1 })
            {
                byte[] tail = [0, 0, 0, 5, 0x30, .. "krbtgt\0EXAMPLE\0"u8, 9, 9];
                byte[] body = type switch
                {
                    6 => [4, (byte)(type | le), 5, .. "ATHENA\0"u8, 40, 7],
                    4 => [.. princ, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0x01, 0x20, 0xaa],
                    10 => [.. princ, 1, 2, 3, 4, 0, 0, 0, (byte)r.Next(12), .. "error text\0"u8],
                    _ => [.. princ, .. tail],
                };
                if (type != 6) body = [4, (byte)(type | le), .. body];
                yield return Udp(body, 1799, r.Next(2) == 0 ? 88 : 750, true);
            }
        foreach (byte v in new byte[] { 1, 2, 3, 5, 106, 107, 0 })
            yield return Udp([v, 0x30, 1, 2], 88, 1799, false);
        yield return Udp([4, 2, .. "no\0end"u8], 1799, 88, true);
        yield return Udp([], 1799, 88, true);
    }

    [SkippableTheory]
    [MemberData(nameof(Options))]
    public void GeneratedCutAndChangedMessagesMatchSystemTcpdump(string options)
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), SkipMessage);
        var r = new Random(20261207);
        var whole = new List<(byte[], int)>();
        var cut = new List<(byte[], int)>();
        var changed = new List<(byte[], int)>();
        void Add(byte[] f, byte[]? before)
        {
            whole.Add((f, f.Length));
            for (int n = 14; n < f.Length; n++)
            {
                if (before != null) cut.Add((before, before.Length));
                cut.Add((f[..n], f.Length));
            }
            for (int k = 0; k < 4 && f.Length > 42; k++)
            {
                var m = (byte[])f.Clone();
                for (int n = r.Next(1, 4); n > 0; n--) m[r.Next(42, m.Length)] = (byte)r.Next(256);
                if (before != null) changed.Add((before, before.Length));
                changed.Add((m, m.Length));
            }
        }
        foreach (bool v6 in new[] { false, true })
            foreach (var conv in Conversations(r, v6))
            {
                Add(conv[0], null);
                Add(conv[1], conv[0]);
                Add(conv[3], conv[2]);
            }
        foreach (var f in Others(r)) Add(f, null);
        foreach (var f in Kerberos(r)) Add(f, null);
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(whole), options);
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(cut), options);
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(changed), options);
    }

    [SkippableFact]
    public void AfsCaptureCutAtEveryLengthMatchesSystemTcpdump()
    {
        Skip.If(ConformanceSuite.TestDir == null, "tcpdump test data (../shared/tcpdump-tests/4.99.3) not found");
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), SkipMessage);
        var packets = ReadPcap(Path.Combine(ConformanceSuite.TestDir!, "afs.pcap"));
        var cut = new List<(byte[], int)>();
        // the UDP packets, and the capture's ICMP errors quoting UDP (the ICMP printer's RFC 4884 check must end a cut
        // one in [|icmp] as tcpdump does)
        foreach (var p in packets.Where(p => p.Length > 23 && p[23] is 17 or 1))
        {
            cut.Add((p, p.Length));
            for (int n = 42; n < p.Length; n += 1 + p.Length / 64) cut.Add((p[..n], p.Length));
        }
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(cut), "-vv");
    }

    private static List<byte[]> ReadPcap(string path)
    {
        var b = File.ReadAllBytes(path);
        var list = new List<byte[]>();
        for (int o = 24; o + 16 <= b.Length;)
        {
            int len = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(o + 8));
            list.Add(b[(o + 16)..(o + 16 + len)]);
            o += 16 + len;
        }
        return list;
    }
}
