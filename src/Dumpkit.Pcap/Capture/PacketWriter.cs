// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Pcap.Capture;

/// <summary>
/// A capture file being written: <see cref="PcapWriter"/> (classic pcap) or <see cref="PcapngWriter"/>,
/// the counterparts of <see cref="PcapReader"/> and <see cref="PcapngReader"/>. The file header is
/// written when the writer is made; <see cref="Write"/> appends one packet.
/// </summary>
public abstract class PacketWriter : IDisposable
{
    private readonly Stream _s;

    private protected PacketWriter(Stream s) => _s = s;

    /// <summary>The stream written to (owned by the writer).</summary>
    private protected Stream Stream => _s;

    /// <summary>Bytes written so far, headers included (what tcpdump's -C compares with its limit).</summary>
    public long BytesWritten { get; private protected set; }

    /// <summary>
    /// Makes a pcap or (with <paramref name="pcapng"/>) pcapng writer for packets of <paramref name="linkType"/>
    /// on <paramref name="s"/>, with time stamps in nanoseconds when <paramref name="nano"/> is true.
    /// </summary>
    public static PacketWriter Create(Stream s, int linkType, int snapLen, bool nano, bool pcapng) =>
        pcapng ? new PcapngWriter(s, linkType, snapLen, nano) : new PcapWriter(s, linkType, snapLen, nano);

    /// <summary>Appends one packet: its record header and <see cref="PacketHeader.CapLen"/> bytes of <paramref name="data"/>.</summary>
    public abstract void Write(in PacketHeader h, ReadOnlySpan<byte> data);

    /// <summary>Flushes the stream.</summary>
    public void Flush() => _s.Flush();

    /// <summary>Flushes and closes the stream.</summary>
    public void Dispose()
    {
        // the stream is closed even when its last bytes cannot be written (a full disk)
        try { _s.Flush(); }
        finally { _s.Dispose(); }
    }
}
