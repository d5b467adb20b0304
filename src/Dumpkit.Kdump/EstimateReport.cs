// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text.Json;
using Dumpkit.Kexec;
using Dumpkit.Makedumpfile;

namespace Dumpkit.Kdump;

/// <summary>
/// <c>kdump estimate</c>: the crashkernel= size this machine needs (<see cref="CrashkernelEstimate"/>) and
/// the dump the configured MAKEDUMP_ARGS would write, from the page classes of the running system
/// (<c>makedumpfile --mem-usage /proc/kcore</c>'s census, taken in-process).
/// </summary>
public sealed class EstimateReport
{
    public long? Ram { get; private init; }
    public int? Cpus { get; private init; }
    public string? InitrdPath { get; private init; }
    public long InitrdBytes { get; private init; }
    public CrashkernelEstimate? Crashkernel { get; private init; }
    public long? Reserved { get; private init; }
    public int? DumpLevel { get; private init; }
    public PageCensus? Census { get; private init; }
    /// <summary>Why there is no census (no /proc/kcore, makedumpfile's message), or null.</summary>
    public string? CensusProblem { get; private init; }
    public string Kcore { get; private init; } = "/proc/kcore";

    /// <summary>Bytes the dump keeps before compression, or null without a census.</summary>
    public long? ExpectedDumpBytes =>
        Census is { } c && DumpLevel is int l ? (long)(c.KeptPages(l) * c.PageSize) : null;

    /// <summary>The facts, the size and (with <paramref name="census"/>) the census of <c>/proc/kcore</c>.</summary>
    public static EstimateReport Make(KdumpPlan plan, KexecHost host, bool census)
    {
        long? ram = SystemFacts.MemTotal(host);
        int? cpus = SystemFacts.OnlineCpus(host);
        var config = plan.Config;
        string own = host.SystemPath(KdumpPlan.OwnInitrdPath(plan.Release));
        string? initrd = config.Initrd is { } c && File.Exists(c) ? c : File.Exists(own) ? own : null;
        long initrdBytes = initrd is null ? CrashkernelEstimate.DefaultInitrd : new FileInfo(initrd).Length;
        int? level = null;
        try
        {
            var job = MakedumpfileCommand.ParseDumpJob([.. config.MakedumpArgs.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries),
                "/proc/vmcore", "dump"]);
            level = (int)job.Levels[0];
        }
        catch (UsageException)
        {
            try
            {
                level = (int)MakedumpfileCommand.ParseDumpJob([.. config.MakedumpArgs.Split([' ', '\t'],
                    StringSplitOptions.RemoveEmptyEntries), "/proc/vmcore"]).Levels[0];
            }
            catch (UsageException) { }
        }
        string kcore = host.SystemPath("/proc/kcore");
        PageCensus? pages = null;
        string? problem = null;
        if (!census)
            problem = "not taken (run kdump estimate or kdump test)";
        else if (!File.Exists(kcore))
            problem = $"{kcore}: {Cli.SystemErrors.StrError(Cli.SystemErrors.Enoent)}";
        else
        {
            var errors = new StringWriter();
            pages = PageCensus.Take(kcore, errors);
            if (pages is null)
                problem = errors.ToString().Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "makedumpfile failed";
        }
        return new EstimateReport
        {
            Ram = ram,
            Cpus = cpus,
            InitrdPath = initrd,
            InitrdBytes = initrdBytes,
            Crashkernel = ram is long r
                ? new CrashkernelEstimate(r, cpus ?? 1, SystemFacts.OneCpu(plan.Cmdline), initrdBytes, CaptureRelease(plan))
                : null,
            Reserved = host.CrashSize,
            DumpLevel = level,
            Census = pages,
            CensusProblem = problem,
            Kcore = kcore,
        };
    }

    private static string Mib(long b) => SystemFacts.Mib(b);

    /// <summary>
    /// The capture kernel's release: from KDUMP_KERNEL's name when it is /boot's "vmlinuz-RELEASE", else the running
    /// kernel's (the default capture kernel).
    /// </summary>
    public static string CaptureRelease(KdumpPlan plan)
    {
        string name = Path.GetFileName(plan.Kernel);
        return plan.Config.Kernel is not null && name.StartsWith("vmlinuz-", StringComparison.Ordinal) && name.Length > 8
            ? name[8..] : plan.Release;
    }

    public void PrintText(TextWriter w, KdumpConfig config)
    {
        w.WriteLine($"RAM               : {(Ram is long r ? Mib(r) : "unknown (no MemTotal in /proc/meminfo)")}");
        w.WriteLine($"CPUs              : {(Cpus is int n ? n.ToString(CultureInfo.InvariantCulture) : "unknown")}" +
                    (Crashkernel is { OneCpu: true } ? " (the capture kernel boots with one: nr_cpus=1)" : ""));
        string initrd = InitrdPath is null ? $"none built yet: assumed {Mib(InitrdBytes)} (dumpkit kdump initrd)" : $"{InitrdPath} ({Mib(InitrdBytes)})";
        w.WriteLine($"capture initramfs : {initrd}");
        if (Crashkernel is { } e)
        {
            w.WriteLine($"crashkernel=      : {e.Bytes / CrashkernelEstimate.Mib}M");
            foreach (var p in e.Parts)
                w.WriteLine($"  {p.Name,-16}: {(p.Name == "measured" ? "" : "+")}{Mib(p.Bytes)}  {p.Why}");
        }
        else
            w.WriteLine("crashkernel=      : unknown (the RAM is unknown)");
        w.WriteLine($"reserved now      : {ReservedText()}");
        string level = DumpLevel is int l ? l.ToString(CultureInfo.InvariantCulture) : "unknown";
        w.WriteLine($"dump level        : {level} (MAKEDUMP_ARGS=\"{config.MakedumpArgs}\")");
        if (Census is { } c && ExpectedDumpBytes is long d)
        {
            w.WriteLine($"page census       : {Kcore}: {c.TotalPages} pages of {c.PageSize} bytes ({Mib((long)(c.TotalPages * c.PageSize))})");
            w.WriteLine($"  zero {c.ZeroPages}, cache {c.CachePages}, private cache {c.CachePrivatePages}, user {c.UserPages}, free {c.FreePages}");
            w.WriteLine($"expected dump     : at most {Mib(d)} before compression ({c.KeptPages(DumpLevel ?? 31)} pages kept)");
        }
        else
            w.WriteLine($"expected dump     : unknown: {CensusProblem}");
    }

    public string ReservedText() => Reserved switch
    {
        null => "unknown (no /sys/kernel/kexec_crash_size)",
        0 => "none (boot with " + (Crashkernel?.Parameter ?? "crashkernel=SIZE") + ")",
        long r when Crashkernel is { } e && r < e.Bytes => $"{Mib(r)}: too small, {e.Parameter} needed",
        long r => $"{Mib(r)}" + (Crashkernel is null ? "" : ": enough"),
    };

    public void WriteJson(Utf8JsonWriter j)
    {
        j.WriteStartObject();
        WriteNumber(j, "ram_bytes", Ram);
        WriteNumber(j, "cpus", Cpus);
        j.WriteString("initramfs", InitrdPath);
        j.WriteNumber("initramfs_bytes", InitrdBytes);
        j.WriteBoolean("initramfs_assumed", InitrdPath is null);
        WriteNumber(j, "crashkernel_bytes", Crashkernel?.Bytes);
        j.WriteString("crashkernel", Crashkernel?.Parameter);
        if (Crashkernel is { } e)
        {
            j.WriteString("capture_release", e.Release);
            j.WriteString("measured_series", e.Anchor.Series);
            j.WriteBoolean("measured_on_this_series", e.AnchorMatches);
            j.WriteStartArray("crashkernel_parts");
            foreach (var p in e.Parts)
            {
                j.WriteStartObject();
                j.WriteString("name", p.Name);
                j.WriteNumber("bytes", p.Bytes);
                j.WriteString("why", p.Why);
                j.WriteEndObject();
            }
            j.WriteEndArray();
        }
        WriteNumber(j, "reserved_bytes", Reserved);
        WriteNumber(j, "dump_level", DumpLevel);
        if (Census is { } c)
        {
            j.WriteStartObject("census");
            j.WriteString("source", Kcore);
            j.WriteNumber("page_size", c.PageSize);
            j.WriteNumber("total", c.TotalPages);
            j.WriteNumber("zero", c.ZeroPages);
            j.WriteNumber("cache", c.CachePages);
            j.WriteNumber("cache_private", c.CachePrivatePages);
            j.WriteNumber("user", c.UserPages);
            j.WriteNumber("free", c.FreePages);
            j.WriteEndObject();
        }
        else
            j.WriteString("census_problem", CensusProblem);
        WriteNumber(j, "expected_dump_bytes", ExpectedDumpBytes);
        j.WriteEndObject();
    }

    internal static void WriteNumber(Utf8JsonWriter j, string name, long? v)
    {
        if (v is long x) j.WriteNumber(name, x);
        else j.WriteNull(name);
    }

    /// <summary><paramref name="write"/>'s JSON, indented, as one text.</summary>
    internal static string Json(Action<Utf8JsonWriter> write)
    {
        using var ms = new MemoryStream();
        var options = new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using (var j = new Utf8JsonWriter(ms, options))
            write(j);
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }
}
