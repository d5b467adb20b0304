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
    [Theory]
    [InlineData(new[] { "--bogus" }, "unrecognized option '--bogus'")]
    [InlineData(new[] { "--bogus=1" }, "unrecognized option '--bogus'")]
    [InlineData(new[] { "--show" }, "unrecognized option '--show'")]
    [InlineData(new[] { "--" + "=1" }, "unrecognized option '--'")]
    [InlineData(new[] { "-q" }, "invalid option -- 'q'")]
    [InlineData(new[] { "-cq" }, "invalid option -- 'q'")]
    [InlineData(new[] { "-d" }, "option requires an argument -- 'd'")]
    [InlineData(new[] { "-cL" }, "option requires an argument -- 'L'")]
    [InlineData(new[] { "--message-level" }, "option '--message-level' requires an argument")]
    [InlineData(new[] { "--work-dir" }, "option '--work-dir' requires an argument")]
    [InlineData(new[] { "--vtop" }, "option '--vtop' requires an argument")]
    [InlineData(new[] { "--config" }, "option '--config' requires an argument")]
    [InlineData(new[] { "--message-level=32" }, "--message-level: invalid value '32'")]
    [InlineData(new[] { "--num-threads", "x" }, "--num-threads: invalid value 'x'")]
    [InlineData(new[] { "--cyclic-buffer=0" }, "--cyclic-buffer: invalid value '0'")]
    [InlineData(new[] { "--splitblock-size=" }, "--splitblock-size: invalid value ''")]
    [InlineData(new[] { "-b31" }, "-b: invalid value '31'")]
    [InlineData(new[] { "-L", "0" }, "-L: invalid size '0'")]
    [InlineData(new[] { "-d32" }, "Dump_level(32) is invalid.")]
    [InlineData(new[] { "-d", "1,2,3,4,5,6,7,8,9" }, "at most 8 dump levels may be given")]
    [InlineData(new[] { "-g", "x" }, "-g needs a vmlinux with debug information, which dumpkit does not read")]
    [InlineData(new[] { "-X" }, "-X (Xen) is not supported by dumpkit")]
    [InlineData(new[] { "--eppic", "x" }, "--eppic is not supported by dumpkit")]
    [InlineData(new[] { "--xen_phys_start=1" }, "--xen_phys_start is not supported by dumpkit")]
    public void UsageErrorsWordForWord(string[] args, string message)
    {
        var r = Tools.Makedumpfile(args);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"{message}\nTry 'makedumpfile --help' for more information.\n", r.Err.Replace("\r\n", "\n"));
        Assert.Empty(r.Out);
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
    /// last compression option win, the loop refused two), -e, --work-dir, --vtop, --mem-usage and --config (now read).</summary>
    [Fact]
    public void SameAsTheHandLoopItReplaced()
    {
        Gen.Int[0, Vocabulary.Length - 1].Select(i => Vocabulary[i]).Array[0, 8].Sample(args =>
            Assert.Equal(Outcome(() => LegacyMakedumpfileOptions.Parse(args)), Outcome(() => OptionParser.Parse(args))),
            iter: 5000);
    }
}
