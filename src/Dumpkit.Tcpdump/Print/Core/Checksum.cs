// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Internet checksum (RFC 1071) over spans, with pseudo-header helpers.</summary>
internal static class Checksum
{
    public static uint Add(uint sum, ReadOnlySpan<byte> d)
    {
        int i = 0;
        for (; i + 1 < d.Length; i += 2) sum += (uint)(d[i] << 8 | d[i + 1]);
        if (i < d.Length) sum += (uint)(d[i] << 8);
        return sum;
    }

    public static ushort Fold(uint sum)
    {
        while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)~sum;
    }

    public static ushort Compute(ReadOnlySpan<byte> d) => Fold(Add(0, d));

    /// <summary>
    /// The checksum value the field should have held, as tcpdump's in_cksum_shouldbe computes it: the field plus the
    /// checksum computed over everything (one's complement, end-around carry). Where one's complement has two zeros it
    /// gives 0xffff, not 0x0000 (a UDP checksum that must be sent as 0xffff).
    /// </summary>
    public static ushort ShouldBe(ushort sum, ushort computed)
    {
        uint s = (uint)sum + computed;
        s = (s & 0xffff) + (s >> 16);
        s = (s & 0xffff) + (s >> 16);
        return (ushort)s;
    }

    /// <summary>Checksum over an IPv4 or IPv6 pseudo header plus payload (only its first cover bytes when cover &gt;= 0).</summary>
    public static ushort Pseudo(PrintContext nd, int ipOff, bool v6, int proto, int off, int len, int cover = -1)
    {
        uint sum = 0;
        var b = nd.Buf;
        if (!v6)
        {
            sum = Add(sum, b.AsSpan(ipOff + 12, 8));
            // source routing: use final destination
            var dst = Ip.FinalDestination(nd, ipOff);
            if (dst >= 0) { sum = Add(0, b.AsSpan(ipOff + 12, 4)); sum = Add(sum, b.AsSpan(dst, 4)); }
        }
        else
        {
            sum = Add(sum, b.AsSpan(ipOff + 8, 16));
            int d = Ip6.FinalDestination(nd, ipOff);
            sum = Add(sum, b.AsSpan(d, 16));
        }
        sum += (uint)proto;
        sum += (uint)(len >> 16) + (uint)(len & 0xffff);
        sum = Add(sum, b.AsSpan(off, cover < 0 ? len : cover));
        return Fold(sum);
    }
}
