// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using CsCheck;

namespace Dumpkit.Kdump.Tests;

/// <summary>kdump's command line: its usage error word for word, and the parser against the hand
/// loop it replaced on generated command lines.</summary>
public class KdumpArgumentsTests
{
    [Theory]
    [InlineData("--bogus")]
    [InlineData("--config")]
    [InlineData("--configx=1")]
    [InlineData("--conf=x")]
    [InlineData("--help=1")]
    [InlineData("-hx")]
    [InlineData("-x")]
    [InlineData("-")]
    [InlineData("--")]
    public void UnexpectedArgumentsExitTwo(string arg)
    {
        using var f = new FakeSystem();
        Assert.Equal(2, f.Kdump("show", arg));
        Assert.Equal($"kdump: unexpected argument '{arg}' (usage: kdump [--config FILE] show|status|load|unload|savecore|test)\n",
            f.Err.ToString().Replace("\r\n", "\n"));
    }

    [Fact]
    public void ASecondCommandIsUnexpected()
    {
        using var f = new FakeSystem();
        Assert.Equal(2, f.Kdump("show", "status"));
        Assert.StartsWith("kdump: unexpected argument 'status' (usage:", f.Err.ToString());
    }

    [Fact]
    public void HelpWinsUntilAnErrorComesFirst()
    {
        using var f = new FakeSystem();
        Assert.Equal(0, f.Kdump("show", "help", "--bogus"));
        Assert.StartsWith("usage: kdump", f.Out.ToString());
        Assert.Equal(2, f.Kdump("--bogus", "-h"));
    }

    private static readonly string[] Vocabulary =
    [
        "show", "status", "load", "savecore", "help", "-h", "--help", "--help=1", "-hx", "-x", "-", "--", "--=",
        "--config", "--config=", "--config=c", "--configx", "--conf", "---config", "--vmcore", "--vmcore=v",
        "--vmcorex=1", "c", "v",
    ];

    private static string Outcome(IReadOnlyList<string> args)
    {
        var a = KdumpArguments.Parse(args);
        if (a.Help) return "help";
        if (a.Unexpected is not null) return $"unexpected: {a.Unexpected}";
        return LegacyKdumpArguments.Show(a.ConfigPath, a.ConfigGiven, a.Vmcore, a.Command);
    }

    [Fact]
    public void SameAsTheHandLoopItReplaced()
    {
        Gen.Int[0, Vocabulary.Length - 1].Select(i => Vocabulary[i]).Array[0, 6].Sample(args =>
            Assert.Equal(LegacyKdumpArguments.Parse(args), Outcome(args)), iter: 5000);
    }
}
