// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Cli;

namespace Dumpkit.Kdump;

/// <summary>What a kdump command line asks for: help, an argument it does not take
/// (<see cref="Unexpected"/>), or the configuration file, the crash dump and the command.</summary>
internal sealed record KdumpArguments(bool Help, string? Unexpected, string ConfigPath, bool ConfigGiven, string? Vmcore, string? Command)
{
    private static readonly Option Config = new("config", Option.NoShort, Arity.Required);
    private static readonly Option VmcoreFile = new("vmcore", Option.NoShort, Arity.Required);
    private static readonly Option HelpOption = new("help", 'h', Arity.None);
    private static readonly Option JsonOption = new("json", Option.NoShort, Arity.None);
    private static readonly Option RootOption = new("root", Option.NoShort, Arity.Required);
    private static readonly Option NoInitrdOption = new("no-initrd", Option.NoShort, Arity.None);

    /// <summary>--json: status and estimate print JSON.</summary>
    public bool Json { get; init; }
    /// <summary>--root DIR: every system path under DIR (default: $DUMPKIT_ROOT, else /).</summary>
    public string? Root { get; init; }
    /// <summary>The words after a command that takes operands (fetch LOCATION OUTDIR).</summary>
    public IReadOnlyList<string> Operands { get; init; } = [];
    /// <summary>--no-initrd: install does not build the capture initramfs.</summary>
    public bool NoInitrd { get; init; }

    /// <summary>Stricter than getopt_long, as kdump has always been: whole long names only, no
    /// bundling, "--" is not special; anything refused is an unexpected argument, named whole.</summary>
    private static readonly Getopt<Option> Getopt = new([Config, VmcoreFile, HelpOption, JsonOption, RootOption, NoInitrdOption])
    {
        LongPrefixes = false,
        BundledShorts = false,
        DoubleDashEnds = false,
    };

    /// <summary>Options and the command in any order; the first of help ("-h", "--help" or the word
    /// "help") and an unexpected argument decides.</summary>
    public static KdumpArguments Parse(IReadOnlyList<string> args)
    {
        var r = new KdumpArguments(false, null, KdumpConfig.DefaultPath, false, null, null);
        try
        {
            foreach (var p in Getopt.Parse(args))
            {
                if (p.Option == HelpOption || p.Value == "help" && p.IsPositional)
                    return r with { Help = true };
                if (p.Option == Config) r = r with { ConfigPath = p.Value!, ConfigGiven = true };
                else if (p.Option == VmcoreFile) r = r with { Vmcore = p.Value };
                else if (p.Option == JsonOption) r = r with { Json = true };
                else if (p.Option == RootOption) r = r with { Root = p.Value };
                else if (p.Option == NoInitrdOption) r = r with { NoInitrd = true };
                else if (r.Command == "fetch" && p.IsPositional) r = r with { Operands = [.. r.Operands, p.Value!] };
                else if (p.Value!.StartsWith('-') || r.Command is not null) return r with { Unexpected = p.Value };
                else r = r with { Command = p.Value };
            }
        }
        catch (GetoptException e)
        {
            return r with { Unexpected = e.Argument };
        }
        return r;
    }
}
