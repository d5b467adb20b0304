using Dumpkit.Formats.Tests.Support;

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
}
