// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Testing;

/// <summary>
/// An ext4 file system whose disk fails under writeback: a 64 MiB loop device backed by a sparse
/// file in a tmpfs of <c>backingSize</c>, so once more than that is written back, the device's
/// writes fail and fsync reports it. Page-cache writes (pwrite) still succeed before that.
/// Root only; skipped, saying why, where losetup or mkfs.ext4 cannot run.
/// </summary>
public sealed class FailingDisk : IDisposable
{
    private readonly SmallTmpfs _backing;
    private readonly string _loop;

    public string Path { get; }

    private FailingDisk(SmallTmpfs backing, string loop, string path) => (_backing, _loop, Path) = (backing, loop, path);

    public static FailingDisk Mount(TempDir dir, string backingSize)
    {
        var backing = SmallTmpfs.Mount(dir, backingSize);
        var image = System.IO.Path.Combine(backing.Path, "disk.img");
        using (var f = File.Create(image))
            f.SetLength(64 << 20);
        var loop = RealData.TryRun("losetup", "-f", "--show", image) is { ExitCode: 0 } r ? r.Out.Trim() : null;
        if (loop is null)
        {
            backing.Dispose();
            Skip.If(true, "losetup failed or is not installed (no loop devices here?)");
        }
        var mnt = Directory.CreateDirectory(dir["disk"]).FullName;
        if (RealData.TryRun("mkfs.ext4", "-q", "-E", "lazy_itable_init=1,lazy_journal_init=1", loop)?.ExitCode != 0
            || RealData.TryRun("mount", loop, mnt)?.ExitCode != 0)
        {
            RealData.TryRun("losetup", "-d", loop);
            backing.Dispose();
            Skip.If(true, "mkfs.ext4 (e2fsprogs) or the mount of a loop device failed");
        }
        return new FailingDisk(backing, loop, mnt);
    }

    public void Dispose()
    {
        RealData.TryRun("umount", Path);
        RealData.TryRun("losetup", "-d", _loop);
        _backing.Dispose();
    }
}
