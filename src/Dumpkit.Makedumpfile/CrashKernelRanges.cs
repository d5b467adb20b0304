// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using Dumpkit.Formats;

namespace Dumpkit.Makedumpfile;

/// <summary>
/// The <c>crashkernel=</c> reservation of the running kernel: the "Crash kernel" lines of /proc/iomem (at any depth; x86's
/// low reservation has the same name). /proc/kcore maps it as RAM, but it is not the running kernel's memory:
/// makedumpfile's <c>--mem-usage</c> cuts it out of kcore's PT_LOADs, and so does ours.
/// </summary>
public static class CrashKernelRanges
{
    /// <summary>The name /proc/iomem gives the reservation.</summary>
    public const string Name = "Crash kernel";

    /// <summary>
    /// The ranges to leave out of <paramref name="input"/>: for a path ending in <c>/proc/kcore</c>, the reservation that the
    /// <c>iomem</c> beside it lists (none when it cannot be read); for any other input (a dump), none.
    /// </summary>
    public static IReadOnlyList<PhysicalRange> ForInput(string input)
    {
        string full = Path.GetFullPath(input);
        if (!full.EndsWith("/proc/kcore", StringComparison.Ordinal))
            return [];
        string iomem = Path.Combine(Path.GetDirectoryName(full)!, "iomem");
        string text;
        try
        {
            text = File.ReadAllText(iomem);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
        return Parse(text);
    }

    /// <summary>The "Crash kernel" ranges of /proc/iomem's text ("START-END : NAME", hex, END inclusive), as [START, END + 1).</summary>
    public static IReadOnlyList<PhysicalRange> Parse(string iomem)
    {
        var ranges = new List<PhysicalRange>();
        foreach (string raw in iomem.Split('\n'))
        {
            string line = raw.TrimStart();
            int dash = line.IndexOf('-', StringComparison.Ordinal);
            int colon = line.IndexOf(" : ", StringComparison.Ordinal);
            if (dash <= 0 || colon <= dash || line[(colon + 3)..] != Name)
                continue;
            if (!ulong.TryParse(line.AsSpan(0, dash), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong start)
                || !ulong.TryParse(line.AsSpan(dash + 1, colon - dash - 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture,
                    out ulong last))
                continue;
            // without CAP_SYS_ADMIN the kernel shows every address as 0: no range to go by
            if (last < start || (start == 0 && last == 0) || last == ulong.MaxValue)
                continue;
            ranges.Add(new PhysicalRange(start, last + 1));
        }
        return ranges;
    }
}
