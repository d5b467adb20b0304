// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

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

/// <summary>tcpdump's view of the shared <see cref="Dumpkit.Cli.SystemErrors"/>.</summary>
internal static class SystemErrors
{
    public static string StrError(int errno) => Dumpkit.Cli.SystemErrors.StrError(errno);
    public static int? Errno(Exception ex, string? path = null) => Dumpkit.Cli.SystemErrors.Errno(ex, path);
    public static string? Describe(Exception ex, string? path = null) => Dumpkit.Cli.SystemErrors.Describe(ex, path);
    public static bool IsIo(Exception ex) => Dumpkit.Cli.SystemErrors.IsIo(ex);
    public static bool IsOpenFailure(Exception ex) => Dumpkit.Cli.SystemErrors.IsOpenFailure(ex);
    public static string Unexpected(Exception ex) => Dumpkit.Cli.SystemErrors.Text(ex);
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
