// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>SLIP link layer (LINKTYPE_SLIP, 16-byte pseudo header: direction and compressed TCP/IP header),
/// with Van Jacobson compressed TCP header decoding under -e.</summary>
/// <remarks>Specification: RFC 1055 (SLIP), RFC 1144 (compressed TCP/IP headers).</remarks>
internal static class Sl
{
    private const int HdrLen = 16;

    public static int IfPrint(PrintContext nd, int length)
    {
        nd.Proto = "slip";
        nd.Check(0, HdrLen);
        length -= HdrLen;
        int ip = HdrLen;
        if (nd.Settings.LinkHeader) LinkPrint(nd, ip, length);
        int v = (nd.U8(ip) & 0xf0) >> 4;
        switch (v)
        {
            case 4: Ip.Print(nd, ip, length); break;
            case 6: Ip6.Print(nd, ip, length); break;
            default: nd.Print($"ip v{v}"); break;
        }
        return HdrLen;
    }

    private static void LinkPrint(PrintContext nd, int ip, int length)
    {
        var st = nd.Slip;
        int dir = nd.U8(0);
        switch (dir)
        {
            case 0: nd.Print("I "); break;
            case 1: nd.Print("O "); break;
            default:
                nd.Print($"Invalid direction {dir} ");
                dir = -1;
                break;
        }
        int chdr = nd.U8(1);
        switch (chdr & 0xf0)
        {
            case 0x40:
                nd.Print($"ip {(uint)(length + HdrLen)}: ");
                break;
            case 0x70:
                st.LastConn = nd.U8(1 + 9);
                nd.Print($"utcp {st.LastConn}: ");
                if (dir == -1) return;
                st.LastLen[dir * 256 + st.LastConn] = (uint)(length - (HeaderWords(nd, ip) << 2));
                break;
            default:
                if (dir == -1) return;
                if ((chdr & 0x80) != 0)
                {
                    Compressed(nd, 1, ip, length, dir);
                    nd.Print(": ");
                }
                else nd.Print($"slip-{chdr}!: ");
                break;
        }
    }

    /// <summary>IP plus TCP header length in 32-bit words, from the (uncompressed) headers in the packet.</summary>
    private static int HeaderWords(PrintContext nd, int ip)
    {
        nd.Check(ip, 20);
        int hlen = nd.Buf[ip] & 0x0f;
        nd.Check(ip + hlen * 4, 20);
        return hlen + ((nd.Buf[ip + hlen * 4 + 12] & 0xf0) >> 4);
    }

    private static int Change(PrintContext nd, string str, int cp)
    {
        uint i = nd.U8(cp);
        if (i == 0)
        {
            cp++;
            i = nd.Be16(cp);
            cp += 2;
        }
        else cp++;
        nd.Print($" {str}{i}");
        return cp;
    }

    private static int WinChange(PrintContext nd, int cp)
    {
        short i = nd.U8(cp);
        if (i == 0)
        {
            cp++;
            i = (short)nd.Be16(cp);
            cp += 2;
        }
        else cp++;
        if (i >= 0) nd.Print($" W+{i}");
        else nd.Print($" W{i}");
        return cp;
    }

    private static void Compressed(PrintContext nd, int chdr, int ip, int length, int dir)
    {
        var st = nd.Slip;
        int cp = chdr;
        int flags = nd.U8(cp);
        cp++;
        if ((flags & 0x40) != 0)
        {
            st.LastConn = nd.U8(cp);
            cp++;
            nd.Print($"ctcp {st.LastConn}");
        }
        else nd.Print("ctcp *");
        cp += 2;
        switch (flags & 0x0f)
        {
            case 0x0b:
                nd.Print($" *SA+{st.LastLen[dir * 256 + st.LastConn]}");
                break;
            case 0x0f:
                nd.Print($" *S+{st.LastLen[dir * 256 + st.LastConn]}");
                break;
            default:
                if ((flags & 0x01) != 0) cp = Change(nd, "U=", cp);
                if ((flags & 0x02) != 0) cp = WinChange(nd, cp);
                if ((flags & 0x04) != 0) cp = Change(nd, "A+", cp);
                if ((flags & 0x08) != 0) cp = Change(nd, "S+", cp);
                break;
        }
        if ((flags & 0x20) != 0) cp = Change(nd, "I+", cp);
        uint last = (uint)(length - (HeaderWords(nd, ip) << 2));
        st.LastLen[dir * 256 + st.LastConn] = last;
        nd.Print($" {last} ({cp - chdr})");
    }
}
