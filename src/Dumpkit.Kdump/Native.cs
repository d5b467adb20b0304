// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;

namespace Dumpkit.Kdump;

/// <summary>The core directory is one other users could tamper with.</summary>
internal sealed class UnsafeDirectoryException(string message) : Exception(message);

/// <summary>The system calls savecore needs that .NET does not offer as such.</summary>
internal static partial class Native
{
    [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Mkdir(string path, uint mode);

    /// <summary>mkdir(2): 0, or the errno (EEXIST when anything, even a dangling link, has the name).</summary>
    public static int MakeDirectory(string path, uint mode) => Mkdir(path, mode) == 0 ? 0 : Marshal.GetLastPInvokeError();

    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LStat(string path, ref byte buf);

    /// <summary>Whether something that is not a regular file (a device, FIFO, socket, directory or link) has the name:
    /// lstat(2)'s file type (st_mode at offset 24 of x86-64's struct stat). False when nothing has it.</summary>
    public static bool IsOtherThanRegularFile(string path)
    {
        var buf = new byte[256];
        if (LStat(path, ref buf[0]) != 0)
            return false;
        uint mode = BitConverter.ToUInt32(buf, 24);
        return (mode & 0xF000) != 0x8000;
    }

    /// <summary>lstat(2)'s st_mode and st_uid (offsets 24 and 28 of x86-64's struct stat), or null when nothing has the name.</summary>
    public static (uint Mode, uint Uid)? Lstat(string path)
    {
        var buf = new byte[256];
        if (LStat(path, ref buf[0]) != 0)
            return null;
        return (BitConverter.ToUInt32(buf, 24), BitConverter.ToUInt32(buf, 28));
    }

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatPath(string path, ref byte buf);

    /// <summary>
    /// Whether the name leads (through links) to something that cannot be read as a file: a FIFO, socket or device,
    /// whose open(2) can block for ever or read without end. False for a regular file, a directory, or nothing.
    /// </summary>
    public static bool IsSpecialFile(string path)
    {
        var buf = new byte[256];
        if (StatPath(path, ref buf[0]) != 0)
            return false;
        uint type = BitConverter.ToUInt32(buf, 24) & 0xF000;
        return type is not 0x8000 and not 0x4000;
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint Geteuid();
}
