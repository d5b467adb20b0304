// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kdump;

/// <summary>One part of the crashkernel= size: what it is for and how many bytes.</summary>
public sealed record EstimatePart(string Name, long Bytes, string Why);

/// <summary>
/// The smallest crashkernel= with which the capture kernel of one kernel series booted dumpkit's own capture initramfs
/// (<c>dumpkit kdump initrd</c>) and saved the dump to a disk in the QEMU end-to-end runs (<c>tests/e2e/kdump-e2e.sh initrd</c>,
/// a 400 MiB guest, one capture CPU, the default MAKEDUMP_ARGS; tests/e2e/RESULTS.md), bisected in 8 MiB steps.
/// </summary>
/// <param name="Series">The kernel's major.minor ("6.1").</param>
/// <param name="Size">The smallest crashkernel= that worked.</param>
/// <param name="InitrdBytes">The size of the initramfs image that run booted.</param>
/// <param name="Run">What was run and what the next size down did.</param>
public sealed record CrashkernelMeasurement(string Series, long Size, long InitrdBytes, string Run);

/// <summary>
/// The crashkernel= size a machine needs, anchored on what the QEMU end-to-end runs measured for the capture kernel's
/// series (<see cref="Measured"/>: 112 MiB on Debian's 6.1, 96 MiB on 6.12, each with its own 7.4 MiB capture initramfs;
/// a series never run takes the largest measured). What grows beyond that run is added:
/// <list type="bullet">
/// <item>a larger initramfs: 4 times the difference (the compressed image and its unpacked files,
/// about 3 times as large, are both in memory while it unpacks; at 104 MiB 6.1 ran out of memory unpacking);</item>
/// <item>more RAM: the dump job's two page bitmaps (2 bits per page, at most its 4 MiB cyclic
/// buffer each) and its peak RSS, measured at 15.3 MiB up to 16 GiB against 7 MiB in that run
/// (8 MiB more above 1 GiB);</item>
/// <item>more CPUs, only when the capture command line does not say nr_cpus=1 or maxcpus=1:
/// 2 MiB each beyond the first (per-CPU areas, stacks, a dump thread's buffers; an assumption);</item>
/// <item>the capture kernel's own page structures (1/64 of what is added).</item>
/// </list>
/// The sum is rounded up to 8 MiB, the step of the measurements.
/// </summary>
public sealed class CrashkernelEstimate
{
    public const long Mib = 1 << 20;
    public const long AnchorRam = 400 * Mib;
    /// <summary>The size assumed for dumpkit's capture initramfs before one is built.</summary>
    public const long DefaultInitrd = 8 * Mib;
    private const long BitmapCap = 4 * Mib, RssGrowth = 8 * Mib, PerCpu = 2 * Mib, Round = 8 * Mib;

    /// <summary>The e2e measurements, one per kernel series (tests/e2e/RESULTS.md, 2026-12-07).</summary>
    public static IReadOnlyList<CrashkernelMeasurement> Measured { get; } =
    [
        new("6.1", 112 * Mib, 7_712_603,
            "6.1.0-57-amd64: 112M saved the dump; at 104M the capture kernel ran out of memory unpacking the initramfs"),
        new("6.12", 96 * Mib, 7_708_880,
            "6.12.118+deb12-amd64: 96M saved the dump; at 88M the modules did not fit in the rootfs (unxz: No space left on device)"),
    ];

    public long Ram { get; }
    public int Cpus { get; }
    public bool OneCpu { get; }
    public long InitrdBytes { get; }
    /// <summary>The capture kernel's release the estimate was made for, or null when unknown.</summary>
    public string? Release { get; }
    /// <summary>The measurement the estimate starts from.</summary>
    public CrashkernelMeasurement Anchor { get; }
    /// <summary>Whether <see cref="Anchor"/> was measured on <see cref="Release"/>'s series (else: the largest measured).</summary>
    public bool AnchorMatches { get; }
    public List<EstimatePart> Parts { get; } = [];
    public long Bytes { get; }

    public CrashkernelEstimate(long ram, int cpus, bool oneCpu, long initrdBytes, string? release)
    {
        Ram = ram;
        Cpus = cpus;
        OneCpu = oneCpu;
        InitrdBytes = initrdBytes;
        Release = release;
        (Anchor, AnchorMatches) = AnchorFor(release);
        long anchorInitrd = Anchor.InitrdBytes;
        string where = AnchorMatches
            ? $"smallest size that worked in the e2e runs ({Anchor.Series}, 400 MiB guest, {SystemFacts.Mib(anchorInitrd)} initramfs)"
            : $"no e2e run on {(release is null ? "this kernel" : Series(release) ?? release)}: the largest measured ({Anchor.Series}, " +
              $"400 MiB guest, {SystemFacts.Mib(anchorInitrd)} initramfs)";
        Parts.Add(new("measured", Anchor.Size, where));
        Parts.Add(new("initramfs", Math.Max(0, initrdBytes - anchorInitrd) * 4,
            $"4 x its size beyond the {SystemFacts.Mib(anchorInitrd)} measured (image + unpacked files)"));
        Parts.Add(new("bitmaps", Math.Max(0, Bitmaps(ram) - Bitmaps(AnchorRam)), "2 bits per page of RAM, 4 MiB each at most"));
        Parts.Add(new("dump job", ram > 1024 * Mib ? RssGrowth : 0, "peak RSS growth above 1 GiB of RAM (15.3 MiB measured up to 16 GiB)"));
        Parts.Add(new("CPUs", oneCpu ? 0 : Math.Max(0, cpus - 1) * PerCpu,
            oneCpu ? "the capture kernel boots with one CPU (nr_cpus=1)" : "2 MiB per CPU beyond the first (no nr_cpus=1)"));
        long added = Parts.Sum(p => p.Bytes) - Anchor.Size;
        Parts.Add(new("page structures", added / 64, "the capture kernel's struct pages for what is added"));
        long total = Parts.Sum(p => p.Bytes);
        Bytes = (total + Round - 1) / Round * Round;
    }

    /// <summary>
    /// The measurement of <paramref name="release"/>'s series ("6.12.118+deb12-amd64": 6.12), or, for a series never measured
    /// or an unknown release, the largest one (false).
    /// </summary>
    public static (CrashkernelMeasurement Anchor, bool Matches) AnchorFor(string? release)
    {
        string? series = release is null ? null : Series(release);
        foreach (var m in Measured)
            if (m.Series == series)
                return (m, true);
        return (Measured.MaxBy(m => m.Size)!, false);
    }

    /// <summary>"MAJOR.MINOR" of a kernel release ("6.1.0-57-amd64": "6.1"), or null when it does not start so.</summary>
    public static string? Series(string release) =>
        Kernel.KernelVersion.Parse(release) is { } v ? $"{v.Major}.{v.Minor}" : null;

    private static long Bitmaps(long ram) => 2 * Math.Min(BitmapCap, ram / 4096 / 8);

    /// <summary>crashkernel=NNNM.</summary>
    public string Parameter => $"crashkernel={Bytes / Mib}M";
}
