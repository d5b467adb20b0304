// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats;
using Dumpkit.Formats.IO;

namespace Dumpkit.Makedumpfile;

/// <summary>What every makedumpfile job shares: exit statuses, the closing line, the errors it reports as one line.</summary>
internal static class JobRunner
{
    public const int Ok = 0;
    public const int Failed = 1;

    /// <summary>Runs a job and ends with makedumpfile's closing line; a failure the job can meet becomes one message.</summary>
    public static int Run(Messages msg, Func<Messages, int> job)
    {
        try
        {
            int rc = job(msg);
            msg.Info("");
            msg.Info(rc == Ok ? "makedumpfile Completed." : "makedumpfile Failed.");
            return rc;
        }
        catch (Exception e) when (e is DumpFormatException or DumpSpaceException or IOException or UnauthorizedAccessException
                                      or PageNotAvailableException)
        {
            msg.Fail(Describe(e));
            msg.Info("");
            msg.Info("makedumpfile Failed.");
            return Failed;
        }
    }

    /// <summary>
    /// The one line for a failure a job met: makedumpfile's sentence for a file it cannot open, the system's
    /// text (strerror) for other I/O errors, our own messages for the rest (never a .NET resource key).
    /// </summary>
    public static string Describe(Exception e) => e switch
    {
        FileOpenException { ForWriting: true } f => $"open_dump_file: Can't open the dump file({f.FilePath}). {f.Reason}",
        // a directory opens; makedumpfile's first read of it fails
        FileOpenException { Errno: Cli.SystemErrors.Eisdir } f => $"check_elf_format: Can't read {f.FilePath}. {f.Reason}",
        FileOpenException f => $"open_dump_memory: Can't open the dump memory({f.FilePath}). {f.Reason}",
        _ => Cli.SystemErrors.Message(e),
    };

    public static Vmcoreinfo? LoadVmcoreinfo(string? file, DumpReader input)
    {
        if (file is not null)
            return Vmcoreinfo.Parse(ReadVmcoreinfoFile(file));
        return input.VmcoreinfoText is { } text ? Vmcoreinfo.Parse(text) : null;
    }

    /// <summary>A VMCOREINFO file is a few KiB; more than this is not one (or an endless file such as /dev/zero).</summary>
    public const int MaxVmcoreinfoFile = 1 << 20;

    /// <summary><c>-i VMCOREINFO</c>'s text; failures in makedumpfile's words (an <see cref="IOException"/> of ours).</summary>
    private static string ReadVmcoreinfoFile(string file)
    {
        try
        {
            return Cli.BoundedFile.ReadAllText(file, MaxVmcoreinfoFile);
        }
        catch (Cli.FileTooLargeException)
        {
            throw new IOException($"read_vmcoreinfo: The vmcoreinfo file({file}) is too large (more than {MaxVmcoreinfoFile} bytes).");
        }
        catch (Exception e) when (Cli.SystemErrors.IsOpenFailure(e))
        {
            throw new IOException($"open_vmcoreinfo: Can't open the vmcoreinfo file({file}). {Cli.SystemErrors.Text(e, file)}");
        }
    }

    /// <summary>Something is at <paramref name="path"/>: a file, a directory, or a symbolic link, even a dangling one.</summary>
    public static bool Exists(string path) => Path.Exists(path) || new FileInfo(path).LinkTarget is not null;

    /// <summary>
    /// Writes a small output (the kernel log) as makedumpfile creates its files: owner-only (0600),
    /// and without <paramref name="overwrite"/> only where nothing is (O_EXCL: a planted symbolic
    /// link is not followed). False, with makedumpfile's message, when something is there.
    /// </summary>
    public static bool TryWriteNewFile(string path, ReadOnlySpan<byte> data, bool overwrite, Messages msg)
    {
        var options = new FileStreamOptions
        {
            Mode = overwrite ? FileMode.Create : FileMode.CreateNew,
            Access = FileAccess.Write,
        };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var file = new FileStream(path, options);
            file.Write(data);
            file.Flush(flushToDisk: true);
            return true;
        }
        catch (IOException) when (!overwrite && Exists(path))
        {
            msg.Fail($"Can't open the dump file ({path}). File exists (use -f to overwrite).");
            return false;
        }
        catch (Exception e) when (Cli.SystemErrors.IsOpenFailure(e))
        {
            throw FileOpenException.From(e, path, forWriting: true);
        }
    }

    public static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
