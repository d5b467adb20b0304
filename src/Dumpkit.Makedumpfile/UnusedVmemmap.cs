// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats;
using Dumpkit.Kernel;
using Dumpkit.Kernel.Mm;

namespace Dumpkit.Makedumpfile;

/// <summary>
/// makedumpfile's <c>-e</c>: the vmemmap frames that hold only struct pages of frames the dump leaves out. The
/// bitmaps are read as makedumpfile reads them, in blocks of 32768 frames (its 4 KiB bitmap buffer) and 64-frame
/// words: a run of at least two words that are all RAM and none of them dumpable (after page classification,
/// before zero pages) gives up the vmemmap frames holding only its struct pages. Runs end at a block's end. For an ELF
/// output (<c>-E</c>) with dump level bit 1, makedumpfile has already taken zero pages out of its dumpable bitmap at this
/// point (an ELF header needs the final set), so there a word whose dumpable frames are all zero pages counts as unused.
/// </summary>
internal static class UnusedVmemmap
{
    private const ulong BlockFrames = 4096 * 8;

    /// <summary>
    /// The frames to leave out, as (first vmemmap frame, count) in the order found; <paramref name="source"/> gives the
    /// bitmaps (its statistics are not the run's: give it a page filter of its own).
    /// </summary>
    public static List<(ulong Start, ulong Count)> Find(DumpBitmaps source, ulong maxPfn, VmemmapLayout layout, DumpReader? zeroPages = null)
    {
        var found = new List<(ulong, ulong)>();
        var page = zeroPages is null ? [] : new byte[zeroPages.PageSize];
        for (ulong first = 0; first < maxPfn; first += BlockFrames)
        {
            ulong end = Math.Min(first + BlockFrames, maxPfn);
            var ram = new PfnBitmap(first, end);
            var dumpable = new PfnBitmap(first, end);
            source.Fill(ram, dumpable, firstPass: true);
            int words = (int)(BlockFrames / 64);
            int run = -1;
            for (int i = 0; i <= words; i++)
            {
                bool unused = i < words && Word(ram, i) == ulong.MaxValue
                    && (Word(dumpable, i) == 0 || (zeroPages is not null && AllZero(zeroPages, first + (ulong)i * 64, Word(dumpable, i), page)));
                if (unused)
                {
                    if (run < 0) run = i;
                    continue;
                }
                // a word with a hole, a dumpable frame, or the block's end closes the run
                if (run >= 0 && i - run > 1)
                {
                    ulong startPfn = first + (ulong)run * 64, lastPfn = first + (ulong)i * 64 - 1;
                    if (layout.TryFind(startPfn, lastPfn, out ulong vmemmapPfn, out ulong count))
                        found.Add((vmemmapPfn, count));
                }
                run = -1;
            }
        }
        return found;
    }

    /// <summary>Whether every frame of the word's dumpable bits (from <paramref name="first"/>) is a page of zeros.</summary>
    private static bool AllZero(DumpReader input, ulong first, ulong bits, byte[] page)
    {
        for (int k = 0; k < 64; k++)
        {
            if ((bits & (1UL << k)) == 0)
                continue;
            try
            {
                input.ReadPage(first + (ulong)k, page);
            }
            catch (PageNotAvailableException)
            {
                return false;
            }
            if (page.AsSpan().ContainsAnyExcept((byte)0))
                return false;
        }
        return true;
    }

    private static ulong Word(PfnBitmap b, int index)
    {
        var bytes = b.Bytes;
        int at = index * 8;
        if (at >= bytes.Length) return 0;
        if (at + 8 <= bytes.Length) return System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes[at..]);
        ulong w = 0;
        for (int k = 0; at + k < bytes.Length; k++)
            w |= (ulong)bytes[at + k] << (8 * k);
        return w;
    }

    /// <summary>
    /// The frames -e leaves out of <paramref name="input"/>'s dump at <paramref name="level"/>, or null (with
    /// makedumpfile's messages) when the vmemmap cannot be found: the dump is then made without -e, as makedumpfile does.
    /// </summary>
    public static List<(ulong Start, ulong Count)>? Plan(DumpReader input, Vmcoreinfo? info, DumpLevel level, bool wholeLastPages,
        bool elf, Messages msg)
    {
        bool classify = (level & DumpLevel.KernelClasses) != 0;
        // the filter of the dump level (statistics of its own), or one only for the kernel's memory map
        var filter = info is null ? null : PageFilter.Create(input, info, classify ? level : DumpLevel.Free, TextWriter.Null);
        string? problem = "no VMCOREINFO";
        VmemmapLayout? layout = null;
        if (filter is { Memory: { } mem, Sections: { } sections })
        {
            ulong maxPaddr = 0;
            foreach (var seg in input.Segments)
                maxPaddr = Math.Max(maxPaddr, seg.PhysicalEnd);
            layout = VmemmapLayout.Load(mem, sections, maxPaddr >> 12, out problem);
        }
        if (layout is null)
        {
            if (problem == "vmemmap pmd not huge")
                msg.Out.WriteLine("vmemmap pmd not huge, abort");
            msg.Fail("create_dumpfile: Can't find vmemmap pages");
            return null;
        }
        var source = new DumpBitmaps(input, classify && filter!.IsActive ? filter : null, new Statistics(input)) { WholeLastPages = wholeLastPages };
        var found = Find(source, input.MaxPfn, layout, elf && (level & DumpLevel.Zero) != 0 ? input : null);
        ulong total = 0;
        foreach (var (_, n) in found) total += n;
        if ((msg.Level & Messages.Progress) != 0)
        {
            msg.Err.WriteLine();
            msg.Err.WriteLine($"Excluded {total} unused vmemmap pages");
        }
        return found;
    }
}
