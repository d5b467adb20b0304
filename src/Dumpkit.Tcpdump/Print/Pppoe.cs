// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>PPPoE discovery and session stages (ethertypes 0x8863/0x8864).</summary>
/// <remarks>Specification: RFC 2516.</remarks>
internal static class Pppoe
{
    private static string Tag(int t) => t switch
    {
        0 => "EOL", 0x0101 => "Service-Name", 0x0102 => "AC-Name", 0x0103 => "Host-Uniq", 0x0104 => "AC-Cookie",
        0x0105 => "Vendor-Specific", 0x0110 => "Relay-Session-ID", 0x0120 => "PPP-Max-Payload",
        0x0201 => "Service-Name-Error", 0x0202 => "AC-System-Error", 0x0203 => "Generic-Error", _ => $"TAG-0x{t:x}",
    };

    public static int Print(PrintContext nd, int bp, int length)
    {
        nd.Proto = "pppoe";
        if (length < 6) { nd.Print($" (length {length} < 6)"); nd.PrintInvalid(); return 0; }
        length -= 6;
        if (!nd.TTest(bp, 6)) { nd.PrintTrunc(); return 0; }
        int b0 = nd.U8(bp);
        int ver = b0 >> 4, type = b0 & 0xf, code = nd.U8(bp + 1), sid = nd.Be16(bp + 2);
        int plen = nd.Be16(bp + 4);
        int payload = bp + 6;
        if (ver != 1) nd.Print($" [ver {ver}]");
        if (type != 1) nd.Print($" [type {type}]");
        nd.Print("PPPoE ");
        nd.Print(code switch { 0x09 => "PADI", 0x07 => "PADO", 0x19 => "PADR", 0x65 => "PADS", 0xa7 => "PADT", 0 => "", _ => $"PAD-{code:x}" });
        if (code == 0x09 && plen > 1484 - 6) nd.Print($" [len {plen}!]");
        if (plen > length) { nd.Print($" [len {plen} > {length}!]"); plen = length; }
        if (sid != 0) nd.Print($" [ses 0x{sid:x}]");
        if (code != 0)
        {
            Span<byte> str = stackalloc byte[80];
            int tagType = 0xffff;
            int p = payload;
            while (tagType != 0 && p < payload + plen)
            {
                tagType = nd.Be16(p);
                int tagLen = nd.Be16(p + 2);
                p += 4;
                if (tagLen != 0)
                {
                    if (!nd.TTest(p, tagLen)) { nd.PrintTrunc(); return 0; }
                    int ascii = 0, garbage = 0;
                    int sl = 0;
                    for (int v = p; v < p + tagLen && sl < 80 - 1; v++)
                    {
                        byte c = nd.U8(v);
                        if (c >= 0x20 && c <= 0x7e) { str[sl++] = c; ascii++; }
                        else { str[sl++] = (byte)'.'; garbage++; }
                    }
                    if (ascii > garbage)
                    {
                        nd.Print($" [{Tag(tagType)} \"");
                        for (int i = 0; i < sl; i++) nd.Out.PutByte(str[i]);
                        nd.Print("\"]");
                    }
                    else
                    {
                        nd.Print($" [{Tag(tagType)} 0x");
                        for (int v = p; v < p + tagLen; v++) nd.Print($"{nd.U8(v):X2}");
                        nd.Print("]");
                    }
                }
                else nd.Print($" [{Tag(tagType)}]");
                p += tagLen;
            }
            return 6;
        }
        nd.Print(' ');
        return 6 + Ppp.Print(nd, payload, plen);
    }
}
