// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats.Codecs;

namespace Dumpkit.Formats.Diskdump;

/// <summary>What to put in the headers of a kdump-compressed file, and how to store pages.</summary>
public sealed class DiskdumpWriterOptions
{
    /// <summary>utsname, timestamp and nr_cpus; the writer fills in the layout fields and status.</summary>
    public required DiskdumpHeader Header { get; init; }
    public ulong PhysBase { get; init; }
    public int DumpLevel { get; init; }
    /// <summary>The PT_NOTE payload of the input, copied whole.</summary>
    public byte[] Notes { get; init; } = [];
    /// <summary>Where the VMCOREINFO text sits inside <see cref="Notes"/> (-1 when absent).</summary>
    public int VmcoreinfoOffset { get; init; } = -1;
    public int VmcoreinfoSize { get; init; }
    public PageCodec Codec { get; init; }
    /// <summary>Header status bits besides the codec's and the incomplete mark (<see cref="DiskdumpFlags.ExcludedVmemmap"/>).</summary>
    public uint ExtraStatus { get; init; }
    /// <summary>Dump level bit 1: zero pages point at one shared zero block.</summary>
    public bool ExcludeZero { get; init; }
    /// <summary>Compression threads (1 = everything on the calling thread).</summary>
    public int Threads { get; init; } = 1;
    /// <summary>Called now and then with (pages done, pages total).</summary>
    public Action<ulong, ulong>? Progress { get; init; }
    /// <summary>
    /// One file of a <c>--split</c> set: only the pages of [SplitStart, SplitEnd) are written
    /// (the bitmaps stay whole, as in every part of a split set); null for a normal dump.
    /// </summary>
    public (ulong Start, ulong End)? Split { get; init; }
    /// <summary>
    /// makedumpfile's erase information (the <c>erase EXPR size N</c> lines of what <c>--config</c> erased), asked for once the
    /// pages are written and stored after them, its place in the sub header's offset_eraseinfo/size_eraseinfo; null or empty: none.
    /// </summary>
    public Func<byte[]>? Eraseinfo { get; init; }
    /// <summary>Frames per cycle: the bitmap memory is two windows of this many bits.</summary>
    public ulong CycleFrames { get; init; } = DiskdumpWriter.DefaultCycleFrames;
}
