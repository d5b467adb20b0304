// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.


namespace Dumpkit.Kdump.Tests;

public class KdumpCommandTests
{
    private static string Config(FakeSystem f, string text)
    {
        var p = f.Dir["dumpkit.conf"];
        File.WriteAllText(p, text);
        return p;
    }

    [Fact]
    public void StatusReadyAndNotReady()
    {
        using var f = new FakeSystem();
        var cfg = Config(f, $"KDUMP_KERNEL={f.Kernel()}\nKDUMP_INITRD={f.Initrd()}\nKDUMP_COREDIR={f.Dir["crash"]}\n");
        Assert.Equal(3, f.Kdump("--config", cfg, "status"));
        Assert.Contains("Not ready to kdump", f.Out.ToString());
        f.SetSys("kernel/kexec_crash_loaded", "1");
        Assert.Equal(0, f.Kdump("--config", cfg, "status"));
        Assert.Contains("current state   : ready to kdump", f.Out.ToString());
    }

    [Fact]
    public void LoadChecksCrashMemoryAndLoadsWithTheConfiguredFiles()
    {
        using var f = new FakeSystem();
        string k = f.Kernel(), i = f.Initrd();
        f.Sys.OnLoad = _ => f.SetSys("kernel/kexec_crash_loaded", "1");
        var cfg = Config(f, $"KDUMP_KERNEL={k}\nKDUMP_INITRD={i}\nKDUMP_CMDLINE_APPEND=\"nr_cpus=1 irqpoll\"\n");
        Assert.Equal(0, f.Kdump("--config", cfg, "load"));
        var l = Assert.Single(f.Sys.Loads);
        Assert.Equal(k, l.Kernel);
        Assert.Equal(i, l.Initrd);
        Assert.Equal(KexecFileFlags.OnCrash, l.Flags);
        Assert.Equal("root=/dev/vda1 ro quiet nr_cpus=1 irqpoll", l.Cmdline);
        var o = f.Out.ToString();
        Assert.Contains("crashkernel reserved: 112 MiB", o);
        Assert.Contains("crash kernel loaded (kexec_crash_loaded=1)", o);
    }

    [Fact]
    public void LoadWithExplicitCmdline()
    {
        using var f = new FakeSystem();
        var cfg = Config(f, $"KDUMP_KERNEL={f.Kernel()}\nKDUMP_INITRD={f.Initrd()}\nKDUMP_CMDLINE='console=ttyS0'\n");
        Assert.Equal(0, f.Kdump("--config=" + cfg, "load"));
        Assert.Equal("console=ttyS0 " + KdumpConfig.DefaultAppend, f.Sys.Loads[0].Cmdline);
    }

    [Fact]
    public void LoadWithoutCrashMemoryFailsClearly()
    {
        using var f = new FakeSystem(crashSize: 0);
        var cfg = Config(f, $"KDUMP_KERNEL={f.Kernel()}\n");
        Assert.Equal(1, f.Kdump("--config", cfg, "load"));
        Assert.Empty(f.Sys.Loads);
        Assert.Contains("no memory is reserved for a crash kernel: boot with crashkernel=", f.Err.ToString());
    }

    [Fact]
    public void LoadMissingKernelOrFailingSyscall()
    {
        using var f = new FakeSystem();
        var cfg = Config(f, $"KDUMP_KERNEL={f.Dir["missing"]}\n");
        Assert.Equal(1, f.Kdump("--config", cfg, "load"));
        Assert.Contains("kdump kernel not found", f.Err.ToString());
        var cfg2 = Config(f, $"KDUMP_KERNEL={f.Kernel()}\nKDUMP_INITRD={f.Initrd()}\n");
        f.Sys.LoadErrno = KexecErrors.ENOMEM;
        Assert.Equal(1, f.Kdump("--config", cfg2, "load"));
        Assert.Contains("do not fit in the 112 MiB reserved by crashkernel=", f.Err.ToString());
        Assert.Contains("kdump: failed to load the crash kernel", f.Err.ToString());
    }

    [Fact]
    public void UseKdumpZeroDoesNotLoad()
    {
        using var f = new FakeSystem();
        Assert.Equal(0, f.Kdump("--config", Config(f, "USE_KDUMP=0\n"), "load"));
        Assert.Empty(f.Sys.Loads);
    }

    [Fact]
    public void Unload()
    {
        using var f = new FakeSystem();
        Assert.Equal(0, f.Kdump("unload"));
        Assert.Equal([KexecFileFlags.OnCrash], f.Sys.Unloads);
    }

    [Fact]
    public void TestNeverTouchesTheKernel()
    {
        using var f = new FakeSystem();
        var cfg = Config(f, $"KDUMP_KERNEL={f.Kernel()}\nKDUMP_INITRD={f.Initrd()}\nKDUMP_NUM_DUMPS=2\n");
        Assert.Equal(0, f.Kdump("--config", cfg, "test"));
        Assert.Empty(f.Sys.Loads);
        Assert.Empty(f.Sys.Unloads);
        Assert.Equal(0, f.Sys.Reboots);
        var o = f.Out.ToString();
        Assert.Contains("load would run: kexec -p", o);
        Assert.Contains("keeping the newest 2", o);
        Assert.Contains("kdump test: ready", o);
    }

    [Fact]
    public void TestReportsEveryProblem()
    {
        using var f = new FakeSystem(crashSize: 0);
        var cfg = Config(f, $"KDUMP_KERNEL={f.MakeFile("notakernel", new byte[4096])}\nKDUMP_INITRD={f.Dir["none"]}\n");
        Assert.Equal(1, f.Kdump("--config", cfg, "test"));
        var e = f.Err.ToString();
        Assert.Contains("no memory is reserved", e);
        Assert.Contains("not an x86 bzImage", e);
        Assert.Contains("kdump initrd not found", e);
        Assert.Contains("3 problem(s)", f.Out.ToString());
    }

    [Theory]
    [InlineData("-E -c -d 31", "ELF output (-E) cannot be compressed")]
    [InlineData("-c -d 99", "Dump_level(99) is invalid.")]
    [InlineData("-R", "makes no dump")]
    [InlineData("--split -c", "--split needs VMCORE and at least two DUMPFILEs.")]
    public void TestRefusesMakedumpArgsTheDumpJobWouldRefuse(string args, string message)
    {
        using var f = new FakeSystem();
        var cfg = Config(f, $"KDUMP_KERNEL={f.Kernel()}\nKDUMP_INITRD={f.Initrd()}\nMAKEDUMP_ARGS=\"{args}\"\n");
        Assert.Equal(1, f.Kdump("--config", cfg, "test"));
        var e = f.Err.ToString();
        Assert.Contains($"MAKEDUMP_ARGS=\"{args}\" makes no dump", e);
        Assert.Contains(message, e);
        Assert.Contains("1 problem(s)", f.Out.ToString());
    }

    [Theory]
    [InlineData("-c -d 31")]
    [InlineData("-F -l -d 1")]
    public void TestAcceptsMakedumpArgsThatMakeADump(string args)
    {
        using var f = new FakeSystem();
        var cfg = Config(f, $"KDUMP_KERNEL={f.Kernel()}\nKDUMP_INITRD={f.Initrd()}\nMAKEDUMP_ARGS=\"{args}\"\n");
        Assert.Equal(0, f.Kdump("--config", cfg, "test"));
        Assert.DoesNotContain("MAKEDUMP_ARGS", f.Err.ToString());
    }

    [Fact]
    public void TestSaysWhenTheImagesDoNotFit()
    {
        using var f = new FakeSystem(crashSize: 8192);
        var cfg = Config(f, $"KDUMP_KERNEL={f.Kernel()}\nKDUMP_INITRD={f.MakeFile("big.img", [0x1f, 0x8b, .. new byte[10000]])}\n");
        Assert.Equal(1, f.Kdump("--config", cfg, "test"));
        Assert.Contains("do not fit in the 0.0 MiB reserved", f.Err.ToString());
    }

    [Fact]
    public void ShowPrintsTheKexecCommand()
    {
        using var f = new FakeSystem();
        string k = f.Kernel();
        var cfg = Config(f, $"KDUMP_KERNEL={k}\nKDUMP_COREDIR=/srv/crash\n");
        Assert.Equal(0, f.Kdump("--config", cfg, "show"));
        var o = f.Out.ToString();
        Assert.Contains("KDUMP_COREDIR   : /srv/crash", o);
        Assert.Contains("crash memory    : 112 MiB", o);
        Assert.Contains($"kexec -p --command-line=\"root=/dev/vda1 ro quiet {KdumpConfig.DefaultAppend}\" {k}", o);
    }

    [Theory]
    [InlineData(new string[0], 2)]
    [InlineData(new[] { "frobnicate" }, 2)]
    [InlineData(new[] { "--what", "show" }, 2)]
    [InlineData(new[] { "--config", "/nonexistent/dumpkit", "show" }, 2)]
    [InlineData(new[] { "--help" }, 0)]
    public void UsageErrors(string[] args, int rc)
    {
        using var f = new FakeSystem();
        Assert.Equal(rc, f.Kdump(args));
    }

    [Fact]
    public void BadConfigIsAUsageErrorNamingTheLine()
    {
        using var f = new FakeSystem();
        var cfg = Config(f, "KDUMP_COREDIR=/var/crash\nnot an assignment\n");
        Assert.Equal(2, f.Kdump("--config", cfg, "show"));
        Assert.Contains($"{cfg}:2: expected KEY=value", f.Err.ToString());
    }
}
