// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kdump.Initrd;
using Dumpkit.Kexec;

namespace Dumpkit.Kdump;

public static partial class KdumpCommand
{
    /// <summary>
    /// Before a load: dumpkit's own capture initramfs whose stamp says the configuration or the module tree changed
    /// since it was built is built again (<c>dumpkit kdump initrd</c>, as install built it) and install's manifest
    /// follows the new file. Null when there was nothing to do or it was rebuilt; otherwise the exit status.
    /// </summary>
    internal static int? RebuildStaleInitrd(KdumpPlan plan, KexecHost host, ProgramRunner runner)
    {
        if (plan.InitrdChange(host) is not { } change || plan.Initrd is not { } image || InitrdStamp.Read(image) is not { } stamp)
            return null;
        host.Out.WriteLine($"kdump: {image}: {change} since it was built: rebuilding it");
        if (runner.Self is not { } self)
        {
            host.Err.WriteLine("kdump: cannot find this program to run dumpkit kdump initrd: not loading a stale capture initramfs");
            return Failed;
        }
        List<string> args = ["kdump"];
        if (plan.Config.Source is { } source) args.AddRange(["--config", source]);
        args.AddRange(["initrd", "-o", image, "--kmoddir", stamp.ModuleDir, plan.Release]);
        var r = runner.Run(self, args);
        if (r.ExitCode != 0)
        {
            host.Err.WriteLine($"kdump: rebuilding {image} failed (exit {r.ExitCode}): {r.LastLine}: not loading a stale capture initramfs");
            return Failed;
        }
        string manifestFile = host.SystemPath(InstallManifest.Path);
        var manifest = InstallManifest.Read(manifestFile);
        if (manifest.Files.Exists(f => f.Path == image))
        {
            foreach (var file in new[] { image, InitrdStamp.PathOf(image) }.Where(File.Exists))
                manifest.AddFile(file, InstallManifest.Sha256(file));
            manifest.Write(manifestFile);
        }
        host.Out.WriteLine($"kdump: capture initramfs rebuilt: {image}");
        return null;
    }
}
