// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Dumpkit.Crash.Tests;

/// <summary>
/// <c>--triage</c> on real kdumps of other panics than sysrq c, made in QEMU by tests/lab/panic-dumps.sh (an OOM panic with
/// vm.panic_on_oom, sysrq c with taint bits set, a hung-task panic, an unknown NMI with kernel.unknown_nmi_panic, a soft
/// lockup with kernel.softlockup_panic; on Debian's 6.1 and 6.12): each member against the
/// kernel's own log in the dump (the panic line, the CPU/PID/Comm/taint header under it, its Call Trace) and, on 6.1,
/// against crash 8.0.2's <c>sys</c> PANIC line and <c>bt</c>. DUMPKIT_PANIC_DUMPS names LABDIR/panic; without it they skip.
/// </summary>
public partial class PanicTriageTests(Xunit.Abstractions.ITestOutputHelper output)
{
    public static readonly TheoryData<string, string> Dumps = new()
    {
        { RealData.CrashKernel61, "oom" }, { RealData.CrashKernel61, "taint" }, { RealData.CrashKernel61, "hung" },
        { RealData.CrashKernel612, "oom" }, { RealData.CrashKernel612, "taint" }, { RealData.CrashKernel612, "hung" },
        { RealData.CrashKernel61, "nmi" }, { RealData.CrashKernel612, "nmi" },
        { RealData.CrashKernel61, "softlockup" }, { RealData.CrashKernel612, "softlockup" },
    };

    /// <summary>
    /// The panics that happen on another stack than the task's: the NMI stack. (The soft lockup's timer interrupt came from
    /// user mode, which the kernel handles on the task stack: its trace is all &lt;TASK&gt;.)
    /// </summary>
    public static readonly TheoryData<string, string, string, string> StackTransitions = new()
    {
        { RealData.CrashKernel61, "nmi", "NMI", "NMI exception stack" }, { RealData.CrashKernel612, "nmi", "NMI", "NMI exception stack" },
    };

    [GeneratedRegex(@"^\[\s*\d+\.\d+\] (Kernel panic - not syncing: .*)$")]
    private static partial Regex PanicLine();

    [GeneratedRegex(@"^\[\s*\d+\.\d+\] CPU: (\d+) (?:UID: \d+ )?PID: (\d+) Comm: (.+?) (?:Kdump: loaded )?(Not tainted|Tainted: [A-Z ]+?) +\S+ #")]
    private static partial Regex HeaderLine();

    [GeneratedRegex(@"^\[\s*\d+\.\d+\]  (\? )?([^\s+]+)\+0x[0-9a-f]+/0x[0-9a-f]+( \[\w+\])?$")]
    private static partial Regex TraceLine();

    [GeneratedRegex(@"^ ?#\d+ \[[0-9a-f]+\] (\S+) at [0-9a-f]+( \[\w+\])?$", RegexOptions.Multiline)]
    private static partial Regex BtFrame();

    [GeneratedRegex(@"^PID: (\d+) +TASK: ([0-9a-f]+) +CPU: (\d+) +COMMAND: ""(.*)""$", RegexOptions.Multiline)]
    private static partial Regex BtHeader();

    [GeneratedRegex(" +")]
    private static partial Regex Blanks();

    private static string PanicDump(string kernel, string kind)
    {
        var dir = Environment.GetEnvironmentVariable("DUMPKIT_PANIC_DUMPS");
        Skip.If(string.IsNullOrEmpty(dir), "DUMPKIT_PANIC_DUMPS is not set (tests/lab/panic-dumps.sh LABDIR KVER KIND...: LABDIR/panic)");
        var path = Path.Combine(dir!, kernel, kind, "vmcore.elf");
        Skip.IfNot(File.Exists(path), $"no {path}");
        return path;
    }

    private static JsonElement Triage(string dump)
    {
        var (text, err, code) = CrashRunner.Ours("", "--triage", dump);
        Assert.True(code == 0, err + text);
        return JsonDocument.Parse(text.Trim()).RootElement.Clone();
    }

    private static List<string> Strings(JsonElement e) => [.. e.EnumerateArray().Select(x => x.GetString()!)];

    /// <summary>The kernel's panic as our <c>log</c> prints it: the line, the header under it, the Call Trace (reliable, unreliable).</summary>
    private static (string Panic, Match Header, List<string> Reliable, HashSet<string> Unreliable) KernelsAccount(string dump)
    {
        var (log, err, code) = CrashRunner.Ours("log\nq\n", "-s", dump);
        Assert.True(code == 0, err);
        var lines = log.Split('\n');
        int at = Array.FindIndex(lines, l => PanicLine().IsMatch(l));
        Assert.True(at >= 0, "no panic in the log");
        var header = lines.Skip(at + 1).Select(l => HeaderLine().Match(l)).First(m => m.Success);
        List<string> reliable = [];
        HashSet<string> unreliable = [];
        for (int i = at + 1; i < lines.Length && !lines[i].Contains("</TASK>", StringComparison.Ordinal); i++)
            if (TraceLine().Match(lines[i]) is { Success: true } f)
                (f.Groups[1].Success ? (ICollection<string>)unreliable : reliable).Add(f.Groups[2].Value);
        return (PanicLine().Match(lines[at]).Groups[1].Value.TrimEnd(), header, reliable, unreliable);
    }

    [SkippableTheory]
    [MemberData(nameof(Dumps))]
    public void TriageAgreesWithTheKernelsLog(string kernel, string kind)
    {
        var dump = PanicDump(kernel, kind);
        var json = Triage(dump);
        output.WriteLine(json.GetRawText());
        var (panic, header, reliable, unreliable) = KernelsAccount(dump);
        // the log in the dump is the one the capture kernel saved with makedumpfile --dump-dmesg
        Assert.Contains(panic, File.ReadAllText(Path.Combine(Path.GetDirectoryName(dump)!, "kdump-dmesg.txt")));

        Assert.Equal(panic, json.GetProperty("panic").GetString());
        Assert.Equal(int.Parse(header.Groups[1].Value, CultureInfo.InvariantCulture), json.GetProperty("cpu").GetInt32());
        Assert.Equal(int.Parse(header.Groups[2].Value, CultureInfo.InvariantCulture), json.GetProperty("pid").GetInt32());
        Assert.Equal(header.Groups[3].Value, json.GetProperty("comm").GetString());
        string logTaint = header.Groups[4].Value;
        logTaint = logTaint == "Not tainted" ? logTaint : Blanks().Replace(logTaint["Tainted: ".Length..], " ").Trim();
        Assert.Equal(logTaint, json.GetProperty("taint").GetString());

        // the Call Trace the kernel printed inside panic(): from panic (vpanic) on, our backtrace ends with the same frames
        int from = reliable.FindIndex(f => f is "panic" or "vpanic");
        Assert.True(from >= 0, string.Join(' ', reliable));
        var tail = reliable[from..];
        // the function an interrupt or NMI stopped (native_safe_halt) is a frame of ours and crash's; the kernel prints it as
        // the RIP of the register dump and marks it "?" in the trace
        var ours = Strings(json.GetProperty("backtrace")).Where(f => !unreliable.Contains(f) || reliable.Contains(f)).ToList();
        Assert.True(ours.Count >= tail.Count && ours[^tail.Count..].SequenceEqual(tail),
            $"kernel: {string.Join(' ', tail)}\nours:   {string.Join(' ', ours)}");

        var signatureFrames = Strings(json.GetProperty("signature_frames"));
        Assert.NotEmpty(signatureFrames);
        Assert.DoesNotContain(signatureFrames[0], new[] { "machine_kexec", "__crash_kexec", "crash_kexec", "panic", "vpanic" });
        Assert.Matches("^[0-9a-f]{16}$", json.GetProperty("signature").GetString());
    }

    /// <summary>
    /// A panic on the NMI stack or in the timer interrupt: the kernel's Call Trace has a &lt;NMI&gt; or &lt;IRQ&gt; part and a
    /// &lt;TASK&gt; part; our <c>bt</c> crosses from that stack to the task's with crash's <c>--- &lt;NMI exception stack&gt; ---</c> or
    /// <c>--- &lt;IRQ stack&gt; ---</c> line, the reliable frames of the kernel's first part above it and of its task part below it.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(StackTransitions))]
    public void BtCrossesTheStacksTheKernelsTraceCrosses(string kernel, string kind, string tag, string crashName)
    {
        var dump = PanicDump(kernel, kind);
        var (log, err, code) = CrashRunner.Ours("log\nbt\nq\n", "-s", dump);
        Assert.True(code == 0, err);
        var lines = log.Split('\n');
        int at = Array.FindIndex(lines, l => PanicLine().IsMatch(l));
        Assert.True(at >= 0, "no panic in the log");
        int open = Array.FindIndex(lines, at, l => l.EndsWith($" <{tag}>", StringComparison.Ordinal));
        int close = Array.FindIndex(lines, at, l => l.EndsWith($" </{tag}>", StringComparison.Ordinal));
        int end = Array.FindIndex(lines, at, l => l.EndsWith(" </TASK>", StringComparison.Ordinal));
        Assert.True(open > at && close > open && end > close, $"no <{tag}> ... </{tag}> ... </TASK> after the panic line");
        List<string> Reliable(int from, int to) => [.. lines[from..to].Select(l => TraceLine().Match(l))
            .Where(m => m.Success && !m.Groups[1].Success).Select(m => m.Groups[2].Value)];
        var above = Reliable(open, close);
        var below = Reliable(close, end);
        Assert.NotEmpty(below);

        int bt = Array.FindIndex(lines, l => BtHeader().IsMatch(l));
        Assert.True(bt >= 0, log);
        var btText = string.Join('\n', lines[bt..]);
        int cross = btText.IndexOf($"--- <{crashName}> ---", StringComparison.Ordinal);
        Assert.True(cross > 0, btText);
        var before = BtFrame().Matches(btText[..cross]).Select(m => m.Groups[1].Value).ToList();
        var after = BtFrame().Matches(btText[cross..]).Select(m => m.Groups[1].Value).ToList();
        int from = above.FindIndex(f => f is "panic" or "vpanic");
        Assert.True(from >= 0, string.Join(' ', above));
        Assert.Equal(above[from..], before.Where(f => above.Contains(f)).SkipWhile(f => f is not ("panic" or "vpanic")));
        Assert.Equal(below, after.Where(f => below.Contains(f)));
    }

    /// <summary>
    /// crash 8.0.2 + the debug vmlinux on the 6.1 dumps: its PANIC line is ours, and its bt is our backtrace but for the frames
    /// the kernel's own trace calls unreliable.
    /// </summary>
    [SkippableTheory]
    [InlineData("oom")]
    [InlineData("taint")]
    [InlineData("hung")]
    [InlineData("nmi")]
    [InlineData("softlockup")]
    public void Crash802AgreesOn61(string kind)
    {
        var dump = PanicDump(RealData.CrashKernel61, kind);
        var vmlinux = CrashRunner.RequireVmlinux(RealData.CrashKernel61);
        var json = Triage(dump);
        var crash = CrashRunner.Oracle(vmlinux, dump, ["sys", "bt"]);
        var panicLine = crash[0].Split('\n').Single(l => l.StartsWith("       PANIC: ", StringComparison.Ordinal));
        Assert.Equal($"       PANIC: \"{json.GetProperty("panic").GetString()}\"", panicLine);

        var h = BtHeader().Match(crash[1]);
        Assert.True(h.Success, crash[1]);
        Assert.Equal(int.Parse(h.Groups[1].Value, CultureInfo.InvariantCulture), json.GetProperty("pid").GetInt32());
        Assert.Equal(h.Groups[2].Value, json.GetProperty("task").GetString());
        Assert.Equal(int.Parse(h.Groups[3].Value, CultureInfo.InvariantCulture), json.GetProperty("cpu").GetInt32());
        Assert.Equal(h.Groups[4].Value, json.GetProperty("comm").GetString());
        // crash also prints return addresses it meets in a frame, which the kernel's trace marks "?" (stale words; a name may be
        // both, do_syscall_64 is): without the names the kernel marked "?" the two traces are the same, and ours is crash's
        // but for frames crash has in addition
        var (_, _, reliable, unreliable) = KernelsAccount(dump);
        var crashFrames = BtFrame().Matches(crash[1]).Select(m => m.Groups[1].Value).ToList();
        // a frame the kernel's trace has and crash 8.0.2 leaves out (on the NMI dump nmi_panic.cold, whose return address is
        // the first byte of the next function) is ours as it is the kernel's
        var notCrashs = reliable.Where(f => !crashFrames.Contains(f) && f != "dump_stack_lvl").ToHashSet();
        var ours = Strings(json.GetProperty("backtrace")).Where(f => !notCrashs.Contains(f)).ToList();
        Assert.Equal(crashFrames.Where(f => !unreliable.Contains(f)), ours.Where(f => !unreliable.Contains(f)));
        int at = 0;
        foreach (var f in ours)
        {
            at = crashFrames.IndexOf(f, at) + 1;
            Assert.True(at > 0, $"{f} is not in crash's bt in order: {string.Join(' ', crashFrames)}");
        }
    }
}
