// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats.Codecs;
using Dumpkit.Formats.IO;

namespace Dumpkit.Formats.Diskdump;

/// <summary>
/// kdump-compressed ("diskdump") files, header versions 1–6, signatures <c>KDUMP   </c> and
/// <c>DISKDUMP</c>; zlib, lzo, snappy, zstd and raw pages; the shared zero page; incomplete
/// dumps (descriptor offset 0, status 0x8); and split sets opened together.
/// </summary>
public sealed class DiskdumpReader : DumpReader
{
    private sealed record Part(IRandomAccess File, DiskdumpHeader Header, DiskdumpSubHeader? Sub,
        ulong StartPfn, ulong EndPfn, long DescTableOffset, ulong RankAtStart);

    private readonly Part[] _parts;
    private readonly string? _vmcoreinfo;
    private readonly PfnBitmap _ram;      // 1st bitmap: frames that exist
    private readonly PfnBitmap _dumpable; // 2nd bitmap: frames that were dumped

    [ThreadStatic] private static PageDecompressor? t_decompressor;
    [ThreadStatic] private static byte[]? t_buffer;

    public DiskdumpHeader Header => _parts[0].Header;
    public DiskdumpSubHeader? SubHeader => _parts[0].Sub;
    public int PartCount => _parts.Length;

    /// <summary>True when a file given is one part of a <c>--split</c> set (its sub header's split flag).</summary>
    public bool IsSplit => _parts.Any(p => p.Sub is { Split: not 0 });

    /// <summary>The files given, in page frame order, each with the frames [start, end) it holds.</summary>
    public IReadOnlyList<(string Name, PfnRange Frames)> Parts => [.. _parts.Select(p => (p.File.Name, new PfnRange(p.StartPfn, p.EndPfn)))];

    /// <summary>
    /// The first run of frames below <see cref="DumpReader.MaxPfn"/> that no file given holds (a split set
    /// with a part missing), or null when the files cover every frame.
    /// </summary>
    public PfnRange? MissingFrames
    {
        get
        {
            ulong next = 0;
            foreach (var p in _parts)
            {
                if (p.StartPfn > next)
                    return new PfnRange(next, p.StartPfn);
                next = Math.Max(next, p.EndPfn);
            }
            return next < MaxPfn ? new PfnRange(next, MaxPfn) : null;
        }
    }
    public PfnBitmap RamBitmap => _ram;
    public PfnBitmap DumpableBitmap => _dumpable;

    /// <summary>
    /// The eraseinfo of each part (makedumpfile's record of what <c>--config</c> erased: sub header offset_eraseinfo and
    /// size_eraseinfo), one after another; empty when there is none. A part whose record lies outside its file adds nothing.
    /// </summary>
    public byte[] ReadEraseinfo()
    {
        const long Most = 64 << 20;
        var all = new List<byte>();
        foreach (var p in _parts)
        {
            if (p.Sub is not { SizeEraseinfo: > 0 and <= Most, OffsetEraseinfo: > 0 } sub
                || sub.OffsetEraseinfo > p.File.Length - (long)sub.SizeEraseinfo)
                continue;
            var blob = new byte[sub.SizeEraseinfo];
            p.File.ReadExactly(sub.OffsetEraseinfo, blob, "eraseinfo");
            all.AddRange(blob);
        }
        return [.. all];
    }

    public override string Path => _parts[0].File.Name;
    public override DumpKind Kind => DumpKind.Diskdump;
    public override bool IsIncomplete => _parts.Any(p => (p.Header.Status & DiskdumpFlags.Incomplete) != 0);

    /// <summary>The codec of the header status (the one all compressed pages should use).</summary>
    public PageCodec HeaderCodec => PageCodecInfo.FromFlags(Header.Status) ?? PageCodec.None;

    /// <summary>
    /// Bitmaps up to this size (each; 4 MiB = 32 Mi frames = 128 GiB of 4 KiB pages) are read
    /// into memory; larger ones stay in the file and are read on demand, so that memory does
    /// not grow with the dumped machine's size.
    /// </summary>
    public const long DefaultBitmapBytesInMemory = 4 << 20;

    public DiskdumpReader(IRandomAccess file) : this([file]) { }

    public DiskdumpReader(IReadOnlyList<IRandomAccess> files) : this(files, DefaultBitmapBytesInMemory) { }

    /// <param name="files">the dump file, or the files of a split set.</param>
    /// <param name="bitmapBytesInMemory">see <see cref="DefaultBitmapBytesInMemory"/>.</param>
    public DiskdumpReader(IReadOnlyList<IRandomAccess> files, long bitmapBytesInMemory)
    {
        if (files.Count == 0) throw new ArgumentException("no files", nameof(files));
        var parts = new List<Part>();
        PfnBitmap? ram = null, dumpable = null;
        ulong maxPfn = 0;
        byte[] notes = [];
        foreach (var file in files)
        {
            var (header, sub, frames, bitmapOffset, bitmapBytes, twoBitmaps) = ReadHeaders(file);
            if (parts.Count == 0)
            {
                PageSize = header.BlockSize;
                maxPfn = frames;
                // Bitmaps: identical in every part of a split set, so take the first.
                if (bitmapBytes > bitmapBytesInMemory)
                {
                    ram = PfnBitmap.FromFile(file, bitmapOffset, frames, "the first bitmap");
                    // old diskdump: one bitmap serves both roles
                    dumpable = twoBitmaps ? PfnBitmap.FromFile(file, bitmapOffset + bitmapBytes, frames, "the second bitmap") : ram;
                }
                else
                {
                    var b1 = new byte[bitmapBytes];
                    file.ReadExactly(bitmapOffset, b1, "the first bitmap");
                    byte[] b2 = b1; // old diskdump: one bitmap serves both roles
                    if (twoBitmaps)
                    {
                        b2 = new byte[bitmapBytes];
                        file.ReadExactly(bitmapOffset + bitmapBytes, b2, "the second bitmap");
                    }
                    ram = new PfnBitmap(b1, frames);
                    dumpable = new PfnBitmap(b2, frames);
                }
                if (header.HeaderVersion >= 4 && sub is not null && sub.OffsetNote > 0 && sub.SizeNote > 0)
                {
                    if (sub.SizeNote > 64 << 20 || sub.OffsetNote > file.Length || (long)sub.SizeNote > file.Length - sub.OffsetNote)
                        throw new DumpFormatException(file.Name, header.BlockSize + 48,
                            $"note area (0x{sub.OffsetNote:x}, {sub.SizeNote} bytes) lies outside the file");
                    notes = new byte[sub.SizeNote];
                    file.ReadExactly(sub.OffsetNote, notes, "the note area");
                }
            }
            else if (header.BlockSize != parts[0].Header.BlockSize || frames != maxPfn)
            {
                throw new DumpFormatException(file.Name, 428, "not part of the same split dump (block size or frame count differ)");
            }
            else if (header.TimestampSeconds != parts[0].Header.TimestampSeconds
                     || header.TimestampMicroseconds != parts[0].Header.TimestampMicroseconds
                     || !header.Utsname.AsSpan().SequenceEqual(parts[0].Header.Utsname))
            {
                // every part of one --split run carries the dumped kernel's crash time and utsname
                throw new DumpFormatException(file.Name, 0, $"not part of the same split dump as {parts[0].File.Name} (crash time or utsname differ)");
            }
            ulong start = 0, end = frames;
            if (sub is not null && sub.Split != 0)
            {
                start = header.HeaderVersion >= 6 ? sub.StartPfn64 : sub.StartPfn;
                end = header.HeaderVersion >= 6 ? sub.EndPfn64 : sub.EndPfn;
                if (start > end || end > frames)
                    throw new DumpFormatException(file.Name, header.BlockSize + 80,
                        $"split range [0x{start:x}, 0x{end:x}) outside the dump's 0x{frames:x} frames");
            }
            long descTable = (1L + header.SubHeaderBlocks + header.BitmapBlocks) * header.BlockSize;
            parts.Add(new Part(file, header, sub, start, end, descTable, dumpable!.Rank(start)));
        }
        parts.Sort((a, b) => a.StartPfn.CompareTo(b.StartPfn));
        for (int i = 1; i < parts.Count; i++)
            if (parts[i].StartPfn < parts[i - 1].EndPfn)
                throw parts[i].StartPfn == parts[i - 1].StartPfn && parts[i].EndPfn == parts[i - 1].EndPfn
                    ? new DumpFormatException(parts[i].File.Name, null, $"the same part of the split dump as {parts[i - 1].File.Name}")
                    : new DumpFormatException(parts[i].File.Name, parts[i].Header.BlockSize + 80, $"split range overlaps {parts[i - 1].File.Name}");
        _parts = parts.ToArray();
        _vmcoreinfo = ReadVmcoreinfo(_parts[0]);
        _ram = ram!;
        _dumpable = dumpable!;
        MaxPfn = maxPfn;
        Notes = notes;
    }

    /// <summary>
    /// Header version 3 has VMCOREINFO but no note copy: read it where the sub header says.
    /// From version 4 on it is inside the notes (the base class finds it there).
    /// </summary>
    private static string? ReadVmcoreinfo(Part part)
    {
        var sub = part.Sub;
        if (part.Header.HeaderVersion < 3 || sub is null || sub.OffsetVmcoreinfo <= 0 || sub.SizeVmcoreinfo == 0)
            return null;
        if (sub.SizeVmcoreinfo > 1 << 20 || sub.OffsetVmcoreinfo > part.File.Length
            || (long)sub.SizeVmcoreinfo > part.File.Length - sub.OffsetVmcoreinfo)
            throw new DumpFormatException(part.File.Name, part.Header.BlockSize + 32,
                $"VMCOREINFO (0x{sub.OffsetVmcoreinfo:x}, {sub.SizeVmcoreinfo} bytes) lies outside the file");
        var text = new byte[sub.SizeVmcoreinfo];
        part.File.ReadExactly(sub.OffsetVmcoreinfo, text, "VMCOREINFO");
        return System.Text.Encoding.ASCII.GetString(text).TrimEnd('\0');
    }

    public override string? VmcoreinfoText => base.VmcoreinfoText ?? _vmcoreinfo;

    private static (DiskdumpHeader, DiskdumpSubHeader?, ulong frames, long bitmapOffset, long bitmapBytes, bool twoBitmaps)
        ReadHeaders(IRandomAccess file)
    {
        Span<byte> hb = stackalloc byte[DiskdumpHeader.Size];
        file.ReadExactly(0, hb, "the kdump header");
        if (!DiskdumpHeader.HasSignature(hb))
            throw new DumpFormatException(file.Name, 0, "not a kdump-compressed file (bad signature)");
        var h = DiskdumpHeader.Read(hb);
        if (h.HeaderVersion < 0 || h.HeaderVersion > 100)
            throw new DumpFormatException(file.Name, 8, $"header version {h.HeaderVersion} is not supported");
        if (h.BlockSize < 512 || h.BlockSize > 1 << 20 || (h.BlockSize & (h.BlockSize - 1)) != 0)
            throw new DumpFormatException(file.Name, 428, $"block size {h.BlockSize} is not a power of two between 512 and 1 MiB");
        if (h.SubHeaderBlocks < 0 || (long)h.SubHeaderBlocks * h.BlockSize > file.Length)
            throw new DumpFormatException(file.Name, 432, $"sub header of {h.SubHeaderBlocks} blocks does not fit in the file");
        DiskdumpSubHeader? sub = null;
        ulong frames = h.MaxMapNr;
        if (h.HeaderVersion >= 1 && h.Signature == DiskdumpHeader.KdumpSignature)
        {
            if (h.SubHeaderBlocks < 1)
                throw new DumpFormatException(file.Name, 432, "header version needs a sub header, but its size is 0 blocks");
            Span<byte> sb = stackalloc byte[DiskdumpSubHeader.Size];
            file.ReadExactly(h.BlockSize, sb, "the kdump sub header");
            sub = DiskdumpSubHeader.Read(sb);
            if (h.HeaderVersion >= 6 && sub.MaxMapNr64 != 0)
                frames = sub.MaxMapNr64;
        }
        if (frames > 1UL << 40)
            throw new DumpFormatException(file.Name, 440, $"max_mapnr {frames} is implausibly large");
        long bitmapOffset = (1L + h.SubHeaderBlocks) * h.BlockSize;
        long bitmapTotal = (long)h.BitmapBlocks * h.BlockSize;
        long oneBitmap = (long)((frames + 7) / 8);
        oneBitmap = (oneBitmap + h.BlockSize - 1) / h.BlockSize * h.BlockSize;
        if (bitmapTotal < (long)((frames + 7) / 8))
            throw new DumpFormatException(file.Name, 436,
                $"bitmap of {h.BitmapBlocks} blocks cannot cover {frames} page frames");
        if (bitmapOffset + bitmapTotal > file.Length)
            throw new DumpFormatException(file.Name, 436,
                $"bitmaps end at 0x{bitmapOffset + bitmapTotal:x}, past the end of the file (0x{file.Length:x})");
        bool two = bitmapTotal >= 2 * oneBitmap;
        long bytes = two ? bitmapTotal / 2 : bitmapTotal;
        return (h, sub, frames, bitmapOffset, bytes, two);
    }

    public override IEnumerable<PfnRange> RamRanges() => _ram.Runs();

    public override IEnumerable<PfnRange> DataRanges() => _dumpable.Runs();

    public override IEnumerable<PfnRange> RamRanges(ulong first, ulong end) => _ram.Runs(first, end);

    public override IEnumerable<PfnRange> DataRanges(ulong first, ulong end) => _dumpable.Runs(first, end);

    public override IReadOnlyList<string>? Utsname => Header.Utsname;
    public override long? CrashTime => Header.TimestampSeconds;
    public override ulong? PhysBaseHint => SubHeader?.PhysBase;
    public override int NrCpus => Header.NrCpus;
    public override int? FilterLevel => SubHeader?.DumpLevel;
    public override PageCodec Codec => HeaderCodec;

    public override ulong ExcludedFrameCount
    {
        get
        {
            ulong ram = _ram.PopCount();
            return ram - Math.Min(ram, _dumpable.PopCount());
        }
    }

    private Part? PartOf(ulong pfn)
    {
        foreach (var p in _parts)
            if (pfn >= p.StartPfn && pfn < p.EndPfn)
                return p;
        return null;
    }

    public override PageState GetPageState(ulong pfn)
    {
        if (pfn >= MaxPfn || !_ram[pfn] && !_dumpable[pfn])
            return PageState.Hole;
        if (!_dumpable[pfn])
            return PageState.Excluded;
        var part = PartOf(pfn);
        if (part is null)
            return PageState.Incomplete;
        var d = ReadDescriptor(part, pfn);
        return d.Offset == 0 ? PageState.Incomplete : PageState.Present;
    }

    /// <summary>The descriptor of a dumped frame (offset 0 when its data never landed).</summary>
    public PageDescriptor GetDescriptor(ulong pfn)
    {
        var part = PartOf(pfn);
        if (part is null || !_dumpable[pfn])
            return default;
        return ReadDescriptor(part, pfn);
    }

    private PageDescriptor ReadDescriptor(Part part, ulong pfn) => ReadDescriptor(part, pfn, out _);

    private PageDescriptor ReadDescriptor(Part part, ulong pfn, out long at)
    {
        ulong index = _dumpable.Rank(pfn) - part.RankAtStart;
        at = part.DescTableOffset + (long)index * PageDescriptor.Size_;
        Span<byte> b = stackalloc byte[PageDescriptor.Size_];
        int n = part.File.Read(at, b);
        if (n < b.Length && (part.Header.Status & DiskdumpFlags.Incomplete) != 0)
            return default; // the table itself was cut short (possibly inside this descriptor)
        if (n != b.Length)
            throw new DumpFormatException(part.File.Name, at, $"file ends inside the descriptor of page frame 0x{pfn:x}");
        return PageDescriptor.Read(b);
    }

    public override void ReadPage(ulong pfn, Span<byte> page)
    {
        if (pfn >= MaxPfn || !_dumpable[pfn])
            throw new PageNotAvailableException(pfn, pfn < MaxPfn && _ram[pfn] ? PageState.Excluded : PageState.Hole);
        var part = PartOf(pfn) ?? throw new PageNotAvailableException(pfn, PageState.Incomplete);
        var d = ReadDescriptor(part, pfn, out long descAt);
        if (d.Offset == 0)
            throw new PageNotAvailableException(pfn, PageState.Incomplete);
        if (d.Size == 0 || d.Size > (uint)PageSize)
            throw new DumpFormatException(part.File.Name, descAt,
                $"page frame 0x{pfn:x}: stored size {d.Size} is not between 1 and the page size {PageSize}");
        if (d.Offset < 0 || d.Offset > part.File.Length - d.Size)
            throw new DumpFormatException(part.File.Name, descAt,
                $"page frame 0x{pfn:x}: data at 0x{d.Offset:x} (+{d.Size}) lies outside the file");
        var codec = PageCodecInfo.FromFlags(d.Flags)
            ?? throw new DumpFormatException(part.File.Name, descAt + 12, $"page frame 0x{pfn:x}: more than one compression flag (0x{d.Flags:x})");
        var buffer = t_buffer is { } tb && tb.Length >= PageSize ? tb : t_buffer = new byte[Math.Max(PageSize, 65536)];
        var src = buffer.AsSpan(0, (int)d.Size);
        part.File.ReadExactly(d.Offset, src, $"the data of page frame 0x{pfn:x}");
        var error = (t_decompressor ??= new PageDecompressor()).Decompress(codec, src, page[..PageSize]);
        if (error is not null)
            throw new DumpFormatException(part.File.Name, d.Offset, $"page frame 0x{pfn:x}: {error}");
    }

    public override void Dispose()
    {
        foreach (var p in _parts)
            p.File.Dispose();
    }
}
