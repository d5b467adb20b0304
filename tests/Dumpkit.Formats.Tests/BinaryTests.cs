// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.


namespace Dumpkit.Formats.Tests;

/// <summary>
/// The published NativeAOT binary (test.sh publishes it and sets DUMPKIT_BINARY): only libc and
/// libm, a multicall dispatcher, makedumpfile's exit codes through a link.
/// </summary>
public class BinaryTests
{
    private static string Binary()
    {
        var b = Environment.GetEnvironmentVariable("DUMPKIT_BINARY");
        Skip.If(string.IsNullOrEmpty(b) || !File.Exists(b), "DUMPKIT_BINARY not set (test.sh publishes the NativeAOT binary and sets it)");
        return b!;
    }

    [SkippableFact]
    public void NeedsOnlyLibcAndLibm()
    {
        var r = RealData.Run(RealData.Tool("/usr/bin/ldd"), [Binary()]);
        Assert.Equal(0, r.ExitCode);
        foreach (var line in r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var lib = line.Trim().Split(' ')[0];
            Assert.True(lib is "linux-vdso.so.1" or "libc.so.6" or "libm.so.6" || lib.Contains("ld-linux"), $"unexpected dependency: {line}");
        }
    }

    [SkippableFact]
    public void ALinkNamedMakedumpfileBehavesAsIt()
    {
        var bin = Binary();
        using var dir = new TempDir();
        var link = dir["makedumpfile"];
        File.CreateSymbolicLink(link, bin);
        var v = RealData.Run(link, ["-v"]);
        Assert.Equal(0, v.ExitCode);
        Assert.Contains("zstd\tenabled", v.Out);
        var vm = new SyntheticVmcore();
        var input = vm.WriteTo(dir.Path);
        var ok = RealData.Run(link, ["-c", "-d", "1", input, dir["out"]]);
        Assert.True(ok.ExitCode == 0, ok.Err);
        Assert.Contains("makedumpfile Completed.", ok.Out);
        if (!OperatingSystem.IsWindows()) // dumps hold all of memory: owner-only, as makedumpfile makes them
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir["out"]));
        var bad = RealData.Run(link, ["-d", "99", input, dir["out2"]]);
        Assert.Equal(1, bad.ExitCode);
        var sub = RealData.Run(bin, ["makedumpfile", "-v"]);
        Assert.Equal(0, sub.ExitCode);
        var help = RealData.Run(bin, ["--help"]);
        Assert.Contains("makedumpfile", help.Out);
        Assert.Contains("tcpdump", help.Out);
    }

    /// <summary>
    /// Peak memory does not grow with the dump: the same run on a 1 GiB and a 16 GiB vmcore
    /// (sparse files with the same 64 MiB of content, the rest zero pages) stays within the
    /// 64 MiB target, and 16 times the memory costs at most a few MiB more (the bitmap window,
    /// 2 bits a frame, which stops growing at the cycle size: --cyclic-buffer).
    /// </summary>
    [SkippableFact]
    public void PeakMemoryDoesNotGrowWithTheDump()
    {
        var bin = Binary();
        var time = RealData.Tool("/usr/bin/time");
        using var dir = new TempDir();
        static bool Dense(ulong pfn) => pfn < 16384 || pfn % 65536 == 7;
        (long RssKib, string Output) Run(ulong gib, params string[] extra)
        {
            var vm = new SyntheticVmcore();
            vm.Segments.Clear();
            vm.Segments.Add((0x100000, (gib << 30) - 0x100000, (gib << 30) - 0x100000));
            var input = vm.WriteSparse(dir.Path, $"vmcore-{gib}g", Dense);
            var output = dir[$"out-{gib}g-{extra.Length}"];
            var r = RealData.Run(time, ["-f", "%M", "-o", dir["rss"], bin, "makedumpfile", "-c", "-d", "1", .. extra, input, output],
                timeoutMs: 600_000);
            Assert.True(r.ExitCode == 0, r.Err);
            File.Delete(input);
            return (long.Parse(File.ReadAllText(dir["rss"]).Trim()), output);
        }
        var (small, smallOut) = Run(1);
        var (large, largeOut) = Run(16);
        Console.WriteLine($"peak RSS: 1 GiB {small} KiB, 16 GiB {large} KiB");
        Assert.True(small <= 64 << 10 && large <= 64 << 10, $"over 64 MiB: {small} / {large} KiB");
        Assert.True(large <= small + (8 << 10), $"16 GiB took {large} KiB against {small} KiB for 1 GiB");

        // And the output is right: content pages as they were, zero pages as the shared zero page.
        using var a = DumpReader.Open(smallOut);
        using var b = DumpReader.Open(largeOut);
        var page = new byte[SyntheticVmcore.PageSize];
        var expected = new byte[SyntheticVmcore.PageSize];
        foreach (ulong pfn in new ulong[] { 0x101, 0x1234, 16383, 65536 * 3 + 7, 65536 * 63 + 7, 65536 * 50 + 8 })
        {
            if (Dense(pfn)) SyntheticVmcore.FillPage(pfn, expected); else Array.Clear(expected);
            foreach (var d in pfn < a.MaxPfn ? new[] { a, b } : new[] { b })
            {
                d.ReadPage(pfn, page);
                Assert.True(page.AsSpan().SequenceEqual(expected), $"frame 0x{pfn:x} of {d.Path}");
            }
        }
    }
}
