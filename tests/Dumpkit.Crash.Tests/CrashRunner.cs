// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;

namespace Dumpkit.Crash.Tests;

/// <summary>Runs our crash in process, and the real crash 8 (with the Debian debug vmlinux) as the oracle.</summary>
internal static class CrashRunner
{
    /// <summary>Our crash on a dump with the given stdin (not interactive); its stdout, stderr and exit code.</summary>
    public static (string Out, string Err, int Code) Ours(string input, params string[] args)
    {
        var o = new StringWriter { NewLine = "\n" };
        var e = new StringWriter { NewLine = "\n" };
        int code = CrashCommand.Run(args, new StringReader(input), o, e, interactive: false);
        return (o.ToString(), e.ToString(), code);
    }

    /// <summary>The debug vmlinux of KVER under DUMPKIT_VMLINUX_DIR, or skips.</summary>
    public static string RequireVmlinux(string kernel)
    {
        var dir = Environment.GetEnvironmentVariable("DUMPKIT_VMLINUX_DIR");
        Skip.If(string.IsNullOrEmpty(dir), "DUMPKIT_VMLINUX_DIR is not set (debug vmlinux: tests/tools/fetch-debug-vmlinux.sh DIR)");
        var path = Path.Combine(dir!, $"vmlinux-{kernel}");
        Skip.IfNot(File.Exists(path), $"no {path}");
        return path;
    }

    /// <summary>
    /// Runs each command line in one crash 8 session (TZ=UTC), each redirected to its own file, and
    /// returns the outputs in order; skips when crash is not installed.
    /// </summary>
    public static string[] Oracle(string vmlinux, string dump, IReadOnlyList<string> commands) => Oracle(vmlinux, [dump], commands);

    /// <summary>As above on a dump given as several files (the parts of a split set).</summary>
    public static string[] Oracle(string vmlinux, IReadOnlyList<string> dump, IReadOnlyList<string> commands)
    {
        var dir = Directory.CreateTempSubdirectory("dumpkit-crash-oracle-");
        try
        {
            var script = string.Join("\n", commands.Select((c, i) => $"{c} > {dir.FullName}/{i}.txt")) + "\nq\n";
            var psi = new ProcessStartInfo("crash", ["-s", vmlinux, .. dump])
            {
                RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            };
            psi.Environment["TZ"] = "UTC";
            Process p;
            try { p = Process.Start(psi)!; }
            catch (System.ComponentModel.Win32Exception) { Skip.If(true, "crash is not installed"); throw; }
            using (p)
            {
                p.StandardInput.Write(script);
                p.StandardInput.Close();
                var stdout = p.StandardOutput.ReadToEndAsync();
                var stderr = p.StandardError.ReadToEndAsync();
                // A guard against a hung crash, not a speed check: crash 8.0.2 needs 10-20 s idle, but over 5 minutes
                // for `dis` on a 2-core machine at load 50 (a CI run beside other jobs timed out at 5).
                if (!p.WaitForExit(TimeSpan.FromMinutes(20)))
                {
                    p.Kill();
                    throw new TimeoutException("crash did not finish within 20 minutes");
                }
                var outputs = new string[commands.Count];
                for (int i = 0; i < commands.Count; i++)
                {
                    var f = Path.Combine(dir.FullName, $"{i}.txt");
                    Assert.True(File.Exists(f), $"crash wrote nothing for '{commands[i]}': {stdout.Result}{stderr.Result}");
                    outputs[i] = File.ReadAllText(f);
                }
                return outputs;
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Our outputs for the same command lines, one session, each redirected like the oracle's.</summary>
    public static string[] OursPerCommand(string dump, IReadOnlyList<string> commands) => OursPerCommand([dump], commands);

    /// <summary>As above on a dump given as several files (the parts of a split set).</summary>
    public static string[] OursPerCommand(IReadOnlyList<string> dump, IReadOnlyList<string> commands)
    {
        var dir = Directory.CreateTempSubdirectory("dumpkit-crash-ours-");
        try
        {
            var script = string.Join("\n", commands.Select((c, i) => $"{c} > {dir.FullName}/{i}.txt")) + "\nq\n";
            var (o, e, code) = Ours(script, ["-s", .. dump]);
            Assert.True(code == 0, $"exit {code}: {o}{e}");
            return commands.Select((_, i) => File.ReadAllText(Path.Combine(dir.FullName, $"{i}.txt"))).ToArray();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Ours and crash 8.0.2 (with the debug vmlinux) on the 6.1 corpus ELF dump: one output per command, in order;
    /// skips without the vmlinux, the dump or crash.
    /// </summary>
    public static (string[] Ours, string[] Crash) BothOn61(IReadOnlyList<string> commands)
    {
        var vmlinux = RequireVmlinux(RealData.Kernel61);
        var dump = RealData.Kernel(RealData.Kernel61, "vmcore.elf");
        return (OursPerCommand(dump, commands), Oracle(vmlinux, dump, commands));
    }

    /// <summary>The commands (outputs from index <paramref name="at"/> on) whose output is not crash's, each with its first difference.</summary>
    public static IEnumerable<string> Mismatches(IReadOnlyList<string> commands, string[] crash, string[] ours, int at = 0) =>
        commands.Select((c, i) => (c, i: at + i)).Where(x => crash[x.i] != ours[x.i])
            .Select(x => $"'{x.c}': {FirstDifference(crash[x.i], ours[x.i])}");

    /// <summary>
    /// Usage errors (outputs from index <paramref name="at"/> on): crash prints getopt's complaint on the terminal only, so its
    /// file holds the usage text, which must be the end of ours.
    /// </summary>
    public static IEnumerable<string> UsageMismatches(IReadOnlyList<string> commands, string[] crash, string[] ours, int at)
    {
        for (int i = 0; i < commands.Count; i++)
        {
            Assert.StartsWith("Usage:\n", crash[at + i]);
            if (!ours[at + i].EndsWith(crash[at + i], StringComparison.Ordinal))
                yield return $"'{commands[i]}': crash's\n{crash[at + i]}\nis not the end of ours:\n{ours[at + i]}";
        }
    }
    /// <summary>The first differing line of two texts, for assertion messages.</summary>
    public static string FirstDifference(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        for (int i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var x = i < a.Length ? a[i] : "<end>";
            var y = i < b.Length ? b[i] : "<end>";
            if (x != y)
                return $"line {i + 1}:\n  crash: {x}\n  ours:  {y}";
        }
        return "identical";
    }
}
