// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats.Codecs;
using Dumpkit.Formats.IO;

namespace Dumpkit.Formats.Diskdump;

/// <summary>
/// Where the parts of a kdump-compressed file go: header (version 6) in block 0, the sub header
/// with the full note copy from block 1, both bitmaps, one descriptor per dumpable frame in PFN
/// order, then the page data (led by the one zero block when zero pages are excluded).
/// </summary>
internal sealed class DiskdumpLayout
{
    private readonly DiskdumpHeader _header;
    private readonly DiskdumpSubHeader _subHeader;
    private readonly byte[] _notes;
    private readonly uint _status;

    public DiskdumpLayout(ulong maxPfn, int blockSize, DiskdumpWriterOptions o)
    {
        BlockSize = blockSize;
        MaxPfn = maxPfn;
        _notes = o.Notes;
        SubHeaderBlocks = (int)((DiskdumpSubHeader.Size + o.Notes.Length + blockSize - 1) / blockSize);
        long oneBitmap = (long)((maxPfn + 7) / 8);
        oneBitmap = (oneBitmap + blockSize - 1) / blockSize * blockSize;
        OneBitmap = oneBitmap == 0 ? blockSize : oneBitmap;
        BitmapOffset = (1L + SubHeaderBlocks) * blockSize;
        DescriptorOffset = BitmapOffset + 2 * OneBitmap;

        _header = o.Header;
        _header.Signature = DiskdumpHeader.KdumpSignature;
        _header.HeaderVersion = 6;
        _header.BlockSize = blockSize;
        _header.SubHeaderBlocks = SubHeaderBlocks;
        _header.BitmapBlocks = checked((uint)(2 * OneBitmap / blockSize));
        _header.MaxMapNr = (uint)Math.Min(maxPfn, uint.MaxValue);
        _status = o.Codec.Flag() | (o.ExtraStatus & ~DiskdumpFlags.Incomplete);
        _header.Status = _status | DiskdumpFlags.Incomplete;
        _subHeader = SubHeader(o, blockSize, maxPfn);
        (SplitStart, SplitEnd) = (0, maxPfn);
        if (o.Split is { } split)
        {
            SplitStart = Math.Min(split.Start, maxPfn);
            SplitEnd = Math.Clamp(split.End, SplitStart, maxPfn);
            _subHeader.Split = 1;
            _subHeader.StartPfn = (uint)SplitStart; // the obsolete 32-bit copies, as makedumpfile writes them
            _subHeader.EndPfn = (uint)SplitEnd;
            _subHeader.StartPfn64 = SplitStart;
            _subHeader.EndPfn64 = SplitEnd;
        }
    }

    private static DiskdumpSubHeader SubHeader(DiskdumpWriterOptions o, int blockSize, ulong maxPfn) => new()
    {
        PhysBase = o.PhysBase,
        DumpLevel = o.DumpLevel,
        OffsetNote = o.Notes.Length > 0 ? blockSize + DiskdumpSubHeader.Size : 0,
        SizeNote = (ulong)o.Notes.Length,
        OffsetVmcoreinfo = o.VmcoreinfoOffset >= 0 ? blockSize + DiskdumpSubHeader.Size + o.VmcoreinfoOffset : 0,
        SizeVmcoreinfo = o.VmcoreinfoOffset >= 0 ? (ulong)o.VmcoreinfoSize : 0,
        MaxMapNr64 = maxPfn,
    };

    public int BlockSize { get; }
    public ulong MaxPfn { get; }
    public int SubHeaderBlocks { get; }
    /// <summary>Bytes of one bitmap, rounded up to whole blocks.</summary>
    public long OneBitmap { get; }
    public long BitmapOffset { get; }
    public long DescriptorOffset { get; }
    /// <summary>The frames whose pages this file holds: all of them, or one part's range of a split set.</summary>
    public ulong SplitStart { get; }
    public ulong SplitEnd { get; }

    /// <summary>Where the page data starts once the number of descriptors is known.</summary>
    public long DataStart(ulong dumpablePages) => DescriptorOffset + (long)dumpablePages * PageDescriptor.Size_;

    /// <summary>Block 0 (marked incomplete), then the sub header with the notes.</summary>
    public void WriteHeaders(IDumpSink sink)
    {
        var block = new byte[Math.Max(BlockSize, SubHeaderBlocks * BlockSize)];
        _header.Write(block);
        sink.Write(0, block.AsSpan(0, BlockSize));
        Array.Clear(block);
        _subHeader.Write(block);
        _notes.CopyTo(block, DiskdumpSubHeader.Size);
        sink.Write(BlockSize, block.AsSpan(0, SubHeaderBlocks * BlockSize));
    }

    /// <summary>One cycle's windows of both bitmaps, in place.</summary>
    public void WriteBitmapWindows(IDumpSink sink, PfnBitmap ram, PfnBitmap dumpable)
    {
        sink.Write(BitmapOffset + (long)(ram.First / 8), ram.Bytes);
        sink.Write(BitmapOffset + OneBitmap + (long)(dumpable.First / 8), dumpable.Bytes);
    }

    /// <summary>The zeros that round both bitmaps up to whole blocks.</summary>
    public void PadBitmaps(IDumpSink sink)
    {
        long used = (long)((MaxPfn + 7) / 8);
        if (used >= OneBitmap)
            return;
        var pad = new byte[OneBitmap - used];
        sink.Write(BitmapOffset + used, pad);
        sink.Write(BitmapOffset + OneBitmap + used, pad);
    }

    /// <summary>The erase information at <paramref name="offset"/>, and the sub header pointing at it.</summary>
    public void WriteEraseinfo(IDumpSink sink, long offset, byte[] eraseinfo)
    {
        sink.Write(offset, eraseinfo);
        _subHeader.OffsetEraseinfo = offset;
        _subHeader.SizeEraseinfo = (ulong)eraseinfo.Length;
        var b = new byte[DiskdumpSubHeader.Size];
        _subHeader.Write(b);
        sink.Write(BlockSize, b);
    }

    /// <summary>Block 0 again, with the incomplete flag only if the dump is.</summary>
    public void WriteFinalHeader(IDumpSink sink, bool incomplete)
    {
        _header.Status = incomplete ? _status | DiskdumpFlags.Incomplete : _status;
        var block = new byte[BlockSize];
        _header.Write(block);
        sink.Write(0, block);
    }
}
