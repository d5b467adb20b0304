// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Pcap.Capture;

/// <summary>Writes classic pcap as libpcap does: host (little-endian) byte order, version 2.4, µs or ns magic.</summary>
public sealed class PcapWriter : PacketWriter
{
    private readonly byte[] _rec = new byte[16];

    /// <summary>Writes the 24-byte file header for packets of <paramref name="linkType"/> to <paramref name="s"/>, which the writer then owns.</summary>
    public PcapWriter(Stream s, int linkType, int snapLen, bool nano) : base(s)
    {
        Span<byte> h = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(h, nano ? 0xA1B23C4Du : 0xA1B2C3D4u);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], (uint)snapLen);
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], (uint)linkType);
        Stream.Write(h);
        BytesWritten = 24;
    }

    /// <inheritdoc/>
    public override void Write(in PacketHeader h, ReadOnlySpan<byte> data)
    {
        var r = _rec.AsSpan(0, 16);
        BinaryPrimitives.WriteUInt32LittleEndian(r, (uint)h.Seconds);
        BinaryPrimitives.WriteUInt32LittleEndian(r[4..], (uint)h.Fraction);
        BinaryPrimitives.WriteUInt32LittleEndian(r[8..], (uint)h.CapLen);
        BinaryPrimitives.WriteUInt32LittleEndian(r[12..], h.Len);
        Stream.Write(r);
        Stream.Write(data[..h.CapLen]);
        BytesWritten += 16 + h.CapLen;
    }
}
