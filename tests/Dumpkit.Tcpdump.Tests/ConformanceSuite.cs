// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;
using System.Text;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>One test of tcpdump 4.99.3's suite: input capture, expected output, extra options.</summary>
public sealed record ConformanceCase(string Name, string Input, string Output, string[] Args);

/// <summary>Locates ../shared/tcpdump-tests/4.99.3 and runs its tests in-process, as its README describes.</summary>
public static class ConformanceSuite
{
    private static readonly Lazy<string?> Dir = new(FindDir);

    public static string? TestDir => Dir.Value;

    private static string? FindDir()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d != null && !File.Exists(Path.Combine(d.FullName, "Dumpkit.slnx"))) d = d.Parent;
        if (d == null) return null;
        var t = Path.GetFullPath(Path.Combine(d.FullName, "..", "shared", "tcpdump-tests", "4.99.3"));
        return File.Exists(Path.Combine(t, "TESTLIST")) ? t : null;
    }

    /// <summary>Features of this implementation, for EXTRA-TESTS config_set / config_unset.</summary>
    private static readonly HashSet<string> Features = ["HAVE_FPTYPE1", "HAVE_LIBCRYPTO"];

    public static List<ConformanceCase> Load()
    {
        var dir = TestDir ?? throw new InvalidOperationException("test data not found");
        var list = new List<ConformanceCase>();
        foreach (var raw in File.ReadLines(Path.Combine(dir, "TESTLIST")))
        {
            var line = raw;
            int hash = line.IndexOf('#');
            if (hash >= 0) line = line[..hash];
            var words = ShellSplit(line);
            if (words.Count < 3) continue;
            list.Add(new ConformanceCase(words[0], words[1], words[2], [.. words.Skip(3)]));
        }
        foreach (var raw in File.ReadLines(Path.Combine(dir, "EXTRA-TESTS.tsv")))
        {
            if (raw.StartsWith('#') || raw.Trim().Length == 0) continue;
            var f = raw.Split('\t');
            if (f.Length < 6) continue;
            // config conditions are evaluated at run time; keep them in the name-independent fields
            string set = f[3], unset = f[4];
            bool applies = (set.Length == 0 || Features.Contains(set)) && (unset.Length == 0 || !Features.Contains(unset));
            var args = ShellSplit(f[5].Replace("@TESTDIR@", dir));
            list.Add(new ConformanceCase(applies ? f[0] : "SKIP:" + f[0], f[1], f[2], [.. args]));
        }
        return list;
    }

    /// <summary>POSIX-shell-like word splitting with single/double quotes and backslashes.</summary>
    public static List<string> ShellSplit(string s)
    {
        var words = new List<string>();
        var cur = new StringBuilder();
        bool inWord = false;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '\'')
            {
                inWord = true;
                int j = s.IndexOf('\'', i + 1);
                if (j < 0) j = s.Length;
                cur.Append(s, i + 1, j - i - 1);
                i = j;
            }
            else if (c == '"')
            {
                inWord = true;
                for (i++; i < s.Length && s[i] != '"'; i++)
                {
                    if (s[i] == '\\' && i + 1 < s.Length && "\"\\$`".Contains(s[i + 1])) i++;
                    cur.Append(s[i]);
                }
            }
            else if (c == '\\' && i + 1 < s.Length) { inWord = true; cur.Append(s[++i]); }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) { words.Add(cur.ToString()); cur.Clear(); inWord = false; }
            }
            else { inWord = true; cur.Append(c); }
        }
        if (inWord) words.Add(cur.ToString());
        return words;
    }

    public sealed record Result(ConformanceCase Case, bool Passed, string Actual, string Expected, string Stderr, int Exit, string? Crash, TimeSpan Elapsed);

    private static readonly TimeZoneInfo Gmt = TimeZoneInfo.Utc;

    /// <summary>Runs one test in-process: TCPDUMP -# -n -r INPUT OPTIONS, exit status appended as upstream's driver does.</summary>
    public static Result Run(ConformanceCase c, TimeSpan timeout)
    {
        var dir = TestDir!;
        var args = new List<string> { "-#", "-n", "-r", Path.Combine(dir, c.Input) };
        args.AddRange(c.Args);
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        var sw = Stopwatch.StartNew();
        using var cts = new CancellationTokenSource();
        string? crash = null;
        int exit = -1;
        var task = Task.Run(() =>
        {
            try { exit = TcpdumpCommand.Run([.. args], stdout, stderr, () => Stream.Null, Gmt, cts.Token); }
            catch (Exception ex) { crash = ex.ToString(); }
        });
        if (!task.Wait(timeout))
        {
            cts.Cancel();
            crash = $"timeout after {timeout.TotalSeconds}s";
            task.Wait(TimeSpan.FromSeconds(5));
        }
        sw.Stop();
        string actual;
        lock (stdout) actual = Encoding.Latin1.GetString(stdout.ToArray());
        if (crash == null && exit != 0) actual += $"EXIT CODE {exit << 8:x8}: dump:0 code: {exit}\n";
        var expected = Encoding.Latin1.GetString(File.ReadAllBytes(Path.Combine(dir, c.Output)));
        bool passed = crash == null && actual == expected;
        return new Result(c, passed, actual, expected, stderr.ToString(), exit, crash, sw.Elapsed);
    }
}

/// <summary>Developer aid: runs tcpdump with DUMPKIT_TCPDUMP_ARGS (tab-separated) when set; skipped otherwise.</summary>
public class AdHocRun
{
    [SkippableFact]
    public void RunFromEnvironment()
    {
        var a = Environment.GetEnvironmentVariable("DUMPKIT_TCPDUMP_ARGS");
        Skip.If(string.IsNullOrEmpty(a), "set DUMPKIT_TCPDUMP_ARGS to run");
        var outPath = Environment.GetEnvironmentVariable("DUMPKIT_TCPDUMP_OUT") ?? "/tmp/dumpkit-tcpdump.out";
        using var o = File.Create(outPath);
        var err = new StringWriter();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        int rc = TcpdumpCommand.Run(a!.Split('\t'), o, err, null, TimeZoneInfo.Utc);
        File.WriteAllText(outPath + ".err", err + $"exit {rc} in {sw.ElapsedMilliseconds} ms\n");
    }
}
