// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;

namespace Dumpkit.Kernel;

/// <summary>A Linux version as makedumpfile compares them (KERNEL_VERSION(a, b, c)), parsed from OSRELEASE.</summary>
public readonly record struct KernelVersion(int Major, int Minor, int Patch) : IComparable<KernelVersion>
{
    /// <summary>Oldest and newest kernels upstream makedumpfile 1.7.9 supports (OLDEST_VERSION, LATEST_VERSION).</summary>
    public static readonly KernelVersion Oldest = new(2, 6, 15);
    public static readonly KernelVersion Latest = new(7, 0, 0);

    public int CompareTo(KernelVersion other) =>
        Major != other.Major ? Major.CompareTo(other.Major)
        : Minor != other.Minor ? Minor.CompareTo(other.Minor)
        : Patch.CompareTo(other.Patch);

    public static bool operator <(KernelVersion a, KernelVersion b) => a.CompareTo(b) < 0;
    public static bool operator >(KernelVersion a, KernelVersion b) => a.CompareTo(b) > 0;
    public static bool operator <=(KernelVersion a, KernelVersion b) => a.CompareTo(b) <= 0;
    public static bool operator >=(KernelVersion a, KernelVersion b) => a.CompareTo(b) >= 0;

    public bool IsSupported => this >= Oldest && this <= Latest;

    /// <summary>"6.12.117+deb12-amd64" → 6.12.117; "6.1.0-56-amd64" → 6.1.0. Null when not a version.</summary>
    public static KernelVersion? Parse(string? release)
    {
        if (string.IsNullOrEmpty(release)) return null;
        int[] parts = new int[3];
        int i = 0;
        for (int k = 0; k < 3; k++)
        {
            int start = i;
            while (i < release.Length && char.IsAsciiDigit(release[i])) i++;
            if (i == start)
            {
                if (k < 2) return null;
                break; // "5.10" without a patch level: 0 as strtol gives
            }
            if (!int.TryParse(release.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out parts[k]))
                return null;
            if (k < 2)
            {
                if (i >= release.Length) return k == 1 ? new KernelVersion(parts[0], parts[1], 0) : null;
                i++; // the separator
            }
        }
        return new KernelVersion(parts[0], parts[1], parts[2]);
    }

    public override string ToString() => $"{Major}.{Minor}.{Patch}";
}
