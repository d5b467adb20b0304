// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using Dumpkit.Kexec;

namespace Dumpkit.Kdump;

/// <summary>
/// Entry point of the <c>kdump</c> personality, the kdump service (like Debian's kdump-config):
/// <c>kdump [--config FILE] [--vmcore FILE] show|status|load|unload|savecore|test</c>.
/// Exit codes: 0 success (status: ready); 1 the operation failed (savecore: no complete dump
/// was saved); 2 usage or configuration error; 3 status: no crash kernel loaded, savecore: no
/// crash dump to save (not running in a capture kernel); 4 savecore: makedumpfile failed and only
/// the raw copy of the crash dump (vmcore.STAMP) was saved.
/// </summary>
public static partial class KdumpCommand
{
    public const int Ok = 0, Failed = 1, Usage = 2, NotReady = 3, RawOnly = 4;

    public static int Run(string[] args) => Run(args, KexecHost.Default);

    public static int Run(IReadOnlyList<string> args, KexecHost host) => Run(args, host, ProgramRunner.Default);

    public static int Run(IReadOnlyList<string> args, KexecHost host, ProgramRunner runner)
    {
        if (Initrd.InitrdCommand.IsInitrd(args)) return Initrd.InitrdCommand.Run(args, host);
        if (Initrd.FindFs.IsFindFs(args)) return Initrd.FindFs.Run(args, host);
        var parsed = KdumpArguments.Parse(args);
        var (help, unexpected, configPath, configGiven, vmcore, command) = parsed;
        host = WithRoot(host, parsed.Root ?? Environment.GetEnvironmentVariable("DUMPKIT_ROOT"));
        if (!configGiven) configPath = host.SystemPath(configPath);
        if (help) { PrintUsage(host.Out); return Ok; }
        if (unexpected is not null)
        {
            host.Err.WriteLine($"kdump: unexpected argument '{unexpected}' (usage: kdump [--config FILE] show|status|load|unload|savecore|test)");
            return Usage;
        }
        if (command is null)
        {
            PrintUsage(host.Err);
            return Usage;
        }
        KdumpConfig config;
        try
        {
            if (configGiven && Directory.Exists(configPath))
            {
                host.Err.WriteLine($"kdump: {configPath}: {Cli.SystemErrors.StrError(Cli.SystemErrors.Eisdir)}");
                return Usage;
            }
            if (configGiven && !File.Exists(configPath))
            {
                host.Err.WriteLine($"kdump: {configPath}: no such configuration file");
                return Usage;
            }
            config = KdumpConfig.Load(configPath);
        }
        catch (KdumpConfigException e)
        {
            host.Err.WriteLine($"kdump: {e.Message}");
            return Usage;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            host.Err.WriteLine($"kdump: {configPath}: {Cli.SystemErrors.Message(e, configPath)}");
            return Usage;
        }
        var plan = new KdumpPlan(config, host);
        if (RefuseKeys(command, config, host) is int refused)
            return refused;
        try
        {
            return command switch
            {
                "show" => Show(plan, host),
                "status" => Status(plan, host, runner, parsed.Json),
                "load" => Load(plan, host, runner),
                "unload" => Unload(host),
                "test" => Test(plan, host, runner),
                "savecore" => new Savecore(config, host, vmcore, runner).Run(),
                "fetch" => new S3.S3Fetch(config, host).Run(parsed.Operands),
                "estimate" => Estimate(plan, host, parsed.Json),
                "install" => new Installer(plan, host, runner).Install(!parsed.NoInitrd),
                "uninstall" => new Installer(plan, host, runner).Uninstall(),
                _ => Unknown(command, host),
            };
        }
        // a failed standard output goes on to the dispatcher, which says "kdump: write error: …"
        catch (Exception e) when (e is (IOException and not Cli.StdoutWriteException) or UnauthorizedAccessException
                                  or PlatformNotSupportedException)
        {
            host.Err.WriteLine($"kdump: {command}: {Cli.SystemErrors.Message(e)}");
            return Failed;
        }
    }

    private static int Unknown(string command, KexecHost host)
    {
        host.Err.WriteLine($"kdump: unknown command '{command}' (show, status, load, unload, savecore, test, estimate, install, uninstall, fetch)");
        return Usage;
    }

    private static void PrintUsage(TextWriter w)
    {
        w.WriteLine("usage: kdump [--config FILE] [--root DIR] [--vmcore FILE] [--json] [--no-initrd] COMMAND");
        w.WriteLine("  show      the configuration, the crash memory and the kexec command load would run");
        w.WriteLine("  status    whether a crash kernel is loaded and a dump would work (--json; exit 0 ready, 1 problems, 3 not loaded)");
        w.WriteLine("  load      load the capture kernel (kexec -p) after checking crashkernel= memory");
        w.WriteLine("  unload    unload the capture kernel (kexec -p -u)");
        w.WriteLine("  savecore  in the capture kernel: save dmesg and the filtered dump to KDUMP_COREDIR");
        w.WriteLine("  test      check everything load and savecore need and print what they would do");
        w.WriteLine("  fetch LOCATION OUTDIR  a dump savecore uploaded to KDUMP_S3, checked and rebuilt into OUTDIR");
        w.WriteLine("  initrd [-o OUTPUT] [--kmoddir DIR] [KVER]  build the capture initramfs and print its path");
        w.WriteLine("  findfs UUID=…|LABEL=…  the device of that file system, from the superblocks (the capture initramfs's, no udev)");
        w.WriteLine("  estimate  the crashkernel= size this machine needs and the expected dump size (--json)");
        w.WriteLine("  install   reserve crashkernel= (GRUB), build the capture initramfs, enable dumpkit-kdump.service");
        w.WriteLine("  uninstall undo exactly what install did (its manifest: /var/lib/dumpkit/install.manifest)");
        w.WriteLine($"configuration: {KdumpConfig.DefaultPath} (KDUMP_KERNEL, KDUMP_INITRD, KDUMP_CMDLINE, KDUMP_CMDLINE_APPEND,");
        w.WriteLine("  KDUMP_COREDIR, MAKEDUMP_ARGS, KDUMP_NUM_DUMPS, KDUMP_FAIL_CMD, KDUMP_DUMP_DMESG, USE_KDUMP, KDUMP_KEXEC_ARGS,");
        w.WriteLine("  KDUMP_SYSCTL, SSH, SSH_KEY, NFS, NFS_TIMEO, NFS_RETRANS, NFS_MOUNT_RETRY, KDUMP_S3, KDUMP_S3_REGION,");
        w.WriteLine("  KDUMP_S3_CREDENTIALS, KDUMP_S3_PART_SIZE; kdump-tools' FTP, HOSTTAG, KDUMP_COMPRESSION are refused)");
        w.WriteLine("exit: 0 ok, 1 failed, 2 usage/config error, 3 not ready / no vmcore, 4 only the raw vmcore was saved");
    }

    private static string State(KexecHost host) => host.CrashLoaded switch
    {
        true => "ready to kdump",
        false => "Not ready to kdump",
        null => "unknown (no /sys/kernel/kexec_crash_loaded)",
    };

    private static string CrashMemory(KexecHost host) => host.CrashSize switch
    {
        null => "unknown (no /sys/kernel/kexec_crash_size)",
        0 => "none reserved (boot with crashkernel=SIZE)",
        long n => $"{KexecErrors.Mib(n)} ({n} bytes)",
    };

    private static int Show(KdumpPlan plan, KexecHost host)
    {
        var c = plan.Config;
        var w = host.Out;
        w.WriteLine($"config file     : {c.Source ?? "(none, defaults)"}");
        w.WriteLine($"USE_KDUMP       : {(c.UseKdump ? 1 : 0)}");
        w.WriteLine($"KDUMP_COREDIR   : {c.CoreDir}");
        if (c.Nfs is not null)
        {
            // as kdump-tools' show: the export and its mount's settings
            var nfs = NfsTarget.FromConfig(c, out string? problem);
            w.WriteLine($"NFS             : {c.Nfs}{(problem is null ? $" (mounted on {c.CoreDir})" : $" ({problem})")}");
            if (nfs is not null)
            {
                w.WriteLine($"NFS_TIMEO       : {nfs.Timeo}");
                w.WriteLine($"NFS_RETRANS     : {nfs.Retrans}");
                w.WriteLine($"NFS_MOUNT_RETRY : {nfs.MountRetry}");
            }
        }
        w.WriteLine($"MAKEDUMP_ARGS   : {c.MakedumpArgs}");
        w.WriteLine($"KDUMP_NUM_DUMPS : {(c.NumDumps == 0 ? "0 (keep all)" : c.NumDumps.ToString(CultureInfo.InvariantCulture))}");
        w.WriteLine($"KDUMP_FAIL_CMD  : {c.FailCmd ?? "(none)"}");
        w.WriteLine($"crash memory    : {CrashMemory(host)}");
        w.WriteLine($"kdump kernel    : {plan.Kernel}");
        w.WriteLine($"kdump initrd    : {plan.Initrd ?? "(none)"}");
        w.WriteLine($"current state   : {State(host)}");
        w.WriteLine("kexec command   :");
        w.WriteLine($"  {plan.KexecCommandText}");
        return Ok;
    }

    private static int Load(KdumpPlan plan, KexecHost host, ProgramRunner runner)
    {
        if (!plan.Config.UseKdump)
        {
            host.Out.WriteLine("kdump: USE_KDUMP=0: not loading a crash kernel");
            return Ok;
        }
        long? size = host.CrashSize;
        if (size == 0)
        {
            host.Err.WriteLine("kdump: no memory is reserved for a crash kernel: boot with crashkernel=SIZE (e.g. crashkernel=256M)");
            return Failed;
        }
        host.Out.WriteLine($"kdump: crashkernel reserved: {CrashMemory(host)}");
        if (!File.Exists(plan.Kernel))
        {
            host.Err.WriteLine($"kdump: {plan.Kernel}: kdump kernel not found (set KDUMP_KERNEL in {plan.Config.Source ?? KdumpConfig.DefaultPath})");
            return Failed;
        }
        if (plan.KexecArgsProblem() is { } badArgs)
        {
            host.Err.WriteLine($"kdump: {badArgs}");
            return Usage;
        }
        if (RebuildStaleInitrd(plan, host, runner) is int failed)
            return failed;
        host.Out.WriteLine($"kdump: {plan.KexecCommandText}");
        int rc = KexecCommand.Run(plan.KexecArgs, host);
        if (rc != 0)
        {
            host.Err.WriteLine("kdump: failed to load the crash kernel");
            return Failed;
        }
        host.Out.WriteLine($"kdump: crash kernel loaded (kexec_crash_loaded={host.ReadSystemFile("/sys/kernel/kexec_crash_loaded") ?? "?"})");
        ApplySysctls(plan.Config, host);
        return Ok;
    }

    private static int Unload(KexecHost host)
    {
        int rc = KexecCommand.Run(["-p", "-u"], host);
        if (rc != 0) return Failed;
        host.Out.WriteLine("kdump: crash kernel unloaded");
        return Ok;
    }
}
