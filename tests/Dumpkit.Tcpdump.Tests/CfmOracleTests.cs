// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Tcpdump.Tests.Support;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// IEEE 802.1ag CFM (EtherType 0x8902 and the old 0xabcd) against Debian's tcpdump 4.99.3: generated messages of every
/// opcode (CCM with every MD and MA name format and interval, LTM, LTR, loopback, unknown, other versions, first-TLV
/// offsets too small and too large) followed by TLVs of every type (Sender ID with each chassis-ID subtype, network
/// addresses and management address fields, lengths that overrun), each whole, cut short at every length and with seeded
/// byte changes; both outputs and exit status must be identical. Skipped without /usr/bin/tcpdump.
/// </summary>
public class CfmOracleTests
{
    public static IEnumerable<object[]> Options() => new[] { "", "-v", "-vv", "-e -v", "-x -vv", "-q" }.Select(o => new object[] { o });

    private static byte[] H(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    private static byte[] Tlv(int type, byte[] value) => [(byte)type, (byte)(value.Length >> 8), (byte)value.Length, .. value];

    /// <summary>TLV lists: each is appended to a message body.</summary>
    private static IEnumerable<byte[]> TlvLists()
    {
        yield return [.. Tlv(2, [2]), .. Tlv(3, [1]), 0];
        yield return [.. Tlv(2, [7]), .. Tlv(3, [6]), .. Tlv(3, [9]), .. Tlv(2, []), 0];
        yield return [.. Tlv(31, H("0080c2 05 aabbcc")), .. Tlv(31, H("0000")), 0];
        yield return [.. Tlv(4, H("0102030405060708090a0b0c0d0e0f1011")), .. Tlv(5, H("01 00112233445566")), .. Tlv(6, H("02")), 0];
        yield return [.. Tlv(1, H("06 04 001122334455")), 0];
        yield return [.. Tlv(1, H("05 05 01 0a000001")), .. Tlv(1, H("11 05 02 20010db8000000000000000000000001")), 0];
        yield return [.. Tlv(1, H("03 05 01 0a00")), .. Tlv(1, H("02 05 09 ff")), .. Tlv(1, H("04 05 02 0a000001")), 0];
        yield return [.. Tlv(1, H("04 07 6574683000")), .. Tlv(1, H("03 01 616263")), .. Tlv(1, H("02 09 7a7a")), 0];
        yield return [.. Tlv(1, H("00 04 2b060102 06 0a0000010001")), .. Tlv(1, H("00 02 2b06")), .. Tlv(1, H("00 00")), 0];
        yield return [.. Tlv(1, H("01 04 aa 03 2b0601 05 0102")), .. Tlv(1, H("00 09 2b06")), .. Tlv(1, H("00")), 0];
        yield return [.. Tlv(1, H("01 04 aa 03 2b0601")), .. Tlv(1, []), .. Tlv(1, H("03")), .. Tlv(1, H("01 04 aa")), 0];
        yield return [.. Tlv(0x37, H("0102")), .. Tlv(2, [1]), 0x02, 0x10, 0x05, 1, 2];
        yield return [0x03, 0x00];
        yield return [];
    }

    private static byte[] Names(int mdFormat, byte[] md, int maFormat, byte[] ma)
    {
        var n = new byte[48];
        int i = 0;
        n[i++] = (byte)mdFormat;
        if (mdFormat != 1)
        {
            n[i++] = (byte)md.Length;
            md.AsSpan(0, Math.Min(md.Length, 46)).CopyTo(n.AsSpan(i));
            i += Math.Min(md.Length, 46);
        }
        if (i < 47)
        {
            n[i++] = (byte)maFormat;
            n[i++] = (byte)ma.Length;
            ma.AsSpan(0, Math.Min(ma.Length, 48 - i)).CopyTo(n.AsSpan(i));
        }
        return n;
    }

    /// <summary>CFM PDUs (after the EtherType).</summary>
    private static IEnumerable<byte[]> Pdus(Random r)
    {
        byte[] Ccm(int level, int flags, byte[] names, int offset = 70) =>
            [(byte)(level << 5), 1, (byte)flags, (byte)offset, .. H("00000102 1234"), .. names, .. new byte[16]];
        var tlvs = TlvLists().ToList();
        var nameSets = new[]
        {
            Names(4, "md-domain"u8.ToArray(), 2, "ma\u0001name"u8.ToArray()),
            Names(2, "example.com\0x"u8.ToArray(), 1, H("0064")),
            Names(3, H("0011223344550007"), 3, H("0005")),
            Names(3, H("001122334455"), 4, H("00112233445566")),
            Names(1, [], 0, H("0102")),
            Names(0, H("01020304"), 9, H("ff")),
            Names(7, new byte[43], 2, "m"u8.ToArray()),
            Names(4, new byte[44], 2, []),
            Names(1, [], 2, new byte[46]),
            Names(1, [], 2, new byte[47]),
            Names(4, "a"u8.ToArray(), 2, new byte[43]),
            Names(4, "a"u8.ToArray(), 2, new byte[44]),
        };
        for (int k = 0; k < nameSets.Length; k++)
            yield return [.. Ccm(k % 8, (k * 0x21) & 0xff, nameSets[k]), .. tlvs[k % tlvs.Count]];
        for (int interval = 0; interval < 8; interval++)
            yield return [.. Ccm(7, interval | (interval << 4), nameSets[0]), 0];
        yield return Ccm(0, 4, nameSets[0], 69);
        yield return Ccm(0, 4, nameSets[0], 72);
        yield return [.. Ccm(0, 4, nameSets[0], 74), 1, 2, 3, 4, .. tlvs[0]];
        yield return H("00 01 00 46") ;
        byte[] ltm = H("00000007 40 001122334455 66778899aabb");
        byte[] ltr = H("00000008 3f 01");
        foreach (int flags in new[] { 0x00, 0x80, 0x7f, 0xe0 })
        {
            yield return [0x20, 5, (byte)flags, 17, .. ltm, .. tlvs[flags % tlvs.Count]];
            yield return [0x40, 4, (byte)flags, 6, .. ltr, .. tlvs[(flags + 3) % tlvs.Count]];
        }
        yield return [0x20, 5, 0, 16, .. ltm, 0];
        yield return [0x20, 4, 0, 5, .. ltr, 0];
        foreach (int action in new[] { 2, 3, 0, 9 }) yield return [0x40, 4, 0x20, 6, .. ltr[..5], (byte)action, 0];
        foreach (int op in new[] { 2, 3, 46, 255 })
        {
            yield return [0x60, (byte)op, 0, 4, .. H("00000009"), .. tlvs[op % tlvs.Count]];
            yield return [0x60, (byte)op, 0, 0, .. tlvs[(op + 5) % tlvs.Count]];
        }
        yield return [0x01, 1, 0, 70];
        yield return [0xe3, 3, 0, 4];
        yield return [0x00, 3, 0, 9, 0, 0, 0, 1];
        yield return [0x00, 3, 0];
        for (int k = 0; k < 6; k++)
        {
            var m = new byte[4 + r.Next(60)];
            r.NextBytes(m);
            m[0] &= 0xe0;
            m[3] = (byte)r.Next(m.Length - 2);
            yield return m;
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Options))]
    public void GeneratedCutAndChangedMessagesMatchSystemTcpdump(string options)
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle");
        var r = new Random(20261207);
        int i = 0;
        FrameOracle.AssertWholeCutChanged(Pdus(r).Select(pdu =>
        {
            byte[] type = i++ % 3 == 0 ? [0xab, 0xcd] : [0x89, 0x02];
            return (byte[])[.. H("0180c2000030 00112233445566"), .. type, .. pdu];
        }), options, r, cutFrom: 14, changes: 4);
    }

    /// <summary>The suite's own captures of this protocol, cut and changed as <see cref="PrinterCutOracleTests"/> does.</summary>
    [SkippableTheory]
    [InlineData("kday2.pcap", "-v")]
    [InlineData("kday5.pcap", "-vv")]
    [InlineData("kday8.pcap", "-v -e")]
    [InlineData("cfm_sender_id-oobr.pcap", "-v")]
    [InlineData("cfm_sender_id-oobr.pcap", "-vv")]
    public void ConformanceCapturesCutAndChangedMatchSystemTcpdump(string file, string options) =>
        new PrinterCutOracleTests().CutAndChangedPacketsMatchSystemTcpdump(file, options);
}
