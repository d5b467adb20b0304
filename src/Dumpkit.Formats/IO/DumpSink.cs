// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Dumpkit.Formats.IO;

/// <summary>The output ran out of room: a full disk (ENOSPC) or the <c>-L</c> size limit.</summary>
public sealed class DumpSpaceException(string path, long offset, string reason)
    : Exception($"{path}: offset 0x{offset:x}: {reason}")
{
    /// <summary>The reason of a write the device had no room for (ENOSPC or EDQUOT).</summary>
    public const string NoSpaceReason = "no space left on device";

    public string FilePath { get; } = path;
    public long Offset { get; } = offset;

    /// <summary>The device is full (rather than the size limit of -L reached).</summary>
    public bool NoSpace { get; } = reason == NoSpaceReason;
}

/// <summary>Where a dump is written: positional writes into a file, or records of a flattened stream.</summary>
public interface IDumpSink : IDisposable
{
    string Name { get; }

    /// <summary>True for a sequential stream (flattened records), false for a file written in place.</summary>
    bool IsStream { get; }

    /// <summary>Write <paramref name="data"/> at <paramref name="offset"/> of the (logical) output file.</summary>
    void Write(long offset, ReadOnlySpan<byte> data);

    /// <summary>Bytes that may still be written before the size limit is reached (long.MaxValue when unlimited).</summary>
    long Remaining(long offset);

    /// <summary>
    /// Make <paramref name="length"/> bytes at <paramref name="offset"/> exist as zeros that later
    /// writes cannot fail to find room for (throws <see cref="DumpSpaceException"/> when there is none).
    /// This default writes the zeros.
    /// </summary>
    void Reserve(long offset, long length) => WriteZeros(this, offset, length);

    /// <summary>Write <paramref name="length"/> zero bytes at <paramref name="offset"/>, 64 KiB a call.</summary>
    static void WriteZeros(IDumpSink sink, long offset, long length)
    {
        if (length <= 0)
            return;
        ReadOnlySpan<byte> zeros = new byte[(int)Math.Min(length, 1 << 16)];
        for (long at = offset, end = offset + length; at < end; at += zeros.Length)
            sink.Write(at, zeros[..(int)Math.Min(zeros.Length, end - at)]);
    }

    /// <summary>Make everything written so far durable before a header that declares it complete.</summary>
    void Flush();

    /// <summary>Finish the output (the flattened end marker; file length).</summary>
    void Complete();
}

/// <summary>
/// A regular file (or block device) written with pwrite(); honours a size limit (<c>-L</c>).
/// Writeback is started every <see cref="WriteBehindBytes"/> (sync_file_range), so the disk writes
/// while pages are still being compressed, instead of the whole dump waiting in the page cache
/// for the final fsync.
/// <para>
/// That alone does not make the final fsync short: on a disk with a volatile write cache (a
/// virtio disk) the cache flush it ends with costs in proportion to what was written since the
/// last flush, written back or not. So after each write-behind step a helper thread, started on
/// first need, calls fdatasync (one at a time; requests made meanwhile are merged) while pages go
/// on being compressed, and the final fsync only flushes the tail. (Measurements: bench/README.md.)
/// </para>
/// <para>
/// A failure of that fdatasync is kept and raised by the next <see cref="Write"/> or
/// <see cref="Flush"/>: Linux reports a writeback error to a file description once, and the
/// final fsync must not succeed over it (nor the dump go on for minutes after it).
/// </para>
/// </summary>
public sealed partial class FileDumpSink : IDumpSink
{
    private const long WriteBehindBytes = 8 << 20;
    private const uint SYNC_FILE_RANGE_WRITE = 2;
    private long _unstarted;
    private readonly object _flushGate = new();
    private Thread? _flusher;
    private bool _flushWanted, _flusherStop;
    private IOException? _flushError;
    private const int EINTR = 4;
    private const int ENOSPC = 28;
    private const int EDQUOT = 122;
    private readonly FileStream _stream;
    private readonly SafeFileHandle _handle;
    private readonly long _limit;
    private readonly bool _regular;

    public FileDumpSink(string path, bool overwrite, long limit = long.MaxValue)
    {
        Name = path;
        _limit = limit;
        try
        {
            // A dump holds all of a machine's memory: readable by its owner only (as makedumpfile).
            var options = new FileStreamOptions
            {
                Mode = overwrite ? FileMode.Create : FileMode.CreateNew,
                // Write-only: opened for reading too, an NFS client reads a page in before a write that
                // covers it in part (read-modify-write); the 6.12 client does that with NFSv4.2 READ_PLUS,
                // which nfs-ganesha 4.3 answers so that the write fails with EIO (tests/e2e/RESULTS.md).
                Access = FileAccess.Write,
                Share = FileShare.Read,
                BufferSize = 0,
            };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            _stream = new FileStream(path, options);
            _handle = _stream.SafeFileHandle;
        }
        catch (IOException e) when (File.Exists(path) && !overwrite)
        {
            throw new IOException($"{path}: file exists (use -f to overwrite)", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw FileOpenException.From(e, path, forWriting: true);
        }
        _regular = File.Exists(path) && (File.GetAttributes(path) & FileAttributes.Device) == 0;
    }

    public string Name { get; }
    public bool IsStream => false;

    public long Remaining(long offset) => _limit == long.MaxValue ? long.MaxValue : Math.Max(0, _limit - offset);

    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        if (offset + data.Length > _limit)
            throw new DumpSpaceException(Name, offset, $"the size limit of {_limit} bytes (-L) is reached");
        // Data already written may be lost: stop now rather than write the rest of the dump after it.
        if (Volatile.Read(ref _flushError) is { } failed)
            throw failed;
        try
        {
            RandomAccess.Write(_handle, data, offset);
        }
        catch (IOException e) when (IsNoSpace(e))
        {
            throw new DumpSpaceException(Name, offset, DumpSpaceException.NoSpaceReason);
        }
        _unstarted += data.Length;
        if (_unstarted >= WriteBehindBytes && _regular && OperatingSystem.IsLinux())
        {
            _unstarted = 0;
            // Only a hint: a failure (an old kernel, a file system without it) changes nothing.
            _ = SyncFileRange(_handle, 0, 0, SYNC_FILE_RANGE_WRITE);
            RequestFlushBehind();
        }
    }

    private void RequestFlushBehind()
    {
        lock (_flushGate)
        {
            if (_flushError is not null || _flusherStop)
                return;
            _flushWanted = true;
            Monitor.Pulse(_flushGate);
        }
        if (_flusher is null)
        {
            _flusher = new Thread(FlushBehind) { IsBackground = true, Name = "dumpkit-flush" };
            _flusher.Start();
        }
    }

    private void FlushBehind()
    {
        while (true)
        {
            lock (_flushGate)
            {
                while (!_flushWanted && !_flusherStop)
                    Monitor.Wait(_flushGate);
                if (_flusherStop)
                    return;
                _flushWanted = false;
            }
            if (Fdatasync(_handle) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR)
                    continue;
                lock (_flushGate)
                    _flushError = new IOException(
                        $"{Name}: writing the data back to disk failed (fdatasync): {Marshal.GetPInvokeErrorMessage(errno)}");
                return;
            }
        }
    }

    /// <summary>Waits for a flush under way and ends the helper thread.</summary>
    private void StopFlushBehind()
    {
        if (_flusher is null)
            return;
        lock (_flushGate)
        {
            _flusherStop = true;
            Monitor.Pulse(_flushGate);
        }
        _flusher.Join();
        _flusher = null;
    }

    /// <summary>
    /// fallocate(2): the file system sets the blocks aside (and they read as zeros) without a byte
    /// being written or a buffer touched; where it is not supported, the zeros are written.
    /// </summary>
    public void Reserve(long offset, long length)
    {
        if (length <= 0)
            return;
        if (offset + length > _limit)
            throw new DumpSpaceException(Name, offset, $"the size limit of {_limit} bytes (-L) is reached");
        if (_regular && OperatingSystem.IsLinux())
        {
            if (Fallocate(_handle, 0, offset, length) == 0)
                return;
            int errno = Marshal.GetLastPInvokeError();
            if (errno is ENOSPC or EDQUOT)
                throw new DumpSpaceException(Name, offset, DumpSpaceException.NoSpaceReason);
        }
        IDumpSink.WriteZeros(this, offset, length);
    }

    [LibraryImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    private static partial int Fallocate(SafeFileHandle fd, int mode, long offset, long length);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int Fdatasync(SafeFileHandle fd);

    [LibraryImport("libc", EntryPoint = "sync_file_range")]
    private static partial int SyncFileRange(SafeFileHandle fd, long offset, long count, uint flags);

    private static bool IsNoSpace(IOException e) =>
        (e.HResult & 0xffff) is ENOSPC or EDQUOT || e.Message.Contains("No space left", StringComparison.Ordinal);

    public void Flush()
    {
        StopFlushBehind();
        if (_flushError is { } e)
            throw e;
        if (_regular)
            RandomAccess.FlushToDisk(_handle);
    }

    public void Complete() { }

    public void Dispose()
    {
        StopFlushBehind();
        _stream.Dispose();
    }
}
