// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;
using CsCheck;
using Dumpkit.Cli;

namespace Dumpkit.Cli.Tests;

/// <summary>
/// Getopt against glibc's getopt_long itself: the same table and generated command lines through
/// getopt-glibc.c (compiled here with the system's C compiler; skipped without one): the same
/// options and values in order, the same non-options, and at the first error glibc's message.
/// </summary>
public class GlibcGetoptTests
{
    private static readonly Lazy<string?> Oracle = new(Compile);

    private static string? Compile()
    {
        string? cc = new[] { "/usr/bin/cc", "/usr/bin/gcc" }.FirstOrDefault(File.Exists);
        if (cc is null) return null;
        string exe = Path.Combine(AppContext.BaseDirectory, "getopt-glibc");
        var p = Process.Start(new ProcessStartInfo(cc, ["-O", "-o", exe, Path.Combine(AppContext.BaseDirectory, "getopt-glibc.c")])
        {
            RedirectStandardError = true,
        })!;
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? exe : null;
    }

    private static (string Opts, string Longs) Spec(IReadOnlyList<Option> table)
    {
        string Colons(Arity a) => a switch { Arity.Required => ":", Arity.Optional => "::", _ => "" };
        var shorts = table.Select((o, i) => (o, i)).Where(t => t.o.Short != Option.NoShort).ToList();
        string opts = string.Concat(shorts.Select(t => t.o.Short + Colons(t.o.Arity))) + "/" +
                      string.Concat(shorts.Select(t => (char)('A' + t.i)));
        string longs = string.Join(',', table.Select((o, i) => (o, i)).Where(t => t.o.Long is not null)
            .Select(t => $"{t.o.Long}:{(int)t.o.Arity}:{t.i}"));
        return (opts, longs);
    }

    /// <summary>What getopt-glibc prints for this command line: stdout's lines, then the error message if any.</summary>
    private static (List<string> Lines, string? Error) Glibc(string exe, IReadOnlyList<Option> table, string[] args)
    {
        var (opts, longs) = Spec(table);
        var psi = new ProcessStartInfo(exe, [opts, longs, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment.Remove("POSIXLY_CORRECT");
        using var p = Process.Start(psi)!;
        var errTask = p.StandardError.ReadToEndAsync();
        var lines = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        string err = errTask.Result;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        if (lines.Count > 0 && lines[^1] == "err")
        {
            lines.RemoveAt(lines.Count - 1);
            Assert.StartsWith("p: ", err);
            return (lines, err[3..].TrimEnd('\n'));
        }
        return (lines, null);
    }

    private static (List<string> Lines, string? Error) Ours(IReadOnlyList<Option> table, string[] args)
    {
        var options = new List<string>();
        var positional = new List<string>();
        try
        {
            foreach (var p in new Getopt<Option>(table).Parse(args))
            {
                if (p.Option is null) positional.Add($"pos {p.Value}");
                else options.Add($"opt {table.ToList().IndexOf(p.Option)} {p.Value ?? "-"}");
            }
        }
        catch (GetoptException e)
        {
            return (options, e.Message);
        }
        return ([.. options, .. positional], null);
    }

    [SkippableFact]
    public void SameAsGlibcGetoptLong()
    {
        string? exe = Oracle.Value;
        Skip.If(exe is null, "no C compiler to build the glibc getopt_long oracle");
        GetoptPropertyTests.CommandLine.Sample(args =>
        {
            var expected = Glibc(exe!, GetoptTests.Table, args);
            var actual = Ours(GetoptTests.Table, args);
            Assert.Equal(expected.Error, actual.Error);
            Assert.Equal(expected.Lines, actual.Lines);
        }, iter: 400);
    }
}
