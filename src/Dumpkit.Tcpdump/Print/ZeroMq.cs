// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>ZMTP/1.0 (ZeroMQ) framing over TCP (-T zmtp1) and inside PGM ODATA/RDATA datagrams (-T pgm_zmtp1).</summary>
/// <remarks>Specification: ZMTP/1.0 (rfc.zeromq.org 13/ZMTP).</remarks>
internal static class ZeroMq
{
    private const int VBytes = 128;

    private static int Frame(PrintContext nd, int cp, int ep)
    {
        nd.Print("\n\t");
        ulong declared;
        int hdr;
        if (nd.U8(cp) != 0xff)
        {
            hdr = 1;
            declared = nd.Buf[cp];
            nd.Print($" frame flags+body  (8-bit) length {declared}");
        }
        else
        {
            hdr = 9;
            nd.Print(" frame flags+body (64-bit) length");
            nd.Check(cp, hdr);
            declared = nd.Be64(cp + 1);
            nd.Print($" {declared}");
        }
        if (declared == 0) return cp + hdr;
        nd.Check(cp, hdr + 1);
        int flags = nd.Buf[cp + hdr];
        ulong captured = (ulong)(ep - cp - hdr);
        if (declared > captured) nd.Print($" ({captured} captured)");
        nd.Print($", flags 0x{flags:x2}");
        if (nd.Verbose > 0)
        {
            ulong printed = Math.Min(captured, declared);
            nd.Print(" (");
            for (int bit = 0x80; bit > 1; bit >>= 1)
            {
                nd.Print((flags & bit) != 0 ? "MBZ" : "-");
                nd.Print('|');
            }
            nd.Print((flags & 1) != 0 ? "MORE" : "-");
            nd.Print(')');
            if (nd.Verbose == 1) printed = Math.Min(VBytes + 1, printed);
            if (printed > 1)
            {
                nd.Print($", first {printed - 1} byte(s) of body:");
                HexDump.HexAscii(nd, "\n\t ", cp + hdr + 1, (int)(printed - 1));
            }
        }
        cp += hdr;
        if (declared > int.MaxValue || !nd.TTest(cp, (int)declared)) PrintContext.Trunc();
        return cp + (int)declared;
    }

    public static void Print(PrintContext nd, int cp, int len)
    {
        int ep = (int)Math.Min(nd.SnapEnd, (long)cp + len);
        nd.Proto = "zmtp1";
        nd.Print(": ZMTP/1.0");
        while (cp < ep) cp = Frame(nd, cp, ep);
    }

    public static void Datagram(PrintContext nd, int cp, int len)
    {
        int ep = (int)Math.Min(nd.SnapEnd, (long)cp + len);
        nd.Proto = "zmtp1";
        uint offset = nd.Be16(cp);
        nd.Print($"\n\t frame offset 0x{offset:x4}");
        cp += 2;
        int remaining = nd.Avail(cp);
        if (offset == 0xffff) offset = (uint)(len - 2);
        else if (2 + offset > (uint)len)
        {
            nd.Print(" (exceeds datagram declared length)");
            PrintContext.Trunc();
        }
        if (offset != 0)
        {
            nd.Print($"\n\t frame intermediate part, {offset} bytes");
            if (offset > (uint)remaining) nd.Print($" ({remaining} captured)");
            if (nd.Verbose > 0)
            {
                int printed = (int)Math.Min(offset, (uint)remaining);
                if (nd.Verbose == 1) printed = Math.Min(VBytes, printed);
                if (printed > 1)
                {
                    nd.Print($", first {printed} byte(s):");
                    HexDump.HexAscii(nd, "\n\t ", cp, printed);
                }
            }
        }
        cp += (int)offset;
        while (cp < ep) cp = Frame(nd, cp, ep);
    }
}
