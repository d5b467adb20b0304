// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.IO.MemoryMappedFiles;

namespace Dumpkit.Formats.IO;

/// <summary>
/// A file read through one read-only memory mapping: no system call per page. For
/// /proc/vmcore this is the kernel's fast path (remap_pfn_range once instead of an ioremap per
/// read()). Reads past the end return short, as pread would.
/// </summary>
public sealed unsafe class MappedRandomAccess : IRandomAccess
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;

    private MappedRandomAccess(string path, MemoryMappedFile file, MemoryMappedViewAccessor view, long length)
    {
        Name = path;
        _file = file;
        _view = view;
        Length = length;
        byte* p = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _base = p + view.PointerOffset;
    }

    /// <summary>Map <paramref name="path"/>, or null when it cannot be mapped (empty, a pipe, no mmap support).</summary>
    public static MappedRandomAccess? TryOpen(string path)
    {
        long length;
        try
        {
            length = new FileInfo(path).Length;
        }
        catch (IOException) { return null; }
        if (length <= 0)
            return null;
        MemoryMappedFile? file = null;
        try
        {
            file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            return new MappedRandomAccess(path, file, view, length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            file?.Dispose();
            return null;
        }
    }

    public string Name { get; }
    public long Length { get; }

    public int Read(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= Length)
            return 0;
        int n = (int)Math.Min(buffer.Length, Length - offset);
        new ReadOnlySpan<byte>(_base + offset, n).CopyTo(buffer);
        return n;
    }

    private int _disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
