// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text.Json;
using System.Text.RegularExpressions;

namespace Dumpkit.Crash.Tests;

/// <summary>
/// A dump given as the parts of a <c>makedumpfile --split</c> set (<c>crash [VMLINUX] D1 D2 ...</c>, any order): the same
/// commands give the same answers on the ELF dump, our <c>-c -d 31</c> file, our flattened stream and split sets made by
/// our makedumpfile and Debian's; crash 8.0.2 with the debug vmlinux on the 6.1 split sets agrees where it is right; an
/// incomplete, doubled or mixed set is one line; <c>--triage</c> counts a set as one dump.
/// </summary>
public partial class SplitSetTests
{
    private static readonly string[] Commands =
        ["sys", "ps", "bt -a", "log", "mod", "foreach bt", "files", "vm", "foreach files", "foreach vm"];

    /// <summary>sys's DUMPFILE/DUMPFILES lines name the files (and [PARTIAL DUMP] for a filtered one): not the answer compared.</summary>
    [GeneratedRegex(@"^( +DUMPFILES?: .*| {14}\S.*)\n", RegexOptions.Multiline)]
    private static partial Regex DumpFileLines();

    private static string Dump(string set, string kernel) =>
        set == "vmcores" ? RealData.Kernel(kernel, "vmcore.elf") : RealData.CrashDump(kernel, "vmcore.elf");

    /// <summary>Our makedumpfile's split set of <paramref name="elf"/> in three parts.</summary>
    private static string[] OurSplit(string elf, TempDir dir, string prefix)
    {
        string[] parts = [dir[prefix + ".1"], dir[prefix + ".2"], dir[prefix + ".3"]];
        var r = Tools.Makedumpfile(["--split", "-c", "-d", "31", elf, .. parts]);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        return parts;
    }

    /// <summary>
    /// Debian's makedumpfile 1.7.2 split set, or null when it is not installed. On 6.12 its -d 31 is wrong (it keeps user
    /// pages and drops pages of the task list, ../shared/lab/README.md), so there the set is made at -d 1.
    /// </summary>
    private static string[]? DebianSplit(string elf, string kernel, TempDir dir)
    {
        if (!File.Exists("/usr/bin/makedumpfile"))
            return null;
        string[] parts = [dir["deb.1"], dir["deb.2"], dir["deb.3"]];
        string level = kernel.StartsWith("6.1.", StringComparison.Ordinal) ? "31" : "1";
        var r = RealData.Run("/usr/bin/makedumpfile", ["--split", "-c", "-d", level, elf, .. parts]);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        return parts;
    }

    [SkippableTheory]
    [InlineData("crash-dumps", RealData.CrashKernel61)]
    [InlineData("crash-dumps", RealData.CrashKernel612)]
    [InlineData("vmcores", RealData.Kernel61)]
    [InlineData("vmcores", RealData.Kernel612)]
    public void SameAnswersOnTheElfDumpFilteredFlattenedAndSplitSets(string set, string kernel)
    {
        var elf = Dump(set, kernel);
        using var dir = new TempDir();
        var d31 = Tools.Makedumpfile("-c", "-d", "31", elf, dir["d31"]);
        Assert.True(d31.ExitCode == 0, d31.Err);
        var flat = Tools.Makedumpfile("-F", "-c", "-d", "31", elf);
        Assert.True(flat.ExitCode == 0, flat.Err);
        File.WriteAllBytes(dir["flat"], flat.Stdout);
        var ours = OurSplit(elf, dir, "ours");
        var forms = new List<(string Name, string[] Files)>
        {
            ("-c -d 31", [dir["d31"]]), ("-F -c -d 31", [dir["flat"]]), ("our --split, parts 3 1 2", [ours[2], ours[0], ours[1]]),
        };
        if (DebianSplit(elf, kernel, dir) is { } debian)
            forms.Add(("Debian's --split, parts 2 3 1", [debian[1], debian[2], debian[0]]));

        var expected = CrashRunner.OursPerCommand([elf], Commands).Select(o => DumpFileLines().Replace(o, "")).ToArray();
        Assert.Contains("PANIC: ", expected[0]);
        foreach (var (name, files) in forms)
        {
            var actual = CrashRunner.OursPerCommand(files, Commands);
            for (int i = 0; i < Commands.Length; i++)
            {
                var text = DumpFileLines().Replace(actual[i], "");
                Assert.True(expected[i] == text, $"{name}: '{Commands[i]}': {CrashRunner.FirstDifference(expected[i], text)}");
            }
        }
    }

    [SkippableFact]
    public void SysNamesEveryPartAsCrashDoes()
    {
        var elf = Dump("crash-dumps", RealData.CrashKernel61);
        using var dir = new TempDir();
        var parts = OurSplit(elf, dir, "p");
        var (text, err, code) = CrashRunner.Ours("sys\nq\n", ["-s", parts[1], parts[0], parts[2]]);
        Assert.True(code == 0, err);
        Assert.Contains($"   DUMPFILES: {parts[1]} [PARTIAL DUMP]\n              {parts[0]} [PARTIAL DUMP]\n              {parts[2]} [PARTIAL DUMP]\n",
            text, StringComparison.Ordinal);
    }

    /// <summary>
    /// crash 8.0.2 + the debug vmlinux on the 6.1 crash dump's split sets (Debian's and ours): sys (but KERNEL, which we
    /// do without, and TASKS: crash 8.0.2 sees 3 of the tasks on 6.1.y), log, mod, kmem -i, files 1 and vm 0 identical.
    /// </summary>
    [SkippableFact]
    public void Crash802AgreesOnThe61SplitSets()
    {
        var vmlinux = CrashRunner.RequireVmlinux(RealData.CrashKernel61);
        var elf = Dump("crash-dumps", RealData.CrashKernel61);
        using var dir = new TempDir();
        string[] commands = ["sys", "log", "mod", "kmem -i", "files 1", "vm 0"];
        var sets = new List<string[]> { OurSplit(elf, dir, "ours") };
        if (DebianSplit(elf, RealData.CrashKernel61, dir) is { } debian)
            sets.Add([debian[2], debian[0], debian[1]]);
        foreach (var files in sets)
        {
            var crash = CrashRunner.Oracle(vmlinux, files, commands);
            var ours = CrashRunner.OursPerCommand(files, commands);
            for (int i = 0; i < commands.Length; i++)
            {
                string c = commands[i] == "sys" ? WithoutKernelAndTasks(crash[i]) : crash[i];
                string o = commands[i] == "sys" ? WithoutKernelAndTasks(ours[i]) : ours[i];
                Assert.True(c == o, $"{files[0]}: '{commands[i]}': {CrashRunner.FirstDifference(c, o)}");
            }
        }
    }

    private static string WithoutKernelAndTasks(string sys) =>
        string.Join('\n', sys.Split('\n').Where(l => !l.StartsWith("      KERNEL: ", StringComparison.Ordinal)
                                                     && !l.StartsWith("       TASKS: ", StringComparison.Ordinal)));

    /// <summary>Each wrong set is refused with one line on stderr, nothing on stdout, exit status 1.</summary>
    private static string Refused(params string[] args)
    {
        var (text, err, code) = CrashRunner.Ours("sys\nq\n", ["-s", .. args]);
        Assert.Equal(1, code);
        Assert.Equal("", text);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("crash: ", lines[0], StringComparison.Ordinal);
        return lines[0];
    }

    [SkippableFact]
    public void AnIncompleteDoubledOrMixedSetIsOneLine()
    {
        var elf = Dump("crash-dumps", RealData.CrashKernel61);
        var other = Dump("vmcores", RealData.Kernel61);
        using var dir = new TempDir();
        var parts = OurSplit(elf, dir, "a");
        var others = OurSplit(other, dir, "b");

        var missing = Refused(parts[2], parts[0]);
        Assert.Contains("are 2 of the parts of a split dump", missing);
        Assert.Contains("give every part", missing);
        Assert.Contains("is one part of a split dump", Refused(parts[1]));
        Assert.Contains($"{parts[1]}: the same part of the split dump as {parts[1]}", Refused(parts[0], parts[1], parts[1], parts[2]));
        Assert.Contains("not part of the same split dump", Refused(parts[0], others[1], parts[2]));
        Assert.Equal($"crash: {dir["none"]}: No such file or directory", Refused(parts[0], dir["none"], parts[2]));
        // a vmlinux first, then the parts: the first file that is no dump is the vmlinux, as crash takes it
        File.WriteAllText(dir["vmlinux"], "not an ELF file, but not a dump either");
        Assert.Contains("is one part of a split dump", Refused(dir["vmlinux"], parts[1]));
    }

    [SkippableFact]
    public void TriageCountsASetAsOneDump()
    {
        var elf = Dump("crash-dumps", RealData.CrashKernel61);
        using var dir = new TempDir();
        var parts = OurSplit(elf, dir, "s");
        var (text, err, code) = CrashRunner.Ours("", "--triage", parts[1], elf, parts[2], parts[0]);
        Assert.True(code == 0, err + text);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, lines.Count);
        var set = lines[0];
        var whole = lines[1];
        Assert.Equal(parts[1], set.GetProperty("dump").GetString());
        Assert.Equal([parts[1], parts[2], parts[0]], set.GetProperty("parts").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(elf, whole.GetProperty("dump").GetString());
        Assert.False(whole.TryGetProperty("parts", out _));
        foreach (var member in new[] { "release", "panic", "comm", "task", "taint", "signature" })
            Assert.Equal(whole.GetProperty(member).GetString(), set.GetProperty(member).GetString());
        Assert.Equal(whole.GetProperty("backtrace").ToString(), set.GetProperty("backtrace").ToString());
        Assert.Equal(whole.GetProperty("modules").ToString(), set.GetProperty("modules").ToString());

        // a set without one of its parts: an error object naming the parts given
        (text, _, code) = CrashRunner.Ours("", "--triage", parts[0], parts[2]);
        Assert.Equal(1, code);
        var error = JsonDocument.Parse(text.Trim()).RootElement;
        Assert.Equal(parts[0], error.GetProperty("dump").GetString());
        Assert.Equal(2, error.GetProperty("parts").GetArrayLength());
        Assert.Contains("give every part", error.GetProperty("error").GetString());
    }
}
