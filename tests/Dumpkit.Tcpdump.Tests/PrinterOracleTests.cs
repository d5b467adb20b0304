// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// Generated captures printed by us and by Debian's tcpdump 4.99.3 (/usr/bin/tcpdump), byte for byte.
/// Cases found by differential fuzzing: TCP options cut short by the snap length, LLC frames of every kind.
/// (LLC payloads that go on to printers this build lacks or that differ, such as AppleTalk DDP, VTP, Token Ring,
/// FDDI, and junk CLNP/IPX, are left out of the LLC cases.)
/// </summary>
public class PrinterOracleTests
{
    private const string Oracle = "/usr/bin/tcpdump";
    private const string SkipMessage = "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle";

    public static IEnumerable<object[]> OptionSets() => new[] { "", "-v", "-vv", "-e", "-S -vvv", "-q", "-x", "-A" }.Select(o => new object[] { o });

    public static IEnumerable<object[]> LlcOptionSets() => new[] { "", "-e", "-v", "-e -v", "-x", "-q", "-A", "-XX" }.Select(o => new object[] { o });

    /// <summary>A pcap (microseconds, Ethernet unless told) whose records keep the original length of cut packets.</summary>
    internal static byte[] Pcap(IEnumerable<(byte[] Data, int OrigLen)> packets, int linkType = 1)
    {
        var ms = new MemoryStream();
        var h = new byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0xA1B2C3D4);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(6), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(16), 65535);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(20), (uint)linkType);
        ms.Write(h);
        uint sec = 1700000000;
        var r = new byte[16];
        foreach (var (data, orig) in packets)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(r, sec++);
            BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(4), 0);
            BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(8), (uint)data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(12), (uint)orig);
            ms.Write(r);
            ms.Write(data);
        }
        return ms.ToArray();
    }

    /// <summary>Runs /usr/bin/tcpdump in GMT: its standard output (Latin-1) and exit status.</summary>
    internal static (string Out, int Exit) RunSystemTcpdump(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(Oracle) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["TZ"] = "GMT0";
        psi.StandardOutputEncoding = Encoding.Latin1;
        using var p = Process.Start(psi)!;
        var errTask = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        errTask.Wait();
        p.WaitForExit();
        return (output, p.ExitCode);
    }

    /// <summary>Prints <paramref name="capture"/> with both tcpdumps and asserts the outputs are identical (with -n unless
    /// <paramref name="numeric"/> is false).</summary>
    internal static void AssertSameOutput(byte[] capture, string options, bool numeric = true)
    {
        var path = Path.Combine(Path.GetTempPath(), $"dumpkit-oracle-{Guid.NewGuid():N}.pcap");
        File.WriteAllBytes(path, capture);
        bool keep = false;
        try
        {
            var args = new List<string> { "-r", path };
            if (numeric) args.Insert(0, "-n");
            args.AddRange(options.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            var (expected, exit) = RunSystemTcpdump(args);
            var o = new MemoryStream();
            int rc = TcpdumpCommand.Run([.. args], o, TextWriter.Null, null, TimeZoneInfo.Utc);
            var actual = Encoding.Latin1.GetString(o.ToArray());
            Assert.Equal(exit, rc);
            var e = expected.Split('\n');
            var a2 = actual.Split('\n');
            for (int i = 0; i < Math.Min(e.Length, a2.Length); i++)
                if (e[i] != a2[i]) { keep = true; Assert.Fail($"{path}, line {i + 1} [{options}]:\n  tcpdump: {e[i]}\n  ours:    {a2[i]}"); }
            keep = e.Length != a2.Length;
            Assert.True(!keep, $"{path} [{options}]: {e.Length} lines from tcpdump, {a2.Length} from ours");
        }
        finally
        {
            // a failing capture is kept for a closer look
            if (!keep) File.Delete(path);
        }
    }

    /// <summary>A 20-byte IPv4 header (TTL 64, no options) with its checksum.</summary>
    internal static void WriteIpv4Header(Span<byte> ip, int totalLength, byte protocol, byte[] src, byte[] dst, ushort id = 0)
    {
        ip[..20].Clear();
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)totalLength);
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], id);
        ip[8] = 64;
        ip[9] = protocol;
        src.CopyTo(ip[12..]);
        dst.CopyTo(ip[16..]);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum(ip[..20]));
    }

    internal static ushort Checksum(ReadOnlySpan<byte> b, uint sum = 0)
    {
        for (int i = 0; i + 1 < b.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(b[i..]);
        if (b.Length % 2 != 0) sum += (uint)b[^1] << 8;
        while (sum >> 16 != 0) sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)~sum;
    }

    /// <summary>Ethernet / IPv4 / TCP with the given options (padded with NOPs) and payload, checksums correct.</summary>
    internal static byte[] TcpPacket(byte[] options, byte flags, byte[] payload)
    {
        int optLen = (options.Length + 3) & ~3;
        int tcpLen = 20 + optLen + payload.Length;
        var p = new byte[14 + 20 + tcpLen];
        Convert.FromHexString("001122334455" + "66778899aabb" + "0800").CopyTo(p, 0);
        WriteIpv4Header(p.AsSpan(14, 20), 20 + tcpLen, 6, [10, 0, 0, 1], [10, 0, 0, 2], id: 1);
        var tcp = p.AsSpan(34);
        BinaryPrimitives.WriteUInt16BigEndian(tcp, 12345);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], 80);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], 1000);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], (flags & 0x10) != 0 ? 77u : 0u);
        tcp[12] = (byte)((20 + optLen) / 4 << 4);
        tcp[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 65535);
        options.CopyTo(tcp[20..]);
        tcp.Slice(20 + options.Length, optLen - options.Length).Fill(1);
        payload.CopyTo(tcp[(20 + optLen)..]);
        uint pseudo = 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 6 + (uint)tcpLen;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], Checksum(tcp, pseudo));
        return p;
    }

    // Option lists (hex) of every kind tcpdump decodes, in the orders real stacks send them. TCP-MD5 (19) is
    // left out: Debian's tcpdump is built with libcrypto and says "can't check" where ours (and the conformance
    // suite's configuration) prints the bare signature.
    private static readonly string[] TcpOptionLists =
    [
        "020405b40402080a0001020300000000" + "01030307",                 // mss, sackOK, TS, nop, wscale
        "020405b40101040201030307080a0000000100000002",                 // mss, nop, nop, sackOK, nop, wscale, TS
        "0101051200000001000000050000000900000011" + "080a1111111122222222", // nop, nop, sack 2 blocks, TS
        "2206010203041e0c0081" + "0101010101010101",                  // tfo cookie, mptcp capable
        "fd06123456780e03010f0201020304050607",                         // unknown with data, length errors
        "1c04000509020b06000000010c0600000002",                         // uto, unknown-9, cc, ccnew
        "1d080506aabbccdd" + "14040102" + "060600000009",               // tcp-ao, scps, echo
        "fe08f989010203040706000000070505" + "0a0000000100000002",       // exp tfo, echoreply, sack length 5
        "1e142400000000000000000100000002000300" + "04",               // mptcp dss
        "0507000000010201" + "0303020d0600000003",                       // bad sack length, wscale, cc echo
        "020405b400000000",                                            // mss, eol
    ];

    internal static IEnumerable<(byte[], int)> TruncatedTcpPackets()
    {
        foreach (var hex in TcpOptionLists)
        {
            var opts = Convert.FromHexString(hex);
            foreach (var (flags, payload) in new[] { ((byte)0x02, Array.Empty<byte>()), ((byte)0x10, Array.Empty<byte>()), ((byte)0x18, "hello"u8.ToArray()) })
            {
                var p = TcpPacket(opts, flags, payload);
                // every cut from the end of the Ethernet header to the whole packet (inside the IPv4 header, the TCP
                // header, the options, the payload)
                for (int cut = 14; cut <= p.Length; cut++) yield return (p[..cut], p.Length);
            }
        }
    }

    [SkippableTheory]
    [MemberData(nameof(OptionSets))]
    public void TcpOptionsCutShortMatchSystemTcpdump(string options)
    {
        Skip.IfNot(File.Exists(Oracle), SkipMessage);
        AssertSameOutput(Pcap(TruncatedTcpPackets()), options);
    }

    [Fact]
    public void TcpOptionCutInsideItsDataEndsWithAngleBracket()
    {
        // mss, sackOK, then a timestamp option whose 8 data bytes are cut after 3
        var p = TcpPacket(Convert.FromHexString("020405b40402080a0001020300000000"), 0x02, []);
        var cap = Pcap([(p[..(14 + 20 + 20 + 6 + 2 + 3)], p.Length)]);
        var o = new MemoryStream();
        TcpdumpCommand.Run(["-n", "-t", "-r", "-"], o, TextWriter.Null, () => new MemoryStream(cap), TimeZoneInfo.Utc);
        Assert.Equal("IP 10.0.0.1.12345 > 10.0.0.2.80: Flags [S], seq 1000, win 65535, options [mss 1460,sackOK,TS [|tcp]>\n",
            Encoding.Latin1.GetString(o.ToArray()));
    }

    private static readonly byte[] Src = Convert.FromHexString("66778899aabb"), Dst = Convert.FromHexString("001122334455");

    private static byte[] Ether8023(byte[] llc) => [.. Dst, .. Src, (byte)(llc.Length >> 8), (byte)llc.Length, .. llc];

    /// <summary>LLC frames: every named SAP and some unnamed ones, with group/response bits; U frames of every command
    /// with and without poll/final, S and I frames; XID with and without the format identifier; SNAP encapsulations.</summary>
    internal static List<byte[]> LlcFrames()
    {
        byte[] payload = [0x81, 0x01, 0x02, 0x03, .. "abcdefghij"u8];
        int[] saps = [0x00, 0x02, 0x03, 0x04, 0x06, 0x0e, 0x42, 0x4e, 0x5e, 0x7e, 0x80, 0x8e, 0xaa, 0xe0, 0xf0, 0xf4, 0xfe, 0xfc, 0x10, 0x12];
        int[] uCommands = [0x03, 0xe3, 0xaf, 0x63, 0x43, 0x0f, 0x6f, 0x87, 0x27, 0x13, 0xf3, 0xbf, 0x73];
        int[] isControls = [0x0001, 0x0005, 0x0009, 0x000d, 0x0101, 0x1e05, 0xfe01, 0x0000, 0x0102, 0x1234, 0xfffe, 0x0100];
        var frames = new List<byte[]>();
        foreach (int d in saps)
        {
            foreach (int s in new[] { d, d | 1, 0x02, 0x05, 0xfe })
            {
                foreach (int c in uCommands)
                {
                    // UI frames to the IPX and OSI SAPs go on to printers this test is not about
                    if (c == 0x03 && (s & 0xfe) == d && d is 0xe0 or 0xfe) continue;
                    frames.Add([(byte)d, (byte)s, (byte)c, .. payload]);
                }
                foreach (int c in isControls) frames.Add([(byte)d, (byte)s, (byte)c, (byte)(c >> 8), .. payload]);
            }
            if (d is not (0xe0 or 0xfe)) frames.Add([(byte)(d | 1), (byte)d, 0x03, .. payload]);
        }
        foreach (int d in new[] { 0x00, 0x04, 0xf0, 0x10 })
            foreach (int c in new[] { 0xaf, 0xbf })
            {
                frames.Add([(byte)d, (byte)d, (byte)c]);
                frames.Add([(byte)d, (byte)d, (byte)c, 0x81]);
                frames.Add([(byte)d, (byte)d, (byte)c, 0x81, 1]);
                frames.Add([(byte)d, (byte)d, (byte)c, 0x81, 1, 2]);
                frames.Add([(byte)d, (byte)d, (byte)c, 0x80, 1, 2, 3]);
            }
        // SNAP: Ethernet types, Cisco, RFC 2684 bridged (with its two bytes of padding), unknown OUIs
        byte[] inner = Convert.FromHexString("0000" + "001122334455" + "66778899aabb" + "0800" + "45000014" + new string('0', 32));
        foreach (var (oui, pid) in new[] { (0x000000, 0x0800), (0x000000, 0x9999), (0x000000, 0x86dd), (0x0000f8, 0x0800), (0x080007, 0x80f3),
            (0x00000c, 0x2000), (0x00000c, 0x1234), (0x0080c2, 0x0001), (0x0080c2, 0x0007), (0x0080c2, 0x000e), (0x0080c2, 0x0099),
            (0x123456, 0x0800), (0x009069, 0x0001) })
        {
            byte[] snap = [(byte)(oui >> 16), (byte)(oui >> 8), (byte)oui, (byte)(pid >> 8), (byte)pid];
            frames.Add([0xaa, 0xaa, 0x03, .. snap, .. inner]);
            frames.Add([0xaa, 0xab, 0x13, .. snap, .. "xyz"u8]);
        }
        foreach (int sap in new[] { 0x06, 0x42, 0xaa, 0xf0 })
            foreach (byte[] c in new byte[][] { [0x03], [0x13], [0xe3], [0x01, 0x00], [0x00, 0x02] })
                frames.Add([(byte)sap, (byte)sap, .. c, 0x83, 0x1b, 0x01, 0x00, 0x14, 0x01, 0x00, 0x00, .. new byte[20]]);
        return frames;
    }

    [SkippableTheory]
    [MemberData(nameof(LlcOptionSets))]
    public void LlcFramesMatchSystemTcpdump(string options)
    {
        Skip.IfNot(File.Exists(Oracle), SkipMessage);
        AssertSameOutput(Pcap(LlcFrames().Select(f => Ether8023(f)).Select(p => (p, p.Length))), options);
    }

    [SkippableTheory]
    [MemberData(nameof(LlcOptionSets))]
    public void LlcFramesCutShortMatchSystemTcpdump(string options)
    {
        Skip.IfNot(File.Exists(Oracle), SkipMessage);
        var frames = LlcFrames();
        var packets = new List<(byte[], int)>();
        // every cut from the end of the Ethernet header to 12 bytes into the LLC frame
        foreach (var p in frames.Where((_, i) => i % 7 == 0).Concat(frames.TakeLast(60)).Select(Ether8023))
            for (int cut = 14; cut <= Math.Min(p.Length, 26); cut++) packets.Add((p[..cut], p.Length));
        // 802.3 length fields shorter than the LLC header
        foreach (var f in frames.Where((_, i) => i % 13 == 0))
            for (int n = 0; n < 6; n++)
            {
                byte[] p = [.. Dst, .. Src, 0, (byte)n, .. f];
                packets.Add((p, p.Length));
            }
        AssertSameOutput(Pcap(packets), options);
    }

    [SkippableTheory]
    [MemberData(nameof(LlcOptionSets))]
    public void LlcOverLinuxCookedMatchesSystemTcpdump(string options)
    {
        Skip.IfNot(File.Exists(Oracle), SkipMessage);
        // Linux cooked capture v1, protocol 0x0004 (802.2)
        var packets = LlcFrames().Where((_, i) => i % 3 == 0)
            .Select(f => (byte[])[0, 0, 0, 1, 0, 6, .. Src, 0, 0, 0, 4, .. f])
            .Select(p => (p, p.Length));
        AssertSameOutput(Pcap(packets, 113), options);
    }

    [Fact]
    public void LlcFramesAreDescribedAsTcpdumpDoes()
    {
        byte[][] frames =
        [
            Ether8023([0x02, 0x02, 0x03, 1, 2]),             // UI to 802.1B I
            Ether8023([0x10, 0x13, 0x02, 0x05, 1, 2]),       // I frame between unknown SAPs, response with final
            Ether8023([0x04, 0x04, 0x01, 0x1f, 1, 2]),       // S frame (receiver ready), poll
            Ether8023([0x04, 0x05, 0xbf, 0x81, 0x01, 0x02]), // XID, final
        ];
        var cap = Pcap(frames.Select(p => (p, p.Length)));
        var o = new MemoryStream();
        TcpdumpCommand.Run(["-n", "-t", "-q", "-r", "-"], o, TextWriter.Null, () => new MemoryStream(cap), TimeZoneInfo.Utc);
        Assert.Equal(
            "66:77:88:99:aa:bb > 00:11:22:33:44:55 802.1B I Unnumbered, ui, Flags [Command], length 5\n" +
            "66:77:88:99:aa:bb Unknown SSAP 0x12 > 00:11:22:33:44:55 Unknown DSAP 0x10 Information, send seq 1, rcv seq 2, Flags [Final], length 6\n" +
            "66:77:88:99:aa:bb > 00:11:22:33:44:55 SNA Supervisory, Receiver Ready, rcv seq 15, Flags [Poll], length 6\n" +
            "66:77:88:99:aa:bb > 00:11:22:33:44:55 SNA Unnumbered, xid, Flags [Final], length 6: 01 02\n",
            Encoding.Latin1.GetString(o.ToArray()));
    }
}
