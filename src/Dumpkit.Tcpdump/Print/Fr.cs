// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Frame Relay (LINKTYPE_FRELAY): Q.922 address, NLPID / Cisco ethertype dispatch, Q.933 signalling
/// (ANSI T1.617 Annex D and ITU-T Q.933 Annex A LMI), FRF.15 fragments, and multilink FRF.16 (LINKTYPE_MFR).</summary>
/// <remarks>Specification: RFC 2427, ITU-T Q.922/Q.933, ANSI T1.617 Annex D, FRF.15, FRF.16.</remarks>
internal static class Fr
{
    private static readonly Tok[] HeaderFlags =
        [new(0x02000000, "C!"), new(0x00020000, "DE"), new(0x00040000, "BECN"), new(0x00080000, "FECN"), new(0x00000002, "sdlcore")];

    private static readonly Tok[] FrfFlags = [new(0x80, "Begin"), new(0x40, "End"), new(0x20, "Control")];

    public static string? NlpidName(int n) => n switch
    {
        0x00 => "NULL", 0x08 => "Q.933", 0x09 => "LMI", 0x80 => "SNAP", 0x81 => "CLNP", 0x82 => "ES-IS", 0x83 => "IS-IS",
        0x84 => "CONS", 0x85 => "IDRP", 0xc1 => "ISIS_SPB", 0xb1 => "FRF.15", 0xcc => "IPv4", 0xcf => "PPP",
        0x8a => "X25 ES-IS", 0x8e => "IPv6", _ => null,
    };

    /// <summary>Q.922 address: 1 valid, 0 invalid, -1 truncated.</summary>
    private static int ParseQ922(PrintContext nd, int p, int length, out uint dlci, out int addrLen, out uint flags)
    {
        dlci = 0; addrLen = 0; flags = 0;
        if (!nd.TTest(p, 1) || length < 1) return -1;
        int b0 = nd.Buf[p];
        if ((b0 & 1) != 0) return 0;
        if (!nd.TTest(p + 1, 1) || length < 2) return -1;
        int b1 = nd.Buf[p + 1];
        addrLen = 2;
        dlci = (uint)(((b0 & 0xfc) << 2) | ((b1 & 0xf0) >> 4));
        flags = (uint)(((b0 & 0x02) << 24) | ((b1 & 0x0e) << 16));
        if ((b1 & 1) != 0) return 1;
        p += 2; length -= 2;
        if (!nd.TTest(p, 1) || length < 1) return -1;
        addrLen++;
        if ((nd.Buf[p] & 1) == 0)
        {
            dlci = (dlci << 7) | (uint)(nd.Buf[p] >> 1);
            addrLen++;
            p++; length--;
        }
        if (!nd.TTest(p, 1) || length < 1) return -1;
        if ((nd.Buf[p] & 1) == 0) return 0;
        flags |= (uint)(nd.Buf[p] & 0x02);
        dlci = (dlci << 6) | (uint)(nd.Buf[p] >> 2);
        return 1;
    }

    /// <summary>"DLCI n" / "&lt;Invalid DLCI&gt;" / "&lt;Truncated&gt;" for a Q.922 address inside another protocol.</summary>
    public static string Q922String(PrintContext nd, int p, int length) => ParseQ922(nd, p, length, out uint dlci, out _, out _) switch
    {
        1 => $"DLCI {dlci}",
        0 => "<Invalid DLCI>",
        _ => "<Truncated>",
    };

    private static void HdrPrint(PrintContext nd, int length, int addrLen, uint dlci, uint flags, int nlpid)
    {
        if (nd.Settings.Quick)
        {
            nd.Print($"Q.922, DLCI {dlci}, length {(uint)length}: ");
            return;
        }
        nd.Print($"Q.922, hdr-len {addrLen}, DLCI {dlci}, Flags [");
        Toks.Bits(nd, HeaderFlags, "none", flags);
        if (nlpid <= 0xff) nd.Print($"], NLPID {NlpidName(nlpid) ?? "unknown"} (0x{nlpid:x2}), length {(uint)length}: ");
        else nd.Print($"], cisco-ethertype {Ether.TypeName(nlpid) ?? "unknown"} (0x{nlpid:x4}), length {(uint)length}: ");
    }

    public static int IfPrint(PrintContext nd, int length, int caplen)
    {
        nd.Proto = "fr";
        if (caplen < 4) { nd.PrintTrunc(); return caplen; }
        return Print(nd, 0, length);
    }

    /// <summary>Prints a Frame Relay frame; returns the header length (0 when nothing was decoded).</summary>
    public static int Print(PrintContext nd, int p, int length)
    {
        nd.Proto = "fr";
        int ret = ParseQ922(nd, p, length, out uint dlci, out int addrLen, out uint flags);
        if (ret == -1) { nd.PrintTrunc(); return 0; }
        if (ret == 0) { nd.Print("Q.922, invalid address"); return 0; }
        if (!nd.TTest(p + addrLen, 1) || length < addrLen + 1) { nd.PrintTrunc(); return 0; }
        if (nd.Buf[p + addrLen] != 0x03 && dlci != 0)
        {
            if (!nd.TTest(p + addrLen, 2) || length < addrLen + 2)
                nd.Print($"UI {nd.U8(p + addrLen):x2}! ");
            else
            {
                int et = nd.Be16(p + addrLen);
                if (nd.Settings.LinkHeader) HdrPrint(nd, length, addrLen, dlci, flags, et);
                if (Ether.EtherType(nd, et, p + addrLen + 2, length - addrLen - 2, nd.Avail(p) - addrLen - 2)) return addrLen + 2;
                nd.Print($"UI {nd.U8(p + addrLen):x2}! ");
            }
        }
        if (!nd.TTest(p + addrLen + 1, 1) || length < addrLen + 2) { nd.PrintTrunc(); return 0; }
        int hdrLen;
        if (nd.Buf[p + addrLen + 1] == 0)
        {
            if (addrLen != 3) nd.Print("Pad! ");
            hdrLen = addrLen + 3;
        }
        else
        {
            if (addrLen == 3) nd.Print("No pad! ");
            hdrLen = addrLen + 2;
        }
        if (!nd.TTest(p + hdrLen - 1, 1) || length < hdrLen) { nd.PrintTrunc(); return 0; }
        int nlpid = nd.Buf[p + hdrLen - 1];
        if (nd.Settings.LinkHeader) HdrPrint(nd, length, addrLen, dlci, flags, nlpid);
        p += hdrLen;
        length -= hdrLen;
        switch (nlpid)
        {
            case 0xcc: Ip.Print(nd, p, length); break;
            case 0x8e: Ip6.Print(nd, p, length); break;
            case 0x81:
            case 0x82:
            case 0x83: Isoclns.Print(nd, p - 1, length + 1); break;
            case 0x80:
                if (!Llc.Snap(nd, p, length, nd.Avail(p), -1))
                {
                    if (!nd.Settings.LinkHeader) HdrPrint(nd, length + hdrLen, hdrLen, dlci, flags, nlpid);
                    nd.DefaultPrint(p - hdrLen, length + hdrLen);
                }
                break;
            case 0x08: Q933(nd, p, length); break;
            case 0xb1: Frf15(nd, p, length); break;
            case 0xcf: Ppp.Print(nd, p, length); break;
            default:
                if (!nd.Settings.LinkHeader) HdrPrint(nd, length + hdrLen, addrLen, dlci, flags, nlpid);
                if (nd.Settings.Hex == 0) HexDump.HexAscii(nd, "\n\t", p, length);
                break;
        }
        return hdrLen;
    }

    public static int MfrIfPrint(PrintContext nd, int length, int caplen)
    {
        nd.Proto = "mfr";
        if (caplen < 2) { nd.PrintTrunc(); return caplen; }
        return Mfr(nd, 0, length);
    }

    private static string? MfrMsg(int m) => m switch
    {
        1 => "Add Link", 2 => "Add Link ACK", 3 => "Add Link Reject", 4 => "Hello", 5 => "Hello ACK", 6 => "Remove Link",
        7 => "Remove Link ACK", _ => null,
    };

    private static string? MfrIe(int t) => t switch
    {
        1 => "Bundle ID", 2 => "Link ID", 3 => "Magic Number", 5 => "Timestamp", 6 => "Vendor Extension", 7 => "Cause", _ => null,
    };

    /// <summary>FRF.16 multilink frame: control frame with IEs, or a fragment (the first one carries a Q.922 frame).</summary>
    public static int Mfr(PrintContext nd, int p, int length)
    {
        nd.Proto = "mfr";
        if (length < 4)
        {
            nd.Print($"[length {(uint)length} < 4]");
            nd.PrintInvalid();
            return length;
        }
        if (!nd.TTest(p, 4)) { nd.PrintTrunc(); return length; }
        int b0 = nd.Buf[p];
        if ((b0 & 0xe0) == 0xe0 && nd.Buf[p + 1] == 0)
        {
            int msg = nd.Buf[p + 2];
            nd.Print("FRF.16 Control, Flags [");
            Toks.Bits(nd, FrfFlags, "none", (uint)(b0 & 0xe0));
            nd.Print("], ");
            if (MfrMsg(msg) is { } m) nd.Print(m);
            else nd.Print($"Unknown Message (0x{msg:x2})");
            nd.Print($", length {(uint)length}");
            int tp = p + 3;
            uint tlen = (uint)(length - 3);
            if (nd.Verbose == 0) return 3;
            while (tlen > 2)
            {
                if (!nd.TTest(tp, 2)) { nd.PrintTrunc(); return length; }
                int ieType = nd.Buf[tp], ieLen = nd.Buf[tp + 1];
                nd.Print($"\n\tIE {MfrIe(ieType) ?? "Unknown"} ({ieType}), length {ieLen}: ");
                if (ieType == 0 || ieLen <= 2) return 3;
                if (!nd.TTest(tp, ieLen)) { nd.PrintTrunc(); return length; }
                tp += 2;
                ieLen -= 2;
                tlen -= 2;
                switch (ieType)
                {
                    case 3:
                        if (ieLen != 4)
                        {
                            nd.Print($"[IE data length {ieLen} != 4]");
                            nd.PrintInvalid();
                            break;
                        }
                        nd.Print($"0x{nd.Be32(tp):x8}");
                        break;
                    case 1:
                    case 2:
                        for (int i = 0; i < ieLen && i < 50; i++)
                        {
                            byte c = nd.U8(tp + i);
                            if (c == 0) break;
                            Text.PrintChar(nd, c);
                        }
                        break;
                    default:
                        if (nd.Verbose <= 1) HexDump.UnknownData(nd, tp, "\n\t  ", ieLen);
                        break;
                }
                if (nd.Verbose > 1) HexDump.UnknownData(nd, tp, "\n\t  ", ieLen);
                tlen -= (uint)ieLen;
                tp += ieLen;
            }
            return 3;
        }
        int seq = (b0 & 0x1e) << 7 | nd.Buf[p + 1];
        int bec = b0 & 0xe0;
        nd.Print($"FRF.16 Frag, seq {seq}, Flags [");
        Toks.Bits(nd, FrfFlags, "none", (uint)bec);
        if (bec == 0xc0 || bec == 0x80)
        {
            nd.Print("], ");
            Print(nd, p + 2, length - 2);
            return 2;
        }
        nd.Print("]");
        HexDump.UnknownData(nd, p, "\n\t", length);
        return 0;
    }

    private static void Frf15(PrintContext nd, int p, int length)
    {
        if (length < 2) { nd.PrintTrunc(); return; }
        int b0 = nd.U8(p);
        int seq = (b0 & 0x1e) << 7 | nd.U8(p + 1);
        nd.Print($"FRF.15, seq 0x{seq:x3}, Flags [");
        Toks.Bits(nd, FrfFlags, "none", (uint)(b0 & 0xe0));
        nd.Print($"],{((b0 & 1) != 0 ? "Interface" : "End-to-End")} Fragmentation, length {(uint)length}");
    }

    private static string? Q933Msg(int m) => m switch
    {
        0x00 => "ESC to National", 0x01 => "Alert", 0x02 => "Call proceeding", 0x07 => "Connect", 0x0f => "Connect ACK",
        0x03 => "Progress", 0x05 => "Setup", 0x45 => "Disconnect", 0x4d => "Release", 0x5a => "Release Complete",
        0x46 => "Restart", 0x4e => "Restart ACK", 0x7d => "Status Reply", 0x75 => "Status Enquiry", _ => null,
    };

    private static string? Q933Ie(int codeset, int ie) => codeset is 0 or 5
        ? ie switch
        {
            0x01 => "ANSI Report Type", 0x19 => "ANSI Link Verify", 0x03 => "ANSI Link Verify", 0x07 => "ANSI PVC Status",
            0x51 => "CCITT Report Type", 0x53 => "CCITT Link Verify", 0x57 => "CCITT PVC Status", _ => null,
        }
        : null;

    /// <summary>Q.933 (and Q.931) signalling; p points at the call reference length octet.</summary>
    public static void Q933(PrintContext nd, int p, int length)
    {
        nd.Proto = "q.933";
        bool e = nd.Settings.LinkHeader;
        nd.Print(e ? "" : "Q.933");
        void Len(uint l)
        {
            if (!e) nd.Print(", ");
            nd.Print($"length {l}");
        }
        if (length == 0 || !nd.TTest(p, 1)) { Len((uint)length); nd.PrintTrunc(); return; }
        uint olen = (uint)length;
        int crLen = nd.Buf[p] & 0x0f;
        p++; length--;
        int cr = p;
        for (int i = 0; i < crLen; i++)
        {
            if (length == 0 || !nd.TTest(p, 1)) { Len(olen); nd.PrintTrunc(); return; }
            p++; length--;
        }
        if (length == 0 || !nd.TTest(p, 1)) { Len(olen); nd.PrintTrunc(); return; }
        int msgtype = nd.Buf[p];
        p++; length--;
        int codeset = 0, unshift = 0, nonLocking = 0;
        bool ansi = false;
        if (length != 0)
        {
            if (!nd.TTest(p, 1)) { Len(olen); nd.PrintTrunc(); return; }
            int ie = nd.Buf[p];
            if ((ie & 0xf0) == 0x90)
            {
                p++; length--;
                codeset = ie & 7;
                if ((ie & 8) == 0)
                {
                    if (codeset == 5) ansi = true;
                }
                else
                {
                    nonLocking = 1;
                    unshift = 0;
                }
            }
        }
        if (!e) nd.Print(", ");
        nd.Print($"{(ansi ? "ANSI" : "CCITT")}, codeset {codeset}");
        if (crLen != 0 && (crLen > 1 || nd.U8(p) != 0))
        {
            nd.Print(", Call Ref: 0x");
            for (int i = 0; i < crLen; i++) nd.Out.PutHex2(nd.Buf[cr + i]);
        }
        if (nd.Verbose > 0) nd.Print($", {Q933Msg(msgtype) ?? "unknown message"} (0x{msgtype:x2}), length {olen}");
        else if (Q933Msg(msgtype) is { } mn) nd.Print($", {mn}");
        else nd.Print($", unknown message 0x{msgtype:x2}");
        while (length != 0)
        {
            if (nonLocking == 1) nonLocking = 2;
            else if (nonLocking == 2)
            {
                codeset = unshift;
                nonLocking = 0;
            }
            if (!nd.TTest(p, 1))
            {
                if (nd.Verbose == 0) nd.Print($", length {olen}");
                nd.PrintTrunc();
                return;
            }
            int iecode = nd.Buf[p];
            p++; length--;
            if ((iecode & 0x80) != 0)
            {
                if ((iecode & 0xf0) == 0x90)
                {
                    if ((iecode & 8) == 0) nonLocking = 0;
                    else
                    {
                        nonLocking = 1;
                        unshift = codeset;
                    }
                    codeset = iecode & 7;
                }
                continue;
            }
            if (length == 0 || !nd.TTest(p, 1))
            {
                if (nd.Verbose == 0) nd.Print($", length {olen}");
                nd.PrintTrunc();
                return;
            }
            int ielength = nd.Buf[p];
            p++; length--;
            if (nd.Verbose > 0) nd.Print($"\n\t{Q933Ie(codeset, iecode) ?? "unknown"} IE (0x{iecode:x2}), length {ielength}: ");
            if (iecode == 0 || ielength == 0) return;
            if (length < ielength || !nd.TTest(p, ielength))
            {
                if (nd.Verbose == 0) nd.Print($", length {olen}");
                nd.PrintTrunc();
                return;
            }
            bool known = (codeset is 0 or 5) && Q933IePrint(nd, iecode, ielength, p);
            if (known)
            {
                if (nd.Verbose > 1) HexDump.UnknownData(nd, p, "\n\t  ", ielength);
            }
            else if (nd.Verbose >= 1) HexDump.UnknownData(nd, p, "\n\t", ielength);
            length -= ielength;
            p += ielength;
        }
        if (nd.Verbose == 0) nd.Print($", length {olen}");
    }

    private static bool Q933IePrint(PrintContext nd, int iecode, int ielength, int p)
    {
        switch (iecode)
        {
            case 0x01:
            case 0x51:
                if (nd.Verbose > 0)
                {
                    int t = nd.U8(p);
                    string? n = t switch { 0 => "Full Status", 1 => "Link verify", 2 => "Async PVC Status", _ => null };
                    nd.Print($"{n ?? "unknown"} ({t})");
                }
                return true;
            case 0x03:
            case 0x53:
            case 0x19:
                if (nd.Verbose == 0) nd.Print(", ");
                if (ielength < 2)
                {
                    nd.Print("Invalid LINK VERIFY IE");
                    return true;
                }
                nd.Print($"TX Seq: {nd.U8(p),3}, RX Seq: {nd.U8(p + 1),3}");
                return true;
            case 0x07:
            case 0x57:
            {
                if (nd.Verbose == 0) nd.Print(", ");
                int B(int i) => nd.U8(p + i);
                if (ielength < 3 || (B(0) & 0x80) != 0
                    || (ielength == 3 && (B(1) & 0x80) == 0)
                    || (ielength == 4 && ((B(1) & 0x80) != 0 || (B(2) & 0x80) == 0))
                    || (ielength == 5 && ((B(1) & 0x80) != 0 || (B(2) & 0x80) != 0 || (B(3) & 0x80) == 0))
                    || ielength > 5 || (B(ielength - 1) & 0x80) == 0)
                {
                    nd.Print("Invalid DLCI in PVC STATUS IE");
                    return true;
                }
                uint dlci = (uint)(((B(0) & 0x3f) << 4) | ((B(1) & 0x78) >> 3));
                if (ielength == 4) dlci = (dlci << 6) | (uint)((B(2) & 0x7e) >> 1);
                else if (ielength == 5) dlci = (dlci << 13) | (uint)(B(2) & 0x7f) | (uint)((B(3) & 0x7e) >> 1);
                int last = B(ielength - 1);
                nd.Print($"DLCI {dlci}: status {((last & 8) != 0 ? "New, " : "")}{((last & 2) != 0 ? "Active" : "Inactive")}");
                return true;
            }
        }
        return false;
    }
}
