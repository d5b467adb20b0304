// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.


namespace Dumpkit.Kexec.Tests;

public class KexecCommandTests
{
    [Fact]
    public void PanicLoadPassesKernelInitrdCommandLineAndCrashFlag()
    {
        using var f = new FakeSystem();
        string k = f.Kernel(), i = f.Initrd();
        int rc = f.Kexec("-p", k, $"--initrd={i}", "--append=console=ttyS0 nr_cpus=1 irqpoll");
        Assert.Equal(0, rc);
        var l = Assert.Single(f.Sys.Loads);
        Assert.Equal(k, l.Kernel);
        Assert.Equal(i, l.Initrd);
        Assert.Equal("console=ttyS0 nr_cpus=1 irqpoll", l.Cmdline);
        Assert.Equal(KexecFileFlags.OnCrash, l.Flags);
        Assert.Equal(0, f.Sys.Reboots);
        Assert.Equal("", f.Err.ToString());
    }

    [Fact]
    public void LoadWithSeparateArgumentsAndRamdiskAlias()
    {
        using var f = new FakeSystem();
        string k = f.Kernel(), i = f.Initrd();
        Assert.Equal(0, f.Kexec("-l", "--ramdisk", i, "--command-line", "root=/dev/vda", k));
        var l = Assert.Single(f.Sys.Loads);
        Assert.Equal((ulong)0, l.Flags);
        Assert.Equal(i, l.Initrd);
        Assert.Equal("root=/dev/vda", l.Cmdline);
    }

    [Fact]
    public void NoInitrdAndNoCommandLine()
    {
        using var f = new FakeSystem();
        Assert.Equal(0, f.Kexec("-l", f.Kernel()));
        var l = Assert.Single(f.Sys.Loads);
        Assert.Null(l.Initrd);
        Assert.Equal("", l.Cmdline);
    }

    [Fact]
    public void ReuseCmdlineDropsBootImageAndForACrashKernelCrashkernel()
    {
        using var f = new FakeSystem();
        string k = f.Kernel();
        Assert.Equal(0, f.Kexec("-p", "--reuse-cmdline", "--append=irqpoll", k));
        Assert.Equal("root=/dev/vda1 ro quiet irqpoll", f.Sys.Loads[0].Cmdline);
        Assert.Equal(0, f.Kexec("-l", "--reuse-cmdline", k));
        Assert.Equal("root=/dev/vda1 ro crashkernel=112M quiet", f.Sys.Loads[1].Cmdline);
    }

    [Fact]
    public void ReusedCommandLineHelper()
    {
        Assert.Equal("a b", KexecCommand.ReusedCommandLine("BOOT_IMAGE=x a crashkernel=1G b\n", crash: true));
        Assert.Equal("a crashkernel=1G b", KexecCommand.ReusedCommandLine("BOOT_IMAGE=x a crashkernel=1G b", crash: false));
        Assert.Equal("crashkernelx=1", KexecCommand.ReusedCommandLine("crashkernelx=1", crash: true));
    }

    [Fact]
    public void MissingKernelFailsBeforeTheSyscall()
    {
        using var f = new FakeSystem();
        int rc = f.Kexec("-p", f.Dir["nope"]);
        Assert.Equal(255, rc);
        Assert.Empty(f.Sys.Loads);
        Assert.Contains($"Failed to open file {f.Dir["nope"]}:No such file or directory", f.Err.ToString());
    }

    [Fact]
    public void NoKernelGiven()
    {
        using var f = new FakeSystem();
        Assert.Equal(255, f.Kexec("-p"));
        Assert.StartsWith("No kernel specified", f.Err.ToString());
        Assert.Empty(f.Sys.Loads);
    }

    [Theory]
    [InlineData("random", "not an x86 bzImage")]
    [InlineData("elf", "an ELF file (vmlinux?)")]
    [InlineData("short", "too short")]
    [InlineData("old", "too old")]
    [InlineData("zimage", "a zImage")]
    [InlineData("32bit", "XLF_KERNEL_64")]
    [InlineData("below4g", "XLF_CAN_BE_LOADED_ABOVE_4G")]
    [InlineData("nobootflag", "0xAA55")]
    public void NonBzImagesAreRejected(string kind, string why)
    {
        using var f = new FakeSystem();
        byte[] bytes = kind switch
        {
            "random" => Enumerable.Range(0, 4096).Select(x => (byte)(x * 7)).ToArray(),
            "elf" => [0x7f, (byte)'E', (byte)'L', (byte)'F', .. new byte[4092]],
            "short" => new byte[100],
            "old" => FakeSystem.BzImageBytes(version: 0x020a),
            "zimage" => FakeSystem.BzImageBytes(loadflags: 0),
            "32bit" => FakeSystem.BzImageBytes(xloadflags: 2),
            "below4g" => FakeSystem.BzImageBytes(xloadflags: 1),
            _ => NoBootFlag(),
        };
        string k = f.MakeFile("k", bytes);
        Assert.Equal(255, f.Kexec("-p", k));
        Assert.Empty(f.Sys.Loads);
        var err = f.Err.ToString();
        Assert.Contains($"Cannot determine the file type of {k}", err);
        Assert.Contains(why, err);
        Assert.Single(err.TrimEnd().Split('\n'));
    }

    private static byte[] NoBootFlag()
    {
        var b = FakeSystem.BzImageBytes();
        b[0x1fe] = 0;
        return b;
    }

    [SkippableFact]
    public void RealDebianKernelIsABzImage()
    {
        var k = new[] { "/work/lab/kernels/6.1.0-56-amd64/boot/vmlinuz-6.1.0-56-amd64" }
            .Concat(Directory.Exists("/boot") ? Directory.GetFiles("/boot", "vmlinuz-*") : [])
            .FirstOrDefault(File.Exists);
        Skip.If(k is null, "no vmlinuz on this machine");
        Assert.Null(BzImage.CheckFile(k!, out uint max));
        Assert.True(max >= 2047);
    }

    [Fact]
    public void MissingInitrdFails()
    {
        using var f = new FakeSystem();
        string k = f.Kernel();
        Assert.Equal(255, f.Kexec("-p", k, "--initrd=" + f.Dir["no-initrd"]));
        Assert.Empty(f.Sys.Loads);
        Assert.Contains("Could not open initrd file", f.Err.ToString());
    }

    [Fact]
    public void NonCpioInitrdWarnsButLoads()
    {
        using var f = new FakeSystem();
        string k = f.Kernel(), i = f.MakeFile("junk.img", "hello world"u8.ToArray());
        Assert.Equal(0, f.Kexec("-p", k, "--initrd=" + i));
        Assert.Single(f.Sys.Loads);
        Assert.Contains("warning: " + i + " is not a cpio archive", f.Err.ToString());
    }

    [Theory]
    [InlineData(new byte[] { 0x30, 0x37, 0x30, 0x37, 0x30, 0x31 }, "cpio (newc)")]
    [InlineData(new byte[] { 0x1f, 0x8b, 8 }, "gzip")]
    [InlineData(new byte[] { 0x28, 0xb5, 0x2f, 0xfd }, "zstd")]
    [InlineData(new byte[] { 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0 }, "xz")]
    [InlineData(new byte[] { 0x42, 0x5a, 0x68 }, "bzip2")]
    [InlineData(new byte[] { 0x02, 0x21, 0x4c, 0x18 }, "lz4")]
    [InlineData(new byte[] { 1, 2, 3, 4 }, null)]
    public void InitrdKinds(byte[] head, string? kind) => Assert.Equal(kind, InitrdImage.Identify(head));

    [Fact]
    public void NoCrashMemoryIsReportedWithoutASyscall()
    {
        using var f = new FakeSystem(crashSize: 0);
        Assert.Equal(1, f.Kexec("-p", f.Kernel()));
        Assert.Empty(f.Sys.Loads);
        Assert.Contains("Memory for crashkernel is not reserved", f.Err.ToString());
    }

    [Theory]
    [InlineData(KexecErrors.EPERM, "Operation not permitted", "needs root")]
    [InlineData(KexecErrors.EKEYREJECTED, "Key was rejected by service", "secure boot or kernel lockdown")]
    [InlineData(KexecErrors.EBADMSG, "Bad message", "signature verification failed")]
    [InlineData(KexecErrors.ENOMEM, "Cannot allocate memory", "do not fit in the 112 MiB reserved")]
    [InlineData(KexecErrors.EADDRNOTAVAIL, "Cannot assign requested address", "do not fit in the 112 MiB")]
    [InlineData(KexecErrors.EBUSY, "Device or resource busy", "another kexec operation")]
    [InlineData(KexecErrors.ENOEXEC, "Exec format error", "cannot load this image")]
    [InlineData(KexecErrors.EINVAL, "Invalid argument", "rejected the image")]
    [InlineData(KexecErrors.ENOSYS, "Function not implemented", "CONFIG_KEXEC_FILE")]
    public void EveryErrnoHasOneClearLine(int errno, string strerror, string hint)
    {
        using var f = new FakeSystem();
        f.Sys.LoadErrno = errno;
        Assert.Equal(255, f.Kexec("-p", f.Kernel(), "--initrd=" + f.Initrd()));
        var err = f.Err.ToString().TrimEnd();
        Assert.Single(err.Split('\n'));
        Assert.StartsWith($"kexec_file_load failed: {strerror} (", err);
        Assert.Contains(hint, err);
    }

    [Fact]
    public void EnomemWithoutCrashMemoryExplainsCrashkernel()
    {
        Assert.Contains("no memory is reserved for a crash kernel", KexecErrors.Explain(KexecErrors.ENOMEM, true, 0));
        Assert.Contains("no memory is reserved for a crash kernel", KexecErrors.Explain(KexecErrors.EINVAL, true, 0));
        Assert.Contains("not enough memory", KexecErrors.Explain(KexecErrors.ENOMEM, false, null));
    }

    [Fact]
    public void UnloadAndPanicUnload()
    {
        using var f = new FakeSystem();
        Assert.Equal(0, f.Kexec("-u"));
        Assert.Equal(0, f.Kexec("-p", "-u"));
        Assert.Equal(0, f.Kexec("-pu"));
        Assert.Equal([KexecFileFlags.Unload * 0, KexecFileFlags.OnCrash, KexecFileFlags.OnCrash], f.Sys.Unloads);
        Assert.Empty(f.Sys.Loads);
        f.Sys.UnloadErrno = KexecErrors.EPERM;
        Assert.Equal(255, f.Kexec("-p", "-u"));
        Assert.Contains("kexec_file_load(unload) failed: Operation not permitted", f.Err.ToString());
    }

    [Fact]
    public void ExecNeedsALoadedKernel()
    {
        using var f = new FakeSystem();
        Assert.Equal(1, f.Kexec("-e"));
        Assert.Contains("Nothing has been loaded!", f.Err.ToString());
        Assert.Equal(0, f.Sys.Reboots);
    }

    [Fact]
    public void ExecSyncsAndReboots()
    {
        using var f = new FakeSystem();
        f.SetSys("kernel/kexec_loaded", "1");
        Assert.Equal(255, f.Kexec("-e")); // the fake reboot returns EPERM
        Assert.Equal(1, f.Sys.Reboots);
        Assert.Equal(1, f.Sys.Syncs);
        Assert.Contains("kexec failed: Operation not permitted", f.Err.ToString());
    }

    [Fact]
    public void NoSyncSkipsSync()
    {
        using var f = new FakeSystem();
        f.SetSys("kernel/kexec_loaded", "1");
        f.Kexec("-e", "-y");
        Assert.Equal(0, f.Sys.Syncs);
        Assert.Equal(1, f.Sys.Reboots);
    }

    [Fact]
    public void ForceLoadsThenExecutes()
    {
        using var f = new FakeSystem();
        f.Sys.OnLoad = _ => f.SetSys("kernel/kexec_loaded", "1");
        Assert.Equal(255, f.Kexec("-f", f.Kernel()));
        Assert.Single(f.Sys.Loads);
        Assert.Equal(1, f.Sys.Reboots);
        Assert.Empty(f.ShellCommands);
    }

    [Fact]
    public void PlainKexecLoadsThenShutsDown()
    {
        using var f = new FakeSystem();
        f.Sys.OnLoad = _ => f.SetSys("kernel/kexec_loaded", "1");
        Assert.Equal(0, f.Kexec(f.Kernel()));
        Assert.Equal(["shutdown -r now"], f.ShellCommands);
        Assert.Equal(0, f.Sys.Reboots);
    }

    [Fact]
    public void StatusLikeKexecTools()
    {
        using var f = new FakeSystem();
        Assert.Equal(0, f.Kexec("-S"));
        f.SetSys("kernel/kexec_crash_loaded", "1");
        Assert.Equal(1, f.Kexec("-S"));
        Assert.Equal(1, f.Kexec("-p", "-S"));
        Assert.Equal(0, f.Kexec("-l", "-S"));
        f.SetSys("kernel/kexec_loaded", "1");
        Assert.Equal(1, f.Kexec("-l", "-S"));
        Assert.Empty(f.Sys.Loads);
    }

    [Theory]
    [InlineData("--bogus", "unrecognized option '--bogus'")]
    [InlineData("-Q", "invalid option -- 'Q'")]
    [InlineData("-c", "kexec_file_load only")]
    [InlineData("--initrd", "requires an argument")]
    [InlineData("--load=x", "doesn't allow an argument")]
    [InlineData("--re", "ambiguous")]
    public void UsageErrorsExitOne(string arg, string message)
    {
        using var f = new FakeSystem();
        Assert.Equal(1, f.Kexec(arg));
        Assert.Contains(message, f.Err.ToString());
        Assert.Empty(f.Sys.Loads);
    }

    [Fact]
    public void UniquePrefixesOfLongOptions()
    {
        using var f = new FakeSystem();
        string i = f.Initrd();
        Assert.Equal(0, f.Kexec("--load-pa", "--init=" + i, "--app=x", f.Kernel()));
        Assert.Equal(i, f.Sys.Loads[0].Initrd);
        Assert.Equal("x", f.Sys.Loads[0].Cmdline);
        Assert.Equal(KexecFileFlags.OnCrash, f.Sys.Loads[0].Flags);
    }

    [Fact]
    public void AcceptedNoOpOptions()
    {
        using var f = new FakeSystem();
        Assert.Equal(0, f.Kexec("-s", "-p", "-x", "-a", "-i", "--console-serial", "--mem-min=0x1000", f.Kernel()));
        Assert.Single(f.Sys.Loads);
    }

    [Fact]
    public void HelpVersionAndCrashSize()
    {
        using var f = new FakeSystem();
        Assert.Equal(0, f.Kexec("-h"));
        Assert.Contains("--load-panic", f.Out.ToString());
        Assert.Equal(0, f.Kexec("-v"));
        Assert.Contains("kexec-tools 2.0.27", f.Out.ToString());
        Assert.Equal(0, f.Kexec("--print-ckr-size"));
        Assert.Contains((112L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), f.Out.ToString());
    }

    [Fact]
    public void CommandLineLongerThanTheKernelAcceptsIsRefused()
    {
        using var f = new FakeSystem();
        string k = f.MakeFile("k", FakeSystem.BzImageBytes(cmdlineSize: 10));
        Assert.Equal(255, f.Kexec("-p", k, "--append=0123456789abc"));
        Assert.Contains("Command line overflow", f.Err.ToString());
        Assert.Empty(f.Sys.Loads);
    }

    [Fact]
    public void DebugDescribesTheCall()
    {
        using var f = new FakeSystem();
        Assert.Equal(0, f.Kexec("-d", "-p", f.Kernel(), "--append=a"));
        Assert.Contains("flags=0x6", f.Err.ToString());
    }
}
