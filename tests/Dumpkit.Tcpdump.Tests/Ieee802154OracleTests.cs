// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// The IEEE 802.15.4 printer (LINKTYPE_IEEE802_15_4_WITHFCS, _NOFCS and _TAP) against Debian's tcpdump 4.99.3: generated
/// frames of every frame type and version, every addressing mode with and without PAN ID compression and sequence number
/// suppression, auxiliary security headers of every level and key identifier mode, header IEs, payload IEs with nested MLME
/// IEs (TSCH, channel hopping, vendor), 802.15.9 multiplexed IEs, beacons with GTS and pending address lists, every MAC
/// command, multipurpose frames with short and long frame control, with no FCS, a 2-octet and a 4-octet FCS (behind good and
/// bad TAP pseudo-headers for _TAP); each frame whole, cut short at every length and with seeded byte changes; both outputs
/// must be identical. Skipped without /usr/bin/tcpdump.
/// </summary>
public class Ieee802154OracleTests
{
    private const int WithFcs = 195, NoFcs = 230, Tap = 283;

    public static IEnumerable<object[]> Cases()
    {
        foreach (var o in new[] { "-vvvv -e", "-vvv", "-vv", "-v", "", "-x" }) yield return [WithFcs, o];
        foreach (var o in new[] { "-vvvv", "-q -e" }) yield return [NoFcs, o];
        foreach (var o in new[] { "-vvvv", "-x" }) yield return [Tap, o];
    }

    private static byte[] Le16(int v) => [(byte)v, (byte)(v >> 8)];

    /// <summary>CRC-16 of the FCS (ITU-T polynomial, initial value 0, bits reflected), little-endian.</summary>
    private static byte[] Fcs16(ReadOnlySpan<byte> b)
    {
        int crc = 0;
        foreach (byte x in b)
            for (int i = 0; i < 8; i++)
            {
                bool one = ((crc ^ (x >> i)) & 1) != 0;
                crc >>= 1;
                if (one) crc ^= 0x8408;
            }
        return Le16(crc);
    }

    /// <summary>CRC-32 of the FCS (polynomial 0x04C11DB7 reflected, initial value 0, no final inversion), little-endian.</summary>
    private static byte[] Fcs32(ReadOnlySpan<byte> b)
    {
        uint crc = 0;
        foreach (byte x in b)
            for (int i = 0; i < 8; i++)
            {
                bool one = ((crc ^ (uint)(x >> i)) & 1) != 0;
                crc >>= 1;
                if (one) crc ^= 0xEDB88320;
            }
        var r = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(r, crc);
        return r;
    }

    private static byte[] HeaderIe(int id, byte[] content) => [.. Le16(content.Length & 0x7f | id << 7), .. content];

    private static byte[] PayloadIe(int group, byte[] content) => [.. Le16(content.Length & 0x3ff | group << 11 | 0x8000), .. content];

    private static byte[] MlmeShort(int id, byte[] content) => [.. Le16(content.Length & 0xff | id << 8), .. content];

    private static byte[] MlmeLong(int id, byte[] content) => [.. Le16(content.Length & 0x3ff | id << 11 | 0x8000), .. content];

    private static byte[] Bytes(Random r, int n)
    {
        var b = new byte[n];
        r.NextBytes(b);
        return b;
    }

    private static int AddrLen(int mode) => mode switch { 2 => 2, 3 => 8, 1 => 1, _ => 0 };

    /// <summary>Whether the destination and source PAN IDs are present (IEEE 802.15.4-2015 table 7-2, older versions: 7.2.1.5).</summary>
    private static (bool, bool) Pans(int version, bool compressed, int dst, int src)
    {
        if (version < 2) return (dst != 0, src != 0 && !compressed);
        if (dst == 0 && src == 0) return (compressed, false);
        if (dst == 0 || src == 0) return (!compressed && dst != 0, !compressed && src != 0);
        if (dst == 3 && src == 3) return (!compressed, false);
        return (true, !compressed && !(dst == 2 && src == 3));
    }

    private static byte[] Security(Random r, int level, int keyMode, bool noCounter)
    {
        var b = new List<byte> { (byte)(level | keyMode << 3 | (noCounter ? 0x20 : 0)) };
        if (!noCounter) b.AddRange(Bytes(r, 4));
        b.AddRange(Bytes(r, keyMode switch { 2 => 4, 3 => 8, _ => 0 }));
        if (keyMode != 0) b.Add((byte)r.Next(256));
        return [.. b];
    }

    /// <summary>A standard frame (beacon, data, ack, command and the reserved types) with the fields its frame control asks for.</summary>
    private static byte[] Std(Random r, int type, int version, int dstMode, int srcMode, bool compressed, bool noSeq, byte[]? security,
        byte[]? ies, byte[] body, int flags = 0)
    {
        int fc = type | (security != null ? 8 : 0) | (compressed ? 0x40 : 0) | (noSeq ? 0x100 : 0) | (ies != null ? 0x200 : 0)
            | dstMode << 10 | version << 12 | srcMode << 14 | flags;
        var b = new List<byte>(Le16(fc));
        if (!noSeq) b.Add((byte)r.Next(256));
        var (dstPan, srcPan) = Pans(version, compressed, dstMode, srcMode);
        if (dstPan) b.AddRange(Bytes(r, 2));
        b.AddRange(Bytes(r, AddrLen(dstMode)));
        if (srcPan) b.AddRange(Bytes(r, 2));
        b.AddRange(Bytes(r, AddrLen(srcMode)));
        if (security != null) b.AddRange(security);
        if (ies != null) b.AddRange(ies);
        b.AddRange(body);
        return [.. b];
    }

    /// <summary>A multipurpose frame, long or short frame control.</summary>
    private static byte[] Multipurpose(Random r, bool longFc, int dstMode, int srcMode, bool pan, bool noSeq, byte[]? security,
        byte[]? ies, byte[] body)
    {
        int fc = 5 | (longFc ? 8 : 0) | dstMode << 4 | srcMode << 6;
        if (longFc)
            fc |= (pan ? 0x100 : 0) | (security != null ? 0x200 : 0) | (noSeq ? 0x400 : 0) | (ies != null ? 0x8000 : 0) | 0x2000 | 0x4800;
        var b = new List<byte>(longFc ? Le16(fc) : [(byte)fc]);
        if (!longFc || !noSeq) b.Add((byte)r.Next(256));
        if (longFc && pan) b.AddRange(Bytes(r, 2));
        b.AddRange(Bytes(r, AddrLen(dstMode)));
        b.AddRange(Bytes(r, AddrLen(srcMode)));
        if (longFc && security != null) b.AddRange(security);
        if (longFc && ies != null) b.AddRange(ies);
        b.AddRange(body);
        return [.. b];
    }

    /// <summary>Header IEs of every kind tcpdump decodes, with right and wrong lengths.</summary>
    private static IEnumerable<byte[]> HeaderIes(Random r)
    {
        yield return HeaderIe(0x00, [0x00, 0x12, 0x4b, 1, 2, 3]);
        yield return HeaderIe(0x00, [0x00, 0x12]);
        yield return HeaderIe(0x1a, Bytes(r, 4));
        yield return HeaderIe(0x1a, Bytes(r, 6));
        yield return HeaderIe(0x1a, Bytes(r, 5));
        yield return HeaderIe(0x1a, Bytes(r, 3));
        yield return HeaderIe(0x1b, Bytes(r, 4));
        yield return HeaderIe(0x1b, Bytes(r, 2));
        yield return HeaderIe(0x1d, Bytes(r, 4));
        yield return HeaderIe(0x1d, Bytes(r, 3));
        yield return HeaderIe(0x1e, [0x34, 0x08]);
        yield return HeaderIe(0x1e, [0x34, 0x88]);
        yield return HeaderIe(0x1e, [0xff, 0x0f]);
        yield return HeaderIe(0x1e, Bytes(r, 3));
        yield return HeaderIe(0x2a, []);
        yield return HeaderIe(0x29, Bytes(r, 5));
        yield return HeaderIe(0x40, Bytes(r, 2));
        // DSME PAN descriptors: superframe, pending addresses (1 short, 1 extended), DSME superframe, time sync,
        // beacon bitmap (2 octets), channel hopping with a 1-octet bitmap; the extended one with a hopping sequence
        byte[] pending = [0x11, 1, 2, 1, 2, 3, 4, 5, 6, 7, 8];
        byte[] tail = [1, 2, 3, 4, 5, 6, 7, 8, 3, 0, 2, 0, 0xaa, 0x55, 9, 10, 5, 0, 1, 0, 0x0f];
        yield return HeaderIe(0x1c, [0xff, 0xdf, .. pending, 0xd3, .. tail]);
        yield return HeaderIe(0x21, [0x12, 0x34, .. pending, 0x05, 0x1d, .. tail, 2, 11, 0, 12, 0]);
        yield return HeaderIe(0x21, [0x12, 0x34, 0x00, 0x05, 0x0d, .. tail]);
        byte[] dsme = [0x12, 0x34, .. pending, 0x05, 0x1d, .. tail, 2, 11, 0, 12, 0];
        for (int n = 1; n < dsme.Length; n += 2) yield return HeaderIe(0x21, dsme[..n]);
        yield return HeaderIe(0x1c, [0x12, 0x34, 0x77]);
    }

    /// <summary>MLME sub-IEs: TSCH synchronization, slotframes and links, timeslots, channel hopping, vendor, others.</summary>
    private static IEnumerable<byte[]> MlmeIes(Random r)
    {
        yield return MlmeShort(0x1a, [1, 2, 3, 4, 5, 6]);
        yield return MlmeShort(0x1a, [1, 2, 3, 4]);
        yield return MlmeShort(0x1b, [2, 0, 0x65, 0, 2, 1, 0, 2, 0, 0x1f, 3, 0, 4, 0, 0x03, 1, 0x10, 0, 1, 9, 0, 9, 0, 0x04]);
        yield return MlmeShort(0x1b, [2, 0, 0x65, 0, 3, 1, 0, 2, 0, 0x1f, 3]);
        yield return MlmeShort(0x1b, [3, 0, 0x65, 0, 0, 1]);
        yield return MlmeShort(0x1b, []);
        yield return MlmeShort(0x1c, [7]);
        yield return MlmeShort(0x1c, Bytes(r, 25));
        yield return MlmeShort(0x1c, Bytes(r, 27));
        yield return MlmeShort(0x1c, Bytes(r, 4));
        yield return MlmeShort(0x1d, Bytes(r, 3));
        yield return MlmeShort(0x05, Bytes(r, 2));
        yield return MlmeShort(0x60, Bytes(r, 1));
        yield return MlmeLong(0x08, [0x00, 0x12, 0x4b, 9, 9]);
        yield return MlmeLong(0x08, [0x00]);
        yield return MlmeLong(0x09, [4]);
        yield return MlmeLong(0x09, [4, 0, 16, 0, 1, 2, 3, 4, 3, 0, 11, 0, 15, 0, 20, 0, 2, 0]);
        yield return MlmeLong(0x09, [4, 9, 12, 0, 1, 2, 3, 4, 0xff, 0x0f, 2, 0, 11, 0, 15, 0, 1, 0]);
        yield return MlmeLong(0x09, [4, 10, 12, 0, 1, 2, 3, 4, 0xff]);
        yield return MlmeLong(0x09, [4, 0, 16, 0, 1, 2, 3, 4, 3, 0, 11, 0]);
        yield return MlmeLong(0x09, [4, 0, 16, 0, 1, 2, 3, 4, 1, 0, 11, 0, 2]);
        yield return MlmeLong(0x09, [4, 0, 16]);
        yield return MlmeLong(0x02, Bytes(r, 3));
    }

    /// <summary>802.15.9 multiplexed IEs of every transfer type.</summary>
    private static IEnumerable<byte[]> MpxIes(Random r)
    {
        yield return PayloadIe(3, [0x08, 0xdd, 0x86, 1, 2]);
        yield return PayloadIe(3, [0x08, 0xdd]);
        yield return PayloadIe(3, [0x19, 1, 2]);
        yield return PayloadIe(3, [0x12, 0, 0x40, 0, 0xdd, 0x86, 7]);
        yield return PayloadIe(3, [0x12, 0, 0x40]);
        yield return PayloadIe(3, [0x12, 3, 7, 7]);
        yield return PayloadIe(3, [0x14, 0, 1, 2, 3, 4, 5]);
        yield return PayloadIe(3, [0x14]);
        yield return PayloadIe(3, [0x16]);
        yield return PayloadIe(3, [0x16, 0x00, 0x05]);
        yield return PayloadIe(3, [0x16, 1, 2, 3, 4]);
        yield return PayloadIe(3, [0x13, 1, 2]);
        yield return PayloadIe(3, [0x0f, 1]);
        yield return PayloadIe(3, Bytes(r, 6));
    }

    private static IEnumerable<byte[]> Frames(Random r)
    {
        byte[] data = [1, 2, .. "data payload"u8.ToArray()];
        // every frame type, version and addressing mode pair, with and without PAN ID compression and sequence numbers
        for (int type = 0; type < 8; type++)
            for (int version = 0; version < 4; version++)
                for (int dst = 0; dst < 4; dst++)
                    for (int src = 0; src < 4; src++)
                    {
                        if (r.Next(3) != 0 && !(type == 1 && version == 2)) continue;
                        bool comp = r.Next(2) == 0, noSeq = r.Next(4) == 0;
                        yield return Std(r, type, version, dst, src, comp, noSeq, null, null, data, r.Next(2) == 0 ? 0x30 : 0);
                    }
        // security headers of every level and key identifier mode; MICs
        for (int level = 0; level < 8; level++)
            for (int mode = 0; mode < 4; mode++)
                yield return Std(r, 1, r.Next(3), 2, 3, r.Next(2) == 0, false, Security(r, level, mode, r.Next(3) == 0), null,
                    Bytes(r, 4 + r.Next(20)));
        // header IEs, then payload IEs after a header termination 1 IE, unsecured and secured
        byte[] hdrList = [.. HeaderIes(r).SelectMany(x => x)];
        yield return Std(r, 1, 2, 2, 2, true, false, null, [.. hdrList, .. HeaderIe(0x7f, [])], data);
        foreach (var ie in HeaderIes(r)) yield return Std(r, 1, 2, 3, 3, false, false, null, [.. ie, .. HeaderIe(0x7f, [])], data);
        yield return Std(r, 1, 2, 2, 2, true, true, null, HeaderIe(0x1e, [1, 2]), []);
        yield return Std(r, 1, 2, 2, 2, true, true, null, [0x00, 0x80, 1, 2], []); // a header IE with its type bit set
        byte[] mlme = [.. MlmeIes(r).SelectMany(x => x)];
        foreach (var sub in MlmeIes(r))
            yield return Std(r, 0, 2, 2, 0, false, true, null, [.. HeaderIe(0x7e, []), .. PayloadIe(1, sub), .. PayloadIe(0xf, [])], data);
        yield return Std(r, 0, 2, 2, 0, false, true, null, [.. HeaderIe(0x7e, []), .. PayloadIe(1, mlme)], []);
        foreach (var mpx in MpxIes(r))
        {
            yield return Std(r, 1, 2, 3, 2, false, false, null, [.. HeaderIe(0x7e, []), .. mpx], data);
            yield return Std(r, 1, 2, 3, 2, false, false, null, [.. HeaderIe(0x7e, []), .. mpx, .. PayloadIe(0xf, [])], data);
        }
        byte[][] payloadIes =
        [
            PayloadIe(2, [0x00, 0x12, 0x4b, 5, 6]), PayloadIe(2, [0x00]), PayloadIe(5, [1, 0xaa, 0xbb]), PayloadIe(0, [1, 2, 3]),
            PayloadIe(7, []), PayloadIe(4, [1]), PayloadIe(1, [1]), PayloadIe(1, [3, 0x1a, 1, 2, 3]), [0x03, 0x08, 1, 2, 3],
        ];
        foreach (var ie in payloadIes)
            yield return Std(r, 1, 2, 2, 2, true, false, null, [.. HeaderIe(0x7e, []), .. ie, .. PayloadIe(0xf, [])], data);
        yield return Std(r, 1, 2, 2, 2, true, false, null, [.. HeaderIe(0x1a, Bytes(r, 4)), .. HeaderIe(0x7e, []),
            .. payloadIes.SelectMany(x => x)], []);
        for (int level = 0; level < 8; level += 3)
            yield return Std(r, 1, 2, 2, 2, true, false, Security(r, level, 1, false),
                [.. HeaderIe(0x7e, []), .. PayloadIe(5, [1, 2, 3])], Bytes(r, 16));
        // beacons of versions 0 and 1: superframe, GTS list, pending addresses
        byte[][] beacons =
        [
            [0xff, 0xdf, 0x00, 0x00],
            [0x12, 0x80, 0x82, 0x05, 1, 2, 0x21, 3, 4, 0x43, 0x12, 1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
            [0x12, 0x80, 0x83, 0x05, 1, 2, 0x21],
            [0x12, 0x80, 0x00, 0x22, 1, 2],
            [0x12, 0x80, 0x00],
            [0x12],
            [0x12, 0x80, 0x01, 0x7f, 9, 9, 9],
        ];
        foreach (var body in beacons)
        {
            yield return Std(r, 0, 0, 0, 2, false, false, null, null, body);
            yield return Std(r, 0, 1, 0, 3, false, false, null, null, [.. body, 0xaa]);
        }
        // MAC commands with the payload each needs, and wrong lengths
        byte[][] commands =
        [
            [0x01, 0xde], [0x01, 0x8e, 0], [0x02, 1, 2, 0], [0x02, 1, 2, 1], [0x02, 1, 2, 2], [0x02, 1, 2, 3], [0x02, 1, 2, 0x80],
            [0x02, 1, 2, 0x44], [0x02, 1], [0x03, 0], [0x03, 1], [0x03, 2], [0x03, 7], [0x03, 7, 1], [0x04], [0x05], [0x06], [0x07],
            [0x07, 1, 2], [0x08, 0x34, 0x12, 1, 2, 11, 3, 4], [0x08, 0x34, 0x12, 1, 2, 11, 3, 4, 2], [0x08, 0x34, 0x12, 1, 2, 11, 3, 4, 0x81],
            [0x08, 1, 2], [0x09, 0x3f], [0x09, 0x05], [0x09, 1, 2], [0x0a, 1, 2], [0x13, 5], [0x24, 1, 2, 3], [0x2f], [0x30, 1],
            [0xff, 0xee], [0x0c],
        ];
        foreach (var cmd in commands) yield return Std(r, 3, r.Next(3), 3, 2, true, false, null, null, cmd);
        yield return Std(r, 3, 2, 2, 2, true, false, null, null, []);
        // multipurpose frames
        for (int dst = 0; dst < 4; dst++)
            for (int src = 0; src < 4; src++)
            {
                yield return Multipurpose(r, false, dst, src, false, false, null, null, data);
                yield return Multipurpose(r, true, dst, src, r.Next(2) == 0, r.Next(3) == 0, null, null, data);
            }
        yield return Multipurpose(r, true, 2, 3, true, false, Security(r, 5, 2, false), [.. HeaderIe(0x1a, Bytes(r, 4)),
            .. HeaderIe(0x7e, []), .. PayloadIe(5, [1, 2])], data);
        yield return Multipurpose(r, true, 2, 3, true, true, Security(r, 2, 3, true), [.. HeaderIe(0x7e, []), .. PayloadIe(5, [1])], data);
        yield return Multipurpose(r, true, 3, 0, true, false, null, [.. HeaderIe(0x7e, []), .. PayloadIe(1, MlmeShort(0x1c, [3]))], []);
        yield return [0x05, 0x00, 0x07];
        yield return [0x05, 0x00, 0x07, 0x08];
        yield return [0x0d, 0x00, 0x07, 0x08, 0x09];
        // a few random frame bodies behind each frame control octet pattern
        for (int k = 0; k < 24; k++) yield return Bytes(r, 2 + r.Next(40));
    }

    /// <summary>The frame as captured: bare, with the 2-octet FCS or with the 4-octet one.</summary>
    private static IEnumerable<byte[]> WithFcsVariants(Random r, byte[] frame)
    {
        yield return frame;
        yield return [.. frame, .. Fcs16(frame)];
        if (r.Next(2) == 0) yield return [.. frame, .. Fcs32(frame)];
    }

    /// <summary>The TAP pseudo-header: mostly a bare or TLV-carrying version 0 one, sometimes a wrong version, a length below
    /// its own 4 octets or beyond the frame.</summary>
    private static byte[] TapHeader(Random r, byte[] frame) => r.Next(10) switch
    {
        0 => [1, 0, 4, 0, .. frame],
        1 => [0, 0, 3, 0, .. frame],
        2 => [0, 0, (byte)(frame.Length + 5), 0, .. frame],
        3 or 4 => [0, 0, 12, 0, 0, 0, 2, 0, 0x30, 0x75, 0, 0, .. frame],
        _ => [0, 0, 4, 0, .. frame],
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void GeneratedCutAndChangedFramesMatchSystemTcpdump(int linkType, string options)
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle");
        var r = new Random(20261207);
        var whole = new List<(byte[], int)>();
        var cut = new List<(byte[], int)>();
        var changed = new List<(byte[], int)>();
        foreach (var frame in Frames(r))
            foreach (var v in WithFcsVariants(r, frame))
            {
                var f = linkType == Tap ? TapHeader(r, v) : v;
                whole.Add((f, f.Length));
                for (int n = 1; n < f.Length; n++) cut.Add((f[..n], f.Length));
                for (int k = 0; k < 3; k++)
                {
                    var m = (byte[])f.Clone();
                    for (int n = r.Next(1, 3); n > 0; n--) m[r.Next(m.Length)] = (byte)r.Next(256);
                    changed.Add((m, m.Length));
                }
            }
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(whole, linkType), options);
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(cut, linkType), options);
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(changed, linkType), options);
    }

    /// <summary>16 seeded variants of each generated frame (WITHFCS, -vvvv -e) with one to six octets changed, a quarter of them
    /// also cut short: the branches a whole frame never takes (reserved modes, lengths that run past the frame).</summary>
    [SkippableFact]
    public void HeavilyChangedFramesMatchSystemTcpdump()
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle");
        var r = new Random(802154);
        var changed = new List<(byte[], int)>();
        foreach (var frame in Frames(r))
            foreach (var f in WithFcsVariants(r, frame))
                for (int k = 0; k < 16; k++)
                {
                    var m = (byte[])f.Clone();
                    for (int n = r.Next(1, 7); n > 0; n--) m[r.Next(m.Length)] = (byte)r.Next(256);
                    if (k % 4 == 3 && m.Length > 1) m = m[..r.Next(1, m.Length)];
                    changed.Add((m, f.Length));
                }
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(changed, WithFcs), "-vvvv -e");
    }
}
