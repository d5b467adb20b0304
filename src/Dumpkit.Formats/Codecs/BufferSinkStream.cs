// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Formats.Codecs;

/// <summary>
/// A write-only stream over a caller-owned buffer, reused across pages. Writing past the end
/// does not throw: it marks the stream as overflowed so the caller stores the page raw.
/// </summary>
internal sealed class BufferSinkStream : Stream
{
    private byte[] _buffer = [];
    private int _start;
    private int _limit;
    private int _length;

    public bool Overflowed { get; private set; }
    public int Written => _length;

    /// <summary>Write into <paramref name="buffer"/> from <paramref name="start"/>, at most <paramref name="limit"/> bytes.</summary>
    public void Reset(byte[] buffer, int start, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, buffer.Length - start);
        _buffer = buffer;
        _start = start;
        _limit = limit;
        _length = 0;
        Overflowed = false;
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (Overflowed)
            return;
        if (buffer.Length > _limit - _length)
        {
            Overflowed = true;
            return;
        }
        buffer.CopyTo(_buffer.AsSpan(_start + _length));
        _length += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public override void WriteByte(byte value) => Write([value]);
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _length;
    public override long Position { get => _length; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
