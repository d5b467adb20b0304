// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Formats.Diskdump;

/// <summary>What a kdump-compressed file came to hold.</summary>
public sealed class DiskdumpWriteResult
{
    public ulong DumpablePages { get; init; }
    public ulong WrittenPages { get; set; }
    public ulong ZeroPages { get; set; }
    public ulong CompressedPages { get; set; }
    public ulong RawPages { get; set; }
    /// <summary>Pages the input could not supply (its own dump was incomplete).</summary>
    public ulong MissingInputPages { get; set; }
    /// <summary>The output was cut short (size limit or full disk); its header says so.</summary>
    public bool Incomplete { get; set; }
    public string? IncompleteReason { get; set; }
    /// <summary>The file whose device was full (ENOSPC), when that is what cut the output short.</summary>
    public string? NoSpaceFile { get; set; }
    public long Size { get; set; }
}
