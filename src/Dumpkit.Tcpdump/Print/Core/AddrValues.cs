// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>An IPv4 address read (bounds-checked) from the packet, formattable inside an interpolated print,
/// so that a truncated read discards the whole print as tcpdump's single ND_PRINT would.</summary>
internal readonly struct V4(uint a, NameResolver? names = null) : IUtf8SpanFormattable
{
    public override string ToString() => names != null ? System.Text.Encoding.Latin1.GetString(names.Host4(a))
        : $"{a >> 24}.{(a >> 16) & 0xff}.{(a >> 8) & 0xff}.{a & 0xff}";

    public bool TryFormat(Span<byte> d, out int w, ReadOnlySpan<char> f, IFormatProvider? p)
    {
        if (names != null) return Copy(names.Host4(a), d, out w);
        return System.Text.Unicode.Utf8.TryWrite(d, $"{a >> 24}.{(a >> 16) & 0xff}.{(a >> 8) & 0xff}.{a & 0xff}", out w);
    }

    internal static bool Copy(ReadOnlySpan<byte> s, Span<byte> d, out int w)
    {
        w = 0;
        if (s.Length > d.Length) return false;
        s.CopyTo(d);
        w = s.Length;
        return true;
    }
}

/// <summary>An IPv6 address read from the packet (see <see cref="V4"/>).</summary>
internal readonly struct V6(UInt128 a, NameResolver? names = null) : IUtf8SpanFormattable
{
    public bool TryFormat(Span<byte> d, out int w, ReadOnlySpan<char> f, IFormatProvider? p)
    {
        Span<byte> b = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(b, a);
        if (names?.Host6(b) is { } name) return V4.Copy(name, d, out w);
        return Ip6Format.TryWrite(b, d, out w);
    }
}
