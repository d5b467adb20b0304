// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kexec.Tests.Support;

/// <summary>
/// The hand-written kexec option loop as it was before it moved onto Dumpkit.Cli's getopt, frozen
/// as the oracle of KexecOptionsTests: the new parser must give the same options and the same
/// usage errors on every command line. Not for anything else.
/// </summary>
public static class LegacyKexecOptions
{
    private enum Kind { Flag, Arg }

    private sealed record Opt(string Long, char Short, Kind Kind, Action<KexecOptions, string?> Apply);

    private static readonly Opt[] Table =
    [
        new("help", 'h', Kind.Flag, (o, _) => o.Help = true),
        new("version", 'v', Kind.Flag, (o, _) => o.Version = true),
        new("debug", 'd', Kind.Flag, (o, _) => o.Debug = true),
        new("force", 'f', Kind.Flag, (o, _) => { o.DoLoad = true; o.DoShutdown = false; o.DoSync = true; o.DoExec = true; }),
        new("no-ifdown", 'x', Kind.Flag, (_, _) => { }),
        new("no-sync", 'y', Kind.Flag, (o, _) => o.SkipSync = true),
        new("load", 'l', Kind.Flag, (o, _) => { o.HasLoad = true; o.DoLoad = true; o.DoExec = false; o.DoShutdown = false; }),
        new("unload", 'u', Kind.Flag, (o, _) => { o.DoLoad = false; o.DoShutdown = false; o.DoSync = false; o.DoUnload = true; }),
        new("exec", 'e', Kind.Flag, (o, _) => { o.DoLoad = false; o.DoShutdown = false; o.DoSync = true; o.DoExec = true; }),
        new("type", 't', Kind.Arg, (_, _) => { }),
        new("load-panic", 'p', Kind.Flag, (o, _) => { o.DoLoad = true; o.DoExec = false; o.DoShutdown = false; o.DoSync = false; o.Crash = true; }),
        new("kexec-file-syscall", 's', Kind.Flag, (_, _) => { }),
        new("kexec-syscall-auto", 'a', Kind.Flag, (_, _) => { }),
        new("kexec-syscall", 'c', Kind.Flag, (_, _) => throw new KexecUsageException(
            "-c/--kexec-syscall (the old kexec_load call) is not supported: dumpkit loads with kexec_file_load only")),
        new("status", 'S', Kind.Flag, (o, _) => o.Status = true),
        new("no-checks", 'i', Kind.Flag, (_, _) => { }),
        new("print-ckr-size", '\0', Kind.Flag, (o, _) => o.PrintCrashSize = true),
        new("mem-min", '\0', Kind.Arg, (_, _) => { }),
        new("mem-max", '\0', Kind.Arg, (_, _) => { }),
        new("append", '\0', Kind.Arg, (o, v) => o.Append = v),
        new("command-line", '\0', Kind.Arg, (o, v) => o.Append = v),
        new("reuse-cmdline", '\0', Kind.Flag, (o, _) => o.ReuseCmdline = true),
        new("initrd", '\0', Kind.Arg, (o, v) => o.Initrd = v),
        new("ramdisk", '\0', Kind.Arg, (o, v) => o.Initrd = v),
        // x86 options that only matter for the old kexec_load path: accepted, no effect
        new("console-vga", '\0', Kind.Flag, (_, _) => { }),
        new("console-serial", '\0', Kind.Flag, (_, _) => { }),
        new("elf32-core-headers", '\0', Kind.Flag, (_, _) => { }),
        new("elf64-core-headers", '\0', Kind.Flag, (_, _) => { }),
        new("pass-memmap-cmdline", '\0', Kind.Flag, (_, _) => { }),
        new("noefi", '\0', Kind.Flag, (_, _) => { }),
        new("reset-vga", '\0', Kind.Flag, (_, _) => { }),
        new("real-mode", '\0', Kind.Flag, (_, _) => throw new KexecUsageException("--real-mode needs kexec_load, which dumpkit does not use")),
        new("reuse-initrd", '\0', Kind.Flag, (_, _) => throw new KexecUsageException("--reuse-initrd is not supported")),
        new("load-preserve-context", '\0', Kind.Flag, (_, _) => throw new KexecUsageException("--load-preserve-context is not supported")),
        new("load-jump-back-helper", '\0', Kind.Flag, (_, _) => throw new KexecUsageException("--load-jump-back-helper is not supported")),
        new("entry", '\0', Kind.Arg, (_, _) => throw new KexecUsageException("--entry is not supported")),
    ];

    /// <summary>Parses like getopt_long: bundled short flags, -tARG / -t ARG, --opt=ARG / --opt ARG,
    /// unique prefixes of long options, "--" ends options; non-options are collected in order.</summary>
    public static KexecOptions Parse(IReadOnlyList<string> args)
    {
        var o = new KexecOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a == "--")
            {
                for (i++; i < args.Count; i++) o.Positional.Add(args[i]);
                break;
            }
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                string name = a[2..];
                string? value = null;
                int eq = name.IndexOf('=');
                if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
                var opt = FindLong(name);
                if (opt.Kind == Kind.Arg && value is null)
                {
                    if (i + 1 >= args.Count) throw new KexecUsageException($"option '--{opt.Long}' requires an argument");
                    value = args[++i];
                }
                else if (opt.Kind == Kind.Flag && value is not null)
                    throw new KexecUsageException($"option '--{opt.Long}' doesn't allow an argument");
                opt.Apply(o, value);
                continue;
            }
            if (a.Length > 1 && a[0] == '-')
            {
                for (int j = 1; j < a.Length; j++)
                {
                    var opt = Array.Find(Table, t => t.Short == a[j])
                              ?? throw new KexecUsageException($"invalid option -- '{a[j]}'");
                    if (opt.Kind == Kind.Arg)
                    {
                        string v;
                        if (j + 1 < a.Length) v = a[(j + 1)..];
                        else if (i + 1 < args.Count) v = args[++i];
                        else throw new KexecUsageException($"option requires an argument -- '{a[j]}'");
                        opt.Apply(o, v);
                        break;
                    }
                    opt.Apply(o, null);
                }
                continue;
            }
            o.Positional.Add(a);
        }
        if (o.SkipSync) o.DoSync = false;
        return o;
    }

    private static Opt FindLong(string name)
    {
        var exact = Array.Find(Table, t => t.Long == name);
        if (exact is not null) return exact;
        var matches = Array.FindAll(Table, t => t.Long.StartsWith(name, StringComparison.Ordinal));
        if (name.Length > 0 && matches.Length == 1) return matches[0];
        if (matches.Length > 1 && name.Length > 0)
            throw new KexecUsageException($"option '--{name}' is ambiguous");
        throw new KexecUsageException($"unrecognized option '--{name}'");
    }
}
