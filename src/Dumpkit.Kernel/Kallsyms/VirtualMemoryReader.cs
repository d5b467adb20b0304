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
                throw new KernelDataException($"cannot read {what} at 0x{at:x}", at);
            _pageAddress = page;
        }
        _position++;
        return _page[(int)(at - page)];
    }
}

/// <summary>
/// Reads a table of unknown length front to back into one growing buffer, 64 KiB at a time (a page
/// at a time near an unmapped page, so that a table ending just before one is still read); gives up
/// after <c>limit</c> bytes. <see cref="ToArray"/> gives the bytes consumed (and perhaps a few more). <c>expected</c>: a
/// length the table probably has, tried in one read first.
/// </summary>
internal sealed class ChunkReader(VirtualMemoryReader read, ulong start, long limit, string what, int expected = 0)
{
    private const int Page = 4096, Chunk = 64 << 10;
    private byte[] _buffer = new byte[Chunk];
    private int _filled, _position;

    public int Position => _position;

    public byte ReadByte()
    {
        Ensure(1);
        return _buffer[_position++];
    }

    /// <summary>The next <paramref name="length"/> bytes; the span is good until the next read.</summary>
    public ReadOnlySpan<byte> Read(int length)
    {
        Ensure(length);
        var span = _buffer.AsSpan(_position, length);
        _position += length;
        return span;
    }

    /// <summary>The bytes read so far (a copy only when the buffer is much longer than them).</summary>
    public byte[] ToArray() => _buffer.Length - _position <= _buffer.Length / 4 ? _buffer : _buffer.AsSpan(0, _position).ToArray();

    private void Ensure(int length)
    {
        if (_filled == 0 && expected > Chunk && expected <= limit)
        {
            var all = new byte[expected];
            if (read(start, all))
            {
                _buffer = all;
                _filled = expected;
            }
        }
        while (_filled - _position < length)
        {
            if (_filled >= limit)
                throw new KernelDataException($"{what} runs past {limit} bytes");
            ulong at = start + (ulong)_filled;
            int n = (int)Math.Min(Chunk - (int)(at & (Page - 1)), limit - _filled);
            if (_filled + n > _buffer.Length)
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _filled + n));
            if (read(at, _buffer.AsSpan(_filled, n)))
            {
                _filled += n;
                continue;
            }
            int page = (int)Math.Min(Page - (int)(at & (Page - 1)), limit - _filled);
            if (!read(at, _buffer.AsSpan(_filled, page)))
                throw new KernelDataException($"cannot read {what} at 0x{at:x}", at);
            _filled += page;
        }
    }
}
