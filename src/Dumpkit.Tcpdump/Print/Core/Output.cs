// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.CompilerServices;
using System.Text;

namespace Dumpkit.Tcpdump.Print;

/// <summary>Byte-oriented, buffered output sink. Interpolated strings are formatted straight into the buffer.</summary>
internal sealed class Output
{
    private byte[] _buf;
    private int _len;
    private readonly Stream _sink;

    public Output(Stream sink, int capacity = 1 << 16)
    {
        _sink = sink;
        _buf = new byte[capacity];
    }

    /// <summary>What has been written and not yet flushed.</summary>
    internal ReadOnlySpan<byte> Written => _buf.AsSpan(0, _len);

    public int Length => _len;

    /// <summary>Start of an interpolated print in progress (-1 when none); lets a truncated print vanish whole.</summary>
    internal int Pending = -1;

    /// <summary>Drops the partial text of an interpolated print interrupted by truncation.</summary>
    public void AbortPending()
    {
        if (Pending >= 0 && Pending <= _len) _len = Pending;
        Pending = -1;
    }

    public void Truncate(int len) => _len = len;

    private void Grow(int need)
    {
        var nb = new byte[Math.Max(_buf.Length * 2, _len + need + 256)];
        _buf.AsSpan(0, _len).CopyTo(nb);
        _buf = nb;
    }

    internal Span<byte> Reserve(int n)
    {
        if (_len + n > _buf.Length) Grow(n);
        return _buf.AsSpan(_len);
    }

    internal void Advance(int n) => _len += n;

    public void Put(string s)
    {
        if (_len + s.Length > _buf.Length) Grow(s.Length);
        System.Text.Encoding.Latin1.GetBytes(s, _buf.AsSpan(_len));
        _len += s.Length;
    }

    public void Put(char c)
    {
        if (_len + 1 > _buf.Length) Grow(1);
        _buf[_len++] = (byte)c;
    }

    public void Put(ReadOnlySpan<byte> s)
    {
        if (_len + s.Length > _buf.Length) Grow(s.Length);
        s.CopyTo(_buf.AsSpan(_len));
        _len += s.Length;
    }

    public void PutByte(byte b)
    {
        if (_len + 1 > _buf.Length) Grow(1);
        _buf[_len++] = b;
    }

    public void Put([InterpolatedStringHandlerArgument("")] ref OutHandler h) => Pending = -1;

    public void PutU(ulong v)
    {
        var d = Reserve(24);
        v.TryFormat(d, out int w);
        _len += w;
    }

    public void PutHex2(byte b)
    {
        var d = Reserve(2);
        d[0] = HexDigits[b >> 4];
        d[1] = HexDigits[b & 15];
        _len += 2;
    }

    public static ReadOnlySpan<byte> HexDigits => "0123456789abcdef"u8;

    public void Flush()
    {
        if (_len > 0)
        {
            _sink.Write(_buf, 0, _len);
            _len = 0;
        }
        _sink.Flush();
    }

    /// <summary>Writes buffered bytes to the sink without flushing the sink itself.</summary>
    public void Drain()
    {
        if (_len > 0)
        {
            _sink.Write(_buf, 0, _len);
            _len = 0;
        }
    }

    public override string ToString() => Encoding.Latin1.GetString(_buf, 0, _len);
}

[InterpolatedStringHandler]
internal ref struct OutHandler
{
    private readonly Output _o;

    public OutHandler(int literalLength, int formattedCount, Output o)
    {
        _o = o;
        o.Pending = o.Length;
    }

    public OutHandler(int literalLength, int formattedCount, PrintContext nd)
    {
        _o = nd.Out;
        _o.Pending = _o.Length;
    }

    public void AppendLiteral(string s) => _o.Put(s);

    public void AppendFormatted(string? s)
    {
        if (s != null) _o.Put(s);
    }

    public void AppendFormatted(char c) => _o.Put(c);

    public void AppendFormatted<T>(T v) where T : IUtf8SpanFormattable
    {
        var d = _o.Reserve(64);
        if (!v.TryFormat(d, out int w, default, null)) { d = _o.Reserve(512); v.TryFormat(d, out w, default, null); }
        _o.Advance(w);
    }

    public void AppendFormatted<T>(T v, string? format) where T : IUtf8SpanFormattable
    {
        var d = _o.Reserve(64);
        if (!v.TryFormat(d, out int w, format, null)) { d = _o.Reserve(512); v.TryFormat(d, out w, format, null); }
        _o.Advance(w);
    }

    public void AppendFormatted<T>(T v, int alignment) where T : IUtf8SpanFormattable => AppendFormatted(v, alignment, null);

    public void AppendFormatted<T>(T v, int alignment, string? format) where T : IUtf8SpanFormattable
    {
        Span<byte> tmp = stackalloc byte[96];
        v.TryFormat(tmp, out int w, format, null);
        int pad = Math.Abs(alignment) - w;
        if (alignment > 0) for (int i = 0; i < pad; i++) _o.Put(' ');
        var d = _o.Reserve(w);
        tmp[..w].CopyTo(d);
        _o.Advance(w);
        if (alignment < 0) for (int i = 0; i < pad; i++) _o.Put(' ');
    }

    public void AppendFormatted(string? s, int alignment)
    {
        s ??= "";
        int pad = Math.Abs(alignment) - s.Length;
        if (alignment > 0) for (int i = 0; i < pad; i++) _o.Put(' ');
        _o.Put(s);
        if (alignment < 0) for (int i = 0; i < pad; i++) _o.Put(' ');
    }
}
