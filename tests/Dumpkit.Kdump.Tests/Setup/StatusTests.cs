// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text.Json;

namespace Dumpkit.Kdump.Tests.Setup;

/// <summary>kdump status (--json, exit codes) and the checks status and test share.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class StatusTests
{
    private static string Good(FakeSystem f) =>
        f.Config($"KDUMP_KERNEL={f.Kernel()}\nKDUMP_INITRD={f.Initrd()}\nKDUMP_COREDIR={f.Dir["crash"]}\n");

    [Fact]
    public void StatusJsonForMonitoring()
    {
        using var f = new FakeSystem(crashSize: 256L << 20);
        f.Machine(1024, 2);
        var cfg = Good(f);
        Assert.Equal(3, f.Kdump("--config", cfg, "status", "--json"));
        var j = JsonDocument.Parse(f.Out.ToString()).RootElement;
        Assert.Equal("not-ready", j.GetProperty("state").GetString());
        Assert.Equal(3, j.GetProperty("exit").GetInt32());
        Assert.All(j.GetProperty("checks").EnumerateArray(), c => Assert.True(c.GetProperty("ok").GetBoolean(), c.ToString()));
        f.SetSys("kernel/kexec_crash_loaded", "1");
        f.Out.GetStringBuilder().Clear();
        Assert.Equal(0, f.Kdump("--config", cfg, "status", "--json"));
        j = JsonDocument.Parse(f.Out.ToString()).RootElement;
        Assert.Equal("ready", j.GetProperty("state").GetString());
        Assert.Equal(0, j.GetProperty("problems").GetArrayLength());
        // the same size kdump estimate gives on this machine
        string status = j.GetProperty("estimate").GetProperty("crashkernel").GetString()!;
        f.Out.GetStringBuilder().Clear();
        Assert.Equal(0, f.Kdump("--config", cfg, "estimate", "--json"));
        Assert.Equal(JsonDocument.Parse(f.Out.ToString()).RootElement.GetProperty("crashkernel").GetString(), status);
        Assert.StartsWith("crashkernel=", status);
    }

    [Fact]
    public void LoadedWithTooLittleMemoryIsAProblemNamed()
    {
        using var f = new FakeSystem(crashSize: 64L << 20);
        f.Machine(16384, 8);
        f.SetSys("kernel/kexec_crash_loaded", "1");
        Assert.Equal(1, f.Kdump("--config", Good(f), "status"));
        Assert.Contains("PROBLEM crashkernel       : crashkernel= reserved 64.0 MiB, less than the", f.Out.ToString());
    }

    [Fact]
    public void NoKexecInTheKernelIsNamed()
    {
        using var f = new FakeSystem();
        var cfg = Good(f);
        File.Delete(Path.Combine(f.Root, "sys/kernel/kexec_crash_size"));
        Assert.Equal(1, f.Kdump("--config", cfg, "test"));
        Assert.Contains("kdump: the running kernel has no kexec crash support", f.Err.ToString());
    }

    [Fact]
    public void AnInitramfsOlderThanItsKernelOrDumpkitsOlderThanTheConfigurationIsStale()
    {
        using var f = new FakeSystem();
        string initrd = f.Initrd();
        string kernel = f.Kernel();
        File.SetLastWriteTimeUtc(initrd, File.GetLastWriteTimeUtc(kernel).AddHours(-1));
        var cfg = f.Config($"KDUMP_KERNEL={kernel}\nKDUMP_INITRD={initrd}\nKDUMP_COREDIR={f.Dir["crash"]}\n");
        Assert.Equal(1, f.Kdump("--config", cfg, "test"));
        Assert.Contains($"kdump: {initrd}: older than the kernel {kernel}: rebuild it", f.Err.ToString());

        // dumpkit's own (install's) carries the configuration: older than the file is stale too
        f.WriteRoot("var/lib/dumpkit/initrd.img-6.1.0-56-amd64", "\u001f\u008b");
        string own = Path.Combine(f.Root, "var/lib/dumpkit/initrd.img-6.1.0-56-amd64");
        File.WriteAllBytes(own, [0x1f, 0x8b, 8, 0]);
        File.SetLastWriteTimeUtc(kernel, DateTime.UtcNow.AddHours(-2));
        var cfg2 = f.Config($"KDUMP_KERNEL={kernel}\nKDUMP_COREDIR={f.Dir["crash"]}\n");
        File.SetLastWriteTimeUtc(own, DateTime.UtcNow.AddHours(-1));
        f.Err.GetStringBuilder().Clear();
        Assert.Equal(1, f.Kdump("--root", f.Root, "--config", cfg2, "test"));
        Assert.Contains($"kdump: {own}: older than {cfg2}, whose settings it carries", f.Err.ToString());
    }

    [Fact]
    public void ATargetOthersCanWriteOrUnderAFileIsNamed()
    {
        using var f = new FakeSystem();
        string dir = f.Dir["open"];
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0x1ff);
        var cfg = f.Config($"KDUMP_KERNEL={f.Kernel()}\nKDUMP_INITRD={f.Initrd()}\nKDUMP_COREDIR={dir}\n");
        Assert.Equal(1, f.Kdump("--config", cfg, "test"));
        Assert.Contains($"kdump: {dir} is writable by other users and not sticky", f.Err.ToString());
        var cfg2 = f.Config($"KDUMP_KERNEL={f.Kernel()}\nKDUMP_INITRD={f.Initrd()}\nKDUMP_COREDIR={f.Dir["vmlinuz"]}/crash\n");
        f.Err.GetStringBuilder().Clear();
        Assert.Equal(1, f.Kdump("--config", cfg2, "test"));
        Assert.Contains($"kdump: {f.Dir["vmlinuz"]}: Not a directory (KDUMP_COREDIR={f.Dir["vmlinuz"]}/crash)", f.Err.ToString());
    }

    [Fact]
    public void AnUnreachableSshTargetIsNamed()
    {
        using var f = new FakeSystem();
        var runner = new FakeRunner();
        runner.Installed.Add("ssh");
        runner.Handlers["ssh"] = _ => new(255, "", "ssh: connect to host collector port 22: Connection refused\n");
        var cfg = f.Config($"KDUMP_KERNEL={f.Kernel()}\nKDUMP_INITRD={f.Initrd()}\nSSH=kdump@collector\n");
        Assert.Equal(1, f.Kdump(runner, "--config", cfg, "test"));
        Assert.Contains("kdump: SSH=kdump@collector: the target is not reachable or /var/crash is missing there: " +
            "ssh: connect to host collector port 22: Connection refused (ssh exit 255)", f.Err.ToString());
        Assert.Contains("ssh -o BatchMode=yes -o ConnectTimeout=10 kdump@collector df -Pk /var/crash", runner.Calls);
    }
}
