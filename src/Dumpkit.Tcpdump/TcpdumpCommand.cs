// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

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
        try
        {
            Signals.RestoreInterruptIfIgnored();
            return Run(args);
        }
        catch (Exception ex)
        {
            return Report(ex, Console.Error);
        }
    }

    /// <summary>Runs on the console with SIGINT/SIGTERM ending a capture cleanly.</summary>
    public static int Run(string[] args)
    {
        // write(2) on descriptor 1: a failed write (EPIPE, ENOSPC, EBADF) is reported as tcpdump reports it (the
        // runtime's console stream silently drops EPIPE, so "tcpdump | head" would read a whole file)
        using var stdout = new Dumpkit.Cli.FdOutputStream(1, dieOfSigpipe: false, errno => new OutputFailedException(errno));
        using var cts = new CancellationTokenSource();
        // SIGINT / SIGTERM end a capture cleanly: the loop stops, files are flushed, statistics printed. Before the
        // loop (a filter compiling, -F's file read from a FIFO) there is nothing to finish: the signal ends us at once.
        void OnSignal(System.Runtime.InteropServices.PosixSignalContext c, int signal)
        {
            if (!Session.Looping)
                Dumpkit.Cli.ProcessSignals.DieOf(signal);
            c.Cancel = true;
            cts.Cancel();
        }
        using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT,
            c => OnSignal(c, Dumpkit.Cli.ProcessSignals.SigInt));
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM,
            c => OnSignal(c, Dumpkit.Cli.ProcessSignals.SigTerm));
        return Run(args, stdout, Console.Error, Console.OpenStandardInput, TimeZoneInfo.Local, cts.Token, process: true);
    }

    /// <summary>Runs with text writers (output bytes are mapped 1:1 to Latin-1 characters).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        using var s = new TextWriterStream(stdout);
        return Run(args, s, stderr, Console.OpenStandardInput, TimeZoneInfo.Local);
    }

    /// <summary>Runs with a byte stream for standard output; the time zone replaces TZ for local times.</summary>
    /// <remarks>A caller's thread, not a process of its own: started as root it stays root unless -Z names a user.</remarks>
    public static int Run(string[] args, Stream stdout, TextWriter stderr, Func<Stream>? stdin = null,
        TimeZoneInfo? zone = null, CancellationToken cancel = default)
        => Run(args, stdout, stderr, stdin, zone, cancel, process: false);

    private static int Run(string[] args, Stream stdout, TextWriter stderr, Func<Stream>? stdin, TimeZoneInfo? zone,
        CancellationToken cancel, bool process)
    {
        try
        {
            var session = new Session(stdout, stderr, stdin ?? Console.OpenStandardInput, zone ?? TimeZoneInfo.Local, cancel) { DropToDefaultUser = process };
            return session.Run(args);
        }
        catch (Exception ex)
        {
            return Report(ex, stderr);
        }
    }

    /// <summary>
    /// The one top-level handler: whatever escaped the run becomes one line after "tcpdump: " (or tcpdump's
    /// usage text) and tcpdump's exit status, never an exception's text or a stack trace.
    /// </summary>
    private static int Report(Exception ex, TextWriter stderr)
    {
        int status = 1;
        try
        {
            switch (ex)
            {
                case UsageException u:
                    stderr.WriteLine($"tcpdump: {u.Message}");
                    if (u.ShowUsage) stderr.Write(Options.VersionText + Options.Usage);
                    break;
                case PrinterFatalException f:
                    stderr.WriteLine($"tcpdump: {f.Message}");
                    status = f.Status;
                    break;
                case OutputFailedException o:
                    stderr.WriteLine($"tcpdump: Unable to write output: {SystemErrors.StrError(o.Errno)}");
                    status = OutputFailedException.ExitStatus;
                    break;
                default:
                    stderr.WriteLine($"tcpdump: {SystemErrors.Unexpected(ex)}");
                    if (Environment.GetEnvironmentVariable("DUMPKIT_TRACE") == "1") stderr.WriteLine(ex.ToString());
                    break;
            }
            stderr.Flush();
        }
        catch (Exception e) when (SystemErrors.IsIo(e) || e is ObjectDisposedException)
        {
            // standard error is gone too: the status is all that is left
        }
        return status;
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
