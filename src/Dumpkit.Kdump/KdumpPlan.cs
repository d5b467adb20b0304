// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kexec;

namespace Dumpkit.Kdump;

/// <summary>The kernel, initrd and command line a load uses, from the configuration and the running system.</summary>
public sealed class KdumpPlan
{
    public KdumpConfig Config { get; }
    public string Kernel { get; }
    public string? Initrd { get; }
    public string Cmdline { get; }
    /// <summary>The running kernel's release (uname -r), which names the default files.</summary>
    public string Release { get; }

    /// <summary>Where install puts the capture initramfs it builds (as kdump-tools' /var/lib/kdump/initrd.img-KVER).</summary>
    public static string OwnInitrdPath(string release) => Dumpkit.Kdump.Initrd.InitrdCommand.DefaultOutput(release);

    private static readonly string[] Dropped = ["BOOT_IMAGE", "crashkernel", "hugepages", "hugepagesz", "default_hugepagesz"];

    public KdumpPlan(KdumpConfig config, KexecHost host)
    {
        Config = config;
        string release = host.KernelRelease;
        Release = release;
        Kernel = config.Kernel ?? host.SystemPath($"/boot/vmlinuz-{release}");
        // dumpkit's own capture initramfs (made by install, with "dumpkit kdump initrd") before Debian's full one
        string ownInitrd = host.SystemPath(OwnInitrdPath(release));
        string defaultInitrd = host.SystemPath($"/boot/initrd.img-{release}");
        Initrd = config.Initrd ?? (File.Exists(ownInitrd) ? ownInitrd : File.Exists(defaultInitrd) ? defaultInitrd : null);
        string baseLine = config.Cmdline ?? string.Join(' ',
            (host.ReadSystemFile("/proc/cmdline") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Where(w => !Dropped.Any(d => KexecCommand.IsParam(w, d))));
        Cmdline = string.Join(' ', new[] { baseLine, config.CmdlineAppend }.Where(s => s.Length > 0));
    }

    /// <summary>
    /// What changed since dumpkit's own capture initramfs <see cref="Initrd"/> was built (the configuration, the module
    /// tree: its <see cref="Initrd.InitrdStamp"/>), or null when nothing did, it has no stamp or it is not dumpkit's.
    /// </summary>
    public string? InitrdChange(KexecHost host)
    {
        if (Initrd is null || Initrd != host.SystemPath(OwnInitrdPath(Release)) || !File.Exists(Initrd)) return null;
        if (Dumpkit.Kdump.Initrd.InitrdStamp.Read(Initrd) is not { } stamp) return null;
        string config = Config.Source ?? host.SystemPath(KdumpConfig.DefaultPath);
        try { return stamp.Change(stamp.Now(config)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return $"{config}: {Cli.SystemErrors.Message(e, config)}"; }
    }

    /// <summary>kexec's arguments: -p, KDUMP_KEXEC_ARGS, the kernel, the initrd and the command line.</summary>
    public string[] KexecArgs =>
        Initrd is null
            ? ["-p", .. Config.KexecArgs, Kernel, $"--command-line={Cmdline}"]
            : ["-p", .. Config.KexecArgs, Kernel, $"--initrd={Initrd}", $"--command-line={Cmdline}"];

    public string KexecCommandText =>
        $"kexec -p{string.Concat(Config.KexecArgs.Select(a => " " + a))} --command-line=\"{Cmdline}\"" +
        $"{(Initrd is null ? "" : $" --initrd={Initrd}")} {Kernel}";

    /// <summary>
    /// What kexec would say of KDUMP_KEXEC_ARGS, or null when they are options of a crash-kernel load that
    /// leave the kernel, initrd and command line to the other keys.
    /// </summary>
    public string? KexecArgsProblem()
    {
        if (Config.KexecArgs.Length == 0) return null;
        string value = $"KDUMP_KEXEC_ARGS=\"{string.Join(' ', Config.KexecArgs)}\"";
        KexecOptions o;
        try
        {
            o = KexecOptions.Parse(["-p", .. Config.KexecArgs]);
        }
        catch (KexecUsageException e)
        {
            return $"{value}: kexec would refuse it: {e.Message}";
        }
        if (o.Positional.Count > 0)
            return $"{value}: '{o.Positional[0]}' is not an option (the kernel is KDUMP_KERNEL)";
        if (o.Initrd is not null || o.Append is not null || o.ReuseCmdline)
            return $"{value}: the initrd and command line are KDUMP_INITRD, KDUMP_CMDLINE and KDUMP_CMDLINE_APPEND";
        if (!o.Crash || !o.DoLoad || o.HasLoad || o.DoUnload || o.DoExec || o.Status || o.Help || o.Version || o.PrintCrashSize)
            return $"{value}: changes what kexec does (load would no longer load the crash kernel)";
        return null;
    }
}
