// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using Dumpkit.Cli;
using Dumpkit.Formats.Codecs;

namespace Dumpkit.Makedumpfile;

/// <summary>What a makedumpfile command line asks for (makedumpfile 1.7.x syntax).</summary>
internal sealed class Options
{
    public PageCodec Codec { get; set; }
    public List<int> DumpLevels { get; } = [];
    public int DumpLevel => DumpLevels.Count > 0 ? DumpLevels[0] : 0;
    public bool Elf { get; set; }
    public bool Flatten { get; set; }
    public bool Rearrange { get; set; }
    public bool Force { get; set; }
    public long SizeLimit { get; set; } = long.MaxValue;
    public string? VmcoreinfoFile { get; set; }
    public string? Vmlinux { get; set; }
    public int MessageLevel { get; set; } = Messages.DefaultLevel;
    public bool Debug { get; set; }
    public bool CheckParams { get; set; }
    public bool DryRun { get; set; }
    public bool Help { get; set; }
    public bool Version { get; set; }
    public int? Threads { get; set; }
    public bool NonMmap { get; set; }
    /// <summary>Bitmap memory per cycle in KiB (<c>--cyclic-buffer</c>); each KiB covers 8192 frames.</summary>
    public long? CyclicBufferKb { get; set; }
    public string? DumpDmesg { get; set; }
    public bool PartialDmesg { get; set; }
    public bool Split { get; set; }
    public bool Reassemble { get; set; }
    /// <summary>makedumpfile's working directory for bitmap files (<c>--work-dir</c>); dumpkit keeps its bitmaps in memory.</summary>
    public string? WorkDir { get; set; }
    /// <summary><c>-e</c>: exclude the vmemmap pages of excluded pages.</summary>
    public bool ExcludeVmemmap { get; set; }
    /// <summary><c>--vtop</c>: the virtual address to translate before the dump (0 = none, as strtoul's 0 in makedumpfile).</summary>
    public ulong VtopAddress { get; set; }
    public bool MemUsage { get; set; }
    /// <summary><c>--config FILTERCONFIG</c>: erase commands applied to the pages written.</summary>
    public string? FilterConfig { get; set; }
    public List<string> Positional { get; } = [];
}

/// <summary>
/// A command line makedumpfile refuses. <see cref="Exception.Message"/> is the line on makedumpfile's message stream
/// (<c>Dump_level(32) is invalid.</c>), or, when <see cref="Invalid"/>, what is wrong in dumpkit's words for callers
/// (makedumpfile itself then says only "Commandline parameter is invalid.").
/// </summary>
public sealed class UsageException(string message) : Exception(message)
{
    /// <summary>makedumpfile's answer is "Commandline parameter is invalid." and the --help hint.</summary>
    public bool Invalid { get; init; }

    /// <summary>A line on stderr before the message stream's: getopt's (without the program name) or dumpkit's own.</summary>
    public string? StderrLine { get; init; }

    /// <summary>getopt's line: printed as "makedumpfile: LINE", as glibc prints it with argv[0].</summary>
    public bool FromGetopt { get; init; }

    /// <summary>-F came before the problem: makedumpfile's messages go to stderr.</summary>
    internal bool ToStderr { get; set; }

    /// <summary>The message level in force when the problem was met.</summary>
    internal int Level { get; set; } = Messages.DefaultLevel;

    internal bool HasContext { get; set; }
}

internal static class OptionParser
{
    /// <summary>The options being filled in, and whether "-d" was given.</summary>
    private sealed class Parsing
    {
        public Options O { get; } = new();
        public bool LevelGiven { get; set; }
    }

    private sealed record Opt(string? Long, char Short, Arity Arity, Action<Parsing, string?> Apply)
        : Option(Long, Short, Arity)
    {
        public Opt(string longName, Arity arity, Action<Options, string?> apply)
            : this(longName, NoShort, arity, (p, v) => apply(p.O, v)) { }

        public Opt(char shortName, Arity arity, Action<Options, string?> apply)
            : this(null, shortName, arity, (p, v) => apply(p.O, v)) { }
    }

    private static UsageException NotByDumpkit(string name) => Refused($"--{name} is not supported by dumpkit");

    /// <summary>An option dumpkit does not offer: its reason on stderr, then makedumpfile's "Commandline parameter is invalid."</summary>
    private static UsageException Refused(string why) => new(why) { Invalid = true, StderrLine = why };

    private static readonly Opt[] Table =
    [
        new("help", Arity.None, (o, _) => o.Help = true),
        new("version", Arity.None, (o, _) => o.Version = true),
        new("message-level", Arity.Required, (o, v) => o.MessageLevel = ParseMessageLevel(v!)),
        new("show-stats", Arity.None, (o, _) => o.MessageLevel |= Messages.Report),
        new("check-params", Arity.None, (o, _) => o.CheckParams = true),
        new("dry-run", Arity.None, (o, _) => o.DryRun = true),
        // makedumpfile reads these with atoi: anything is a number
        new("num-threads", Arity.Required, (o, v) => o.Threads = Math.Clamp(Atoi(v!), 0, MaxThreads)),
        new("non-mmap", Arity.None, (o, _) => o.NonMmap = true),
        new("cyclic-buffer", Arity.Required, (o, v) => o.CyclicBufferKb = Atoi(v!) is > 0 and var kb ? kb : null),
        new("splitblock-size", Arity.Required, (_, _) => { }),
        new("non-cyclic", Arity.None, (_, _) => { }),
        new("work-dir", Arity.Required, (o, v) => o.WorkDir = v),
        new("dump-dmesg", Arity.None, (o, _) => o.DumpDmesg = "-"),
        new("partial-dmesg", Arity.None, (o, _) => o.PartialDmesg = true),
        new("split", Arity.None, (o, _) => o.Split = true),
        new("reassemble", Arity.None, (o, _) => o.Reassemble = true),
        new("vtop", Arity.Required, (o, v) => o.VtopAddress = Strtoul(v!)),
        new("mem-usage", Arity.None, (o, _) => o.MemUsage = true),
        new("config", Arity.Required, (o, v) => o.FilterConfig = v),
        new("eppic", Arity.None, (_, _) => throw NotByDumpkit("eppic")),
        new("xen-syms", Arity.None, (_, _) => throw NotByDumpkit("xen-syms")),
        new("xen-vmcoreinfo", Arity.None, (_, _) => throw NotByDumpkit("xen-vmcoreinfo")),
        new("xen_phys_start", Arity.None, (_, _) => throw NotByDumpkit("xen_phys_start")),
        new("diskset", Arity.None, (_, _) => throw NotByDumpkit("diskset")),
        new('c', Arity.None, (o, _) => SetCodec(o, PageCodec.Zlib)),
        new('l', Arity.None, (o, _) => SetCodec(o, PageCodec.Lzo)),
        new('p', Arity.None, (o, _) => SetCodec(o, PageCodec.Snappy)),
        new('z', Arity.None, (o, _) => SetCodec(o, PageCodec.Zstd)),
        new(null, 'd', Arity.Required, (p, v) =>
        {
            p.O.DumpLevels.Clear();
            p.O.DumpLevels.AddRange(ParseLevels(v!));
            p.LevelGiven = true;
        }),
        new('E', Arity.None, (o, _) => o.Elf = true),
        new('F', Arity.None, (o, _) => o.Flatten = true),
        new('R', Arity.None, (o, _) => o.Rearrange = true),
        new('f', Arity.None, (o, _) => o.Force = true),
        new('D', Arity.None, (o, _) => { o.Debug = true; o.MessageLevel |= Messages.Debug; }),
        new('h', Arity.None, (o, _) => o.Help = true),
        new('v', Arity.None, (o, _) => o.Version = true),
        new('L', Arity.Required, (o, v) => o.SizeLimit = ParseSize(v!)),
        new('i', Arity.Required, (o, v) => o.VmcoreinfoFile = v),
        new('x', Arity.Required, (o, v) => o.Vmlinux = v),
        new('b', Arity.Required, (_, _) => { }),
        new('e', Arity.None, (o, _) => o.ExcludeVmemmap = true),
        new('g', Arity.None, (_, _) => throw Refused("-g needs a vmlinux with debug information, which dumpkit does not read")),
        new('X', Arity.None, (_, _) => throw Refused("-X (Xen) is not supported by dumpkit")),
    ];

    /// <summary>makedumpfile's getopt_long, as dumpkit has always read it: bundled short options
    /// ("-cd31", "-d" "31"), whole long names only, and a value given to a long flag is ignored.</summary>
    private static readonly Getopt<Opt> Getopt = new(Table) { LongPrefixes = false, IgnoreFlagValues = true };

    public static Options Parse(string[] args)
    {
        var p = new Parsing();
        try
        {
            foreach (var a in Getopt.Parse(args))
            {
                if (a.Option is null) p.O.Positional.Add(a.Value!);
                else a.Option.Apply(p, a.Value);
            }
        }
        catch (GetoptException e)
        {
            throw new UsageException(e.Message)
            {
                Invalid = true, StderrLine = e.Message, FromGetopt = true, ToStderr = p.O.Flatten, Level = p.O.MessageLevel, HasContext = true,
            };
        }
        catch (UsageException e) when (!e.HasContext)
        {
            e.ToStderr = p.O.Flatten;
            e.Level = e.Message.StartsWith("Message_level(", StringComparison.Ordinal) ? Messages.DefaultLevel : p.O.MessageLevel;
            e.HasContext = true;
            throw;
        }
        if (!p.LevelGiven)
            p.O.DumpLevels.Add(0);
        return p.O;
    }

    /// <summary>As makedumpfile: of -c, -l, -p and -z the last one given wins.</summary>
    private static void SetCodec(Options o, PageCodec codec) => o.Codec = codec;

    /// <summary>C's strtoul(s, NULL, 0): "0x" hex, a leading 0 octal, else decimal; the digits that parse, 0 when none.</summary>
    public static ulong Strtoul(string s)
    {
        var t = s.TrimStart(' ', '\t', '\n', '\v', '\f', '\r');
        bool negative = t.StartsWith('-');
        if (negative || t.StartsWith('+'))
            t = t[1..];
        int radix = 10;
        if (t.Length > 1 && t[0] == '0' && (t[1] | 0x20) == 'x' && t.Length > 2 && Uri.IsHexDigit(t[2]))
            (radix, t) = (16, t[2..]);
        else if (t.StartsWith('0'))
            radix = 8;
        ulong v = 0;
        foreach (char c in t)
        {
            int d = c is >= '0' and <= '9' ? c - '0' : (c | 0x20) is >= 'a' and <= 'z' ? (c | 0x20) - 'a' + 10 : 99;
            if (d >= radix)
                break;
            if (v > (ulong.MaxValue - (ulong)d) / (ulong)radix)
                return ulong.MaxValue;
            v = v * (ulong)radix + (ulong)d;
        }
        return negative ? unchecked(0 - v) : v;
    }

    /// <summary>The most compression threads a command line may ask for (makedumpfile takes any atoi value).</summary>
    public const int MaxThreads = 1024;

    /// <summary>
    /// makedumpfile's -d: strtok on commas (empty items vanish), each item read with atoi, each 0-31; at most 32 of them.
    /// </summary>
    public static List<int> ParseLevels(string text)
    {
        var levels = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int v = Atoi(part);
            if (v is < 0 or > 31)
                throw new UsageException($"Dump_level({v}) is invalid.");
            if (levels.Count == 32)
                throw new UsageException("Dump_level is invalid.");
            levels.Add(v);
        }
        return levels;
    }

    private static int ParseMessageLevel(string s)
    {
        int v = Atoi(s);
        return v is >= 0 and <= 31 ? v : throw new UsageException($"Message_level({v}) is invalid.");
    }

    /// <summary>C's atoi: blanks, a sign, the decimal digits that follow (0 when none); out of int's range as glibc's (long) cast.</summary>
    public static int Atoi(string s)
    {
        var t = s.AsSpan().TrimStart(" \t\n\v\f\r");
        bool negative = t.Length > 0 && t[0] == '-';
        if (t.Length > 0 && t[0] is '-' or '+')
            t = t[1..];
        ulong v = 0;
        bool over = false;
        foreach (char c in t)
        {
            if (c is < '0' or > '9')
                break;
            over |= v > (ulong.MaxValue - 9) / 10;
            if (!over)
                v = v * 10 + (ulong)(c - '0');
        }
        // strtol saturates at LONG_MAX / LONG_MIN; atoi keeps the low 32 bits of the long
        long l = negative ? (over || v > 1UL << 63 ? long.MinValue : unchecked(-(long)v)) : (over || v > long.MaxValue ? long.MaxValue : (long)v);
        return unchecked((int)l);
    }

    /// <summary>A byte count, optionally with a K, M or G suffix (powers of 1024).</summary>
    public static long ParseSize(string s)
    {
        long mult = 1;
        string digits = s;
        if (s.Length > 0 && char.ToUpperInvariant(s[^1]) is 'K' or 'M' or 'G')
        {
            mult = char.ToUpperInvariant(s[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, _ => 1L << 30 };
            digits = s[..^1];
        }
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long v) || v <= 0 || v > long.MaxValue / mult)
            throw new UsageException($"Limit size({s}) is invalid.");
        return v * mult;
    }
}
