using Dumpkit.Formats.IO;

namespace Dumpkit.Formats.Elf;

/// <summary>A PT_LOAD to reproduce in the output: physical and virtual start, and length in memory.</summary>
public readonly record struct ElfSegment(ulong PAddr, ulong VAddr, ulong MemSize);

/// <summary>
/// Writes an ELF64 vmcore (<c>makedumpfile -E</c>): the input's note segment and its PT_LOADs,
/// each cut where at least <see cref="CutRun"/> consecutive pages are excluded. Excluded pages
/// inside a kept stretch are written as zeros (their content is dropped, as the dump level
/// asked), trailing ones lie beyond p_filesz. e_flags bit 0 (incomplete) stays set until the
/// last byte is on disk.
/// </summary>
public static class ElfDumpWriter
{
    /// <summary>Runs of excluded pages at least this long split a segment (as makedumpfile does).</summary>
    public const int CutRun = 256;

    public static long Write(IDumpSink sink, DumpReader input, IReadOnlyList<ElfSegment> segments, PfnBitmap keep,
        byte[] notes, Action<ulong, ulong>? progress = null)
    {
        int bs = input.PageSize;
        int shift = input.PageShift;
        var loads = new List<(ulong PAddr, ulong VAddr, ulong MemSize, ulong FileSize)>();
        foreach (var seg in segments)
        {
            ulong first = seg.PAddr >> shift;
            ulong endAddr = seg.PAddr + seg.MemSize;
            ulong last = endAddr >> shift; // whole pages only, as the reader counts them
            ulong p = first;
            ulong segStart = seg.PAddr;
            // Split at long excluded runs.
            var pieces = new List<(ulong Start, ulong KeptEnd)>(); // page numbers
            ulong pieceStart = first, keptEnd = first;
            bool any = false;
            while (p < last)
            {
                if (keep[p])
                {
                    keptEnd = p + 1;
                    any = true;
                    p++;
                    continue;
                }
                ulong runStart = p;
                while (p < last && !keep[p]) p++;
                if (p - runStart >= CutRun && any && p < last)
                {
                    pieces.Add((pieceStart, keptEnd));
                    pieceStart = p;
                    keptEnd = p;
                    any = false;
                }
            }
            pieces.Add((pieceStart, keptEnd));
            for (int i = 0; i < pieces.Count; i++)
            {
                ulong startAddr = i == 0 ? segStart : pieces[i].Start << shift;
                ulong stopAddr = i + 1 < pieces.Count ? pieces[i + 1].Start << shift : endAddr;
                ulong fileEnd = pieces[i].KeptEnd << shift;
                ulong fileSize = fileEnd > startAddr ? fileEnd - startAddr : 0;
                loads.Add((startAddr, seg.VAddr + (startAddr - seg.PAddr), stopAddr - startAddr, fileSize));
            }
        }

        int phnum = 1 + loads.Count;
        long notesOffset = ElfLayout.EhdrSize + (long)phnum * ElfLayout.PhdrSize;
        long dataOffset = notesOffset + notes.Length;
        var head = new byte[dataOffset];
        ElfHeader.WriteCore(head, ElfLayout.EM_X86_64, phnum, ElfLayout.ElfIncomplete);
        new ElfPhdr(ElfLayout.PT_NOTE, 0, (ulong)notesOffset, 0, 0, (ulong)notes.Length, (ulong)notes.Length, 0)
            .Write(head.AsSpan(ElfLayout.EhdrSize));
        long cursor = dataOffset;
        for (int i = 0; i < loads.Count; i++)
        {
            var l = loads[i];
            ulong off = l.FileSize > 0 ? (ulong)cursor : 0;
            new ElfPhdr(ElfLayout.PT_LOAD, 7, off, l.VAddr, l.PAddr, l.FileSize, l.MemSize, 0)
                .Write(head.AsSpan(ElfLayout.EhdrSize + (i + 1) * ElfLayout.PhdrSize));
            cursor += (long)l.FileSize;
        }
        notes.CopyTo(head, (int)notesOffset);
        sink.Write(0, head);

        ulong total = 0;
        foreach (var l in loads) total += l.FileSize / (ulong)bs + 1;
        ulong done = 0;
        var page = new byte[bs];
        var buf = new byte[256 * bs];
        long at = dataOffset;
        foreach (var l in loads)
        {
            ulong addr = l.PAddr, end = l.PAddr + l.FileSize;
            int fill = 0;
            while (addr < end)
            {
                ulong pfn = addr >> shift;
                int inPage = (int)(addr & (ulong)(bs - 1));
                int n = (int)Math.Min((ulong)(bs - inPage), end - addr);
                if (keep[pfn] && input.GetPageState(pfn) == PageState.Present)
                    input.ReadPage(pfn, page);
                else
                    Array.Clear(page);
                page.AsSpan(inPage, n).CopyTo(buf.AsSpan(fill));
                fill += n;
                addr += (ulong)n;
                if (fill > buf.Length - bs)
                {
                    sink.Write(at, buf.AsSpan(0, fill));
                    at += fill;
                    fill = 0;
                }
                if ((++done & 1023) == 0) progress?.Invoke(done, total);
            }
            if (fill > 0)
            {
                sink.Write(at, buf.AsSpan(0, fill));
                at += fill;
            }
        }
        progress?.Invoke(total, total);
        sink.Flush();
        ElfHeader.WriteCore(head, ElfLayout.EM_X86_64, phnum, 0);
        sink.Write(0, head.AsSpan(0, ElfLayout.EhdrSize));
        sink.Complete();
        return at;
    }
}
