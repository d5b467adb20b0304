// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Mm;
using Dumpkit.Formats;
using Dumpkit.Formats.Diskdump;

namespace Dumpkit.Kernel.Tests;

/// <summary>
/// Fresh dumps made with ../shared/lab (kdump-run.sh): DUMPKIT_LAB_VMCORES names a folder whose
/// subfolders each hold <c>kdump-vmcore.elf</c> and reference outputs <c>ref-dN</c> of a makedumpfile
/// that is right for that kernel (Debian's 1.7.2 for 6.1), made with <c>makedumpfile -d N</c>.
/// Skipped when the variable is not set.
/// </summary>
public class LabDumpTests
{
    public static TheoryData<string, int> Cases()
    {
        var d = new TheoryData<string, int>();
        var root = Environment.GetEnvironmentVariable("DUMPKIT_LAB_VMCORES");
        if (string.IsNullOrEmpty(root) || !Directory.Exists(root))
        {
            d.Add("", 0);
            return d;
        }
        foreach (var dir in Directory.GetDirectories(root).Order())
            foreach (int level in new[] { 2, 4, 8, 16, 31 })
                if (File.Exists(Path.Combine(dir, $"ref-d{level}")))
                    d.Add(dir, level);
        return d;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void SecondBitmapMatchesReference(string dir, int level)
    {
        Skip.If(dir == "", "DUMPKIT_LAB_VMCORES not set");
        using var dump = DumpReader.Open(Path.Combine(dir, "kdump-vmcore.elf"));
        var info = Vmcoreinfo.Parse(dump.VmcoreinfoText!);
        var bitmap = new PfnBitmap(dump.MaxPfn);
        foreach (var r in dump.RamRanges()) bitmap.SetRange(r.Start, r.End);
        var w = new StringWriter();
        var filter = PageFilter.Create(dump, info, (DumpLevel)level, w);
        foreach (var r in dump.RamRanges()) filter.Exclude(r.Start, r.End, bitmap);
        using var reference = (DiskdumpReader)DumpReader.Open(Path.Combine(dir, $"ref-d{level}"));
        int differ = 0;
        for (ulong p = 0; p < Math.Max(dump.MaxPfn, reference.MaxPfn); p++)
            if (bitmap[p] != reference.DumpableBitmap[p]) differ++;
        Assert.True(differ == 0, $"{Path.GetFileName(dir)} -d {level}: {differ} frames differ; {filter.Statistics}; {w}");
        Assert.True(filter.Statistics.Total > 0);

        // The same from odd-sized chunks on two threads: cuts through buddy blocks and compound pages.
        var chunked = new PfnBitmap(dump.MaxPfn);
        foreach (var r in dump.RamRanges()) chunked.SetRange(r.Start, r.End);
        var again = PageFilter.Create(dump, info, (DumpLevel)level, TextWriter.Null);
        var chunks = new List<(ulong, ulong)>();
        for (ulong s = 0; s < dump.MaxPfn; s += 333) chunks.Add((s, Math.Min(s + 333, dump.MaxPfn)));
        Parallel.ForEach(chunks, new ParallelOptions { MaxDegreeOfParallelism = 2 }, c => again.Exclude(c.Item1, c.Item2, chunked));
        Assert.True(chunked.Bytes.SequenceEqual(bitmap.Bytes), "chunked result differs");
    }
}

public class LabDumpDmesgTests
{
    /// <summary>init_uts_ns through the page tables (4- or 5-level, as the guest ran).</summary>
    [SkippableTheory]
    [MemberData(nameof(Dirs))]
    public void ReadsInitUtsNs(string dir)
    {
        Skip.If(dir == "", "DUMPKIT_LAB_VMCORES not set");
        using var dump = DumpReader.Open(Path.Combine(dir, "kdump-vmcore.elf"));
        var info = Vmcoreinfo.Parse(dump.VmcoreinfoText!);
        var mem = new KernelMemory(dump, info);
        Assert.Equal(dir.Contains("la57"), mem.FiveLevel);
        var name = new byte[65 * 3];
        // OFFSET(uts_namespace.name) is exported since 5.11; before, name follows a 4-byte struct kref.
        mem.ReadVirtual(info.Symbol("init_uts_ns")!.Value + (ulong)(info.Offset("uts_namespace.name") ?? 4), name);
        Assert.Equal(info.OsRelease, System.Text.Encoding.ASCII.GetString(name, 130, 65).TrimEnd('\0'));
    }

    public static TheoryData<string> Dirs()
    {
        var d = new TheoryData<string>();
        var root = Environment.GetEnvironmentVariable("DUMPKIT_LAB_VMCORES");
        if (string.IsNullOrEmpty(root) || !Directory.Exists(root))
        {
            d.Add("");
            return d;
        }
        foreach (var dir in Directory.GetDirectories(root).Order())
            if (File.Exists(Path.Combine(dir, "ref-dmesg.txt")))
                d.Add(dir);
        return d;
    }

    public static TheoryData<string> PartialDirs()
    {
        var d = new TheoryData<string>();
        var root = Environment.GetEnvironmentVariable("DUMPKIT_LAB_VMCORES");
        if (string.IsNullOrEmpty(root) || !Directory.Exists(root))
        {
            d.Add("");
            return d;
        }
        foreach (var dir in Directory.GetDirectories(root).Order())
            if (File.Exists(Path.Combine(dir, "ref-dmesg-partial.txt")))
                d.Add(dir);
        if (d.Count == 0) d.Add("");
        return d;
    }

    /// <summary>
    /// <c>ref-dmesg-partial.txt</c> = upstream's <c>--dump-dmesg --partial-dmesg</c>; the lab dumps were made
    /// without <c>dmesg -c</c>, so these are corpus dumps whose clear_seq (latched, odd sequence → val[1]) was
    /// set to 150 in every PT_LOAD holding it (make-lab-dumps.sh, patch_clear_seq).
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(PartialDirs))]
    public void PartialDmesgMatchesReference(string dir)
    {
        Skip.If(dir == "", "no partial-dmesg reference under DUMPKIT_LAB_VMCORES");
        using var dump = DumpReader.Open(Path.Combine(dir, "kdump-vmcore.elf"));
        var actual = Dmesg.Extract(dump, Vmcoreinfo.Parse(dump.VmcoreinfoText!), true);
        var expected = File.ReadAllBytes(Path.Combine(dir, "ref-dmesg-partial.txt"));
        Assert.True(actual.AsSpan().SequenceEqual(expected), $"{Path.GetFileName(dir)}: {actual.Length} vs {expected.Length} bytes");
        Assert.True(expected.Length > 1000);
    }

    /// <summary><c>ref-dmesg.txt</c> = upstream makedumpfile's <c>--dump-dmesg</c> of the fresh dump.</summary>
    [SkippableTheory]
    [MemberData(nameof(Dirs))]
    public void DmesgMatchesReference(string dir)
    {
        Skip.If(dir == "", "DUMPKIT_LAB_VMCORES not set");
        using var dump = DumpReader.Open(Path.Combine(dir, "kdump-vmcore.elf"));
        var actual = Dmesg.Extract(dump, Vmcoreinfo.Parse(dump.VmcoreinfoText!), false);
        Assert.True(actual.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir, "ref-dmesg.txt"))), Path.GetFileName(dir));
    }
}
