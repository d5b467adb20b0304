// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using Xunit.Abstractions;
using static Dumpkit.Formats.Tests.Robustness.BinaryRun;

namespace Dumpkit.Formats.Tests.Robustness;

/// <summary>
/// Seeded mutations of valid inputs run through the binary's readers (makedumpfile on ELF, kdump-compressed and
/// flattened dumps; tcpdump -r on pcap and pcapng; crash on a real dump), each run classified: a clean status
/// with its message is fine; exception text, a resource key, death by a signal or a hang is a defect. Bounded:
/// a fixed number of cases per reader, each with a hang guard.
/// </summary>
public class BinaryFuzzTests(ITestOutputHelper output)
{
    private const int Cases = 24;

    /// <summary>Flips, overwrites with boundary values, or cuts the file; the first KiBs (headers) most often.</summary>
    private static byte[] Mutate(byte[] seed, Random rng)
    {
        var b = (byte[])seed.Clone();
        int edits = 1 + rng.Next(8);
        for (int e = 0; e < edits; e++)
        {
            int span = rng.Next(4) == 0 ? b.Length : Math.Min(b.Length, 8192);
            int at = rng.Next(span);
            switch (rng.Next(5))
            {
                case 0: b[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1: b[at] = (byte)rng.Next(256); break;
                case 2 when at + 8 <= b.Length:
                    ulong v = rng.Next(4) switch { 0 => ulong.MaxValue, 1 => 1UL << rng.Next(64), 2 => 0, _ => (ulong)rng.NextInt64() };
                    BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(at), v);
                    break;
                case 3 when at + 4 <= b.Length:
                    BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), rng.Next(2) == 0 ? uint.MaxValue : 0x7fffffff);
                    break;
                default:
                    if (rng.Next(3) == 0) Array.Resize(ref b, Math.Max(1, at));
                    break;
            }
        }
        return b;
    }

    private void Fuzz(string name, byte[] seed, int seedNumber, Func<string, Result> run)
    {
        using var dir = new TempDir();
        var defects = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        for (int i = 0; i < Cases; i++)
        {
            var rng = new Random(seedNumber * 1000 + i);
            var path = dir[$"{name}-{i}"];
            File.WriteAllBytes(path, Mutate(seed, rng));
            var r = run(path);
            statuses[r.Status] = statuses.GetValueOrDefault(r.Status) + 1;
            if (Defect(r) is { } d)
                defects.Add($"{name} case {i} (seed {seedNumber * 1000 + i}): {d}: {r.Err.Split('\n')[0]}");
            File.Delete(path);
            foreach (var f in Directory.GetFiles(dir.Path)) File.Delete(f);
        }
        output.WriteLine($"{name}: exit statuses {string.Join(", ", statuses.Select(kv => $"{kv.Key}x{kv.Value}"))}");
        Assert.True(defects.Count == 0, string.Join("\n", defects));
    }

    private static SyntheticVmcore Small()
    {
        var vm = new SyntheticVmcore();
        vm.Segments.Clear();
        vm.Segments.Add((0x1000, 0x7c00, 0x7c00));
        vm.Segments.Add((0x100000, 0x10000, 0x10000));
        return vm;
    }

    [SkippableTheory]
    [InlineData("elf", 1)]
    [InlineData("kdump", 2)]
    [InlineData("flattened", 3)]
    public void MakedumpfileReadsMutatedDumps(string kind, int seedNumber)
    {
        var bin = Binary();
        using var dir = new TempDir();
        var elf = Small().WriteTo(dir.Path);
        byte[] seed = kind switch
        {
            "elf" => File.ReadAllBytes(elf),
            "kdump" => Tools.Makedumpfile("-c", "-d", "1", elf, dir["k"]).ExitCode == 0 ? File.ReadAllBytes(dir["k"]) : [],
            _ => Tools.Makedumpfile("-F", "-c", "-d", "1", elf).Stdout,
        };
        Assert.NotEmpty(seed);
        var outDir = dir["out"];
        Directory.CreateDirectory(outDir);
        var oversized = new List<string>();
        Fuzz(kind, seed, seedNumber, path =>
        {
            var dump = Path.Combine(outDir, "dump");
            var r = Run(bin, "makedumpfile", "-f", "-c", "-d", "31", path, dump);
            // output bounded by the input: a few KiB of input describe at most MAX_PHYSMEM_BITS of memory, whose
            // bitmaps would be GiBs; a sane run writes little more than the input
            var written = new FileInfo(dump);
            if (written.Exists && written.Length > 64L << 20)
                oversized.Add($"{written.Length} bytes written from a {new FileInfo(path).Length}-byte input");
            if (written.Exists) written.Delete();
            return r;
        });
        Assert.Empty(oversized);
    }

    [SkippableTheory]
    [InlineData("pcap", 4)]
    [InlineData("pcapng", 5)]
    public void TcpdumpReadsMutatedCaptures(string kind, int seedNumber)
    {
        var bin = Binary();
        var packet = Convert.FromHexString("ffffffffffff00112233445508004500003c0001000040110000c0a80001c0a80002" +
            "00350035002800001234010000010000000000000377777706676f6f676c6503636f6d0000010001");
        var seed = new MemoryStream();
        if (kind == "pcap")
        {
            seed.Write(Convert.FromHexString("d4c3b2a1020004000000000000000000ffff000001000000"));
            for (int i = 0; i < 8; i++)
            {
                var rec = new byte[16];
                BinaryPrimitives.WriteUInt32LittleEndian(rec, 1_600_000_000u + (uint)i);
                BinaryPrimitives.WriteUInt32LittleEndian(rec.AsSpan(8), (uint)packet.Length);
                BinaryPrimitives.WriteUInt32LittleEndian(rec.AsSpan(12), (uint)packet.Length);
                seed.Write(rec);
                seed.Write(packet);
            }
        }
        else
        {
            static void Block(Stream s, uint type, byte[] body)
            {
                int len = 12 + (body.Length + 3) / 4 * 4;
                var b = new byte[len];
                BinaryPrimitives.WriteUInt32LittleEndian(b, type);
                BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), (uint)len);
                body.CopyTo(b, 8);
                BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(len - 4), (uint)len);
                s.Write(b);
            }
            Block(seed, 0x0a0d0d0a, Convert.FromHexString("4d3c2b1a01000000ffffffffffffffff"));
            Block(seed, 1, Convert.FromHexString("010000000000ffff"));
            for (int i = 0; i < 8; i++)
            {
                var body = new byte[20 + packet.Length];
                BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), (uint)(1_000_000 * i));
                BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(12), (uint)packet.Length);
                BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(16), (uint)packet.Length);
                packet.CopyTo(body, 20);
                Block(seed, 6, body);
            }
        }
        Fuzz(kind, seed.ToArray(), seedNumber, path => Run(bin, "tcpdump", "-n", "-v", "-r", path));
    }

    [SkippableFact]
    public void CrashReadsAMutatedRealDump()
    {
        var bin = Binary();
        var sample = RealData.RepoFile("samples/vmcore-6.1.kdump");
        Skip.IfNot(File.Exists(sample), "samples/vmcore-6.1.kdump is not there");
        Fuzz("crash", File.ReadAllBytes(sample), 6,
            path => Sh(bin, "printf 'sys\\nlog\\nq\\n' | exec \"$0\" crash -s \"$1\"", [path]));
    }
}
