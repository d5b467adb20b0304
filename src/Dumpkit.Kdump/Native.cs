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
}
