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

    [LibraryImport("dumpkit_native", EntryPoint = "dumpkit_sigpipe_ignored_at_start")]
    private static partial int NativeSigpipeIgnoredAtStart();

    /// <summary>
    /// SIGPIPE was ignored when the process started (<c>trap '' PIPE</c>, <c>env --ignore-signal=PIPE</c>): a C tool
    /// then sees EPIPE from write(2) instead of dying, and says so. The NativeAOT runtime ignores SIGPIPE before Main,
    /// so the binary notes the disposition in a constructor of its own (src/Dumpkit/native/sigpipe.c, linked into the
    /// binary); elsewhere (a program on the shared runtime, the tests) it is taken as not ignored.
    /// </summary>
    public static bool SigpipeIgnoredAtStart { get; private set; }

    /// <summary>Reads the dispositions the process started with; call first thing in Main.</summary>
    public static void CaptureInheritedDispositions()
    {
        try
        {
            SigpipeIgnoredAtStart = NativeSigpipeIgnoredAtStart() != 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            SigpipeIgnoredAtStart = false;
        }
    }

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
