// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;

namespace Dumpkit.Cli;

/// <summary>Ending the process as a C tool ends when a signal it does not catch arrives.</summary>
public static partial class ProcessSignals
{
    public const int SigInt = 2, SigPipe = 13, SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int sig, nint handler);

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int sig);

    [LibraryImport("libc", EntryPoint = "_exit")]
    private static partial void Exit(int status);

    /// <summary>
    /// Dies of <paramref name="signal"/> now: its default action restored (the runtime ignores SIGPIPE and
    /// handles SIGINT/SIGTERM), the signal sent to the process; the parent sees "killed by signal". Never returns.
    /// </summary>
    public static void DieOf(int signal)
    {
        try { Console.Error.Flush(); } catch (IOException) { } catch (ObjectDisposedException) { }
        Signal(signal, 0);
        Kill(Environment.ProcessId, signal);
        Thread.Sleep(1000); // the signal is delivered to another thread of ours meanwhile
        Exit(128 + signal);
    }
}
