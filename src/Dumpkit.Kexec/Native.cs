// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Dumpkit.Kexec;

/// <summary>
/// The kernel calls kexec needs. Everything that loads, unloads or boots a kernel goes through
/// this interface, so tests run against a fake and never touch the machine's kernel.
/// Each method returns 0 on success or a positive errno.
/// </summary>
public interface IKexecSyscalls
{
    /// <summary>kexec_file_load(kernel_fd, initrd_fd or -1, cmdline_len incl. NUL, cmdline, flags).</summary>
    int FileLoad(string kernelPath, string? initrdPath, string cmdline, ulong flags);

    /// <summary>kexec_file_load(-1, -1, 0, NULL, KEXEC_FILE_UNLOAD | crash flag).</summary>
    int Unload(ulong flags);

    /// <summary>reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_KEXEC): returns only on failure.</summary>
    int RebootKexec();

    void Sync();
}

/// <summary>The kexec_file_load flags (include/uapi/linux/kexec.h).</summary>
public static class KexecFileFlags
{
    public const ulong Unload = 1;
    public const ulong OnCrash = 2;
    public const ulong NoInitramfs = 4;
}

/// <summary>The real system calls through libc's syscall(2) (x86_64 numbers).</summary>
public sealed partial class LinuxKexecSyscalls : IKexecSyscalls
{
    public static readonly LinuxKexecSyscalls Instance = new();

    private const long SysKexecFileLoad = 320;
    private const long SysReboot = 169;
    private const long SysSync = 162;
    private const long RebootMagic1 = 0xfee1dead;
    private const long RebootMagic2 = 672274793;
    private const long RebootCmdKexec = 0x45584543;

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long a1, long a2, long a3, long a4, long a5);

    private static int Errno(long rc) => rc == 0 ? 0 : Math.Max(1, Marshal.GetLastPInvokeError());

    private static void RequireX64()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
            throw new PlatformNotSupportedException("kexec_file_load is only wired up for x86_64");
    }

    public unsafe int FileLoad(string kernelPath, string? initrdPath, string cmdline, ulong flags)
    {
        RequireX64();
        using SafeFileHandle kernel = File.OpenHandle(kernelPath, FileMode.Open, FileAccess.Read);
        using SafeFileHandle? initrd = initrdPath is null ? null : File.OpenHandle(initrdPath, FileMode.Open, FileAccess.Read);
        long initrdFd = initrd is null ? -1 : (long)initrd.DangerousGetHandle();
        if (initrd is null)
            flags |= KexecFileFlags.NoInitramfs;
        byte[] text = cmdline.Length == 0 ? [] : System.Text.Encoding.UTF8.GetBytes(cmdline + "\0");
        fixed (byte* p = text)
        {
            long rc = Syscall(SysKexecFileLoad, (long)kernel.DangerousGetHandle(), initrdFd, text.Length,
                text.Length == 0 ? 0 : (long)p, (long)flags);
            return Errno(rc);
        }
    }

    public int Unload(ulong flags)
    {
        RequireX64();
        return Errno(Syscall(SysKexecFileLoad, -1, -1, 0, 0, (long)(flags | KexecFileFlags.Unload)));
    }

    public int RebootKexec()
    {
        RequireX64();
        return Errno(Syscall(SysReboot, RebootMagic1, RebootMagic2, RebootCmdKexec, 0, 0));
    }

    public void Sync()
    {
        if (RuntimeInformation.ProcessArchitecture == Architecture.X64)
            Syscall(SysSync, 0, 0, 0, 0, 0);
    }
}

/// <summary>
/// Where kexec and kdump find the system: the syscalls, the /sys and /proc files (under
/// <see cref="Root"/>, a temporary directory in tests), the output streams and the clock.
/// </summary>
public sealed class KexecHost
{
    public string Root { get; init; } = "/";
    public IKexecSyscalls Sys { get; init; } = LinuxKexecSyscalls.Instance;
    public TextWriter Out { get; init; } = Console.Out;
    public TextWriter Err { get; init; } = Console.Error;
    public Func<DateTime> Now { get; init; } = () => DateTime.Now;

    /// <summary>Runs a shell command (KDUMP_FAIL_CMD, the default shutdown); returns its exit status.</summary>
    public Func<string, int> Shell { get; init; } = RunShell;

    public static KexecHost Default { get; } = new();

    /// <summary>An absolute system path (/sys/..., /proc/...) under <see cref="Root"/>.</summary>
    public string SystemPath(string absolute) =>
        Root == "/" ? absolute : Path.Combine(Root, absolute.TrimStart('/'));

    /// <summary>A /sys or /proc file's content, trimmed, or null when it cannot be read.</summary>
    public string? ReadSystemFile(string absolute)
    {
        try { return File.ReadAllText(SystemPath(absolute)).Trim(); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>/sys/kernel/kexec_crash_size in bytes, or null when absent.</summary>
    public long? CrashSize =>
        long.TryParse(ReadSystemFile("/sys/kernel/kexec_crash_size"), System.Globalization.NumberStyles.Integer,
            System.Globalization.CultureInfo.InvariantCulture, out long v) ? v : null;

    public bool? KexecLoaded => Flag("/sys/kernel/kexec_loaded");
    public bool? CrashLoaded => Flag("/sys/kernel/kexec_crash_loaded");

    private bool? Flag(string path) => ReadSystemFile(path) switch { "1" => true, "0" => false, _ => null };

    public string KernelRelease => ReadSystemFile("/proc/sys/kernel/osrelease") ?? Environment.OSVersion.Version.ToString();

    private static int RunShell(string command)
    {
        try
        {
            using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/bin/sh")
            {
                ArgumentList = { "-c", command },
                UseShellExecute = false,
            });
            if (p is null) return 127;
            p.WaitForExit();
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception) { return 127; }
    }
}
