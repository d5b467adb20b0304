// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;

namespace Dumpkit.Kexec;

/// <summary>One clear sentence for each errno kexec_file_load and reboot return.</summary>
public static class KexecErrors
{
    public const int EPERM = 1, ENOENT = 2, E2BIG = 7, ENOEXEC = 8, EBADF = 9, ENOMEM = 12, EACCES = 13,
        EFAULT = 14, EBUSY = 16, EINVAL = 22, ENOSYS = 38, ENODATA = 61, ENOPKG = 65, EBADMSG = 74,
        ELIBBAD = 80, EMSGSIZE = 90, EOPNOTSUPP = 95, EADDRNOTAVAIL = 99, ENOKEY = 126, EKEYEXPIRED = 127,
        EKEYREVOKED = 128, EKEYREJECTED = 129;

    /// <summary>strerror(errno), as kexec-tools prints it.</summary>
    public static string StrError(int errno) => errno switch
    {
        EPERM => "Operation not permitted",
        ENOENT => "No such file or directory",
        E2BIG => "Argument list too long",
        ENOEXEC => "Exec format error",
        EBADF => "Bad file descriptor",
        ENOMEM => "Cannot allocate memory",
        EACCES => "Permission denied",
        EFAULT => "Bad address",
        EBUSY => "Device or resource busy",
        EINVAL => "Invalid argument",
        ENOSYS => "Function not implemented",
        ENODATA => "No data available",
        ENOPKG => "Package not installed",
        EBADMSG => "Bad message",
        ELIBBAD => "Accessing a corrupted shared library",
        EMSGSIZE => "Message too long",
        EOPNOTSUPP => "Operation not supported",
        EADDRNOTAVAIL => "Cannot assign requested address",
        ENOKEY => "Required key not available",
        EKEYEXPIRED => "Key has expired",
        EKEYREVOKED => "Key has been revoked",
        EKEYREJECTED => "Key was rejected by service",
        _ => Marshal.GetPInvokeErrorMessage(errno),
    };

    /// <summary>What an errno from kexec_file_load means for the user, given whether it was a crash load
    /// and how much crash memory is reserved (null: unknown).</summary>
    public static string Explain(int errno, bool crash, long? crashSize) => errno switch
    {
        EPERM => "loading a kernel needs root (CAP_SYS_BOOT); it is also refused when kernel.kexec_load_disabled=1 or kernel lockdown forbids it",
        EKEYREJECTED or EBADMSG or ENOKEY or EKEYEXPIRED or EKEYREVOKED or ENOPKG or ELIBBAD or EMSGSIZE or ENODATA =>
            "signature verification failed: with secure boot or kernel lockdown the kernel must be signed with a trusted key",
        ENOMEM or EADDRNOTAVAIL or EINVAL when crash && crashSize == 0 =>
            "no memory is reserved for a crash kernel: boot with crashkernel=SIZE (e.g. crashkernel=256M)",
        ENOMEM or EADDRNOTAVAIL when crash && crashSize > 0 =>
            $"the kernel, initrd and command line do not fit in the {Mib(crashSize.Value)} reserved by crashkernel=: " +
                "use a smaller initrd or a larger crashkernel=",
        ENOMEM or EADDRNOTAVAIL => "not enough memory to stage the kernel and initrd",
        EBUSY => "another kexec operation is in progress (or the crash kernel is in use); try again",
        ENOEXEC => "the running kernel cannot load this image (not a 64-bit bzImage it accepts)",
        EINVAL => "the running kernel rejected the image, the initrd or the command line",
        ENOSYS => "this kernel has no kexec_file_load (built without CONFIG_KEXEC_FILE)",
        EOPNOTSUPP => "unsupported image type or signature format",
        E2BIG => "the command line is too long",
        EACCES => "access denied to the kernel or initrd (file permissions, noexec mount or IMA appraisal)",
        EBADF => "the kernel or initrd file cannot be read",
        _ => "unexpected error",
    };

    public static string Mib(long bytes) =>
        bytes % (1 << 20) == 0 ? $"{bytes >> 20} MiB" : $"{bytes / (double)(1 << 20):0.0} MiB";
}
