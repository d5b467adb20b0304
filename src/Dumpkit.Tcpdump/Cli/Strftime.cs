// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text;

namespace Dumpkit.Tcpdump.Cli;

/// <summary>The strftime conversions tcpdump's -G file names commonly use, in the given time zone.</summary>
internal static class Strftime
{
    public static string Format(string pattern, long unixSeconds, TimeZoneInfo zone)
    {
        var t = TimeZoneInfo.ConvertTimeFromUtc(DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime, zone);
        var sb = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c != '%' || i + 1 >= pattern.Length) { sb.Append(c); continue; }
            char f = pattern[++i];
            switch (f)
            {
                case 'Y': sb.Append(t.Year.ToString("D4", ci)); break;
                case 'y': sb.Append((t.Year % 100).ToString("D2", ci)); break;
                case 'm': sb.Append(t.Month.ToString("D2", ci)); break;
                case 'd': sb.Append(t.Day.ToString("D2", ci)); break;
                case 'e': sb.Append(t.Day.ToString(ci).PadLeft(2)); break;
                case 'H': sb.Append(t.Hour.ToString("D2", ci)); break;
                case 'M': sb.Append(t.Minute.ToString("D2", ci)); break;
                case 'S': sb.Append(t.Second.ToString("D2", ci)); break;
                case 'j': sb.Append(t.DayOfYear.ToString("D3", ci)); break;
                case 'F': sb.Append(t.ToString("yyyy-MM-dd", ci)); break;
                case 'T': sb.Append(t.ToString("HH:mm:ss", ci)); break;
                case 's': sb.Append(unixSeconds.ToString(ci)); break;
                case 'b': sb.Append(t.ToString("MMM", ci)); break;
                case 'a': sb.Append(t.ToString("ddd", ci)); break;
                case '%': sb.Append('%'); break;
                default: sb.Append('%').Append(f); break;
            }
        }
        return sb.ToString();
    }
}
