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
    /// <summary>
    /// The size of the ERASEINFO note's text, fixed before any page is written (makedumpfile's estimate: every erase's
    /// line); 0: no note.
    /// </summary>
    public long EraseinfoSize { get; init; }
    /// <summary>The eraseinfo text, asked for once the pages are written (it may be shorter than the estimate).</summary>
    public Func<byte[]>? Eraseinfo { get; init; }
    /// <summary>
    /// The input's PT_NOTE header: the output's keeps its flags, addresses and alignment (makedumpfile moves the input's),
    /// with its own offset and size. Null: all zero.
    /// </summary>
    public ElfPhdr? NoteHeader { get; init; }
    /// <summary>Called after the zero pages are found, before the pages of the file are read.</summary>
    public Action? BeforeData { get; init; }
    /// <summary>The data pass reads the pages on one thread in the file's order (the zero pass still uses <see cref="Threads"/>).</summary>
    public bool DataInFileOrder { get; init; }
}

/// <summary>What an ELF vmcore came to hold.</summary>
public sealed class ElfWriteResult
{
    /// <summary>The file's size (as far as it got when incomplete).</summary>
    public long Size { get; init; }
    /// <summary>The output ran out of room (size limit or full disk); its header still says incomplete.</summary>
    public bool Incomplete { get; init; }
    public string? IncompleteReason { get; init; }
    /// <summary>The file whose device was full (ENOSPC), when that is what cut the output short.</summary>
    public string? NoSpaceFile { get; init; }
    /// <summary>Zero pages dropped from the kept set (<see cref="ElfDumpWriterOptions.ExcludeZero"/>).</summary>
    public ulong ZeroPages { get; init; }
}
