// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Testing;

/// <summary>
/// A real, small file system to fill: a tmpfs mounted below a test's temporary folder and
/// unmounted on dispose. Root only; the test is skipped, saying why, where it cannot be mounted.
/// </summary>
public sealed class SmallTmpfs : IDisposable
{
    public string Path { get; }

    private SmallTmpfs(string path) => Path = path;

    public static SmallTmpfs Mount(TempDir dir, string size)
    {
        Skip.IfNot(Environment.UserName == "root", "needs root to mount a small tmpfs");
        var mnt = Directory.CreateDirectory(dir["mnt"]).FullName;
        Skip.IfNot(RealData.TryRun("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", mnt)?.ExitCode == 0,
            "mount -t tmpfs failed (no mount permission here)");
        return new SmallTmpfs(mnt);
    }

    public void Dispose() => RealData.TryRun("umount", Path);
}
