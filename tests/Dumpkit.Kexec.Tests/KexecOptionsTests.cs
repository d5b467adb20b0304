// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using CsCheck;

namespace Dumpkit.Kexec.Tests;

/// <summary>kexec's command line: the usage errors word for word, and the parser against the hand
/// loop it replaced on generated command lines.</summary>
public class KexecOptionsTests
{
    [Theory]
    [InlineData(new[] { "--bogus" }, "unrecognized option '--bogus'")]
    [InlineData(new[] { "--bogus=1" }, "unrecognized option '--bogus'")]
    [InlineData(new[] { "--=x" }, "unrecognized option '--'")]
    [InlineData(new[] { "-Q" }, "invalid option -- 'Q'")]
    [InlineData(new[] { "-pQ" }, "invalid option -- 'Q'")]
    [InlineData(new[] { "-t" }, "option requires an argument -- 't'")]
    [InlineData(new[] { "--initrd" }, "option '--initrd' requires an argument")]
    [InlineData(new[] { "--ini" }, "option '--initrd' requires an argument")]
    [InlineData(new[] { "--load=x" }, "option '--load' doesn't allow an argument")]
    [InlineData(new[] { "--load-pa=" }, "option '--load-panic' doesn't allow an argument")]
    [InlineData(new[] { "--re" }, "option '--re' is ambiguous")]
    [InlineData(new[] { "--re=1" }, "option '--re' is ambiguous")]
    [InlineData(new[] { "-c" }, "-c/--kexec-syscall (the old kexec_load call) is not supported: dumpkit loads with kexec_file_load only")]
    [InlineData(new[] { "--real-mode" }, "--real-mode needs kexec_load, which dumpkit does not use")]
    [InlineData(new[] { "--entry=0" }, "--entry is not supported")]
    [InlineData(new[] { "-p", "--reuse-i" }, "--reuse-initrd is not supported")]
    public void UsageErrorsWordForWord(string[] args, string message)
    {
        using var f = new FakeSystem();
        Assert.Equal(1, f.Kexec(args));
        Assert.Equal($"kexec: {message}\nTry 'kexec --help' for more information.\n", f.Err.ToString().Replace("\r\n", "\n"));
        Assert.Empty(f.Out.ToString());
    }

    private static readonly string[] Vocabulary =
    [
        "-p", "-l", "-u", "-e", "-f", "-x", "-y", "-s", "-a", "-c", "-S", "-i", "-h", "-v", "-d", "-t", "-tbzImage",
        "-pu", "-lpS", "-pd", "-Q", "-pQ", "-", "--", "k", "i", "=", "--load", "--load-panic", "--load-p", "--load-pa", "--lo", "--l",
        "--unload", "--exec", "--type=x", "--type", "--status", "--initrd=i", "--initrd", "--ini", "--ramdisk=r",
        "--append=a", "--app", "--command-line=c", "--comm", "--reuse-cmdline", "--reuse", "--re", "--real-mode",
        "--entry=1", "--mem-min=1", "--mem", "--print-ckr-size", "--console-vga", "--bogus", "--bogus=1", "--load=x",
        "--help", "--version", "--=x", "---x", "--no-sync", "--debug", "--force", "--kexec-syscall",
    ];

    private static string Outcome(Func<KexecOptions> parse)
    {
        try
        {
            var o = parse();
            return string.Join(' ', typeof(KexecOptions).GetProperties()
                .Select(p => $"{p.Name}={(p.GetValue(o) is List<string> l ? string.Join('|', l) : p.GetValue(o))}"));
        }
        catch (KexecUsageException e)
        {
            return "error: " + e.Message;
        }
    }

    [Fact]
    public void SameAsTheHandLoopItReplaced()
    {
        Gen.Int[0, Vocabulary.Length - 1].Select(i => Vocabulary[i]).Array[0, 8].Sample(args =>
            Assert.Equal(Outcome(() => LegacyKexecOptions.Parse(args)), Outcome(() => KexecOptions.Parse(args))),
            iter: 5000);
    }
}
