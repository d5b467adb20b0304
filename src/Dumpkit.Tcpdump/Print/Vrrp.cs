// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>VRRP v2/v3 (IP protocol 112).</summary>
/// <remarks>Specification: RFC 3768 (v2), RFC 5798 (v3).</remarks>
internal static class Vrrp
{
    public static void Print(PrintContext nd, int bp, int len, int iph, int ttl, int ver)
    {
        nd.Proto = "vrrp";
        nd.Print("VRRP");
        int b0 = nd.U8(bp);
        int version = b0 >> 4, type = b0 & 0xf;
        nd.Print($"v{version}, {(type == 1 ? "Advertisement" : $"unknown type ({type})")}");
        if (ttl != 255) nd.Print($", (ttl {ttl})");
        if (version < 2 || version > 3 || type != 1) return;
        nd.Print($", vrid {nd.U8(bp + 1)}, prio {nd.U8(bp + 2)}");
        int auth = 0;
        if (version == 2)
        {
            auth = nd.U8(bp + 4);
            nd.Print($", authtype {auth switch { 0 => "none", 1 => "simple", 2 => "ah", _ => $"#{auth}" }}");
            nd.Print($", intvl {nd.U8(bp + 5)}s, length {len}");
        }
        else
        {
            int intvl = (nd.U8(bp + 4) & 0x0f) << 8 | nd.U8(bp + 5);
            nd.Print($", intvl {intvl}cs, length {len}");
        }
        if (nd.Verbose == 0) return;
        int naddrs = nd.U8(bp + 3);
        if (version == 2 && nd.TTest(bp, len))
        {
            if (Checksum.Compute(nd.Buf.AsSpan(bp, len)) != 0) nd.Print($", (bad vrrp cksum {nd.Be16(bp + 6):x})");
        }
        if (version == 3 && nd.TTest(bp, len))
        {
            if (Checksum.Pseudo(nd, iph, ver == 6, 112, bp, len) != 0) nd.Print($", (bad vrrp cksum {nd.Be16(bp + 6):x})");
        }
        nd.Print(", addrs");
        if (naddrs > 1) nd.Print($"({naddrs})");
        nd.Print(":");
        char c = ' ';
        bp += 8;
        for (int i = 0; i < naddrs; i++)
        {
            if (ver == 4) { nd.Print($"{c}{nd.A4(bp)}"); bp += 4; }
            else { nd.Print($"{c}{nd.A6(bp)}"); bp += 16; }
            c = ',';
        }
        if (version == 2 && auth == 1)
        {
            nd.Print(" auth \"");
            for (int n = 0; n < 8; n++)
            {
                byte ch = nd.U8(bp + n);
                if (ch == 0) break;
                Text.PrintChar(nd, ch);
            }
            nd.Print("\"");
        }
    }
}
