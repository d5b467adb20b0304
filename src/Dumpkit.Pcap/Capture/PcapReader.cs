// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Pcap.Capture;

/// <summary>Reads classic libpcap files (micro- and nanosecond magic, either byte order); made by <see cref="PacketSource.OpenFile"/>.</summary>
public sealed class PcapReader : PacketSource
{
    private readonly ByteInput _in;
    private readonly bool _swap;
    /// <inheritdoc/>
    public override bool Swapped => _swap;
    private readonly bool _fileNano;
    private readonly byte[] _hdr = new byte[24];

    internal PcapReader(ByteInput input, uint magic, bool nano)
    {
        _in = input;
        Nano = nano;
        switch (magic)
        {
            case 0xA1B2C3D4: break;
            case 0xD4C3B2A1: _swap = true; break;
            case 0xA1B23C4D: _fileNano = true; break;
            case 0x4D3CB2A1: _swap = true; _fileNano = true; break;
            default: throw new CaptureException("unknown file format");
        }
        int got = _in.Read(_hdr.AsSpan(4, 20));
        if (got < 20)
            // as libpcap: the bytes after the magic number
            throw new CaptureException($"truncated dump file; tried to read {24} file header bytes, only got {got}");
        ushort major = U16(4);
        if (major < 2)
            throw new CaptureException("archaic pcap savefile format");
        if (major != 2 && major != 543)
            throw new CaptureException($"unsupported pcap savefile version {major}.{U16(6)}");
        SnapLen = (int)U32(16);
        uint lt = U32(20);
        LinkType = (int)(lt & 0x03FFFFFF);
        if (SnapLen <= 0 || SnapLen > SnapLength.Maximum) SnapLen = SnapLength.Maximum;
    }

    private ushort U16(int o) { var v = BinaryPrimitives.ReadUInt16LittleEndian(_hdr.AsSpan(o)); return _swap ? BinaryPrimitives.ReverseEndianness(v) : v; }
    private uint U32(int o) { var v = BinaryPrimitives.ReadUInt32LittleEndian(_hdr.AsSpan(o)); return _swap ? BinaryPrimitives.ReverseEndianness(v) : v; }

    /// <inheritdoc/>
    public override bool Next(ref PacketHeader h, ref byte[] buf)
    {
        int got = _in.Read(_hdr.AsSpan(0, 16));
        if (got == 0) return false;
        if (got < 16) throw new CaptureException($"truncated dump file; tried to read 16 header bytes, only got {got}");
        uint sec = U32(0), frac = U32(4), cap = U32(8), len = U32(12);
        if (cap > SnapLength.Maximum)
            throw new CaptureException($"invalid packet capture length {cap}, bigger than maximum of {SnapLength.Maximum}");
        if (buf.Length < cap) buf = new byte[cap];
        got = _in.Read(buf.AsSpan(0, (int)cap));
        if (got < cap) throw new CaptureException($"truncated dump file; tried to read {cap} captured bytes, only got {got}");
        h.Seconds = sec;
        if (_fileNano && !Nano) frac /= 1000;
        h.Fraction = !_fileNano && Nano ? (long)frac * 1000 : frac;
        if (cap > SnapLen) cap = (uint)SnapLen; // libpcap keeps only the file's snapshot length
        h.CapLen = (int)cap;
        h.Len = len;
        return true;
    }
}
