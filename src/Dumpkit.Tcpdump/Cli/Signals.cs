// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;

namespace Dumpkit.Tcpdump.Cli;

/// <summary>
/// SIGINT for a capture started in the background by a script. A shell without job control starts
/// background commands with SIGINT ignored, and .NET keeps an inherited SIG_IGN for SIGINT (it never
/// installs its handler then, so a PosixSignalRegistration is not called). tcpdump installs its own
/// handler regardless, so `tcpdump ... &amp; kill -INT $!` ends it cleanly. To behave the same, the process
/// runs itself again (execv of its own executable with the same argv and environment, same pid) with SIGINT
/// back at its default, before anything is opened or written; the runtime then handles it.
/// </summary>
internal static unsafe partial class Signals
{
    private const int SigInt = 2;
    private static readonly nint SigDfl = 0, SigIgn = 1;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sigaction(int sig, void* act, void* oldact);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint signal(int sig, nint handler);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int execv(byte* path, byte** argv);

    public static void RestoreInterruptIfIgnored()
    {
        if (!OperatingSystem.IsLinux()) return;
        byte* old = stackalloc byte[256]; // struct sigaction is 152 bytes on x86_64/arm64 glibc
        if (sigaction(SigInt, null, old) != 0 || *(nint*)old != SigIgn) return;
        byte[] cmdline;
        try { cmdline = File.ReadAllBytes("/proc/self/cmdline"); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return; }
        if (cmdline.Length == 0 || cmdline[^1] != 0) return;
        int argc = cmdline.Count(b => b == 0);
        if (signal(SigInt, SigDfl) == -1) return;
        fixed (byte* args = cmdline)
        {
            byte** argv = stackalloc byte*[argc + 1];
            for (int i = 0, start = 0; i < argc; i++)
            {
                argv[i] = args + start;
                start = Array.IndexOf(cmdline, (byte)0, start) + 1;
            }
            argv[argc] = null;
            // the executable's own path rather than /proc/self/exe, which would become the command name
            byte[] self = System.Text.Encoding.UTF8.GetBytes((Environment.ProcessPath ?? "/proc/self/exe") + "\0");
            fixed (byte* path = self) execv(path, argv);
        }
        signal(SigInt, SigIgn); // exec failed: go on as we were
    }
}
