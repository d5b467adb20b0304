// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;

namespace Dumpkit.Tcpdump.Cli;

/// <summary>
/// Dropping root as Debian's tcpdump 4.99.3 does (built --with-user=tcpdump, with Fedora's patches that drop
/// silently and after opening the savefile; no libcap-ng, no chroot): started as root, it becomes -Z's user,
/// else the <c>tcpdump</c> user (<c>-Z root</c> stays root), once the capture source is open. A -w file without
/// -C is opened first, as root, and handed to that user (chown); with -C it is opened after the switch.
/// The switch is initgroups + setgid + setuid: the kernel clears every capability with the move off uid 0.
/// </summary>
internal static partial class Privileges
{
    /// <summary>The user Debian's build switches to when started as root and -Z names none.</summary>
    public const string DefaultUser = "tcpdump";

    [LibraryImport("libc", SetLastError = true)]
    private static partial uint getuid();

    [LibraryImport("libc", SetLastError = true)]
    private static partial uint geteuid();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setuid(uint uid);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setgid(uint gid);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int initgroups(string user, uint gid);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lchown(string path, uint owner, uint group);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lstat(string path, ref byte buf);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr getpwnam(string name);

    /// <summary>True when the real or effective user is root (tcpdump's test).</summary>
    public static bool IsRoot => OperatingSystem.IsLinux() && (getuid() == 0 || geteuid() == 0);

    /// <summary>The user to become: -Z's, or (when <paramref name="useDefault"/>) tcpdump's default; null when not root.</summary>
    public static string? Target(string? zUser, bool useDefault) => IsRoot ? zUser ?? (useDefault ? DefaultUser : null) : null;

    /// <summary>getpwnam through the C library (so NSS answers as it answers tcpdump): (uid, gid) or null.</summary>
    internal static (uint Uid, uint Gid)? Lookup(string user)
    {
        IntPtr pw = getpwnam(user);
        if (pw == IntPtr.Zero) return null;
        // struct passwd: char *pw_name, char *pw_passwd, uid_t pw_uid, gid_t pw_gid, ...
        int offset = 2 * IntPtr.Size;
        return ((uint)Marshal.ReadInt32(pw, offset), (uint)Marshal.ReadInt32(pw, offset + 4));
    }

    /// <summary>tcpdump's %.32s.</summary>
    private static string Cut(string user) => user.Length > 32 ? user[..32] : user;

    /// <summary>
    /// Hands the savefile just opened (as root) to the user, as the Debian patch does before dropping root — but only a
    /// regular file: Debian's tcpdump chowns whatever -w names, so `-w /dev/full` or `-w /dev/null` as root gives the
    /// device node to the tcpdump user for good; a device, FIFO or socket keeps its owner here (and a symbolic link is
    /// never followed to its target).
    /// </summary>
    public static void GiveSavefile(string user, string path)
    {
        var pw = Lookup(user) ?? throw new UsageException($"Couldn't find user '{user}'");
        if (!IsRegularFile(path)) return;
        if (lchown(path, pw.Uid, pw.Gid) != 0) throw new UsageException("Couldn't change ownership of savefile");
    }

    /// <summary>lstat(2)'s file type is S_IFREG (st_mode: offset 24 in x86-64's struct stat, 16 in arm64's).</summary>
    private static bool IsRegularFile(string path)
    {
        var buf = new byte[256];
        if (lstat(path, ref buf[0]) != 0) return false;
        int at = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 16 : 24;
        return (BitConverter.ToUInt32(buf, at) & 0xF000) == 0x8000;
    }

    /// <summary>Becomes the user (silently, as Debian's build); throws UsageException with tcpdump's messages on failure.</summary>
    public static void Drop(string user)
    {
        var pw = Lookup(user) ?? throw new UsageException($"Couldn't find user '{Cut(user)}'");
        if (initgroups(user, pw.Gid) != 0 || setgid(pw.Gid) != 0 || setuid(pw.Uid) != 0)
            throw new UsageException($"Couldn't change to '{Cut(user)}' uid={pw.Uid} gid={pw.Gid}: {SystemErrors.StrError(Marshal.GetLastPInvokeError())}");
    }
}
