// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kexec;

namespace Dumpkit.Kdump;

/// <summary>
/// <c>kdump install</c> and <c>uninstall</c>: make dumpkit this machine's kdump service, as kdump-tools'
/// package and kdumpctl do, and undo exactly that. install builds the capture initramfs (<c>dumpkit kdump
/// initrd</c>, a subprocess of this binary) unless KDUMP_INITRD names one, sizes crashkernel= for it
/// (<see cref="CrashkernelEstimate"/>), writes it into a GRUB snippet (/etc/default/grub.d/dumpkit-kdump.cfg,
/// then update-grub) and enables dumpkit-kdump.service (systemctl); every file it wrote and every unit it
/// enabled goes into <see cref="InstallManifest"/>. Running it again changes only what differs.
/// Every path is under the host's root (<c>--root</c>); programs run there only when the root is /, except
/// systemctl, which takes <c>--root</c>.
/// </summary>
public sealed class Installer(KdumpPlan plan, KexecHost host, ProgramRunner runner)
{
    public const string GrubSnippet = "/etc/default/grub.d/dumpkit-kdump.cfg";
    public const string KdumpToolsSnippet = "/etc/default/grub.d/kdump-tools.cfg";
    public const string Unit = "dumpkit-kdump.service";

    private TextWriter Out => host.Out;
    private TextWriter Err => host.Err;
    private bool RealRoot => host.Root == "/";
    private string ManifestFile => host.SystemPath(InstallManifest.Path);

    public int Install(bool buildInitrd)
    {
        var manifest = InstallManifest.Read(ManifestFile);
        manifest.EnsureDir(Path.GetDirectoryName(ManifestFile)!);
        int failures = 0;
        if (buildInitrd && !BuildInitrd(manifest)) failures++;
        manifest.Write(ManifestFile);

        // sized for the initramfs just built
        var estimate = EstimateReport.Make(new KdumpPlan(plan.Config, host), host, census: false);
        if (estimate.Crashkernel is not { } size)
        {
            Err.WriteLine("kdump: install: cannot size crashkernel=: no MemTotal in /proc/meminfo");
            return KdumpCommand.Failed;
        }
        Out.WriteLine($"kdump: crashkernel size for this machine: {size.Parameter} (dumpkit kdump estimate says why)");
        bool grubChanged = false;
        if (!WriteGrubSnippet(size.Parameter, manifest, ref grubChanged)) failures++;
        manifest.Write(ManifestFile);
        if (grubChanged && !UpdateGrub()) failures++;
        if (!EnableUnit(manifest)) failures++;
        manifest.Write(ManifestFile);

        bool reserved = host.CrashSize is long r && r >= size.Bytes;
        if (!reserved)
            Out.WriteLine($"kdump: reboot to reserve the memory ({size.Parameter}); then dumpkit kdump status says whether a dump would work");
        else
            Out.WriteLine("kdump: the running kernel has reserved enough memory; dumpkit-kdump.service loads the capture kernel at boot " +
                          "(now: dumpkit kdump load)");
        Out.WriteLine(failures == 0 ? "kdump install: done" : $"kdump install: {failures} step(s) failed");
        return failures == 0 ? KdumpCommand.Ok : KdumpCommand.Failed;
    }

    /// <summary><c>dumpkit kdump initrd -o /var/lib/dumpkit/initrd.img-KVER KVER</c>, unless KDUMP_INITRD names one.</summary>
    private bool BuildInitrd(InstallManifest manifest)
    {
        if (plan.Config.Initrd is { } configured)
        {
            Out.WriteLine($"kdump: KDUMP_INITRD={configured}: not building a capture initramfs (load boots that one)");
            return true;
        }
        string output = host.SystemPath(KdumpPlan.OwnInitrdPath(plan.Release));
        string? self = runner.Self;
        if (self is null)
        {
            Err.WriteLine("kdump: install: cannot find this program to run dumpkit kdump initrd");
            return false;
        }
        manifest.EnsureDir(Path.GetDirectoryName(output)!);
        List<string> args = ["kdump"];
        if (plan.Config.Source is { } source && source != KdumpConfig.DefaultPath) args.AddRange(["--config", source]);
        args.AddRange(["initrd", "-o", output, plan.Release]);
        Out.WriteLine($"kdump: building the capture initramfs: {self} {string.Join(' ', args)}");
        var r = runner.Run(self, args);
        if (r.ExitCode != 0 || !File.Exists(output))
        {
            Err.WriteLine($"kdump: install: dumpkit kdump initrd failed (exit {r.ExitCode}): {r.LastLine}");
            return false;
        }
        manifest.AddFile(output, InstallManifest.Sha256(output));
        string stamp = Initrd.InitrdStamp.PathOf(output);
        if (File.Exists(stamp)) manifest.AddFile(stamp, InstallManifest.Sha256(stamp));
        Out.WriteLine($"kdump: capture initramfs: {output} ({SystemFacts.Mib(new FileInfo(output).Length)})");
        return true;
    }

    private static string SnippetText(string parameter) =>
        "# Written by \"dumpkit kdump install\" and removed by \"dumpkit kdump uninstall\":\n" +
        "# memory for the capture kernel (dumpkit kdump estimate).\n" +
        $"GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT {parameter}\"\n";

    private bool WriteGrubSnippet(string parameter, InstallManifest manifest, ref bool changed)
    {
        string file = host.SystemPath(GrubSnippet);
        string dir = Path.GetDirectoryName(file)!;
        if (!Directory.Exists(dir) && !File.Exists(host.SystemPath("/etc/default/grub")))
        {
            Err.WriteLine($"kdump: install: no GRUB configuration (/etc/default/grub): add {parameter} to the kernel command line " +
                          "with your boot loader");
            return false;
        }
        string text = SnippetText(parameter);
        if (File.Exists(file))
        {
            if (File.ReadAllText(file) == text)
            {
                Out.WriteLine($"kdump: {GrubSnippet}: already says {parameter}");
                if (!manifest.Files.Exists(f => f.Path == file)) manifest.AddFile(file, InstallManifest.Sha256(file));
                return true;
            }
            bool ours = manifest.Files.Exists(f => f.Path == file && f.Sha256 == InstallManifest.Sha256(file));
            if (!ours)
            {
                Err.WriteLine($"kdump: install: {GrubSnippet}: not written by dumpkit kdump install (or changed since): left as it is");
                return false;
            }
        }
        manifest.EnsureDir(dir);
        File.WriteAllText(file + ".new", text);
        File.Move(file + ".new", file, overwrite: true);
        manifest.AddFile(file, InstallManifest.Sha256(file));
        changed = true;
        Out.WriteLine($"kdump: {GrubSnippet}: {parameter}");
        if (File.Exists(host.SystemPath(KdumpToolsSnippet)))
            Err.WriteLine($"kdump: warning: {KdumpToolsSnippet} (kdump-tools) also sets crashkernel=; it comes later, so the kernel uses its size");
        return true;
    }

    private bool UpdateGrub()
    {
        if (!RealRoot)
        {
            Out.WriteLine($"kdump: not running update-grub for the root {host.Root} (run it in that system)");
            return true;
        }
        string? updateGrub = runner.Find("update-grub");
        if (updateGrub is null)
        {
            Out.WriteLine("kdump: no update-grub: regenerate the boot loader's configuration yourself");
            return true;
        }
        Out.WriteLine($"kdump: {updateGrub}");
        var r = runner.Run(updateGrub, []);
        if (r.ExitCode == 0) return true;
        Err.WriteLine($"kdump: update-grub failed (exit {r.ExitCode}): {r.LastLine}");
        return false;
    }

    private string[] Systemctl(params string[] args) => RealRoot ? args : [$"--root={host.Root}", .. args];

    private bool EnableUnit(InstallManifest manifest)
    {
        string? systemctl = runner.Find("systemctl");
        if (systemctl is null)
        {
            Out.WriteLine($"kdump: no systemctl: start \"dumpkit kdump load\" at boot yourself ({Unit} is not enabled)");
            return true;
        }
        var state = runner.Run(systemctl, Systemctl("is-enabled", Unit));
        if (state.ExitCode == 0 && state.Output.Trim() == "enabled")
        {
            Out.WriteLine($"kdump: {Unit}: already enabled");
            return true;
        }
        var r = runner.Run(systemctl, Systemctl("enable", Unit));
        if (r.ExitCode != 0)
        {
            Err.WriteLine($"kdump: install: systemctl enable {Unit} failed (exit {r.ExitCode}): {r.LastLine}");
            return false;
        }
        if (!manifest.Units.Contains(Unit)) manifest.Units.Add(Unit);
        Out.WriteLine($"kdump: {Unit}: enabled");
        return true;
    }

    public int Uninstall()
    {
        if (!File.Exists(ManifestFile))
        {
            Out.WriteLine($"kdump uninstall: nothing to undo (no {InstallManifest.Path})");
            return KdumpCommand.Ok;
        }
        var manifest = InstallManifest.Read(ManifestFile);
        var left = new InstallManifest();
        int failures = 0;
        string? systemctl = manifest.Units.Count > 0 ? runner.Find("systemctl") : null;
        foreach (var unit in manifest.Units)
        {
            if (systemctl is null)
            {
                Err.WriteLine($"kdump: uninstall: no systemctl to disable {unit}");
                left.Units.Add(unit);
                failures++;
                continue;
            }
            var r = runner.Run(systemctl, Systemctl("disable", unit));
            if (r.ExitCode == 0) Out.WriteLine($"kdump: {unit}: disabled");
            else
            {
                Err.WriteLine($"kdump: uninstall: systemctl disable {unit} failed (exit {r.ExitCode}): {r.LastLine}");
                left.Units.Add(unit);
                failures++;
            }
        }
        bool grubRemoved = false;
        foreach (var (path, sha) in manifest.Files)
        {
            if (!File.Exists(path))
            {
                Out.WriteLine($"kdump: {path}: already gone");
                continue;
            }
            if (InstallManifest.Sha256(path) != sha)
            {
                Err.WriteLine($"kdump: uninstall: {path}: changed since install: left as it is");
                continue;
            }
            File.Delete(path);
            Out.WriteLine($"kdump: {path}: removed");
            if (path == host.SystemPath(GrubSnippet)) grubRemoved = true;
        }
        if (grubRemoved && !UpdateGrub()) failures++;
        if (left.Units.Count > 0)
            left.Dirs.AddRange(manifest.Dirs);
        left.Write(ManifestFile);
        if (left.Units.Count == 0)
            foreach (var d in manifest.Dirs.OrderByDescending(d => d.Length))
                if (Directory.Exists(d) && !Directory.EnumerateFileSystemEntries(d).Any())
                    Directory.Delete(d);
        if (grubRemoved)
            Out.WriteLine("kdump: the crashkernel= memory stays reserved until the next reboot");
        Out.WriteLine(failures == 0 ? "kdump uninstall: done" : $"kdump uninstall: {failures} step(s) failed");
        return failures == 0 ? KdumpCommand.Ok : KdumpCommand.Failed;
    }
}
