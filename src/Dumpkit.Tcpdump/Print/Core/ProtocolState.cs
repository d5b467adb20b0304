// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

// The state printers keep from one packet to the next, one class per protocol; the print context
// holds one of each for the capture (tcpdump keeps these in its netdissect_options and in statics).

/// <summary>Per-capture TCP conversation state for relative sequence numbers.</summary>
internal sealed class TcpState
{
    public readonly record struct Key(UInt128 Src, UInt128 Dst, uint Port);
    public readonly Dictionary<Key, (uint Seq, uint Ack)> Seqs = [];
}

/// <summary>Compressed-SLIP state kept across packets (last connection, last payload length per direction).</summary>
internal sealed class SlipState
{
    public int LastConn = 255;
    public readonly uint[] LastLen = new uint[512];
}
