// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Pcap.Capture;

/// <summary>Snapshot lengths: how many bytes of a packet are kept.</summary>
public static class SnapLength
{
    /// <summary>
    /// The largest snapshot length (libpcap's MAXIMUM_SNAPLEN, 256 KiB): the default for captures and
    /// filters, the largest captured length a file record may have, the size of a packet buffer.
    /// </summary>
    public const int Maximum = 262144;
}
