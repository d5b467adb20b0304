// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using CsCheck;
using Dumpkit.Formats.Codecs;
using Xunit.Abstractions;

namespace Dumpkit.Formats.Tests;

/// <summary>
/// liblzo2 through function pointers, so the tests can tell whether it is installed
/// (Debian/Ubuntu package liblzo2-2) and skip the interop tests plainly when it is not.
/// </summary>
internal static unsafe class LibLzo2
{
    private static readonly delegate* unmanaged<byte*, nuint, byte*, nuint*, void*, int> s_compress;
    private static readonly delegate* unmanaged<byte*, nuint, byte*, nuint*, void*, int> s_decompressSafe;

    // LZO1X_1_MEM_COMPRESS = 16384 * lzo_sizeof_dict_t, and lzo_sizeof_dict_t = sizeof(lzo_bytep).
    private static readonly int s_workMemSize = 16384 * IntPtr.Size;

    public static bool IsAvailable { get; }

    static LibLzo2()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsFreeBSD())
            return;
        if (!NativeLibrary.TryLoad("liblzo2.so.2", out IntPtr lib))
            return;
        if (!NativeLibrary.TryGetExport(lib, "__lzo_init_v2", out IntPtr init)
            || !NativeLibrary.TryGetExport(lib, "lzo_version", out IntPtr version)
            || !NativeLibrary.TryGetExport(lib, "lzo1x_1_compress", out IntPtr compress)
            || !NativeLibrary.TryGetExport(lib, "lzo1x_decompress_safe", out IntPtr decompress))
            return;
        // lzo_init() is __lzo_init_v2(LZO_VERSION, sizeof(short), sizeof(int), sizeof(long),
        // sizeof(lzo_uint32_t), sizeof(lzo_uint), lzo_sizeof_dict_t, sizeof(char *), sizeof(lzo_voidp),
        // sizeof(lzo_callback_t)); lzo_uint is unsigned long, lzo_callback_t is 3 function pointers,
        // a pointer and two lzo_xint (size_t). Only LP64/ILP32 Unix ABIs are handled here.
        uint v = ((delegate* unmanaged<uint>)version)();
        int p = IntPtr.Size;
        int rc = ((delegate* unmanaged<uint, int, int, int, int, int, int, int, int, int, int>)init)(
            v, sizeof(short), sizeof(int), p, sizeof(uint), p, p, p, p, 6 * p);
        if (rc != 0)
            return;
        s_compress = (delegate* unmanaged<byte*, nuint, byte*, nuint*, void*, int>)compress;
        s_decompressSafe = (delegate* unmanaged<byte*, nuint, byte*, nuint*, void*, int>)decompress;
        IsAvailable = true;
    }

    public static byte[] Compress(ReadOnlySpan<byte> src)
    {
        var dst = new byte[Lzo1x.MaxCompressedLength(src.Length)];
        var work = new byte[s_workMemSize];
        nuint len = (nuint)dst.Length;
        int rc;
        fixed (byte* s = src)
        fixed (byte* d = dst)
        fixed (byte* w = work)
            rc = s_compress(s, (nuint)src.Length, d, &len, w);
        Assert.Equal(0, rc);
        return dst.AsSpan(0, (int)len).ToArray();
    }

    /// <summary>lzo1x_decompress_safe into dst; the LZO_E_* code, and the bytes written.</summary>
    public static int DecompressSafe(ReadOnlySpan<byte> src, Span<byte> dst, out int written)
    {
        nuint len = (nuint)dst.Length;
        int rc;
        byte dummy = 0;
        fixed (byte* s = src)
        fixed (byte* d0 = dst)
        {
            byte* d = d0 == null ? &dummy : d0;
            byte* sp = s;
            byte zero = 0;
            if (sp == null) sp = &zero;
            rc = s_decompressSafe(sp, (nuint)src.Length, d, &len, null);
        }
        written = (int)len;
        return rc;
    }
}

/// <summary>Test data: random, low-entropy and dump-like generators.</summary>
internal static class LzoData
{
    public static readonly Gen<byte[]> Random = Gen.Byte.Array[0, 70000];

    /// <summary>Runs of one byte value, of various lengths.</summary>
    public static readonly Gen<byte[]> Runs =
        Gen.Select(Gen.Byte, Gen.Int[1, 3000]).Array[0, 60].Select(runs =>
        {
            var list = new List<byte>();
            foreach (var (b, n) in runs)
                for (int i = 0; i < n && list.Count < 70000; i++)
                    list.Add(b);
            return list.ToArray();
        });

    /// <summary>A short pattern repeated, with occasional random changes.</summary>
    public static readonly Gen<byte[]> Pattern =
        Gen.Select(Gen.Byte.Array[1, 24], Gen.Int[0, 70000], Gen.Int[0, 200], Gen.Int).Select((pat, len, changes, seed) =>
        {
            var data = new byte[len];
            for (int i = 0; i < len; i++)
                data[i] = pat[i % pat.Length];
            var r = new Random(seed);
            for (int i = 0; i < changes && len > 0; i++)
                data[r.Next(len)] = (byte)r.Next(256);
            return data;
        });

    /// <summary>A 4 KiB page that is mostly zero, with a few non-zero bytes or words.</summary>
    public static readonly Gen<byte[]> MostlyZeroPage =
        Gen.Select(Gen.Int[0, 64], Gen.Int).Select((k, seed) =>
        {
            var page = new byte[4096];
            var r = new Random(seed);
            for (int i = 0; i < k; i++)
            {
                int at = r.Next(4096 - 8);
                if (r.Next(2) == 0) page[at] = (byte)r.Next(1, 256);
                else BitConverter.TryWriteBytes(page.AsSpan(at), r.NextInt64());
            }
            return page;
        });

    /// <summary>4 KiB pages of dump-like content (see <see cref="Page"/>).</summary>
    public static readonly Gen<byte[]> StructuredPage = Gen.Select(Gen.Int[0, 5], Gen.Int).Select((kind, seed) => Page(kind, seed));

    /// <summary>Mixtures of all the above glued together, up to 70000 bytes.</summary>
    public static readonly Gen<byte[]> Mixed =
        Gen.OneOf(Gen.Byte.Array[0, 5000], Runs, Pattern, MostlyZeroPage, StructuredPage).Array[1, 8].Select(parts =>
        {
            var all = parts.SelectMany(p => p).Take(70000).ToArray();
            return all;
        });

    public static readonly Gen<byte[]> Any = Gen.OneOf(Random, Runs, Pattern, MostlyZeroPage, StructuredPage, Mixed);

    private static readonly string[] s_words =
    [
        "the", "kernel", "page", "memory", "struct", "task", "inode", "dentry", "0x", "ffff", "null", "lock",
        "irq", "cpu", "node", "zone", "slab", "free", "list", "head", "next", "prev", "flags", "count",
        "mapping", "index", "private", "lru", "buffer", "request", "queue", "device", "driver", "module",
    ];

    /// <summary>
    /// Dump-like 4 KiB page: 0 text, 1 log lines, 2 arrays of structures with pointers and counters,
    /// 3 page-table-like entries, 4 sparse structures, 5 random bytes (incompressible).
    /// </summary>
    public static byte[] Page(int kind, int seed)
    {
        var r = new Random(seed);
        var page = new byte[4096];
        switch (kind)
        {
            case 0:
            {
                var sb = new StringBuilder();
                while (sb.Length < 4096)
                {
                    sb.Append(s_words[r.Next(s_words.Length)]);
                    sb.Append(r.Next(8) == 0 ? ".\n" : " ");
                }
                Encoding.ASCII.GetBytes(sb.ToString(0, 4096), page);
                break;
            }
            case 1:
            {
                var sb = new StringBuilder();
                double t = r.Next(100000);
                while (sb.Length < 4096)
                {
                    t += r.NextDouble();
                    sb.Append($"[{t,12:F6}] {s_words[r.Next(s_words.Length)]}: {s_words[r.Next(s_words.Length)]}" +
                        $" at 0x{0xffff888000000000UL + (ulong)r.Next(1 << 24) * 64:x16} count={r.Next(1000)}\n");
                }
                Encoding.ASCII.GetBytes(sb.ToString(0, 4096), page);
                break;
            }
            case 2:
            {
                ulong basePtr = 0xffff888100000000UL + (ulong)r.Next(1 << 20) * 4096;
                for (int off = 0; off + 64 <= 4096; off += 64)
                {
                    var s = page.AsSpan(off, 64);
                    BitConverter.TryWriteBytes(s[0..], basePtr + (ulong)off + 64);       // next
                    BitConverter.TryWriteBytes(s[8..], basePtr + (ulong)off - 64);       // prev
                    BitConverter.TryWriteBytes(s[16..], (uint)r.Next(4));                 // state
                    BitConverter.TryWriteBytes(s[20..], (uint)(off / 64));                // index
                    BitConverter.TryWriteBytes(s[24..], 0xffffffff81000000UL + (ulong)r.Next(256) * 16); // ops
                    if (r.Next(3) == 0) BitConverter.TryWriteBytes(s[32..], r.NextInt64());
                }
                break;
            }
            case 3:
            {
                ulong pfn = (ulong)r.Next(1 << 20);
                for (int off = 0; off < 4096; off += 8)
                {
                    ulong e = r.Next(10) == 0 ? 0 : ((pfn + (ulong)(off / 8)) << 12) | 0x8000000000000067UL;
                    BitConverter.TryWriteBytes(page.AsSpan(off), e);
                }
                break;
            }
            case 4:
            {
                for (int off = 0; off + 256 <= 4096; off += 256)
                {
                    BitConverter.TryWriteBytes(page.AsSpan(off), 0xdead4ead00000000UL | (uint)r.Next());
                    if (r.Next(2) == 0) BitConverter.TryWriteBytes(page.AsSpan(off + 40), 0xffff888000000000UL + (ulong)r.Next() * 8);
                }
                break;
            }
            default:
                r.NextBytes(page);
                break;
        }
        return page;
    }
}

public class Lzo1xTests(ITestOutputHelper output)
{
    private static byte[] Compress(ReadOnlySpan<byte> src)
    {
        var dst = new byte[Lzo1x.MaxCompressedLength(src.Length)];
        int n = Lzo1x.Compress(src, dst);
        Assert.InRange(n, 3, dst.Length);
        return dst.AsSpan(0, n).ToArray();
    }

    private static void AssertRoundTrip(byte[] data)
    {
        var c = Compress(data);
        var back = new byte[data.Length];
        int n = Lzo1x.Decompress(c, back);
        Assert.Equal(data.Length, n);
        Assert.True(back.AsSpan().SequenceEqual(data), "round trip differs");
    }

    [Fact]
    public void EmptyInputIsTheEndMarker()
    {
        Assert.Equal(new byte[] { 0x11, 0x00, 0x00 }, Compress([]));
        Assert.Equal(0, Lzo1x.Decompress(new byte[] { 0x11, 0x00, 0x00 }, []));
    }

    [Fact]
    public void RoundTripSmallLengthsExhaustively()
    {
        var r = new Random(1);
        for (int len = 0; len <= 600; len++)
        {
            var rnd = new byte[len];
            r.NextBytes(rnd);
            AssertRoundTrip(rnd);
            AssertRoundTrip(new byte[len]);
            var pat = new byte[len];
            for (int i = 0; i < len; i++) pat[i] = (byte)(i % 7);
            AssertRoundTrip(pat);
        }
    }

    [Fact]
    public void RoundTripProperty() =>
        LzoData.Any.Sample(AssertRoundTrip, iter: 400);

    /// <summary>Matches at the edges of every distance class and length class.</summary>
    [Fact]
    public void RoundTripAtDistanceAndLengthBoundaries()
    {
        var r = new Random(7);
        int[] distances = [1, 2, 3, 4, 7, 8, 9, 1024, 1025, 2047, 2048, 2049, 2050, 3072, 3073, 16383, 16384, 16385, 16386,
            32767, 32768, 32769, 49150, 49151, 49152, 49153, 65535, 65536, 65537];
        int[] lengths = [3, 4, 5, 8, 9, 10, 33, 34, 35, 255 + 33, 255 + 34, 1000, 5000];
        foreach (int d in distances)
        foreach (int l in lengths)
        {
            var data = new byte[d + l + 40];
            r.NextBytes(data);
            // data[20 + d ..] repeats data[20 ..] for l bytes.
            for (int i = 0; i < l; i++)
                data[20 + d + i] = data[20 + i];
            AssertRoundTrip(data);
        }
    }

    [Fact]
    public void LargeInputsRoundTrip()
    {
        var r = new Random(3);
        var big = new byte[1 << 20];
        for (int i = 0; i < big.Length; i += 4096)
            LzoData.Page(r.Next(6), r.Next()).CopyTo(big, i);
        AssertRoundTrip(big);
        AssertRoundTrip(new byte[300_000]);
        var rnd = new byte[200_000];
        r.NextBytes(rnd);
        AssertRoundTrip(rnd);
    }

    [Fact]
    public void CompressReportsSmallDestinationWithoutThrowing()
    {
        foreach (var data in new[] { LzoData.Page(0, 1), LzoData.Page(5, 2), new byte[4096], LzoData.Page(3, 3), new byte[] { 1, 2 } })
        {
            var exact = Compress(data);
            for (int size = 0; size < exact.Length; size++)
            {
                var dst = new byte[size];
                Assert.Equal(-1, Lzo1x.Compress(data, dst));
            }
            var fit = new byte[exact.Length];
            Assert.Equal(exact.Length, Lzo1x.Compress(data, fit));
            Assert.Equal(exact, fit);
        }
    }

    /// <summary>Any destination size: -1 when smaller than the output, else the very same output.</summary>
    [Fact]
    public void CompressIntoAnyDestinationSize() =>
        Gen.Select(LzoData.Any, Gen.Double[0, 1.1]).Sample((data, f) =>
        {
            var exact = Compress(data);
            var dst = new byte[(int)(exact.Length * f)];
            int n = Lzo1x.Compress(data, dst);
            if (dst.Length < exact.Length)
                Assert.Equal(-1, n);
            else
                Assert.True(n == exact.Length && dst.AsSpan(0, n).SequenceEqual(exact));
        }, iter: 300);

    [Fact]
    public void WorstCaseBoundHolds()
    {
        var r = new Random(11);
        foreach (int len in new[] { 0, 1, 3, 4, 17, 238, 239, 4096, 65536, 70000 })
        {
            var data = new byte[len];
            r.NextBytes(data);
            Assert.True(Compress(data).Length <= Lzo1x.MaxCompressedLength(len));
        }
    }

    [Fact]
    public void DecompressRejectsShortOutputAndLookbehind()
    {
        var data = LzoData.Page(1, 4);
        var c = Compress(data);
        Assert.Equal((int)Lzo1xError.OutputOverrun, Lzo1x.Decompress(c, new byte[data.Length - 1]));
        Assert.Equal((int)Lzo1xError.InputOverrun, Lzo1x.Decompress(c.AsSpan(0, c.Length - 1), new byte[data.Length]));
        Assert.Equal((int)Lzo1xError.InputOverrun, Lzo1x.Decompress([], new byte[16]));
        var extra = c.Concat(new byte[] { 0 }).ToArray();
        Assert.Equal((int)Lzo1xError.InputNotConsumed, Lzo1x.Decompress(extra, new byte[data.Length]));
        // Literal 'A', then a 4-byte M2 match at distance 2 (only one byte exists).
        Assert.Equal((int)Lzo1xError.LookbehindOverrun, Lzo1x.Decompress(new byte[] { 18, 0x41, 0x44, 0x00, 0x11, 0, 0 }, new byte[16]));
        // Same with distance 1: fine ('A' + 3 copies).
        Assert.Equal(4, Lzo1x.Decompress(new byte[] { 18, 0x41, 0x40, 0x00, 0x11, 0, 0 }, new byte[16]));
    }

    /// <summary>Hand-assembled streams for the forms our compressor never emits.</summary>
    [Fact]
    public void DecodesEveryInstructionForm()
    {
        // First byte 18..20: 1..3 literals, then 0000DDSS is a 2-byte match within 1 KiB.
        // "ab" + M1(dist 2, len 2, S=1) + 'c' + end  => "ababc"
        Assert.Equal("ababc"u8.ToArray(), Decode([19, (byte)'a', (byte)'b', 0x05, 0x00, (byte)'c', 0x11, 0, 0], 5));
        // Literal run via 0000LLLL at the start (state 0): L=1 -> 4 literals.
        Assert.Equal("wxyz"u8.ToArray(), Decode([0x01, .. "wxyz"u8, 0x11, 0, 0], 4));
        // Extended literal run: 0x00, 0x00 (+255), 0x02 -> 15 + 255 + 2 + 3 = 275 literals.
        var lits = Enumerable.Range(0, 275).Select(i => (byte)(i * 7)).ToArray();
        Assert.Equal(lits, Decode([0x00, 0x00, 0x02, .. lits, 0x11, 0, 0], 275));
        // After a literal run (state 4), 0000DDSS is a 3-byte match at 2049 + ...: 2049 literals then copy 3 from the start.
        var run = Enumerable.Range(0, 2049).Select(i => (byte)(i * 13 + 1)).ToArray();
        byte[] runHeader = [0x00, .. Enumerable.Repeat((byte)0, 7), (byte)(2049 - 3 - 15 - 7 * 255)];
        var expected = run.Concat(run.Take(3)).ToArray();
        Assert.Equal(expected, Decode([.. runHeader, .. run, 0x00, 0x00, 0x11, 0, 0], expected.Length));
        // M3 with an extended length: 'z' then 001 00000 + ext 1 (len 31+1+2 = 34) at distance 1.
        Assert.Equal(Enumerable.Repeat((byte)'z', 35).ToArray(), Decode([18, (byte)'z', 0x20, 0x01, 0x00, 0x00, 0x11, 0, 0], 35));
        // M4 at distance 16384 + 1 with H = 0, and the end marker's length field ignored (0x12).
        var far = Enumerable.Range(0, 16385).Select(i => (byte)(i * 31 + 5)).ToArray();
        byte[] farHeader = [0x00, .. Enumerable.Repeat((byte)0, 64), (byte)(16385 - 3 - 15 - 64 * 255)];
        Assert.Equal(far.Concat(far.Take(5)).ToArray(),
            Decode([.. farHeader, .. far, 0x13, 0x04, 0x00, 0x12, 0, 0], far.Length + 5));
    }

    private static byte[] Decode(byte[] stream, int size)
    {
        var dst = new byte[size];
        int n = Lzo1x.Decompress(stream, dst);
        Assert.Equal(size, n);
        return dst;
    }

    [Fact]
    public void HugeZeroRunLengthFailsQuickly()
    {
        var sw = Stopwatch.StartNew();
        foreach (byte op in new byte[] { 0x00, 0x20, 0x10 })
        {
            // 'a' literal (for the matches), then an opcode with an extended length of 64 MiB of zero bytes.
            var stream = new byte[64 << 20];
            stream[0] = op == 0x00 ? (byte)0x00 : (byte)18;
            stream[1] = op == 0x00 ? (byte)0x00 : (byte)'a';
            stream[2] = op;
            stream[^1] = 1;
            int rc = Lzo1x.Decompress(stream, new byte[4096]);
            Assert.True(rc < 0, $"opcode {op:x2}: {rc}");
            // Also when the stream ends inside the run.
            rc = Lzo1x.Decompress(stream.AsSpan(0, 100), new byte[1 << 20]);
            Assert.Equal((int)Lzo1xError.InputOverrun, rc);
        }
        Assert.True(sw.ElapsedMilliseconds < 5000, $"took {sw.ElapsedMilliseconds} ms");
    }

    /// <summary>Mutated valid streams: the decoder returns an error or a length, never throws, never writes outside dst.</summary>
    [Fact]
    public void FuzzDecompressor()
    {
        var r = new Random(12345);
        var corpus = new List<byte[]>();
        for (int i = 0; i < 40; i++)
            corpus.Add(Compress(LzoData.Page(i % 6, i)));
        for (int i = 0; i < 10; i++)
        {
            // Multi-page mixtures, so far matches and long lengths appear too.
            var mix = Enumerable.Range(0, 5).SelectMany(j => LzoData.Page((i + j) % 6, 100 * i + j)).ToArray();
            mix.AsSpan(4096, 4096).Clear();
            corpus.Add(Compress(mix));
        }
        if (LibLzo2.IsAvailable)
            for (int i = 0; i < 20; i++)
                corpus.Add(LibLzo2.Compress(LzoData.Page(i % 6, 1000 + i)));

        var sw = Stopwatch.StartNew();
        int iterations = 0, accepted = 0, differential = 0;
        var outBuf = new byte[70000 + 64];
        var libOut = new byte[70000];
        while (iterations < 200_000 && sw.ElapsedMilliseconds < 3000)
        {
            iterations++;
            var s = Mutate(corpus[r.Next(corpus.Count)], r);
            int cap = r.Next(4) switch { 0 => 4096, 1 => r.Next(0, 8192), 2 => 70000, _ => r.Next(0, 64) };
            outBuf.AsSpan(cap).Fill(0xA5);
            int n = Lzo1x.Decompress(s, outBuf.AsSpan(0, cap));
            Assert.True(n >= 0 ? n <= cap : Enum.IsDefined((Lzo1xError)n), $"result {n}");
            Assert.True(outBuf.AsSpan(cap).IndexOfAnyExcept((byte)0xA5) < 0, "wrote past the output span");
            if (n >= 0) accepted++;

            if (LibLzo2.IsAvailable)
            {
                // Differential: liblzo2 accepts exactly the streams we accept, with the same output.
                int rc = LibLzo2.DecompressSafe(s, libOut.AsSpan(0, cap), out int libN);
                Assert.True((rc == 0) == (n >= 0), $"liblzo2 {rc}/{libN}, ours {n}, cap {cap}: {Convert.ToHexString(s.AsSpan(0, Math.Min(64, s.Length)))}");
                if (n >= 0)
                {
                    Assert.Equal(libN, n);
                    Assert.True(libOut.AsSpan(0, n).SequenceEqual(outBuf.AsSpan(0, n)));
                }
                differential++;
            }
        }
        output.WriteLine($"{iterations} mutated streams in {sw.ElapsedMilliseconds} ms, {accepted} accepted, {differential} compared with liblzo2");
        Assert.True(iterations >= 1000);
    }

    private static byte[] Mutate(byte[] valid, Random r)
    {
        var s = valid.ToList();
        int edits = 1 + r.Next(4);
        for (int e = 0; e < edits; e++)
        {
            if (s.Count == 0) s.Add(0);
            switch (r.Next(7))
            {
                case 0: // bit flip
                {
                    int i = r.Next(s.Count);
                    s[i] ^= (byte)(1 << r.Next(8));
                    break;
                }
                case 1: // truncate anywhere
                {
                    int at = r.Next(s.Count);
                    s.RemoveRange(at, s.Count - at);
                    break;
                }
                case 2: // random byte
                    s[r.Next(s.Count)] = (byte)r.Next(256);
                    break;
                case 3: // insert a long zero-run length: an opcode with zero length field, zeros, a byte
                {
                    int at = r.Next(s.Count + 1);
                    var ins = new List<byte> { (byte)(r.Next(3) switch { 0 => 0x00, 1 => 0x20, _ => 0x10 | (r.Next(2) << 3) }) };
                    ins.AddRange(new byte[r.Next(1, 2000)]);
                    ins.Add((byte)r.Next(1, 256));
                    s.InsertRange(at, ins);
                    break;
                }
                case 4: // insert random bytes
                {
                    int at = r.Next(s.Count + 1);
                    var ins = new byte[r.Next(1, 16)];
                    r.NextBytes(ins);
                    s.InsertRange(at, ins);
                    break;
                }
                case 5: // delete a range
                {
                    int at = r.Next(s.Count);
                    s.RemoveRange(at, Math.Min(s.Count - at, r.Next(1, 32)));
                    break;
                }
                default: // cut a few bytes off the end
                {
                    int k = Math.Min(s.Count, 1 + r.Next(8));
                    s.RemoveRange(s.Count - k, k);
                    break;
                }
            }
        }
        return s.ToArray();
    }

    [Fact]
    public void FullyRandomStreamsAreRejectedOrDecodedSafely()
    {
        var r = new Random(99);
        var src = new byte[600];
        var dst = new byte[4096];
        for (int i = 0; i < 20000; i++)
        {
            int len = r.Next(src.Length);
            r.NextBytes(src.AsSpan(0, len));
            int n = Lzo1x.Decompress(src.AsSpan(0, len), dst);
            Assert.True(n >= 0 ? n <= dst.Length : Enum.IsDefined((Lzo1xError)n));
        }
    }

    // ------------------------------------------------------------------ interop with liblzo2

    [SkippableFact]
    public void InteropOurStreamsDecodeWithLiblzo2()
    {
        Skip.IfNot(LibLzo2.IsAvailable, "liblzo2.so.2 not installed (Debian package liblzo2-2)");
        LzoData.Any.Sample(data =>
        {
            var c = Compress(data);
            var back = new byte[data.Length];
            int rc = LibLzo2.DecompressSafe(c, back, out int n);
            Assert.Equal(0, rc);
            Assert.Equal(data.Length, n);
            Assert.True(back.AsSpan().SequenceEqual(data));
        }, iter: 300);
    }

    [SkippableFact]
    public void InteropLiblzo2StreamsDecodeWithOurs()
    {
        Skip.IfNot(LibLzo2.IsAvailable, "liblzo2.so.2 not installed (Debian package liblzo2-2)");
        LzoData.Any.Sample(data =>
        {
            var c = LibLzo2.Compress(data);
            var back = new byte[data.Length];
            Assert.Equal(data.Length, Lzo1x.Decompress(c, back));
            Assert.True(back.AsSpan().SequenceEqual(data));
        }, iter: 300);
        // Small inputs, all lengths, where liblzo2 takes its literal-only paths.
        var r = new Random(2);
        for (int len = 0; len < 300; len++)
        {
            var d = new byte[len];
            r.NextBytes(d);
            if (len % 2 == 0) d.AsSpan(0, len / 2).Clear();
            var back = new byte[len];
            Assert.Equal(len, Lzo1x.Decompress(LibLzo2.Compress(d), back));
            Assert.Equal(d, back);
        }
    }

    [SkippableFact]
    public void CompressionRatioIsCloseToLiblzo2()
    {
        Skip.IfNot(LibLzo2.IsAvailable, "liblzo2.so.2 not installed (Debian package liblzo2-2)");
        var sets = new Dictionary<string, List<byte[]>>();
        for (int kind = 0; kind < 5; kind++)
            sets[$"synthetic kind {kind}"] = Enumerable.Range(0, 64).Select(i => LzoData.Page(kind, i)).ToList();
        // A real binary: the runtime's own CoreLib, in 4 KiB pages.
        var corelib = File.ReadAllBytes(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "System.Private.CoreLib.dll"));
        sets["System.Private.CoreLib.dll"] = Enumerable.Range(0, corelib.Length / 4096).Select(i => corelib.AsSpan(i * 4096, 4096).ToArray()).ToList();

        foreach (var (name, pages) in sets)
        {
            long ours = 0, theirs = 0;
            foreach (var p in pages)
            {
                ours += Compress(p).Length;
                theirs += LibLzo2.Compress(p).Length;
            }
            double ratio = (double)ours / theirs;
            output.WriteLine($"{name}: {pages.Count} pages, ours {ours} bytes, liblzo2 {theirs} bytes, ours/theirs {ratio:F3}");
            Assert.True(ratio < 1.15, $"{name}: ours {ours} vs liblzo2 {theirs}");
        }
    }
}
