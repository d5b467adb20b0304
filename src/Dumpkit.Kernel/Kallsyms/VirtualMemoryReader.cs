// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kernel.Kallsyms;

/// <summary>
/// Reads the crashed kernel's virtual memory: true when every byte of <paramref name="buffer"/> was
/// read. <see cref="KernelMemory.TryReadVirtual"/> is one; tests pass a memory image of their own.
/// </summary>
public delegate bool VirtualMemoryReader(ulong address, Span<byte> buffer);

/// <summary>
/// Reads a table of unknown length front to back, a page at a time, so that a table ending just
/// before an unmapped page is still read; gives up after <c>limit</c> bytes.
/// </summary>
internal sealed class SequentialReader(VirtualMemoryReader read, ulong start, long limit, string what)
{
    private const int Page = 4096;
    private readonly byte[] _page = new byte[Page];
    private ulong _pageAddress = ulong.MaxValue;
    private long _position;

    public long Position => _position;

    public byte ReadByte()
    {
        if (_position >= limit)
            throw new KernelDataException($"{what} runs past {limit} bytes");
        ulong at = start + (ulong)_position;
        ulong page = at & ~(ulong)(Page - 1);
        if (page != _pageAddress)
        {
            if (!read(page, _page))
                throw new KernelDataException($"cannot read {what} at 0x{at:x}");
            _pageAddress = page;
        }
        _position++;
        return _page[(int)(at - page)];
    }
}
