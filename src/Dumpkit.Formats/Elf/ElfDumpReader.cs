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
    private readonly uint _flags;

    public IReadOnlyList<ElfPhdr> ProgramHeaders { get; }

    public override string Path => _file.Name;
    public override DumpKind Kind => DumpKind.Elf;
    public override bool IsIncomplete => (_flags & ElfLayout.ElfIncomplete) != 0;

    public ElfDumpReader(IRandomAccess file, int pageSize = 4096)
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
            if (p.Type is ElfLayout.PT_LOAD or ElfLayout.PT_NOTE)
            {
                if (p.Offset > (ulong)file.Length || p.FileSize > (ulong)file.Length - p.Offset)
                    throw new DumpFormatException(file.Name, at,
                        $"segment {i} (file offset 0x{p.Offset:x}, size 0x{p.FileSize:x}) extends past the end of the file (0x{file.Length:x})");
                if (p.FileSize > p.MemSize)
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
        Notes = notes.ToArray();

        loads.Sort((a, b) => a.PAddr.CompareTo(b.PAddr));
        var pieces = new List<Piece>();
        ulong covered = 0;
        foreach (var p in loads)
        {
            ulong start = p.PAddr, end = p.PAddr + p.MemSize;
            if (pieces.Count > 0 && start < covered)
                start = covered;
            if (start >= end)
                continue;
            ulong skip = start - p.PAddr;
            ulong fileStart = p.Offset + Math.Min(skip, p.FileSize);
            pieces.Add(new Piece(start, end, fileStart, p.Offset + p.FileSize));
            covered = Math.Max(covered, end);
        }
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
    }

    public override IEnumerable<PfnRange> RamRanges() => _ram;

    public override PageState GetPageState(ulong pfn)
    {
        int lo = 0, hi = _ram.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (pfn < _ram[mid].Start) hi = mid - 1;
            else if (pfn >= _ram[mid].End) lo = mid + 1;
            else return PageState.Present;
        }
        return PageState.Hole;
    }

    public override void ReadPage(ulong pfn, Span<byte> page)
    {
        if (GetPageState(pfn) != PageState.Present)
            throw new PageNotAvailableException(pfn, PageState.Hole);
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

    public override void Dispose() => _file.Dispose();
}
