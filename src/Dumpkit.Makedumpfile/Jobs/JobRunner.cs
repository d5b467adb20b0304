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

    public static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
