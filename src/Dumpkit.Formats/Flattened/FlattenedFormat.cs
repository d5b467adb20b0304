// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Formats.Flattened;

/// <summary>
/// The flattened format (<c>makedumpfile -F</c>): a 4096-byte header block holding
/// "makedumpfile" and big-endian type 1 / version 1, then records of (big-endian offset, size,
/// payload) to be placed at that offset of the real file, and an end marker of 16 bytes 0xff.
/// </summary>
public static class FlattenedFormat
{
    public const int HeaderBlockSize = 4096;
    public const int RecordHeaderSize = 16;
    public const long TypeFlatHeader = 1;
    public const long Version = 1;

    public static ReadOnlySpan<byte> Signature => "makedumpfile"u8;

    public static bool HasSignature(ReadOnlySpan<byte> b) =>
        b.Length >= 16 && b[..12].SequenceEqual(Signature) && b.Slice(12, 4).IndexOfAnyExcept((byte)0) < 0;

    public static void WriteHeader(Span<byte> block)
    {
        block[..HeaderBlockSize].Clear();
        Signature.CopyTo(block);
        BinaryPrimitives.WriteInt64BigEndian(block[16..], TypeFlatHeader);
        BinaryPrimitives.WriteInt64BigEndian(block[24..], Version);
    }

    public static void WriteRecordHeader(Span<byte> b, long offset, long size)
    {
        BinaryPrimitives.WriteInt64BigEndian(b, offset);
        BinaryPrimitives.WriteInt64BigEndian(b[8..], size);
    }

    public static void WriteEndMarker(Span<byte> b) => b[..RecordHeaderSize].Fill(0xff);
}
