// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats;

namespace Dumpkit.Makedumpfile.Tests;

/// <summary>
/// <c>--mem-usage</c> on /proc/kcore leaves the <c>crashkernel=</c> reservation ("Crash kernel" in /proc/iomem) out of the
/// census, as makedumpfile does (get_kcore_dump_loads cuts it out of kcore's PT_LOADs); a dump is counted whole. A synthetic
/// kcore-like ELF stands in a directory named <c>proc</c> beside an iomem; the real /proc/kcore is counted in QEMU against
/// Debian's makedumpfile by tests/e2e/kcore-mem-usage.sh.
/// </summary>
public class KcoreCensusTests
{
    // /proc/iomem's layout: nested ranges indented by two spaces, the reservation inside System RAM.
    private const string Iomem = """
        00000000-00000fff : Reserved
        00001000-0009fbff : System RAM
        000a0000-000bffff : PCI Bus 0000:00
        00100000-003fffff : System RAM
          00180000-001fffff : Kernel code
          00200000-0027ffff : Crash kernel
          00280000-002bffff : Kernel data
        00800000-0083ffff : System RAM
          00810000-0081ffff : Crash kernel
          00820000-0082ffff : Crash kernel notes
        fee00000-fee00fff : Local APIC

        """;

    [Fact]
    public void ParseTakesEveryCrashKernelLineAtAnyDepth()
    {
        var ranges = CrashKernelRanges.Parse(Iomem);
        var lines = Iomem.Split('\n').Where(l => l.EndsWith(" : Crash kernel", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(lines.Count, ranges.Count);
        for (int i = 0; i < lines.Count; i++)
        {
            var bounds = lines[i].Trim().Split(' ')[0].Split('-');
            Assert.Equal(Convert.ToUInt64(bounds[0], 16), ranges[i].Start);
            Assert.Equal(Convert.ToUInt64(bounds[1], 16) + 1, ranges[i].End);
        }
    }

    [Fact]
    public void ParseIgnoresTheZeroedAddressesAnUnprivilegedReaderSees()
    {
        string unprivileged = string.Join('\n', Iomem.Split('\n').Select(l =>
            System.Text.RegularExpressions.Regex.Replace(l, "[0-9a-f]{8}-[0-9a-f]{8}", "00000000-00000000")));
        Assert.NotEmpty(CrashKernelRanges.Parse(Iomem));
        Assert.Empty(CrashKernelRanges.Parse(unprivileged));
    }

    [Fact]
    public void KcoreCensusLeavesTheReservationOut()
    {
        var vm = new SyntheticVmcore();
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["proc"]);
        string kcore = vm.WriteTo(dir["proc"], "kcore");
        File.WriteAllText(Path.Combine(dir["proc"], "iomem"), Iomem);
        var reserved = CrashKernelRanges.ForInput(kcore);
        Assert.Equal(CrashKernelRanges.Parse(Iomem), reserved);

        // the same memory without the reservation: segments that never held it
        var without = new SyntheticVmcore();
        without.Segments.Clear();
        foreach (var (pa, ms, fs) in vm.Segments)
        {
            ulong s = pa;
            foreach (var r in reserved.Where(r => r.Start < pa + ms && r.End > pa).OrderBy(r => r.Start))
            {
                if (r.Start > s) without.Segments.Add((s, r.Start - s, Math.Min(r.Start - s, pa + fs > s ? pa + fs - s : 0)));
                s = r.End;
            }
            if (s < pa + ms) without.Segments.Add((s, pa + ms - s, pa + fs > s ? pa + fs - s : 0));
        }
        Assert.True(without.Segments.Count > vm.Segments.Count);

        var errors = new StringWriter();
        var ours = PageCensus.Take(kcore, errors, threads: 1);
        Assert.True(ours is not null, errors.ToString());
        var expected = PageCensus.Take(without.WriteTo(dir.Path, "without.elf"), errors, threads: 1);
        var whole = PageCensus.Take(vm.WriteTo(dir.Path, "kcore"), errors, threads: 1);
        Assert.True(expected is not null && whole is not null, errors.ToString());
        Assert.Equal(expected, ours);
        ulong reservedFrames = (ulong)vm.Frames().Count(p => reserved.Any(r => p * SyntheticVmcore.PageSize >= r.Start
            && p * SyntheticVmcore.PageSize < r.End));
        Assert.True(reservedFrames > 0);
        Assert.Equal(whole.TotalPages - reservedFrames, ours.TotalPages);
    }

    [Fact]
    public void OnlyKcoreReadsTheIomemBesideIt()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["proc"]);
        File.WriteAllText(Path.Combine(dir["proc"], "iomem"), Iomem);
        Assert.NotEmpty(CrashKernelRanges.ForInput(Path.Combine(dir["proc"], "kcore")));
        Assert.Empty(CrashKernelRanges.ForInput(Path.Combine(dir["proc"], "vmcore")));
        Assert.Empty(CrashKernelRanges.ForInput(dir["kcore"]));
        File.Delete(Path.Combine(dir["proc"], "iomem"));
        Assert.Empty(CrashKernelRanges.ForInput(Path.Combine(dir["proc"], "kcore")));
    }
}
