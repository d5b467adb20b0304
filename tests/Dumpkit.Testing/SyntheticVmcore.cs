// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Text;
using Dumpkit.Formats.Elf;

namespace Dumpkit.Testing;

/// <summary>
/// Builds small ELF64 vmcores laid out as the kernel's /proc/vmcore does (or as QEMU's
/// dump-guest-memory does), with page contents that are a pure function of the frame number.
/// </summary>
public sealed class SyntheticVmcore
{
    public const int PageSize = 4096;
    public const string Release = "6.1.0-synthetic";
    public const long CrashTime = 1_700_000_000;

    /// <summary>(physical start, length in bytes, length backed by the file).</summary>
    public List<(ulong PAddr, ulong MemSize, ulong FileSize)> Segments { get; } =
    [
        (0x1000, 0x9ec00, 0x9ec00),        // ends inside a page, like x86's first RAM range
        (0x100000, 0x300000, 0x300000),    // 768 pages
        (0x800000, 0x40000, 0x20000),      // second half beyond p_filesz: excluded pages
    ];

    public bool QemuLayout { get; init; }
    public int Cpus { get; init; } = 2;

    public string VmcoreinfoText =>
        $"OSRELEASE={Release}\nPAGESIZE={PageSize}\nNUMBER(phys_base)=0\nCRASHTIME={CrashTime}\n";

    /// <summary>The content of a frame: some zero, some text, some pseudo-random.</summary>
    public static void FillPage(ulong pfn, Span<byte> page)
    {
        page.Clear();
        switch (pfn % 7)
        {
            case 0:
            case 3:
                return; // zero page
            case 1:
            {
                var line = Encoding.ASCII.GetBytes($"page {pfn:x} some compressible text line ");
                for (int i = 0; i + line.Length <= page.Length; i += line.Length)
                    line.CopyTo(page[i..]);
                return;
            }
            case 2:
                BinaryPrimitives.WriteUInt64LittleEndian(page, pfn);
                return; // nearly zero
            default:
            {
                ulong x = pfn * 0x9E3779B97F4A7C15UL + 1;
                for (int i = 0; i + 8 <= page.Length; i += 8)
                {
                    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                    BinaryPrimitives.WriteUInt64LittleEndian(page[i..], x);
                }
                return;
            }
        }
    }

    /// <summary>The byte at a physical address as the dump holds it (0 outside file-backed data).</summary>
    public byte[] ExpectedPage(ulong pfn)
    {
        var page = new byte[PageSize];
        var content = new byte[PageSize];
        FillPage(pfn, content);
        ulong start = pfn * PageSize;
        foreach (var (pa, _, fs) in Segments)
        {
            ulong s = Math.Max(start, pa), e = Math.Min(start + PageSize, pa + fs);
            if (s < e)
                content.AsSpan((int)(s - start), (int)(e - s)).CopyTo(page.AsSpan((int)(s - start)));
        }
        return page;
    }

    /// <summary>False for frames past every segment's p_filesz: excluded pages, as makedumpfile -E leaves them.</summary>
    public bool HasData(ulong pfn)
    {
        ulong start = pfn * PageSize;
        foreach (var (pa, _, fs) in Segments)
            if (start < pa + fs && start + PageSize > pa)
                return true;
        return false;
    }

    /// <summary>Frames as makedumpfile counts them (first byte's frame up to the last whole frame).</summary>
    public IEnumerable<ulong> Frames()
    {
        foreach (var (pa, ms, _) in Segments)
            for (ulong p = pa / PageSize; p < (pa + ms) / PageSize; p++)
                yield return p;
    }

    public byte[] Notes()
    {
        var ms = new MemoryStream();
        for (int i = 0; i < Cpus; i++)
            AddNote(ms, "CORE", ElfNote.NT_PRSTATUS, new byte[336]);
        AddNote(ms, "VMCOREINFO", 0, Encoding.ASCII.GetBytes(VmcoreinfoText));
        return ms.ToArray();
    }

    private static void AddNote(MemoryStream ms, string name, uint type, byte[] desc)
    {
        var n = Encoding.ASCII.GetBytes(name + "\0");
        Span<byte> h = stackalloc byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(h, (uint)n.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], (uint)desc.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], type);
        ms.Write(h);
        ms.Write(n);
        ms.Write(new byte[(4 - n.Length % 4) % 4]);
        ms.Write(desc);
        ms.Write(new byte[(4 - desc.Length % 4) % 4]);
    }

    public byte[] Build()
    {
        var header = Headers(out long dataOff);
        long total = dataOff;
        foreach (var sg in Segments) total += (long)sg.FileSize;
        var file = new byte[total];
        header.CopyTo(file, 0);
        long at = dataOff;
        var page = new byte[PageSize];
        foreach (var (pa, _, fs) in Segments)
        {
            for (ulong off = 0; off < fs; off++)
            {
                ulong addr = pa + off;
                if (off == 0 || addr % PageSize == 0)
                    FillPage(addr / PageSize, page);
                file[at + (long)off] = page[addr % PageSize];
            }
            at += (long)fs;
        }
        return file;
    }

    /// <summary>
    /// A large vmcore as a sparse file: only the frames <paramref name="dense"/> selects hold
    /// <see cref="FillPage"/> content, every other frame reads as zeros (and takes no disk space).
    /// Segments must start and end on page boundaries.
    /// </summary>
    public string WriteSparse(string dir, string name, Func<ulong, bool> dense)
    {
        var path = Path.Combine(dir, name);
        var header = Headers(out long dataOff);
        using var f = new FileStream(path, FileMode.Create, FileAccess.Write);
        f.Write(header);
        long at = dataOff;
        var page = new byte[PageSize];
        foreach (var (pa, _, fs) in Segments)
        {
            for (ulong off = 0; off < fs; off += PageSize)
            {
                ulong pfn = (pa + off) / PageSize;
                if (!dense(pfn)) continue;
                FillPage(pfn, page);
                f.Position = at + (long)off;
                f.Write(page);
            }
            at += (long)fs;
        }
        f.SetLength(at);
        return path;
    }

    /// <summary>ELF header, program headers and notes; <paramref name="dataOff"/>: where segment data starts.</summary>
    private byte[] Headers(out long dataOff)
    {
        var notes = Notes();
        int phnum = 1 + Segments.Count;
        // QEMU 7.2: e_shoff = 0x40 with one section header there, program headers after it.
        long shoff = QemuLayout ? ElfLayout.EhdrSize : 0;
        long phoff = QemuLayout ? ElfLayout.EhdrSize + 64 : ElfLayout.EhdrSize;
        long notesOff = phoff + phnum * ElfLayout.PhdrSize;
        dataOff = (notesOff + notes.Length + PageSize - 1) / PageSize * PageSize;
        var file = new byte[dataOff];
        ElfHeader.WriteCore(file, ElfLayout.EM_X86_64, phnum, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(32), (ulong)phoff);
        if (QemuLayout)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(40), (ulong)shoff);
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(58), 64);
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(60), 1);
            // Section header 0 (SHN_UNDEF) carries the real program header count in sh_info.
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan((int)shoff + 44), (uint)phnum);
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(56), ElfLayout.PN_XNUM);
        }
        new ElfPhdr(ElfLayout.PT_NOTE, 0, (ulong)notesOff, 0, 0, (ulong)notes.Length, (ulong)notes.Length, 0)
            .Write(file.AsSpan((int)phoff));
        notes.CopyTo(file, notesOff);
        long at = dataOff;
        for (int i = 0; i < Segments.Count; i++)
        {
            var (pa, ms, fs) = Segments[i];
            new ElfPhdr(ElfLayout.PT_LOAD, 7, (ulong)at, 0xffff888000000000 + pa, pa, fs, ms, 0)
                .Write(file.AsSpan((int)phoff + (i + 1) * ElfLayout.PhdrSize));
            at += (long)fs;
        }
        return file;
    }

    public string WriteTo(string dir, string name = "vmcore.elf")
    {
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, Build());
        return path;
    }
}
