// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text;
using Dumpkit.Kernel.Printk;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>sys</c>: the system overview crash prints at start-up, labels right-aligned to 12 columns.
/// Every value comes from the dump: VMCOREINFO, kallsyms-located globals, the kernel log.
/// </summary>
internal sealed class SysCommand : ICrashCommand
{
    public string Name => "sys";
    public string Synopsis => "  sys [config]";
    public string Summary => "system data";

    private const int FShift = 11, Fixed1 = 1 << FShift; // include/linux/sched/loadavg.h

    public void Run(CrashSession session, string[] args)
    {
        if (args.Length > 0)
        {
            if (args[0].StartsWith('-'))
                throw new CommandException($"sys: invalid option -- '{args[0].TrimStart('-').FirstOrDefault()}'\n" + CrashSession.Usage(this).Message);
            throw CrashSession.Usage(this);
        }
        foreach (var (label, value) in Lines(session))
            session.Out.WriteLine($"{label,12}: {value}");
    }

    internal static IEnumerable<(string, string)> Lines(CrashSession s)
    {
        var uts = Utsname(s);
        yield return ("KERNEL", s.VmlinuxPath ?? "(none: kallsyms and BTF of the dump)");
        var partial = s.Memory.Dump.FilterLevel > 0 ? "  [PARTIAL DUMP]" : "";
        if (s.DumpPaths.Count == 1)
            yield return ("DUMPFILE", s.DumpPath + partial);
        else
            // a split set: crash's DUMPFILES, one part a line, the later ones under the first, one blank before [PARTIAL DUMP]
            yield return ("DUMPFILES", string.Join("\n" + new string(' ', 14), s.DumpPaths.Select(p => partial.Length > 0 ? p + partial[1..] : p)));
        yield return ("CPUS", Cpus(s));
        yield return ("DATE", KernelFacts.CrashTime(s) is long t ? CrashTime.Format(t) : "(unknown)");
        yield return ("UPTIME", Uptime(s));
        yield return ("LOAD AVERAGE", LoadAverage(s));
        yield return ("TASKS", Tasks(s));
        yield return ("NODENAME", uts?[1] ?? "(unknown)");
        yield return ("RELEASE", uts?[2] ?? s.Info.OsRelease ?? "(unknown)");
        yield return ("VERSION", uts?[3] ?? "(unknown)");
        var mhz = KernelFacts.ReadU32(s, "cpu_khz") is uint khz ? $"({khz / 1000} Mhz)" : "(unknown Mhz)";
        yield return ("MACHINE", $"{uts?[4] ?? "x86_64"}  {mhz}");
        yield return ("MEMORY", Memory(s));
        yield return ("PANIC", $"\"{PanicMessage(s)}\"");
    }

    private static string Cpus(CrashSession s)
    {
        int? present = KernelFacts.CpuCount(s, "__cpu_present_mask");
        int? online = KernelFacts.CpuCount(s, "__cpu_online_mask");
        if (present is not int p)
            return s.Memory.Dump.CpuCount.ToString(CultureInfo.InvariantCulture);
        return online is int o && o < p ? $"{p} [OFFLINE: {p - o}]" : p.ToString(CultureInfo.InvariantCulture);
    }

    private static string Uptime(CrashSession s)
    {
        if (KernelFacts.UptimeJiffies(s) is not ulong j || KernelFacts.Hz(s) is not ulong hz)
            return "(unknown)";
        ulong total = j / hz;
        ulong days = total / 86400, h = total / 3600 % 24, m = total / 60 % 60, sec = total % 60;
        var hms = $"{h:D2}:{m:D2}:{sec:D2}";
        return days == 0 ? hms : $"{days} day{(days == 1 ? "" : "s")}, {hms}";
    }

    private static string LoadAverage(CrashSession s)
    {
        if (s.Symbols.AddressOf("avenrun") is not ulong at)
            return "(unknown)";
        var parts = new string[3];
        for (int i = 0; i < 3; i++)
        {
            if (!s.Memory.TryReadU64(at + (ulong)i * 8, out ulong v))
                return "(unknown)";
            v += Fixed1 / 200; // rounded to two decimals as /proc/loadavg does
            parts[i] = $"{v >> FShift}.{((v & (Fixed1 - 1)) * 100) >> FShift:D2}";
        }
        return string.Join(", ", parts);
    }

    /// <summary>Threads on the task list (init_task.tasks, each process's signal->thread_head) plus the other CPUs' idle tasks.</summary>
    private static string Tasks(CrashSession s)
    {
        try
        {
            return Kernel.Sched.TaskCounter.Count(s.Memory, s.Symbols, s.Types, KernelFacts.CpuCount(s, "__cpu_possible_mask") ?? 1)
                .ToString(CultureInfo.InvariantCulture);
        }
        catch (CommandException) { return "(unknown)"; }
        catch (Kernel.KernelDataException) { return "(unknown)"; }
    }

    /// <summary>init_uts_ns.name: sysname, nodename, release, version, machine, domainname (65 bytes each).</summary>
    internal static string[]? Utsname(CrashSession s)
    {
        if (s.Info.Symbol("init_uts_ns") is not ulong ns)
            return null;
        ulong name = ns + (ulong)(s.Info.Offset("uts_namespace.name") ?? 0);
        var raw = new byte[6 * 65];
        if (!s.Memory.TryReadVirtual(name, raw))
            return null;
        var fields = new string[6];
        for (int i = 0; i < 6; i++)
        {
            var f = raw.AsSpan(i * 65, 65);
            int nul = f.IndexOf((byte)0);
            fields[i] = Encoding.Latin1.GetString(nul < 0 ? f : f[..nul]);
        }
        return fields;
    }

    /// <summary>Present pages of all memory nodes, in crash's "319.5 MB" style.</summary>
    private static string Memory(CrashSession s)
    {
        if (Kernel.Mm.NodeMemory.PresentPages(s.Memory, s.Symbols, s.Types) is not ulong pages)
            return "(unknown)";
        double bytes = pages * 4096.0;
        const double G = 1 << 30, M = 1 << 20;
        return bytes >= G ? FormatSize(bytes / G, "GB") : FormatSize(bytes / M, "MB");
    }

    private static string FormatSize(double v, string unit) =>
        v == Math.Floor(v) ? $"{v:0} {unit}" : $"{v.ToString("0.0", CultureInfo.InvariantCulture)} {unit}";

    /// <summary>The panic message from the kernel log: the first "Kernel panic - " line, else an oops line.</summary>
    internal static string PanicMessage(CrashSession s)
    {
        IReadOnlyList<LogRecord> records;
        try { records = KernelLog.Read(s.Memory); }
        catch (Kernel.KernelDataException) { return ""; }
        foreach (var marker in new[] { "Kernel panic - ", "Oops: ", "kernel BUG at", "BUG: ", "general protection fault" })
            foreach (var r in records)
            {
                var text = Encoding.Latin1.GetString(r.Text);
                int at = text.IndexOf(marker, StringComparison.Ordinal);
                if (at < 0) continue;
                int end = text.IndexOf('\n', at);
                return (end < 0 ? text[at..] : text[at..end]).TrimEnd();
            }
        return "";
    }
}
