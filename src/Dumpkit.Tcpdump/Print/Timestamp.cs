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
                if ((sec & 0x80000000) != 0 || sec < 0) { o.Put("[Error converting time]"); }
                else { o.PutU((ulong)sec); Frac(o, frac); }
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
        if ((sec & 0x80000000) != 0 || sec < 0) { o.Put("[Error converting time]"); return; }
        long t = sec;
        if (local)
        {
            long hour = sec / 3600;
            if (hour != _cachedHour)
            {
                _cachedHour = hour;
                _cachedOffset = zone.GetUtcOffset(DateTimeOffset.FromUnixTimeSeconds(sec).UtcDateTime);
            }
            t += (long)_cachedOffset.TotalSeconds;
        }
        long days = Math.DivRem(t, 86400, out long rem);
        if (rem < 0) { rem += 86400; days--; }
        if (date)
        {
            var dt = DateOnly.FromDayNumber((int)(days + 719162));
            o.Put($"{dt.Year:D4}-{dt.Month:D2}-{dt.Day:D2} ");
        }
        o.Put($"{rem / 3600:D2}:{rem / 60 % 60:D2}:{rem % 60:D2}");
        Frac(o, frac);
    }
}
