// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Dumpkit.Formats.Tests.Robustness;

/// <summary>Runs the published NativeAOT binary (DUMPKIT_BINARY) through /bin/sh and classifies how it ended.</summary>
internal static partial class BinaryRun
{
    public sealed record Result(int Status, string Out, string Err, bool Hung);

    /// <summary>The binary, or a skip when test.sh has not published it.</summary>
    public static string Binary()
    {
        var b = Environment.GetEnvironmentVariable("DUMPKIT_BINARY");
        Skip.If(string.IsNullOrEmpty(b) || !File.Exists(b), "DUMPKIT_BINARY not set (test.sh publishes the NativeAOT binary and sets it)");
        return Path.GetFullPath(b!);
    }

    /// <summary>
    /// "sh -c SCRIPT" with $0 the binary and $1… <paramref name="args"/>; stdin is /dev/null unless the script
    /// redirects it. A run still going after <paramref name="guardSeconds"/> is killed and reported as hung (a guard
    /// against a hang, not a measurement: every run here ends in well under a second when it is right).
    /// </summary>
    public static Result Sh(string bin, string script, IEnumerable<string>? args = null, int guardSeconds = 120)
    {
        var psi = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(bin);
        foreach (var a in args ?? []) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(guardSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            return new Result(-1, "", "", true);
        }
        return new Result(p.ExitCode, output.Result, err.Result, false);
    }

    /// <summary>The binary run directly with these arguments (stdin /dev/null).</summary>
    public static Result Run(string bin, params string[] args) => Sh(bin, "exec \"$0\" \"$@\" </dev/null", args);

    [GeneratedRegex(@"\b(?:IO|Arg|UnauthorizedAccess|InvalidOperation|NotSupported|Overflow|IndexOutOfRange|ObjectDisposed|Argument)_[A-Za-z_]+")]
    private static partial Regex ResourceKey();

    [GeneratedRegex(@"System\.[A-Za-z.]*Exception|^\s+at Dumpkit\.", RegexOptions.Multiline)]
    private static partial Regex DotnetTrace();

    /// <summary>
    /// What must never reach a user: a .NET exception's name or stack trace, a resource key, death by a signal
    /// (the shell's 128+N; 134 is the runtime's abort), a hang. Null when the run is clean.
    /// </summary>
    public static string? Defect(Result r, bool signalAllowed = false)
    {
        if (r.Hung) return "hung";
        string text = r.Out + r.Err;
        // stdout may print anything a dump or a packet holds; stderr is ours alone
        if (r.Err.Contains("Exception", StringComparison.Ordinal) || DotnetTrace().IsMatch(text))
            return "exception text";
        if (ResourceKey().Match(text) is { Success: true } m) return $"resource key {m.Value}";
        // the shell's 128+N for a signal N (kexec-tools' own 255 is no signal)
        if (r.Status is > 128 and < 128 + 65 && !signalAllowed) return $"died of signal {r.Status - 128}";
        return null;
    }
}
