// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Time stamp prefixes for -t .. -ttttt (default: local HH:MM:SS.frac).</summary>
internal sealed class Timestamp(TimeZoneInfo zone, int format, bool nano)
{
    private bool _haveRef;
    private long _refSec, _refFrac;
    private long _cachedHour = long.MinValue;
    private TimeSpan _cachedOffset;

    public void Print(Output o, long sec, long frac)
    {
        switch (format)
        {
            case 0:
                HmsFrac(o, sec, frac, false, true);
                o.Put(' ');
                break;
            case 1:
                break;
            case 2:
                if (((uint)sec & 0x80000000) != 0) { o.Put("[Error converting time]"); }
                else { o.PutU((uint)sec); Frac(o, frac); }
                o.Put(' ');
                break;
            case 3:
            case 5:
            {
                if (!_haveRef) { _haveRef = true; _refSec = sec; _refFrac = frac; }
                long unit = nano ? 1000000000L : 1000000L;
                long a = sec * unit + frac, b = _refSec * unit + _refFrac;
                bool neg = a < b;
                long d = neg ? b - a : a - b;
                o.Put(neg ? '-' : ' ');
                HmsFrac(o, d / unit, d % unit, false, false);
                o.Put(' ');
                if (format == 3) { _refSec = sec; _refFrac = frac; }
                break;
            }
            case 4:
            default:
                HmsFrac(o, sec, frac, true, true);
                o.Put(' ');
                break;
        }
    }

    private void Frac(Output o, long frac)
    {
        if (nano) o.Put($".{frac:D9}");
        else o.Put($".{frac:D6}");
    }

    private void HmsFrac(Output o, long sec, long frac, bool date, bool local)
    {
        if (((uint)sec & 0x80000000) != 0) { o.Put("[Error converting time]"); return; }
        long t = sec;
        if (local)
        {
            long hour = sec / 3600;
            if (hour != _cachedHour)
            {
                _cachedHour = hour;
                _cachedOffset = sec is >= -62135596800 and <= 253402300799
                    ? zone.GetUtcOffset(DateTimeOffset.FromUnixTimeSeconds(sec).UtcDateTime)
                    : zone.BaseUtcOffset;
            }
            t += (long)_cachedOffset.TotalSeconds;
        }
        long days = Math.DivRem(t, 86400, out long rem);
        if (rem < 0) { rem += 86400; days--; }
        if (date)
        {
            CivilFromDays(days, out long y, out int m, out int d);
            o.Put($"{y:D4}-{m:D2}-{d:D2} ");
        }
        o.Put($"{rem / 3600:D2}:{rem / 60 % 60:D2}:{rem % 60:D2}");
        Frac(o, frac);
    }

    /// <summary>Proleptic Gregorian date of a day count since 1970-01-01 (any year).</summary>
    private static void CivilFromDays(long z, out long y, out int m, out int d)
    {
        z += 719468;
        long era = (z >= 0 ? z : z - 146096) / 146097;
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        y = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        d = (int)(doy - (153 * mp + 2) / 5 + 1);
        m = (int)(mp < 10 ? mp + 3 : mp - 9);
        if (m <= 2) y++;
    }
}
