// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using CsCheck;
using Dumpkit.Cli;

namespace Dumpkit.Cli.Tests;

/// <summary>The getopt rules as properties over generated command lines.</summary>
public class GetoptPropertyTests
{
    private static readonly Getopt<Option> G = new(GetoptTests.Table);

    /// <summary>Arguments that exercise every rule: flags, bundles, values, prefixes, errors, "--".</summary>
    internal static readonly string[] Vocabulary =
    [
        "-a", "-x", "-ax", "-xa", "-F", "-Z", "-aFZx", "-b", "-b5", "-ab", "-ab7", "-bx", "-c", "-cv", "-ac", "-q", "-aq",
        "-a-", "--all", "--al", "--a", "--all=1", "--all=", "--c", "--c=1", "--co", "--col", "--color", "--color=v",
        "--color=", "--cl", "--con", "--context", "--w", "--width", "--width=3", "--width=", "--b=9", "--bytes",
        "--foo", "--foo=1", "---a", "--", "-", "in", "out", "9", "=",
    ];

    /// <summary>One of the given values, shrinking towards the first.</summary>
    internal static Gen<T> Pick<T>(T[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    internal static readonly Gen<string[]> CommandLine = Pick(Vocabulary).Array[0, 7];

    [Fact]
    public void BundledShortFlagsMeanTheSameAsSeparateOnes()
    {
        Pick<char>(['a', 'x', 'F', 'Z']).Array[1, 6].Sample(flags =>
        {
            var bundled = GetoptTests.Show(G.Parse(["-" + new string(flags)]));
            var separate = GetoptTests.Show(G.Parse(flags.Select(f => "-" + f).ToArray()));
            Assert.Equal(separate, bundled);
        });
    }

    [Fact]
    public void AttachedAndSeparateValuesMeanTheSame()
    {
        Gen.String.Sample(v =>
        {
            Assert.Equal(GetoptTests.Show(G.Parse(["--width", v])), GetoptTests.Show(G.Parse(["--width=" + v])));
            if (v.Length > 0)
                Assert.Equal(GetoptTests.Show(G.Parse(["-b", v])), GetoptTests.Show(G.Parse(["-b" + v])));
        });
    }

    [Fact]
    public void AUniquePrefixMeansTheWholeName()
    {
        var longs = GetoptTests.Table.Where(o => o.Long is not null).Select(o => o.Long!).ToArray();
        Gen.Select(Pick(longs), Gen.Int[1, 20]).Sample((name, n) =>
        {
            string prefix = name[..Math.Min(n, name.Length)];
            if (prefix != name && longs.Count(l => l.StartsWith(prefix, StringComparison.Ordinal)) != 1) return;
            Assert.Equal(GetoptTests.Show(G.Parse(["--" + name, "v"])), GetoptTests.Show(G.Parse(["--" + prefix, "v"])));
        });
    }

    [Fact]
    public void EverythingAfterDoubleDashIsANonOption()
    {
        Gen.Select(CommandLine, Pick(Vocabulary).Array[0, 5]).Sample((before, after) =>
        {
            List<Parsed<Option>> parsed;
            // "in" first: an option wanting a value at the end of "before" takes it, not the "--"
            try { parsed = G.Parse([.. before.Where(a => a != "--"), "in", "--", .. after]).ToList(); }
            catch (GetoptException) { return; }
            Assert.Equal(after, parsed.TakeLast(after.Length).Select(p => p.IsPositional ? p.Value : null));
        });
    }

    [Fact]
    public void EveryCommandLineParsesOrFailsWithAGetoptError()
    {
        CommandLine.Sample(args =>
        {
            try
            {
                Assert.All(G.Parse(args), p => Assert.Contains(p.Argument, args));
            }
            catch (GetoptException e)
            {
                Assert.Contains(e.Argument, args);
                Assert.StartsWith("-", e.Name);
            }
        });
    }
}
