// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Pcap.Capture;

/// <summary>One packet's record header; the time stamp is in the precision the source was opened with.</summary>
public struct PacketHeader
{
    /// <summary>Time stamp: seconds since the Unix epoch.</summary>
    public long Seconds;
    /// <summary>Time stamp: the fraction of the second, in microseconds or nanoseconds (see <see cref="PacketSource.Nano"/>).</summary>
    public long Fraction;
    /// <summary>Bytes captured (at most the source's snap length).</summary>
    public int CapLen;
    /// <summary>The packet's length on the wire.</summary>
    public uint Len;
}

/// <summary>A capture-file format error; the message is libpcap's wording.</summary>
public sealed class CaptureException(string message) : Exception(message);

/// <summary>
/// A source of packets: a pcap or pcapng file (<see cref="OpenFile"/>) or a live socket
/// (<see cref="AfPacketSource"/>). Read it with <see cref="Next"/> until that returns false.
/// </summary>
public abstract class PacketSource : IDisposable
{
    /// <summary>The LINKTYPE_ value of the packets (see <see cref="LinkTypes"/>).</summary>
    public int LinkType { get; protected set; }
    /// <summary>The snapshot length: no packet has more captured bytes.</summary>
    public int SnapLen { get; protected set; }
    /// <summary>True when time stamps are delivered in nanoseconds.</summary>
    public bool Nano { get; protected init; }
    /// <summary>True when the file was written in the other byte order (libpcap's p->swapped).</summary>
    public virtual bool Swapped => false;

    /// <summary>Reads the next packet into buf (which holds at least <see cref="SnapLength.Maximum"/> bytes). Returns false at the end.</summary>
    public abstract bool Next(ref PacketHeader h, ref byte[] buf);

    /// <summary>Releases the source (a live socket and its ring; a file source does not own its stream).</summary>
    public virtual void Dispose() { }


    /// <summary>
    /// Opens a pcap or pcapng file (told apart by the first four bytes) on <paramref name="s"/>; time stamps
    /// are delivered in nanoseconds when <paramref name="nano"/> is true, else in microseconds. Throws
    /// <see cref="CaptureException"/> with libpcap's message when the file header is wrong or truncated.
    /// </summary>
    public static PacketSource OpenFile(Stream s, bool nano)
    {
        var r = new ByteInput(s);
        Span<byte> magic = stackalloc byte[4];
        int got = r.Read(magic);
        if (got < 4)
        {
            if (got == 0) throw new CaptureException("truncated dump file; tried to read 4 file header bytes, only got 0");
            throw new CaptureException($"truncated dump file; tried to read 4 file header bytes, only got {got}");
        }
        uint m = (uint)(magic[0] | magic[1] << 8 | magic[2] << 16 | magic[3] << 24);
        if (m == 0x0A0D0D0A) return new PcapngReader(r, nano);
        return new PcapReader(r, m, nano);
    }
}

/// <summary>Buffered byte input over a stream (file or pipe) with exact-size reads.</summary>
internal sealed class ByteInput(Stream s)
{
    private readonly byte[] _buf = new byte[1 << 20];
    private int _pos, _end;

    public int Read(Span<byte> dst)
    {
        int total = 0;
        while (total < dst.Length)
        {
            if (_pos == _end)
            {
                if (dst.Length - total >= _buf.Length)
                {
                    int n = s.Read(dst[total..]);
                    if (n <= 0) break;
                    total += n;
                    continue;
                }
                _pos = 0;
                _end = s.Read(_buf, 0, _buf.Length);
                if (_end <= 0) { _end = 0; break; }
            }
            int c = Math.Min(_end - _pos, dst.Length - total);
            _buf.AsSpan(_pos, c).CopyTo(dst[total..]);
            _pos += c;
            total += c;
        }
        return total;
    }

    public long Skip(long n)
    {
        long skipped = 0;
        Span<byte> tmp = stackalloc byte[4096];
        while (skipped < n)
        {
            int want = (int)Math.Min(tmp.Length, n - skipped);
            int got = Read(tmp[..want]);
            if (got == 0) break;
            skipped += got;
        }
        return skipped;
    }
}
