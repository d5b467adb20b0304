// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kdump.Tests.Setup;

/// <summary>kdump-tools' configuration keys: each one honoured or refused with a line naming it, never ignored.</summary>
public class KdumpKeysTests
{
    /// <summary>
    /// The keys Debian's kdump-tools 1:1.8.1 documents in /usr/share/kdump-tools/kdump-tools.conf and kdump-tools(5),
    /// and KDUMP_SYSCTL of its later releases, as the package spells them.
    /// </summary>
    public static readonly string[] KdumpToolsKeys =
    [
        "USE_KDUMP", "KDUMP_KERNEL", "KDUMP_INITRD", "KDUMP_COREDIR", "KDUMP_FAIL_CMD", "KDUMP_DUMP_DMESG", "KDUMP_NUM_DUMPS",
        "KDUMP_COMPRESSION", "MAKEDUMP_ARGS", "KDUMP_KEXEC_ARGS", "KDUMP_CMDLINE", "KDUMP_CMDLINE_APPEND", "HOSTTAG", "NFS",
        "NFS_TIMEO", "NFS_RETRANS", "FTP", "FTP_USER", "FTP_PASSWORD", "FTP_PORT", "SSH", "SSH_KEY", "KDUMP_SYSCTL",
    ];

    public static TheoryData<string> AllKeys => [.. KdumpKeys.All.Select(k => k.Name)];

    /// <summary>When kdump-tools is installed here, its own configuration file's keys (every KEY= line, commented or not).</summary>
    [Fact]
    public void EveryKdumpToolsKeyIsInTheTable()
    {
        var keys = KdumpToolsKeys.ToList();
        const string Installed = "/usr/share/kdump-tools/kdump-tools.conf";
        if (File.Exists(Installed))
            keys.AddRange(File.ReadAllLines(Installed).Select(l => l.TrimStart('#', ' '))
                .Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, "^[A-Z_]+=")).Select(l => l[..l.IndexOf('=')]));
        Assert.All(keys, k => Assert.NotNull(KdumpKeys.Find(k)));
    }

    [Theory]
    [MemberData(nameof(AllKeys))]
    public void EachKeyIsHonouredOrRefusedByName(string key)
    {
        using var f = new FakeSystem(crashSize: 256L << 20);
        f.Machine(400, 1);
        // a value of the key's kind that is right for an honoured key (so that nothing else is reported)
        string value = key switch
        {
            "USE_KDUMP" or "KDUMP_DUMP_DMESG" or "KDUMP_NUM_DUMPS" => "1",
            "KDUMP_KERNEL" => f.Kernel(),
            "KDUMP_INITRD" => f.Initrd(),
            "KDUMP_KEXEC_ARGS" => "--elf64-core-headers",
            "KDUMP_SYSCTL" => "kernel.panic_on_oops=1",
            "KDUMP_COREDIR" => f.Dir["crash"],
            "MAKEDUMP_ARGS" => "'-c -d 31'",
            "NFS" => "192.0.2.1:/export/crash", // the fake runner mounts nothing
            "NFS_TIMEO" or "NFS_RETRANS" or "NFS_MOUNT_RETRY" => "2",
            _ => "x",
        };
        string kernel = key == "KDUMP_KERNEL" ? "" : $"KDUMP_KERNEL={f.Kernel()}\n";
        string coredir = key == "KDUMP_COREDIR" ? "" : $"KDUMP_COREDIR={f.Dir["crash"]}\n";
        var cfg = f.Config($"{kernel}{coredir}{key}={value}\n");
        // SSH=x: the target check runs no ssh here
        var runner = new FakeRunner();
        runner.Handlers["ssh"] = _ => new(0, "Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/x 100 0 1000000 0% /\n", "");
        runner.Installed.Add("ssh");
        runner.Installed.Add("x");
        int rc = f.Kdump(runner, "--config", cfg, "test");
        string err = f.Err.ToString();
        Assert.DoesNotContain("not a configuration key", err);
        if (KdumpKeys.Find(key)!.Handling == KeyHandling.Refused)
        {
            Assert.Equal(2, rc);
            Assert.StartsWith($"kdump: {key}={value}: ", err);
            Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        else if (KdumpKeys.Find(key)!.Needs is { } needs)
        {
            // a target's key alone: nothing would use it, a problem naming the key and its target
            Assert.Equal(1, rc);
            Assert.StartsWith($"kdump: {key}={value}: set without {needs}, so nothing uses it", err);
            Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        else if (key == "KDUMP_S3")
        {
            // honoured: a value that is no URL is a target problem that names the key
            Assert.Equal(1, rc);
            Assert.Contains("kdump: KDUMP_S3=x: expected http://HOST[:PORT]/BUCKET[/PREFIX]", err);
        }
        else
        {
            Assert.True(rc == 0, $"{key}: rc {rc}: {err}");
            Assert.Contains("kdump test: ready", f.Out.ToString());
        }
    }

    [Fact]
    public void RefusedKeysStopLoadAndSavecoreButNotShow()
    {
        using var f = new FakeSystem();
        var cfg = f.Config($"KDUMP_KERNEL={f.Kernel()}\nFTP=server:/export/crash\n");
        Assert.Equal(2, f.Kdump("--config", cfg, "load"));
        Assert.Empty(f.Sys.Loads);
        Assert.Contains("kdump: FTP=server:/export/crash: FTP targets are not supported", f.Err.ToString());
        Assert.Equal(2, f.Kdump("--config", cfg, "--vmcore", f.Kernel(), "savecore"));
        Assert.Equal(0, f.Kdump("--config", cfg, "show"));
    }

    [Fact]
    public void AnUnknownKeyIsNamedInAWarning()
    {
        using var f = new FakeSystem();
        var cfg = f.Config($"KDUMP_KERNEL={f.Kernel()}\nKDUMP_COREDIRR=/srv/crash\n");
        f.Kdump("--config", cfg, "show");
        Assert.Contains("kdump: warning: KDUMP_COREDIRR: not a configuration key of dumpkit or kdump-tools; ignored", f.Err.ToString());
    }

    [Fact]
    public void KexecArgsGoToTheLoad()
    {
        using var f = new FakeSystem();
        var cfg = f.Config($"KDUMP_KERNEL={f.Kernel()}\nKDUMP_KEXEC_ARGS=\"-s --elf64-core-headers\"\nKDUMP_CMDLINE=quiet\n");
        Assert.Equal(0, f.Kdump("--config", cfg, "load"));
        Assert.Single(f.Sys.Loads);
        Assert.Contains("kexec -p -s --elf64-core-headers --command-line=", f.Out.ToString());
    }

    [Theory]
    [InlineData("-l", "changes what kexec does")]
    [InlineData("-u", "changes what kexec does")]
    [InlineData("--initrd=/x", "KDUMP_INITRD")]
    [InlineData("--nope", "kexec would refuse it: unrecognized option '--nope'")]
    [InlineData("/boot/other", "is not an option")]
    public void KexecArgsThatChangeTheLoadAreRefused(string args, string why)
    {
        using var f = new FakeSystem();
        var cfg = f.Config($"KDUMP_KERNEL={f.Kernel()}\nKDUMP_KEXEC_ARGS=\"{args}\"\n");
        Assert.Equal(1, f.Kdump("--config", cfg, "test"));
        Assert.Contains($"kdump: KDUMP_KEXEC_ARGS=\"{args}\": ", f.Err.ToString());
        Assert.Contains(why, f.Err.ToString());
        Assert.Equal(2, f.Kdump("--config", cfg, "load"));
        Assert.Empty(f.Sys.Loads);
    }

    [Fact]
    public void SysctlsAreSetAfterTheLoad()
    {
        using var f = new FakeSystem();
        f.WriteRoot("proc/sys/kernel/panic_on_oops", "0\n");
        f.WriteRoot("proc/sys/vm/panic_on_oom", "0\n");
        var cfg = f.Config($"KDUMP_KERNEL={f.Kernel()}\n");
        Assert.Equal(0, f.Kdump("--config", cfg, "load"));
        Assert.Equal("1\n", File.ReadAllText(Path.Combine(f.Root, "proc/sys/kernel/panic_on_oops")));
        var cfg2 = f.Config($"KDUMP_KERNEL={f.Kernel()}\nKDUMP_SYSCTL=\"vm.panic_on_oom=2 nonsense\"\n");
        Assert.Equal(0, f.Kdump("--config", cfg2, "load"));
        Assert.Equal("2\n", File.ReadAllText(Path.Combine(f.Root, "proc/sys/vm/panic_on_oom")));
        Assert.Contains("kdump: KDUMP_SYSCTL: 'nonsense' is not NAME=VALUE", f.Err.ToString());
    }
}
