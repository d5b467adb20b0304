// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using CsCheck;
using Dumpkit.Pcap.Capture;

namespace Dumpkit.Pcap.Tests.Capture;

/// <summary>
/// The savefile reader/writer pairs: what a writer writes its reader gives back, libpcap (Debian's tcpdump) reads
/// what our writers write and we read what it writes, and damaged files end in <see cref="CaptureException"/> only.
/// </summary>
public class SavefileTests
{
    private const string TcpdumpPath = "/usr/bin/tcpdump";

    public sealed record Packet(long Seconds, long Fraction, byte[] Data, uint Len);

    private sealed record Savefile(bool Pcapng, bool Nano, int LinkType, int SnapLen, Packet[] Packets);

    private static readonly int[] LinkTypeChoices = [LinkTypes.Ethernet, LinkTypes.Raw, LinkTypes.LinuxSll, LinkTypes.LinuxSll2];

    private static readonly Gen<Savefile> GenSavefile =
        from pcapng in Gen.Bool
        from nano in Gen.Bool
        from linkType in Gen.Int[0, LinkTypeChoices.Length - 1].Select(i => LinkTypeChoices[i])
        from snapLen in Gen.Int[64, SnapLength.Maximum]
        from packets in (from sec in Gen.Long[0, uint.MaxValue]
                         from frac in Gen.Long[0, nano ? 999_999_999 : 999_999]
                         from data in Gen.Byte.Array[0, Math.Min(300, snapLen)] // no more than the file keeps (libpcap cuts to it)
                         from extra in Gen.UInt[0, 2000]
                         select new Packet(sec, frac, data, (uint)data.Length + extra)).Array[0, 20]
        select new Savefile(pcapng, nano, linkType, snapLen, packets);

    private static byte[] Write(Savefile f)
    {
        var ms = new MemoryStream();
        using (var w = PacketWriter.Create(ms, f.LinkType, f.SnapLen, f.Nano, f.Pcapng))
        {
            foreach (var p in f.Packets)
            {
                var h = new PacketHeader { Seconds = p.Seconds, Fraction = p.Fraction, CapLen = p.Data.Length, Len = p.Len };
                w.Write(h, p.Data);
            }
        }
        return ms.ToArray();
    }

    private static (int LinkType, int SnapLen, List<Packet> Packets) Read(byte[] file, bool nano)
    {
        using var src = PacketSource.OpenFile(new MemoryStream(file), nano);
        var list = new List<Packet>();
        var h = new PacketHeader();
        var buf = new byte[SnapLength.Maximum];
        while (src.Next(ref h, ref buf)) list.Add(new Packet(h.Seconds, h.Fraction, buf.AsSpan(0, h.CapLen).ToArray(), h.Len));
        return (src.LinkType, src.SnapLen, list);
    }

    private static void AssertSame(IReadOnlyList<Packet> want, IReadOnlyList<Packet> got)
    {
        Assert.Equal(want.Count, got.Count);
        for (int i = 0; i < want.Count; i++)
        {
            Assert.Equal((want[i].Seconds, want[i].Fraction, want[i].Len), (got[i].Seconds, got[i].Fraction, got[i].Len));
            Assert.Equal(want[i].Data, got[i].Data);
        }
    }

    [Fact]
    public void WhatAWriterWritesItsReaderGivesBack() => GenSavefile.Sample(f =>
    {
        var (linkType, snapLen, packets) = Read(Write(f), f.Nano);
        Assert.Equal((f.LinkType, f.SnapLen), (linkType, snapLen));
        AssertSame(f.Packets, packets);
    }, iter: 300);

    [Fact]
    public void NanosecondFilesReadInMicrosecondsAreTruncatedAsLibpcapDoes() => GenSavefile.Where(f => f.Nano).Sample(f =>
    {
        var micro = f.Packets.Select(p => p with { Fraction = p.Fraction / 1000 }).ToList();
        AssertSame(micro, Read(Write(f), nano: false).Packets);
    }, iter: 100);

    /// <summary>Debian's tcpdump (libpcap 1.10) copies each of our files with -w; the copy holds the same packets.</summary>
    [SkippableFact]
    public void LibpcapReadsOurFilesAndWeReadItsCopies()
    {
        Skip.IfNot(File.Exists(TcpdumpPath), $"needs {TcpdumpPath} (Debian tcpdump 4.99.3 / libpcap 1.10.3) as the oracle");
        using var dir = new TempDir();
        int n = 0;
        GenSavefile.Where(f => f.Packets.Length > 0).Sample(f =>
        {
            string ours = Path.Combine(dir.Path, $"ours{n}"), copy = Path.Combine(dir.Path, $"copy{n++}");
            File.WriteAllBytes(ours, Write(f));
            var r = RealData.Run(TcpdumpPath, ["--time-stamp-precision", f.Nano ? "nano" : "micro", "-r", ours, "-w", copy],
                timeoutMs: 60_000);
            Assert.True(r.ExitCode == 0, $"tcpdump -r {ours}: {r.Err}");
            var (linkType, snapLen, packets) = Read(File.ReadAllBytes(copy), f.Nano);
            Assert.Equal((f.LinkType, f.SnapLen), (linkType, snapLen));
            AssertSame(f.Packets, packets);
        }, iter: 40, threads: 1);
    }

    /// <summary>Flipped bytes and cut files: every read ends, and only in the reader's own exception.</summary>
    [Fact]
    public void DamagedFilesFailOnlyWithCaptureException()
    {
        var mutation = from f in GenSavefile.Where(f => f.Packets.Length > 0)
                       from flips in Gen.Int[0, 8]
                       from positions in Gen.Int[0, int.MaxValue].Array[flips]
                       from values in Gen.Byte.Array[flips]
                       from cut in Gen.Int[0, int.MaxValue]
                       from doCut in Gen.Bool
                       select (f, positions, values, cut, doCut);
        int failed = 0, read = 0;
        mutation.Sample(m =>
        {
            var bytes = Write(m.f);
            for (int i = 0; i < m.positions.Length; i++) bytes[m.positions[i] % bytes.Length] = m.values[i];
            if (m.doCut) bytes = bytes[..(m.cut % (bytes.Length + 1))];
            try
            {
                var (_, _, packets) = Read(bytes, m.f.Nano);
                Assert.True(packets.Count <= bytes.Length / 16, "more packets than the file can hold");
                read++;
            }
            catch (CaptureException ex)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                failed++;
            }
        }, iter: 2000, threads: 1);
        Assert.True(failed > 0 && read > 0, $"{failed} failed, {read} read: the mutations should give both");
    }
}
