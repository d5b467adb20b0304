// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Diagnostics;
using Xunit.Abstractions;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// Seeded mutation fuzzing of the capture readers and printers: mutated captures must never make
/// tcpdump throw or hang. Uses the conformance captures when present, built-in seeds otherwise.
/// </summary>
public class FuzzTests(ITestOutputHelper output)
{
    private static readonly string[][] OptionSets =
    [
        [], ["-v"], ["-vvv", "-e"], ["-X"], ["-x", "-q"], ["-vv", "-A"], ["-e", "-ttt"], ["-S", "-vv", "-XX"],
    ];

    internal static List<byte[]> Seeds()
    {
        var list = new List<byte[]>();
        var dir = ConformanceSuite.TestDir;
        if (dir != null)
        {
            foreach (var f in Directory.GetFiles(dir)
                .Where(f => f.EndsWith(".pcap", StringComparison.Ordinal) || f.EndsWith(".pcapng", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal))
            {
                var b = File.ReadAllBytes(f);
                if (b.Length <= 64 * 1024) list.Add(b);
            }
        }
        list.AddRange(Samples.All());
        return list;
    }

    internal static byte[] Mutate(Random r, byte[] src)
    {
        var b = (byte[])src.Clone();
        int n = r.Next(1, 9);
        for (int k = 0; k < n; k++)
        {
            switch (r.Next(6))
            {
                case 0:
                case 1:
                case 2:
                    if (b.Length > 0) b[r.Next(b.Length)] = (byte)r.Next(256);
                    break;
                case 3:
                    if (b.Length > 0) b[r.Next(b.Length)] ^= (byte)(1 << r.Next(8));
                    break;
                case 4:
                    if (b.Length > 24) Array.Resize(ref b, r.Next(24, b.Length));
                    break;
                case 5:
                    // interesting values at a random position
                    if (b.Length > 4)
                    {
                        int p = r.Next(b.Length - 4);
                        uint[] vals = [0, 0xffffffff, 0x7fffffff, 0x80000000, 1, 0xffff, 0x100];
                        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(p), vals[r.Next(vals.Length)]);
                    }
                    break;
            }
        }
        return b;
    }

    private static (Exception? Error, bool Hung) RunOnce(byte[] capture, string[] opts)
    {
        var args = new List<string> { "-#", "-n", "-r", "-" };
        args.AddRange(opts);
        Exception? error = null;
        using var cts = new CancellationTokenSource();
        var t = Task.Run(() =>
        {
            try
            {
                TcpdumpCommand.Run([.. args], Stream.Null, TextWriter.Null, () => new MemoryStream(capture), TimeZoneInfo.Utc, cts.Token);
            }
            catch (Exception ex) { error = ex; }
        });
        if (!t.Wait(TimeSpan.FromSeconds(10))) { cts.Cancel(); return (null, true); }
        return (error, false);
    }

    [Fact]
    public void MutatedCapturesNeverThrow()
    {
        var seeds = Seeds();
        int seed = int.TryParse(Environment.GetEnvironmentVariable("DUMPKIT_FUZZ_SEED"), out var sv) ? sv : 20261126;
        double secs = double.TryParse(Environment.GetEnvironmentVariable("DUMPKIT_FUZZ_SECONDS"),
            System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : 6;
        var r = new Random(seed);
        var sw = Stopwatch.StartNew();
        int runs = 0;
        var failures = new List<string>();
        while (sw.Elapsed < TimeSpan.FromSeconds(secs) && failures.Count < 5)
        {
            int si = r.Next(seeds.Count);
            var m = Mutate(r, seeds[si]);
            var opts = OptionSets[r.Next(OptionSets.Length)];
            var (err, hung) = RunOnce(m, opts);
            runs++;
            if (err != null || hung)
                failures.Add($"seed #{si} opts [{string.Join(' ', opts)}]: {(hung ? "hang" : err!.GetType().Name + ": " + err.Message)}" +
                    $"\n{Convert.ToHexString(m)}");
        }
        output.WriteLine($"{runs} mutated runs over {seeds.Count} seeds");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [Fact]
    public void UnmutatedSeedsNeverThrow()
    {
        foreach (var s in Samples.All())
            foreach (var o in OptionSets)
            {
                var (err, hung) = RunOnce(s, o);
                Assert.False(hung);
                Assert.Null(err);
            }
    }

    /// <summary>Crashes found by the fuzzer, kept as regression inputs (hex of the mutated capture, options).</summary>
    public static IEnumerable<object[]> Regressions() =>
    [
        // pcapng time stamp far beyond year 9999 (seed 7): DateTime overflow in the time stamp printer
        ["0A0D0D0A340000004D3C2B1A01000000FFFFFFFFFFFFFFFF04000D004564697463617020322E392E300000000000000034000000" +
            "010000001400000001000000FFFF000014000000060000007800000000000000FE8604160DC98EF4"
            + "560000005600000033330000000100212808F150"
            + "86DD6000000000003AFFFE80000000000000025A28FFFE08F1506E02000000000000000000000000004188000B2020800000FE80000000AAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                + "AAAAAAAAA000078000000", "-x -q"],
    ];

    [Theory]
    [MemberData(nameof(Regressions))]
    public void FuzzRegressionsDoNotThrow(string hex, string options)
    {
        var (err, hung) = RunOnce(Convert.FromHexString(hex), options.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(hung);
        Assert.Null(err);
    }
}
