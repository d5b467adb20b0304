// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Formats.Diskdump;

/// <summary>Bits of <c>disk_dump_header.status</c> and <c>page_desc.flags</c> (diskdump_mod.h).</summary>
public static class DiskdumpFlags
{
    public const uint CompressedZlib = 0x1;
    public const uint CompressedLzo = 0x2;
    public const uint CompressedSnappy = 0x4;
    public const uint Incomplete = 0x8;
    public const uint ExcludedVmemmap = 0x10;
    public const uint CompressedZstd = 0x20;
}
