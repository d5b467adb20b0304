// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Microsoft.Win32.SafeHandles;

namespace Dumpkit.Formats.IO;

/// <summary>Positional, thread-safe reads of a byte source (a file, or a flattened stream seen rearranged).</summary>
public interface IRandomAccess : IDisposable
{
    /// <summary>A name for messages (the file path).</summary>
    string Name { get; }

    /// <summary>Logical length in bytes.</summary>
    long Length { get; }

    /// <summary>Read up to <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>; fewer only at the end.</summary>
    int Read(long offset, Span<byte> buffer);
}

public static class RandomAccessExtensions
{
    /// <summary>Read exactly <paramref name="buffer"/>.Length bytes or fail naming the file and offset.</summary>
    public static void ReadExactly(this IRandomAccess source, long offset, Span<byte> buffer, string what)
    {
        int n = source.Read(offset, buffer);
        if (n != buffer.Length)
            throw new DumpFormatException(source.Name, offset,
                $"file ends inside {what} ({n} of {buffer.Length} bytes readable)");
    }
}

internal static class SafeFileHandleExtensions
{
    /// <summary>False for pipes, FIFOs and sockets, whose position cannot be chosen (pread fails with ESPIPE).</summary>
    public static bool CanSeek(this SafeFileHandle handle)
    {
        try
        {
            RandomAccess.GetLength(handle);
            return true;
        }
        catch (NotSupportedException)
        {
            return false;
        }
    }
}

/// <summary>A file read with pread().</summary>
public sealed class FileRandomAccess : IRandomAccess
{
    private readonly SafeFileHandle _handle;

    public FileRandomAccess(string path)
    {
        Name = path;
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.RandomAccess);
        if (!_handle.CanSeek())
        {
            // A pipe or FIFO: a dump is read at many offsets, which a stream cannot give.
            _handle.Dispose();
            throw new DumpFormatException(path, null,
                "Illegal seek: a dump cannot be read from a pipe or FIFO; save it to a file first (a flattened stream: makedumpfile -R)");
        }
        Length = RandomAccess.GetLength(_handle);
        // /proc/vmcore reports its real size; character devices report 0.
    }

    public string Name { get; }
    public long Length { get; }

    public int Read(long offset, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = RandomAccess.Read(_handle, buffer[total..], offset + total);
            if (n <= 0)
                break;
            total += n;
        }
        return total;
    }

    public void Dispose() => _handle.Dispose();
}
