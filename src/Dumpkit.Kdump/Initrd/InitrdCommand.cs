// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kexec;

namespace Dumpkit.Kdump.Initrd;

/// <summary>
/// <c>dumpkit kdump [--config FILE] initrd [-o OUTPUT] [--kmoddir DIR] [KVER]</c>: builds the capture initramfs for
/// kernel KVER (default: the running one) from /lib/modules/KVER (or DIR), writes it to OUTPUT (default: KDUMP_INITRD,
/// else <see cref="DefaultOutput"/>), what it was built from beside it (<see cref="InitrdStamp"/>, OUTPUT.stamp) and prints
/// the path. Exit 0 written, 1 failed, 2 usage or configuration error.
/// </summary>
public static class InitrdCommand
{
    public const string DefaultDirectory = "/var/lib/dumpkit";
    public const string Busybox = "/bin/busybox";

    /// <summary>Where the image for a kernel goes when KDUMP_INITRD is not set, and where load looks for it.</summary>
    public static string DefaultOutput(string kver) => $"{DefaultDirectory}/initrd.img-{kver}";

    /// <summary>Whether the command word of a kdump command line is "initrd" (options before it: --config, --vmcore).</summary>
    public static bool IsInitrd(IReadOnlyList<string> args)
    {
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] is "--config" or "--vmcore") { i++; continue; }
            if (args[i].StartsWith('-')) continue;
            return args[i] == "initrd";
        }
        return false;
    }

    public static int Run(IReadOnlyList<string> args, KexecHost host) => Run(args, host, Environment.ProcessPath ?? "/usr/bin/dumpkit", Busybox);

    public static int Run(IReadOnlyList<string> args, KexecHost host, string dumpkit, string busybox)
    {
        string configPath = KdumpConfig.DefaultPath;
        bool configGiven = false, seenCommand = false;
        string? output = null, kver = null, kmoddir = null;
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            string? Value()
            {
                if (i + 1 >= args.Count) return null;
                return args[++i];
            }
            switch (a)
            {
                case "-h" or "--help":
                    host.Out.WriteLine("usage: kdump [--config FILE] initrd [-o OUTPUT] [--kmoddir DIR] [KVER]");
                    host.Out.WriteLine("  builds the capture initramfs for kernel KVER (default: the running kernel) and prints its path");
                    host.Out.WriteLine($"  OUTPUT: default KDUMP_INITRD, else {DefaultOutput("KVER")}; DIR: default /lib/modules/KVER");
                    return KdumpCommand.Ok;
                case "--config" when Value() is { } c: configPath = c; configGiven = true; break;
                case "-o" or "--output" when Value() is { } o: output = o; break;
                case "--kmoddir" when Value() is { } k: kmoddir = k; break;
                case "initrd" when !seenCommand: seenCommand = true; break;
                default:
                    if (a.StartsWith("-o", StringComparison.Ordinal) && a.Length > 2) { output = a[2..]; break; }
                    if (!a.StartsWith('-') && seenCommand && kver is null) { kver = a; break; }
                    host.Err.WriteLine($"kdump: initrd: unexpected argument '{a}' (usage: kdump initrd [-o OUTPUT] [--kmoddir DIR] [KVER])");
                    return KdumpCommand.Usage;
            }
        }
        KdumpConfig config;
        string configText = "";
        try
        {
            if (configGiven && !File.Exists(configPath))
            {
                host.Err.WriteLine($"kdump: {configPath}: no such configuration file");
                return KdumpCommand.Usage;
            }
            config = KdumpConfig.Load(configPath);
            if (config.Source is not null) configText = File.ReadAllText(configPath);
        }
        catch (KdumpConfigException e)
        {
            host.Err.WriteLine($"kdump: {e.Message}");
            return KdumpCommand.Usage;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            host.Err.WriteLine($"kdump: {configPath}: {Cli.SystemErrors.Message(e, configPath)}");
            return KdumpCommand.Usage;
        }
        foreach (var o in KdumpKeys.Orphans(config))
            host.Err.WriteLine($"kdump: initrd: warning: {o}");
        // a conflict is refused here too: the image would save to one target while the configuration names two
        if (config.TargetConflict is { } conflict)
        {
            host.Err.WriteLine($"kdump: initrd: {conflict}");
            return KdumpCommand.Failed;
        }
        kver ??= host.KernelRelease;
        if (kver.Contains('/') || kver is "." or "..")
        {
            host.Err.WriteLine($"kdump: initrd: {kver}: not a kernel release");
            return KdumpCommand.Usage;
        }
        kmoddir ??= $"/lib/modules/{kver}";
        output ??= config.Initrd ?? DefaultOutput(kver);
        try
        {
            if (!File.Exists(Path.Combine(kmoddir, "modules.dep")))
                throw new InitrdException($"{kmoddir}/modules.dep: {Cli.SystemErrors.StrError(2)} (is linux-image-{kver} installed?)");
            var target = DumpTarget.Resolve(config, host);
            foreach (var n in target.Notes)
                host.Err.WriteLine($"kdump: initrd: {n}");
            var input = new InitrdInputs(kver, kmoddir, busybox, dumpkit, config, configText);
            var image = InitrdBuilder.Compress(InitrdBuilder.Entries(input, target, host.Err));
            InitrdBuilder.WriteFile(output, image);
            InitrdStamp.Of(kver, config.Source ?? configPath, configText, kmoddir)
                .WithCredentials(target.CredentialsFile, target.CredentialsBytes).Write(output);
            host.Out.WriteLine(output);
            return KdumpCommand.Ok;
        }
        catch (Exception e) when (e is InitrdException or DumpTargetException)
        {
            host.Err.WriteLine($"kdump: initrd: {e.Message}");
            return KdumpCommand.Failed;
        }
        catch (InvalidDataException e)
        {
            host.Err.WriteLine($"kdump: initrd: {dumpkit}: {e.Message}");
            return KdumpCommand.Failed;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            host.Err.WriteLine($"kdump: initrd: {Cli.SystemErrors.Message(e)}");
            return KdumpCommand.Failed;
        }
    }
}
