// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit;

/// <summary>
/// One binary, several tools: the personality is chosen by the name the program was started
/// under (a link named <c>makedumpfile</c> behaves as makedumpfile) or by the first argument
/// (<c>dumpkit makedumpfile ARGS…</c>).
/// </summary>
public static class Multicall
{
    /// <param name="FailStatus">the tool's exit status for a failure (makedumpfile 1, kexec-tools 255, ...)</param>
    private sealed record Personality(string Name, string Summary, Func<string[], int> Main, int FailStatus = 1)
    {
        /// <summary>
        /// Runs the tool; an exception none of its own handlers took ends the run in one line in the tool's name
        /// (the system's words, "memory exhausted" or the kind of failure, never .NET's message) and its status.
        /// </summary>
        public int Run(string[] args) => Guarded(Name, FailStatus, () => Main(args));
    }

    /// <summary>
    /// Runs a tool's main, and ends it in one line in the tool's name and its failure status when it threw (the system's
    /// words, "memory exhausted" or the kind of failure, never .NET's message), or when a write to standard output failed
    /// on the way ("TOOL: write error: strerror", even when the command caught it: <see cref="Cli.StandardStreams.Finish"/>).
    /// </summary>
    private static int Guarded(string name, int failStatus, Func<int> main)
    {
        int status;
        try
        {
            status = main();
        }
        catch (Cli.StdoutWriteException e)
        {
            Console.Error.WriteLine(Cli.StandardStreams.WriteError(name, e.Errno));
            return failStatus;
        }
        catch (Exception e)
        {
            try
            {
                Console.Out.Flush();
            }
            catch (Exception flush) when (flush is IOException or ObjectDisposedException)
            {
                // stdout itself failed; the message goes to stderr all the same
            }
            Console.Error.WriteLine($"{name}: {Cli.SystemErrors.Text(e)}");
            return failStatus;
        }
        return Cli.StandardStreams.Finish(name, status, failStatus);
    }

    private static readonly Personality[] Personalities =
    [
        new("makedumpfile", "filter and compress a kernel crash dump (makedumpfile 1.7.x compatible)",
            Makedumpfile.MakedumpfileCommand.Run),
        new("tcpdump", "capture, read and print packets (tcpdump 4.99 compatible)",
            Tcpdump.TcpdumpCommand.Main),
        new("kexec", "load and run a kernel, or a capture kernel for kdump (kexec-tools compatible)",
            Kexec.KexecCommand.Run, Kexec.KexecCommand.Failed),
        new("kdump", "the kdump service: load, status, savecore (like kdump-tools)",
            Kdump.KdumpCommand.Run),
        new("crash", "analyse a kernel crash dump with the symbols and types it holds (crash 8 style)",
            Crash.CrashCommand.Run),
    ];

    public static int Run(string invokedAs, string[] args)
    {
        Cli.StandardStreams.Install();
        var self = Path.GetFileName(invokedAs);
        var direct = Find(self);
        if (direct is not null)
            return direct.Run(args);

        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
            return Guarded("dumpkit", 1, () =>
            {
                PrintHelp(Console.Out);
                return args.Length == 0 ? 1 : 0;
            });
        if (args[0] is "--version" or "-V")
            return Guarded("dumpkit", 1, () =>
            {
                Console.Out.WriteLine($"dumpkit {Version}");
                return 0;
            });
        var p = Find(args[0]);
        if (p is null)
        {
            Console.Error.WriteLine($"dumpkit: unknown tool '{args[0]}' (try 'dumpkit --help')");
            return 1;
        }
        return p.Run(args[1..]);
    }

    /// <summary>The one version of the binary, the NuGet packages and the .deb (Directory.Build.props).</summary>
    public static string Version => typeof(Multicall).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    private static Personality? Find(string name) =>
        Array.Find(Personalities, p => string.Equals(p.Name, name, StringComparison.Ordinal));

    private static void PrintHelp(TextWriter w)
    {
        w.WriteLine($"dumpkit {Version}: Linux crash-dump and packet tools in one binary");
        w.WriteLine();
        w.WriteLine("usage: dumpkit TOOL [ARGS...]   or run through a link named after TOOL");
        w.WriteLine();
        w.WriteLine("tools:");
        foreach (var p in Personalities)
            w.WriteLine($"  {p.Name,-14}{p.Summary}");
    }

    /// <summary>argv[0] as the kernel received it (a link's own name), not the resolved binary.</summary>
    public static string InvokedName()
    {
        try
        {
            var cmdline = File.ReadAllBytes("/proc/self/cmdline");
            var end = Array.IndexOf(cmdline, (byte)0);
            if (end > 0)
                return System.Text.Encoding.UTF8.GetString(cmdline, 0, end);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return Environment.GetCommandLineArgs()[0];
    }
}
