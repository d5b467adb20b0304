// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;

namespace Dumpkit.Cli;

/// <summary>
/// A file descriptor (standard output) written with write(2), so that its errors reach the tool: the runtime's
/// console stream silently drops EPIPE, so "makedumpfile -F … | head" would go on for the whole dump and say it
/// succeeded. A failed write becomes <paramref name="error"/>(errno) (by default an <see cref="IOException"/> whose
/// HResult is the errno; null: the data is dropped, as C tools drop what stderr does not take); with
/// <paramref name="dieOfSigpipe"/> a closed pipe ends the process at once by SIGPIPE,
/// as a C tool that does not catch the signal dies (status 141 in the shell).
/// </summary>
public sealed partial class FdOutputStream(int fd = 1, bool dieOfSigpipe = false, Func<int, Exception?>? error = null) : Stream
{
    private const int Eintr = 4, Eagain = 11;
    private const short PollOut = 4;

    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint Write(int fd, byte* buf, nint count);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static unsafe partial int Poll(PollFd* fds, nuint nfds, int timeout);

    /// <summary>The errno of the first write that failed (EPIPE too), or null while every write succeeded.</summary>
    public int? FailedErrno { get; private set; }

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
                nint n = Write(fd, p + done, data.Length - done);
                if (n >= 0) { done += n; continue; }
                int e = Marshal.GetLastPInvokeError();
                if (e == Eintr) continue;
                if (e == Eagain)
                {
                    // a non-blocking descriptor inherited from the caller: wait until it takes more
                    var pfd = new PollFd { Fd = fd, Events = PollOut };
                    Poll(&pfd, 1, -1);
                    continue;
                }
                FailedErrno ??= e;
                if (e == SystemErrors.Epipe && dieOfSigpipe)
                    ProcessSignals.DieOf(ProcessSignals.SigPipe);
                if (error is null)
                    throw new IOException(SystemErrors.StrError(e), e);
                if (error(e) is { } failure)
                    throw failure;
                return;
            }
        }
    }
}
