// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Tcpdump.Cli;

namespace Dumpkit.Tcpdump.Tests.Support;

/// <summary>
/// tcpdump's hand-written option loop as it was before it moved onto Dumpkit.Cli's getopt, frozen as the
/// oracle of OptionParsingTests: the same options and the same usage errors on every command line. What
/// each option does is today's Options.Apply, so the oracle pins the command line's shape. Not for anything else.
/// </summary>
internal static class LegacyTcpdumpOptions
{
    private const string WithArg = "BcCEFGijmMQrsTVwWyzZ";
    private const string NoArg = "AbdDefhHIJKlLnNOpqStuUvxXY#";

    private static readonly (string Name, char Short, bool Arg)[] Long =
    [
        ("buffer-size", 'B', true), ("list-interfaces", 'D', false), ("help", 'h', false), ("interface", 'i', true),
        ("monitor-mode", 'I', false), ("time-stamp-type", 'j', true), ("list-time-stamp-types", 'J', false),
        ("micro", '\u0101', false), ("nano", '\u0102', false), ("time-stamp-precision", '\u0103', true),
        ("dont-verify-checksums", 'K', false), ("list-data-link-types", 'L', false), ("no-optimize", 'O', false),
        ("no-promiscuous-mode", 'p', false), ("direction", 'Q', true), ("snapshot-length", 's', true),
        ("absolute-tcp-sequence-numbers", 'S', false), ("packet-buffered", 'U', false), ("linktype", 'y', true),
        ("immediate-mode", '\u0104', false), ("relinquish-privileges", 'Z', true), ("count", '\u0105', false),
        ("fp-type", '\u0106', false), ("number", '#', false), ("print", '\u0107', false), ("version", '\u0108', false),
        ("pcapng", '\u0109', false),
    ];

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--")
            {
                for (i++; i < args.Length; i++) o.Expression.Add(args[i]);
                break;
            }
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                string name = a[2..];
                string? val = null;
                int eq = name.IndexOf('=');
                if (eq >= 0) { val = name[(eq + 1)..]; name = name[..eq]; }
                var matches = Long.Where(l => l.Name.StartsWith(name, StringComparison.Ordinal)).ToArray();
                var exact = Long.Where(l => l.Name == name).ToArray();
                if (exact.Length == 1) matches = exact;
                if (matches.Length == 0) throw new UsageException($"unrecognized option '{a}'", true);
                if (matches.Length > 1) throw new UsageException($"option '{a}' is ambiguous", true);
                var m = matches[0];
                if (m.Arg)
                {
                    if (val == null)
                    {
                        if (i + 1 >= args.Length) throw new UsageException($"option '--{m.Name}' requires an argument", true);
                        val = args[++i];
                    }
                }
                else if (val != null) throw new UsageException($"option '--{m.Name}' doesn't allow an argument", true);
                o.Apply(m.Short, val);
                continue;
            }
            if (a.Length > 1 && a[0] == '-')
            {
                for (int j = 1; j < a.Length; j++)
                {
                    char c = a[j] == 'P' ? 'Q' : a[j];
                    if (WithArg.Contains(c))
                    {
                        string val;
                        if (j + 1 < a.Length) val = a[(j + 1)..];
                        else if (i + 1 < args.Length) val = args[++i];
                        else throw new UsageException($"option requires an argument -- '{c}'", true);
                        o.Apply(c, val);
                        break;
                    }
                    if (NoArg.Contains(c)) { o.Apply(c, null); continue; }
                    throw new UsageException($"invalid option -- '{c}'", true);
                }
                continue;
            }
            o.Expression.Add(a);
        }
        if (o.ListFile != null && o.ReadFile != null) throw new UsageException("-V and -r are mutually exclusive.");
        return o;
    }
}
