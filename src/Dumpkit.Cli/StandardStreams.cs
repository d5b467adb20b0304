// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;

namespace Dumpkit.Cli;

/// <summary>
/// Console.Out and Console.Error on descriptors 1 and 2 through write(2) instead of the runtime's console
/// streams, whose first write initialises the terminal (keypad mode, <c>ESC[?1h ESC=</c>, never reset: it lands
/// in script logs and serial consoles) and which drop EPIPE. Output: a closed pipe kills the process by SIGPIPE,
/// as it kills the C tools (unless SIGPIPE was ignored when the process started: then the C tools' stdio drops
/// what the pipe does not take, and so do we); other failures are IOExceptions with their errno. Errors: what stderr does not take
/// is dropped. Only a prompt (crash's, reading Console.In on a terminal) still makes the runtime set the terminal up.
/// </summary>
public static class StandardStreams
{
    public static void Install()
    {
        // with SIGPIPE ignored since the start, a closed pipe is an EPIPE that C's stdio drops
        Console.SetOut(Writer(ProcessSignals.SigpipeIgnoredAtStart ? new FdOutputStream(1, dieOfSigpipe: false, error: _ => null)
            : new FdOutputStream(1, dieOfSigpipe: true)));
        Console.SetError(Writer(new FdOutputStream(2, dieOfSigpipe: false, error: _ => null)));
    }

    private static TextWriter Writer(Stream stream) =>
        TextWriter.Synchronized(new StreamWriter(stream, new UTF8Encoding(false), 4096) { AutoFlush = true, NewLine = "\n" });
}
