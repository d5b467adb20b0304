// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;

namespace Dumpkit.Kdump;

/// <summary>mount(2) with the kernel's text options and umount2(2): what an NFS target needs without mount.nfs.</summary>
internal static partial class NativeMount
{
    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MountCall(string source, string target, string fsType, nuint flags, string data);

    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Umount2Call(string target, int flags);

    /// <summary>0, or the errno of mount(2).</summary>
    public static int Mount(string source, string target, string fsType, string options) =>
        MountCall(source, target, fsType, 0, options) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>0, or the errno of umount2(2) without flags.</summary>
    public static int Unmount(string target) => Umount2Call(target, 0) == 0 ? 0 : Marshal.GetLastPInvokeError();
}
