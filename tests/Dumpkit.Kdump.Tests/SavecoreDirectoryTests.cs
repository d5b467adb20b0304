// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kdump.Tests;

/// <summary>
/// The stamp directory is made by savecore itself (mkdir, 0700), never an existing one reused, and a core
/// directory other users can write to is refused unless it is sticky.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class SavecoreDirectoryTests
{
    private const string Stamp = "202611260830";

    private static (FakeSystem F, string Cfg, string Core) Setup()
    {
        var f = new FakeSystem();
        string core = f.Dir["crash"];
        Directory.CreateDirectory(core);
        new SyntheticVmcore().WriteTo(f.Root, "vmcore");
        var cfg = f.Dir["dumpkit.conf"];
        File.WriteAllText(cfg, $"KDUMP_COREDIR={core}\nKDUMP_VMCORE={f.Dir["vmcore"]}\nKDUMP_DUMP_DMESG=0\n");
        return (f, cfg, core);
    }

    [Fact]
    public void AnExistingEmptyStampDirectoryIsNotReused()
    {
        var (f, cfg, core) = Setup();
        using var _ = f;
        // planted before the crash: empty, with a link where the dump would go once it is "reused"
        string planted = Path.Combine(core, Stamp);
        Directory.CreateDirectory(planted);
        Assert.Equal(0, f.Kdump("--config", cfg, "savecore"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(planted));
        string made = Path.Combine(core, $"{Stamp}-2");
        Assert.True(File.Exists(Path.Combine(made, $"dump.{Stamp}")), f.Err.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(made) & ~(UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute));
    }

    [Fact]
    public void ALinkAtTheStampNameIsNotFollowed()
    {
        var (f, cfg, core) = Setup();
        using var _ = f;
        string elsewhere = f.Dir["elsewhere"];
        Directory.CreateDirectory(elsewhere);
        File.CreateSymbolicLink(Path.Combine(core, Stamp), elsewhere);
        Assert.Equal(0, f.Kdump("--config", cfg, "savecore"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
        Assert.True(File.Exists(Path.Combine(core, $"{Stamp}-2", $"dump.{Stamp}")));
    }

    [Fact]
    public void ACoreDirectoryOthersCanWriteToIsRefused()
    {
        var (f, cfg, core) = Setup();
        using var _ = f;
        File.SetUnixFileMode(core, (UnixFileMode)0x1ff); // 0777
        Assert.Equal(KdumpCommand.Failed, f.Kdump("--config", cfg, "savecore"));
        Assert.Contains($"kdump: {core} is writable by other users (mode 777)", f.Err.ToString());
        Assert.Empty(Directory.EnumerateFileSystemEntries(core));
    }

    [Fact]
    public void AStickyCoreDirectoryOthersCanWriteToGetsAWarning()
    {
        var (f, cfg, core) = Setup();
        using var _ = f;
        File.SetUnixFileMode(core, (UnixFileMode)0x3ff); // 1777, as /tmp
        Assert.Equal(0, f.Kdump("--config", cfg, "savecore"));
        Assert.Contains($"kdump: warning: {core} is writable by other users (mode 1777, sticky)", f.Err.ToString());
        Assert.True(File.Exists(Path.Combine(core, Stamp, $"dump.{Stamp}")));
    }
}
