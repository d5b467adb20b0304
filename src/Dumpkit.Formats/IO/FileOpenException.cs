// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Cli;

namespace Dumpkit.Formats.IO;

/// <summary>
/// A dump's input or output file could not be opened: the path, the errno and its system text (strerror), so
/// that each tool can say it in its own words (makedumpfile's "Can't open the dump file(PATH). TEXT").
/// <see cref="Exception.Message"/> is "PATH: TEXT".
/// </summary>
public sealed class FileOpenException : IOException
{
    public FileOpenException(string path, int errno, bool forWriting)
        : base($"{path}: {SystemErrors.StrError(errno)}", errno)
    {
        FilePath = path;
        Errno = errno;
        Reason = SystemErrors.StrError(errno);
        ForWriting = forWriting;
    }

    public string FilePath { get; }
    public int Errno { get; }

    /// <summary>strerror(<see cref="Errno"/>).</summary>
    public string Reason { get; }

    /// <summary>An output (created or replaced), not an input.</summary>
    public bool ForWriting { get; }

    /// <summary>The exception for a failure <paramref name="e"/> to open <paramref name="path"/>.</summary>
    public static FileOpenException From(Exception e, string path, bool forWriting) =>
        e as FileOpenException ?? new FileOpenException(path, SystemErrors.Errno(e, path) ?? SystemErrors.Eio, forWriting);
}
