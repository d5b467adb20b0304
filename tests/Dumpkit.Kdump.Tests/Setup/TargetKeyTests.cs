// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kdump.Tests.Setup;

/// <summary>A target's own key (KDUMP_S3_CREDENTIALS, SSH_KEY, NFS_TIMEO, …) set without its target is named, never ignored silently:
/// a problem for test and status, a warning for the other commands (savecore still saves the dump where the configuration says).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class TargetKeyTests
{
    private const string S3Keys = "KDUMP_S3_CREDENTIALS=/etc/dumpkit/s3\nKDUMP_S3_REGION=eu-west-1\nKDUMP_S3_PART_SIZE=16\n";

    private static string Config(FakeSystem f, string more) =>
        f.Config($"KDUMP_KERNEL={f.Kernel()}\nKDUMP_INITRD={f.Initrd()}\nKDUMP_COREDIR={f.Dir["crash"]}\n{more}");

    [Fact]
    public void S3KeysWithoutKdumpS3AreProblemsOfTest()
    {
        using var f = new FakeSystem(crashSize: 256L << 20);
        f.Machine(400, 1);
        Assert.Equal(1, f.Kdump("--config", Config(f, S3Keys), "test"));
        string err = f.Err.ToString();
        foreach (var kv in new[] { "KDUMP_S3_CREDENTIALS=/etc/dumpkit/s3", "KDUMP_S3_REGION=eu-west-1", "KDUMP_S3_PART_SIZE=16" })
        {
            string key = kv[..kv.IndexOf('=')];
            Assert.Contains($"{kv}: set without KDUMP_S3, so nothing uses it (set KDUMP_S3 or remove {key})", err);
            // named once, as a problem, not a second time as a warning
            Assert.Single(err.Split('\n'), l => l.Contains(kv, StringComparison.Ordinal));
        }
        Assert.DoesNotContain("warning", err);
        Assert.Contains("kdump test: 1 problem(s)", f.Out.ToString());
    }

    [Fact]
    public void StatusSaysTheConfigurationHasAProblem()
    {
        using var f = new FakeSystem(crashSize: 256L << 20);
        f.Machine(400, 1);
        f.SetSys("kernel/kexec_crash_loaded", "1");
        Assert.Equal(1, f.Kdump("--config", Config(f, "KDUMP_S3_REGION=eu-west-1\n"), "status"));
        Assert.Contains("PROBLEM configuration     : KDUMP_S3_REGION=eu-west-1: set without KDUMP_S3", f.Out.ToString());
        Assert.Equal("", f.Err.ToString());
    }

    [Fact]
    public void SavecoreWarnsAndSavesTheDumpLocally()
    {
        using var f = new FakeSystem();
        string core = f.Dir["crash"];
        Directory.CreateDirectory(core);
        new SyntheticVmcore().WriteTo(f.Root, "vmcore");
        var cfg = f.Config($"KDUMP_COREDIR={core}\nKDUMP_VMCORE={f.Dir["vmcore"]}\nKDUMP_DUMP_DMESG=0\nKDUMP_S3_CREDENTIALS=/etc/dumpkit/s3\n");
        Assert.Equal(0, f.Kdump("--config", cfg, "savecore"));
        Assert.StartsWith("kdump: warning: KDUMP_S3_CREDENTIALS=/etc/dumpkit/s3: set without KDUMP_S3, so nothing uses it", f.Err.ToString());
        Assert.Single(Directory.GetFiles(core, "dump.*", SearchOption.AllDirectories));
    }

    [Fact]
    public void SetWithItsTargetNothingIsSaid()
    {
        var withTargets = KdumpConfig.Parse("KDUMP_S3=http://h/dumps\n" + S3Keys);
        Assert.Empty(KdumpKeys.Orphans(withTargets));
        var ssh = KdumpConfig.Parse("SSH=a@b\nSSH_KEY=/k\nKDUMP_SSH_COMMAND=ssh\n");
        Assert.Empty(KdumpKeys.Orphans(ssh));
        // an empty value sets nothing, as in kdump-tools' shell
        Assert.Empty(KdumpKeys.Orphans(KdumpConfig.Parse("KDUMP_S3_REGION=\nNFS_TIMEO=''\n")));
        var orphans = KdumpKeys.Orphans(KdumpConfig.Parse("SSH_KEY=/k\nNFS_RETRANS=2\nKDUMP_S3_PART_SIZE=8\n"));
        Assert.Equal(["SSH_KEY=/k: set without SSH", "NFS_RETRANS=2: set without NFS", "KDUMP_S3_PART_SIZE=8: set without KDUMP_S3"],
            orphans.Select(o => o[..o.IndexOf(',')]));
    }

    [Fact]
    public void EveryTargetKeyNamesAnHonouredTargetKey()
    {
        var dependent = KdumpKeys.All.Where(k => k.Needs is not null).ToList();
        Assert.Equal(11, dependent.Count);
        Assert.All(dependent, k => Assert.Equal(KeyHandling.Honoured, KdumpKeys.Find(k.Needs!)?.Handling));
        Assert.Equal(["KDUMP_S3", "KDUMP_TARGET", "NFS", "SSH"], dependent.Select(k => k.Needs!).Distinct().Order(StringComparer.Ordinal));
    }
}
