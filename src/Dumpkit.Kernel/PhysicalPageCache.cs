// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats;

namespace Dumpkit.Kernel;

/// <summary>
/// The dump's pages that small reads touched, kept whole: a read inside one page (a pointer, a
/// page-table entry, a field) costs one page read (and, in a compressed dump, one decompression)
/// per page rather than per read. Bounded (<see cref="Slots"/> pages, direct-mapped by frame number);
/// reads of a page or more go straight to the dump. Thread safe: a slot holds an immutable entry.
/// </summary>
internal sealed class PhysicalPageCache(DumpReader dump)
{
    public const int Slots = 512;

    private sealed class Entry(ulong pfn, byte[] data)
    {
        public readonly ulong Pfn = pfn;
        public readonly byte[] Data = data;
    }

    private readonly Entry?[] _slots = new Entry?[Slots];

    public DumpReader Dump => dump;

    /// <summary><see cref="PhysicalMemory.TryRead"/> through the cache.</summary>
    public bool TryRead(ulong paddr, Span<byte> buffer)
    {
        int shift = dump.PageShift, size = dump.PageSize;
        int inPage = (int)(paddr & (ulong)(size - 1));
        if (buffer.Length >= size || inPage + buffer.Length > size)
            return PhysicalMemory.TryRead(dump, paddr, buffer);
        ulong pfn = paddr >> shift;
        ref var slot = ref _slots[(int)(pfn % Slots)];
        var e = Volatile.Read(ref slot);
        if (e is null || e.Pfn != pfn)
        {
            var data = new byte[size];
            // A page the dump holds only in part (an ELF segment ending inside it) is read as asked.
            if (!PhysicalMemory.TryRead(dump, pfn << shift, data))
                return PhysicalMemory.TryRead(dump, paddr, buffer);
            e = new Entry(pfn, data);
            Volatile.Write(ref slot, e);
        }
        e.Data.AsSpan(inPage, buffer.Length).CopyTo(buffer);
        return true;
    }
}
