// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kexec;

namespace Dumpkit.Kdump.Initrd;

/// <summary>
/// <c>dumpkit kdump findfs UUID=…|LABEL=…</c>: the block device holding that file system, found by reading the
/// superblock of every block device the kernel lists in /proc/partitions (else /sys/class/block) through its
/// /dev node — no udev, no /dev/disk/by-uuid, no blkid — and printed as busybox's findfs prints it.
/// The capture initramfs's /init calls it. Exit 0 found, 1 not found, 2 usage.
/// </summary>
public static class FindFs
{
    /// <summary>Whether the command word of a kdump command line is "findfs".</summary>
    public static bool IsFindFs(IReadOnlyList<string> args) => args.Count > 0 && args[0] == "findfs";

    public static int Run(IReadOnlyList<string> args, KexecHost host)
    {
        if (args.Count != 2 || !(args[1].StartsWith("UUID=", StringComparison.Ordinal) || args[1].StartsWith("LABEL=", StringComparison.Ordinal)))
        {
            host.Err.WriteLine("usage: kdump findfs UUID=uuid|LABEL=label");
            return KdumpCommand.Usage;
        }
        if (Find(args[1], host) is { } dev)
        {
            host.Out.WriteLine(dev);
            return KdumpCommand.Ok;
        }
        host.Err.WriteLine($"findfs: unable to resolve '{args[1]}'");
        return KdumpCommand.Failed;
    }

    /// <summary>The /dev path of the first block device whose file system has this UUID=… or LABEL=…, or null.</summary>
    public static string? Find(string spec, KexecHost host)
    {
        bool byUuid = spec.StartsWith("UUID=", StringComparison.Ordinal);
        string want = spec[(spec.IndexOf('=') + 1)..];
        foreach (var name in BlockDevices(host))
        {
            string dev = "/dev/" + name;
            FsSuperblock? fs;
            try { fs = FsSuperblock.Read(host.SystemPath(dev)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            if (fs is null) continue;
            bool match = byUuid ? string.Equals(fs.Uuid, want, StringComparison.OrdinalIgnoreCase) : fs.Label == want;
            if (match) return dev;
        }
        return null;
    }

    /// <summary>
    /// The kernel's block devices by name: /proc/partitions ("major minor #blocks name", a disk before its partitions),
    /// else the entries of /sys/class/block. A whole disk that has partitions comes after them, so that a partition
    /// wins over the disk that holds it.
    /// </summary>
    public static List<string> BlockDevices(KexecHost host)
    {
        var names = new List<string>();
        try
        {
            foreach (var line in File.ReadAllLines(host.SystemPath("/proc/partitions")))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length == 4 && int.TryParse(f[0], out _)) names.Add(f[3]);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        if (names.Count == 0)
        {
            string sys = host.SystemPath("/sys/class/block");
            if (Directory.Exists(sys))
                names.AddRange(Directory.GetFileSystemEntries(sys).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal));
        }
        // names.Where(other => other starts with the disk's name) are its partitions (sda1, nvme0n1p1, mmcblk0p1)
        var disks = names.Where(n => names.Any(o => o != n && o.StartsWith(n, StringComparison.Ordinal) && IsPartitionOf(o, n))).ToHashSet();
        return [.. names.Where(n => !disks.Contains(n)), .. names.Where(disks.Contains)];
    }

    private static bool IsPartitionOf(string part, string disk)
    {
        string rest = part[disk.Length..];
        if (rest.StartsWith('p')) rest = rest[1..];
        return rest.Length > 0 && rest.All(char.IsAsciiDigit) && (!char.IsAsciiDigit(disk[^1]) || part[disk.Length] == 'p');
    }
}
