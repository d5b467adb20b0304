namespace Dumpkit;

/// <summary>
/// One binary, several tools: the personality is chosen by the name the program was started
/// under (a link named <c>makedumpfile</c> behaves as makedumpfile) or by the first argument
/// (<c>dumpkit makedumpfile ARGS…</c>).
/// </summary>
public static class Multicall
{
    private sealed record Personality(string Name, string Summary, Func<string[], int> Run);

    private static readonly Personality[] Personalities =
    [
        new("makedumpfile", "filter and compress a kernel crash dump (makedumpfile 1.7.x compatible)",
            Makedumpfile.MakedumpfileCommand.Run),
        new("tcpdump", "capture, read and print packets (tcpdump 4.99 compatible)",
            Tcpdump.TcpdumpCommand.Main),
        new("kexec", "load and run a kernel, or a capture kernel for kdump (kexec-tools compatible)",
            Kexec.KexecCommand.Run),
        new("kdump", "the kdump service: load, status, savecore (like kdump-tools)",
            Kdump.KdumpCommand.Run),
        new("crash", "analyse a kernel crash dump with the symbols and types it holds (crash 8 style)",
            Crash.CrashCommand.Run),
    ];

    public static int Run(string invokedAs, string[] args)
    {
        var self = Path.GetFileName(invokedAs);
        var direct = Find(self);
        if (direct is not null)
            return direct.Run(args);

        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            PrintHelp(Console.Out);
            return args.Length == 0 ? 1 : 0;
        }
        if (args[0] is "--version" or "-V")
        {
            Console.Out.WriteLine($"dumpkit {Version}");
            return 0;
        }
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
