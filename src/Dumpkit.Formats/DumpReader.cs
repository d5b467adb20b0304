// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;
using Dumpkit.Formats.Elf;

namespace Dumpkit.Formats;

public enum DumpKind
{
    Elf,
    /// <summary>kdump-compressed (diskdump) files, plain, flattened or split.</summary>
    Diskdump,
}

/// <summary>What a dump holds for one page frame.</summary>
public enum PageState : byte
{
    /// <summary>Not RAM in the dumped machine (a memory hole: not in the first bitmap / no PT_LOAD).</summary>
    Hole,
    /// <summary>RAM the dump deliberately left out (filtered by dump level).</summary>
    Excluded,
    /// <summary>Should be in the dump but its data never landed (a dump cut short).</summary>
    Incomplete,
    /// <summary>Readable.</summary>
    Present,
}

/// <summary>A half-open range of page frame numbers.</summary>
public readonly record struct PfnRange(ulong Start, ulong End)
{
    public ulong Count => End - Start;
}

/// <summary>
/// A run of the dumped machine's memory as the dump describes it: an ELF PT_LOAD (physical
/// address, the virtual address it was mapped at, size), or a run of RAM frames of a
/// kdump-compressed file (which records no virtual addresses: <see cref="VirtualAddress"/> 0).
/// Segments may overlap (an ELF vmcore maps kernel text twice: at its physical place and as
/// kernel text), so they are not a partition of memory; <see cref="DumpReader.RamRanges()"/> is.
/// </summary>
public readonly record struct MemorySegment(ulong PhysicalAddress, ulong VirtualAddress, ulong Size)
{
    public ulong PhysicalEnd => PhysicalAddress + Size;
}

/// <summary>
/// A crash dump opened for reading physical memory: an ELF vmcore, a kdump-compressed file
/// (plain, flattened, or a split set). Page reads are thread safe.
/// </summary>
public abstract class DumpReader : IDisposable
{
    private List<ElfNote>? _noteList;

    public abstract string Path { get; }
    public abstract DumpKind Kind { get; }
    public int PageSize { get; protected init; } = 4096;
    public int PageShift => System.Numerics.BitOperations.Log2((uint)PageSize);

    /// <summary>One past the highest page frame number the dump can describe (max_mapnr).</summary>
    public ulong MaxPfn { get; protected init; }

    /// <summary>The ELF note area (PT_NOTE payload of /proc/vmcore: PRSTATUS per CPU, VMCOREINFO, ...).</summary>
    public byte[] Notes { get; protected init; } = [];

    /// <summary>True when the dump says it was cut short (kdump status 0x8, ELF e_flags bit 0).</summary>
    public virtual bool IsIncomplete => false;

    public IReadOnlyList<ElfNote> NoteList => _noteList ??= ElfNote.Parse(Notes);

    /// <summary>The VMCOREINFO note's text (KEY=value lines), or null when the dump has none.</summary>
    public virtual string? VmcoreinfoText
    {
        get
        {
            foreach (var n in NoteList)
                if (n.Name == "VMCOREINFO")
                    return Encoding.ASCII.GetString(n.Desc(Notes)).TrimEnd('\0');
            return null;
        }
    }

    /// <summary>Offset of the VMCOREINFO descriptor inside <see cref="Notes"/> and its size, or (-1, 0).</summary>
    public (int Offset, int Size) VmcoreinfoLocation
    {
        get
        {
            foreach (var n in NoteList)
                if (n.Name == "VMCOREINFO")
                    return (n.DescOffset, n.DescSize);
            return (-1, 0);
        }
    }

    /// <summary>
    /// The memory segments the dump lists, in file order: PT_LOADs for ELF; for formats that keep
    /// only a frame map, one segment per run of RAM frames.
    /// </summary>
    public virtual IReadOnlyList<MemorySegment> Segments => _segments ??= SegmentsOfRam();

    private IReadOnlyList<MemorySegment>? _segments;

    private MemorySegment[] SegmentsOfRam()
    {
        var list = new List<MemorySegment>();
        foreach (var r in RamRanges())
            list.Add(new MemorySegment(r.Start << PageShift, 0, r.Count << PageShift));
        return list.ToArray();
    }

    // Header facts: what the dump's own headers record about the crashed machine. Null (or 0)
    // when the format does not record it; the kernel layer then finds it in VMCOREINFO or memory.

    /// <summary>The crashed kernel's utsname (sysname, nodename, release, version, machine, domainname) as the dump header records it.</summary>
    public virtual IReadOnlyList<string>? Utsname => null;

    /// <summary>The crash time (seconds since the epoch) as the dump header records it.</summary>
    public virtual long? CrashTime => null;

    /// <summary>The kernel's physical load offset (phys_base) as the dump header records it.</summary>
    public virtual ulong? PhysBaseHint => null;

    /// <summary>The number of CPUs of the dumped machine as the dump header records it; else the PRSTATUS notes' count.</summary>
    public virtual int NrCpus => CpuCount;

    /// <summary>The dump level a filtered input was written with, or null when the format does not say.</summary>
    public virtual int? FilterLevel => null;

    /// <summary>The codec compressed pages of the input use (<see cref="Codecs.PageCodec.None"/> when none is recorded).</summary>
    public virtual Codecs.PageCodec Codec => Codecs.PageCodec.None;

    /// <summary>RAM frames a filtered input already left out (as its header's bitmaps record them).</summary>
    public virtual ulong ExcludedFrameCount => 0;

    /// <summary>Number of NT_PRSTATUS notes named CORE: one per CPU that was online.</summary>
    public int CpuCount
    {
        get
        {
            int n = 0;
            foreach (var note in NoteList)
                if (note.Type == ElfNote.NT_PRSTATUS && note.Name == "CORE")
                    n++;
            return n;
        }
    }

    public abstract PageState GetPageState(ulong pfn);

    /// <summary>
    /// Runs of frames the dump holds data for (a subset of <see cref="RamRanges()"/>): the second
    /// bitmap of a kdump file; in an ELF file, frames with file-backed bytes (frames past p_filesz
    /// are excluded pages, as makedumpfile -E writes them).
    /// </summary>
    public virtual IEnumerable<PfnRange> DataRanges() => RamRanges();

    /// <summary>Runs of frames that exist in the dumped machine (first bitmap / PT_LOADs), ascending.</summary>
    public abstract IEnumerable<PfnRange> RamRanges();

    /// <summary>The runs of <see cref="RamRanges()"/> that meet [first, end), unclipped.</summary>
    public virtual IEnumerable<PfnRange> RamRanges(ulong first, ulong end) => Meeting(RamRanges(), first, end);

    /// <summary>The runs of <see cref="DataRanges()"/> that meet [first, end), unclipped.</summary>
    public virtual IEnumerable<PfnRange> DataRanges(ulong first, ulong end) => Meeting(DataRanges(), first, end);

    private static IEnumerable<PfnRange> Meeting(IEnumerable<PfnRange> runs, ulong first, ulong end)
    {
        foreach (var r in runs)
            if (r.End > first && r.Start < end)
                yield return r;
    }

    /// <summary>
    /// Read one page. Throws <see cref="PageNotAvailableException"/> for holes, excluded and
    /// missing pages, <see cref="DumpFormatException"/> for corrupt data.
    /// </summary>
    public abstract void ReadPage(ulong pfn, Span<byte> page);

    /// <summary>
    /// Reads the present frames [pfn, pfn + count) into <paramref name="pages"/> with one read when
    /// the format stores them back to back (an ELF segment does), which saves a system call per
    /// page on files read with pread. False when it cannot (the caller then reads page by page,
    /// which also reports what is wrong with any of them).
    /// </summary>
    public virtual bool TryReadPages(ulong pfn, int count, Span<byte> pages) => false;

    /// <summary>Read <paramref name="buffer"/>.Length bytes of physical memory at <paramref name="address"/>.</summary>
    public void ReadPhysical(ulong address, Span<byte> buffer)
    {
        // Whole pages go straight into the buffer, in one read where the format stores them back to back.
        if ((address & (ulong)(PageSize - 1)) == 0 && buffer.Length > PageSize && buffer.Length % PageSize == 0
            && TryReadPages(address >> PageShift, buffer.Length >> PageShift, buffer))
            return;
        Span<byte> page = PageSize <= 16384 ? stackalloc byte[PageSize] : new byte[PageSize];
        while (!buffer.IsEmpty)
        {
            ulong pfn = address >> PageShift;
            int inPage = (int)(address & (ulong)(PageSize - 1));
            int n = Math.Min(buffer.Length, PageSize - inPage);
            ReadPage(pfn, page);
            page.Slice(inPage, n).CopyTo(buffer);
            buffer = buffer[n..];
            address += (ulong)n;
        }
    }

    public abstract void Dispose();

    /// <summary>Open a dump of any supported format, detected by content.</summary>
    public static DumpReader Open(string path) => DumpOpener.Open([path]);

    /// <summary>Open a dump; <paramref name="mmap"/> false reads with pread only (makedumpfile's --non-mmap).</summary>
    public static DumpReader Open(string path, bool mmap) => DumpOpener.Open([path], mmap);

    /// <summary>
    /// Open a dump; an ELF dump's PT_LOADs are cut around <paramref name="leaveOut"/>, whose frames are then holes (a
    /// kdump-compressed file's first bitmap already says which frames are RAM: the ranges do not apply to it).
    /// </summary>
    public static DumpReader Open(string path, bool mmap, IReadOnlyList<PhysicalRange> leaveOut) => DumpOpener.Open([path], mmap, leaveOut);

    /// <summary>Open a split kdump set (files of one <c>--split</c> run, any order).</summary>
    public static DumpReader Open(IReadOnlyList<string> paths) => DumpOpener.Open(paths);

    /// <summary>Open a dump from any byte source (a flattened stream is read as the file it describes).</summary>
    public static DumpReader Open(IO.IRandomAccess source) => DumpOpener.Open([DumpOpener.Unwrap(source)]);
}

/// <summary>A page the dump does not hold.</summary>
public sealed class PageNotAvailableException(ulong pfn, PageState state)
    : Exception($"page frame 0x{pfn:x} is {Describe(state)}")
{
    public ulong Pfn { get; } = pfn;
    public PageState State { get; } = state;

    private static string Describe(PageState s) => s switch
    {
        PageState.Hole => "not in the dump (memory hole)",
        PageState.Excluded => "excluded from the dump",
        PageState.Incomplete => "missing (the dump is incomplete)",
        _ => "not available",
    };
}
