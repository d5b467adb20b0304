// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.IO.Compression;
using Dumpkit.Kdump.Initrd;

namespace Dumpkit.Kdump.Tests.Initrd;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class InitrdCommandTests
{
    private const string Kver = "6.1.0-56-amd64";

    /// <summary>A fake system whose module tree has virtio and ext4 (tiny fake .ko files) and whose / is on a virtio disk.</summary>
    private static (FakeSystem F, string Kmoddir) Machine()
    {
        var f = new FakeSystem();
        f.WriteRoot("proc/self/mountinfo", "26 1 253:1 / / rw - ext4 /dev/vda1 rw\n");
        string kmod = Path.Combine(f.Root, "lib/modules", Kver);
        f.WriteRoot($"lib/modules/{Kver}/modules.dep",
            "kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio_ring.ko\nkernel/drivers/virtio/virtio_ring.ko:\n" +
            "kernel/fs/ext4/ext4.ko: kernel/fs/jbd2/jbd2.ko\nkernel/fs/jbd2/jbd2.ko:\n");
        f.WriteRoot($"lib/modules/{Kver}/modules.alias", "alias fs-ext4 ext4\n");
        foreach (var m in new[] { "drivers/block/virtio_blk", "drivers/virtio/virtio_ring", "fs/ext4/ext4", "fs/jbd2/jbd2" })
            f.WriteRoot($"lib/modules/{Kver}/kernel/{m}.ko", "\x7F" + "ELF fake module " + m);
        return (f, kmod);
    }

    private static string Conf(FakeSystem f, string name, string text) => f.MakeFile(name, System.Text.Encoding.UTF8.GetBytes(text));

    private static int Initrd(FakeSystem f, params string[] args) => InitrdCommand.Run(args, f.Host, "/usr/bin/true", "/bin/busybox");

    private static List<string> Members(byte[] image)
    {
        using var gz = new GZipStream(new MemoryStream(image), CompressionMode.Decompress);
        var raw = new MemoryStream();
        gz.CopyTo(raw);
        return CpioReader.Read(raw.ToArray()).Select(e => e.Name).ToList();
    }

    [SkippableFact]
    public void BuildsTheImageDeterministicallyOwnerOnly()
    {
        Skip.IfNot(File.Exists("/bin/busybox") && File.Exists("/usr/bin/true"), "busybox-static or /usr/bin/true missing");
        var (f, kmod) = Machine();
        using var _ = f;
        string cfg = Conf(f, "dumpkit.conf", "KDUMP_COREDIR=/var/crash\nKDUMP_TARGET=LABEL=dumps\nKDUMP_TARGET_FSTYPE=ext4\nKDUMP_MODULES=virtio_blk\n");
        string out1 = f.Dir["out/initrd.img"], out2 = f.Dir["initrd2.img"];
        Assert.Equal(0, Initrd(f, "--config", cfg, "initrd", "-o", out1, "--kmoddir", kmod, Kver));
        Assert.Equal(out1, f.Out.ToString().Trim());
        Assert.Equal(0, Initrd(f, "--config", cfg, "initrd", "-o", out2, "--kmoddir", kmod, Kver));
        Assert.Equal(File.ReadAllBytes(out1), File.ReadAllBytes(out2));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(out1));
        var names = Members(File.ReadAllBytes(out1));
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        foreach (var n in new[] { "init", "bin/busybox", "usr/bin/dumpkit", "usr/bin/makedumpfile", "usr/sbin/kexec", "etc/default/dumpkit",
                     "dev/console", $"lib/modules/{Kver}/kernel/fs/ext4/ext4.ko", $"lib/modules/{Kver}/kernel/fs/jbd2/jbd2.ko",
                     $"lib/modules/{Kver}/kernel/drivers/block/virtio_blk.ko", $"lib/modules/{Kver}/dumpkit.load" })
            Assert.Contains(n, names);
        Assert.Contains(names, n => n.EndsWith("/libc.so.6", StringComparison.Ordinal));
        // the gzip layer is one any gzip reads: the system's gunzip gives the same archive
        var gunzip = RealData.TryRun("/usr/bin/gzip", "-t", out1);
        if (gunzip is not null) Assert.Equal(0, gunzip.ExitCode);
    }

    /// <summary>-o naming a device, FIFO or socket is refused and the node stays (-o /dev/full once replaced the device
    /// with a regular file: the image was renamed over it).</summary>
    [SkippableFact]
    public void RefusesAnOutputThatIsNotARegularFile()
    {
        Skip.IfNot(File.Exists("/bin/busybox") && File.Exists("/usr/bin/mkfifo"), "busybox-static or mkfifo missing");
        var (f, kmod) = Machine();
        using var _ = f;
        string fifo = f.Dir["fifo.img"];
        Assert.Equal(0, RealData.Run("/usr/bin/mkfifo", [fifo]).ExitCode);
        string cfg = Conf(f, "dumpkit.conf", "KDUMP_TARGET=LABEL=dumps\nKDUMP_TARGET_FSTYPE=ext4\n");
        Assert.Equal(1, Initrd(f, "--config", cfg, "initrd", "-o", fifo, "--kmoddir", kmod, Kver));
        Assert.Contains("not a regular file", f.Err.ToString(), StringComparison.Ordinal);
        Assert.True((File.GetAttributes(fifo) & FileAttributes.Directory) == 0 && new FileInfo(fifo).Length == 0);
        Assert.Equal(0, RealData.Run("/usr/bin/test", ["-p", fifo]).ExitCode);
    }

    [Fact]
    public void RefusesSymlinkOutputAndUnsupportedTargets()
    {
        var (f, kmod) = Machine();
        using var _ = f;
        string victim = f.MakeFile("victim", [1]);
        string link = f.Dir["link.img"];
        File.CreateSymbolicLink(link, victim);
        string cfg = Conf(f, "dumpkit.conf", "KDUMP_TARGET=LABEL=dumps\nKDUMP_TARGET_FSTYPE=ext4\n");
        Assert.Equal(1, Initrd(f, "--config", cfg, "initrd", "-o", link, "--kmoddir", kmod, Kver));
        Assert.Equal([1], File.ReadAllBytes(victim));
        Assert.Contains("symbolic link", f.Err.ToString(), StringComparison.Ordinal);
        string ssh = Conf(f, "ssh.conf", "SSH=user@server\n");
        Assert.Equal(1, Initrd(f, "--config", ssh, "initrd", "-o", f.Dir["x.img"], "--kmoddir", kmod, Kver));
        Assert.Contains("SSH=user@server", f.Err.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(f.Dir["x.img"]));
        string nfs = Conf(f, "nfs.conf", "NFS=server\n");
        Assert.Equal(1, Initrd(f, "--config", nfs, "initrd", "-o", f.Dir["x.img"], "--kmoddir", kmod, Kver));
        Assert.Contains("kdump: initrd: NFS=server: expected HOSTNAME:MOUNTPOINT", f.Err.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(f.Dir["x.img"]));
        Assert.Equal(2, Initrd(f, "initrd", "a", "b"));
        Assert.Equal(1, Initrd(f, "--config", cfg, "initrd", "-o", f.Dir["y.img"], "--kmoddir", f.Dir["nowhere"], Kver));
        Assert.Contains("modules.dep: No such file or directory", f.Err.ToString(), StringComparison.Ordinal);
    }

    /// <summary>An NFS target: this machine's network card driver (from /sys/class/net), the common ones, the NFS client with what
    /// modules.dep says it needs, the DHCP script, and savecore's KDUMP_COREDIR the mount point it mounts the export on.</summary>
    [SkippableFact]
    public void NfsTargetGetsTheNetworkAndNfsModules()
    {
        Skip.IfNot(File.Exists("/bin/busybox") && File.Exists("/usr/bin/true"), "busybox-static or /usr/bin/true missing");
        var (f, kmod) = Machine();
        using var _ = f;
        var mods = new[] { "drivers/net/virtio_net", "drivers/net/net_failover", "drivers/net/ethernet/intel/e1000/e1000",
            "drivers/net/ethernet/intel/e1000e/e1000e", "drivers/net/ethernet/realtek/r8169", "fs/nfs/nfs", "fs/nfs/nfsv3", "fs/nfs/nfsv4",
            "net/sunrpc/sunrpc", "fs/lockd/lockd" };
        File.AppendAllText(Path.Combine(kmod, "modules.dep"),
            "kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko\nkernel/drivers/net/net_failover.ko:\n" +
            "kernel/drivers/net/ethernet/intel/e1000/e1000.ko:\nkernel/drivers/net/ethernet/intel/e1000e/e1000e.ko:\n" +
            "kernel/drivers/net/ethernet/realtek/r8169.ko:\nkernel/net/sunrpc/sunrpc.ko:\n" +
            "kernel/fs/lockd/lockd.ko: kernel/net/sunrpc/sunrpc.ko\nkernel/fs/nfs/nfs.ko: kernel/fs/lockd/lockd.ko kernel/net/sunrpc/sunrpc.ko\n" +
            "kernel/fs/nfs/nfsv3.ko: kernel/fs/nfs/nfs.ko kernel/fs/lockd/lockd.ko kernel/net/sunrpc/sunrpc.ko\n" +
            "kernel/fs/nfs/nfsv4.ko: kernel/fs/nfs/nfs.ko kernel/fs/lockd/lockd.ko kernel/net/sunrpc/sunrpc.ko\n");
        foreach (var m in mods)
            f.WriteRoot($"lib/modules/{Kver}/kernel/{m}.ko", "\x7F" + "ELF fake module " + m);
        // this machine's card: a Realtek one on PCI, its driver a module
        string pci = "sys/devices/pci0000:00/0000:00:03.0";
        f.WriteRoot(pci + "/net/enp0s3/address", "52:54:00:12:34:56\n");
        f.WriteRoot("sys/bus/pci/drivers/r8169/bind", "");
        f.WriteRoot("sys/module/r8169/refcnt", "1\n");
        File.CreateSymbolicLink(Path.Combine(f.Root, "sys/bus/pci/drivers/r8169/module"), "../../../../module/r8169");
        File.CreateSymbolicLink(Path.Combine(f.Root, pci, "driver"), "../../../bus/pci/drivers/r8169");
        Directory.CreateDirectory(Path.Combine(f.Root, "sys/class/net"));
        File.CreateSymbolicLink(Path.Combine(f.Root, "sys/class/net/enp0s3"), "../../devices/pci0000:00/0000:00:03.0/net/enp0s3");
        File.CreateSymbolicLink(Path.Combine(f.Root, pci, "net/enp0s3/device"), "../../../0000:00:03.0");
        string cfg = Conf(f, "dumpkit.conf", "NFS=server:/srv/crash\nNFS_TIMEO=100\n");
        string img = f.Dir["nfs.img"];
        Assert.Equal(0, Initrd(f, "--config", cfg, "initrd", "-o", img, "--kmoddir", kmod, Kver));
        using var gz = new GZipStream(new MemoryStream(File.ReadAllBytes(img)), CompressionMode.Decompress);
        var raw = new MemoryStream();
        gz.CopyTo(raw);
        var entries = CpioReader.Read(raw.ToArray());
        string Text(string name) => System.Text.Encoding.UTF8.GetString(entries.Single(e => e.Name == name).Data);
        var load = Text($"lib/modules/{Kver}/dumpkit.load").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["kernel/drivers/net/ethernet/realtek/r8169.ko", "kernel/drivers/net/net_failover.ko", "kernel/drivers/net/virtio_net.ko",
            "kernel/drivers/net/ethernet/intel/e1000/e1000.ko", "kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko", "kernel/net/sunrpc/sunrpc.ko",
            "kernel/fs/lockd/lockd.ko", "kernel/fs/nfs/nfs.ko", "kernel/fs/nfs/nfsv4.ko", "kernel/fs/nfs/nfsv3.ko"], load);
        Assert.StartsWith("NFS=server:/srv/crash\nNFS_TIMEO=100\n", Text("etc/default/dumpkit"));
        Assert.EndsWith("\nKDUMP_COREDIR='/mnt/target'\n", Text("etc/default/dumpkit"));
        Assert.Contains("FSTYPE='nfs'\n", Text("etc/dumpkit/initrd.sh"));
        Assert.Contains("udhcpc -i", Text("init"));
        Assert.StartsWith("#!/bin/sh\n", Text("etc/dumpkit/udhcpc.sh"));
        // virtio_pci is neither a module nor built in in this fake tree: named, left out
        Assert.Contains("module virtio_pci is not in", f.Err.ToString());
    }

    /// <summary>A KDUMP_S3 target: the network card drivers without the NFS client, the DHCP script, /init bringing the network up
    /// for savecore's upload, and a copy of the credentials file, mode 0600, that the image's configuration points at.</summary>
    [SkippableFact]
    public void S3TargetGetsTheNetworkAndTheCredentials()
    {
        Skip.IfNot(File.Exists("/bin/busybox") && File.Exists("/usr/bin/true"), "busybox-static or /usr/bin/true missing");
        var (f, kmod) = Machine();
        using var _ = f;
        File.AppendAllText(Path.Combine(kmod, "modules.dep"), "kernel/drivers/net/virtio_net.ko:\nkernel/fs/nfs/nfsv4.ko:\n");
        foreach (var m in new[] { "drivers/net/virtio_net", "fs/nfs/nfsv4" })
            f.WriteRoot($"lib/modules/{Kver}/kernel/{m}.ko", "\x7F" + "ELF fake module " + m);
        string creds = f.MakeFile("s3-credentials", System.Text.Encoding.UTF8.GetBytes("[default]\naws_access_key_id = AK\naws_secret_access_key = SK\n"));
        File.SetUnixFileMode(creds, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        string cfg = Conf(f, "dumpkit.conf", $"KDUMP_S3=http://10.0.2.2:7480/dumps/site\nKDUMP_S3_CREDENTIALS={creds}\n");
        string img = f.Dir["s3.img"];
        Assert.Equal(0, Initrd(f, "--config", cfg, "initrd", "-o", img, "--kmoddir", kmod, Kver));
        using var gz = new GZipStream(new MemoryStream(File.ReadAllBytes(img)), CompressionMode.Decompress);
        var raw = new MemoryStream();
        gz.CopyTo(raw);
        var entries = CpioReader.Read(raw.ToArray());
        var copy = entries.Single(e => e.Name == "etc/dumpkit/s3-credentials");
        Assert.Equal(File.ReadAllBytes(creds), copy.Data);
        Assert.Equal(0x8180u, copy.Mode);
        string Text(string name) => System.Text.Encoding.UTF8.GetString(entries.Single(e => e.Name == name).Data);
        // the image's configuration: the file's, then the copy's path (a later assignment wins, as in sh and KdumpConfig)
        var inImage = KdumpConfig.Parse(Text("etc/default/dumpkit"));
        Assert.Equal("/etc/dumpkit/s3-credentials", inImage.Get("KDUMP_S3_CREDENTIALS"));
        Assert.Equal("http://10.0.2.2:7480/dumps/site", inImage.Get("KDUMP_S3"));
        Assert.Contains("FSTYPE='s3'\n", Text("etc/dumpkit/initrd.sh"));
        Assert.Contains("TARGET='http://10.0.2.2:7480/dumps/site'\n", Text("etc/dumpkit/initrd.sh"));
        Assert.Contains("udhcpc -i", Text("init"));
        Assert.StartsWith("#!/bin/sh\n", Text("etc/dumpkit/udhcpc.sh"));
        var load = Text($"lib/modules/{Kver}/dumpkit.load");
        Assert.Contains("virtio_net.ko", load);
        Assert.DoesNotContain("nfs", load);
        // the stamp records the credentials: a rotated key makes the image stale (load rebuilds it, status says so)
        var stamp = InitrdStamp.Read(img)!;
        Assert.Null(stamp.Change(stamp.Now(cfg)));
        File.WriteAllText(creds, "[default]\naws_access_key_id = AK2\naws_secret_access_key = SK2\n");
        Assert.Equal($"the key {creds} changed", stamp.Change(stamp.Now(cfg)));
        // nothing said but the drivers this fake module tree lacks (e1000, virtio_pci, …)
        Assert.All(f.Err.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.EndsWith("(neither a module nor built in): left out", l));
    }

    /// <summary>Credentials savecore would refuse are refused when the image is built, naming the file; so is a second target.</summary>
    [Fact]
    public void S3TargetWithUnsafeCredentialsOrASecondTargetIsRefused()
    {
        var (f, kmod) = Machine();
        using var _ = f;
        string creds = f.MakeFile("s3-credentials", System.Text.Encoding.UTF8.GetBytes("aws_access_key_id = AK\naws_secret_access_key = SK\n"));
        File.SetUnixFileMode(creds, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        string cfg = Conf(f, "dumpkit.conf", $"KDUMP_S3=http://10.0.2.2:7480/dumps\nKDUMP_S3_CREDENTIALS={creds}\n");
        Assert.Equal(1, Initrd(f, "--config", cfg, "initrd", "-o", f.Dir["x.img"], "--kmoddir", kmod, Kver));
        Assert.Equal($"kdump: initrd: KDUMP_S3_CREDENTIALS: {creds}: mode 604 lets others read it: refusing the credentials (chmod 600 it)\n",
            f.Err.ToString());
        Assert.False(File.Exists(f.Dir["x.img"]));
        f.Err.GetStringBuilder().Clear();
        string both = Conf(f, "both.conf", $"KDUMP_S3=http://10.0.2.2:7480/dumps\nNFS=server:/srv/crash\n");
        Assert.Equal(1, Initrd(f, "--config", both, "initrd", "-o", f.Dir["x.img"], "--kmoddir", kmod, Kver));
        Assert.Contains("kdump: initrd: NFS=server:/srv/crash and KDUMP_S3=http://10.0.2.2:7480/dumps: set one of them", f.Err.ToString());
        Assert.False(File.Exists(f.Dir["x.img"]));
    }

    [Fact]
    public void DispatchedFromKdump()
    {
        Assert.True(InitrdCommand.IsInitrd(["--config", "/x", "initrd", "-o", "y"]));
        Assert.False(InitrdCommand.IsInitrd(["--config", "initrd", "show"]));
        Assert.False(InitrdCommand.IsInitrd(["show"]));
    }
}
