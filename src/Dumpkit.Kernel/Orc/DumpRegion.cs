// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Kallsyms;

namespace Dumpkit.Kernel.Orc;

/// <summary>
/// A table read in place from the dump's memory, a page at a time when a lookup touches it; at most
/// <see cref="MaxPages"/> pages are kept (then the cache starts over). An unreadable page is a
/// <see cref="KernelDataException"/> naming the table.
/// </summary>
internal sealed class DumpRegion(VirtualMemoryReader read, ulong start, long length, string what)
{
    private const int Page = 4096;
    public const int MaxPages = 256;
    private readonly Dictionary<ulong, byte[]> _pages = [];

    public long Length => length;

    /// <summary>Fills <paramref name="into"/> from offset <paramref name="offset"/> of the region.</summary>
    public void Read(long offset, Span<byte> into)
    {
        if (offset < 0 || offset + into.Length > length)
            throw new KernelDataException($"{what}: offset {offset} is outside its {length} bytes");
        ulong at = start + (ulong)offset;
        while (!into.IsEmpty)
        {
            ulong page = at & ~(ulong)(Page - 1);
            int inPage = (int)(at - page), n = Math.Min(into.Length, Page - inPage);
            PageAt(page, at).AsSpan(inPage, n).CopyTo(into);
            into = into[n..];
            at += (ulong)n;
        }
    }

    private byte[] PageAt(ulong page, ulong at)
    {
        if (_pages.TryGetValue(page, out var bytes))
            return bytes;
        bytes = new byte[Page];
        if (!read(page, bytes))
        {
            // The region need not fill its first and last pages: read only its own bytes there.
            ulong from = Math.Max(page, start), to = Math.Min(page + Page, start + (ulong)length);
            if (!read(from, bytes.AsSpan((int)(from - page), (int)(to - from))))
                throw new KernelDataException($"cannot read the {what} at {at:x}");
        }
        if (_pages.Count >= MaxPages)
            _pages.Clear();
        _pages[page] = bytes;
        return bytes;
    }
}
