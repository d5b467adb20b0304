// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>DECnet Phase IV (ethertype 0x6003): routing layer headers and control messages, NSP messages. Undecoded
/// messages are dumped in hex whatever -q/-x say, as tcpdump's ND_DEFAULTPRINT does.</summary>
/// <remarks>Specification: DECnet Digital Network Architecture Phase IV, Routing Layer Functional Specification
/// (AA-X435A-TK) and NSP Functional Specification (AA-X439A-TK).</remarks>
internal static class Decnet
{
    private const int ShortHdr = 6, LongHdr = 21;

    private static readonly Tok[] Reasons =
    [
        new(0, "object rejected connect"), new(1, "insufficient resources"), new(2, "unrecognized node name"),
        new(3, "node is shutting down"), new(4, "unrecognized object"), new(5, "invalid object name format"),
        new(6, "object too busy"), new(7, "protocol error discovered"), new(8, "third party abort"), new(9, "user abort"),
        new(10, "invalid node name format"), new(11, "local node shutting down"), new(32, "insufficient local resources"),
        new(33, "insufficient remote user resources"), new(34, "invalid access control information"),
        new(36, "bad ACCOUNT information"), new(38, "no response from object"), new(39, "node unreachable"),
        new(41, "no link terminate"), new(42, "disconnect complete"), new(43, "bad image data in connect"),
        new(54, "cryptographic service mismatch"),
    ];

    /// <summary>tcpdump's ND_DEFAULTPRINT: hex and ASCII, then truncation (the whole packet dumped with -x) when cut short.</summary>
    private static void Dump(PrintContext nd, int off, uint len)
    {
        uint n = Math.Min(len, (uint)nd.Avail(off));
        HexDump.HexAscii(nd, "\n\t", off, (int)n);
        if (n < len) PrintContext.Trunc();
    }

    /// <summary>A node address as area.node.</summary>
    private static string Node(int a) => $"{(a & 0xfc00) >> 10}.{a & 0x3ff}";

    public static void Print(PrintContext nd, int ap, int length, int caplen)
    {
        nd.Proto = "decnet";
        if (!Routed(nd, ap, (uint)length, caplen)) nd.PrintInvalid();
    }

    private static bool Routed(PrintContext nd, int ap, uint length, int caplen)
    {
        if (length < ShortHdr)
        {
            nd.Print($" (length {length} < {ShortHdr})");
            return false;
        }
        uint pktLen = nd.Le16(ap);
        if (pktLen < ShortHdr)
        {
            nd.Print($" (pktlen {pktLen} < {ShortHdr})");
            return false;
        }
        if (pktLen > length)
        {
            nd.Print($" (pktlen {pktLen} > {length})");
            return false;
        }
        length = pktLen;
        int rhp = ap + 2;
        int flags = nd.U8(rhp);
        if ((flags & 0x80) != 0)
        {
            uint padLen = (uint)(flags & 0x7f);
            if (nd.Verbose > 0) nd.Print($"[pad:{padLen}] ");
            if (length < padLen + 2)
            {
                nd.Print($" (length {length} < {padLen + 2})");
                return false;
            }
            nd.Check(ap + 2, (int)padLen);
            ap += (int)padLen;
            length -= padLen;
            caplen -= (int)padLen;
            rhp = ap + 2;
            flags = nd.U8(rhp);
        }
        if ((flags & 0x40) != 0)
        {
            nd.Print("future-version-decnet");
            Dump(nd, ap, Math.Min(length, (uint)caplen));
            return true;
        }
        if ((flags & 1) != 0) return Control(nd, rhp, length, caplen);
        int dst, src, hops, nsp;
        uint nspLen;
        switch (flags & 7)
        {
            case 6:
                if (length < LongHdr)
                {
                    nd.Print($" (length {length} < {LongHdr})");
                    return false;
                }
                nd.Check(rhp, LongHdr);
                dst = nd.Le16(rhp + 7);
                src = nd.Le16(rhp + 15);
                hops = nd.U8(rhp + 18);
                nsp = rhp + LongHdr;
                nspLen = length - LongHdr;
                break;
            case 2:
                dst = nd.Le16(rhp + 1);
                src = nd.Le16(rhp + 3);
                hops = (nd.U8(rhp + 5) & 0x3f) + 1;
                nsp = rhp + ShortHdr;
                nspLen = length - ShortHdr;
                break;
            default:
                nd.Print("unknown message flags under mask");
                Dump(nd, ap, Math.Min(length, (uint)caplen));
                return true;
        }
        nd.Print($"{Node(src)} > {Node(dst)} {pktLen} ");
        if (nd.Verbose > 0)
        {
            if ((flags & 0x08) != 0) nd.Print("RQR ");
            if ((flags & 0x10) != 0) nd.Print("RTS ");
            if ((flags & 0x20) != 0) nd.Print("IE ");
            nd.Print($"{hops} hops ");
        }
        return Nsp(nd, nsp, nspLen);
    }

    private static bool Control(PrintContext nd, int cm, uint length, int caplen)
    {
        int flags = nd.U8(cm);
        switch (flags & 0xf)
        {
            case 1:
                nd.Print("init ");
                if (length < 12) return false;
                nd.Check(cm, 12);
                TInfo(nd, nd.U8(cm + 3));
                nd.Print($"src {Node(nd.Le16(cm + 1))}blksize {nd.Le16(cm + 4)} vers {nd.U8(cm + 6)} eco {nd.U8(cm + 7)} ");
                nd.Print($"ueco {nd.U8(cm + 8)} hello {nd.Le16(cm + 9)}");
                break;
            case 3:
                nd.Print("verification ");
                if (length < 4) return false;
                nd.Print($"src {Node(nd.Le16(cm + 1))} fcnval {Convert.ToString(nd.U8(cm + 3), 8)}");
                break;
            case 5:
                nd.Print("test ");
                if (length < 4) return false;
                nd.Print($"src {Node(nd.Le16(cm + 1))} data {Convert.ToString(nd.U8(cm + 3), 8)}");
                break;
            case 7:
            case 9:
                nd.Print((flags & 0xf) == 7 ? "lev-1-routing " : "lev-2-routing ");
                if (length < 4) return false;
                nd.Check(cm, 4);
                nd.Print($"src {Node(nd.Le16(cm + 1))} ");
                Routes(nd, cm + 4, length - 4, (flags & 0xf) == 7 ? "ids" : "areas");
                break;
            case 11:
            {
                nd.Print("router-hello ");
                if (length < 18) return false;
                nd.Check(cm, 18);
                int vers = nd.U8(cm + 1), eco = nd.U8(cm + 2), ueco = nd.U8(cm + 3), src = nd.Le16(cm + 8);
                IInfo(nd, nd.U8(cm + 10));
                nd.Print($"vers {vers} eco {eco} ueco {ueco} src {Node(src)} blksize {nd.Le16(cm + 11)} pri {nd.U8(cm + 13)} ");
                nd.Print($"hello {nd.Le16(cm + 15)}");
                break;
            }
            case 13:
            {
                nd.Print("endnode-hello ");
                if (length < 32) return false;
                int vers = nd.U8(cm + 1), eco = nd.U8(cm + 2), ueco = nd.U8(cm + 3), src = nd.Le16(cm + 8);
                int info = nd.U8(cm + 10), blksize = nd.Le16(cm + 11), rtr = nd.Le16(cm + 26), hello = nd.Le16(cm + 28);
                int data = nd.U8(cm + 31);
                IInfo(nd, info);
                nd.Print($"vers {vers} eco {eco} ueco {ueco} src {Node(src)} blksize {blksize} rtr {Node(rtr)} hello {hello} ");
                nd.Print($"data {Convert.ToString(data, 8)}");
                break;
            }
            default:
                nd.Print("unknown control message");
                Dump(nd, cm, Math.Min(length, (uint)caplen));
                break;
        }
        return true;
    }

    private static void TInfo(PrintContext nd, int info)
    {
        nd.Print((info & 3) switch { 0 => "reserved-ntype? ", 1 => "l2rout ", 2 => "l1rout ", _ => "endnode " });
        if ((info & 4) != 0) nd.Print("verif ");
        if ((info & 8) != 0) nd.Print("blo ");
    }

    private static void IInfo(PrintContext nd, int info)
    {
        nd.Print((info & 3) switch { 0 => "reserved-ntype? ", 1 => "l2rout ", 2 => "l1rout ", _ => "endnode " });
        if ((info & 4) != 0) nd.Print("verif ");
        if ((info & 0x20) != 0) nd.Print("nomcast ");
        if ((info & 0x40) != 0) nd.Print("blo ");
    }

    /// <summary>Routing entries (count, first id or area, cost and hops) up to the trailing checksum.</summary>
    private static void Routes(PrintContext nd, int rp, uint len, string what)
    {
        while (len > 6)
        {
            nd.Check(rp, 6);
            int count = nd.Le16(rp);
            if (count > 1024) return;
            int id = nd.Le16(rp + 2), info = nd.Le16(rp + 4);
            rp += 6;
            len -= 6;
            nd.Print($"{{{what} {id}-{id + count} cost {info & 0x1ff} hops {(info >> 10) & 0x1f}}} ");
        }
    }

    /// <summary>The acknowledgement fields of a segment or acknowledgement message (third: a sequence word follows them);
    /// the last word read, or -1 (invalid).</summary>
    private static int Acks(PrintContext nd, int p, uint nspLen, bool checkLength, string nak2, string ack2, bool third = true)
    {
        uint dataOff = 7;
        int ack = nd.Le16(p + 5);
        if ((ack & 0x8000) != 0)
        {
            nd.Print((ack & 0x9000) == 0x9000 ? $"nak {ack & 0xfff} " : $"ack {ack & 0xfff} ");
            dataOff += 2;
            if (checkLength && nspLen < dataOff) return -1;
            ack = nd.Le16(p + 7);
            if ((ack & 0xa000) != 0)
            {
                nd.Print((ack & 0xb000) == 0xb000 ? $"{nak2} {ack & 0xfff} " : $"{ack2} {ack & 0xfff} ");
                dataOff += 2;
                if (checkLength && nspLen < dataOff) return -1;
                if (third) ack = nd.Le16(p + 9);
            }
        }
        return ack;
    }

    private static bool Nsp(PrintContext nd, int p, uint nspLen)
    {
        if (nspLen < 5)
        {
            nd.Print($" (nsplen {nspLen} < 5)");
            return false;
        }
        int flags = nd.U8(p), dst = nd.Le16(p + 1), src = nd.Le16(p + 3);
        switch (flags & 0xc)
        {
            case 0:
                switch (flags & 0x70)
                {
                    case 0x20:
                    case 0x00:
                    case 0x40:
                    case 0x60:
                    {
                        nd.Print($"data {src}>{dst} ");
                        if (nspLen < 7) return false;
                        int ack = Acks(nd, p, nspLen, true, "onak", "oack");
                        if (ack < 0) return false;
                        nd.Print($"seg {ack & 0xfff} ");
                        break;
                    }
                    case 0x30:
                    {
                        nd.Print("intr ");
                        if (nspLen < 7) return false;
                        int ack = Acks(nd, p, nspLen, true, "nakdat", "ackdat");
                        if (ack < 0) return false;
                        nd.Print($"seg {ack & 0xfff} ");
                        break;
                    }
                    case 0x10:
                        nd.Print($"link-service {src}>{dst} ");
                        if (nspLen < 13) return false;
                        LinkService(nd, p);
                        break;
                    default:
                        nd.Print($"reserved-subtype? {flags:x} {src} > {dst}");
                        break;
                }
                break;
            case 4:
                switch (flags & 0x70)
                {
                    case 0x00:
                    case 0x10:
                        nd.Print((flags & 0x70) == 0 ? $"data-ack {src}>{dst} " : $"ils-ack {src}>{dst} ");
                        if (nspLen < 9) return false;
                        nd.Check(p, 9);
                        Acks(nd, p, nspLen, false, (flags & 0x70) == 0 ? "onak" : "nakdat", (flags & 0x70) == 0 ? "oack" : "ackdat", false);
                        break;
                    case 0x20:
                        nd.Print($"conn-ack {dst}");
                        break;
                    default:
                        nd.Print($"reserved-acktype? {flags:x} {src} > {dst}");
                        break;
                }
                break;
            case 8:
                return Control(nd, p, nspLen, flags, src, dst);
            default:
                nd.Print($"reserved-type? {flags:x} {src} > {dst}");
                break;
        }
        return true;
    }

    private static void LinkService(PrintContext nd, int p)
    {
        int ack = Acks(nd, p, 0, false, "nakdat", "ackdat");
        nd.Print($"seg {ack & 0xfff} ");
        int lsFlags = nd.U8(p + 11), fcVal = nd.U8(p + 12);
        switch (lsFlags & 0xc)
        {
            case 0:
                nd.Print($"dat seg count {fcVal} ");
                switch (lsFlags & 3)
                {
                    case 0: break;
                    case 1: nd.Print("donotsend-data "); break;
                    case 2: nd.Print("send-data "); break;
                    default: nd.Print($"reserved-fcmod? {lsFlags:x}"); break;
                }
                break;
            case 4:
                nd.Print($"intr req count {fcVal} ");
                break;
            default:
                nd.Print($"reserved-fcval-int? {lsFlags:x}");
                break;
        }
    }

    private static bool Control(PrintContext nd, int p, uint nspLen, int flags, int src, int dst)
    {
        switch (flags & 0x70)
        {
            case 0x10:
            case 0x60:
            case 0x20:
            {
                int sub = flags & 0x70;
                nd.Print(sub == 0x10 ? "conn-initiate " : sub == 0x60 ? "retrans-conn-initiate " : "conn-confirm ");
                nd.Print($"{src}>{dst} ");
                if (nspLen < (sub == 0x20 ? 10u : 9u)) return false;
                int services = nd.U8(p + 5), info = nd.U8(p + 6), segSize = nd.Le16(p + 7);
                int optLen = sub == 0x20 ? nd.U8(p + 9) : 0;
                switch (services & 0xc)
                {
                    case 4: nd.Print("seg "); break;
                    case 8: nd.Print("msg "); break;
                }
                nd.Print((info & 3) switch { 0 => "ver 3.2 ", 1 => "ver 3.1 ", 2 => "ver 4.0 ", _ => "ver 4.1 " });
                nd.Print($"segsize {segSize} ");
                if (optLen != 0) nd.Print($"optlen {optLen} ");
                break;
            }
            case 0x30:
            {
                nd.Print($"disconn-initiate {src}>{dst} ");
                if (nspLen < 8) return false;
                int reason = nd.Le16(p + 5), optLen = nd.U8(p + 7);
                Reason(nd, reason);
                if (optLen != 0) nd.Print($"optlen {optLen} ");
                break;
            }
            case 0x40:
                nd.Print($"disconn-confirm {src}>{dst} ");
                Reason(nd, nd.Le16(p + 5));
                break;
            default:
                nd.Print($"reserved-ctltype? {flags:x} {src} > {dst}");
                break;
        }
        return true;
    }

    private static void Reason(PrintContext nd, int reason)
    {
        if (Toks.Find(Reasons, (uint)reason) is { } s) nd.Print($"{s} ");
        else nd.Print($"reason-{reason} ");
    }
}
