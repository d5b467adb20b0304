// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.


namespace Dumpkit.Kdump.Tests;

public class SavecoreTests
{
    private const string Stamp = "202611260830";

    private static (FakeSystem F, string Cfg, string Core) Setup(string extra = "", byte[]? vmcore = null)
    {
        var f = new FakeSystem();
        string core = f.Dir["crash"];
        if (vmcore is null)
            new SyntheticVmcore().WriteTo(f.Root, "vmcore");
        else
            File.WriteAllBytes(f.Dir["vmcore"], vmcore);
        var cfg = f.Dir["dumpkit.conf"];
        File.WriteAllText(cfg, $"KDUMP_COREDIR={core}\nKDUMP_VMCORE={f.Dir["vmcore"]}\n{extra}");
        return (f, cfg, core);
    }

    [Fact]
    public void SavesAKdumpCompressedDumpUnderTheStamp()
    {
        var (f, cfg, core) = Setup();
        using var _ = f;
        Assert.Equal(0, f.Kdump("--config", cfg, "savecore"));
        string dir = Path.Combine(core, Stamp);
        var files = Directory.GetFiles(dir).Select(Path.GetFileName).Order().ToArray();
        Assert.Contains($"dump.{Stamp}", files);
        Assert.DoesNotContain(files, n => n!.EndsWith("-incomplete", StringComparison.Ordinal) && n.StartsWith("dump", StringComparison.Ordinal));
        var head = File.ReadAllBytes(Path.Combine(dir, $"dump.{Stamp}"))[..8];
        Assert.Equal("KDUMP   "u8.ToArray(), head);
        Assert.Contains($"saved vmcore in {dir}", f.Out.ToString());
        Assert.Equal(1, f.Sys.Syncs);
    }

    [Fact]
    public void DumpIsReadableByMakedumpfile()
    {
        var (f, cfg, core) = Setup("MAKEDUMP_ARGS=\"-l -d 1\"\n");
        using var _ = f;
        Assert.Equal(0, f.Kdump("--config", cfg, "savecore"));
        string dump = Path.Combine(core, Stamp, $"dump.{Stamp}");
        // re-filter our own output: proves it is a complete kdump-compressed file
        var o = new StringWriter();
        int rc = Dumpkit.Makedumpfile.MakedumpfileCommand.Run(["-d", "0", dump, f.Dir["again"]], Stream.Null, Stream.Null, o, o);
        Assert.True(rc == 0, o.ToString());
    }

    [Fact]
    public void FlattenedOptionWritesAStream()
    {
        var (f, cfg, core) = Setup("MAKEDUMP_ARGS=\"-F -c -d 1\"\n");
        using var _ = f;
        Assert.Equal(0, f.Kdump("--config", cfg, "savecore"));
        var head = File.ReadAllBytes(Path.Combine(core, Stamp, $"dump.{Stamp}"))[..12];
        Assert.Equal("makedumpfile"u8.ToArray(), head);
    }

    [Fact]
    public void GarbageVmcoreFallsBackToARawCopy()
    {
        var garbage = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 31 + 7)).ToArray();
        var (f, cfg, core) = Setup(vmcore: garbage);
        using var _ = f;
        Assert.Equal(4, f.Kdump("--config", cfg, "savecore"));
        string dir = Path.Combine(core, Stamp);
        Assert.Equal(garbage, File.ReadAllBytes(Path.Combine(dir, $"vmcore.{Stamp}")));
        Assert.False(File.Exists(Path.Combine(dir, "vmcore-incomplete")));
        Assert.False(File.Exists(Path.Combine(dir, $"dump.{Stamp}")));
        Assert.Contains("falling back to copying", f.Err.ToString());
        Assert.Contains("dmesg content will be unavailable", f.Err.ToString());
        Assert.DoesNotContain("   at ", f.Err.ToString()); // no exception trace
    }

    [Fact]
    public void NoVmcoreMeansNotACaptureKernel()
    {
        using var f = new FakeSystem();
        var cfg = f.Dir["c.conf"];
        File.WriteAllText(cfg, $"KDUMP_COREDIR={f.Dir["crash"]}\n");
        Assert.Equal(3, f.Kdump("--config", cfg, "savecore")); // <root>/proc/vmcore does not exist
        Assert.Contains("proc/vmcore: no crash dump to save", f.Err.ToString());
        Assert.False(Directory.Exists(f.Dir["crash"]));
    }

    [Fact]
    public void VmcoreOption()
    {
        var (f, cfg, core) = Setup();
        using var _ = f;
        File.Move(f.Dir["vmcore"], f.Dir["other.elf"]);
        Assert.Equal(0, f.Kdump("--config", cfg, "--vmcore", f.Dir["other.elf"], "savecore"));
        Assert.True(File.Exists(Path.Combine(core, Stamp, $"dump.{Stamp}")));
    }

    [Fact]
    public void UnwritableCoreDirRunsTheFailureCommand()
    {
        var (f, cfg, core) = Setup("KDUMP_FAIL_CMD=\"echo failed > /dev/null\"\n");
        using var _ = f;
        File.WriteAllText(core, "a file where the directory should be");
        Assert.Equal(1, f.Kdump("--config", cfg, "savecore"));
        Assert.Contains("cannot create the dump directory", f.Err.ToString());
        Assert.Equal(["echo failed > /dev/null"], f.ShellCommands);
    }

    [Fact]
    public void SecondDumpInTheSameMinuteGetsItsOwnDirectory()
    {
        var (f, cfg, core) = Setup();
        using var _ = f;
        Assert.Equal(0, f.Kdump("--config", cfg, "savecore"));
        Assert.Equal(0, f.Kdump("--config", cfg, "savecore"));
        Assert.True(File.Exists(Path.Combine(core, Stamp, $"dump.{Stamp}")));
        Assert.True(File.Exists(Path.Combine(core, Stamp + "-2", $"dump.{Stamp}")));
    }

    [Fact]
    public void RotationKeepsTheNewestDumps()
    {
        var (f, cfg, core) = Setup("KDUMP_NUM_DUMPS=2\n");
        using var _ = f;
        foreach (var old in new[] { "202501010000", "202502010000", "202510010000" })
        {
            Directory.CreateDirectory(Path.Combine(core, old));
            File.WriteAllText(Path.Combine(core, old, "dump." + old), "x");
        }
        Directory.CreateDirectory(Path.Combine(core, "keep-me"));
        Assert.Equal(0, f.Kdump("--config", cfg, "savecore"));
        var left = Directory.GetDirectories(core).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["202510010000", Stamp, "keep-me"], left);
        Assert.Contains("purging", f.Out.ToString());
    }

    [Fact]
    public void NoRotationAfterAFailure()
    {
        var (f, cfg, core) = Setup("KDUMP_NUM_DUMPS=1\n");
        using var _ = f;
        Directory.CreateDirectory(Path.Combine(core, "202501010000"));
        File.Delete(f.Dir["vmcore"]);
        Assert.Equal(3, f.Kdump("--config", cfg, "savecore"));
        Assert.True(Directory.Exists(Path.Combine(core, "202501010000")));
    }

    [Fact]
    public void DmesgCanBeDisabled()
    {
        var garbage = new byte[5000];
        var (f, cfg, _) = Setup("KDUMP_DUMP_DMESG=0\n", garbage);
        using var __ = f;
        f.Kdump("--config", cfg, "savecore");
        Assert.DoesNotContain("--dump-dmesg", f.Out.ToString());
    }
}
