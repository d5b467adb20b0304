// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kdump.Initrd;

namespace Dumpkit.Kdump.Tests.Initrd;

/// <summary>
/// dumpkit's own capture initramfs records what it was built from (IMAGE.stamp); test and status call it stale when
/// the configuration or the module tree changed since, and load builds it again (through "dumpkit kdump initrd", run
/// here in-process by the fake runner) before loading it. All in a throwaway root.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class InitrdStampTests
{
    private const string Kver = "6.1.0-56-amd64";

    private sealed record Setup(FakeSystem F, string Kmoddir, string Config, string Image, FakeRunner Runner);

    private static Setup Machine()
    {
        Skip.IfNot(File.Exists("/bin/busybox") && File.Exists("/usr/bin/true"), "busybox-static or /usr/bin/true missing");
        var f = new FakeSystem();
        f.WriteRoot("proc/self/mountinfo", "26 1 253:1 / / rw - ext4 /dev/vda1 rw\n");
        string kmod = Path.Combine(f.Root, "lib/modules", Kver);
        f.WriteRoot($"lib/modules/{Kver}/modules.dep", "kernel/drivers/block/virtio_blk.ko:\nkernel/fs/ext4/ext4.ko:\n");
        f.WriteRoot($"lib/modules/{Kver}/modules.alias", "alias fs-ext4 ext4\n");
        foreach (var m in new[] { "drivers/block/virtio_blk", "fs/ext4/ext4" })
            f.WriteRoot($"lib/modules/{Kver}/kernel/{m}.ko", "\x7F" + "ELF fake module " + m);
        string cfg = f.Config($"KDUMP_KERNEL={f.Kernel()}\nKDUMP_COREDIR=/var/crash\nKDUMP_TARGET=LABEL=dumps\nKDUMP_TARGET_FSTYPE=ext4\n" +
                              "KDUMP_MODULES=virtio_blk\n");
        string image = Path.Combine(f.Root, $"var/lib/dumpkit/initrd.img-{Kver}");
        var runner = new FakeRunner();
        // "dumpkit kdump ARGS…": the real initrd command, in-process, with busybox and a stand-in for the dumpkit binary
        runner.Handlers["dumpkit"] = args =>
        {
            var o = new StringWriter();
            var e = new StringWriter();
            var host = new Dumpkit.Kexec.KexecHost { Root = f.Root, Sys = f.Sys, Out = o, Err = e };
            int rc = InitrdCommand.Run(args.Skip(1).ToList(), host, "/usr/bin/true", "/bin/busybox");
            return new(rc, o.ToString(), e.ToString());
        };
        Assert.Equal(0, runner.Run("/fake/bin/dumpkit", ["kdump", "--config", cfg, "initrd", "-o", image, "--kmoddir", kmod, Kver]).ExitCode);
        return new(f, kmod, cfg, image, runner);
    }

    private static string Test(Setup s)
    {
        s.F.Err.GetStringBuilder().Clear();
        s.F.Kdump(s.Runner, "--root", s.F.Root, "--config", s.Config, "test");
        return s.F.Err.ToString();
    }

    [SkippableFact]
    public void TheStampNamesWhatTheImageWasBuiltFrom()
    {
        var s = Machine();
        using var _ = s.F;
        var stamp = InitrdStamp.Read(s.Image);
        Assert.NotNull(stamp);
        Assert.Equal((Kver, s.Config, s.Kmoddir), (stamp.Kver, stamp.ConfigPath, stamp.ModuleDir));
        Assert.Null(stamp.Change(stamp.Now(s.Config)));
        Assert.DoesNotContain("stale", Test(s));
    }

    [SkippableFact]
    public void AChangedConfigurationMakesItStaleAndLoadRebuildsIt()
    {
        var s = Machine();
        using var _ = s.F;
        File.AppendAllText(s.Config, "KDUMP_NUM_DUMPS=3\n");
        Assert.Contains($"kdump: {s.Image}: stale: {s.Config} changed since it was built: dumpkit kdump load rebuilds it", Test(s));

        int loadsBefore = s.F.Sys.Loads.Count;
        s.F.Out.GetStringBuilder().Clear();
        Assert.Equal(0, s.F.Kdump(s.Runner, "--root", s.F.Root, "--config", s.Config, "load"));
        Assert.Contains($"kdump: {s.Image}: {s.Config} changed since it was built: rebuilding it", s.F.Out.ToString());
        Assert.Contains($"dumpkit kdump --config {s.Config} initrd -o {s.Image} --kmoddir {s.Kmoddir} {Kver}", s.Runner.Calls);
        Assert.Equal(loadsBefore + 1, s.F.Sys.Loads.Count);
        // the new image carries the new configuration and is no longer stale
        Assert.Contains("KDUMP_NUM_DUMPS=3", CpioText(s.Image, "etc/default/dumpkit"));
        Assert.DoesNotContain("stale", Test(s));
    }

    [SkippableFact]
    public void AChangedModuleTreeMakesItStale()
    {
        var s = Machine();
        using var _ = s.F;
        File.AppendAllText(Path.Combine(s.Kmoddir, "kernel/fs/ext4/ext4.ko"), " rebuilt by dkms");
        Assert.Contains($"kdump: {s.Image}: stale: the module tree {s.Kmoddir} changed since it was built", Test(s));
    }

    [SkippableFact]
    public void LoadRefusesAStaleImageItCannotRebuild()
    {
        var s = Machine();
        using var _ = s.F;
        File.AppendAllText(s.Config, "KDUMP_NUM_DUMPS=3\n");
        s.Runner.Handlers["dumpkit"] = _ => new(1, "", "kdump: initrd: /bin/busybox: No such file or directory\n");
        int loadsBefore = s.F.Sys.Loads.Count;
        Assert.Equal(1, s.F.Kdump(s.Runner, "--root", s.F.Root, "--config", s.Config, "load"));
        Assert.Contains($"kdump: rebuilding {s.Image} failed (exit 1): kdump: initrd: /bin/busybox: No such file or directory: " +
                        "not loading a stale capture initramfs", s.F.Err.ToString());
        Assert.Equal(loadsBefore, s.F.Sys.Loads.Count);
    }

    /// <summary>The text of one member of a gzip-compressed newc image.</summary>
    private static string CpioText(string image, string name)
    {
        using var gz = new System.IO.Compression.GZipStream(File.OpenRead(image), System.IO.Compression.CompressionMode.Decompress);
        var raw = new MemoryStream();
        gz.CopyTo(raw);
        var entry = CpioReader.Read(raw.ToArray()).Single(e => e.Name == name);
        return System.Text.Encoding.UTF8.GetString(entry.Data);
    }
}
