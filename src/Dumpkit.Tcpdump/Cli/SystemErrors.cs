using System.Runtime.InteropServices;

namespace Dumpkit.Tcpdump.Cli;

/// <summary>
/// Standard output could not be written (a closed pipe, a full disk, a closed descriptor): tcpdump says
/// "Unable to write output: " and the system's text, and exits with its status 14.
/// </summary>
internal sealed class OutputFailedException(int errno) : IOException("Unable to write output", errno)
{
    /// <summary>The errno of the failed write.</summary>
    public int Errno { get; } = errno;

    /// <summary>tcpdump's exit status for it (S_ERR_ND_WRITE_FILE).</summary>
    public const int ExitStatus = 14;
}

/// <summary>
/// The system's words for a failure, as tcpdump prints them (strerror), taken from the errno the runtime
/// keeps rather than from the exception's message: the NativeAOT binary is built with
/// UseSystemResourceKeys, so messages would be resource keys such as <c>IO_PathNotFound_Path</c>.
/// </summary>
internal static class SystemErrors
{
    private const int Enoent = 2, Eacces = 13, Eisdir = 21;

    /// <summary>strerror(errno).</summary>
    public static string StrError(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    /// <summary>
    /// The errno behind an I/O failure on <paramref name="path"/> (null: not a path operation): the runtime
    /// maps ENOENT and EACCES/EPERM to their own exception types, and reports opening a directory for
    /// writing as access denied; other errors keep their errno as the HResult.
    /// </summary>
    public static int? Errno(Exception ex, string? path = null) => ex switch
    {
        FileNotFoundException or DirectoryNotFoundException => Enoent,
        ArgumentException when path != null => Enoent, // "" or a NUL in the name: nothing has that name
        UnauthorizedAccessException => path != null && Directory.Exists(path) ? Eisdir : Eacces,
        PathTooLongException => 36,
        IOException io when io.HResult is > 0 and < 4096 => io.HResult,
        _ => null,
    };

    /// <summary>The system's text for an I/O failure, or null when it is not one.</summary>
    public static string? Describe(Exception ex, string? path = null) => Errno(ex, path) is int e ? StrError(e) : null;

    /// <summary>Is this a failure of the file system or of a descriptor (an exception tcpdump would see as an errno)?</summary>
    public static bool IsIo(Exception ex) => ex is IOException or UnauthorizedAccessException;

    /// <summary>Can opening a path have failed this way (an I/O error, or a name no file can have)?</summary>
    public static bool IsOpenFailure(Exception ex) => IsIo(ex) || ex is ArgumentException;

    /// <summary>
    /// The one line for an exception nothing else handled: the system's words for an I/O error, "memory
    /// exhausted" when memory ran out, otherwise the kind of failure (never a message or a stack trace).
    /// </summary>
    public static string Unexpected(Exception ex)
    {
        if (Describe(ex) is string s) return s;
        if (ex is OutOfMemoryException or InsufficientExecutionStackException) return "memory exhausted";
        string kind = ex.GetType().Name;
        if (kind.EndsWith("Exception", StringComparison.Ordinal)) kind = kind[..^"Exception".Length];
        return $"internal error ({kind})";
    }
}

/// <summary>
/// File descriptor 1 written with write(2): errors come back as <see cref="OutputFailedException"/> with their
/// errno. (The runtime's console stream silently drops EPIPE, so "tcpdump | head" would read a whole file.)
/// </summary>
internal sealed partial class StdoutStream : Stream
{
    private const int Eintr = 4, Eagain = 11;
    private const short PollOut = 4;

    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
    private readonly int _fd;

    public StdoutStream(int fd = 1) => _fd = fd;

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint write(int fd, byte* buf, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int poll(PollFd* fds, nuint nfds, int timeout);

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override unsafe void Write(ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            nint done = 0;
            while (done < data.Length)
            {
                nint n = write(_fd, p + done, data.Length - done);
                if (n >= 0) { done += n; continue; }
                int e = Marshal.GetLastPInvokeError();
                if (e == Eintr) continue;
                if (e == Eagain)
                {
                    // a non-blocking descriptor inherited from the caller: wait until it takes more
                    var pfd = new PollFd { Fd = _fd, Events = PollOut };
                    poll(&pfd, 1, -1);
                    continue;
                }
                throw new OutputFailedException(e);
            }
        }
    }
}

/// <summary>
/// Standard output as the printer sees it: any failure of the stream underneath becomes an
/// <see cref="OutputFailedException"/> (EIO when the stream gives no errno), so it ends the run in one line.
/// </summary>
internal sealed class GuardedOutput(Stream inner) : Stream
{
    private const int Eio = 5;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> data)
    {
        try { inner.Write(data); }
        catch (Exception ex) when (SystemErrors.IsIo(ex) || ex is ObjectDisposedException or NotSupportedException)
        {
            throw new OutputFailedException(SystemErrors.Errno(ex) ?? Eio);
        }
    }

    public override void Flush()
    {
        try { inner.Flush(); }
        catch (Exception ex) when (SystemErrors.IsIo(ex) || ex is ObjectDisposedException or NotSupportedException)
        {
            throw new OutputFailedException(SystemErrors.Errno(ex) ?? Eio);
        }
    }
}
