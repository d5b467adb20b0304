// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;

namespace Dumpkit.Makedumpfile;

/// <summary>
/// makedumpfile's message levels (<c>--message-level</c> bits): 1 progress, 2 common messages,
/// 4 errors, 8 debug, 16 report (statistics). With <c>-F</c> the dump goes to stdout, so every
/// message goes to stderr.
/// </summary>
internal sealed class Messages(TextWriter stdout, TextWriter stderr, int level, bool stderrIsTerminal)
{
    public const int Progress = 1;
    public const int Common = 2;
    public const int Error = 4;
    public const int Debug = 8;
    public const int Report = 16;
    public const int DefaultLevel = Progress | Common | Error;

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastProgressMs = -1000;
    private int _spin;

    public int Level { get; set; } = level;
    public bool ToStderr { get; set; }
    public TextWriter Out => ToStderr ? stderr : stdout;
    public TextWriter Err => stderr;

    public void Info(string line)
    {
        if ((Level & Common) != 0) Out.WriteLine(line);
    }

    public void Fail(string line)
    {
        if ((Level & Error) != 0) stderr.WriteLine(line);
    }

    /// <summary>
    /// A dump cut short: on a full device makedumpfile's words first (write_buffer's line and its remark, common
    /// messages on its stream), then which file, at which offset, and that its header says incomplete.
    /// </summary>
    public void ReportCut(string? reason, string? noSpaceFile)
    {
        if (noSpaceFile is not null)
        {
            Info("");
            Info($"Can't write the dump file({noSpaceFile}). {Cli.SystemErrors.StrError(Cli.SystemErrors.Enospc)}");
            Info("This is an incomplete dumpfile, but might analyzable.");
        }
        Fail($"{reason}: the dump is INCOMPLETE (marked so in its header).");
    }

    public void DebugLine(string line)
    {
        if ((Level & Debug) != 0) stderr.WriteLine(line);
    }

    public void ReportLine(string line)
    {
        if ((Level & Report) != 0) Out.WriteLine(line);
    }

    /// <summary>
    /// makedumpfile-style progress on stderr: one line redrawn with \r on a terminal, plain
    /// newline-separated lines (at most one per 5 s, and the last) on a serial console or log.
    /// </summary>
    public void ShowProgress(string step, ulong done, ulong total, Stopwatch phase)
    {
        if ((Level & Progress) == 0) return;
        long now = _clock.ElapsedMilliseconds;
        bool last = done >= total;
        long interval = stderrIsTerminal ? 200 : 5000;
        if (!last && now - _lastProgressMs < interval) return;
        _lastProgressMs = now;
        double pct = total == 0 ? 100.0 : 100.0 * done / total;
        string eta = "";
        if (done > 0 && !last)
        {
            double secs = phase.Elapsed.TotalSeconds * (total - done) / done;
            eta = $"eta: {FormatSeconds(secs)}";
        }
        else if (last)
        {
            eta = "eta: 0s";
        }
        char spin = "/|\\-"[_spin++ & 3];
        string line = $"{step,-50}: [{pct,5:F1} %] {spin}  {eta,-12}";
        if (stderrIsTerminal)
        {
            stderr.Write('\r');
            stderr.Write(line);
            if (last) stderr.WriteLine();
        }
        else
        {
            stderr.WriteLine(line.TrimEnd());
        }
        stderr.Flush();
    }

    private static string FormatSeconds(double s)
    {
        if (s < 60) return $"{s:F0}s";
        if (s < 3600) return $"{(int)s / 60}m{(int)s % 60}s";
        return $"{(int)s / 3600}h{(int)s % 3600 / 60}m";
    }

    public void StepTime(string step, TimeSpan t)
    {
        if ((Level & Debug) != 0)
            stderr.WriteLine($"STEP [{step,-27}] : {t.TotalSeconds:F6} seconds");
    }
}
