// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.


namespace Dumpkit.Makedumpfile.Tests;

/// <summary>
/// A VMCOREINFO given with -i can say anything: every printk ringbuffer offset of the real
/// sample's, replaced by a negative or a huge value, ends in one message and exit 1 (or a log),
/// never an exception.
/// </summary>
public class LyingVmcoreinfoTests
{
    public static TheoryData<string> PrintkKeys()
    {
        using var dump = DumpReader.Open(DumpJobTests.Sample());
        var data = new TheoryData<string>();
        foreach (var line in dump.VmcoreinfoText!.Split('\n'))
            if ((line.Contains("printk") || line.Contains("prb") || line.Contains("atomic_long_t")) && line.Contains('='))
                data.Add(line[..line.IndexOf('=')]);
        return data;
    }

    [Theory]
    [MemberData(nameof(PrintkKeys))]
    public void LyingPrintkOffsetsEndInOneMessage(string key)
    {
        using var dump = DumpReader.Open(DumpJobTests.Sample());
        var lines = dump.VmcoreinfoText!.Split('\n');
        using var dir = new TempDir();
        foreach (var value in new[] { "-1", "-100000", "99999999", "7fffffff" })
        {
            File.WriteAllLines(dir["vmcoreinfo"], lines.Select(l => l.StartsWith(key + "=", StringComparison.Ordinal) ? $"{key}={value}" : l));
            var r = Tools.Makedumpfile("-f", "--dump-dmesg", "-i", dir["vmcoreinfo"], DumpJobTests.Sample(), dir["log"]);
            Assert.True(r.ExitCode is 0 or 1, $"{key}={value}: exit {r.ExitCode}");
            Assert.DoesNotContain("Exception", r.Err);
            if (r.ExitCode == 1)
                Assert.Contains("cannot read the kernel log", r.Err);
        }
    }
}

/// <summary>
/// A dump cut short (copied onto a full disk): <c>--dump-dmesg</c> either saves what it can read or ends in one line
/// that says why the log cannot be read, naming the cut file and the offset of the page whose data lies past its end.
/// </summary>
public class CutShortDmesgTests
{
    [Fact]
    public void ACutDumpNamesTheFileAndWhereItsDataIsMissing()
    {
        var bytes = File.ReadAllBytes(DumpJobTests.Sample());
        using var dir = new TempDir();
        int failed = 0;
        for (int eighth = 1; eighth < 8; eighth++)
        {
            var cut = dir[$"cut{eighth}"];
            File.WriteAllBytes(cut, bytes.AsSpan(0, bytes.Length / 8 * eighth).ToArray());
            var r = Tools.Makedumpfile("-f", "--dump-dmesg", cut, dir["log"]);
            Assert.True(r.ExitCode is 0 or 1, $"{eighth}/8: exit {r.ExitCode}: {r.Err}");
            Assert.DoesNotContain("Exception", r.Err);
            if (r.ExitCode == 0) continue;
            failed++;
            var line = r.Err.TrimEnd('\n');
            Assert.DoesNotContain('\n', line);
            Assert.StartsWith($"{cut}: cannot read the kernel log: ", line, StringComparison.Ordinal);
            Assert.True(line.Contains($"({cut}: offset 0x", StringComparison.Ordinal) && line.EndsWith("lies outside the file)", StringComparison.Ordinal),
                $"{eighth}/8: {line}");
        }
        Assert.True(failed > 0, "every cut still gave the whole log");
    }
}
