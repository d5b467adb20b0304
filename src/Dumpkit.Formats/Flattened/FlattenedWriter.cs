// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats.IO;

namespace Dumpkit.Formats.Flattened;

/// <summary>
/// Writes a dump as a flattened stream (<c>-F</c>): every positional write becomes one record,
/// in the order written, so the stream can go through a pipe; <c>-R</c> rebuilds the file.
/// </summary>
public sealed class FlattenedWriter : IDumpSink
{
    private readonly Stream _out;
    private readonly bool _leaveOpen;
    private readonly byte[] _recordHeader = new byte[FlattenedFormat.RecordHeaderSize];

    public FlattenedWriter(Stream output, string name, bool leaveOpen = false)
    {
        _out = output;
        _leaveOpen = leaveOpen;
        Name = name;
        var head = new byte[FlattenedFormat.HeaderBlockSize];
        FlattenedFormat.WriteHeader(head);
        _out.Write(head);
    }

    public string Name { get; }
    public bool IsStream => true;

    public long Remaining(long offset) => long.MaxValue;

    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
            return;
        FlattenedFormat.WriteRecordHeader(_recordHeader, offset, data.Length);
        _out.Write(_recordHeader);
        _out.Write(data);
    }

    public void Flush() => _out.Flush();

    public void Complete()
    {
        FlattenedFormat.WriteEndMarker(_recordHeader);
        _out.Write(_recordHeader);
        _out.Flush();
    }

    public void Dispose()
    {
        if (!_leaveOpen)
            _out.Dispose();
    }
}

/// <summary><c>makedumpfile -R</c>: replay a flattened stream (read sequentially, e.g. stdin) into a file.</summary>
public static class FlattenedRearranger
{
    /// <summary>Copies every record to its offset; fails if the stream is malformed or has no end marker.</summary>
    public static void Rearrange(Stream input, string inputName, IDumpSink output)
    {
        var head = new byte[FlattenedFormat.HeaderBlockSize];
        long pos = 0;
        ReadFully(input, head, inputName, ref pos, "the flattened header");
        if (!FlattenedFormat.HasSignature(head))
            throw new DumpFormatException(inputName, 0, "not a flattened dump (no makedumpfile signature)");
        long type = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(head.AsSpan(16));
        if (type != FlattenedFormat.TypeFlatHeader)
            throw new DumpFormatException(inputName, 16, $"flattened header type {type}, expected 1");
        var rh = new byte[FlattenedFormat.RecordHeaderSize];
        var buffer = new byte[1 << 20];
        while (true)
        {
            long at = pos;
            int got = ReadSome(input, rh);
            if (got == 0)
                throw new DumpFormatException(inputName, at, "flattened stream has no end marker (incomplete transfer?)");
            pos += got;
            if (got < rh.Length)
                ReadFully(input, rh.AsSpan(got), inputName, ref pos, "a record header");
            long offset = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(rh);
            long size = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(rh.AsSpan(8));
            if (offset == -1 && size == -1)
                break;
            if (offset < 0 || size < 0 || offset > long.MaxValue - size)
                throw new DumpFormatException(inputName, at, $"invalid record (offset 0x{offset:x}, size 0x{size:x})");
            while (size > 0)
            {
                int n = (int)Math.Min(size, buffer.Length);
                ReadFully(input, buffer.AsSpan(0, n), inputName, ref pos, "a record");
                output.Write(offset, buffer.AsSpan(0, n));
                offset += n;
                size -= n;
            }
        }
        output.Flush();
        output.Complete();
    }

    private static int ReadSome(Stream s, Span<byte> b)
    {
        int total = 0;
        while (total < b.Length)
        {
            int n = s.Read(b[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private static void ReadFully(Stream s, Span<byte> b, string name, ref long pos, string what)
    {
        int n = ReadSome(s, b);
        if (n != b.Length)
            throw new DumpFormatException(name, pos + n, $"stream ends inside {what}");
        pos += n;
    }
}
