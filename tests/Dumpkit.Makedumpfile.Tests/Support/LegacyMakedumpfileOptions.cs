// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using Dumpkit.Formats.Codecs;
using Dumpkit.Makedumpfile;

namespace Dumpkit.Makedumpfile.Tests.Support;

/// <summary>
/// makedumpfile's hand-written option loop as it was before it moved onto Dumpkit.Cli's getopt,
/// frozen as the oracle of MakedumpfileOptionsTests: the same options and the same usage errors on
/// every command line. The dump levels of "-d" (and the default) come from today's parser, so the
/// oracle pins the command line's shape and not the dump-level type. Not for anything else.
/// </summary>
internal static class LegacyMakedumpfileOptions
{
    public static Options Parse(string[] args)
    {
        var o = new Options();
        bool levelGiven = false;
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--")
            {
                o.Positional.AddRange(args[(i + 1)..]);
                break;
            }
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                string name = a[2..];
                string? inline = null;
                int eq = name.IndexOf('=');
                if (eq >= 0) { inline = name[(eq + 1)..]; name = name[..eq]; }
                string Value() => inline ?? (i + 1 < args.Length ? args[++i] : throw new UsageException($"option '--{name}' requires an argument"));
                switch (name)
                {
                    case "help": o.Help = true; break;
                    case "version": o.Version = true; break;
                    case "message-level": o.MessageLevel = ParseInt(Value(), "--message-level", 0, 31); break;
                    case "show-stats": o.MessageLevel |= Messages.Report; break;
                    case "check-params": o.CheckParams = true; break;
                    case "dry-run": o.DryRun = true; break;
                    case "num-threads": o.Threads = ParseInt(Value(), "--num-threads", 0, 1024); break;
                    case "non-mmap": o.NonMmap = true; break;
                    case "cyclic-buffer": o.CyclicBufferKb = ParseInt(Value(), "--cyclic-buffer", 1, int.MaxValue); break;
                    case "splitblock-size": ParseInt(Value(), "--splitblock-size", 1, int.MaxValue); break;
                    case "non-cyclic": break;
                    case "work-dir": Value(); break;
                    case "dump-dmesg": o.DumpDmesg = "-"; break;
                    case "partial-dmesg": o.PartialDmesg = true; break;
                    case "split": o.Split = true; break;
                    case "reassemble": o.Reassemble = true; break;
                    case "vtop": throw new UsageException("--vtop is not supported yet");
                    case "mem-usage": throw new UsageException("--mem-usage is not supported yet");
                    case "config":
                    case "eppic":
                    case "xen-syms":
                    case "xen-vmcoreinfo":
                    case "xen_phys_start":
                    case "diskset":
                        throw new UsageException($"--{name} is not supported by dumpkit");
                    default: throw new UsageException($"unrecognized option '--{name}'");
                }
                continue;
            }
            if (a.Length > 1 && a[0] == '-')
            {
                // Bundled short options, getopt style: "-cd31", "-d" "31".
                for (int k = 1; k < a.Length; k++)
                {
                    char c = a[k];
                    string Arg()
                    {
                        if (k + 1 < a.Length) { var v = a[(k + 1)..]; k = a.Length; return v; }
                        if (i + 1 < args.Length) return args[++i];
                        throw new UsageException($"option requires an argument -- '{c}'");
                    }
                    switch (c)
                    {
                        case 'c': SetCodec(o, PageCodec.Zlib); break;
                        case 'l': SetCodec(o, PageCodec.Lzo); break;
                        case 'p': SetCodec(o, PageCodec.Snappy); break;
                        case 'z': SetCodec(o, PageCodec.Zstd); break;
                        case 'd':
                            o.DumpLevels.Clear();
                            o.DumpLevels.AddRange(OptionParser.Parse(["-d", Arg()]).DumpLevels);
                            levelGiven = true;
                            break;
                        case 'E': o.Elf = true; break;
                        case 'F': o.Flatten = true; break;
                        case 'R': o.Rearrange = true; break;
                        case 'f': o.Force = true; break;
                        case 'D': o.Debug = true; o.MessageLevel |= Messages.Debug; break;
                        case 'h': o.Help = true; break;
                        case 'v': o.Version = true; break;
                        case 'L': o.SizeLimit = OptionParser.ParseSize(Arg()); break;
                        case 'i': o.VmcoreinfoFile = Arg(); break;
                        case 'x': o.Vmlinux = Arg(); break;
                        case 'b': ParseInt(Arg(), "-b", 0, 30); break;
                        case 'e': throw new UsageException("-e (exclude unused vmemmap) is not supported yet");
                        case 'g': throw new UsageException("-g needs a vmlinux with debug information, which dumpkit does not read");
                        case 'X': throw new UsageException("-X (Xen) is not supported by dumpkit");
                        default: throw new UsageException($"invalid option -- '{c}'");
                    }
                }
                continue;
            }
            o.Positional.Add(a);
        }
        if (!levelGiven)
            o.DumpLevels.AddRange(OptionParser.Parse([]).DumpLevels);
        return o;
    }

    private static void SetCodec(Options o, PageCodec codec)
    {
        if (o.Codec != PageCodec.None && o.Codec != codec)
            throw new UsageException("only one compression option (-c, -l, -p, -z) may be given");
        o.Codec = codec;
    }

    private static int ParseInt(string s, string what, int min, int max)
    {
        if (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v < min || v > max)
            throw new UsageException($"{what}: invalid value '{s}'");
        return v;
    }
}
