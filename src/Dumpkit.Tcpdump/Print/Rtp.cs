// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>RTP (v1 and v2) and vat/vt audio headers, printed only when -T rtp or -T vat asks for them.</summary>
/// <remarks>Specification: RFC 3550 (RTP v2), draft-ietf-avt-rtp-04 (RTP v1), LBL's vat/vt headers (no RFC).</remarks>
internal static class Rtp
{
    public static void Print(PrintContext nd, int p, int len)
    {
        nd.Proto = "rtp";
        if (len < 8) { nd.Print($"udp/rtp, length {len} < 8"); return; }
        uint i0 = nd.Be32(p), i1 = nd.Be32(p + 4);
        int dlen = len - 8;
        int words = (len >> 2) - 2;
        int w = p + 8;
        bool hasOpt = false, hasExt = false, marker;
        uint contype;
        string type;
        if (i0 >> 30 == 1)
        {
            hasOpt = (i0 & 0x800000) != 0;
            contype = (i0 >> 16) & 0x3f;
            marker = (i0 & 0x400000) != 0;
            type = "rtpv1";
        }
        else
        {
            if (dlen < 4) { nd.Print($"udp/rtp, length {dlen + 8} < 12"); return; }
            hasExt = (i0 & 0x10000000) != 0;
            contype = (i0 >> 16) & 0x7f;
            marker = (i0 & 0x800000) != 0;
            dlen -= 4;
            type = "rtp";
            w += 4;
            words--;
        }
        nd.Print($"udp/{type} {dlen} c{contype} {(hasOpt || hasExt ? "+" : "")}{(marker ? "*" : "")} {i0 & 0xffff} {i1}");
        if (nd.Verbose == 0) return;
        nd.Print($" {nd.Be32(p + 8)}");
        uint remaining = (uint)words;
        if (hasOpt)
        {
            uint i2;
            do
            {
                i2 = nd.Be32(w);
                uint optlen = (i2 >> 16) & 0xff;
                if (optlen == 0 || optlen > remaining) { nd.Print(" !opt"); return; }
                w += (int)optlen * 4;
                remaining -= optlen;
            } while ((int)i2 >= 0);
        }
        if (hasExt)
        {
            uint i2 = nd.Be32(w);
            uint extlen = (i2 & 0xffff) + 1;
            if (extlen > remaining) { nd.Print(" !ext"); return; }
            w += (int)extlen * 4;
        }
        if (contype == 0x1f) nd.Print($" 0x{nd.Be32(w) >> 16:x4}");
    }

    public static void Vat(PrintContext nd, int p, int length)
    {
        nd.Proto = "vat";
        if (length < 2) { nd.Print($"udp/va/vat, length {length} < 2"); return; }
        int ts = nd.Be16(p);
        if ((ts & 0xf060) != 0)
        {
            nd.Print($"udp/vt {length} {ts & 0x3ff} / {ts >> 10}");
            return;
        }
        if (length < 8) { nd.Print($"udp/vat, length {length} < 8"); return; }
        uint i0 = nd.Be32(p), i1 = nd.Be32(p + 4);
        nd.Print($"udp/vat {length - 8} c{i0 & 0xffff} {i1}{((i0 & 0x800000) != 0 ? "*" : "")}");
        if ((i0 & 0x1f0000) != 0) nd.Print($" f{(i0 >> 16) & 0x1f}");
        if ((i0 & 0x3f000000) != 0) nd.Print($" s{(i0 >> 24) & 0x3f}");
    }
}
