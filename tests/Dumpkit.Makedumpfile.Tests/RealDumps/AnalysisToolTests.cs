// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Dumpkit.Makedumpfile.Tests.RealDumps;

/// <summary>
/// Real kernel analysis tools read our filtered dumps: python3-drgn (Debian's 0.0.22) and crash 8.0.2
/// open our <c>makedumpfile -c -d 31</c> output of the real vmcores and give the same answers as on
/// upstream makedumpfile's <c>mdf-c-d31</c> of the same vmcore (tasks, kernel log, panic stack).
/// Both need the kernels' debug vmlinux (~1 GB download each): set DUMPKIT_VMLINUX_DIR to a folder
/// holding <c>vmlinux-KVER</c> (tests/tools/fetch-debug-vmlinux.sh DIR makes one); otherwise skipped.
/// Known limits of the tools, not of the dumps (../shared/lab/README.md "Pitfalls found"): drgn 0.0.22
/// cannot unwind 6.12 stacks ("unknown ORC entry type 3"), crash 8.0.2 cannot open 6.12 at all, and on
/// 6.1 its <c>ps</c> lists only the 3 active tasks ("not found in PID hash").
/// </summary>
public class AnalysisToolTests(ITestOutputHelper output)
{
    public static TheoryData<string> Kernels() => [.. RealData.Kernels];

    private static string Vmlinux(string kver)
    {
        var dir = Environment.GetEnvironmentVariable("DUMPKIT_VMLINUX_DIR");
        Skip.If(string.IsNullOrEmpty(dir),
            "DUMPKIT_VMLINUX_DIR is not set (debug vmlinux files, ~1 GB each: tests/tools/fetch-debug-vmlinux.sh DIR)");
        var p = Path.Combine(dir!, $"vmlinux-{kver}");
        Skip.IfNot(File.Exists(p), $"{p} not found (tests/tools/fetch-debug-vmlinux.sh {dir})");
        return p;
    }

    /// <summary>Our <c>-c -d 31</c> of the kernel's raw vmcore, written to <paramref name="path"/>.</summary>
    private static void MakeOurs(string kver, string path)
    {
        var r = Tools.Makedumpfile("-c", "-d", "31", RealData.Kernel(kver, "vmcore.elf"), path);
        Assert.True(r.ExitCode == 0, r.Err);
    }

    // Same checks as ../shared/lab/drgn_probe.py, printed as JSON.
    private const string DrgnProbe = """
        import json
        from drgn.helpers.linux.pid import for_each_task
        from drgn.helpers.linux.printk import get_dmesg
        out = {"release": prog["UTS_RELEASE"].string_().decode()}
        out["tasks"] = sorted("%d:%s" % (t.pid.value_(), t.comm.string_().decode(errors="replace")) for t in for_each_task(prog))
        out["dmesg"] = get_dmesg(prog).decode(errors="replace").splitlines()
        try:
            out["stack"] = str(prog.crashed_thread().stack_trace())
        except Exception as e:
            out["stack"] = "error: %s: %s" % (type(e).__name__, e)
        print(json.dumps(out))
        """;

#pragma warning disable IDE1006 // named as the keys of the JSON the Python helper prints
    internal sealed record Probe(string release, string[] tasks, string[] dmesg, string stack);
#pragma warning restore IDE1006

    private Probe RunDrgn(string dump, string vmlinux, string script)
    {
        var r = RealData.Run("/usr/bin/python3", ["-m", "drgn", "-q", "-c", dump, "-s", vmlinux, script]);
        Assert.True(r.ExitCode == 0, $"drgn on {dump}: {r.Err}");
        var p = JsonSerializer.Deserialize<Probe>(r.Out)!;
        output.WriteLine($"drgn {dump}: release {p.release}, {p.tasks.Length} tasks, {p.dmesg.Length} log lines");
        foreach (var l in p.dmesg.Where(l => l.Contains("LAB-MARKER") || l.Contains("Kernel panic")))
            output.WriteLine("  " + l);
        output.WriteLine(string.Join('\n', p.stack.Split('\n').Take(6).Select(l => "  " + l)));
        return p;
    }

    [SkippableTheory]
    [MemberData(nameof(Kernels))]
    public void DrgnReadsTasksAndLogOfOurLevel31Output(string kver)
    {
        var vmlinux = Vmlinux(kver);
        var upstream = RealData.Kernel(kver, "mdf-c-d31");
        RealData.Tool("/usr/bin/python3");
        Skip.IfNot(RealData.Run("/usr/bin/python3", ["-c", "import drgn"]).ExitCode == 0, "python3-drgn is not installed");
        using var dir = new TempDir();
        MakeOurs(kver, dir["ours"]);
        File.WriteAllText(dir["probe.py"], DrgnProbe);

        var ours = RunDrgn(dir["ours"], vmlinux, dir["probe.py"]);
        var theirs = RunDrgn(upstream, vmlinux, dir["probe.py"]);

        Assert.Equal(kver, ours.release);
        Assert.True(theirs.tasks.Length > 10, $"upstream's file gives only {theirs.tasks.Length} tasks");
        Assert.Equal(theirs.tasks.Length, ours.tasks.Length);
        Assert.Equal(theirs.tasks, ours.tasks);
        Assert.Contains(ours.dmesg, l => l.Contains($"LAB-MARKER kdump-lab {kver}"));
        Assert.Contains(ours.dmesg, l => l.Contains("Kernel panic - not syncing: sysrq triggered crash"));
        Assert.Equal(theirs.dmesg, ours.dmesg);
        // The crashed thread's stack: drgn 0.0.22 unwinds 6.1 but not 6.12 (ORC entry type 3), on
        // both files alike.
        Assert.Equal(theirs.stack, ours.stack);
        if (kver.StartsWith("6.1.0"))
            foreach (var frame in new[] { "__crash_kexec", "panic", "sysrq_handle_crash", "write_sysrq_trigger" })
                Assert.Contains($" {frame} (", ours.stack);
    }

    /// <summary>
    /// crash 8.0.2 run non-interactively (commands on stdin) on our output and upstream's; returns each
    /// command's output (split on <c>echo @@@ CMD</c> markers), the dump's path replaced by DUMP.
    /// </summary>
    private Dictionary<string, string> RunCrash(string dump, string vmlinux, string[] commands, TempDir dir)
    {
        var cmds = dir["crash-cmds"];
        File.WriteAllLines(cmds, commands.SelectMany(c => new[] { $"echo @@@ {c}", c }).Append("quit"));
        var r = RealData.Run(RealData.Tool("/usr/bin/crash"), ["-s", vmlinux, dump], stdinFile: cmds);
        Assert.True(r.ExitCode == 0, $"crash on {dump}: {r.Out}\n{r.Err}");
        var text = r.Out.Replace(dump, "DUMP");
        var parts = new Dictionary<string, string>();
        var sections = text.Split("@@@ ");
        parts["(startup)"] = sections[0];
        foreach (var s in sections.Skip(1))
        {
            int nl = s.IndexOf('\n');
            parts[s[..nl]] = s[(nl + 1)..];
        }
        Assert.Equal(commands, parts.Keys.Skip(1));
        return parts;
    }

    [SkippableFact]
    public void CrashRunsSysLogBtPsOnOur61Level31Output()
    {
        // crash 8.0.2 cannot open 6.12 dumps at all (not even upstream's), so only 6.1.
        const string Release = "6.1.0-56-amd64";
        var vmlinux = Vmlinux(Release);
        var upstream = RealData.Kernel(Release, "mdf-c-d31");
        RealData.Tool("/usr/bin/crash");
        using var dir = new TempDir();
        MakeOurs(Release, dir["ours"]);
        string[] commands = ["sys", "log", "bt", "ps", "list task_struct.tasks -h init_task"];

        var ours = RunCrash(dir["ours"], vmlinux, commands, dir);
        var theirs = RunCrash(upstream, vmlinux, commands, dir);
        foreach (var c in commands)
            output.WriteLine($"crash {c} (ours):\n{string.Join('\n', ours[c].Split('\n')
                .Where(l => c != "log" || l.Contains("LAB-MARKER") || l.Contains("Kernel panic")).Take(20))}");

        Assert.Matches(@"RELEASE: 6\.1\.0-56-amd64\n", ours["sys"]);
        Assert.Contains("PANIC: \"Kernel panic - not syncing: sysrq triggered crash\"", ours["sys"]);
        Assert.Contains($"LAB-MARKER kdump-lab {Release}", ours["log"]);
        Assert.Contains("Kernel panic - not syncing: sysrq triggered crash", ours["log"]);
        foreach (var frame in new[] { "__crash_kexec", "panic", "sysrq_handle_crash", "write_sysrq_trigger" })
            Assert.Matches($@"#\d+ \[[0-9a-f]+\] {frame} at ", ours["bt"]);
        Assert.Contains("COMMAND: \"init\"", ours["bt"]);
        // ps: crash 8.0.2 finds only the active tasks in 6.1's PID hash; the task list itself is walked.
        Assert.Contains(" init", ours["ps"]);
        int listed = Regex.Matches(ours["list task_struct.tasks -h init_task"], "^[0-9a-f]{16}$", RegexOptions.Multiline).Count;
        output.WriteLine($"crash list task_struct.tasks: {listed} tasks (with init_task)");
        Assert.True(listed > 10, $"only {listed} tasks on init_task.tasks");
        // Everything the same as on upstream's file (startup warnings included).
        foreach (var c in ours.Keys)
            Assert.Equal(theirs[c], ours[c]);
    }
}
