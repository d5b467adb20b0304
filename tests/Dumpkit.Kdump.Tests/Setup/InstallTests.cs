// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kdump.Tests.Setup;

/// <summary>kdump install and uninstall in a throwaway root (--root), with the programs they run recorded.</summary>
public class InstallTests
{
    private static (FakeSystem F, FakeRunner Runner, string Cfg) Machine()
    {
        var f = new FakeSystem(crashSize: 0);
        f.Machine(2048, 4);
        f.WriteRoot("etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
        var runner = new FakeRunner();
        // dumpkit kdump initrd -o OUTPUT KVER: writes a 6 MiB gzip file, prints its path
        runner.Handlers["dumpkit"] = args =>
        {
            string output = args[args.ToList().IndexOf("-o") + 1];
            File.WriteAllBytes(output, [0x1f, 0x8b, 8, 0, .. new byte[6 << 20]]);
            return new(0, output + "\n", "");
        };
        var cfg = f.Config($"KDUMP_KERNEL={f.Kernel()}\nKDUMP_COREDIR={f.Dir["crash"]}\n");
        return (f, runner, cfg);
    }

    /// <summary>Every file and directory under the root with its content, to compare before and after.</summary>
    private static string Snapshot(string root) => string.Join('\n',
        Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(p => File.Exists(p) ? $"{p} {InstallManifest.Sha256(p)}" : $"{p}/"));

    [Fact]
    public void InstallReservesBuildsEnablesAndUninstallUndoesExactlyThat()
    {
        var (f, runner, cfg) = Machine();
        using var _ = f;
        string before = Snapshot(f.Root);
        Assert.Equal(0, f.Kdump(runner, "--root", f.Root, "--config", cfg, "install"));
        string initrd = Path.Combine(f.Root, "var/lib/dumpkit/initrd.img-6.1.0-56-amd64");
        Assert.Equal($"dumpkit kdump --config {cfg} initrd -o {initrd} 6.1.0-56-amd64", runner.Calls[0]);
        Assert.True(File.Exists(initrd));
        // sized for the initramfs just built: 2 GiB, 4 CPUs but nr_cpus=1, a 6 MiB image
        var estimate = new CrashkernelEstimate(2048L << 20, 4, true, new FileInfo(initrd).Length, "6.1.0-56-amd64");
        string snippet = File.ReadAllText(Path.Combine(f.Root, "etc/default/grub.d/dumpkit-kdump.cfg"));
        Assert.EndsWith($"GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT {estimate.Parameter}\"\n", snippet);
        Assert.Contains(DumpkitSizeLine(estimate), f.Out.ToString());
        Assert.Contains($"systemctl --root={f.Root} enable dumpkit-kdump.service", runner.Calls);
        Assert.DoesNotContain(runner.Calls, c => c.StartsWith("update-grub", StringComparison.Ordinal));
        Assert.Contains("not running update-grub for the root", f.Out.ToString());
        Assert.Contains("kdump: reboot to reserve the memory", f.Out.ToString());
        // the capture kernel now boots dumpkit's initramfs
        Assert.Equal(0, f.Kdump("--root", f.Root, "--config", cfg, "show"));
        Assert.Contains($"kdump initrd    : {initrd}", f.Out.ToString());
        var manifest = InstallManifest.Read(Path.Combine(f.Root, "var/lib/dumpkit/install.manifest"));
        Assert.Equal(2, manifest.Files.Count);
        Assert.Equal(["dumpkit-kdump.service"], manifest.Units);

        Assert.Equal(0, f.Kdump(runner, "--root", f.Root, "--config", cfg, "uninstall"));
        Assert.Contains($"systemctl --root={f.Root} disable dumpkit-kdump.service", runner.Calls);
        Assert.Empty(runner.EnabledUnits);
        File.Delete(cfg);
        Assert.Equal(before.Replace($"{cfg} {Sha(cfg, before)}\n", ""), Snapshot(f.Root).Replace($"{cfg} {Sha(cfg, before)}\n", ""));
        f.Out.GetStringBuilder().Clear();
        Assert.Equal(0, f.Kdump(runner, "--root", f.Root, "uninstall"));
        Assert.Contains("kdump uninstall: nothing to undo", f.Out.ToString());
    }

    private static string DumpkitSizeLine(CrashkernelEstimate e) => $"kdump: crashkernel size for this machine: {e.Parameter}";

    private static string Sha(string path, string snapshot) =>
        snapshot.Split('\n').First(l => l.StartsWith(path + " ", StringComparison.Ordinal))[(path.Length + 1)..];

    [Fact]
    public void InstallTwiceChangesNothingTheSecondTime()
    {
        var (f, runner, cfg) = Machine();
        using var _ = f;
        Assert.Equal(0, f.Kdump(runner, "--root", f.Root, "--config", cfg, "install"));
        string manifest = File.ReadAllText(Path.Combine(f.Root, "var/lib/dumpkit/install.manifest"));
        string snippet = Path.Combine(f.Root, "etc/default/grub.d/dumpkit-kdump.cfg");
        var written = File.GetLastWriteTimeUtc(snippet);
        runner.Calls.Clear();
        f.Out.GetStringBuilder().Clear();
        Assert.Equal(0, f.Kdump(runner, "--root", f.Root, "--config", cfg, "install"));
        Assert.Equal(manifest, File.ReadAllText(Path.Combine(f.Root, "var/lib/dumpkit/install.manifest")));
        Assert.Equal(written, File.GetLastWriteTimeUtc(snippet));
        Assert.DoesNotContain(runner.Calls, c => c.EndsWith("enable dumpkit-kdump.service", StringComparison.Ordinal));
        Assert.Contains("already says crashkernel=", f.Out.ToString());
        Assert.Contains("dumpkit-kdump.service: already enabled", f.Out.ToString());
        // uninstall after two installs still finds everything
        Assert.Equal(0, f.Kdump(runner, "--root", f.Root, "uninstall"));
        Assert.False(File.Exists(snippet));
        Assert.False(Directory.Exists(Path.Combine(f.Root, "var/lib/dumpkit")));
    }

    [Fact]
    public void AUnitEnabledBeforeAndAFileChangedSinceAreLeftAlone()
    {
        var (f, runner, cfg) = Machine();
        using var _ = f;
        runner.EnabledUnits.Add("dumpkit-kdump.service");
        Assert.Equal(0, f.Kdump(runner, "--root", f.Root, "--config", cfg, "install"));
        string snippet = Path.Combine(f.Root, "etc/default/grub.d/dumpkit-kdump.cfg");
        File.AppendAllText(snippet, "# mine\n");
        Assert.Equal(0, f.Kdump(runner, "--root", f.Root, "uninstall"));
        Assert.Contains("dumpkit-kdump.service", runner.EnabledUnits);
        Assert.True(File.Exists(snippet));
        Assert.Contains("dumpkit-kdump.cfg: changed since install: left as it is", f.Err.ToString());
        Assert.False(File.Exists(Path.Combine(f.Root, "var/lib/dumpkit/initrd.img-6.1.0-56-amd64")));
    }

    [Fact]
    public void ASnippetInstallDidNotWriteIsNotOverwritten()
    {
        var (f, runner, cfg) = Machine();
        using var _ = f;
        f.WriteRoot("etc/default/grub.d/dumpkit-kdump.cfg", "GRUB_CMDLINE_LINUX_DEFAULT=\"crashkernel=1G\"\n");
        f.WriteRoot("etc/default/grub.d/kdump-tools.cfg", "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=384M-:128M\"\n");
        Assert.Equal(1, f.Kdump(runner, "--root", f.Root, "--config", cfg, "install"));
        Assert.Equal("GRUB_CMDLINE_LINUX_DEFAULT=\"crashkernel=1G\"\n", File.ReadAllText(Path.Combine(f.Root, "etc/default/grub.d/dumpkit-kdump.cfg")));
        Assert.Contains("not written by dumpkit kdump install (or changed since): left as it is", f.Err.ToString());
        Assert.Contains("kdump install: 1 step(s) failed", f.Out.ToString());
    }

    [Fact]
    public void AFailingInitrdBuilderIsAFailedStepAndKdumpInitrdIsNotBuiltForAConfiguredOne()
    {
        var (f, runner, cfg) = Machine();
        using var _ = f;
        runner.Handlers["dumpkit"] = _ => new(2, "", "kdump: unknown command 'initrd' (show, status)\n");
        Assert.Equal(1, f.Kdump(runner, "--root", f.Root, "--config", cfg, "install"));
        Assert.Contains("kdump: install: dumpkit kdump initrd failed (exit 2): kdump: unknown command 'initrd'", f.Err.ToString());
        // the rest was still done, and recorded
        Assert.True(File.Exists(Path.Combine(f.Root, "etc/default/grub.d/dumpkit-kdump.cfg")));
        runner.Calls.Clear();
        var cfg2 = f.Config($"KDUMP_KERNEL={f.Kernel()}\nKDUMP_INITRD={f.Initrd()}\n");
        Assert.Equal(0, f.Kdump(runner, "--root", f.Root, "--config", cfg2, "install"));
        Assert.DoesNotContain(runner.Calls, c => c.StartsWith("dumpkit", StringComparison.Ordinal));
        Assert.Contains("KDUMP_INITRD=", f.Out.ToString());
        runner.Calls.Clear();
        Assert.Equal(0, f.Kdump(runner, "--root", f.Root, "--config", cfg, "--no-initrd", "install"));
        Assert.DoesNotContain(runner.Calls, c => c.StartsWith("dumpkit", StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutGrubOrSystemctlInstallSaysWhatToDo()
    {
        var (f, runner, cfg) = Machine();
        using var _ = f;
        File.Delete(Path.Combine(f.Root, "etc/default/grub"));
        runner.Installed.Remove("systemctl");
        Assert.Equal(1, f.Kdump(runner, "--root", f.Root, "--config", cfg, "install"));
        Assert.Contains("no GRUB configuration (/etc/default/grub): add crashkernel=", f.Err.ToString());
        Assert.Contains("no systemctl: start \"dumpkit kdump load\" at boot yourself", f.Out.ToString());
    }
}
