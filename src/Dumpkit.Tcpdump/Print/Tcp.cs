// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Tcpdump.Print;

/// <summary>TCP header, options, relative sequence numbers and the port-based payload dispatch.</summary>
/// <remarks>Specification: RFC 9293, RFC 7323, RFC 2018, RFC 7413 (TFO).</remarks>
internal static class Tcp
{
    private static UInt128 Addr(PrintContext nd, int off, bool v6) =>
        v6 ? BinaryPrimitives.ReadUInt128BigEndian(nd.Buf.AsSpan(off, 16)) : BinaryPrimitives.ReadUInt32BigEndian(nd.Buf.AsSpan(off, 4));

    /// <summary>A TCP port: its /etc/services name unless -n (tcpdump's tcpport_string).</summary>
    public static void Port(PrintContext nd, int port)
    {
        if (nd.Settings.Names?.TcpPort(port) is { } name) nd.Out.Put(name);
        else nd.Out.PutU((ulong)port);
    }

    public static void PrintAddrs(PrintContext nd, int iph, bool v6)
    {
        if (v6) { nd.Ip6(iph + 8); nd.Print(" > "); nd.Ip6(iph + 24); }
        else { nd.Ip4(iph + 12); nd.Print(" > "); nd.Ip4(iph + 16); }
    }

    public static void Print(PrintContext nd, int bp, int length, int iph, bool fragmented)
    {
        nd.Proto = "tcp";
        bool v6 = (nd.Buf[iph] >> 4) == 6;
        if (!nd.TTest(bp + 2, 2))
        {
            PrintAddrs(nd, iph, v6);
            nd.Print(":");
            nd.PrintTrunc();
            return;
        }
        int sport = nd.Be16(bp), dport = nd.Be16(bp + 2);
        int nxt = v6 ? nd.U8(iph + 6) : nd.U8(iph + 9);
        if (nxt == 6)
        {
            if (v6) nd.Ip6(iph + 8); else nd.Ip4(iph + 12);
            nd.Print('.'); Port(nd, sport); nd.Print(" > ");
            if (v6) nd.Ip6(iph + 24); else nd.Ip4(iph + 16);
            nd.Print('.'); Port(nd, dport); nd.Print(": ");
        }
        else { Port(nd, sport); nd.Print(" > "); Port(nd, dport); nd.Print(": "); }
        // a short fixed header ends the line here (the packet printer is not unwound: -x dumps after the link header)
        if (!nd.TTest(bp, 20)) { nd.PrintTrunc(); return; }
        int hlen = (nd.U8(bp + 12) >> 4) * 4;
        if (hlen < 20)
        {
            nd.Print($" tcp {length - hlen} [bad hdr length {hlen} - too short, < 20]");
            return;
        }
        uint seq = nd.Be32(bp + 4), ack = nd.Be32(bp + 8);
        int win = nd.Be16(bp + 14), urp = nd.Be16(bp + 18);
        if (nd.Settings.Quick)
        {
            nd.Print($"tcp {length - hlen}");
            if (hlen > length) nd.Print($" [bad hdr length {hlen} - too long, > {length}]");
            return;
        }
        int flags = nd.U8(bp + 13);
        nd.Print("Flags [");
        if (flags == 0) nd.Print("none");
        else
        {
            if ((flags & 0x01) != 0) nd.Print('F');
            if ((flags & 0x02) != 0) nd.Print('S');
            if ((flags & 0x04) != 0) nd.Print('R');
            if ((flags & 0x08) != 0) nd.Print('P');
            if ((flags & 0x10) != 0) nd.Print('.');
            if ((flags & 0x20) != 0) nd.Print('U');
            if ((flags & 0x40) != 0) nd.Print('E');
            if ((flags & 0x80) != 0) nd.Print('W');
        }
        nd.Print(']');
        uint thseq = 0, thack = 0;
        bool rev = false;
        if (!nd.Settings.AbsoluteSeq && (flags & 0x10) != 0)
        {
            int srcOff = v6 ? iph + 8 : iph + 12, dstOff = v6 ? iph + 24 : iph + 16;
            int alen = v6 ? 16 : 4;
            if (sport > dport) rev = true;
            else if (sport == dport)
                rev = nd.Buf.AsSpan(srcOff, alen).SequenceCompareTo(nd.Buf.AsSpan(dstOff, alen)) > 0;
            UInt128 s = Addr(nd, srcOff, v6), d = Addr(nd, dstOff, v6);
            var key = rev ? new TcpState.Key(d, s, (uint)(dport << 16 | sport)) : new TcpState.Key(s, d, (uint)(sport << 16 | dport));
            if (v6) key = key with { Port = key.Port }; // distinct from v4 by address width only
            var map = nd.Tcp.Seqs;
            if (!map.TryGetValue(key, out var th) || (flags & 0x02) != 0)
            {
                th = rev ? (ack - 1, seq) : (seq, ack - 1);
                map[key] = th;
            }
            else
            {
                if (rev) { seq -= th.Ack; ack -= th.Seq; }
                else { seq -= th.Seq; ack -= th.Ack; }
            }
            thseq = th.Seq;
            thack = th.Ack;
        }
        if (hlen > length)
        {
            nd.Print($" [bad hdr length {hlen} - too long, > {length}]");
            return;
        }
        if (nd.Verbose > 0 && !nd.Settings.NoChecksum && !fragmented)
        {
            if (nd.TTest(bp, length))
            {
                ushort sum = Checksum.Pseudo(nd, iph, v6, 6, bp, length);
                ushort tsum = nd.Be16(bp + 16);
                nd.Print($", cksum 0x{tsum:x4}");
                if (sum != 0) nd.Print($" (incorrect -> 0x{Checksum.ShouldBe(tsum, sum):x4})");
                else nd.Print(" (correct)");
            }
        }
        length -= hlen;
        if (nd.Verbose > 1 || length > 0 || (flags & 0x07) != 0)
        {
            nd.Print($", seq {seq}");
            if (length > 0) nd.Print($":{seq + (uint)length}");
        }
        if ((flags & 0x10) != 0) nd.Print($", ack {ack}");
        nd.Print($", win {win}");
        if ((flags & 0x20) != 0) nd.Print($", urg {urp}");
        if (hlen > 20)
        {
            if (!Options(nd, bp, hlen - 20, rev, thseq, thack, flags, iph, length)) return;
        }
        nd.Print($", length {length}");
        if (length == 0) return;
        int headerLen = (nd.U8(bp + 12) >> 4) * 4;
        if (!nd.TTest(bp, headerLen))
        {
            nd.Print($" [remaining caplen({nd.Avail(bp)}) < header length({headerLen})]");
            PrintContext.Trunc();
        }
        bp += headerLen;
        if ((flags & 0x04) != 0 && nd.Verbose > 0)
        {
            RstData(nd, bp, length);
            return;
        }
        if (nd.Settings.ForcedType != null)
        {
            if (nd.Settings.ForcedType == "domain") Dns.Print(nd, bp, length, true, false);
            else if (nd.Settings.ForcedType == "resp") Resp.Print(nd, bp, length);
            else if (nd.Settings.ForcedType == "zmtp1") ZeroMq.Print(nd, bp, length);
            return;
        }
        bool Is(int p) => sport == p || dport == p;
        if (Is(23)) Telnet.Print(nd, bp, length);
        else if (Is(25)) { nd.Print(": "); TextProtocol.Print(nd, bp, length, "smtp", null, true); }
        else if (Is(43)) { nd.Print(": "); TextProtocol.Print(nd, bp, length, "whois", null, false); }
        else if (Is(179)) Bgp.Print(nd, bp, length);
        else if (Is(1723)) Pptp.Print(nd, bp);
        else if (Is(6379)) Resp.Print(nd, bp, length);
        else if (Is(22)) Ssh(nd, bp, length);
        else if (Is(10288)) Beep.Print(nd, bp, length);
        else if (Is(6633) || Is(6653)) OpenFlow.Print(nd, bp, length);
        else if (Is(21)) { nd.Print(": "); TextProtocol.Print(nd, bp, length, "ftp", null, true); }
        else if (Is(80) || Is(8080)) { nd.Print(": "); TextProtocol.Print(nd, bp, length, "http", TextProtocol.HttpCmds, true); }
        else if (Is(554) || Is(8554)) { nd.Print(": "); TextProtocol.Print(nd, bp, length, "rtsp", TextProtocol.RtspCmds, true); }
        else if (Is(53)) Dns.Print(nd, bp, length, true, false);
        else if (Is(639)) Msdp.Print(nd, bp, length);
        else if (Is(323)) RpkiRtr.Print(nd, bp, length);
        else if (Is(646)) Ldp.Print(nd, bp, length);
        else if (Is(2049)) Nfs.Tcp(nd, bp, length, iph, sport, dport);
    }

    private static bool Options(PrintContext nd, int bp, int hlen, bool rev, uint thseq, uint thack, int flags, int iph, int length)
    {
        int cp = bp + 20;
        char ch = '\0';
        nd.Print(", options [");
        try
        {
            while (hlen > 0)
            {
                if (ch != '\0') nd.Print(ch);
                int opt = nd.U8(cp++);
                int len;
                if (opt == 0 || opt == 1) len = 1;
                else
                {
                    len = nd.U8(cp++);
                    if (len < 2 || len > hlen) goto bad;
                    --hlen;
                }
                --hlen;
                int datalen = 0;
                nd.Print(opt switch
                {
                    0 => "eol", 1 => "nop", 2 => "mss", 3 => "wscale", 4 => "sackOK", 5 => "sack", 6 => "echo",
                    7 => "echoreply", 8 => "TS", 11 => "cc", 12 => "ccnew", 13 => "", 19 => "md5", 20 => "scps",
                    28 => "uto", 29 => "tcp-ao", 30 => "mptcp", 34 => "tfo", 254 => "exp", _ => $"unknown-{opt}",
                });
                switch (opt)
                {
                    case 2:
                        datalen = 2;
                        if (datalen > hlen) goto bad;
                        if (!nd.TTest(cp, datalen)) goto trunc;
                        nd.Print($" {nd.Be16(cp)}");
                        break;
                    case 3:
                        datalen = 1;
                        if (datalen > hlen) goto bad;
                        if (!nd.TTest(cp, datalen)) goto trunc;
                        nd.Print($" {nd.U8(cp)}");
                        break;
                    case 5:
                        datalen = len - 2;
                        if (datalen % 8 != 0) nd.Print(" invalid sack");
                        else
                        {
                            nd.Print($" {datalen / 8} ");
                            for (int i = 0; i < datalen; i += 8)
                            {
                                if (i + 4 > hlen) goto bad;
                                if (!nd.TTest(cp, i + 4)) goto trunc;
                                uint s = nd.Be32(cp + i);
                                if (i + 8 > hlen) goto bad;
                                if (!nd.TTest(cp, i + 8)) goto trunc;
                                uint e = nd.Be32(cp + i + 4);
                                if (rev) { s -= thseq; e -= thseq; } else { s -= thack; e -= thack; }
                                nd.Print($"{{{s}:{e}}}");
                            }
                        }
                        break;
                    case 11: case 12: case 13: case 6: case 7:
                        datalen = 4;
                        if (datalen > hlen) goto bad;
                        if (!nd.TTest(cp, datalen)) goto trunc;
                        nd.Print($" {nd.Be32(cp)}");
                        break;
                    case 8:
                        datalen = 8;
                        if (datalen > hlen) goto bad;
                        if (!nd.TTest(cp, datalen)) goto trunc;
                        nd.Print($" val {nd.Be32(cp)} ecr {nd.Be32(cp + 4)}");
                        break;
                    case 19:
                        datalen = 16;
                        if (datalen > hlen) goto bad;
                        if (!nd.TTest(cp, datalen)) goto trunc;
                        // as Debian's tcpdump, built with OpenSSL: checked with -M's secret
                        nd.Print(' ');
                        TcpSignature.Print(nd, iph, bp, bp + (nd.U8(bp + 12) >> 4) * 4, length, cp);
                        break;
                    case 20:
                        datalen = 2;
                        if (datalen > hlen) goto bad;
                        if (!nd.TTest(cp, datalen)) goto trunc;
                        nd.Print($" cap {nd.U8(cp):x2} id {nd.U8(cp + 1)}");
                        break;
                    case 29:
                        datalen = len - 2;
                        if (datalen < 2) nd.PrintInvalid();
                        else
                        {
                            if (1 > hlen) goto bad;
                            if (!nd.TTest(cp, 1)) goto trunc;
                            nd.Print($" keyid {nd.U8(cp)}");
                            if (2 > hlen) goto bad;
                            if (!nd.TTest(cp, 2)) goto trunc;
                            nd.Print($" rnextkeyid {nd.U8(cp + 1)}");
                            if (datalen > 2)
                            {
                                nd.Print(" mac 0x");
                                for (int i = 2; i < datalen; i++)
                                {
                                    if (i + 1 > hlen) goto bad;
                                    if (!nd.TTest(cp, i + 1)) goto trunc;
                                    nd.Out.PutHex2(nd.U8(cp + i));
                                }
                            }
                        }
                        break;
                    case 0: case 1: case 4:
                        break;
                    case 28:
                    {
                        datalen = 2;
                        if (datalen > hlen) goto bad;
                        if (!nd.TTest(cp, datalen)) goto trunc;
                        int uto = nd.Be16(cp);
                        nd.Print($" 0x{uto:x}");
                        uto = (uto & 1) != 0 ? (uto >> 1) * 60 : uto >> 1;
                        nd.Print($" {uto}");
                        break;
                    }
                    case 30:
                    {
                        datalen = len - 2;
                        if (datalen > hlen) goto bad;
                        if (!nd.TTest(cp, datalen)) goto trunc;
                        int saved = nd.PushSnap(cp - 2, len);
                        bool ok;
                        try { ok = Mptcp.Print(nd, cp - 2, len, flags); }
                        finally { nd.PopSnap(saved); }
                        if (!ok) goto bad;
                        break;
                    }
                    case 34:
                        datalen = len - 2;
                        if (datalen > hlen) goto bad;
                        if (!nd.TTest(cp, datalen)) goto trunc;
                        nd.Print(' ');
                        FastOpen(nd, cp, datalen, false);
                        break;
                    case 254:
                    {
                        datalen = len - 2;
                        if (datalen > hlen) goto bad;
                        if (!nd.TTest(cp, datalen)) goto trunc;
                        if (datalen < 2) goto bad;
                        int magic = nd.Be16(cp);
                        nd.Print('-');
                        if (magic == 0xf989) FastOpen(nd, cp + 2, datalen - 2, true);
                        else nd.Print($"{magic:x4}");
                        break;
                    }
                    default:
                        datalen = len - 2;
                        if (datalen != 0) nd.Print(" 0x");
                        for (int i = 0; i < datalen; i++)
                        {
                            if (i + 1 > hlen) goto bad;
                            if (!nd.TTest(cp, i + 1)) goto trunc;
                            nd.Out.PutHex2(nd.U8(cp + i));
                        }
                        break;
                }
                cp += datalen;
                hlen -= datalen;
                datalen++;
                if (opt != 0 && opt != 1) datalen++;
                if (datalen != len) nd.Print($"[len {len}]");
                ch = ',';
                if (opt == 0) break;
            }
            nd.Print("]");
            return true;
        }
        catch (TruncatedException)
        {
            throw;
        }
    bad:
        nd.Print("[bad opt]");
        if (ch != '\0') nd.Print("]");
        return false;
    trunc:
        // an option cut short by the capture: tcpdump closes with '>' here, not the ']' of a bad option
        nd.PrintTrunc();
        if (ch != '\0') nd.Print('>');
        return false;
    }

    private static void FastOpen(PrintContext nd, int cp, int datalen, bool exp)
    {
        if (exp) nd.Print("tfo");
        if (datalen == 0) nd.Print(" cookiereq");
        else if (datalen % 2 != 0 || datalen < 4 || datalen > 16) nd.PrintInvalid();
        else
        {
            nd.Print(" cookie ");
            for (int i = 0; i < datalen; i++) nd.Out.PutHex2(nd.U8(cp + i));
        }
    }

    private static void RstData(PrintContext nd, int sp, int length)
    {
        nd.Print(nd.TTest(sp, length) ? " [RST" : " [!RST");
        if (length > 30) { length = 30; nd.Print('+'); }
        nd.Print(' ');
        while (length > 0 && sp < nd.SnapEnd)
        {
            Text.PrintChar(nd, nd.U8(sp));
            sp++;
            length--;
        }
        nd.Print(']');
    }

    private static void Ssh(PrintContext nd, int p, int len)
    {
        nd.Proto = "ssh";
        if (nd.U8(p) != 'S' || nd.U8(p + 1) != 'S' || nd.U8(p + 2) != 'H' || nd.U8(p + 3) != '-') return;
        int idx = 4;
        while (idx < len)
        {
            byte c = nd.U8(p + idx);
            if (c == '\n') goto print;
            if (c == '\r')
            {
                if (idx + 1 >= len) return;
                if (nd.U8(p + idx + 1) == '\n') goto print;
                return;
            }
            if (c < 0x20 || c > 0x7e) return;
            idx++;
        }
        return;
    print:
        nd.Print(": SSH: ");
        for (int i = 0; i < idx; i++) nd.Out.PutByte(nd.Buf[p + i]);
    }
}
