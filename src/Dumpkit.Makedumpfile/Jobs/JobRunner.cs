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
            msg.Fail(e.Message);
            msg.Info("");
            msg.Info("makedumpfile Failed.");
            return Failed;
        }
    }

    public static Vmcoreinfo? LoadVmcoreinfo(string? file, DumpReader input)
    {
        if (file is not null)
            return Vmcoreinfo.Parse(File.ReadAllText(file));
        return input.VmcoreinfoText is { } text ? Vmcoreinfo.Parse(text) : null;
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
    }

    public static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
