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
public static class KdumpCommand
{
    public const int Ok = 0, Failed = 1, Usage = 2, NotReady = 3, RawOnly = 4;

    public static int Run(string[] args) => Run(args, KexecHost.Default);

    public static int Run(IReadOnlyList<string> args, KexecHost host)
    {
        if (Initrd.InitrdCommand.IsInitrd(args)) return Initrd.InitrdCommand.Run(args, host);
        var (help, unexpected, configPath, configGiven, vmcore, command) = KdumpArguments.Parse(args);
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
        try
        {
            return command switch
            {
                "show" => Show(plan, host),
                "status" => Status(host),
                "load" => Load(plan, host),
                "unload" => Unload(host),
                "test" => Test(plan, host),
                "savecore" => new Savecore(config, host, vmcore).Run(),
                _ => Unknown(command, host),
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            host.Err.WriteLine($"kdump: {command}: {Cli.SystemErrors.Message(e)}");
            return Failed;
        }
    }

    private static int Unknown(string command, KexecHost host)
    {
        host.Err.WriteLine($"kdump: unknown command '{command}' (show, status, load, unload, savecore, test)");
        return Usage;
    }

    private static void PrintUsage(TextWriter w)
    {
        w.WriteLine("usage: kdump [--config FILE] [--vmcore FILE] COMMAND");
        w.WriteLine("  show      the configuration, the crash memory and the kexec command load would run");
        w.WriteLine("  status    whether a crash kernel is loaded (exit 0 ready, 3 not ready)");
        w.WriteLine("  load      load the capture kernel (kexec -p) after checking crashkernel= memory");
        w.WriteLine("  unload    unload the capture kernel (kexec -p -u)");
        w.WriteLine("  savecore  in the capture kernel: save dmesg and the filtered dump to KDUMP_COREDIR");
        w.WriteLine("  test      check everything load and savecore need and print what they would do");
        w.WriteLine("  initrd [-o OUTPUT] [--kmoddir DIR] [KVER]  build the capture initramfs and print its path");
        w.WriteLine($"configuration: {KdumpConfig.DefaultPath} (KDUMP_KERNEL, KDUMP_INITRD, KDUMP_CMDLINE, KDUMP_CMDLINE_APPEND,");
        w.WriteLine("  KDUMP_COREDIR, MAKEDUMP_ARGS, KDUMP_NUM_DUMPS, KDUMP_FAIL_CMD, KDUMP_DUMP_DMESG, USE_KDUMP)");
        w.WriteLine("exit: 0 ok, 1 failed, 2 usage/config error, 3 not ready / no vmcore, 4 only the raw vmcore was saved");
    }

    private static string State(KexecHost host) => host.CrashLoaded switch
    {
        true => "ready to kdump",
        false => "Not ready to kdump",
        null => "unknown (no /sys/kernel/kexec_crash_loaded)",
    };

    private static int Status(KexecHost host)
    {
        host.Out.WriteLine($"current state   : {State(host)}");
        return host.CrashLoaded == true ? Ok : NotReady;
    }

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

    /// <summary>What load would find wrong, without loading anything.</summary>
    private static List<string> Problems(KdumpPlan plan, KexecHost host)
    {
        var problems = new List<string>();
        if (host.CrashSize == 0)
            problems.Add("no memory is reserved for a crash kernel: boot with crashkernel=SIZE (e.g. crashkernel=256M)");
        if (!File.Exists(plan.Kernel))
            problems.Add($"{plan.Kernel}: kdump kernel not found (set KDUMP_KERNEL)");
        else if (BzImage.CheckFile(plan.Kernel, out _) is { } why)
            problems.Add($"{plan.Kernel}: {why}");
        if (plan.Initrd is not null && !File.Exists(plan.Initrd))
            problems.Add($"{plan.Initrd}: kdump initrd not found (set KDUMP_INITRD)");
        else if (plan.Initrd is not null && InitrdImage.IdentifyFile(plan.Initrd) is null)
            problems.Add($"{plan.Initrd}: not a cpio archive or a compressed one");
        if (plan.Initrd is not null && File.Exists(plan.Initrd) && File.Exists(plan.Kernel) && host.CrashSize is > 0 and long size)
        {
            long need = new FileInfo(plan.Kernel).Length + new FileInfo(plan.Initrd).Length;
            if (need >= size)
                problems.Add($"kernel and initrd ({KexecErrors.Mib(need)}) do not fit in the {KexecErrors.Mib(size)} reserved by crashkernel=");
        }
        return problems;
    }

    private static int Test(KdumpPlan plan, KexecHost host)
    {
        var c = plan.Config;
        host.Out.WriteLine($"crash memory: {CrashMemory(host)}");
        host.Out.WriteLine($"load would run: {plan.KexecCommandText}");
        host.Out.WriteLine($"savecore would write: {Path.Combine(c.CoreDir, "YYYYmmddHHMM")}" +
            $"/dmesg.YYYYmmddHHMM and dump.YYYYmmddHHMM (makedumpfile {c.MakedumpArgs})" +
                           (c.NumDumps > 0 ? $", keeping the newest {c.NumDumps}" : ""));
        var problems = Problems(plan, host);
        if (MakedumpArgsProblem(c) is { } refused)
            problems.Add(refused);
        foreach (var p in problems)
            host.Err.WriteLine($"kdump: {p}");
        host.Out.WriteLine(problems.Count == 0 ? "kdump test: ready (nothing was loaded or crashed)" : $"kdump test: {problems.Count} problem(s)");
        return problems.Count == 0 ? Ok : Failed;
    }

    /// <summary>What the dump job would say of MAKEDUMP_ARGS in the capture kernel, or null when it makes a dump.</summary>
    private static string? MakedumpArgsProblem(KdumpConfig c)
    {
        var args = c.MakedumpArgs.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        string[] files = args.Contains("-F") ? ["/proc/vmcore"] : ["/proc/vmcore", "dump"];
        try
        {
            Makedumpfile.MakedumpfileCommand.ParseDumpJob([.. args, .. files]);
            return null;
        }
        catch (Makedumpfile.UsageException e)
        {
            return $"MAKEDUMP_ARGS=\"{c.MakedumpArgs}\" makes no dump: {e.Message} (savecore would copy the whole vmcore instead)";
        }
    }

    private static int Load(KdumpPlan plan, KexecHost host)
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
        host.Out.WriteLine($"kdump: {plan.KexecCommandText}");
        int rc = KexecCommand.Run(plan.KexecArgs, host);
        if (rc != 0)
        {
            host.Err.WriteLine("kdump: failed to load the crash kernel");
            return Failed;
        }
        host.Out.WriteLine($"kdump: crash kernel loaded (kexec_crash_loaded={host.ReadSystemFile("/sys/kernel/kexec_crash_loaded") ?? "?"})");
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

/// <summary>The kernel, initrd and command line a load uses, from the configuration and the running system.</summary>
public sealed class KdumpPlan
{
    public KdumpConfig Config { get; }
    public string Kernel { get; }
    public string? Initrd { get; }
    public string Cmdline { get; }

    private static readonly string[] Dropped = ["BOOT_IMAGE", "crashkernel", "hugepages", "hugepagesz", "default_hugepagesz"];

    public KdumpPlan(KdumpConfig config, KexecHost host)
    {
        Config = config;
        string release = host.KernelRelease;
        Kernel = config.Kernel ?? $"/boot/vmlinuz-{release}";
        string[] defaults = [Dumpkit.Kdump.Initrd.InitrdCommand.DefaultOutput(release), $"/boot/initrd.img-{release}"];
        Initrd = config.Initrd ?? defaults.FirstOrDefault(File.Exists);
        string baseLine = config.Cmdline ?? string.Join(' ',
            (host.ReadSystemFile("/proc/cmdline") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Where(w => !Dropped.Any(d => KexecCommand.IsParam(w, d))));
        Cmdline = string.Join(' ', new[] { baseLine, config.CmdlineAppend }.Where(s => s.Length > 0));
    }

    public string[] KexecArgs =>
        Initrd is null ? ["-p", Kernel, $"--command-line={Cmdline}"] : ["-p", Kernel, $"--initrd={Initrd}", $"--command-line={Cmdline}"];

    public string KexecCommandText =>
        $"kexec -p --command-line=\"{Cmdline}\"{(Initrd is null ? "" : $" --initrd={Initrd}")} {Kernel}";
}
