// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Mm;
using System.Text;
using Dumpkit.Formats;
using Dumpkit.Formats.Diskdump;
using Dumpkit.Kernel.Printk;

namespace Dumpkit.Kernel.Tests;

/// <summary>Address translation, memory model and the lab's ground truth on the real dumps.</summary>
public class RealDumpKernelTests
{
    [SkippableTheory]
    [InlineData(RealData.Kernel61, 0xffff8e3080000000UL, 0xfffff54a40000000UL)]
    [InlineData(RealData.Kernel612, 0xffff8e9c40000000UL, 0xfffffc9c80000000UL)]
    public void TranslatesKernelAddresses(string kernel, ulong pageOffset, ulong vmemmap)
    {
        var (dump, info) = RealData.OpenVmcore(kernel);
        using (dump)
        {
            var mem = new KernelMemory(dump, info);
            Assert.Equal("vmcoreinfo", mem.PhysBaseSource);
            Assert.Equal(pageOffset, mem.PageOffset);
            // init_uts_ns.name through the page tables: sysname and release.
            ulong uts = info.Symbol("init_uts_ns")!.Value + (ulong)(info.Offset("uts_namespace.name") ?? 0);
            var name = new byte[65 * 3];
            mem.ReadVirtual(uts, name);
            Assert.Equal("Linux", Encoding.ASCII.GetString(name, 0, 5));
            Assert.Equal(info.OsRelease, Encoding.ASCII.GetString(name, 130, 65).TrimEnd('\0'));
            // Kernel text: page tables agree with the __START_KERNEL_map formula.
            Assert.Equal(mem.KernelTextToPhysical(uts), mem.Translate(uts));
            // Direct map: SYMBOL(mem_section) is a direct-map address.
            ulong ms = info.Symbol("mem_section")!.Value;
            Assert.Equal(ms - pageOffset, mem.Translate(ms));

            var sections = Mm.MemSections.Load(mem, dump.MaxPfn, TextWriter.Null)!;
            Assert.True(sections.Extreme);
            Assert.Equal(vmemmap, sections.VmemmapBase);
            Assert.Equal([vmemmap, vmemmap + 0x200000, vmemmap + 0x400000], sections.Ranges().Select(r => r.MemMap));
            Assert.Equal(dump.MaxPfn, sections.Ranges().Last().EndPfn);
        }
    }

    [SkippableTheory]
    [InlineData(RealData.Kernel61)]
    [InlineData(RealData.Kernel612)]
    public void ParallelChunksGiveTheUpstreamBitmap(string kernel)
    {
        var (dump, info) = RealData.OpenVmcore(kernel);
        using (dump)
        {
            var bitmap = new PfnBitmap(dump.MaxPfn);
            foreach (var r in dump.RamRanges()) bitmap.SetRange(r.Start, r.End);
            var filter = PageFilter.Create(dump, info, DumpLevel.All, TextWriter.Null);
            // Odd-sized chunks that cut through buddy blocks and compound pages.
            var chunks = new List<(ulong, ulong)>();
            for (ulong s = 0; s < dump.MaxPfn; s += 777) chunks.Add((s, Math.Min(s + 777, dump.MaxPfn)));
            Parallel.ForEach(chunks, new ParallelOptions { MaxDegreeOfParallelism = 2 }, c => filter.Exclude(c.Item1, c.Item2, bitmap));
            using var reference = (DiskdumpReader)DumpReader.Open(RealData.Kernel(kernel, "mdf-d31"));
            Assert.True(bitmap.Bytes.SequenceEqual(reference.DumpableBitmap.Bytes[..bitmap.Bytes.Length]));
        }
    }

    [SkippableTheory]
    [InlineData(RealData.Kernel61)]
    [InlineData(RealData.Kernel612)]
    public void RefilteringAKdumpFileGivesTheUpstreamBitmap(string kernel)
    {
        // Input: upstream's -c -d 1 output (kdump-compressed, zlib); filter it to -d 31.
        using var input = DumpReader.Open(RealData.Kernel(kernel, "mdf-c-d1"));
        var info = Vmcoreinfo.Parse(input.VmcoreinfoText!);
        var bitmap = new PfnBitmap(input.MaxPfn);
        foreach (var r in input.RamRanges()) bitmap.SetRange(r.Start, r.End);
        // No PT_LOADs here: the direct map's base comes from the page tables.
        Assert.Equal(kernel == RealData.Kernel61 ? 0xffff8e3080000000UL : 0xffff8e9c40000000UL, new KernelMemory(input, info).PageOffset);
        var w = new StringWriter();
        var filter = PageFilter.Create(input, info, DumpLevel.All, w);
        foreach (var r in input.RamRanges()) filter.Exclude(r.Start, r.End, bitmap);
        using var reference = (DiskdumpReader)DumpReader.Open(RealData.Kernel(kernel, "mdf-d31"));
        int differ = 0;
        for (ulong p = 0; p < input.MaxPfn; p++)
            if (bitmap[p] != reference.DumpableBitmap[p]) differ++;
        Assert.True(differ == 0, $"{differ} frames differ; {filter.Statistics}; {w}");
    }

    private static bool StartsWith(ReadOnlySpan<byte> page, string marker) => page.StartsWith(Encoding.ASCII.GetBytes(marker));
    private static bool Within128(ReadOnlySpan<byte> page, string marker) => page[..128].IndexOf(Encoding.ASCII.GetBytes(marker)) >= 0;

    [SkippableTheory]
    [InlineData(RealData.Kernel61)]
    [InlineData(RealData.Kernel612)]
    public void LabGroundTruth(string kernel)
    {
        var page = new byte[4096];
        var (dump, info) = RealData.OpenVmcore(kernel);
        using (dump)
        {
            int anonBefore = 0, cacheBefore = 0;
            foreach (var r in dump.RamRanges())
                for (ulong p = r.Start; p < r.End; p++)
                {
                    dump.ReadPage(p, page);
                    if (StartsWith(page, "LABANON:")) anonBefore++;
                    if (Within128(page, "LABCACHE") || Within128(page, "LABDISK")) cacheBefore++;
                }
            Assert.Equal(6144, anonBefore); // GROUND-TRUTH.md census of vmcore.elf
            Assert.True(cacheBefore > 4096);

            foreach (int level in new[] { 2, 4, 8, 31 })
            {
                var (bits, _, _) = RealDumpFilterTests.Filter(kernel, level);
                int anon = 0, cache = 0;
                foreach (var r in bits.Runs())
                    for (ulong p = r.Start; p < r.End; p++)
                    {
                        dump.ReadPage(p, page);
                        if (StartsWith(page, "LABANON:")) anon++;
                        if (Within128(page, "LABCACHE") || Within128(page, "LABDISK")) cache++;
                    }
                if ((level & 8) != 0) Assert.True(anon == 0, $"-d {level}: {anon} LABANON pages survive");
                if ((level & 6) != 0) Assert.True(cache == 0, $"-d {level}: {cache} LABCACHE/LABDISK pages survive");

                if (level == 31)
                {
                    // Every page the kernel log lives in survives.
                    var mem = new KernelMemory(dump, info);
                    var rb = PrintkRingbuffer.Load(mem, info);
                    foreach (var (addr, len) in rb.Regions)
                        for (ulong a = addr & ~0xfffUL; a < addr + (ulong)len; a += 4096)
                            Assert.True(bits[mem.Translate(a) >> 12], $"log page at 0x{a:x} dropped");
                }
            }
        }
    }
}
