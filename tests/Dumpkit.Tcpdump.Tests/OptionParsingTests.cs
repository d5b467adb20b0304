// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Collections;
using System.Text;
using CsCheck;
using Dumpkit.Pcap.Capture;
using Dumpkit.Tcpdump.Cli;
using Dumpkit.Tcpdump.Tests.Support;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>tcpdump's command line: the option errors word for word with the exit status, the GNU getopt_long
/// shapes it accepts, and the parser against the hand loop it replaced on generated command lines.</summary>
public class OptionParsingTests
{
    private static (int Rc, string Out, string Err) Run(params string[] args)
    {
        var o = new MemoryStream();
        var e = new StringWriter();
        int rc = TcpdumpCommand.Run(args, o, e, () => new MemoryStream(), TimeZoneInfo.Utc);
        return (rc, Encoding.Latin1.GetString(o.ToArray()), e.ToString());
    }

    [Theory]
    [InlineData(new[] { "-c" }, "option requires an argument -- 'c'")]
    [InlineData(new[] { "-vvc" }, "option requires an argument -- 'c'")]
    [InlineData(new[] { "-P" }, "option requires an argument -- 'P'")]
    [InlineData(new[] { "-k" }, "invalid option -- 'k'")]
    [InlineData(new[] { "-vnk" }, "invalid option -- 'k'")]
    [InlineData(new[] { "-v-" }, "invalid option -- '-'")]
    [InlineData(new[] { "-\u0101" }, "invalid option -- '\u0101'")]
    [InlineData(new[] { "--bogus" }, "unrecognized option '--bogus'")]
    [InlineData(new[] { "--bogus=1" }, "unrecognized option '--bogus=1'")]
    [InlineData(new[] { "---v" }, "unrecognized option '---v'")]
    [InlineData(new[] { "--snapshot-length" }, "option '--snapshot-length' requires an argument")]
    [InlineData(new[] { "--snap" }, "option '--snapshot-length' requires an argument")]
    [InlineData(new[] { "--help=1" }, "option '--help' doesn't allow an argument")]
    [InlineData(new[] { "--vers=" }, "option '--version' doesn't allow an argument")]
    [InlineData(new[] { "--n" }, "option '--n' is ambiguous")]
    [InlineData(new[] { "--n=1" }, "option '--n=1' is ambiguous")]
    [InlineData(new[] { "--" + "=x" }, "option '--=x' is ambiguous")]
    [InlineData(new[] { "--bogus", "-k" }, "unrecognized option '--bogus'")]
    [InlineData(new[] { "-r", "x", "-k" }, "invalid option -- 'k'")]
    public void OptionErrorsWordForWord(string[] args, string message)
    {
        var r = Run(args);
        Assert.Equal(1, r.Rc);
        Assert.Equal($"tcpdump: {message}\n" + Options.VersionText + Options.Usage, r.Err.Replace("\r\n", "\n"));
        Assert.Empty(r.Out);
    }

    [Theory]
    [InlineData(new[] { "-s", "x" }, "invalid snaplen x (must be >= 0 and <= {0})")]
    [InlineData(new[] { "-sx", "--bogus" }, "invalid snaplen x (must be >= 0 and <= {0})")]
    [InlineData(new[] { "--snap=-1" }, "invalid snaplen -1 (must be >= 0 and <= {0})")]
    [InlineData(new[] { "-c0" }, "invalid packet count 0")]
    [InlineData(new[] { "-Q", "up" }, "unknown capture direction `up'")]
    [InlineData(new[] { "--direction=up" }, "unknown capture direction `up'")]
    [InlineData(new[] { "--time-stamp-precision", "pico" }, "unsupported time stamp precision")]
    [InlineData(new[] { "-V", "/nonexistent-dk" }, "Unable to open file: No such file or directory")]
    [InlineData(new[] { "-V", "x", "-r", "y" }, "-V and -r are mutually exclusive.")]
    public void ValueErrorsComeInTurnWithoutUsage(string[] args, string message)
    {
        var r = Run(args);
        Assert.Equal(1, r.Rc);
        Assert.Equal($"tcpdump: {string.Format(message, SnapLength.Maximum)}\n", r.Err.Replace("\r\n", "\n"));
    }

    [Fact]
    public void CountedAndBundledFlags()
    {
        var o = Options.Parse(["-vvv", "-nn", "-AXxx", "-ttt", "-dd", "-qe#S"]);
        Assert.Equal(3, o.Verbosity);
        Assert.True(o.NoNames);
        Assert.Equal(1, o.AsciiCount);
        Assert.Equal(1, o.HexAsciiCount);
        Assert.Equal(2, o.HexCount);
        Assert.Equal(3, o.TimeFormat);
        Assert.Equal(2, o.DumpCodeLevel);
        Assert.Equal(1, o.QuietCount);
        Assert.True(o.LinkHeader && o.Number && o.AbsoluteSequence);
    }

    [Fact]
    public void ValuesAttachedSeparateAndLong()
    {
        Assert.Equal(100, Options.Parse(["-s100"]).SnapLen);
        Assert.Equal(100, Options.Parse(["-s", "100"]).SnapLen);
        Assert.Equal(100, Options.Parse(["-vs100"]).SnapLen);
        Assert.Equal(100, Options.Parse(["--snapshot-length=100"]).SnapLen);
        Assert.Equal(100, Options.Parse(["--snapshot-length", "100"]).SnapLen);
        Assert.Equal(100, Options.Parse(["--snap=100"]).SnapLen);
        Assert.Equal(5, Options.Parse(["-c5"]).CountLimit);
        Assert.Equal("-v", Options.Parse(["-r", "-v"]).ReadFile);
        Assert.Equal("--", Options.Parse(["-w", "--"]).WriteFile);
        Assert.Equal("eth0", Options.Parse(["--interface", "eth0"]).Interface);
        Assert.True(Options.Parse(["--nano"]).NanoPrecision);
        Assert.False(Options.Parse(["--mic"]).NanoPrecision);
        Assert.True(Options.Parse(["--time-stamp-precision=nano"]).NanoPrecision);
        Assert.True(Options.Parse(["--list-time-stamp-types"]).Expression.Count == 0);
        Assert.True(Options.Parse(["--vers"]).Version);
        Assert.True(Options.Parse(["--num"]).Number);
        Assert.True(Options.Parse(["--count"]).Count);
    }

    [Fact]
    public void OperandsMixAndDoubleDashEndsTheOptions()
    {
        var o = Options.Parse(["host", "-v", "x", "-", "--", "-n", "--bogus"]);
        Assert.Equal(1, o.Verbosity);
        Assert.False(o.NoNames);
        Assert.Equal(["host", "x", "-", "-n", "--bogus"], o.Expression);
        Assert.Equal(["--"], Options.Parse(["--", "--"]).Expression);
    }

    private static readonly string[] Vocabulary =
    [
        "-v", "-vvv", "-n", "-nn", "-A", "-X", "-x", "-xx", "-t", "-tttt", "-d", "-q", "-e", "-S", "-#", "-b", "-K", "-l",
        "-U", "-p", "-D", "-L", "-h", "-O", "-f", "-H", "-I", "-u", "-Y", "-N", "-E", "-M", "-J", "-Jx", "-j", "-jhost",
        "-jbogus", "-c", "-c5", "-c0", "-cx", "-C", "-C1", "-s", "-s0", "-s100", "-sx", "-s-1", "-vs100", "-nc5", "-r",
        "-rf", "-w", "-wf", "-i", "-ieth0", "-F", "-Ff", "-G", "-G5", "-G-1", "-W", "-W2", "-B", "-B4", "-Q", "-Qin",
        "-Qup", "-T", "-Trtp", "-Tbogus", "-y", "-yEN10MB", "-z", "-zgzip", "-Z", "-Zu", "-V", "-Vf", "-m", "-mx", "-k",
        "-vk", "-v-", "-\u0101", "-", "--", "host", "x", "5", "100", "in", "nano", "micro", "--help", "--help=1",
        "--version", "--vers", "--vers=", "--count", "--number", "--num", "--print", "--pcapng", "--nano", "--micro",
        "--mic", "--n", "--n=1", "--no-o", "--no-p", "--no", "--snapshot-length", "--snapshot-length=100", "--snap",
        "--snap=x", "--time-stamp-precision", "--time-stamp-precision=nano", "--time-stamp-precision=pico",
        "--time-stamp-type=host", "--time", "--interface", "--interface=lo", "--direction=out", "--direction",
        "--list-time-stamp-types", "--list-time-stamp-types=1", "--list", "--list-d", "--linktype", "--linktype=x",
        "--relinquish-privileges=u", "--buffer-size=1", "--buffer-size", "--immediate-mode", "--fp-type", "--fp",
        "--bogus", "--bogus=1", "--=1", "--=", "---v", "--count=2", "--p", "--pr", "--pc",
    ];

    private static string Outcome(Func<Options> parse)
    {
        try
        {
            var o = parse();
            return string.Join(' ', typeof(Options).GetProperties().Select(p =>
                $"{p.Name}={(p.GetValue(o) is IEnumerable e and not string ? string.Join('|', e.Cast<object>()) : p.GetValue(o))}"));
        }
        catch (UsageException e)
        {
            return $"error: {e.Message} usage={e.ShowUsage}";
        }
    }

    [Fact]
    public void SameAsTheHandLoopItReplaced()
    {
        Gen.Int[0, Vocabulary.Length - 1].Select(i => Vocabulary[i]).Array[0, 8].Sample(args =>
            Assert.Equal(Outcome(() => LegacyTcpdumpOptions.Parse(args)), Outcome(() => Options.Parse(args))),
            iter: 5000);
    }

    [Fact]
    public void SameAsTheHandLoopOnArbitraryText()
    {
        var word = Gen.Char["-=#abcdehknpqrsvxzADJKSVX\u0101"].Array[0, 6].Select(c => new string(c));
        Gen.OneOf(word, word.Select(w => "-" + w), word.Select(w => "--" + w)).Array[0, 6].Sample(args =>
            Assert.Equal(Outcome(() => LegacyTcpdumpOptions.Parse(args)), Outcome(() => Options.Parse(args))),
            iter: 5000);
    }
}
