// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text.RegularExpressions;

namespace Dumpkit.Testing;

/// <summary>
/// The kernel's own account of its tasks in the crash-dumps' log: they were made with sysrq-t just before the panic,
/// so the log lists every task but the idle ones as "task:COMM state:S ... pid:N [tgid:N] ppid:N" with its stack, and
/// then the panic's Call Trace. Reliable frames are those the kernel printed without "?".
/// </summary>
public static partial class SysrqLog
{
    /// <summary>A task block: log time in seconds, command (15 characters at most), state letter, ids, reliable frames.</summary>
    public sealed record LoggedTask(double Time, string Comm, char State, int Pid, int Ppid, List<string> Reliable);

    [GeneratedRegex(@"^\[\s*(\d+\.\d+)\] task:(.{15}) state:(\S).*? pid:(\d+) +(?:tgid:\d+ +)?ppid:(\d+) ")]
    private static partial Regex TaskLine();

    [GeneratedRegex(@"^\[\s*\d+\.\d+\]  (\? )?([^\s+]+)\+0x[0-9a-f]+/0x[0-9a-f]+( \[\w+\])?$")]
    private static partial Regex FrameLine();

    /// <summary>The kdump-dmesg.txt of a crash-dumps kernel, by line (the test skips when it is absent).</summary>
    public static string[] Lines(string kernel) => File.ReadAllLines(RealData.CrashDump(kernel, "kdump-dmesg.txt"));

    /// <summary>Every task block, with the reliable function names from its task line to its &lt;/TASK&gt;.</summary>
    public static List<LoggedTask> Tasks(string[] log)
    {
        var list = new List<LoggedTask>();
        LoggedTask? current = null;
        foreach (var line in log)
        {
            if (TaskLine().Match(line) is { Success: true } t)
            {
                current = new LoggedTask(double.Parse(t.Groups[1].Value, CultureInfo.InvariantCulture), t.Groups[2].Value.TrimEnd(),
                    t.Groups[3].Value[0], int.Parse(t.Groups[4].Value, CultureInfo.InvariantCulture),
                    int.Parse(t.Groups[5].Value, CultureInfo.InvariantCulture), []);
                list.Add(current);
            }
            else if (line.Contains("</TASK>", StringComparison.Ordinal) || line.Contains("Kernel panic - not syncing", StringComparison.Ordinal))
                current = null;
            else if (current is not null && FrameLine().Match(line) is { Success: true } f && !f.Groups[1].Success)
                current.Reliable.Add(f.Groups[2].Value);
        }
        return list;
    }

    /// <summary>The panic's Call Trace, reliable frames only.</summary>
    public static List<string> PanicTrace(string[] log)
    {
        int at = Array.FindIndex(log, l => l.Contains("Kernel panic - not syncing", StringComparison.Ordinal));
        if (at < 0) throw new InvalidDataException("no panic in the log");
        var frames = new List<string>();
        for (int i = at + 1; i < log.Length && !log[i].Contains("</TASK>", StringComparison.Ordinal); i++)
            if (FrameLine().Match(log[i]) is { Success: true } f && !f.Groups[1].Success)
                frames.Add(f.Groups[2].Value);
        return frames;
    }
}
