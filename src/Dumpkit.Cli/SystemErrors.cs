// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;

namespace Dumpkit.Cli;

/// <summary>
/// The system's words for a failure (strerror), as the original tools print them, taken from the errno the
/// runtime keeps rather than from the exception's message: the NativeAOT binary is built with
/// UseSystemResourceKeys, so .NET's messages are resource keys such as <c>IO_PathNotFound_Path</c>.
/// Every personality prints errors through this class, never an exception's message.
/// </summary>
public static class SystemErrors
{
    public const int Enoent = 2, Eio = 5, Eacces = 13, Eexist = 17, Enotdir = 20, Eisdir = 21, Espipe = 29, Epipe = 32;
    public const int Efbig = 27, Enospc = 28, Enametoolong = 36;

    /// <summary>strerror(errno).</summary>
    public static string StrError(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    /// <summary>
    /// The errno behind an I/O failure on <paramref name="path"/> (null: not a system error): the runtime maps
    /// ENOENT/ENOTDIR and EACCES/EPERM to its own exception types, and reports opening a directory as access
    /// denied; other errors keep their errno as the HResult.
    /// </summary>
    public static int? Errno(Exception ex, string? path = null) => ex switch
    {
        FileNotFoundException or DirectoryNotFoundException => NotFound(path),
        ArgumentException when path != null => Enoent, // "" or a NUL in the name: nothing has that name
        UnauthorizedAccessException => path != null && Directory.Exists(path) ? Eisdir : Eacces,
        PathTooLongException => Enametoolong,
        IOException io when io.HResult is > 0 and < 4096 => io.HResult,
        IOException io when (io.HResult & 0xffff0000) == 0x80070000 && (io.HResult & 0xffff) is > 0 and < 4096 => io.HResult & 0xffff,
        _ => null,
    };

    /// <summary>A missing path: ENOTDIR when a file stands where a directory of the path should be.</summary>
    private static int NotFound(string? path)
    {
        if (path is null) return Enoent;
        for (var dir = Path.GetDirectoryName(Path.GetFullPath(path)); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(dir)) return Enotdir;
            if (Directory.Exists(dir)) break;
        }
        return Enoent;
    }

    /// <summary>The system's text for an I/O failure, or null when it is not one.</summary>
    public static string? Describe(Exception ex, string? path = null) => Errno(ex, path) is int e ? StrError(e) : null;

    /// <summary>Is this a failure of the file system or of a descriptor (an exception a C tool would see as an errno)?</summary>
    public static bool IsIo(Exception ex) => ex is IOException or UnauthorizedAccessException;

    /// <summary>Can opening a path have failed this way (an I/O error, or a name no file can have)?</summary>
    public static bool IsOpenFailure(Exception ex) => IsIo(ex) || ex is ArgumentException;

    /// <summary>
    /// The exception's message when it is one of ours (an <see cref="IOException"/> or other exception made with
    /// a sentence of our own), otherwise <see cref="Text"/>: the runtime's messages are resource keys in the
    /// binary, and its I/O errors are better said by strerror.
    /// </summary>
    public static string Message(Exception ex, string? path = null)
    {
        bool runtimeIo = ex is UnauthorizedAccessException or FileNotFoundException or DirectoryNotFoundException or PathTooLongException
            or ArgumentException || (ex is IOException && ex.HResult != CorEIo);
        return runtimeIo || LooksLikeResourceKey(ex.Message) ? Text(ex, path) : ex.Message;
    }

    private const int CorEIo = unchecked((int)0x80131620);

    /// <summary>A .NET resource key (<c>IO_PathNotFound_Path, /x</c>, <c>Arg_OverflowException</c>) rather than a sentence.</summary>
    public static bool LooksLikeResourceKey(string message)
    {
        // the first word: letters and digits around an underscore ("Argument_EmptyString Arg_ParamName_Name, path")
        int end = message.AsSpan().IndexOfAny(' ', ',');
        var head = end < 0 ? message.AsSpan() : message.AsSpan(0, end);
        if (head.Length == 0 || !head.Contains('_')) return false;
        foreach (char c in head)
            if (!char.IsAsciiLetterOrDigit(c) && c != '_') return false;
        return true;
    }

    /// <summary>
    /// The one line for an exception: the system's words for an I/O error, "memory exhausted" when memory ran
    /// out, otherwise the kind of failure (never a message or a stack trace).
    /// </summary>
    public static string Text(Exception ex, string? path = null)
    {
        if (ex is NotRegularFileException) return ex.Message;
        if (Describe(ex, path) is string s) return s;
        if (ex is OutOfMemoryException or InsufficientExecutionStackException) return "memory exhausted";
        string kind = ex.GetType().Name;
        if (kind.EndsWith("Exception", StringComparison.Ordinal)) kind = kind[..^"Exception".Length];
        return $"internal error ({kind})";
    }
}
