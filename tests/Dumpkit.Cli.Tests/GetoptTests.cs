// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Cli;

namespace Dumpkit.Cli.Tests;

/// <summary>getopt_long's behaviour on a small table, one rule per test.</summary>
public class GetoptTests
{
    internal static readonly Option[] Table =
    [
        new("all", 'a', Arity.None),
        new("bytes", 'b', Arity.Required),
        new("color", 'c', Arity.Optional),
        new("classify", 'F', Arity.None),
        new("context", 'Z', Arity.None),
        new(null, 'x', Arity.None),
        new("width", Option.NoShort, Arity.Required),
    ];

    private static readonly Getopt<Option> G = new(Table);

    /// <summary>Each item as "name=value" (value "-" for none), positionals as "@text".</summary>
    internal static List<string> Show<T>(IEnumerable<Parsed<T>> parsed) where T : Option =>
        parsed.Select(p => p.Option is null ? "@" + p.Value : $"{p.Option.Long ?? p.Option.Short.ToString()}={p.Value ?? "-"}").ToList();

    private static List<string> Run(params string[] args) => Show(G.Parse(args));

    private static GetoptException Fails(Getopt<Option> g, params string[] args) =>
        Assert.Throws<GetoptException>(() => g.Parse(args).ToList());

    private static GetoptException Fails(params string[] args) => Fails(G, args);

    [Fact]
    public void ShortFlagsBundleAndArgumentsAttachOrFollow()
    {
        Assert.Equal(["all=-", "x=-", "bytes=10"], Run("-axb10"));
        Assert.Equal(["all=-", "bytes=10"], Run("-ab", "10"));
        Assert.Equal(["bytes=-a"], Run("-b", "-a"));
    }

    [Fact]
    public void OptionalArgumentsAreAttachedOnly()
    {
        Assert.Equal(["color=-", "@always"], Run("-c", "always"));
        Assert.Equal(["color=always"], Run("-calways"));
        Assert.Equal(["color=-", "@always"], Run("--color", "always"));
        Assert.Equal(["color=always"], Run("--color=always"));
        Assert.Equal(["color="], Run("--color="));
    }

    [Fact]
    public void LongArgumentsWithEqualsOrSeparate()
    {
        Assert.Equal(["width=80", "width=", "width=--all"], Run("--width=80", "--width=", "--width", "--all"));
        Assert.Equal(["bytes=1=2"], Run("--bytes=1=2"));
    }

    [Fact]
    public void UniquePrefixesSelectAndExactNamesWin()
    {
        Assert.Equal(["width=3", "all=-", "classify=-"], Run("--w=3", "--al", "--cl"));
        var g = new Getopt<Option>([new("load", 'l', Arity.None), new("load-panic", 'p', Arity.None)]);
        Assert.Equal(["load=-", "load-panic=-"], Show(g.Parse(["--load", "--load-"])));
    }

    [Fact]
    public void NonOptionsStayInPlaceAndDoubleDashEndsOptions()
    {
        Assert.Equal(["@in", "all=-", "@-", "@out", "@-a", "@--"], Run("in", "-a", "-", "out", "--", "-a", "--"));
    }

    [Theory]
    [InlineData(new[] { "-q" }, GetoptError.InvalidOption, "-q", "invalid option -- 'q'")]
    [InlineData(new[] { "-aq" }, GetoptError.InvalidOption, "-q", "invalid option -- 'q'")]
    [InlineData(new[] { "-a-" }, GetoptError.InvalidOption, "--", "invalid option -- '-'")]
    [InlineData(new[] { "-b" }, GetoptError.MissingArgument, "-b", "option requires an argument -- 'b'")]
    [InlineData(new[] { "-ab" }, GetoptError.MissingArgument, "-b", "option requires an argument -- 'b'")]
    [InlineData(new[] { "--wid" }, GetoptError.MissingArgument, "--wid", "option '--width' requires an argument")]
    [InlineData(new[] { "--foo" }, GetoptError.UnrecognizedOption, "--foo", "unrecognized option '--foo'")]
    [InlineData(new[] { "--foo=bar" }, GetoptError.UnrecognizedOption, "--foo", "unrecognized option '--foo=bar'")]
    [InlineData(new[] { "--=x" }, GetoptError.UnrecognizedOption, "--", "unrecognized option '--=x'")]
    [InlineData(new[] { "--c" }, GetoptError.AmbiguousOption, "--c", "option '--c' is ambiguous; possibilities: '--color' '--classify' '--context'")]
    [InlineData(new[] { "--c=x" }, GetoptError.AmbiguousOption, "--c", "option '--c=x' is ambiguous; possibilities: '--color' '--classify' '--context'")]
    [InlineData(new[] { "--al=1" }, GetoptError.ArgumentNotAllowed, "--al", "option '--all' doesn't allow an argument")]
    [InlineData(new[] { "--all=" }, GetoptError.ArgumentNotAllowed, "--all", "option '--all' doesn't allow an argument")]
    public void ErrorsSayWhatGlibcSays(string[] args, GetoptError error, string name, string message)
    {
        var e = Fails(args);
        Assert.Equal(error, e.Error);
        Assert.Equal(name, e.Name);
        Assert.Equal(message, e.Message);
        Assert.Equal(args[^1], e.Argument);
    }

    [Fact]
    public void AmbiguityListsThePossibilities()
    {
        Assert.Equal(["color", "classify", "context"], Fails("--c").Possibilities);
    }

    [Fact]
    public void OptionsBeforeAnErrorComeOutFirst()
    {
        var seen = new List<string>();
        Assert.Throws<GetoptException>(() =>
        {
            foreach (var p in G.Parse(["-a", "in", "-q", "-x"]))
                seen.Add(p.Argument);
        });
        Assert.Equal(["-a", "in"], seen);
    }

    [Fact]
    public void ExactNamesOnlyWhenPrefixesAreOff()
    {
        var g = new Getopt<Option>(Table) { LongPrefixes = false };
        Assert.Equal(["all=-"], Show(g.Parse(["--all"])));
        Assert.Equal("unrecognized option '--al'", Fails(g, "--al").Message);
    }

    [Fact]
    public void UnbundledShortsRefuseTrailingText()
    {
        var g = new Getopt<Option>(Table) { BundledShorts = false };
        Assert.Equal(["all=-", "bytes=1"], Show(g.Parse(["-a", "-b1"])));
        var e = Fails(g, "-ax");
        Assert.Equal((GetoptError.ArgumentNotAllowed, "-a", "option '-a' doesn't allow an argument"), (e.Error, e.Name, e.Message));
    }

    [Fact]
    public void DoubleDashIsAnOptionWhenItDoesNotEndThem()
    {
        var g = new Getopt<Option>(Table) { DoubleDashEnds = false };
        var e = Fails(g, "--");
        Assert.Equal((GetoptError.UnrecognizedOption, "unrecognized option '--'"), (e.Error, e.Message));
    }

    [Fact]
    public void FlagValuesCanBeIgnored()
    {
        var g = new Getopt<Option>(Table) { IgnoreFlagValues = true };
        Assert.Equal(["all=-", "all=-"], Show(g.Parse(["--all=1", "--all="])));
    }
}
