// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Pcap.Capture;

/// <summary>
/// Writes pcapng as tcpdump --pcapng does: one section header block, one interface description block
/// (with if_tsresol: µs or ns), then an enhanced packet block per packet; little-endian.
/// </summary>
public sealed class PcapngWriter : PacketWriter
{
    private readonly bool _nano;
    private readonly byte[] _rec = new byte[28];

    /// <summary>Writes the section header and interface description blocks for packets of <paramref name="linkType"/>
    /// to <paramref name="s"/>, which the writer then owns.</summary>
    public PcapngWriter(Stream s, int linkType, int snapLen, bool nano) : base(s)
    {
        _nano = nano;
        // Section header block (28 bytes) + interface description block with if_tsresol (32 bytes)
        Span<byte> h = stackalloc byte[28 + 32];
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0x0A0D0D0A);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], 28);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], 0x1A2B3C4D);
        BinaryPrimitives.WriteUInt16LittleEndian(h[12..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(h[14..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(h[16..], -1);
        BinaryPrimitives.WriteUInt32LittleEndian(h[24..], 28);
        var i = h[28..];
        BinaryPrimitives.WriteUInt32LittleEndian(i, 1);
        BinaryPrimitives.WriteUInt32LittleEndian(i[4..], 32);
        BinaryPrimitives.WriteUInt16LittleEndian(i[8..], (ushort)linkType);
        BinaryPrimitives.WriteUInt16LittleEndian(i[10..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(i[12..], (uint)snapLen);
        BinaryPrimitives.WriteUInt16LittleEndian(i[16..], 9);
        BinaryPrimitives.WriteUInt16LittleEndian(i[18..], 1);
        i[20] = (byte)(nano ? 9 : 6); i[21] = 0; i[22] = 0; i[23] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(i[24..], 0); // opt_endofopt
        BinaryPrimitives.WriteUInt32LittleEndian(i[28..], 32);
        Stream.Write(h);
        BytesWritten = h.Length;
    }

    /// <inheritdoc/>
    public override void Write(in PacketHeader h, ReadOnlySpan<byte> data)
    {
        int pad = (4 - (h.CapLen & 3)) & 3;
        uint total = (uint)(32 + h.CapLen + pad);
        ulong ts = (ulong)h.Seconds * (_nano ? 1000000000UL : 1000000UL) + (ulong)h.Fraction;
        var r = _rec.AsSpan(0, 28);
        BinaryPrimitives.WriteUInt32LittleEndian(r, 6);
        BinaryPrimitives.WriteUInt32LittleEndian(r[4..], total);
        BinaryPrimitives.WriteUInt32LittleEndian(r[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(r[12..], (uint)(ts >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(r[16..], (uint)ts);
        BinaryPrimitives.WriteUInt32LittleEndian(r[20..], (uint)h.CapLen);
        BinaryPrimitives.WriteUInt32LittleEndian(r[24..], h.Len);
        Stream.Write(r);
        Stream.Write(data[..h.CapLen]);
        Span<byte> tail = stackalloc byte[8];
        tail.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(tail[pad..], total);
        Stream.Write(tail[..(pad + 4)]);
        BytesWritten += total;
    }
}
