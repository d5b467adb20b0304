// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kdump.Initrd;

namespace Dumpkit.Kdump.Tests.Initrd;

/// <summary>The dump target worked out from a fake /proc/self/mountinfo, /sys and /dev/disk laid out as a virtio
/// machine's are (links relative, as the kernel and udev make them).</summary>
public class DumpTargetTests
{
    private const string Uuid = "0b1c8a52-6d0f-4bd4-8a8e-3c1f0e2c6f11";

    private static FakeSystem Machine(string mountinfo)
    {
        var f = new FakeSystem();
        f.WriteRoot("proc/self/mountinfo", mountinfo);
        string pci = "sys/devices/pci0000:00/0000:00:04.0", part = pci + "/virtio1/block/vda/vda1";
        f.WriteRoot(part + "/dev", "253:1\n");
        f.WriteRoot("sys/bus/pci/drivers/virtio-pci/bind", "");
        f.WriteRoot("sys/bus/virtio/drivers/virtio_blk/bind", "");
        f.WriteRoot("sys/module/virtio_pci/refcnt", "1\n");
        f.WriteRoot("sys/module/virtio_blk/refcnt", "1\n");
        f.WriteRoot("dev/vda1", "");
        Link(f, "sys/bus/pci/drivers/virtio-pci/module", "../../../../module/virtio_pci");
        Link(f, "sys/bus/virtio/drivers/virtio_blk/module", "../../../../module/virtio_blk");
        Link(f, pci + "/driver", "../../../bus/pci/drivers/virtio-pci");
        Link(f, pci + "/virtio1/driver", "../../../../bus/virtio/drivers/virtio_blk");
        Link(f, "sys/dev/block/253:1", "../../devices/pci0000:00/0000:00:04.0/virtio1/block/vda/vda1");
        Link(f, "sys/class/block/vda1", "../../devices/pci0000:00/0000:00:04.0/virtio1/block/vda/vda1");
        Link(f, "dev/disk/by-uuid/" + Uuid, "../../vda1");
        Link(f, "dev/disk/by-label/dumps", "../../vda1");
        return f;
    }

    private static void Link(FakeSystem f, string rel, string target)
    {
        string p = Path.Combine(f.Root, rel);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        File.CreateSymbolicLink(p, target);
    }

    /// <summary>A driver built into the running kernel (no "module" link) is named by the driver's own name.</summary>
    [Fact]
    public void BuiltInDriverByItsName()
    {
        using var f = Machine(RootOnVda1);
        File.Delete(Path.Combine(f.Root, "sys/bus/pci/drivers/virtio-pci/module"));
        var t = DumpTarget.Resolve(KdumpConfig.Parse("KDUMP_COREDIR=/var/crash\n"), f.Host);
        Assert.Equal(["virtio_blk", "virtio_pci", "fs-ext4"], t.Modules);
    }

    private const string RootOnVda1 = """
        22 1 0:21 / /proc rw,nosuid - proc proc rw
        26 1 253:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro
        30 26 0:25 / /tmp rw - tmpfs tmpfs rw
        """;

    [Fact]
    public void CoreDirOnTheRootFileSystem()
    {
        using var f = Machine(RootOnVda1);
        var t = DumpTarget.Resolve(KdumpConfig.Parse("KDUMP_COREDIR=/var/crash\n"), f.Host);
        Assert.Equal("UUID=" + Uuid, t.Source);
        Assert.Equal("ext4", t.FsType);
        Assert.Equal("/mnt/target/var/crash", t.CoreDir);
        Assert.Equal(["virtio_blk", "virtio_pci", "fs-ext4"], t.Modules);
    }

    [Fact]
    public void CoreDirOnItsOwnMountAndABindMount()
    {
        using var f = Machine(RootOnVda1 + "\n40 26 253:1 /dumps /var/crash rw - xfs /dev/vda1 rw\n");
        var t = DumpTarget.Resolve(KdumpConfig.Parse("KDUMP_COREDIR=/var/crash/host1\n"), f.Host);
        Assert.Equal("xfs", t.FsType);
        Assert.Equal("/mnt/target/dumps/host1", t.CoreDir);
    }

    [Fact]
    public void TmpfsIsNotADumpTarget()
    {
        using var f = Machine(RootOnVda1);
        var e = Assert.Throws<DumpTargetException>(() => DumpTarget.Resolve(KdumpConfig.Parse("KDUMP_COREDIR=/tmp/crash\n"), f.Host));
        Assert.Contains("set KDUMP_TARGET", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExplicitTargetOnThisMachineAndElsewhere()
    {
        using var f = Machine(RootOnVda1);
        var here = DumpTarget.Resolve(KdumpConfig.Parse("KDUMP_TARGET=LABEL=dumps\nKDUMP_COREDIR=/crash\n"), f.Host);
        Assert.Equal(("LABEL=dumps", "ext4", "/mnt/target/crash"), (here.Source, here.FsType, here.CoreDir));
        Assert.Equal(["virtio_blk", "virtio_pci", "fs-ext4"], here.Modules);
        var elsewhere = DumpTarget.Resolve(KdumpConfig.Parse("KDUMP_TARGET=UUID=1234\nKDUMP_TARGET_FSTYPE=xfs\n"), f.Host);
        Assert.Equal([.. DumpTarget.CommonDiskDrivers, "fs-xfs"], elsewhere.Modules);
        Assert.Single(elsewhere.Notes);
        var e = Assert.Throws<DumpTargetException>(() => DumpTarget.Resolve(KdumpConfig.Parse("KDUMP_TARGET=UUID=1234\n"), f.Host));
        Assert.Contains("KDUMP_TARGET_FSTYPE", e.Message, StringComparison.Ordinal);
    }
}
