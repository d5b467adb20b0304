// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>ARP / RARP / InARP.</summary>
/// <remarks>Specification: RFC 826 (ARP), RFC 903 (RARP), RFC 2390 (InARP), RFC 2225 (ATM ARP).</remarks>
internal static class Arp
{
    private static void LinkAddr(PrintContext nd, int off, int len)
    {
        if (len == 0) { nd.Print("<empty>"); return; }
        if (len == 6) nd.Mac(off); // tcpdump's linkaddr_string: a 6-byte address is an Ethernet one (named, OUI)
        else nd.HexColon(off, len);
    }

    private static void ProtoAddr(PrintContext nd, int off, int pro, int pln)
    {
        if (pro != 0x0800 && pro != 0x1000) nd.Print("<wrong proto type>");
        else if (pln != 4) nd.Print("<wrong len>");
        else nd.Ip4(off);
    }

    public static void Print(PrintContext nd, int bp, int length, int caplen)
    {
        nd.Proto = "arp";
        if (!nd.TTest(bp, 8)) { nd.PrintTrunc(); return; }
        int hrd = nd.Be16(bp), pro = nd.Be16(bp + 2), hln = nd.U8(bp + 4), pln = nd.U8(bp + 5), op = nd.Be16(bp + 6);
        int sha = bp + 8, spa = sha + hln, tha = spa + pln, tpa = tha + hln;
        if (hrd == 19) { AtmArp(nd, bp, length, caplen); return; }
        if (!nd.TTest(tpa, pln)) { nd.PrintTrunc(); return; }
        if (!nd.Settings.LinkHeader) nd.Print("ARP, ");
        if ((pro != 0x0800 && pro != 0x1000) || pln != 4 || hln == 0 || nd.Verbose > 0)
        {
            string hn = hrd switch
            {
                1 => "Ethernet", 6 => "TokenRing", 7 => "ArcNet", 15 => "FrameRelay", 23 => "Strip", 24 => "IEEE 1394",
                19 => "ATM", 32 => "InfiniBand", _ => $"Unknown Hardware ({hrd})",
            };
            nd.Print($"{hn} (len {hln}), {Ether.TypeName(pro) ?? $"Unknown Protocol (0x{pro:x4})"} (len {pln})");
            if (nd.Verbose == 0) { nd.Print($", length {length}"); return; }
        }
        string opn = op switch
        {
            1 => "Request", 2 => "Reply", 3 => "Reverse Request", 4 => "Reverse Reply", 8 => "Inverse Request",
            9 => "Inverse Reply", 10 => "NACK Reply", _ => $"Unknown ({op})",
        };
        nd.Print($"{(nd.Verbose > 0 ? ", " : "")}{opn} ");
        switch (op)
        {
            case 1:
            {
                nd.Print("who-has ");
                ProtoAddr(nd, tpa, pro, pln);
                bool nz = false;
                for (int i = 0; i < hln; i++) if (nd.U8(tha + i) != 0) { nz = true; break; }
                if (nz) { nd.Print(" ("); LinkAddr(nd, tha, hln); nd.Print(")"); }
                nd.Print(" tell ");
                ProtoAddr(nd, spa, pro, pln);
                break;
            }
            case 2:
                ProtoAddr(nd, spa, pro, pln);
                nd.Print(" is-at ");
                LinkAddr(nd, sha, hln);
                break;
            case 3:
            case 8:
                nd.Print("who-is "); LinkAddr(nd, tha, hln);
                nd.Print(" tell "); LinkAddr(nd, sha, hln);
                break;
            case 4:
                LinkAddr(nd, tha, hln); nd.Print(" at ");
                ProtoAddr(nd, tpa, pro, pln);
                break;
            case 9:
                LinkAddr(nd, sha, hln); nd.Print(" at ");
                ProtoAddr(nd, spa, pro, pln);
                break;
            default:
                HexDump.HexAscii(nd, "\n\t", bp, caplen);
                return;
        }
        nd.Print($", length {length}");
    }

    private static void AtmAddr(PrintContext nd, int ha, int haLen, int sa, int saLen)
    {
        if (haLen == 0) { nd.Print("<No address>"); return; }
        nd.HexColon(ha, haLen);
        if (saLen != 0) { nd.Print(','); nd.HexColon(sa, saLen); }
    }

    private static void AtmArp(PrintContext nd, int bp, int length, int caplen)
    {
        if (!nd.TTest(bp, 12)) { nd.PrintTrunc(); return; }
        int hrd = nd.Be16(bp), pro = nd.Be16(bp + 2), op = nd.Be16(bp + 6);
        int shl = nd.U8(bp + 4) & 0x3f, ssl = nd.U8(bp + 5) & 0x3f, spl = nd.U8(bp + 8);
        int thl = nd.U8(bp + 9) & 0x3f, tsl = nd.U8(bp + 10) & 0x3f, tpl = nd.U8(bp + 11);
        int sha = bp + 12, ssa = sha + shl, spa = ssa + ssl, tha = spa + spl, tsa = tha + thl, tpa = tsa + tsl;
        if (!nd.TTest(tpa, tpl)) { nd.PrintTrunc(); return; }
        if (!nd.Settings.LinkHeader) nd.Print("ARP, ");
        if ((pro != 0x0800 && pro != 0x1000) || spl != 4 || tpl != 4 || nd.Verbose > 0)
        {
            string hn = hrd == 19 ? "ATM" : $"Unknown Hardware ({hrd})";
            nd.Print($"{hn}, {Ether.TypeName(pro) ?? $"Unknown Protocol (0x{pro:x4})"} (len {spl}/{tpl})");
            if (nd.Verbose == 0) { nd.Print($", length {length}"); return; }
        }
        string opn = op switch
        {
            1 => "Request", 2 => "Reply", 3 => "Reverse Request", 4 => "Reverse Reply", 8 => "Inverse Request",
            9 => "Inverse Reply", 10 => "NACK Reply", _ => $"Unknown ({op})",
        };
        nd.Print($"{(nd.Verbose > 0 ? ", " : "")}{opn} ");
        switch (op)
        {
            case 1:
                nd.Print("who-has "); AtmProto(nd, tpa, pro, tpl);
                if (thl != 0) { nd.Print(" ("); AtmAddr(nd, tha, thl, tsa, tsl); nd.Print(")"); }
                nd.Print(" tell "); AtmProto(nd, spa, pro, spl);
                break;
            case 2:
                AtmProto(nd, spa, pro, spl); nd.Print(" is-at "); AtmAddr(nd, sha, shl, ssa, ssl);
                break;
            case 8:
                nd.Print("who-is "); AtmAddr(nd, tha, thl, tsa, tsl); nd.Print(" tell "); AtmAddr(nd, sha, shl, ssa, ssl);
                break;
            case 9:
                AtmAddr(nd, sha, shl, ssa, ssl); nd.Print("at "); AtmProto(nd, spa, pro, spl);
                break;
            case 10:
                nd.Print("for "); AtmProto(nd, spa, pro, spl);
                break;
            default:
                nd.DefaultPrint(bp, caplen);
                return;
        }
        nd.Print($", length {length}");
    }

    private static void AtmProto(PrintContext nd, int off, int pro, int pln)
    {
        if (pro != 0x0800 && pro != 0x1000) nd.Print("<wrong proto type>");
        else if (pln != 4) nd.Print("<wrong len>");
        else nd.Ip4(off);
    }
}
