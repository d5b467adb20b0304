// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats.Diskdump;
using Dumpkit.Formats.Elf;
using Dumpkit.Formats.Flattened;
using Dumpkit.Formats.IO;

namespace Dumpkit.Formats;

/// <summary>Detects a dump's format by content and opens the matching reader.</summary>
internal static class DumpOpener
{
    public static DumpReader Open(IReadOnlyList<string> paths, bool mmap = true, IReadOnlyList<PhysicalRange>? leaveOut = null)
    {
        var sources = new List<IRandomAccess>();
        try
        {
            foreach (var path in paths)
                sources.Add(Unwrap(OpenFile(path, mmap)));
            return Open(sources, leaveOut);
        }
        catch
        {
            foreach (var s in sources) s.Dispose();
            throw;
        }
    }

    private static IRandomAccess OpenFile(string path, bool mmap)
    {
        try
        {
            // /proc/vmcore through one mapping, as makedumpfile reads it: the kernel then maps the
            // old memory once instead of per read(). Regular files are read with pread, which
            // costs less than a page fault per 4 KiB of a mapping (bench/README.md). Mapping
            // failures fall back to pread.
            if (mmap && path.StartsWith("/proc/", StringComparison.Ordinal) && MappedRandomAccess.TryOpen(path) is { } mapped)
                return mapped;
            return new FileRandomAccess(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw FileOpenException.From(e, path, forWriting: false);
        }
    }

    /// <summary>A flattened stream is read as the file it describes.</summary>
    public static IRandomAccess Unwrap(IRandomAccess source)
    {
        Span<byte> head = stackalloc byte[16];
        int n = source.Read(0, head);
        if (FlattenedFormat.HasSignature(head[..n]))
            return new FlattenedReader(source);
        return source;
    }

    public static DumpReader Open(IReadOnlyList<IRandomAccess> sources, IReadOnlyList<PhysicalRange>? leaveOut = null)
    {
        Span<byte> head = stackalloc byte[8];
        var first = sources[0];
        int n = first.Read(0, head);
        if (n < 4)
            throw new DumpFormatException(first.Name, 0, n == 0 ? "empty file" : "file too short to be a dump");
        if (ElfHeader.HasMagic(head))
        {
            if (sources.Count > 1)
                throw new DumpFormatException(sources[1].Name, null, "only kdump-compressed files can be opened as a split set");
            return new ElfDumpReader(first, leaveOut: leaveOut);
        }
        if (DiskdumpHeader.HasSignature(head[..n]))
            return new DiskdumpReader(sources);
        throw new DumpFormatException(first.Name, 0, "unknown dump format (not ELF, kdump-compressed or flattened)");
    }
}
