// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;

namespace Dumpkit.Tcpdump.Print;

/// <summary>Numbers formatted as C's printf formats them, for printers whose tcpdump output uses floating point.</summary>
internal static class CFormat
{
    /// <summary>printf's %.{precision}g: shortest of %e and %f for that many significant digits, trailing zeros removed.</summary>
    public static string G(double v, int precision)
    {
        if (double.IsNaN(v)) return double.IsNegative(v) ? "-nan" : "nan";
        if (double.IsInfinity(v)) return v < 0 ? "-inf" : "inf";
        if (precision == 0) precision = 1;
        if (v == 0) return double.IsNegative(v) ? "-0" : "0";
        string e = v.ToString("E" + (precision - 1).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        int ePos = e.IndexOf('E');
        int x = int.Parse(e.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        if (x < precision && x >= -4)
        {
            string f = v.ToString("F" + (precision - 1 - x).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            return StripZeros(f);
        }
        string mant = StripZeros(e[..ePos]);
        return $"{mant}e{(x < 0 ? '-' : '+')}{Math.Abs(x):00}";
    }

    private static string StripZeros(string s)
    {
        if (!s.Contains('.')) return s;
        s = s.TrimEnd('0');
        return s.EndsWith('.') ? s[..^1] : s;
    }
}
