// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;

namespace Dumpkit.Crash.Tests.Prompt;

/// <summary>
/// The NativeAOT binary at its <c>crash&gt; </c> prompt on a pseudo-terminal (python3's pty module drives it,
/// <c>pty-drive.py</c>): keystrokes in; out the screen, the commands that ran (their output equals the same
/// command's output from a pipe), the history file, and the terminal's settings as they were before the run.
/// </summary>
public class PromptPtyTests
{
    private static string Binary()
    {
        var b = Environment.GetEnvironmentVariable("DUMPKIT_BINARY");
        Skip.If(string.IsNullOrEmpty(b) || !File.Exists(b), "DUMPKIT_BINARY not set (test.sh publishes the NativeAOT binary and sets it)");
        return b!;
    }

    private static (string Screen, string Status, bool Restored) Drive(string home, string dump, params string[] chunks)
    {
        var psi = new ProcessStartInfo(RealData.Tool("/usr/bin/python3"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.ArgumentList.Add(RealData.RepoFile("tests/Dumpkit.Crash.Tests/Prompt/pty-drive.py"));
        foreach (var a in new[] { Binary(), "crash", "-s", dump, "--" })
            psi.ArgumentList.Add(a);
        foreach (var c in chunks)
            psi.ArgumentList.Add("'" + string.Concat(c.Select(ch => $"\\x{(int)ch:x2}")) + "'");
        psi.Environment["HOME"] = home;
        psi.Environment["TERM"] = "xterm";
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, e.Result);
        var text = o.Result;
        int at = text.LastIndexOf("\n@@status ", StringComparison.Ordinal);
        var tail = text[(at + 10)..].Trim().Split(' ');
        return (text[..at], tail[0], tail[2] == "True");
    }

    private static string Piped(string dump, string command)
    {
        var (o, _, _) = CrashRunner.Ours(command + "\nq\n", "-s", dump);
        return o;
    }

    [SkippableFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void KeystrokesEditRecallAndEndTheSessionAndTheTerminalComesBack()
    {
        var dump = RealData.Kernel(RealData.Kernel612, "vmcore.elf");
        var home = Directory.CreateTempSubdirectory("dumpkit-pty-");
        try
        {
            var (screen, status, restored) = Drive(home.FullName, dump,
                "sym panc\x1b[Di\r",             // left arrow, insert: sym panic
                "\x1b[A\r",                      // up: sym panic again
                "foo bar\x17\x17sym schedul\u0005e\r", // Ctrl-W twice, Ctrl-E: sym schedule
                "junk\x03",                      // Ctrl-C: a fresh prompt
                "\x04");                         // Ctrl-D on an empty line: the end
            Assert.Equal("0", status); // exit status 0 (waitpid's status word)
            Assert.True(restored, "the terminal's settings differ after the session");
            var panic = Piped(dump, "sym panic").TrimEnd('\n');
            var schedule = Piped(dump, "sym schedule").TrimEnd('\n');
            // the terminal turns \n into \r\n
            var lines = screen.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
            Assert.Equal(2, lines.Count(l => l == panic));
            Assert.Single(lines, l => l == schedule);
            Assert.Contains("^C", screen, StringComparison.Ordinal);
            Assert.Equal(5, screen.Split("crash> ").Length - 1 - CountRedraws(screen)); // the first, after three Enters, after ^C
            var history = Path.Combine(home.FullName, ".dumpkit_crash_history");
            Assert.Equal(["sym panic", "sym schedule"], File.ReadAllLines(history));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(history));

            // a second session starts with that history: up twice recalls "sym panic"
            (screen, status, restored) = Drive(home.FullName, dump, "\x10\x10\r", "q\r");
            Assert.Equal("0", status);
            Assert.True(restored);
            Assert.Single(screen.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'), l => l == panic);
        }
        finally { home.Delete(true); }
    }

    // Each redraw of the line repeats the prompt after a carriage return; the prompts of new lines follow a newline or start the screen.
    private static int CountRedraws(string screen) => screen.Split("\rcrash> ").Length - 1;
}
