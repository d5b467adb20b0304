// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Diagnostics;
using CsCheck;
using Dumpkit.Formats.Codecs;
using Dumpkit.Formats.Diskdump;
using Dumpkit.Formats.IO;

namespace Dumpkit.Formats.Tests;

public class DiskdumpReaderTests
{
    private static (SyntheticVmcore Vm, byte[] Dump) Make(params string[] args) => Make(new SyntheticVmcore(), args);

    private static (SyntheticVmcore Vm, byte[] Dump) Make(SyntheticVmcore vm, params string[] args)
    {
        using var dir = new TempDir();
        var r = Tools.Makedumpfile([.. args, vm.WriteTo(dir.Path), dir["out"]]);
        Assert.True(r.ExitCode == 0, r.Err);
        return (vm, File.ReadAllBytes(dir["out"]));
    }

    private static void AssertReadsAll(SyntheticVmcore vm, DumpReader dump)
    {
        var page = new byte[4096];
        foreach (var pfn in vm.Frames().Where(vm.HasData))
        {
            dump.ReadPage(pfn, page);
            Assert.True(vm.ExpectedPage(pfn).AsSpan().SequenceEqual(page), $"pfn 0x{pfn:x}");
        }
    }

    /// <summary>
    /// Bitmaps left in the file (what the reader does for machines above 128 GiB) answer every
    /// question as bitmaps read whole: bits, ranks, counts and runs, over random bitmaps.
    /// </summary>
    [Fact]
    public void PagedBitmapsAgreeWithBitmapsInMemory()
    {
        Gen.Select(Gen.Int[1, 600_000], Gen.Int[0, 3], Gen.Int[0, 4096], Gen.Int).Sample((frames, density, lead, seed) =>
        {
            var rnd = new Random(seed);
            var bits = new byte[(frames + 7) / 8];
            // Long runs and noise both: the shapes a real second bitmap has.
            for (int i = 0; i < bits.Length; i++)
                bits[i] = density switch { 0 => 0, 1 => 0xff, 2 => (byte)rnd.Next(256), _ => (byte)((i / 997 % 2) * 0xff) };
            var file = new byte[lead + bits.Length];
            bits.CopyTo(file, lead);
            var memory = new PfnBitmap(bits, (ulong)frames);
            var paged = PfnBitmap.FromFile(new MemoryRandomAccess(file), lead, (ulong)frames, "the bitmap");
            Assert.True(paged.IsPaged);
            Assert.Equal(memory.PopCount(), paged.PopCount());
            for (int k = 0; k < 200; k++)
            {
                ulong p = (ulong)rnd.NextInt64(frames + 70);
                Assert.Equal(memory[p], paged[p]);
                Assert.Equal(memory.Rank(p), paged.Rank(p));
            }
            ulong a = (ulong)rnd.NextInt64(frames), b = a + (ulong)rnd.NextInt64(frames - (long)a + 1);
            Assert.Equal(memory.Runs(a, b).ToList(), paged.Runs(a, b).ToList());
            Assert.Throws<InvalidOperationException>(() => paged.SetRange(0, 1));
        }, iter: 60);
    }

    /// <summary>The reader gives the same answers with its bitmaps in memory and left in the file.</summary>
    [Theory]
    [InlineData("-c", "-d", "1")]
    [InlineData("-l", "-d", "0")]
    public void ReaderWithPagedBitmapsReadsTheSame(params string[] args)
    {
        var (vm, b) = Make(args);
        using var whole = new DiskdumpReader([new MemoryRandomAccess(b)], long.MaxValue);
        using var paged = new DiskdumpReader([new MemoryRandomAccess(b)], 0);
        Assert.False(whole.DumpableBitmap.IsPaged);
        Assert.True(paged.DumpableBitmap.IsPaged && paged.RamBitmap.IsPaged);
        Assert.Equal(whole.RamRanges(), paged.RamRanges());
        Assert.Equal(whole.DataRanges(), paged.DataRanges());
        for (ulong pfn = 0; pfn < whole.MaxPfn + 8; pfn++)
            Assert.Equal(whole.GetPageState(pfn), paged.GetPageState(pfn));
        AssertReadsAll(vm, paged);
        // A truncated file is still refused when it is opened, not at some later read.
        var cut = b.AsSpan(0, (int)(paged.Header.BlockSize * (1 + paged.Header.SubHeaderBlocks) + 100)).ToArray();
        var e = Assert.Throws<DumpFormatException>(() => new DiskdumpReader([new MemoryRandomAccess(cut, "cut")], 0));
        Assert.Contains("past the end of the file", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void ReadsEveryHeaderVersion(int version)
    {
        var (vm, b) = Make("-c", "-d", "1");
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(8), version);
        using var dump = (DiskdumpReader)DumpReader.Open(new MemoryRandomAccess(b));
        Assert.Equal(version, dump.Header.HeaderVersion);
        AssertReadsAll(vm, dump);
        // VMCOREINFO: in the notes from version 4, at its own offset in version 3, absent before.
        if (version >= 3)
            Assert.Equal(vm.VmcoreinfoText, dump.VmcoreinfoText);
        else
            Assert.Null(dump.VmcoreinfoText);
        Assert.Equal(version >= 4 ? 2 : 0, dump.CpuCount);
    }

    [Fact]
    public void ReadsTheOldDiskdumpSignature()
    {
        var (vm, b) = Make("-d", "0");
        "DISKDUMP"u8.CopyTo(b);
        using var dump = (DiskdumpReader)DumpReader.Open(new MemoryRandomAccess(b));
        Assert.Equal("DISKDUMP", dump.Header.Signature);
        AssertReadsAll(vm, dump);
    }

    [Fact]
    public void ASingleBitmapServesBothRoles()
    {
        // Old diskdump files carry one bitmap: bitmap_blocks covers max_mapnr bits only once.
        // (Every frame has data here, so one bitmap can say both "exists" and "dumped".)
        var whole = new SyntheticVmcore();
        whole.Segments.RemoveAt(2);
        var (vm, b) = Make(whole, "-d", "0");
        var h = DiskdumpHeader.Read(b);
        uint half = h.BitmapBlocks / 2;
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(436), half);
        // Move the descriptor table and data down by half the bitmap: rebuild by copying.
        int bs = h.BlockSize;
        long oldDesc = (1L + h.SubHeaderBlocks + h.BitmapBlocks) * bs, newDesc = oldDesc - (long)half * bs;
        var moved = new byte[b.Length - half * bs];
        b.AsSpan(0, (int)newDesc).CopyTo(moved);
        b.AsSpan((int)oldDesc).CopyTo(moved.AsSpan((int)newDesc));
        // Descriptors hold absolute offsets: shift them too.
        using var original = (DiskdumpReader)DumpReader.Open(new MemoryRandomAccess(b));
        ulong n = original.DumpableBitmap.PopCount();
        for (ulong i = 0; i < n; i++)
        {
            var at = (int)(newDesc + (long)i * PageDescriptor.Size_);
            long off = BinaryPrimitives.ReadInt64LittleEndian(moved.AsSpan(at));
            BinaryPrimitives.WriteInt64LittleEndian(moved.AsSpan(at), off - (long)half * bs);
        }
        using var dump = (DiskdumpReader)DumpReader.Open(new MemoryRandomAccess(moved));
        Assert.Equal(original.DumpableBitmap.PopCount(), dump.RamBitmap.PopCount());
        AssertReadsAll(vm, dump);
    }

    [Fact]
    public void LyingHeadersAreRejectedWithTheirOffset()
    {
        var (_, good) = Make("-c", "-d", "1");
        (int Offset, uint Value, string Message)[] lies =
        [
            (428, 1000, "block size"),               // not a power of two
            (432, 0x7fffffff, "sub header"),          // sub header larger than the file
            (436, 0x7fffffff, "bitmaps end"),         // bitmaps past the end
            (436, 0, "cannot cover"),                 // bitmap too small for max_mapnr
        ];
        foreach (var (offset, value, message) in lies)
        {
            var b = (byte[])good.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(offset), value);
            var e = Assert.Throws<DumpFormatException>(() => DumpReader.Open(new MemoryRandomAccess(b, "lie")));
            Assert.Contains(message, e.Message);
            Assert.Equal(offset, e.Offset);
        }
    }

    [Fact]
    public void DescriptorPointingOutsideTheFileIsReported()
    {
        var (_, b) = Make("-c", "-d", "1");
        using var ok = (DiskdumpReader)DumpReader.Open(new MemoryRandomAccess(b));
        long table = (1L + ok.Header.SubHeaderBlocks + ok.Header.BitmapBlocks) * ok.PageSize;
        ulong pfn = ok.DataRanges().First().Start;
        long at = table + (long)ok.DumpableBitmap.Rank(pfn) * PageDescriptor.Size_;
        BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan((int)at), b.Length + 10);
        using var dump = DumpReader.Open(new MemoryRandomAccess(b, "lie"));
        var e = Assert.Throws<DumpFormatException>(() => dump.ReadPage(pfn, new byte[4096]));
        Assert.Equal(at, e.Offset);
        Assert.Contains("outside the file", e.Message);
    }

    [Theory]
    [InlineData(PageCodec.Zlib)]
    [InlineData(PageCodec.Lzo)]
    [InlineData(PageCodec.Snappy)]
    [InlineData(PageCodec.Zstd)]
    public void PagesThatDecompressToTheWrongSizeAreErrors(PageCodec codec)
    {
        using var c = new PageCompressor(codec, 8192);
        using var d = new PageDecompressor();
        var big = new byte[8192];
        "some text "u8.ToArray().CopyTo(big, 0);
        var scratch = new byte[c.ScratchSize];
        int n = c.Compress(big, scratch);
        Assert.True(n > 0);
        // An 8 KiB page offered as a 4 KiB page expands past it: rejected, bounded.
        var clock = Stopwatch.StartNew();
        Assert.NotNull(d.Decompress(codec, scratch.AsSpan(0, n), new byte[4096]));
        // And a 4 KiB page read as 8 KiB comes out short.
        using var c4 = new PageCompressor(codec, 4096);
        n = c4.Compress(big.AsSpan(0, 4096), scratch);
        Assert.NotNull(d.Decompress(codec, scratch.AsSpan(0, n), new byte[8192]));
        Assert.Null(d.Decompress(codec, scratch.AsSpan(0, n), new byte[4096]));
        Assert.True(clock.ElapsedMilliseconds < 5000);
    }

    [Fact]
    public void ZlibBombIsStoppedAfterOnePage()
    {
        // 64 MiB of zeros in a few KiB of zlib: the reader stops one byte past the page.
        var ms = new MemoryStream();
        using (var z = new System.IO.Compression.ZLibStream(ms, System.IO.Compression.CompressionLevel.SmallestSize, true))
            z.Write(new byte[64 << 20]);
        using var d = new PageDecompressor();
        var clock = Stopwatch.StartNew();
        Assert.Contains("more than", d.Decompress(PageCodec.Zlib, ms.ToArray(), new byte[4096]));
        Assert.True(clock.ElapsedMilliseconds < 2000);
    }
}
