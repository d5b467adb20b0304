using System.Buffers.Binary;

namespace Dumpkit.Pcap.Capture;

/// <summary>Writes classic pcap (host byte order, as libpcap does) or, on request, pcapng.</summary>
public sealed class PcapWriter : IDisposable
{
    private readonly Stream _s;
    private readonly bool _nano;
    private readonly bool _ng;
    private readonly byte[] _rec = new byte[32];
    /// <summary>Bytes written so far, headers included (what -C compares with its limit).</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Writes the file header(s) for packets of <paramref name="linkType"/> to <paramref name="s"/>, which the writer then owns.</summary>
    public PcapWriter(Stream s, int linkType, int snapLen, bool nano, bool pcapng)
    {
        _s = s;
        _nano = nano;
        _ng = pcapng;
        if (!pcapng)
        {
            Span<byte> h = stackalloc byte[24];
            BinaryPrimitives.WriteUInt32LittleEndian(h, nano ? 0xA1B23C4Du : 0xA1B2C3D4u);
            BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 2);
            BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 4);
            BinaryPrimitives.WriteUInt32LittleEndian(h[8..], 0);
            BinaryPrimitives.WriteUInt32LittleEndian(h[12..], 0);
            BinaryPrimitives.WriteUInt32LittleEndian(h[16..], (uint)snapLen);
            BinaryPrimitives.WriteUInt32LittleEndian(h[20..], (uint)linkType);
            _s.Write(h);
            BytesWritten = 24;
        }
        else
        {
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
            _s.Write(h);
            BytesWritten = h.Length;
        }
    }

    /// <summary>Appends one packet: its header and <see cref="PacketHeader.CapLen"/> bytes of <paramref name="data"/>.</summary>
    public void Write(in PacketHeader h, ReadOnlySpan<byte> data)
    {
        if (!_ng)
        {
            var r = _rec.AsSpan(0, 16);
            BinaryPrimitives.WriteUInt32LittleEndian(r, (uint)h.Seconds);
            BinaryPrimitives.WriteUInt32LittleEndian(r[4..], (uint)h.Fraction);
            BinaryPrimitives.WriteUInt32LittleEndian(r[8..], (uint)h.CapLen);
            BinaryPrimitives.WriteUInt32LittleEndian(r[12..], h.Len);
            _s.Write(r);
            _s.Write(data[..h.CapLen]);
            BytesWritten += 16 + h.CapLen;
        }
        else
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
            _s.Write(r);
            _s.Write(data[..h.CapLen]);
            Span<byte> tail = stackalloc byte[8];
            tail.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(tail[pad..], total);
            _s.Write(tail[..(pad + 4)]);
            BytesWritten += total;
        }
    }

    /// <summary>Flushes the stream.</summary>
    public void Flush() => _s.Flush();

    /// <summary>Flushes and closes the stream.</summary>
    public void Dispose()
    {
        _s.Flush();
        _s.Dispose();
    }
}
