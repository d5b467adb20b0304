// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Formats.Elf;

/// <summary>How to write an ELF vmcore.</summary>
public sealed class ElfDumpWriterOptions
{
    /// <summary>Dump level bit 1: zero pages are dropped from the kept set before the segments are cut.</summary>
    public bool ExcludeZero { get; init; }
    /// <summary>Threads reading (and zero testing) pages (1 = everything on the calling thread).</summary>
    public int Threads { get; init; } = 1;
    /// <summary>Called now and then with (pages done, pages total).</summary>
    public Action<ulong, ulong>? Progress { get; init; }
    /// <summary>Frames the pipeline takes at a time (its batch plan and the zero pass's window); output unchanged.</summary>
    public ulong CycleFrames { get; init; } = Diskdump.DiskdumpWriter.DefaultCycleFrames;
}

/// <summary>What an ELF vmcore came to hold.</summary>
public sealed class ElfWriteResult
{
    /// <summary>The file's size (as far as it got when incomplete).</summary>
    public long Size { get; init; }
    /// <summary>The output ran out of room (size limit or full disk); its header still says incomplete.</summary>
    public bool Incomplete { get; init; }
    public string? IncompleteReason { get; init; }
    /// <summary>Zero pages dropped from the kept set (<see cref="ElfDumpWriterOptions.ExcludeZero"/>).</summary>
    public ulong ZeroPages { get; init; }
}
