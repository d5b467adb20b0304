// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Cli;

namespace Dumpkit.Kexec;

/// <summary>kexec-tools' command line, with its action rules (later options override earlier ones).</summary>
public sealed class KexecOptions
{
    public bool DoLoad { get; set; } = true;
    public bool DoExec { get; set; }
    public bool DoShutdown { get; set; } = true;
    public bool DoSync { get; set; } = true;
    public bool DoUnload { get; set; }
    public bool HasLoad { get; set; }
    public bool Crash { get; set; }
    public bool Status { get; set; }
    public bool Help { get; set; }
    public bool Version { get; set; }
    public bool Debug { get; set; }
    public bool PrintCrashSize { get; set; }
    public bool SkipSync { get; set; }
    public bool ReuseCmdline { get; set; }
    public string? Initrd { get; set; }
    public string? Append { get; set; }
    public List<string> Positional { get; } = [];

    private sealed record Opt(string Long, char Short, Arity Arity, Action<KexecOptions, string?> Apply)
        : Option(Long, Short, Arity);

    private static readonly Opt[] Table =
    [
        new("help", 'h', Arity.None, (o, _) => o.Help = true),
        new("version", 'v', Arity.None, (o, _) => o.Version = true),
        new("debug", 'd', Arity.None, (o, _) => o.Debug = true),
        new("force", 'f', Arity.None, (o, _) => { o.DoLoad = true; o.DoShutdown = false; o.DoSync = true; o.DoExec = true; }),
        new("no-ifdown", 'x', Arity.None, (_, _) => { }),
        new("no-sync", 'y', Arity.None, (o, _) => o.SkipSync = true),
        new("load", 'l', Arity.None, (o, _) => { o.HasLoad = true; o.DoLoad = true; o.DoExec = false; o.DoShutdown = false; }),
        new("unload", 'u', Arity.None, (o, _) => { o.DoLoad = false; o.DoShutdown = false; o.DoSync = false; o.DoUnload = true; }),
        new("exec", 'e', Arity.None, (o, _) => { o.DoLoad = false; o.DoShutdown = false; o.DoSync = true; o.DoExec = true; }),
        new("type", 't', Arity.Required, (_, _) => { }),
        new("load-panic", 'p', Arity.None, (o, _) => { o.DoLoad = true; o.DoExec = false; o.DoShutdown = false; o.DoSync = false; o.Crash = true; }),
        new("kexec-file-syscall", 's', Arity.None, (_, _) => { }),
        new("kexec-syscall-auto", 'a', Arity.None, (_, _) => { }),
        new("kexec-syscall", 'c', Arity.None, (_, _) => throw new KexecUsageException(
            "-c/--kexec-syscall (the old kexec_load call) is not supported: dumpkit loads with kexec_file_load only")),
        new("status", 'S', Arity.None, (o, _) => o.Status = true),
        new("no-checks", 'i', Arity.None, (_, _) => { }),
        new("print-ckr-size", Option.NoShort, Arity.None, (o, _) => o.PrintCrashSize = true),
        new("mem-min", Option.NoShort, Arity.Required, (_, _) => { }),
        new("mem-max", Option.NoShort, Arity.Required, (_, _) => { }),
        new("append", Option.NoShort, Arity.Required, (o, v) => o.Append = v),
        new("command-line", Option.NoShort, Arity.Required, (o, v) => o.Append = v),
        new("reuse-cmdline", Option.NoShort, Arity.None, (o, _) => o.ReuseCmdline = true),
        new("initrd", Option.NoShort, Arity.Required, (o, v) => o.Initrd = v),
        new("ramdisk", Option.NoShort, Arity.Required, (o, v) => o.Initrd = v),
        // x86 options that only matter for the old kexec_load path: accepted, no effect
        new("console-vga", Option.NoShort, Arity.None, (_, _) => { }),
        new("console-serial", Option.NoShort, Arity.None, (_, _) => { }),
        new("elf32-core-headers", Option.NoShort, Arity.None, (_, _) => { }),
        new("elf64-core-headers", Option.NoShort, Arity.None, (_, _) => { }),
        new("pass-memmap-cmdline", Option.NoShort, Arity.None, (_, _) => { }),
        new("noefi", Option.NoShort, Arity.None, (_, _) => { }),
        new("reset-vga", Option.NoShort, Arity.None, (_, _) => { }),
        new("real-mode", Option.NoShort, Arity.None, (_, _) => throw new KexecUsageException("--real-mode needs kexec_load, which dumpkit does not use")),
        new("reuse-initrd", Option.NoShort, Arity.None, (_, _) => throw new KexecUsageException("--reuse-initrd is not supported")),
        new("load-preserve-context", Option.NoShort, Arity.None, (_, _) => throw new KexecUsageException("--load-preserve-context is not supported")),
        new("load-jump-back-helper", Option.NoShort, Arity.None, (_, _) => throw new KexecUsageException("--load-jump-back-helper is not supported")),
        new("entry", Option.NoShort, Arity.Required, (_, _) => throw new KexecUsageException("--entry is not supported")),
    ];

    private static readonly Getopt<Opt> Getopt = new(Table);

    /// <summary>Parses as kexec-tools' getopt_long (Dumpkit.Cli's getopt with its defaults); non-options
    /// are collected in order.</summary>
    public static KexecOptions Parse(IReadOnlyList<string> args)
    {
        var o = new KexecOptions();
        try
        {
            foreach (var p in Getopt.Parse(args))
            {
                if (p.Option is null) o.Positional.Add(p.Value!);
                else p.Option.Apply(o, p.Value);
            }
        }
        catch (GetoptException e)
        {
            // dumpkit's wording so far: glibc also shows "=VALUE" and lists the possibilities
            throw new KexecUsageException(e.Error switch
            {
                GetoptError.UnrecognizedOption => $"unrecognized option '{e.Name}'",
                GetoptError.AmbiguousOption => $"option '{e.Name}' is ambiguous",
                _ => e.Message,
            });
        }
        if (o.SkipSync) o.DoSync = false;
        return o;
    }
}

public sealed class KexecUsageException(string message) : Exception(message);
