// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// The 802.11 printer and its radio headers (radiotap, Prism, AVS) against Debian's tcpdump 4.99.3: the 802.11
/// conformance captures (reason and status codes, extended bitmaps, HT, mesh) whole, cut at seeded random lengths and
/// with seeded byte changes anywhere (radiotap header included); the same frames without the radiotap header as
/// LINKTYPE_IEEE802_11 and behind a Prism or AVS header. Outputs must be identical. Skipped without /usr/bin/tcpdump or
/// the conformance captures.
/// </summary>
public class Ieee80211OracleTests
{
    private const int Radiotap = 127, Plain = 105, Prism = 119, Avs = 163;

    public static IEnumerable<object[]> Options() => [[""], ["-e"], ["-e -v"], ["-H -e -vv"], ["-x"]];

    /// <summary>Every radiotap capture of the conformance set, packets in file order.</summary>
    private static List<(byte[] Data, int OrigLen)> RadioPackets(string dir)
    {
        var all = new List<(byte[], int)>();
        foreach (var f in Directory.GetFiles(dir, "*.pcap").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(f);
            if (!name.StartsWith("reason_code", StringComparison.Ordinal) && !name.StartsWith("status_code", StringComparison.Ordinal)
                && !name.StartsWith("ieee802.11", StringComparison.Ordinal)) continue;
            var (lt, packets) = PrinterCutOracleTests.Read(f);
            if (lt == Radiotap) all.AddRange(packets);
        }
        return all;
    }

    private static string? Dir()
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle");
        var dir = ConformanceSuite.TestDir;
        Skip.If(dir == null, "the tcpdump conformance captures are not present");
        return dir;
    }

    [SkippableTheory]
    [MemberData(nameof(Options))]
    public void RadiotapCapturesWholeCutAndChanged(string options)
    {
        var packets = RadioPackets(Dir()!);
        Assert.NotEmpty(packets);
        var r = new Random(80211 ^ options.Length);
        var cut = new List<(byte[], int)>();
        var changed = new List<(byte[], int)>();
        foreach (var (data, orig) in packets)
        {
            for (int k = 0; k < 2 && data.Length > 1; k++) cut.Add((data[..r.Next(1, data.Length)], orig));
            for (int k = 0; k < 2; k++)
            {
                var m = (byte[])data.Clone();
                for (int n = r.Next(1, 4); n > 0; n--) m[r.Next(0, m.Length)] = (byte)r.Next(256);
                changed.Add((m, orig));
            }
        }
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(packets, Radiotap), options);
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(cut, Radiotap), options);
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(changed, Radiotap), options);
    }

    /// <summary>The frames behind the radiotap header, with the frame control byte varied over every type and subtype.</summary>
    private static List<(byte[] Data, int OrigLen)> Frames(string dir, Random r)
    {
        var frames = new List<(byte[], int)>();
        foreach (var (data, orig) in RadioPackets(dir))
        {
            if (data.Length < 4) continue;
            int len = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(2));
            if (len >= data.Length) continue;
            var f = data[len..];
            frames.Add((f, orig - len));
            var m = (byte[])f.Clone();
            m[0] = (byte)r.Next(256);
            if (m.Length > 1 && r.Next(2) == 0) m[1] = (byte)r.Next(256);
            frames.Add((m, orig - len));
            frames.Add((m[..r.Next(1, m.Length + 1)], orig - len));
        }
        return frames;
    }

    [SkippableTheory]
    [MemberData(nameof(Options))]
    public void PlainPrismAndAvsFramesMatch(string options)
    {
        var dir = Dir()!;
        var frames = Frames(dir, new Random(105 ^ options.Length));
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(frames, Plain), options);
        var prism = new List<(byte[], int)>();
        var avs = new List<(byte[], int)>();
        var r = new Random(119);
        foreach (var (f, orig) in frames)
        {
            var p = new byte[144 + f.Length];
            BinaryPrimitives.WriteUInt32BigEndian(p, 0x00000041);
            f.CopyTo(p, 144);
            prism.Add((p, orig + 144));
            prism.Add((p[..r.Next(1, Math.Min(150, p.Length) + 1)], orig + 144));
            // AVS version 2 header of 64 bytes; sometimes a header length that does not fit
            var a = new byte[64 + f.Length];
            BinaryPrimitives.WriteUInt32BigEndian(a, r.Next(2) == 0 ? 0x80211001u : 0x80211002u);
            BinaryPrimitives.WriteUInt32BigEndian(a.AsSpan(4), r.Next(8) == 0 ? (uint)r.Next(0, 200) : 64u);
            f.CopyTo(a, 64);
            avs.Add((a, orig + 64));
            prism.Add((a, orig + 64));
        }
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(prism, Prism), options);
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(avs, Avs), options);
    }
}
