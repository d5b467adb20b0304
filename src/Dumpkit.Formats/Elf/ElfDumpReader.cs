// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using Dumpkit.Formats.IO;

namespace Dumpkit.Formats.Elf;

/// <summary>
/// ELF64 vmcores: the kernel's /proc/vmcore (kexec-tools layout) and QEMU's dump-guest-memory
/// output, which may put section headers before the program headers (e_phoff is honoured) and
/// may carry the program header count in section header 0 (PN_XNUM).
/// </summary>
public sealed class ElfDumpReader : DumpReader
{
    /// <summary>A piece of physical memory backed by the file (clipped so that pieces do not overlap).</summary>
    private readonly record struct Piece(ulong Start, ulong End, ulong FileOffset, ulong FileEnd);

    private readonly IRandomAccess _file;
    private readonly Piece[] _pieces;
    private readonly PfnRange[] _ram;
    private readonly PfnRange[] _data;
    private readonly uint _flags;

    public IReadOnlyList<ElfPhdr> ProgramHeaders { get; }

    /// <summary>The PT_LOAD segments with memory, in file order.</summary>
    public override IReadOnlyList<MemorySegment> Segments { get; }

    public override string Path => _file.Name;
    public override DumpKind Kind => DumpKind.Elf;
    public override bool IsIncomplete => (_flags & ElfLayout.ElfIncomplete) != 0;

    /// <param name="file">The ELF file.</param>
    /// <param name="pageSize">The page size of the dumped machine.</param>
    /// <param name="leaveOut">
    /// Physical ranges that are not part of the dump even though a PT_LOAD maps them (the segments are cut around them,
    /// so their frames are holes): the <c>crashkernel=</c> reservation of a running kernel's /proc/kcore.
    /// </param>
    public ElfDumpReader(IRandomAccess file, int pageSize = 4096, IReadOnlyList<PhysicalRange>? leaveOut = null)
    {
        _file = file;
        PageSize = pageSize;
        Span<byte> eh = stackalloc byte[ElfLayout.EhdrSize];
        file.ReadExactly(0, eh, "the ELF header");
        if (!ElfHeader.HasMagic(eh))
            throw new DumpFormatException(file.Name, 0, "not an ELF file");
        if (eh[4] != 2)
            throw new DumpFormatException(file.Name, 4, "only 64-bit ELF dumps are supported");
        if (eh[5] != 1)
            throw new DumpFormatException(file.Name, 5, "only little-endian ELF dumps are supported");
        var h = ElfHeader.Read(eh);
        _flags = h.Flags;
        if (h.Type != ElfLayout.ET_CORE)
            throw new DumpFormatException(file.Name, 16, $"ELF type {h.Type} is not a core file");
        if (h.PhEntSize != ElfLayout.PhdrSize)
            throw new DumpFormatException(file.Name, 54, $"program header size {h.PhEntSize}, expected {ElfLayout.PhdrSize}");

        uint phnum = h.PhNum;
        if (phnum == ElfLayout.PN_XNUM)
        {
            // The real count is in sh_info of section header 0.
            Span<byte> sh = stackalloc byte[4];
            file.ReadExactly((long)h.ShOff + 44, sh, "section header 0");
            phnum = BinaryPrimitives.ReadUInt32LittleEndian(sh);
        }
        if (phnum == 0)
            throw new DumpFormatException(file.Name, 56, "no program headers");
        long phBytes = (long)phnum * ElfLayout.PhdrSize;
        if (h.PhOff > (ulong)file.Length || phBytes > file.Length - (long)h.PhOff)
            throw new DumpFormatException(file.Name, 32, $"program headers ({phnum} at 0x{h.PhOff:x}) lie outside the file");

        var ph = new byte[phBytes];
        file.ReadExactly((long)h.PhOff, ph, "the program headers");
        var phdrs = new List<ElfPhdr>((int)phnum);
        var notes = new List<byte>();
        var loads = new List<ElfPhdr>();
        for (int i = 0; i < phnum; i++)
        {
            long at = (long)h.PhOff + (long)i * ElfLayout.PhdrSize;
            var p = ElfPhdr.Read(ph.AsSpan(i * ElfLayout.PhdrSize));
            phdrs.Add(p);
            // /proc/kcore: vmalloc, module and vmemmap mappings have no physical address (p_paddr -1): not RAM
            if (p.Type == ElfLayout.PT_LOAD && p.PAddr == NoPhysicalAddress)
                continue;
            if (p.Type is ElfLayout.PT_LOAD or ElfLayout.PT_NOTE)
            {
                if (p.Offset > (ulong)file.Length || p.FileSize > (ulong)file.Length - p.Offset)
                    throw new DumpFormatException(file.Name, at,
                        $"segment {i} (file offset 0x{p.Offset:x}, size 0x{p.FileSize:x}) extends past the end of the file (0x{file.Length:x})");
                // a note has no memory image (/proc/kcore's say p_memsz 0)
                if (p.Type == ElfLayout.PT_LOAD && p.FileSize > p.MemSize)
                    throw new DumpFormatException(file.Name, at, $"segment {i} has file size 0x{p.FileSize:x} > memory size 0x{p.MemSize:x}");
                if (p.PAddr + p.MemSize < p.PAddr)
                    throw new DumpFormatException(file.Name, at, $"segment {i} wraps around the physical address space");
            }
            if (p.Type == ElfLayout.PT_NOTE)
            {
                if (p.FileSize > 64 << 20)
                    throw new DumpFormatException(file.Name, at, $"note segment of {p.FileSize} bytes is implausibly large");
                var buf = new byte[p.FileSize];
                file.ReadExactly((long)p.Offset, buf, "a note segment");
                notes.AddRange(buf);
            }
            else if (p.Type == ElfLayout.PT_LOAD && p.MemSize > 0)
            {
                loads.Add(p);
            }
        }
        ProgramHeaders = phdrs;
        if (leaveOut is { Count: > 0 })
            loads = CutOut(loads, leaveOut);
        Segments = loads.Select(p => new MemorySegment(p.PAddr, p.VAddr, p.MemSize)).ToArray();
        Notes = notes.ToArray();

        // Where PT_LOADs overlap (an -E file of makedumpfile's: the kernel text's and the direct mapping's, which need not hold
        // the same bytes once an erase was used up in the first), a frame's bytes are the first program header's that holds
        // it, as makedumpfile's paddr_to_offset reads them.
        var ordered = loads.Select((p, i) => (P: p, I: i)).OrderBy(x => x.P.PAddr).ThenBy(x => x.I).ToList();
        loads.Sort((a, b) => a.PAddr.CompareTo(b.PAddr));
        var owned = new List<(Piece Piece, int Index)>();
        foreach (var (p, i) in ordered)
        {
            ulong start = p.PAddr, end = p.PAddr + p.MemSize;
            Piece Make(ulong s, ulong e) => new(s, e, p.Offset + (s - p.PAddr), p.Offset + p.FileSize);
            static Piece Sub(Piece q, ulong s, ulong e) => new(s, e, q.FileOffset + (s - q.Start), q.FileEnd);
            int k = owned.Count;
            while (k > 0 && owned[k - 1].Piece.End > start)
                k--;
            var tail = owned.GetRange(k, owned.Count - k);
            owned.RemoveRange(k, owned.Count - k);
            ulong cursor = start;
            void Add(Piece x, int index)
            {
                if (x.Start < x.End)
                    owned.Add((x, index));
            }
            foreach (var (q, qi) in tail)
            {
                if (q.Start < start)
                    Add(Sub(q, q.Start, start), qi);
                ulong qs = Math.Max(q.Start, start);
                if (qs >= end)
                {
                    if (cursor < end)
                        Add(Make(cursor, end), i);
                    cursor = end;
                    Add(Sub(q, qs, q.End), qi);
                    continue;
                }
                ulong qe = Math.Min(q.End, end);
                if (cursor < qs)
                    Add(Make(cursor, qs), i);
                Add(qi < i ? Sub(q, qs, qe) : Make(qs, qe), qi < i ? qi : i);
                cursor = qe;
                if (q.End > end)
                    Add(Sub(q, end, q.End), qi);
            }
            if (cursor < end)
                Add(Make(cursor, end), i);
        }
        var pieces = owned.Select(x => x.Piece).ToList();
        _pieces = pieces.ToArray();

        // Frames as makedumpfile counts them: from the frame holding a segment's first byte to the
        // last frame that the segment covers completely.
        int shift = PageShift;
        var ranges = new List<PfnRange>();
        foreach (var p in loads)
        {
            ulong s = p.PAddr >> shift, e = (p.PAddr + p.MemSize) >> shift;
            if (e > s)
                ranges.Add(new PfnRange(s, e));
        }
        ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
        var merged = new List<PfnRange>();
        foreach (var r in ranges)
        {
            if (merged.Count > 0 && r.Start <= merged[^1].End)
                merged[^1] = merged[^1] with { End = Math.Max(merged[^1].End, r.End) };
            else
                merged.Add(r);
        }
        _ram = merged.ToArray();
        MaxPfn = _ram.Length == 0 ? 0 : _ram[^1].End;

        // Frames with at least one file-backed byte; the rest of a PT_LOAD (past p_filesz) was
        // left out by a filtering tool.
        var data = new List<PfnRange>();
        ulong pageMask = (ulong)PageSize - 1;
        foreach (var p in _pieces)
        {
            ulong backed = p.FileEnd > p.FileOffset ? p.FileEnd - p.FileOffset : 0;
            if (backed == 0) continue;
            ulong s = p.Start >> shift, e = (p.Start + backed + pageMask) >> shift;
            var r = new PfnRange(s, e);
            if (data.Count > 0 && r.Start <= data[^1].End)
                data[^1] = data[^1] with { End = Math.Max(data[^1].End, r.End) };
            else
                data.Add(r);
        }
        _data = Intersect(data, _ram);
    }

    /// <summary>The PT_LOADs without the bytes of <paramref name="leaveOut"/>: a segment is shortened or split in two.</summary>
    private static List<ElfPhdr> CutOut(List<ElfPhdr> loads, IReadOnlyList<PhysicalRange> leaveOut)
    {
        foreach (var cut in leaveOut)
        {
            if (cut.Size == 0)
                continue;
            var next = new List<ElfPhdr>(loads.Count + 1);
            foreach (var p in loads)
            {
                ulong end = p.PAddr + p.MemSize;
                if (cut.End <= p.PAddr || cut.Start >= end)
                {
                    next.Add(p);
                    continue;
                }
                if (cut.Start > p.PAddr)
                    next.Add(Part(p, 0, cut.Start - p.PAddr));
                if (cut.End < end)
                    next.Add(Part(p, cut.End - p.PAddr, end - cut.End));
            }
            loads = next;
        }
        return loads;
    }

    /// <summary>The part of a PT_LOAD that starts <paramref name="skip"/> bytes in and is <paramref name="size"/> bytes long.</summary>
    private static ElfPhdr Part(ElfPhdr p, ulong skip, ulong size) => p with
    {
        PAddr = p.PAddr + skip,
        VAddr = p.VAddr + skip,
        Offset = p.Offset + Math.Min(skip, p.FileSize),
        FileSize = Math.Min(size, p.FileSize - Math.Min(skip, p.FileSize)),
        MemSize = size,
    };

    private static PfnRange[] Intersect(List<PfnRange> a, PfnRange[] b)
    {
        var result = new List<PfnRange>();
        int i = 0, j = 0;
        while (i < a.Count && j < b.Length)
        {
            ulong s = Math.Max(a[i].Start, b[j].Start), e = Math.Min(a[i].End, b[j].End);
            if (s < e) result.Add(new PfnRange(s, e));
            if (a[i].End < b[j].End) i++; else j++;
        }
        return result.ToArray();
    }

    /// <summary>p_paddr of a /proc/kcore mapping that is not of RAM (vmalloc, modules, vmemmap): (elf_addr_t)-1.</summary>
    private const ulong NoPhysicalAddress = ulong.MaxValue;

    public override IEnumerable<PfnRange> RamRanges() => _ram;

    public override IEnumerable<PfnRange> DataRanges() => _data;

    private static bool In(PfnRange[] ranges, ulong pfn)
    {
        int lo = 0, hi = ranges.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (pfn < ranges[mid].Start) hi = mid - 1;
            else if (pfn >= ranges[mid].End) lo = mid + 1;
            else return true;
        }
        return false;
    }

    public override PageState GetPageState(ulong pfn) =>
        !In(_ram, pfn) ? PageState.Hole : In(_data, pfn) ? PageState.Present : PageState.Excluded;

    public override void ReadPage(ulong pfn, Span<byte> page)
    {
        var state = GetPageState(pfn);
        if (state != PageState.Present)
            throw new PageNotAvailableException(pfn, state);
        ulong start = pfn << PageShift, end = start + (ulong)PageSize;
        page[..PageSize].Clear();
        // First piece that ends after the page start.
        int lo = 0, hi = _pieces.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_pieces[mid].End <= start) lo = mid + 1; else hi = mid;
        }
        for (int i = lo; i < _pieces.Length && _pieces[i].Start < end; i++)
        {
            var p = _pieces[i];
            ulong s = Math.Max(start, p.Start), e = Math.Min(end, p.End);
            ulong fileAt = p.FileOffset + (s - p.Start);
            if (fileAt >= p.FileEnd)
                continue; // beyond p_filesz: zero
            ulong n = Math.Min(e - s, p.FileEnd - fileAt);
            var dst = page.Slice((int)(s - start), (int)n);
            int got = _file.Read((long)fileAt, dst);
            if (got != dst.Length)
                throw new DumpFormatException(_file.Name, (long)fileAt, $"file ends inside the data of page frame 0x{pfn:x}");
        }
    }

    public override bool TryReadPages(ulong pfn, int count, Span<byte> pages)
    {
        ulong start = pfn << PageShift, length = (ulong)count << PageShift;
        if (count <= 0 || pages.Length < (long)length)
            return false;
        int lo = 0, hi = _pieces.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_pieces[mid].End <= start) lo = mid + 1; else hi = mid;
        }
        if (lo == _pieces.Length)
            return false;
        var p = _pieces[lo];
        // All of it inside one piece's file-backed bytes: then every frame is present.
        if (start < p.Start || start + length > p.End || p.FileOffset + (start - p.Start) + length > p.FileEnd)
            return false;
        var dst = pages[..(int)length];
        return _file.Read((long)(p.FileOffset + (start - p.Start)), dst) == dst.Length;
    }

    public override void Dispose() => _file.Dispose();
}
