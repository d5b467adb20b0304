// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text.RegularExpressions;

namespace Dumpkit.Kdump.Tests;

/// <summary>What the configuration may do, said in the shipped file; values that cannot be passed on refused.</summary>
public partial class KdumpConfigSafetyTests
{
    [GeneratedRegex("""(?:Get|TryGetValue)\("([A-Z_]+)"\)?""")]
    private static partial Regex KeyRead();

    [Fact]
    public void EveryKeyTheServiceReadsIsDocumentedInTheShippedFile()
    {
        string source = File.ReadAllText(RealData.RepoFile("src/Dumpkit.Kdump/KdumpConfig.cs")) + string.Concat(
            Directory.GetFiles(RealData.RepoFile("src/Dumpkit.Kdump/Initrd"), "*.cs").Select(File.ReadAllText));
        string shipped = File.ReadAllText(RealData.RepoFile("etc/default/dumpkit"));
        var keys = KeyRead().Matches(source).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Contains("KDUMP_FAIL_CMD", keys);
        foreach (var key in keys)
            Assert.Matches(new Regex($"^# {key}[:,]", RegexOptions.Multiline), shipped);
        // the keys that start programs say so where they are documented and in the security summary
        foreach (var key in new[] { "KDUMP_FAIL_CMD", "KDUMP_SSH_COMMAND", "KDUMP_REMOTE_DUMPKIT" })
        {
            Assert.Matches(new Regex($"^# {key}: RUNS A (PROGRAM|COMMAND)", RegexOptions.Multiline), shipped);
            Assert.Contains(key, shipped[..shipped.IndexOf("\n\n", StringComparison.Ordinal)]);
        }
    }

    [Theory]
    [InlineData("KDUMP_COREDIR=/var/crash\0/x")]
    [InlineData("KDUMP_FAIL_CMD=\"reboot\0 -f\"")]
    [InlineData("USE_KDUMP=1\nMAKEDUMP_ARGS='-c\0'")]
    public void ANulByteIsRefusedWithItsLine(string text)
    {
        var e = Assert.Throws<KdumpConfigException>(() => KdumpConfig.Parse(text, "/etc/default/dumpkit"));
        int line = text[..text.IndexOf('\0')].Count(c => c == '\n') + 1;
        Assert.Equal($"/etc/default/dumpkit:{line}: NUL byte in the line", e.Message);
    }

    [SkippableFact]
    public void AnEndlessConfigurationFileIsRefusedInOneLine()
    {
        Skip.IfNot(File.Exists("/dev/zero"), "needs /dev/zero");
        var e = Assert.Throws<KdumpConfigException>(() => KdumpConfig.Load("/dev/zero"));
        Assert.StartsWith("/dev/zero: too large for a configuration file", e.Message);
    }

    [SkippableFact]
    // A named FIFO without a writer would block open(2) for ever: one line, at once. A pipe behind /dev/fd (a shell's
    // <(...)) is read as usual, and /dev/null is an empty configuration.
    public void AFifoIsRefusedAndAPipeOrDevNullIsRead()
    {
        Skip.IfNot(File.Exists("/usr/bin/mkfifo") && File.Exists("/dev/null"), "needs mkfifo and /dev/null");
        using var dir = new TempDir();
        string fifo = dir["fifo"];
        Assert.Equal(0, RealData.Run("/usr/bin/mkfifo", [fifo]).ExitCode);
        var load = Task.Run(() => Assert.Throws<KdumpConfigException>(() => KdumpConfig.Load(fifo)));
        Assert.True(load.Wait(TimeSpan.FromMinutes(2)), "KdumpConfig.Load blocked opening a FIFO");
        Assert.Equal($"{fifo}: not a regular file", load.Result.Message);
        Assert.Null(KdumpConfig.Load("/dev/null").Get("USE_KDUMP"));
        using var pipe = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.Out);
        string reader = $"/proc/self/fd/{pipe.ClientSafePipeHandle.DangerousGetHandle()}";
        pipe.Write("USE_KDUMP=1\n"u8);
        pipe.Close(); // the writer's end: the reader sees the text, then the end of the file
        Assert.Equal("1", KdumpConfig.Load(reader).Get("USE_KDUMP"));
    }
}
