using System.Text;
using Dumpkit.Pcap.Capture;
using Dumpkit.Tcpdump.Cli;
using Dumpkit.Tcpdump.Print;

namespace Dumpkit.Tcpdump;

/// <summary>Entry point of the <c>tcpdump</c> personality.</summary>
public static class TcpdumpCommand
{
    /// <summary>
    /// The program's entry point (the multicall binary's): as <see cref="Run(string[])"/>, but first
    /// takes SIGINT back when the process was started with it ignored (a script's background job),
    /// by running its own executable again. Only for a process that is this program: a host
    /// process calling in (a test runner) would be replaced.
    /// </summary>
    public static int Main(string[] args)
    {
        Signals.RestoreInterruptIfIgnored();
        return Run(args);
    }

    /// <summary>Runs on the console with SIGINT/SIGTERM ending a capture cleanly.</summary>
    public static int Run(string[] args)
    {
        using var stdout = Console.OpenStandardOutput();
        using var cts = new CancellationTokenSource();
        // SIGINT / SIGTERM end a capture cleanly: the loop stops, files are flushed, statistics printed.
        using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c => { c.Cancel = true; cts.Cancel(); });
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; cts.Cancel(); });
        return Run(args, stdout, Console.Error, Console.OpenStandardInput, TimeZoneInfo.Local, cts.Token);
    }

    /// <summary>Runs with text writers (output bytes are mapped 1:1 to Latin-1 characters).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        using var s = new TextWriterStream(stdout);
        return Run(args, s, stderr, Console.OpenStandardInput, TimeZoneInfo.Local);
    }

    /// <summary>Runs with a byte stream for standard output; the time zone replaces TZ for local times.</summary>
    public static int Run(string[] args, Stream stdout, TextWriter stderr, Func<Stream>? stdin = null, TimeZoneInfo? zone = null, CancellationToken cancel = default)
    {
        try
        {
            return new Session(stdout, stderr, stdin ?? Console.OpenStandardInput, zone ?? TimeZoneInfo.Local, cancel).Run(args);
        }
        catch (UsageException ex)
        {
            stderr.WriteLine($"tcpdump: {ex.Message}");
            if (ex.ShowUsage) stderr.Write(Options.VersionText + Options.Usage);
            return 1;
        }
    }

    private sealed class TextWriterStream(TextWriter w) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => w.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => w.Write(Encoding.Latin1.GetString(buffer, offset, count));
    }
}
