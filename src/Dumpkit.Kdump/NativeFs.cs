// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;

namespace Dumpkit.Kdump;

/// <summary>statvfs(3): the room a file system has for an unprivileged writer, and whether it is read-only.</summary>
internal static partial class NativeFs
{
    /// <summary>glibc's struct statvfs on 64-bit Linux: eleven 8-byte fields, then six ints of padding.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct StatVfs
    {
        public ulong Bsize, Frsize, Blocks, Bfree, Bavail, Files, Ffree, Favail, Fsid, Flag, Namemax;
        public int Spare0, Spare1, Spare2, Spare3, Spare4, Spare5;
    }

    private const ulong StRdonly = 1;

    [LibraryImport("libc", EntryPoint = "statvfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatVfsCall(string path, out StatVfs buf);

    /// <summary>0 and the bytes available and the read-only flag, or the errno.</summary>
    public static int Available(string path, out long bytes, out bool readOnly)
    {
        bytes = 0;
        readOnly = false;
        if (StatVfsCall(path, out var s) != 0) return Marshal.GetLastPInvokeError();
        bytes = (long)Math.Min(s.Bavail * s.Frsize, long.MaxValue);
        readOnly = (s.Flag & StRdonly) != 0;
        return 0;
    }
}
