// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Diagnostics;
using Dumpkit.Formats.IO;
using Xunit.Abstractions;

namespace Dumpkit.Formats.Tests;

/// <summary>
/// A seeded byte mutator over valid dumps of every format: whatever the damage, opening and
/// reading every page either works or fails with a <see cref="DumpFormatException"/> (or a
/// page-not-available answer) — never another exception, a hang or an unbounded allocation.
/// </summary>
public class FuzzTests(ITestOutputHelper output)
{
    private static readonly Lazy<Dictionary<string, byte[]>> Seeds = new(MakeSeeds);

    private static Dictionary<string, byte[]> MakeSeeds()
    {
        // A small vmcore keeps each iteration cheap.
        static SyntheticVmcore Small(bool qemu)
        {
            var vm = new SyntheticVmcore { QemuLayout = qemu };
            vm.Segments.Clear();
            vm.Segments.Add((0x1000, 0x7c00, 0x7c00));
            vm.Segments.Add((0x100000, 0x10000, 0x10000));
            return vm;
        }
        using var dir = new TempDir();
        var elf = Small(false).WriteTo(dir.Path);
        var seeds = new Dictionary<string, byte[]> { ["elf"] = File.ReadAllBytes(elf) };
        seeds["elf-qemu"] = Small(true).Build();
        foreach (var (name, args) in new[] { ("raw", new[] { "-d", "1" }), ("zlib", new[] { "-c", "-d", "1" }),
                     ("lzo", new[] { "-l", "-d", "1" }), ("snappy", new[] { "-p", "-d", "0" }), ("zstd", new[] { "-z", "-d", "1" }) })
        {
            var r = Tools.Makedumpfile([.. args, elf, dir[name]]);
            Assert.Equal(0, r.ExitCode);
            seeds[name] = File.ReadAllBytes(dir[name]);
        }
        seeds["flat"] = Tools.Makedumpfile("-F", "-c", "-d", "1", elf).Stdout;
        return seeds;
    }

    /// <summary>Header and structure offsets where damage matters most.</summary>
    private static readonly int[] HotOffsets =
    [
        0, 4, 5, 8, 16, 18, 32, 40, 54, 56, 58, 60, 64, 72, 88, 96, 104, 120, 128,
        408, 424, 428, 432, 436, 440, 460, 4096, 4104, 4108, 4112, 4128, 4136, 4144, 4152, 4176, 4184, 4192,
    ];

    public static byte[] Mutate(byte[] seed, Random rng)
    {
        var b = (byte[])seed.Clone();
        int edits = rng.Next(1, 6);
        for (int e = 0; e < edits; e++)
        {
            switch (rng.Next(8))
            {
                case 0: // bit flip anywhere
                {
                    int i = rng.Next(b.Length);
                    b[i] ^= (byte)(1 << rng.Next(8));
                    break;
                }
                case 1: // random byte near a hot offset
                {
                    int i = HotOffsets[rng.Next(HotOffsets.Length)] + rng.Next(8);
                    if (i < b.Length) b[i] = (byte)rng.Next(256);
                    break;
                }
                case 2: // interesting 32/64-bit value at a hot offset
                {
                    int i = HotOffsets[rng.Next(HotOffsets.Length)];
                    ulong[] vals = [0, 1, 0x7fffffff, 0xffffffff, 0x80000000, ulong.MaxValue, long.MaxValue, 4096, 1UL << 40, 0xfff];
                    ulong v = vals[rng.Next(vals.Length)];
                    if (i + 8 <= b.Length) BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(i), v);
                    break;
                }
                case 3: // truncate
                    Array.Resize(ref b, rng.Next(b.Length));
                    break;
                case 4: // overwrite a run with random bytes
                {
                    int i = rng.Next(b.Length), n = Math.Min(rng.Next(1, 64), b.Length - i);
                    rng.NextBytes(b.AsSpan(i, n));
                    break;
                }
                case 5: // big-endian value (flattened record headers)
                {
                    int i = rng.Next(Math.Max(1, b.Length - 8));
                    long[] vals = [-1, 0, long.MaxValue, 1L << 40, 4096, -4096];
                    if (i + 8 <= b.Length) BinaryPrimitives.WriteInt64BigEndian(b.AsSpan(i), vals[rng.Next(vals.Length)]);
                    break;
                }
                case 6: // descriptor damage: anywhere in the 2nd half of the file header area
                {
                    int i = rng.Next(Math.Min(b.Length, 64 * 1024));
                    if (i + 4 <= b.Length) BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(i), (uint)rng.Next());
                    break;
                }
                default: // zero a run
                {
                    int i = rng.Next(b.Length), n = Math.Min(rng.Next(1, 512), b.Length - i);
                    b.AsSpan(i, n).Clear();
                    break;
                }
            }
            if (b.Length == 0) break;
        }
        return b;
    }

    /// <summary>Opens and reads everything; returns how far it got.</summary>
    public static string Exercise(byte[] data)
    {
        try
        {
            using var dump = DumpReader.Open(new MemoryRandomAccess(data, "fuzz"));
            _ = dump.VmcoreinfoText;
            _ = dump.CpuCount;
            var page = new byte[Math.Max(dump.PageSize, 4096)];
            ulong limit = Math.Min(dump.MaxPfn, 1UL << 16);
            int read = 0;
            foreach (var run in dump.RamRanges())
            {
                for (ulong p = run.Start; p < Math.Min(run.End, limit); p++)
                {
                    try
                    {
                        if (dump.GetPageState(p) == PageState.Present)
                        {
                            dump.ReadPage(p, page);
                            read++;
                        }
                    }
                    catch (PageNotAvailableException) { }
                    catch (DumpFormatException) { }
                }
                if (run.Start >= limit) break;
            }
            return $"read {read}";
        }
        catch (DumpFormatException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Reason));
            Assert.DoesNotContain('\n', e.Message);
            return "rejected";
        }
    }

    [Theory]
    [InlineData("elf")]
    [InlineData("elf-qemu")]
    [InlineData("raw")]
    [InlineData("zlib")]
    [InlineData("lzo")]
    [InlineData("snappy")]
    [InlineData("zstd")]
    [InlineData("flat")]
    public void MutatedDumpsNeverEscapeAsOtherExceptions(string seed)
    {
        var data = Seeds.Value[seed];
        Assert.StartsWith("read", Exercise(data)); // the seed itself is valid
        var rng = new Random(seed.GetHashCode(StringComparison.Ordinal) ^ 12345);
        var clock = Stopwatch.StartNew();
        int iterations = 0, rejected = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(2) && iterations < 5000)
        {
            var m = Mutate(data, rng);
            string outcome;
            try
            {
                outcome = Exercise(m);
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                var file = Path.Combine(Path.GetTempPath(), $"dumpkit-fuzz-{seed}-{iterations}.bin");
                File.WriteAllBytes(file, m);
                throw new Xunit.Sdk.XunitException($"{seed} iteration {iterations}: {e.GetType().Name}: {e.Message} (input saved to {file})\n{e.StackTrace}");
            }
            if (outcome == "rejected") rejected++;
            iterations++;
        }
        output.WriteLine($"{seed}: {iterations} mutants, {rejected} rejected at open");
        Assert.True(iterations > 100);
    }

    [Fact]
    public void TruncatedInputGivesOneLineErrorNamingFileAndOffset()
    {
        using var dir = new TempDir();
        var seed = Seeds.Value["zlib"];
        foreach (int cut in new[] { 0, 3, 100, 500, 4096 + 50, 9000 })
        {
            var path = dir[$"cut{cut}"];
            File.WriteAllBytes(path, seed.AsSpan(0, Math.Min(cut, seed.Length)).ToArray());
            var r = Tools.Makedumpfile("-d", "1", path, dir[$"out{cut}"]);
            Assert.Equal(1, r.ExitCode);
            var errorLine = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).First();
            Assert.Contains(path, errorLine);
            Assert.DoesNotContain("   at ", r.Err); // no exception trace
            Assert.False(File.Exists(dir[$"out{cut}"]), "nothing written for an unreadable input");
        }
    }

    [Fact]
    public void CorruptPageDataFailsWithFileAndOffset()
    {
        using var dir = new TempDir();
        var b = (byte[])Seeds.Value["zlib"].Clone();
        using var good = DumpReader.Open(new MemoryRandomAccess(b));
        var kd = (Diskdump.DiskdumpReader)good;
        ulong pfn = 0x104; // a text page (pfn % 7 == 1): compressed
        var d = kd.GetDescriptor(pfn);
        Assert.Equal(1u, d.Flags);
        b.AsSpan((int)d.Offset + 2, (int)d.Size - 2).Fill(0x5a);
        var path = dir["corrupt"];
        File.WriteAllBytes(path, b);
        using var dump = DumpReader.Open(path);
        var e = Assert.Throws<DumpFormatException>(() => dump.ReadPage(pfn, new byte[4096]));
        Assert.Contains(path, e.Message);
        Assert.Contains($"offset 0x{d.Offset:x}", e.Message);
        var r = Tools.Makedumpfile("-d", "1", path, dir["out"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"offset 0x{d.Offset:x}", r.Err);
    }
}
