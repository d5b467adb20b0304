// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text.Json;
using System.Text.RegularExpressions;
using Dumpkit.Testing;

namespace Dumpkit.Crash.Tests;

/// <summary>
/// <c>crash --triage</c>: each member agrees with what <c>sys</c>, <c>bt</c>, <c>mod</c> and <c>log</c> print in a session
/// on the same dump and with the kernel's own log; the signature holds across dump formats; a bad dump in
/// the list gets crash's own open error and the others go on.
/// </summary>
public partial class TriageTests
{
    [GeneratedRegex(@"^PID: (\d+) +TASK: ([0-9a-f]+) +CPU: (\d+) +COMMAND: ""(.*)""$", RegexOptions.Multiline)]
    private static partial Regex BtHeader();

    [GeneratedRegex(@"^ ?#\d+ \[[0-9a-f]+\] (\S+) at [0-9a-f]+( \[\w+\])?$", RegexOptions.Multiline)]
    private static partial Regex BtFrame();

    [GeneratedRegex(@"^ +([A-Z ]+): (.*)$", RegexOptions.Multiline)]
    private static partial Regex SysLine();

    [GeneratedRegex(@"^\[\s*\d+\.\d+\] (Kernel panic - .*)$", RegexOptions.Multiline)]
    private static partial Regex LogPanic();

    [GeneratedRegex(" +")]
    private static partial Regex Blanks();

    private static string Dump(string set, string kernel) =>
        set == "vmcores" ? RealData.Kernel(kernel, "vmcore.elf") : RealData.CrashDump(kernel, "vmcore.elf");

    private static JsonElement Triage(params string[] dumps)
    {
        var (text, err, code) = CrashRunner.Ours("", ["--triage", .. dumps]);
        Assert.True(code == 0, err + text);
        Assert.Equal("", err);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        return JsonDocument.Parse(lines[0]).RootElement.Clone();
    }

    private static List<string> Strings(JsonElement e) => [.. e.EnumerateArray().Select(x => x.GetString()!)];

    [SkippableTheory]
    [InlineData("vmcores", RealData.Kernel61)]
    [InlineData("vmcores", RealData.Kernel612)]
    [InlineData("crash-dumps", RealData.CrashKernel61)]
    [InlineData("crash-dumps", RealData.CrashKernel612)]
    public void AgreesWithSysBtModAndLog(string set, string kernel)
    {
        var dump = Dump(set, kernel);
        var json = Triage(dump);
        var (text, err, code) = CrashRunner.Ours("sys\nbt\nmod\nlog\nq\n", "-s", dump);
        Assert.True(code == 0, err);
        var sys = SysLine().Matches(text).GroupBy(m => m.Groups[1].Value.Trim()).ToDictionary(g => g.Key, g => g.First().Groups[2].Value);

        Assert.Equal(dump, json.GetProperty("dump").GetString());
        Assert.Equal(sys["RELEASE"], json.GetProperty("release").GetString());
        Assert.Equal(sys["PANIC"], $"\"{json.GetProperty("panic").GetString()}\"");

        var header = BtHeader().Match(text);
        Assert.True(header.Success, text);
        Assert.Equal(int.Parse(header.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), json.GetProperty("pid").GetInt32());
        Assert.Equal(header.Groups[2].Value, json.GetProperty("task").GetString());
        Assert.Equal(int.Parse(header.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture), json.GetProperty("cpu").GetInt32());
        Assert.Equal(header.Groups[4].Value, json.GetProperty("comm").GetString());
        // bt's frames: those before mod's header line
        int modAt = text.IndexOf("MODULE ", header.Index, StringComparison.Ordinal);
        Assert.True(modAt > 0, text);
        var frames = BtFrame().Matches(text[header.Index..modAt]).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(frames);
        Assert.Equal(frames, Strings(json.GetProperty("backtrace")));

        // mod: the name column of each line after the header, up to the log
        var modules = text[modAt..].Split('\n').Skip(1).TakeWhile(l => l.EndsWith("[CONFIG_KALLSYMS]", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]).ToList();
        Assert.Equal(modules, Strings(json.GetProperty("modules")));

        // taint: as the last oops/panic header of the kernel's log printed it (TAINT_DIE is added after __die's header)
        var release = json.GetProperty("release").GetString()!;
        var taintLines = Regex.Matches(text, @"(Not tainted|Tainted: [A-Z ]+?) +" + Regex.Escape(release) + " #");
        Assert.NotEmpty(taintLines);
        string logTaint = taintLines[^1].Groups[1].Value;
        logTaint = logTaint == "Not tainted" ? logTaint : Blanks().Replace(logTaint["Tainted: ".Length..], " ").Trim();
        ulong mask = json.GetProperty("taint_mask").GetUInt64();
        string ours = json.GetProperty("taint").GetString()!;
        if ((mask & (1UL << 7)) != 0 && logTaint != ours)
            ours = Blanks().Replace(ours.Replace("D", " ", StringComparison.Ordinal), " ").Trim();
        Assert.Equal(logTaint, ours);

        var signatureFrames = Strings(json.GetProperty("signature_frames"));
        Assert.NotEmpty(signatureFrames);
        Assert.True(signatureFrames.Count <= 5);
        Assert.DoesNotContain(signatureFrames[0], new[] { "machine_kexec", "__crash_kexec", "crash_kexec", "panic", "vpanic" });
        Assert.Matches("^[0-9a-f]{16}$", json.GetProperty("signature").GetString());
    }

    /// <summary>
    /// Every dump present whose kernel log says the same panic came from the same path (the lab's
    /// <c>echo c &gt; /proc/sysrq-trigger</c>, per their logs) on 6.1 and 6.12, whose builds differ (6.1 has
    /// <c>__handle_sysrq.cold</c>, 6.12 <c>vpanic</c>): one signature.
    /// </summary>
    [SkippableFact]
    public void TheSameBugOnBothKernelsHasOneSignature()
    {
        var dumps = new List<string>();
        foreach (var (set, kernel) in new[]
                 {
                     ("vmcores", RealData.Kernel61), ("vmcores", RealData.Kernel612),
                     ("crash-dumps", RealData.CrashKernel61), ("crash-dumps", RealData.CrashKernel612),
                 })
        {
            try { dumps.Add(Dump(set, kernel)); }
            catch (SkipException) { }
        }
        Skip.If(dumps.Count < 2, "fewer than two real dumps present");
        var (text, err, code) = CrashRunner.Ours("", ["--triage", .. dumps]);
        Assert.True(code == 0, err + text);
        var objects = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(dumps.Count, objects.Count);
        var byPanic = objects.GroupBy(o => o.GetProperty("panic").GetString()).ToList();
        Assert.Contains(byPanic, g => g.Count() > 1);
        foreach (var g in byPanic)
            Assert.Single(g.Select(o => o.GetProperty("signature").GetString()).Distinct());
    }

    [SkippableTheory]
    [InlineData(RealData.CrashKernel61)]
    [InlineData(RealData.CrashKernel612)]
    public void PanicIsTheKernelsLogLine(string kernel)
    {
        var log = File.ReadAllText(RealData.CrashDump(kernel, "kdump-dmesg.txt"));
        var json = Triage(RealData.CrashDump(kernel, "vmcore.elf"));
        var panics = LogPanic().Matches(log);
        Assert.Single(panics);
        Assert.Equal(panics[0].Groups[1].Value.TrimEnd(), json.GetProperty("panic").GetString());
    }

    [SkippableTheory]
    [InlineData(RealData.Kernel61)]
    [InlineData(RealData.Kernel612)]
    public void SignatureHoldsOnFilteredAndFlattenedCopies(string kernel)
    {
        var elf = RealData.Kernel(kernel, "vmcore.elf");
        using var dir = new TempDir();
        var compressed = Tools.Makedumpfile("-c", "-d", "31", elf, dir["d31"]);
        Assert.True(compressed.ExitCode == 0, compressed.Err);
        var flattened = Tools.Makedumpfile("-F", "-c", "-d", "31", elf);
        Assert.True(flattened.ExitCode == 0, flattened.Err);
        File.WriteAllBytes(dir["flat"], flattened.Stdout);

        var (text, err, code) = CrashRunner.Ours("", "--triage", elf, dir["d31"], dir["flat"]);
        Assert.True(code == 0, err + text);
        var objects = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, objects.Count);
        var signature = objects[0].GetProperty("signature").GetString();
        Assert.NotNull(signature);
        foreach (var o in objects.Skip(1))
        {
            Assert.Equal(signature, o.GetProperty("signature").GetString());
            Assert.Equal(Strings(objects[0].GetProperty("backtrace")), Strings(o.GetProperty("backtrace")));
            Assert.Equal(objects[0].GetProperty("task").GetString(), o.GetProperty("task").GetString());
            Assert.Equal(objects[0].GetProperty("panic").GetString(), o.GetProperty("panic").GetString());
        }
    }

    /// <summary>A missing and a garbage file: each gets the error crash prints when it cannot open it, and the run goes on.</summary>
    [Fact]
    public void BadDumpsGiveErrorObjectsAndTheRunGoesOn()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir["garbage"], [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 7 + 3))]);
        var bad = new[] { dir["missing"], dir["garbage"], dir.Path };
        var (text, err, code) = CrashRunner.Ours("", ["--triage", .. bad]);
        Assert.Equal(1, code);
        Assert.Equal("", err);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(bad.Length, lines.Length);
        for (int i = 0; i < bad.Length; i++)
        {
            var o = JsonDocument.Parse(lines[i]).RootElement;
            Assert.Equal(bad[i], o.GetProperty("dump").GetString());
            var (_, crashErr, crashCode) = CrashRunner.Ours("q\n", bad[i]);
            Assert.Equal(1, crashCode);
            Assert.Equal(crashErr.TrimEnd('\n'), o.GetProperty("error").GetString());
            Assert.Equal(2, o.EnumerateObject().Count());
        }
    }

    [SkippableFact]
    public void ABadDumpDoesNotStopTheGoodOne()
    {
        var dump = RealData.Kernel(RealData.Kernel61, "vmcore.elf");
        using var dir = new TempDir();
        var (text, _, code) = CrashRunner.Ours("", "--triage", dir["missing"], dump);
        Assert.Equal(1, code);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, lines.Count);
        Assert.True(lines[0].TryGetProperty("error", out _));
        Assert.False(lines[1].TryGetProperty("error", out _));
        Assert.Equal(Triage(dump).GetProperty("signature").GetString(), lines[1].GetProperty("signature").GetString());
    }

    /// <summary>The NativeAOT binary (DUMPKIT_BINARY) through a link named crash prints what the library prints.</summary>
    [SkippableFact]
    public void TheBinaryThroughTheLinkNamePrintsTheSameLines()
    {
        var bin = Environment.GetEnvironmentVariable("DUMPKIT_BINARY");
        Skip.If(string.IsNullOrEmpty(bin) || !File.Exists(bin), "DUMPKIT_BINARY not set (test.sh publishes the NativeAOT binary and sets it)");
        var dump = RealData.Kernel(RealData.Kernel612, "mdf-c-d31");
        using var dir = new TempDir();
        File.CreateSymbolicLink(dir["crash"], Path.GetFullPath(bin!));
        string[] args = ["--triage", dump, dir["missing"]];
        var theirs = RealData.Run(dir["crash"], args);
        var ours = CrashRunner.Ours("", args);
        Assert.Equal(1, theirs.ExitCode);
        Assert.Equal(ours.Code, theirs.ExitCode);
        Assert.Equal("", theirs.Err);
        Assert.Equal(ours.Out, theirs.Out);
    }

    [Theory]
    [InlineData()]
    [InlineData("-x", "vmcore")]
    public void UsageErrorsExitTwo(params string[] args)
    {
        var (text, err, code) = CrashRunner.Ours("", ["--triage", .. args]);
        Assert.Equal(2, code);
        Assert.Equal("", text);
        Assert.Contains("crash --triage VMCORE...", err, StringComparison.Ordinal);
    }
}
