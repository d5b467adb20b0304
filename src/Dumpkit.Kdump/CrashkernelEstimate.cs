// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kdump;

/// <summary>One part of the crashkernel= size: what it is for and how many bytes.</summary>
public sealed record EstimatePart(string Name, long Bytes, string Why);

/// <summary>
/// The crashkernel= size a machine needs, anchored on what the QEMU end-to-end runs measured
/// (tests/e2e/RESULTS.md): savecore with the default MAKEDUMP_ARGS worked at 112 MiB on Debian's 6.1
/// (100 MiB on 6.12, 104 MiB on 6.1 ran out of memory) in a 400 MiB guest, with a capture initramfs of
/// about 5 MiB (the lab's 3.2 MiB image, dumpkit in place of kexec-tools and makedumpfile) and the
/// dump written to the capture kernel's tmpfs. What grows beyond that run is added:
/// <list type="bullet">
/// <item>a larger initramfs: 4 times the difference (the compressed image and its unpacked files,
/// about 3 times as large, are both in memory while it unpacks);</item>
/// <item>more RAM: the dump job's two page bitmaps (2 bits per page, at most its 4 MiB cyclic
/// buffer each) and its peak RSS, measured at 15.3 MiB up to 16 GiB against 7 MiB in that run
/// (8 MiB more above 1 GiB);</item>
/// <item>more CPUs, only when the capture command line does not say nr_cpus=1 or maxcpus=1:
/// 2 MiB each beyond the first (per-CPU areas, stacks, a dump thread's buffers; an assumption);</item>
/// <item>the capture kernel's own page structures (1/64 of what is added).</item>
/// </list>
/// The sum is rounded up to 16 MiB. The kernel image is left out: 6.12's is larger than 6.1's and
/// needed less.
/// </summary>
public sealed class CrashkernelEstimate
{
    public const long Mib = 1 << 20;
    public const long AnchorSize = 112 * Mib, AnchorRam = 400 * Mib, AnchorInitrd = 5 * Mib;
    /// <summary>The size assumed for dumpkit's capture initramfs before one is built.</summary>
    public const long DefaultInitrd = 8 * Mib;
    private const long BitmapCap = 4 * Mib, RssGrowth = 8 * Mib, PerCpu = 2 * Mib, Round = 16 * Mib;

    public long Ram { get; }
    public int Cpus { get; }
    public bool OneCpu { get; }
    public long InitrdBytes { get; }
    public List<EstimatePart> Parts { get; } = [];
    public long Bytes { get; }

    public CrashkernelEstimate(long ram, int cpus, bool oneCpu, long initrdBytes)
    {
        Ram = ram;
        Cpus = cpus;
        OneCpu = oneCpu;
        InitrdBytes = initrdBytes;
        Parts.Add(new("measured", AnchorSize, "smallest size that worked in the e2e runs (6.1, 400 MiB guest, 5 MiB initramfs)"));
        Parts.Add(new("initramfs", Math.Max(0, initrdBytes - AnchorInitrd) * 4, "4 x its size beyond 5 MiB (image + unpacked files)"));
        Parts.Add(new("bitmaps", Math.Max(0, Bitmaps(ram) - Bitmaps(AnchorRam)), "2 bits per page of RAM, 4 MiB each at most"));
        Parts.Add(new("dump job", ram > 1024 * Mib ? RssGrowth : 0, "peak RSS growth above 1 GiB of RAM (15.3 MiB measured up to 16 GiB)"));
        Parts.Add(new("CPUs", oneCpu ? 0 : Math.Max(0, cpus - 1) * PerCpu,
            oneCpu ? "the capture kernel boots with one CPU (nr_cpus=1)" : "2 MiB per CPU beyond the first (no nr_cpus=1)"));
        long added = Parts.Sum(p => p.Bytes) - AnchorSize;
        Parts.Add(new("page structures", added / 64, "the capture kernel's struct pages for what is added"));
        long total = Parts.Sum(p => p.Bytes);
        Bytes = (total + Round - 1) / Round * Round;
    }

    private static long Bitmaps(long ram) => 2 * Math.Min(BitmapCap, ram / 4096 / 8);

    /// <summary>crashkernel=NNNM.</summary>
    public string Parameter => $"crashkernel={Bytes / Mib}M";
}
