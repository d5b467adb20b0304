// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using Dumpkit.Kexec;

namespace Dumpkit.Kdump;

/// <summary>What the running system says of itself in /proc and /sys (under the host's root).</summary>
internal static class SystemFacts
{
    /// <summary>MemTotal of /proc/meminfo in bytes, or null.</summary>
    public static long? MemTotal(KexecHost host)
    {
        foreach (var line in (host.ReadSystemFile("/proc/meminfo") ?? "").Split('\n'))
        {
            if (!line.StartsWith("MemTotal:", StringComparison.Ordinal)) continue;
            var words = line[9..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length >= 1 && long.TryParse(words[0], NumberStyles.None, CultureInfo.InvariantCulture, out long kb))
                return kb * 1024;
        }
        return null;
    }

    /// <summary>The CPUs online (/sys/devices/system/cpu/online, a list such as "0-3,6"), or null.</summary>
    public static int? OnlineCpus(KexecHost host)
    {
        string? text = host.ReadSystemFile("/sys/devices/system/cpu/online");
        if (string.IsNullOrEmpty(text)) return null;
        int n = 0;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var ends = part.Split('-');
            if (!int.TryParse(ends[0], NumberStyles.None, CultureInfo.InvariantCulture, out int a)) return null;
            int b = a;
            if (ends.Length == 2 && !int.TryParse(ends[1], NumberStyles.None, CultureInfo.InvariantCulture, out b)) return null;
            if (b < a || ends.Length > 2) return null;
            n += b - a + 1;
        }
        return n;
    }

    /// <summary>The crashkernel= words of /proc/cmdline (the booted kernel's request), or an empty list.</summary>
    public static List<string> CrashkernelParams(KexecHost host) =>
        (host.ReadSystemFile("/proc/cmdline") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(w => KexecCommand.IsParam(w, "crashkernel")).ToList();

    /// <summary>Whether the capture kernel's command line limits it to one CPU (nr_cpus=1 or maxcpus=1).</summary>
    public static bool OneCpu(string cmdline) =>
        cmdline.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(w => w is "nr_cpus=1" or "maxcpus=1");

    public static string Mib(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";
}
