// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// The OSI printers (CLNP, ES-IS, IS-IS) on packets built here, which reach what tcpdump's captures do not (CLNP
/// options and error reports, ES-IS redirects and options, IS-IS TE sub-TLVs with bandwidths, authentication, SRLG,
/// restart, prefix neighbours, router capability), over 802.2, Cisco HDLC and GRE, whole, cut short and with seeded
/// byte changes: our output must be Debian's tcpdump 4.99.3's byte for byte. Skipped without /usr/bin/tcpdump.
/// </summary>
public class OsiOracleTests
{
    public static IEnumerable<object[]> Options() => new[] { "", "-v", "-vv", "-e -v", "-q", "-vvv -e", "-x -v", "-X -vv" }.Select(o => new object[] { o });

    private static byte[] Opt(int code, params byte[] value) => [(byte)code, (byte)value.Length, .. value];

    private static readonly byte[] NsapA = Convert.FromHexString("490001aabbccddeeff00");
    private static readonly byte[] NsapB = Convert.FromHexString("39840f80112233445566778899aabbccddeeff01");

    private static byte[] Clnp(int type, byte[] options, byte[] data, bool segmented)
    {
        byte[] addr = [(byte)NsapB.Length, .. NsapB, (byte)NsapA.Length, .. NsapA];
        byte[] seg = segmented ? [0x12, 0x34, 0, 0, 0, 100] : [];
        int li = 9 + addr.Length + seg.Length + options.Length;
        int total = li + data.Length;
        return [0x81, (byte)li, 1, 33, (byte)(type | (segmented ? 0xa0 : 0)), (byte)(total >> 8), (byte)total, 0x12, 0x34,
            .. addr, .. seg, .. options, .. data];
    }

    private static byte[] Esis(int type, byte[] body, byte[] options)
    {
        int li = 9 + body.Length + options.Length;
        return [0x82, (byte)li, 1, 0, (byte)type, 0x01, 0x2c, 0xab, 0xcd, .. body, .. options];
    }

    private static byte[] Tlv(int type, params byte[] value) => [(byte)type, (byte)value.Length, .. value];

    private static byte[] F32(float f)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteSingleBigEndian(b, f);
        return b;
    }

    private static readonly byte[] NodeId = Convert.FromHexString("11223344556601");

    private static byte[] ExtIs(byte[] subs) => [.. NodeId, 0, 0, 10, (byte)subs.Length, .. subs];

    /// <summary>TLVs of every kind the IS-IS printer decodes, grouped into LSPs.</summary>
    private static List<byte[]> IsisTlvs()
    {
        byte[] teSubs =
        [
            .. Tlv(3, 0, 0, 0, 15), .. Tlv(4, 0, 0, 0, 1, 0, 0, 0, 2), .. Tlv(6, 10, 0, 0, 1), .. Tlv(8, 10, 0, 0, 2),
            .. Tlv(9, F32(1.25e8f)), .. Tlv(10, F32(7812.5f)), .. Tlv(11, [.. F32(0.5f), .. F32(1e6f), .. F32(3e6f), .. F32(1e-3f),
                .. F32(float.NaN), .. F32(float.PositiveInfinity), .. F32(-2f), .. F32(123456.789f)]),
            .. Tlv(18, 0, 0, 10), .. Tlv(19, 0, 5), .. Tlv(20, 10, 3), .. Tlv(22, [1, .. F32(1e7f), .. F32(2e7f)]),
            .. Tlv(12, [0, .. F32(3e3f)]), .. Tlv(29, 0, 0, 16, 2, 0, 7),
        ];
        byte[] maxBw = [.. F32(1e5f), .. F32(2e5f), .. F32(3e5f), .. F32(4e5f), .. F32(5e5f), .. F32(6e5f), .. F32(7e5f), .. F32(8e5f)];
        byte[] swcap1 = Tlv(21, [1, 2, 0, 0, .. maxBw, .. F32(1000f), 5, 0xdc]);
        byte[] swcap2 = Tlv(21, [100, 5, 0, 0, .. maxBw, .. F32(2e9f), 1, 0, 0, 0]);
        byte[] swcap3 = Tlv(21, [51, 2, 0, 0, .. maxBw, 1, 2, 3]);
        byte[] lanSid = Tlv(32, [0x30, 5, .. Convert.FromHexString("aabbccddeeff"), 0x00, 0x3e, 0x80]);
        byte[] ipSubs = [.. Tlv(1, 0, 0, 0, 100), .. Tlv(2, 0, 0, 0, 0, 0, 0, 1, 0), .. Tlv(3, 0x40, 0, 0, 0, 0, 16),
            .. Tlv(3, 0x0c, 1, 0, 0x3e, 0x80), .. Tlv(117, 0, 0, 0, 1), .. Tlv(77, 1, 2)];
        byte[] srCap = Tlv(2, [0xc0, 0, 1, 0, 1, 3, 0, 0x3e, 0x80, 1, 4, 0, 0, 0x3e, 0x80, 5, 1, 9]);
        return
        [
            Tlv(22, ExtIs(teSubs)), Tlv(22, ExtIs([.. swcap1, .. swcap3])), Tlv(222, [0x80, 0x02, .. ExtIs([.. swcap2, .. lanSid])]),
            Tlv(24, [.. NodeId, 6, .. Tlv(6, 1, 2, 3, 4)]),
            Tlv(135, [0, 0, 0, 10, 0x40 | 24, 10, 1, 2, (byte)ipSubs.Length, .. ipSubs]), Tlv(235, 0, 2, 0, 0, 0, 10, 0x88, 10),
            Tlv(236, [0, 0, 0, 10, 0x60, 64, .. Convert.FromHexString("20010db800000001"), 20, .. ipSubs[..20]]),
            Tlv(237, [0, 2, 0, 0, 0, 10, 0x40, 48, .. Convert.FromHexString("20010db80001")]),
            Tlv(128, 0x0a, 0x80, 0x80, 0x80, 10, 0, 0, 0, 255, 255, 255, 0, 0x4a, 5, 6, 0x87, 10, 1, 0, 0, 255, 0, 255, 0),
            Tlv(130, 0x8a, 0x80, 0x80, 0x80, 10, 0, 0, 0, 255, 255, 255, 252), Tlv(2, [0, 0x0a, 0x05, 0x80, 0x45, .. NodeId]),
            Tlv(3, [0x0a, 0x80, 0x80, 0x80, .. NodeId[..6]]), Tlv(10, [1, .. "secret"u8, 0, (byte)'x']),
            Tlv(10, [0x36, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]), Tlv(10, 3, 0, 7, 1, 2, 3, 4, 5), Tlv(10, 0xff, 1, 2),
            Tlv(240, [0, 0, 0, 0, 5, .. NodeId[..6], 0, 0, 0, 9]), Tlv(240, 2, 0), Tlv(129, 0xcc, 0x8e, 0x81, 0x42), Tlv(134, 1, 2, 3, 4),
            Tlv(132, 1, 2, 3, 4, 5, 6, 7, 8), Tlv(232, Convert.FromHexString("fe800000000000000000000000000001")),
            Tlv(137, [.. "router-"u8, 1, 0xc1, .. ".example"u8]), Tlv(138, [.. NodeId, 1, 10, 0, 0, 1, 10, 0, 0, 2, 0, 0, 0, 5, 0, 0, 0, 6]),
            Tlv(9, [4, 0xb0, .. NodeId, 0, 0, 0, 0, 5, 0xab, 0xcd]), Tlv(12, 0x12, 0x34), Tlv(13, [2, .. NodeId[..6], .. NodeId[..6], 0]),
            Tlv(13, 0), Tlv(229, 0, 0, 0x80, 2, 0x0f, 0xff, 0x40, 5), Tlv(211, [3, 0, 30, .. NodeId[..6]]), Tlv(131, 2, 0xfd, 0xe8),
            Tlv(131, 1, 1, 2, 3), Tlv(14, 5, 0xd4), Tlv(4, NodeId[..6]), Tlv(5, 0x0a, 0x80, 0x80, 0x80, 6, 0x49, 0, 1, 1),
            Tlv(241, 0, 0, 1, 0), Tlv(242, [1, 1, 1, 1, 3, .. srCap, .. Tlv(9, 1)]), Tlv(242, 1, 2), Tlv(250, 0, 0, 0x0c, 1, 2, 3),
            Tlv(7, 0, 5, 0, 1, 0, 2), Tlv(6, Convert.FromHexString("aabbccddeeff001122334455")),
            Tlv(1, [3, 0x49, 0, 1, 0, 5, 21, .. new byte[21]]), Tlv(66, 1, 2),
            Tlv(143, [0, 1, .. Tlv(6, 0, 0x80, 0xc2, 1, 0, 0x10, 0, 0x80, 0xc2, 2, 0, 0x28), .. Tlv(5, new byte[33]), .. Tlv(4, new byte[102])]),
            Tlv(144, [0x80, 1, .. Tlv(1, [.. new byte[18], 1, 0x80, 0, 0x80, 0xc2, 1, 0, 0x10, 1]),
                .. Tlv(3, [.. Convert.FromHexString("aabbccddeeff0064"), 0x80, 0, 0, 0x10])]),
        ];
    }

    private static byte[] Lsp(IEnumerable<byte[]> tlvs, int type)
    {
        byte[] body = [.. tlvs.SelectMany(t => t)];
        int pduLen = 27 + body.Length;
        return [0x83, 27, 1, 0, (byte)type, 1, 0, 0, (byte)(pduLen >> 8), (byte)pduLen, 0x04, 0xb0, .. NodeId, 0, 0, 0, 0, 5, 0x12, 0x34, 0x0b, .. body];
    }

    /// <summary>OSI PDUs: CLNP of every type with every option, error reports carrying a PDU, ES-IS ESH/ISH/redirect, LSPs.</summary>
    private static List<byte[]> Pdus()
    {
        byte[][] optionSets =
        [
            [.. Opt(0xcd, 5), .. Opt(0xc3, 0xff), .. Opt(0xc5, 0x40, 7)],
            [.. Opt(0xc8, 1, 3, 0, 4, 0x49, 0, 1, 2, 2, 0xaa, 0xbb), .. Opt(0xcb, 0, 3, 3, 1, 2, 3)],
            [.. Opt(0xc1, 0x81), .. Opt(0xcc, 0, 0, 0)],
            [.. Opt(0xc1, 0x23), .. Opt(0xc3, 0x80), .. Opt(0x99, 1, 2)],
            [.. Opt(0xc1, 0xb4), .. Opt(0xc3, 0x2a)],
        ];
        var pdus = new List<byte[]>();
        foreach (var o in optionSets)
            foreach (int t in new[] { 28, 29, 30, 31, 1, 5 })
            {
                pdus.Add(Clnp(t, o, "hello world"u8.ToArray(), true));
                pdus.Add(Clnp(t, o, [], false));
            }
        byte[] inner = Clnp(28, optionSets[0], "abc"u8.ToArray(), true);
        pdus.Add(Clnp(1, optionSets[2], inner, true));
        pdus.Add(Clnp(31, [], inner, false));
        byte[] esisOptions = [.. Opt(0xc6, 0, 60), .. Opt(0x81, 0xcc, 0x8e, 0x81), .. Opt(0xe1, 1, 2, 3)];
        pdus.Add(Esis(2, [2, (byte)NsapA.Length, .. NsapA, 3, 0x49, 0, 1], esisOptions));
        pdus.Add(Esis(4, [(byte)NsapB.Length, .. NsapB], esisOptions));
        pdus.Add(Esis(6, [(byte)NsapA.Length, .. NsapA, 6, .. Convert.FromHexString("00aabbccddee"), (byte)NsapB.Length, .. NsapB], esisOptions));
        pdus.Add(Esis(6, [(byte)NsapA.Length, .. NsapA, 4, 0xaa, 0xbb, 0xcc, 0xdd, 0], [.. Opt(0xc6, 1)]));
        pdus.Add(Esis(9, [1, 2, 3, 4], []));
        var tlvs = IsisTlvs();
        for (int i = 0; i < tlvs.Count; i += 6) pdus.Add(Lsp(tlvs.Skip(i).Take(6), i % 12 == 0 ? 18 : 20));
        return pdus;
    }

    private static readonly byte[] Mac = Convert.FromHexString("0180c2000014001122334455");

    private static byte[] Llc(byte[] pdu) => [.. Mac, (byte)((pdu.Length + 3) >> 8), (byte)(pdu.Length + 3), 0xfe, 0xfe, 0x03, .. pdu];

    /// <summary>Every PDU whole, then cut and changed (seeded) past the LLC header.</summary>
    private static List<(byte[], int)> Mutated(IEnumerable<byte[]> frames, int headerLen, int seed)
    {
        var r = new Random(seed);
        var list = new List<(byte[], int)>();
        byte[] values = [0, 1, 2, 3, 4, 5, 6, 7, 8, 0x20, 0x40, 0x80, 0xff];
        foreach (var f in frames)
        {
            list.Add((f, f.Length));
            for (int k = 0; k < 8; k++)
            {
                var m = (byte[])f.Clone();
                for (int n = r.Next(1, 4); n > 0; n--)
                {
                    int i = r.Next(headerLen, m.Length);
                    m[i] = r.Next(3) switch { 0 => values[r.Next(values.Length)], 1 => (byte)(m[i] ^ (1 << r.Next(8))), _ => (byte)r.Next(256) };
                }
                list.Add(r.Next(5) < 3 ? (m, m.Length) : (m[..r.Next(headerLen, m.Length)], m.Length));
            }
        }
        return list;
    }

    [SkippableTheory]
    [MemberData(nameof(Options))]
    public void OsiOver8022MatchesSystemTcpdump(string options)
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle");
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(Mutated(Pdus().Select(Llc), 17, 20261207)), options);
    }

    [SkippableTheory]
    [MemberData(nameof(Options))]
    public void OsiOverCiscoHdlcAndGreMatchesSystemTcpdump(string options)
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle");
        var pdus = Pdus().Where((_, i) => i % 2 == 0).ToList();
        // Cisco HDLC type 0xfefe, with and without the pad byte before the NLPID
        var hdlc = pdus.Select((p, i) => (byte[])[0x0f, 0x00, 0xfe, 0xfe, .. (i % 2 == 0 ? new byte[] { 0 } : []), .. p]);
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(Mutated(hdlc, 4, 1701), 104), options);
        // GRE (protocol type 0x00fe) in IPv4 on Ethernet, with key and sequence number on every other packet
        var gre = pdus.Select((p, i) =>
        {
            byte[] g = i % 2 == 0 ? [0, 0, 0, 0xfe] : [0x30, 0, 0, 0xfe, 0, 0, 0, 42, 0, 0, 0, (byte)i];
            var ip = new byte[20];
            PrinterOracleTests.WriteIpv4Header(ip, 20 + g.Length + p.Length, 47, [10, 0, 0, 1], [10, 0, 0, 2]);
            return (byte[])[.. Mac, 0x08, 0x00, .. ip, .. g, .. p];
        });
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(Mutated(gre, 34, 2784)), options);
    }
}
