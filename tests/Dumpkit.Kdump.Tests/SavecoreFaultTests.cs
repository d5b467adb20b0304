// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;
using Dumpkit.Formats;

namespace Dumpkit.Kdump.Tests;

/// <summary>
/// savecore against real faults instead of fakes: a full and a read-only core directory (small
/// tmpfs mounts made by the test, root only) and an ssh target nobody answers on (the real ssh
/// client against a closed port).
/// </summary>
public class SavecoreFaultTests
{
    private const string Stamp = "202611260830";

    private sealed class Mount : IDisposable
    {
        public string Path { get; }

        public Mount(string path, string options)
        {
            Skip.IfNot(Environment.UserName == "root", "needs root to mount a small tmpfs");
            Path = path;
            Directory.CreateDirectory(path);
            var p = Process.Start("mount", ["-t", "tmpfs", "-o", options, "tmpfs", path]);
            p.WaitForExit();
            Skip.IfNot(p.ExitCode == 0, "mount -t tmpfs failed (no mount permission here)");
        }

        public void Dispose() => Process.Start("umount", ["-l", Path]).WaitForExit();
    }

    private static (FakeSystem F, string Cfg) Setup(string core, string extra = "")
    {
        var f = new FakeSystem();
        new SyntheticVmcore().WriteTo(f.Root, "vmcore");
        var cfg = f.Dir["dumpkit.conf"];
        File.WriteAllText(cfg, $"KDUMP_COREDIR={core}\nKDUMP_VMCORE={f.Dir["vmcore"]}\nKDUMP_FAIL_CMD=on-failure\n{extra}");
        return (f, cfg);
    }

    [SkippableFact]
    public void FullDiskKeepsAReadableIncompleteDumpAndTriesTheRawCopy()
    {
        using var f0 = new FakeSystem();
        using var mnt = new Mount(f0.Dir["full"], "size=256k");
        var (f, cfg) = Setup(mnt.Path, "KDUMP_DUMP_DMESG=0\n");
        using var _ = f;
        Assert.Equal(1, f.Kdump("--config", cfg, "savecore"));
        string dir = Path.Combine(mnt.Path, Stamp);
        string partial = Path.Combine(dir, "dump-incomplete");
        var err = f.Err.ToString();
        Assert.Contains($"the partial dump stays as {partial}", err);
        Assert.Contains("falling back to copying", err);
        Assert.Contains($"failed to save vmcore in {dir}", err);
        Assert.Equal(["on-failure"], f.ShellCommands);
        Assert.False(File.Exists(Path.Combine(dir, $"dump.{Stamp}")));
        Assert.False(File.Exists(Path.Combine(dir, $"vmcore.{Stamp}")));
        // What fit is there, and says it is incomplete.
        using var dump = DumpReader.Open(partial);
        Assert.True(dump.IsIncomplete);
        var vm = new SyntheticVmcore();
        var page = new byte[SyntheticVmcore.PageSize];
        int read = 0;
        foreach (var pfn in vm.Frames().Where(vm.HasData))
        {
            if (dump.GetPageState(pfn) != PageState.Present) continue;
            dump.ReadPage(pfn, page);
            Assert.True(vm.ExpectedPage(pfn).AsSpan().SequenceEqual(page), $"frame 0x{pfn:x}");
            read++;
        }
        Assert.True(read > 0, "no page of the partial dump is readable");
    }

    [SkippableFact]
    public void ReadOnlyCoreDirFailsClearly()
    {
        using var f0 = new FakeSystem();
        using var mnt = new Mount(f0.Dir["ro"], "size=1m,ro");
        var (f, cfg) = Setup(mnt.Path);
        using var _ = f;
        Assert.Equal(1, f.Kdump("--config", cfg, "savecore"));
        var err = f.Err.ToString();
        Assert.Contains($"kdump: {mnt.Path}: cannot create the dump directory:", err);
        Assert.Contains("Read-only file system", err);
        Assert.Equal(["on-failure"], f.ShellCommands);
    }

    [SkippableFact]
    public void SshToAClosedPortFailsClearlyAfterTheRawFallback()
    {
        Skip.IfNot(File.Exists("/usr/bin/ssh"), "the ssh client is not installed (openssh-client)");
        using var probe = new System.Net.Sockets.TcpClient();
        bool open;
        try { probe.Connect("127.0.0.1", 22); open = true; } catch (System.Net.Sockets.SocketException) { open = false; }
        Skip.If(open, "something listens on 127.0.0.1:22; this test needs the port closed");
        var (f, cfg) = Setup("/var/crash", "SSH=kdump@127.0.0.1\nKDUMP_DUMP_DMESG=0\n");
        using var _ = f;
        Assert.Equal(1, f.Kdump("--config", cfg, "savecore"));
        var err = f.Err.ToString();
        Assert.Contains("exited with status 255 (host unreachable or authentication failed)", err);
        Assert.Contains("falling back to copying", err);
        Assert.Contains("failed to save vmcore in kdump@127.0.0.1:/var/crash/", err);
        Assert.Equal(["on-failure"], f.ShellCommands);
    }
}
