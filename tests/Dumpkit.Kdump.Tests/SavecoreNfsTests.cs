// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kdump.Tests;

/// <summary>
/// NFS=HOST:/EXPORT as kdump-tools' kdump-config handles it (its kdump_save_core): the export mounted on KDUMP_COREDIR with
/// nolock, tcp, soft, timeo=NFS_TIMEO (600) and retrans=NFS_RETRANS (3), NFS_MOUNT_RETRY (4) attempts 3 s apart, the dump in
/// KDUMP_COREDIR/STAMP, no rotation, the export unmounted. The mount(2) calls go to a recording fake here; the QEMU end-to-end
/// mode "nfs" (tests/e2e/kdump-e2e.sh) mounts a real export in a real capture kernel.
/// </summary>
public class SavecoreNfsTests
{
    private const string Stamp = "202611260830";
    private const int Econnrefused = 111, Eprotonosupport = 93, Eperm = 1, Enodev = 19, Ebusy = 16;

    private static (FakeSystem F, string Cfg, string Core) Setup(string extra = "")
    {
        var f = new FakeSystem();
        string core = f.Dir["mnt"];
        new SyntheticVmcore().WriteTo(f.Root, "vmcore");
        var cfg = f.Dir["dumpkit.conf"];
        File.WriteAllText(cfg, $"KDUMP_COREDIR={core}\nKDUMP_VMCORE={f.Dir["vmcore"]}\nNFS=10.0.2.2:/srv/crash\n{extra}");
        return (f, cfg, core);
    }

    [Fact]
    public void MountsTheExportOnTheCoreDirSavesUnderTheStampAndUnmounts()
    {
        var (f, cfg, core) = Setup();
        using var _ = f;
        var runner = new FakeRunner();
        Assert.Equal(0, f.Kdump(runner, "--config", cfg, "savecore"));
        Assert.Equal([$"10.0.2.2:/srv/crash {core} nfs4 vers=4.2,proto=tcp,nolock,soft,timeo=600,retrans=3,addr=10.0.2.2", $"umount {core}"],
            runner.Mounts);
        string dir = Path.Combine(core, Stamp);
        Assert.True(File.Exists(Path.Combine(dir, $"dump.{Stamp}")));
        string output = f.Out.ToString();
        Assert.Contains("kdump: Mounting NFS mountpoint 10.0.2.2:/srv/crash ...", output);
        Assert.Contains($"kdump: Dumping to NFS mountpoint 10.0.2.2:/srv/crash/{Stamp}", output);
        Assert.Empty(runner.Pauses);
    }

    [Fact]
    public void TimeoRetransFromTheConfigurationAndTheNextVersionWhenTheServerRefusesOne()
    {
        var (f, cfg, core) = Setup("NFS_TIMEO=100\nNFS_RETRANS=2\n");
        using var _ = f;
        var runner = new FakeRunner { MountResult = (type, options) => options.StartsWith("vers=4.0", StringComparison.Ordinal) ? 0 : Eprotonosupport };
        Assert.Equal(0, f.Kdump(runner, "--config", cfg, "savecore"));
        Assert.Equal(["vers=4.2", "vers=4.1", "vers=4.0"], runner.Mounts.SkipLast(1).Select(m => m.Split(' ')[3].Split(',')[0]));
        Assert.All(runner.Mounts.SkipLast(1), m => Assert.Contains(",timeo=100,retrans=2,", m));
        Assert.Contains("(NFSv4.0: vers=4.0,", f.Out.ToString());
        // NFSv3 last, as the file system type "nfs"
        var v3 = new FakeRunner { MountResult = (type, _) => type == "nfs" ? 0 : Eprotonosupport };
        Assert.Equal(0, f.Kdump(v3, "--config", cfg, "savecore"));
        Assert.EndsWith($" {core} nfs vers=3,proto=tcp,nolock,soft,timeo=100,retrans=2,addr=10.0.2.2", v3.Mounts[^2]);
    }

    [Fact]
    public void AnUnreachableServerIsTriedNfsMountRetryTimesThenTheFailureCommandRuns()
    {
        var (f, cfg, core) = Setup("NFS_MOUNT_RETRY=3\nKDUMP_FAIL_CMD=on-failure\n");
        using var _ = f;
        var runner = new FakeRunner { MountResult = (_, _) => Econnrefused };
        Assert.Equal(1, f.Kdump(runner, "--config", cfg, "savecore"));
        Assert.Equal(3, runner.Mounts.Count);
        Assert.Equal([TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3)], runner.Pauses);
        var err = f.Err.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"kdump: mount 10.0.2.2:/srv/crash on {core}: Connection refused; will try 2 more times", err[0]);
        Assert.Equal("kdump: Unable to mount remote NFS directory 10.0.2.2:/srv/crash. Cannot save core", err[3]);
        Assert.Equal(["on-failure"], f.ShellCommands);
        Assert.Empty(Directory.GetFileSystemEntries(core));
    }

    [Fact]
    public void NoRotationOnTheExportAndAFailedUnmountIsNamed()
    {
        var (f, cfg, core) = Setup("KDUMP_NUM_DUMPS=1\n");
        using var _ = f;
        Directory.CreateDirectory(Path.Combine(core, "202001010000"));
        var runner = new FakeRunner { UnmountResult = Ebusy };
        Assert.Equal(0, f.Kdump(runner, "--config", cfg, "savecore"));
        Assert.True(Directory.Exists(Path.Combine(core, "202001010000")));
        Assert.Contains($"kdump: Unable to cleanly unmount the NFS file system: umount {core}: Device or resource busy", f.Err.ToString());
    }

    [Theory]
    [InlineData("server", "NFS=server: expected HOSTNAME:MOUNTPOINT (e.g. remote:/var/crash)")]
    [InlineData("server:export", "NFS=server:export: expected HOSTNAME:MOUNTPOINT (e.g. remote:/var/crash)")]
    [InlineData(":/export", "NFS=:/export: expected HOSTNAME:MOUNTPOINT (e.g. remote:/var/crash)")]
    [InlineData("10.0.2.2:/x\nNFS_TIMEO=soon", "NFS_TIMEO=soon: not a number of at least 1")]
    [InlineData("10.0.2.2:/x\nNFS_MOUNT_RETRY=0", "NFS_MOUNT_RETRY=0: not a number of at least 1")]
    public void ABadValueIsNamedBySavecoreAndTest(string value, string problem)
    {
        using var f = new FakeSystem();
        new SyntheticVmcore().WriteTo(f.Root, "vmcore");
        var cfg = f.Config($"KDUMP_KERNEL={f.Kernel()}\nKDUMP_COREDIR={f.Dir["mnt"]}\nKDUMP_VMCORE={f.Dir["vmcore"]}\nNFS={value}\n");
        var runner = new FakeRunner();
        Assert.Equal(1, f.Kdump(runner, "--config", cfg, "savecore"));
        Assert.StartsWith($"kdump: {problem}\n", f.Err.ToString());
        Assert.Empty(runner.Mounts);
        Assert.Equal(1, f.Kdump(runner, "--config", cfg, "test"));
        Assert.Contains(problem, f.Err.ToString());
    }

    [Fact]
    public void ShowNamesTheExportAndItsMountSettings()
    {
        var (f, cfg, core) = Setup("NFS_RETRANS=5\n");
        using var _ = f;
        Assert.Equal(0, f.Kdump("--config", cfg, "show"));
        Assert.Contains($"NFS             : 10.0.2.2:/srv/crash (mounted on {core})\nNFS_TIMEO       : 600\nNFS_RETRANS     : 5\n" +
            "NFS_MOUNT_RETRY : 4\n", f.Out.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void IPv6ServersInBrackets()
    {
        var t = NfsTarget.FromConfig(KdumpConfig.Parse("NFS=[fd00::2]:/srv/crash\n"), out var problem);
        Assert.Null(problem);
        Assert.Equal(("fd00::2", "/srv/crash", "[fd00::2]:/srv/crash"), (t!.Server, t.Export, t.Spec));
        Assert.Equal("vers=4.2,proto=tcp6,nolock,soft,timeo=600,retrans=3,addr=fd00::2", t.Options("fd00::2", "4.2"));
    }

    [Fact]
    public void SshAndNfsTogetherAreRefused()
    {
        var (f, cfg, _) = Setup("SSH=user@host\n");
        using var __ = f;
        var runner = new FakeRunner();
        Assert.Equal(1, f.Kdump(runner, "--config", cfg, "savecore"));
        Assert.Contains("SSH=user@host and NFS=10.0.2.2:/srv/crash: set one of them", f.Err.ToString());
        Assert.Empty(runner.Mounts);
    }

    /// <summary>test and status mount the export once on a temporary directory and read its room; where this machine cannot
    /// mount it (not root, no NFS client) they say what they could not check; a server that refuses is a problem.</summary>
    [Theory]
    [InlineData(0, 0, "10.0.2.2:/srv/crash (NFSv4.2): ")]
    [InlineData(Eperm, 0, "10.0.2.2:/srv/crash: not checked: mount: Operation not permitted (mounting needs root)")]
    [InlineData(Enodev, 0, "10.0.2.2:/srv/crash: not checked: mount: No such device (no NFS client in the running kernel)")]
    [InlineData(Econnrefused, 1, "NFS=10.0.2.2:/srv/crash: the export cannot be mounted: Connection refused")]
    public void TestMountsTheExportOnceToCheckIt(int errno, int rc, string detail)
    {
        using var f = new FakeSystem(crashSize: 256L << 20);
        f.Machine(400, 1);
        var cfg = f.Config($"KDUMP_KERNEL={f.Kernel()}\nKDUMP_COREDIR=/var/crash\nNFS=10.0.2.2:/srv/crash\n");
        var runner = new FakeRunner { MountResult = (_, _) => errno };
        Assert.Equal(rc, f.Kdump(runner, "--config", cfg, "test"));
        Assert.Contains(detail, f.Out.ToString() + f.Err.ToString());
        Assert.All(runner.Mounts.Where(m => !m.StartsWith("umount ", StringComparison.Ordinal)),
            m => Assert.EndsWith(",timeo=50,retrans=1,addr=10.0.2.2", m));
        string mountPoint = runner.Mounts[0].Split(' ')[1];
        Assert.Equal(errno == 0 ? [$"umount {mountPoint}"] : [], runner.Mounts.Skip(1));
        Assert.False(Directory.Exists(mountPoint));
    }
}
