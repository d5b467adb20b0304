// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Pcap.Capture;

/// <summary>Reads pcapng: section headers, interface descriptions, enhanced/simple/obsolete packet blocks; others skipped.
/// Made by <see cref="PacketSource.OpenFile"/>.</summary>
public sealed class PcapngReader : PacketSource
{
    private readonly ByteInput _in;
    private bool _swap;
    /// <inheritdoc/>
    public override bool Swapped => _swap;
    private readonly List<Iface> _ifaces = [];
    private byte[] _block = new byte[65536];
    private bool _haveLinkType;

    private struct Iface
    {
        public int LinkType;
        public int SnapLen;
        public ulong UnitsPerSec;
        public long Offset;
    }

    internal PcapngReader(ByteInput input, bool nano)
    {
        _in = input;
        Nano = nano;
        ReadSectionHeader(first: true);
        // libpcap requires the first IDB before reporting the link type: read blocks until one arrives.
        while (!_haveLinkType)
        {
            if (!ReadBlock(out uint type, out int bodyLen, initial: true))
                throw new CaptureException("the capture file has no Interface Description Blocks");
            if (type == 1) AddInterface(bodyLen);
            else if (type is 3 or 6 or 2)
                throw new CaptureException("the capture file has a packet block before any Interface Description Blocks");
        }
    }

    private uint U32(ReadOnlySpan<byte> s) { var v = BinaryPrimitives.ReadUInt32LittleEndian(s); return _swap ? BinaryPrimitives.ReverseEndianness(v) : v; }
    private ushort U16(ReadOnlySpan<byte> s) { var v = BinaryPrimitives.ReadUInt16LittleEndian(s); return _swap ? BinaryPrimitives.ReverseEndianness(v) : v; }

    private void ReadSectionHeader(bool first)
    {
        Span<byte> h = stackalloc byte[8];
        int got = _in.Read(h);
        if (got < 8) throw new CaptureException($"truncated dump file; tried to read {12} file header bytes, only got {got + 4}");
        uint bom = BinaryPrimitives.ReadUInt32LittleEndian(h[4..]);
        if (bom == 0x1A2B3C4D) _swap = false;
        else if (bom == 0x4D3C2B1A) _swap = true;
        else throw new CaptureException("unknown file format");
        uint total = U32(h);
        if (total < 28 || total > 16 * 1024 * 1024)
            throw new CaptureException($"Section Header Block in pcapng dump file has invalid length {total} < 28");
        ReadSectionBody((int)total - 12, preRead: true);
        _ = first;
    }

    private void ReadSectionBody(int bodyLen, bool preRead)
    {
        var rest = new byte[bodyLen];
        int got = _in.Read(rest);
        if (got < bodyLen) throw new CaptureException("truncated dump file; section header block");
        ushort major = U16(rest);
        if (major != 1) throw new CaptureException($"unsupported pcapng savefile version {major}.{U16(rest.AsSpan(2))}");
        _ifaces.Clear();
    }

    /// <summary>Reads one block; the body (without type/length words and trailer) lands in _block.</summary>
    private bool ReadBlock(out uint type, out int bodyLen, bool initial = false)
    {
        type = 0; bodyLen = 0;
        Span<byte> h = stackalloc byte[8];
        int got = _in.Read(h);
        if (got == 0) return false;
        if (got < 8) throw new CaptureException($"truncated dump file; tried to read 8 header bytes, only got {got}");
        uint rawType = BinaryPrimitives.ReadUInt32LittleEndian(h);
        if (rawType == 0x0A0D0D0A)
        {
            Span<byte> l = stackalloc byte[4];
            if (_in.Read(l) < 4) throw new CaptureException("truncated dump file");
            uint bom = BinaryPrimitives.ReadUInt32LittleEndian(l);
            if (bom == 0x1A2B3C4D) _swap = false;
            else if (bom == 0x4D3C2B1A) _swap = true;
            else throw new CaptureException("unknown byte-order magic in pcapng section header");
            uint tl = U32(h[4..]);
            if (tl < 28 || (tl & 3) != 0 || tl > 16 * 1024 * 1024) throw new CaptureException($"block in pcapng dump file has a length of {tl} < 28");
            int rest = (int)tl - 12;
            EnsureBlock(rest);
            if (_in.Read(_block.AsSpan(0, rest)) < rest) throw new CaptureException("truncated dump file");
            _ifaces.Clear();
            type = 0x0A0D0D0A;
            bodyLen = -1;
            return true;
        }
        type = U32(h);
        uint total = U32(h[4..]);
        if (total < 12) throw new CaptureException($"block in pcapng dump file has a length of {total} < 12");
        if ((total & 3) != 0) throw new CaptureException($"block in pcapng dump file has a length of {total} that is not a multiple of 4");
        if (total > 16 * 1024 * 1024 + 12) throw new CaptureException($"pcapng block size {total} > maximum {16 * 1024 * 1024}");
        int body = (int)total - 12;
        EnsureBlock(body + 4);
        got = _in.Read(_block.AsSpan(0, body + 4));
        if (got < body + 4) throw new CaptureException($"truncated dump file; tried to read {total - 8} bytes, only got {got}");
        bodyLen = body;
        _ = initial;
        return true;
    }

    private void EnsureBlock(int n)
    {
        if (_block.Length < n) _block = new byte[Math.Max(n, _block.Length * 2)];
    }

    private void AddInterface(int bodyLen)
    {
        if (bodyLen < 8) throw new CaptureException("Interface Description Block in pcapng dump file has invalid length");
        var b = _block.AsSpan(0, bodyLen);
        var iface = new Iface { LinkType = U16(b), SnapLen = (int)U32(b[4..]), UnitsPerSec = 1000000 };
        int p = 8;
        while (p + 4 <= bodyLen)
        {
            ushort code = U16(b[p..]);
            ushort olen = U16(b[(p + 2)..]);
            p += 4;
            if (code == 0) break;
            if (p + olen > bodyLen) throw new CaptureException("option in pcapng block goes past the end of the block");
            if (code == 9 && olen == 1)
            {
                byte r = b[p];
                if ((r & 0x80) != 0)
                {
                    int sh = r & 0x7f;
                    if (sh > 63) throw new CaptureException($"Interface Description Block if_tsresol option resolution 2^-{sh} is too high");
                    iface.UnitsPerSec = 1UL << sh;
                }
                else
                {
                    if (r > 19) throw new CaptureException($"Interface Description Block if_tsresol option resolution 10^-{r} is too high");
                    ulong u = 1; for (int i = 0; i < r; i++) u *= 10;
                    iface.UnitsPerSec = u;
                }
            }
            else if (code == 14 && olen == 8)
            {
                ulong off = BinaryPrimitives.ReadUInt64LittleEndian(b[p..]);
                if (_swap) off = BinaryPrimitives.ReverseEndianness(off);
                iface.Offset = (long)off;
            }
            p += (olen + 3) & ~3;
        }
        if (!_haveLinkType)
        {
            LinkType = iface.LinkType;
            SnapLen = iface.SnapLen;
            if (SnapLen <= 0 || SnapLen > SnapLength.Maximum) SnapLen = SnapLength.Maximum;
            _haveLinkType = true;
        }
        else if (iface.LinkType != LinkType)
        {
            throw new CaptureException($"an interface has a type {iface.LinkType} different from the type of the first interface");
        }
        _ifaces.Add(iface);
    }

    /// <inheritdoc/>
    public override bool Next(ref PacketHeader h, ref byte[] buf)
    {
        while (true)
        {
            if (!ReadBlock(out uint type, out int bodyLen)) return false;
            if (bodyLen < 0) continue; // new section
            var b = _block.AsSpan(0, bodyLen);
            switch (type)
            {
                case 1:
                    AddInterface(bodyLen);
                    continue;
                case 6: // enhanced packet
                case 2: // obsolete packet
                {
                    if (bodyLen < 20) throw new CaptureException("block in pcapng dump file is too short");
                    uint ifid = type == 6 ? U32(b) : U16(b);
                    ulong ts = (ulong)U32(b[4..]) << 32 | U32(b[8..]);
                    uint cap = U32(b[12..]);
                    uint len = U32(b[16..]);
                    if (ifid >= _ifaces.Count)
                        throw new CaptureException($"a packet arrived on interface {ifid}, but there's no Interface Description Block for that interface");
                    if (cap > bodyLen - 20)
                        throw new CaptureException($"block in pcapng dump file has a length of {bodyLen + 12} < {cap + 32}");
                    var ifc = _ifaces[(int)ifid];
                    int c = (int)cap;
                    if (c > SnapLength.Maximum) c = SnapLength.Maximum;
                    if (buf.Length < c) buf = new byte[c];
                    b.Slice(20, c).CopyTo(buf);
                    SetTime(ref h, ifc, ts);
                    h.CapLen = c;
                    h.Len = len;
                    return true;
                }
                case 3: // simple packet
                {
                    if (_ifaces.Count == 0)
                        throw new CaptureException("a packet arrived on interface 0, but there's no Interface Description Block for that interface");
                    if (bodyLen < 4) throw new CaptureException("block in pcapng dump file is too short");
                    uint len = U32(b);
                    var ifc = _ifaces[0];
                    long cap = len;
                    if (ifc.SnapLen > 0 && cap > ifc.SnapLen) cap = ifc.SnapLen;
                    if (cap > bodyLen - 4) cap = bodyLen - 4;
                    if (cap > SnapLength.Maximum) cap = SnapLength.Maximum;
                    if (buf.Length < cap) buf = new byte[cap];
                    b.Slice(4, (int)cap).CopyTo(buf);
                    h.Seconds = 0; h.Fraction = 0;
                    h.CapLen = (int)cap;
                    h.Len = len;
                    return true;
                }
                default:
                    continue;
            }
        }
    }

    private void SetTime(ref PacketHeader h, Iface ifc, ulong ts)
    {
        ulong ups = ifc.UnitsPerSec;
        ulong sec = ts / ups;
        ulong frac = ts % ups;
        ulong want = Nano ? 1000000000UL : 1000000UL;
        if (ups != want)
        {
            if (ups > want)
            {
                frac = (ulong)((UInt128)frac * want / ups);
            }
            else
            {
                frac = (ulong)((UInt128)frac * want / ups);
            }
        }
        h.Seconds = (long)sec + ifc.Offset;
        h.Fraction = (long)frac;
    }
}
