// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Collections;
using CsCheck;
using Dumpkit.Makedumpfile;

namespace Dumpkit.Makedumpfile.Tests;

/// <summary>makedumpfile's command line: the usage errors word for word, and the parser against the
/// hand loop it replaced on generated command lines.</summary>
public class MakedumpfileOptionsTests
{
    /// <summary>
    /// Bad options, missing arguments, bad values and bad parameter combinations, each run by Debian's makedumpfile
    /// (as argv[0] "makedumpfile") and by ours: the same exit status and the same bytes on stdout and on stderr (getopt's
    /// line on stderr, makedumpfile's own lines on stdout, or on stderr once -F was read). The files named do not exist,
    /// so a line makedumpfile accepts ends at its open error, the same for both.
    /// </summary>
    [SkippableFact]
    public void BadCommandLinesAsDebiansMakedumpfile()
    {
        var mdf = RealData.Tool("/usr/bin/makedumpfile");
        using var dir = new TempDir();
        string a = dir["a"], b = dir["b"], c = dir["c"];
        string[][] cases =
        [
            ["--bogus"], ["--bogus=1"], ["-Q"], ["-cQ"], ["-F", "-Q"], ["-Q", "-F"], ["-d"], ["-cL"], ["-L"], ["-x"], ["-i"],
            ["--message-level"], ["--work-dir"], ["--vtop"], ["--config"], ["--num-threads"], ["--cyclic-buffer"],
            ["-d", "32", a, b], ["-d32", a, b], ["-d", "-1", a, b], ["-d", "1,2,99", a, b], ["-F", "-d", "32", a],
            ["-d", "abc", a, b], ["-d", "1,,31", a, b], ["-d", "", a, b],
            ["-L", "x", a, b], ["-L", "0", a, b], ["-F", "-L", "1x", a],
            ["--message-level", "99", a, b], ["--message-level", "-3", a, b], ["--message-level", "0", "-Q"],
            ["--message-level", "4", "-d", "40", a, b], ["--message-level", "x", a, b],
            ["--num-threads", "x", a, b], ["--cyclic-buffer", "x", a, b], ["--splitblock-size", "x", a, b], ["-b", "x", a, b],
            [], [a], [a, b, c], ["-F", a, b], ["-F"], ["-R"], ["-R", a, b], ["-E", "-c", a, b], ["--split", a, b],
            ["--dump-dmesg", a], ["--dump-dmesg", a, b, c], ["-e", "-d", "31", a, b], ["-F", "-e", a],
        ];
        foreach (var args in cases)
        {
            var d = RealData.Run("/bin/bash", ["-c", "exec -a makedumpfile \"$0\" \"$@\"", mdf, .. args]);
            var r = Tools.Makedumpfile(args);
            string line = string.Join(' ', args);
            Assert.True(d.ExitCode == r.ExitCode, $"{line}: status {r.ExitCode}, makedumpfile's {d.ExitCode}");
            Assert.True(d.Out == r.Out, $"{line}: stdout\n{r.Out}makedumpfile's:\n{d.Out}");
            Assert.True(d.Err == r.Err, $"{line}: stderr\n{r.Err}makedumpfile's:\n{d.Err}");
        }
    }

    /// <summary>What dumpkit refuses and makedumpfile would try: the reason on stderr, then makedumpfile's lines for a bad
    /// command line on stdout.</summary>
    [Theory]
    [InlineData(new[] { "-g", "x" }, "-g needs a vmlinux with debug information, which dumpkit does not read")]
    [InlineData(new[] { "-X" }, "-X (Xen) is not supported by dumpkit")]
    [InlineData(new[] { "--eppic", "x" }, "--eppic is not supported by dumpkit")]
    [InlineData(new[] { "--xen_phys_start=1" }, "--xen_phys_start is not supported by dumpkit")]
    public void DumpkitsRefusalsEndAsABadCommandLine(string[] args, string message)
    {
        var r = Tools.Makedumpfile(args);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"{message}\n", r.Err);
        Assert.Equal("Commandline parameter is invalid.\nTry `makedumpfile --help' for more information.\n\nmakedumpfile Failed.\n", r.Out);
    }

    [Fact]
    public void FlagsIgnoreAValueAndLongNamesMustBeWhole()
    {
        var o = OptionParser.Parse(["--help=1", "--dump-dmesg=x", "-cfd", "31", "in", "--", "-E"]);
        Assert.True(o.Help);
        Assert.Equal("-", o.DumpDmesg);
        Assert.True(o.Force);
        Assert.Equal(["in", "-E"], o.Positional);
        Assert.False(o.Elf);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "strtoul")]
    private static extern nuint CStrtoul([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string s,
        nint end, int radix);

    /// <summary>--vtop's address is read as makedumpfile reads it: the C library's strtoul(optarg, NULL, 0).</summary>
    [Theory]
    [InlineData("0xffffffff81000000")]
    [InlineData("0XFFFF888000001000")]
    [InlineData("ffffffff81000000")]
    [InlineData("0777")]
    [InlineData("08")]
    [InlineData("1234abc")]
    [InlineData("  42")]
    [InlineData("-1")]
    [InlineData("+17")]
    [InlineData("0x")]
    [InlineData("0xg")]
    [InlineData("")]
    [InlineData("99999999999999999999999")]
    public void VtopAddressIsStrtoul(string text)
    {
        Assert.Equal((ulong)CStrtoul(text, 0, 0), OptionParser.Strtoul(text));
        Assert.Equal((ulong)CStrtoul(text, 0, 0), OptionParser.Parse(["--vtop", text, "in", "out"]).VtopAddress);
    }

    private static readonly string[] Vocabulary =
    [
        "-c", "-d", "-d31", "-d1,31", "-d99", "-cd", "-cd1", "-E", "-F", "-R", "-f", "-D", "-h", "-v",
        "-L", "-L1M", "-i", "-ix", "-x", "-b", "-b3", "-g", "-X", "-q", "-cfE", "-Dc", "-", "--", "in", "out", "31",
        "1M", "8", "--help", "--help=1", "--version", "--message-level", "--message-level=7", "--message-level=99",
        "--show-stats", "--show", "--check-params", "--dry-run", "--num-threads", "--num-threads=2", "--non-mmap",
        "--cyclic-buffer=4", "--cyclic-buffer", "--splitblock-size=1", "--non-cyclic",
        "--dump-dmesg", "--dump-dmesg=x", "--partial-dmesg", "--split", "--reassemble",
        "--eppic=x", "--diskset", "--bogus", "--bogus=1", "--=1", "---c",
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
            return "error: " + e.Message;
        }
    }

    /// <summary>The hand loop's vocabulary less what has changed since, on purpose: -l, -p and -z (makedumpfile lets the
    /// last compression option win, the loop refused two), -e, --work-dir, --vtop, --mem-usage and --config (now read);
    /// lines with --message-level, --num-threads, --cyclic-buffer, --splitblock-size, -b (read with atoi and
    /// makedumpfile's messages now, as makedumpfile reads them) or an unrecognized --NAME=VALUE (glibc's words) are skipped.</summary>
    [Fact]
    public void SameAsTheHandLoopItReplaced()
    {
        static bool Changed(string a) => a.StartsWith("--message-level", StringComparison.Ordinal) || a.StartsWith("--num-threads", StringComparison.Ordinal)
            || a.StartsWith("--cyclic-buffer", StringComparison.Ordinal) || a.StartsWith("--splitblock-size", StringComparison.Ordinal)
            || a.StartsWith("-b", StringComparison.Ordinal) || a is "--bogus=1" or "--=1";
        Gen.Int[0, Vocabulary.Length - 1].Select(i => Vocabulary[i]).Array[0, 8].Sample(args =>
        {
            if (!args.Any(Changed))
                Assert.Equal(Outcome(() => LegacyMakedumpfileOptions.Parse(args)), Outcome(() => OptionParser.Parse(args)));
        }, iter: 5000);
    }
}
