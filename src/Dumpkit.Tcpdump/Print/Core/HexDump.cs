// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>The -x / -X / -A payload dumps, and the hex dump printers give a payload they do not decode.</summary>
internal static class HexDump
{
    /// <summary>
    /// tcpdump's print_unknown_data: len bytes at cp (as many as were captured) in hex, each line
    /// starting with indent; what printers show of a TLV, option or body they do not decode.
    /// </summary>
    public static void UnknownData(PrintContext nd, int cp, string indent, int len)
    {
        if (!nd.TTest(cp, 0))
        {
            nd.Print($"{indent}Dissector error: print_unknown_data called with pointer past end of packet");
            return;
        }
        if (nd.Avail(cp) < len) len = nd.Avail(cp);
        Hex(nd, indent, cp, len);
    }

    private static bool IsGraph(byte b) => b > 0x20 && b < 0x7f;

    /// <summary>"0x%04x: " without going through a format string.</summary>
    private static void PutOffset(Output o, int offset)
    {
        if (offset > 0xffff) { o.Put($"0x{offset:x4}: "); return; }
        var d = o.Reserve(8);
        d[0] = (byte)'0'; d[1] = (byte)'x';
        d[2] = Output.HexDigits[(offset >> 12) & 15];
        d[3] = Output.HexDigits[(offset >> 8) & 15];
        d[4] = Output.HexDigits[(offset >> 4) & 15];
        d[5] = Output.HexDigits[offset & 15];
        d[6] = (byte)':'; d[7] = (byte)' ';
        o.Advance(8);
    }

    public static void HexAscii(PrintContext nd, string indent, int off, int len)
    {
        int avail = nd.Avail(off);
        bool trunc = false;
        if (len > avail) { len = avail; trunc = true; }
        var o = nd.Out;
        Span<byte> hex = stackalloc byte[48];
        Span<byte> asc = stackalloc byte[16];
        var buf = nd.Buf;
        int offset = 0;
        while (len > 0)
        {
            int n = Math.Min(16, len);
            int h = 0;
            for (int i = 0; i < n; i++)
            {
                if ((i & 1) == 0) hex[h++] = (byte)' ';
                byte b = buf[off + i];
                hex[h++] = Output.HexDigits[b >> 4];
                hex[h++] = Output.HexDigits[b & 15];
                asc[i] = IsGraph(b) ? b : (byte)'.';
            }
            o.Put(indent);
            PutOffset(o, offset);
            var d = o.Reserve(40 + 2 + 16);
            hex[..h].CopyTo(d);
            for (int i = h; i < 40; i++) d[i] = (byte)' ';
            int p = Math.Max(h, 40);
            d[p] = (byte)' '; d[p + 1] = (byte)' ';
            asc[..n].CopyTo(d[(p + 2)..]);
            o.Advance(p + 2 + n);
            off += n; len -= n; offset += 16;
        }
        if (trunc) nd.PrintTrunc();
    }

    public static void Hex(PrintContext nd, string indent, int off, int len)
    {
        int avail = nd.Avail(off);
        bool trunc = false;
        if (len > avail) { len = avail; trunc = true; }
        var o = nd.Out;
        var buf = nd.Buf;
        int offset = 0;
        for (int i = 0; i < len; i += 2)
        {
            if ((i & 15) == 0)
            {
                o.Put(indent);
                PutOffset(o, offset);
                offset += 16;
            }
            o.Put(' ');
            o.PutHex2(buf[off + i]);
            if (i + 1 < len) o.PutHex2(buf[off + i + 1]);
        }
        if (trunc) nd.PrintTrunc();
    }

    public static void Ascii(PrintContext nd, int off, int len)
    {
        int avail = nd.Avail(off);
        bool trunc = false;
        if (len > avail) { len = avail; trunc = true; }
        var o = nd.Out;
        var buf = nd.Buf;
        o.Put('\n');
        for (int i = 0; i < len; i++)
        {
            byte s = buf[off + i];
            if (s == '\r')
            {
                // as tcpdump: a CR is dropped before a LF and also when it is the last or next-to-last byte
                if (len - i - 1 > 1 && buf[off + i + 1] != '\n') o.Put('.');
            }
            else if (!IsGraph(s) && s != '\t' && s != ' ' && s != '\n') o.Put('.');
            else o.PutByte(s);
        }
        if (trunc) nd.PrintTrunc();
    }
}
