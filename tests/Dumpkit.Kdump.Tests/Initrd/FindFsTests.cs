// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kdump.Initrd;

namespace Dumpkit.Kdump.Tests.Initrd;

/// <summary>
/// File systems made by the real mkfs tools in sparse image files, read by <see cref="FsSuperblock"/> and compared with
/// what util-linux's blkid (low-level probe, <c>blkid -p -o export</c>) says of the same image; and <see cref="FindFs"/>
/// finding them in a fake /proc/partitions and /dev by UUID and LABEL, as the capture initramfs does without udev.
/// </summary>
public class FindFsTests
{
    private const string Blkid = "/usr/sbin/blkid";

    /// <summary>Makes IMAGE of <paramref name="sizeMib"/> MiB with "mkfs.TYPE ARGS… IMAGE"; skips when that mkfs is missing.</summary>
    private static string Make(TempDir dir, string name, int sizeMib, string mkfs, params string[] args)
    {
        string tool = "/usr/sbin/" + mkfs;
        Skip.If(!File.Exists(tool) || !File.Exists(Blkid), $"{tool} or {Blkid} missing (scripts/test-deps.sh installs them)");
        string image = dir[name];
        using (var f = File.Create(image)) f.SetLength((long)sizeMib << 20);
        var r = RealData.Run(tool, [.. args, image]);
        Assert.True(r.ExitCode == 0, $"{mkfs}: {r.Err}");
        return image;
    }

    /// <summary>blkid's TYPE, UUID and LABEL of an image (null when it prints none).</summary>
    private static (string? Type, string? Uuid, string? Label) BlkidSays(string image)
    {
        var r = RealData.Run(Blkid, ["-p", "-o", "export", image]);
        Assert.True(r.ExitCode == 0, $"blkid: {r.Err}");
        var values = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0], kv => Unescape(kv[1]));
        return (values.GetValueOrDefault("TYPE"), values.GetValueOrDefault("UUID"), values.GetValueOrDefault("LABEL"));
    }

    /// <summary>blkid's export format quotes for the shell: a backslash before a space or other special character.</summary>
    private static string Unescape(string value)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < value.Length; i++)
            sb.Append(value[i] == '\\' && i + 1 < value.Length ? value[++i] : value[i]);
        return sb.ToString();
    }

    private static void SameAsBlkid(string image)
    {
        var (type, uuid, label) = BlkidSays(image);
        Assert.NotNull(type);
        var fs = FsSuperblock.Read(image);
        Assert.NotNull(fs);
        Assert.Equal((type, uuid, label), (fs.Type, fs.Uuid, fs.Label));
    }

    [SkippableTheory]
    [InlineData("mkfs.ext2", "ext2")]
    [InlineData("mkfs.ext3", "ext3")]
    [InlineData("mkfs.ext4", "ext4")]
    public void ExtSameAsBlkid(string mkfs, string label)
    {
        using var dir = new TempDir();
        SameAsBlkid(Make(dir, "img", 16, mkfs, "-q", "-F", "-L", label));
    }

    [SkippableFact]
    public void ExtWithoutLabelSameAsBlkid()
    {
        using var dir = new TempDir();
        SameAsBlkid(Make(dir, "img", 16, "mkfs.ext4", "-q", "-F"));
    }

    [SkippableFact]
    public void XfsSameAsBlkid()
    {
        using var dir = new TempDir();
        SameAsBlkid(Make(dir, "img", 320, "mkfs.xfs", "-q", "-L", "dumps-xfs"));
    }

    [SkippableFact]
    public void BtrfsSameAsBlkid()
    {
        using var dir = new TempDir();
        SameAsBlkid(Make(dir, "img", 160, "mkfs.btrfs", "-q", "-L", "dumps btrfs"));
    }

    [SkippableTheory]
    [InlineData("12", "FAT12LBL")]
    [InlineData("16", "FAT16 LABEL")]
    [InlineData("32", "DUMPS")]
    [InlineData("32", null)]
    public void VfatSameAsBlkid(string bits, string? label)
    {
        using var dir = new TempDir();
        string[] args = label is null ? ["-F", bits] : ["-F", bits, "-n", label];
        SameAsBlkid(Make(dir, "img", bits switch { "32" => 64, "16" => 32, _ => 8 }, "mkfs.vfat", args));
    }

    [SkippableFact]
    public void AnEmptyImageIsNoFileSystem()
    {
        using var dir = new TempDir();
        string image = dir["zero"];
        using (var f = File.Create(image)) f.SetLength(1 << 20);
        Assert.Null(FsSuperblock.Read(image));
    }

    /// <summary>
    /// A fake machine: /proc/partitions lists a disk and its partitions, /dev holds the images (no /dev/disk links).
    /// findfs picks the partition with that UUID or LABEL, as blkid reports them for the images, or says it cannot.
    /// </summary>
    [SkippableFact]
    public void FindsTheDeviceByUuidAndLabelWithoutUdev()
    {
        using var f = new FakeSystem();
        string dev = Path.Combine(f.Root, "dev");
        Directory.CreateDirectory(dev);
        using var dir = new TempDir();
        File.Move(Make(dir, "ext4", 16, "mkfs.ext4", "-q", "-F", "-L", "crash"), Path.Combine(dev, "vda1"));
        File.Move(Make(dir, "vfat", 8, "mkfs.vfat", "-n", "EFI"), Path.Combine(dev, "vda2"));
        using (var disk = File.Create(Path.Combine(dev, "vda"))) disk.SetLength(1 << 20);
        f.WriteRoot("proc/partitions", "major minor  #blocks  name\n\n 253        0   33554432 vda\n 253        1   16384 vda1\n"
            + " 253        2   8192 vda2\n 11        0    1048575 sr0\n");
        var ext4 = BlkidSays(Path.Combine(dev, "vda1"));
        var vfat = BlkidSays(Path.Combine(dev, "vda2"));

        Assert.Equal("/dev/vda1", FindFs.Find("UUID=" + ext4.Uuid, f.Host));
        Assert.Equal("/dev/vda1", FindFs.Find("UUID=" + ext4.Uuid!.ToUpperInvariant(), f.Host));
        Assert.Equal("/dev/vda1", FindFs.Find("LABEL=crash", f.Host));
        Assert.Equal("/dev/vda2", FindFs.Find("UUID=" + vfat.Uuid, f.Host));
        Assert.Equal("/dev/vda2", FindFs.Find("LABEL=" + vfat.Label, f.Host));
        Assert.Null(FindFs.Find("LABEL=Crash", f.Host));
        Assert.Null(FindFs.Find("UUID=00000000-0000-0000-0000-000000000000", f.Host));

        Assert.Equal(0, FindFs.Run(["findfs", "LABEL=crash"], f.Host));
        Assert.Equal("/dev/vda1\n", f.Out.ToString());
        Assert.Equal(1, FindFs.Run(["findfs", "LABEL=nothing"], f.Host));
        Assert.Equal("findfs: unable to resolve 'LABEL=nothing'\n", f.Err.ToString());
        Assert.Equal(2, FindFs.Run(["findfs", "/dev/vda1"], f.Host));
    }

    /// <summary>Partitions before the disks that hold them, /proc/partitions' order otherwise.</summary>
    [Fact]
    public void PartitionsComeBeforeTheirDisk()
    {
        using var f = new FakeSystem();
        f.WriteRoot("proc/partitions", "major minor  #blocks  name\n\n 259 0 1 nvme0n1\n 259 1 1 nvme0n1p1\n 8 0 1 sda\n"
            + " 8 1 1 sda1\n 8 16 1 sdb\n 179 0 1 mmcblk0\n 179 1 1 mmcblk0p2\n");
        Assert.Equal(["nvme0n1p1", "sda1", "sdb", "mmcblk0p2", "nvme0n1", "sda", "mmcblk0"], FindFs.BlockDevices(f.Host));
    }
}
