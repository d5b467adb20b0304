// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>
/// A cursor over the XDR-encoded arguments of an AFS remote procedure call, printing the AFS types as tcpdump
/// does: file identifiers, counted strings, dates, StoreStatus masks, Ubik versions, UUIDs, names sent as one
/// character per 32-bit word. A field the capture cuts short either ends the packet (<c> [|rx]</c>, from the
/// context's bounds-checked reads) or, where tcpdump checks the room first, throws <see cref="AfsTruncated"/>,
/// which the service's printer turns into its own <c> [|fs]</c>-style mark.
/// </summary>
/// <remarks>Specification: RFC 4506 (XDR); the AFS interface definitions of OpenAFS (afsint.xg, afscbint.xg,
/// ptint.xg, vldbint.xg, kauth.rg, volint.xg, bosint.xg, ubik_int.xg).</remarks>
internal sealed class AfsArgs(PrintContext nd, int p)
{
    /// <summary>The offset of the next field.</summary>
    public int P = p;

    private readonly PrintContext _nd = nd;

    /// <summary>Fails unless n bytes from the cursor were captured (tcpdump's ND_TCHECK_LEN with a local trunc label).</summary>
    public void Need(long n)
    {
        if (n < 0 || P + n > _nd.SnapEnd) throw AfsTruncated.Instance;
    }

    public uint U32()
    {
        uint v = _nd.Be32(P);
        P += 4;
        return v;
    }

    public void Skip(int n) => P += n;

    /// <summary>A signed 32-bit number after a space.</summary>
    public void Int() => _nd.Print($" {(int)U32()}");

    /// <summary>An unsigned 32-bit number after a space.</summary>
    public void UInt() => _nd.Print($" {U32()}");

    /// <summary>An unsigned 64-bit number after a space.</summary>
    public void UInt64()
    {
        ulong v = _nd.Be64(P);
        P += 8;
        _nd.Print($" {v}");
    }

    /// <summary>An AFSFid: volume/vnode/uniquifier.</summary>
    public void Fid()
    {
        Need(12);
        uint a = U32(), b = U32(), c = U32();
        _nd.Print($" fid {a}/{b}/{c}");
    }

    /// <summary>A counted string of at most max bytes, quoted and escaped, padded to a word.</summary>
    public void Str(uint max)
    {
        uint n = U32();
        if (n > max) throw AfsTruncated.Instance;
        _nd.Print(" \"");
        int q = P;
        for (uint k = n; k > 0; k--, q++)
        {
            if (q >= _nd.SnapEnd) throw AfsTruncated.Instance;
            Text.PrintChar(_nd, _nd.U8(q));
        }
        _nd.Print('"');
        P += (int)((n + 3) / 4 * 4);
    }

    /// <summary>A time in seconds since 1970 as a local date, "%Y/%m/%d %H:%M:%S".</summary>
    public void Date()
    {
        int secs = (int)U32();
        var t = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(secs), _nd.Settings.Zone);
        _nd.Print($" {t.Year:D4}/{t.Month:D2}/{t.Day:D2} {t.Hour:D2}:{t.Minute:D2}:{t.Second:D2}");
    }

    /// <summary>An AFSStoreStatus: the mask and the fields it selects.</summary>
    public void StoreStatus()
    {
        Need(24);
        uint mask = U32();
        if (mask != 0) _nd.Print(" StoreStatus");
        if ((mask & 1) != 0) { _nd.Print(" date"); Date(); }
        else P += 4;
        uint owner = U32(), group = U32(), mode = U32(), segSize = U32();
        if ((mask & 2) != 0) _nd.Print($" owner {owner}");
        if ((mask & 4) != 0) _nd.Print($" group {group}");
        if ((mask & 8) != 0) _nd.Print($" mode {Convert.ToString(mode & 0xfff, 8)}");
        if ((mask & 16) != 0) _nd.Print($" segsize {segSize}");
        if ((mask & 1024) != 0) _nd.Print(" fsync");
    }

    /// <summary>A Ubik version or transaction id: epoch.counter.</summary>
    public void UbikVersion()
    {
        Need(8);
        uint epoch = U32(), counter = U32();
        _nd.Print($" {epoch}.{counter}");
    }

    /// <summary>An afsUUID of eleven words: time_low, time_mid and time_hi_and_version in hex, then eight bytes.</summary>
    public void Uuid()
    {
        Need(44);
        uint low = U32(), mid = U32(), hi = U32();
        _nd.Print($" {low:x8}{mid:x4}{hi:x4}");
        for (int k = 0; k < 8; k++) _nd.Print($"{(byte)U32():x2}");
    }

    /// <summary>A name of n characters held one to a 32-bit word, quoted, escaped, ending at its first NUL.</summary>
    public void Vector(int n)
    {
        Need(n * 4L);
        _nd.Print(" \"");
        bool ended = false;
        for (int k = 0; k < n; k++)
        {
            byte c = (byte)U32();
            if (c == 0) ended = true;
            if (!ended) Text.PrintChar(_nd, c);
        }
        _nd.Print('"');
    }

    /// <summary>A volser destServer: host:port:flags.</summary>
    public void DestServer()
    {
        Need(12);
        uint a = U32(), b = U32(), c = U32();
        _nd.Print($" server {a}:{b}:{c}");
    }

    /// <summary>A list: its count, then each element by print, separated as sep says, " &lt;none!&gt;" when empty.</summary>
    public void List(Action<AfsArgs> print, string sep)
    {
        uint n = U32();
        for (uint k = 0; k < n; k++)
        {
            print(this);
            if (k != n - 1) _nd.Print(sep);
        }
        if (n == 0) _nd.Print(" <none!>");
    }
}

/// <summary>A field the capture cut short where tcpdump checks its room first: the service prints its own mark.</summary>
internal sealed class AfsTruncated : Exception
{
    public static readonly AfsTruncated Instance = new();
}
