// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;

namespace Dumpkit.Cli;

/// <summary>
/// Console.Out and Console.Error on descriptors 1 and 2 through write(2) instead of the runtime's console
/// streams, whose first write initialises the terminal (keypad mode, <c>ESC[?1h ESC=</c>, never reset: it lands
/// in script logs and serial consoles) and which drop EPIPE. Output: a closed pipe kills the process by SIGPIPE,
/// as it kills the C tools (unless SIGPIPE was ignored when the process started: then the C tools' stdio drops
/// what the pipe does not take, and so do we); other failures are <see cref="StdoutWriteException"/>s with their errno,
/// and <see cref="Finish"/> makes sure none ends a run silently with status 0. Errors: what stderr does not take
/// is dropped. Only a prompt (crash's, reading Console.In on a terminal) still makes the runtime set the terminal up.
/// </summary>
public static class StandardStreams
{
    private static FdOutputStream? _stdout;

    public static void Install()
    {
        // with SIGPIPE ignored since the start, a closed pipe is an EPIPE that C's stdio drops
        _stdout = ProcessSignals.SigpipeIgnoredAtStart
            ? new FdOutputStream(1, dieOfSigpipe: false, error: e => e == SystemErrors.Epipe ? null : new StdoutWriteException(e))
            : new FdOutputStream(1, dieOfSigpipe: true, error: e => new StdoutWriteException(e));
        Console.SetOut(Writer(_stdout));
        Console.SetError(Writer(new FdOutputStream(2, dieOfSigpipe: false, error: _ => null)));
    }

    /// <summary>
    /// The errno of a failed write to standard output through Console.Out (a full disk, a closed descriptor, an I/O error),
    /// or null; a closed pipe is not counted (SIGPIPE ended the process, or it was ignored and the output dropped, as C's stdio does).
    /// </summary>
    public static int? StdoutErrno => _stdout?.FailedErrno is int e && e != SystemErrors.Epipe ? e : null;

    /// <summary>
    /// The end of every tool's run (the multicall dispatcher calls it, so no command can forget): what is still buffered
    /// is flushed, and a run that ended well although a write to standard output failed — the command caught the error, or
    /// never saw it — ends with "<paramref name="tool"/>: write error: strerror" and <paramref name="failStatus"/>
    /// instead, as coreutils' close_stdout does.
    /// </summary>
    public static int Finish(string tool, int status, int failStatus)
    {
        try
        {
            Console.Out.Flush();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // recorded by the stream: said below
        }
        if (status != 0 || StdoutErrno is not int errno) return status;
        Console.Error.WriteLine(WriteError(tool, errno));
        return failStatus;
    }

    /// <summary>"TOOL: write error: strerror", coreutils' words for a failed standard output.</summary>
    public static string WriteError(string tool, int errno) => $"{tool}: write error: {SystemErrors.StrError(errno)}";

    private static TextWriter Writer(Stream stream) =>
        TextWriter.Synchronized(new StreamWriter(stream, new UTF8Encoding(false), 4096) { AutoFlush = true, NewLine = "\n" });
}
