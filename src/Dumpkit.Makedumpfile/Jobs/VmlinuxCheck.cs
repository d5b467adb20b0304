// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats;
using Dumpkit.Formats.Elf;

namespace Dumpkit.Makedumpfile;

/// <summary>
/// <c>-x VMLINUX</c>: dumpkit needs no vmlinux (VMCOREINFO, kallsyms and BTF come from the dump),
/// but a vmlinux that is given must be the crashed kernel's: its build id must equal VMCOREINFO's
/// BUILD-ID, or (when either is missing) its linux_banner release VMCOREINFO's OSRELEASE.
/// A mismatch ends the run with makedumpfile's status for it, 2 (WRONG_RELEASE).
/// </summary>
internal static class VmlinuxCheck
{
    public const int WrongRelease = 2;

    /// <summary>Null when the vmlinux matches (or nothing can be compared); else the exit status, the message written.</summary>
    public static int? Verify(string vmlinux, string vmcore, string? vmcoreinfoFile, Messages msg)
    {
        if (Directory.Exists(vmlinux))
        {
            msg.Fail($"open_kernel_file: Can't read the kernel file({vmlinux}). Is a directory");
            return JobRunner.Failed;
        }
        VmlinuxFile file;
        try
        {
            file = VmlinuxFile.Read(vmlinux);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            msg.Fail($"open_kernel_file: Can't open the kernel file({vmlinux}). {Strerror(e)}");
            return JobRunner.Failed;
        }
        catch (DumpFormatException e)
        {
            msg.Fail($"open_kernel_file: {vmlinux} is not a vmlinux: {e.Reason}.");
            return JobRunner.Failed;
        }
        Vmcoreinfo? info;
        using (var input = DumpReader.Open(vmcore))
            info = JobRunner.LoadVmcoreinfo(vmcoreinfoFile, input);
        if (Mismatch(file, info) is not string why)
            return null;
        msg.Fail($"check_release: {vmlinux} and {vmcore} don't match ({why}).");
        return WrongRelease;
    }

    /// <summary>What differs between the vmlinux and the dump's kernel, or null.</summary>
    public static string? Mismatch(VmlinuxFile file, Vmcoreinfo? info)
    {
        if (info is null)
            return null;
        string? dumpId = info["BUILD-ID"]?.Trim().ToLowerInvariant();
        if (file.BuildId is string id && !string.IsNullOrEmpty(dumpId))
            return id.StartsWith(dumpId, StringComparison.Ordinal) ? null : $"build id {id}, the dump's {dumpId}";
        if (file.Release is string release && info.OsRelease is string osRelease)
            return release == osRelease ? null : $"release {release}, the dump's {osRelease}";
        return null;
    }

    internal static string Strerror(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
        UnauthorizedAccessException => "Permission denied",
        _ => e is IOException { HResult: var h } && (h & 0xffff) is > 0 and < 200
            ? System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(h & 0xffff) : "Input/output error",
    };
}
