namespace Dumpkit.Tcpdump.Print;

/// <summary>Babel routing protocol (RFC 8966 and drafts; UDP 6696, old 6697): version 2 TLVs and sub-TLVs.</summary>
internal static class Babel
{
    private static ReadOnlySpan<byte> V4Prefix => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

    public static void Print(Nd nd, int cp, int length)
    {
        nd.Proto = "babel";
        nd.P("babel");
        nd.Check(cp, 4);
        if (nd.Buf[cp] != 42)
        {
            nd.P(" invalid header");
            return;
        }
        nd.P($" {nd.Buf[cp + 1]}");
        if (nd.Buf[cp + 1] != 2)
        {
            nd.P(" unknown version");
            return;
        }
        if (length < 4) { nd.PrintInvalid(); return; }
        int bodylen = nd.Be16(cp + 2);
        nd.P($" ({bodylen})");
        length -= 4;
        cp += 4;
        if (length < bodylen) { nd.PrintInvalid(); return; }
        Span<byte> v4 = stackalloc byte[16];
        Span<byte> v6 = stackalloc byte[16];
        if (!Tlvs(nd, cp, (uint)bodylen, (uint)length)) { nd.PrintInvalid(); return; }
        length -= bodylen;
        cp += bodylen;
        if (length != 0)
        {
            nd.P(nd.V > 0 ? "\n\t----" : " |");
            if (!Tlvs(nd, cp, (uint)length, (uint)length)) nd.PrintInvalid();
        }
    }

    private static string Interval(int i) => i == 0 ? "0.0s (bogus)" : $"{i / 100}.{i % 100:D2}s";

    private static string IntervalUpdate(int i) => i == 0xffff ? "infinity" : Interval(i);

    private static string Timestamp(uint i) => $"{i / 1000000}.{i % 1000000:D6}s";

    private static string Id(Nd nd, int p)
    {
        nd.Check(p, 8);
        var b = nd.Buf;
        return $"{b[p]:x2}:{b[p + 1]:x2}:{b[p + 2]:x2}:{b[p + 3]:x2}:{b[p + 4]:x2}:{b[p + 5]:x2}:{b[p + 6]:x2}:{b[p + 7]:x2}";
    }

    private static string Ip6String(ReadOnlySpan<byte> a)
    {
        var o = new Output(Stream.Null);
        Ip6Format.Write(o, a);
        return o.ToString();
    }

    private static string Prefix(ReadOnlySpan<byte> prefix, byte plen)
    {
        if (plen >= 96 && prefix[..12].SequenceEqual(V4Prefix))
            return $"{prefix[12]}.{prefix[13]}.{prefix[14]}.{prefix[15]}/{plen - 96}";
        return $"{Ip6String(prefix)}/{plen}";
    }

    private static string Address(ReadOnlySpan<byte> a)
    {
        if (a[..12].SequenceEqual(V4Prefix)) return $"{a[12]}.{a[13]}.{a[14]}.{a[15]}";
        return Ip6String(a);
    }

    /// <summary>Expands an AE-encoded prefix into result; returns bytes consumed from the packet, or -1.</summary>
    private static int NetworkPrefix(Nd nd, int ae, int plen, uint omitted, int p, ReadOnlySpan<byte> dp, bool haveDp, uint len, Span<byte> result)
    {
        uint pb = plen >= 0 ? (uint)(plen + 7) / 8 : ae == 1 ? 4u : 16u;
        if (pb > 16) return -1;
        Span<byte> prefix = stackalloc byte[16];
        prefix.Clear();
        int consumed = 0;
        switch (ae)
        {
            case 0:
                break;
            case 1:
                if (omitted > 4 || pb > 4 || (pb > omitted && len < pb - omitted)) return -1;
                V4Prefix.CopyTo(prefix);
                if (omitted != 0)
                {
                    if (!haveDp) return -1;
                    dp[..(int)(12 + omitted)].CopyTo(prefix);
                }
                if (pb > omitted)
                {
                    nd.Bytes(p, (int)(pb - omitted)).CopyTo(prefix[(int)(12 + omitted)..]);
                    consumed = (int)(pb - omitted);
                }
                break;
            case 2:
                if (omitted > 16 || (pb > omitted && len < pb - omitted)) return -1;
                if (omitted != 0)
                {
                    if (!haveDp) return -1;
                    dp[..(int)omitted].CopyTo(prefix);
                }
                if (pb > omitted)
                {
                    nd.Bytes(p, (int)(pb - omitted)).CopyTo(prefix[(int)omitted..]);
                    consumed = (int)(pb - omitted);
                }
                break;
            case 3:
                if (pb > 8 && len < pb - 8) return -1;
                prefix[0] = 0xfe;
                prefix[1] = 0x80;
                if (pb > 8)
                {
                    nd.Bytes(p, (int)(pb - 8)).CopyTo(prefix[8..]);
                    consumed = (int)(pb - 8);
                }
                break;
            default:
                return -1;
        }
        prefix.CopyTo(result);
        return consumed;
    }

    private static int NetworkAddress(Nd nd, int ae, int a, uint len, Span<byte> result) =>
        NetworkPrefix(nd, ae, -1, 0, a, default, false, len, result);

    private static void SubTlvs(Nd nd, int cp, int ep, int tlvType)
    {
        while (cp < ep)
        {
            int subtype = nd.U8(cp);
            cp++;
            if (subtype == 0)
            {
                nd.P(" sub-pad1");
                continue;
            }
            if ((subtype & 0x80) != 0) nd.P(" (M)");
            if (cp == ep) { nd.PrintInvalid(); return; }
            int sublen = nd.U8(cp);
            cp++;
            if (cp + sublen > ep) { nd.PrintInvalid(); return; }
            switch (subtype)
            {
                case 1:
                    nd.P(" sub-padn");
                    cp += sublen;
                    break;
                case 2:
                {
                    nd.P(" sub-diversity");
                    if (sublen == 0)
                    {
                        nd.P(" empty");
                        break;
                    }
                    string sep = " ";
                    while (sublen != 0)
                    {
                        int c = nd.U8(cp);
                        nd.P(sep);
                        if (c == 0) nd.P("reserved");
                        else if (c == 255) nd.P("all");
                        else nd.P($"{c}");
                        cp++;
                        sep = "-";
                        sublen--;
                    }
                    if (tlvType != 8 && tlvType != 13) nd.P(" (bogus)");
                    break;
                }
                case 3:
                    nd.P(" sub-timestamp");
                    if (tlvType == 4)
                    {
                        if (sublen < 4) { nd.PrintInvalid(); return; }
                        nd.P($" {Timestamp(nd.Be32(cp))}");
                    }
                    else if (tlvType == 5)
                    {
                        if (sublen < 8) { nd.PrintInvalid(); return; }
                        nd.P($" {Timestamp(nd.Be32(cp))}");
                        nd.P($"|{Timestamp(nd.Be32(cp + 4))}");
                    }
                    else nd.P(" (bogus)");
                    cp += sublen;
                    break;
                default:
                    nd.P($" sub-unknown-0x{subtype:x2}");
                    cp += sublen;
                    break;
            }
        }
    }

    /// <summary>Prints a TLV sequence; false when it is invalid (the caller prints " (invalid)").</summary>
    private static bool Tlvs(Nd nd, int cp, uint tlvsLength, uint remaining)
    {
        bool v = nd.V > 0;
        Span<byte> v4Prefix = stackalloc byte[16];
        V4Prefix.CopyTo(v4Prefix);
        Span<byte> v6Prefix = stackalloc byte[16];
        v6Prefix.Clear();
        Span<byte> prefix = stackalloc byte[16];
        Span<byte> srcPrefix = stackalloc byte[16];
        uint i = 0;
        bool Fits(uint l) => i + l <= tlvsLength && i + l <= remaining;
        while (i < tlvsLength)
        {
            int m = cp + (int)i;
            if (!Fits(1)) return false;
            int type = nd.U8(m);
            if (type == 0)
            {
                nd.P(v ? "\n\tPad 1" : " pad1");
                i += 1;
                continue;
            }
            if (!Fits(2)) return false;
            nd.Check(m, 2);
            uint len = nd.Buf[m + 1];
            if (!Fits(2 + len)) return false;
            nd.Check(m, 2 + (int)len);
            switch (type)
            {
                case 1:
                    if (!v) nd.P(" padN");
                    else nd.P($"\n\tPad {len + 2}");
                    break;
                case 2:
                    if (!v) nd.P(" ack-req");
                    else
                    {
                        nd.P("\n\tAcknowledgment Request ");
                        if (len < 6) return false;
                        nd.P($"{nd.Be16(m + 4):x4} {Interval(nd.Be16(m + 6))}");
                    }
                    break;
                case 3:
                    if (!v) nd.P(" ack");
                    else
                    {
                        nd.P("\n\tAcknowledgment ");
                        if (len < 2) return false;
                        nd.P($"{nd.Be16(m + 2):x4}");
                    }
                    break;
                case 4:
                    if (!v) nd.P(" hello");
                    else
                    {
                        nd.P("\n\tHello ");
                        if (len < 6) return false;
                        bool unicast = (nd.Be16(m + 2) & 0x8000) != 0;
                        int seqno = nd.Be16(m + 4), interval = nd.Be16(m + 6);
                        if (unicast) nd.P("(Unicast) ");
                        nd.P($"seqno {seqno} ");
                        if (interval != 0) nd.P($"interval {Interval(interval)}");
                        else nd.P("unscheduled");
                        if (len > 6) SubTlvs(nd, m + 8, m + 2 + (int)len, type);
                    }
                    break;
                case 5:
                    if (!v) nd.P(" ihu");
                    else
                    {
                        nd.P("\n\tIHU ");
                        if (len < 6) return false;
                        int rxcost = nd.Be16(m + 4), interval = nd.Be16(m + 6);
                        int ae = nd.U8(m + 2);
                        int rc = NetworkAddress(nd, ae, m + 8, len - 6, prefix);
                        if (rc < 0) { nd.PrintTrunc(); break; }
                        nd.P($"{(ae == 0 ? "any" : Address(prefix))} rxcost {rxcost} interval {Interval(interval)}");
                        if ((uint)rc < len - 6) SubTlvs(nd, m + 8 + rc, m + 2 + (int)len, type);
                    }
                    break;
                case 6:
                    if (!v) nd.P(" router-id");
                    else
                    {
                        nd.P("\n\tRouter Id");
                        if (len < 10) return false;
                        nd.P($" {Id(nd, m + 4)}");
                    }
                    break;
                case 7:
                    if (!v) nd.P(" nh");
                    else
                    {
                        nd.P("\n\tNext Hop");
                        if (len < 2) return false;
                        int ae = nd.U8(m + 2);
                        if (NetworkAddress(nd, ae, m + 4, len - 2, prefix) < 0) return false;
                        nd.P($" {(ae == 0 ? "invalid AE 0" : Address(prefix))}");
                    }
                    break;
                case 8:
                {
                    int flags = nd.U8(m + 3);
                    string f = $"{((flags & 0x80) != 0 ? "/prefix" : "")}{((flags & 0x40) != 0 ? "/id" : "")}{((flags & 0x3f) != 0 ? "/unknown" : "")}";
                    if (!v)
                    {
                        nd.P(" update");
                        if (len < 10) return false;
                        nd.P(f);
                    }
                    else
                    {
                        nd.P("\n\tUpdate");
                        if (len < 10) return false;
                        int ae = nd.U8(m + 2);
                        byte plen = (byte)(nd.U8(m + 4) + (ae == 1 ? 96 : 0));
                        int rc = NetworkPrefix(nd, ae, nd.U8(m + 4), nd.U8(m + 5), m + 12, ae == 1 ? v4Prefix : v6Prefix, true, len - 10, prefix);
                        if (rc < 0) return false;
                        int interval = nd.Be16(m + 6), seqno = nd.Be16(m + 8), metric = nd.Be16(m + 10);
                        nd.P($"{f} {(ae == 0 ? "any" : Prefix(prefix, plen))} metric {metric} seqno {seqno} interval {IntervalUpdate(interval)}");
                        if ((flags & 0x80) != 0)
                        {
                            if (ae == 1) prefix.CopyTo(v4Prefix);
                            else prefix.CopyTo(v6Prefix);
                        }
                        if ((uint)rc < len - 10) SubTlvs(nd, m + 12 + rc, m + 2 + (int)len, type);
                    }
                    break;
                }
                case 9:
                    if (!v) nd.P(" route-request");
                    else
                    {
                        nd.P("\n\tRoute Request ");
                        if (len < 2) return false;
                        int ae = nd.U8(m + 2);
                        byte plen = (byte)(nd.U8(m + 3) + (ae == 1 ? 96 : 0));
                        if (NetworkPrefix(nd, ae, nd.U8(m + 3), 0, m + 4, default, false, len - 2, prefix) < 0) return false;
                        nd.P($"for {(ae == 0 ? "any" : Prefix(prefix, plen))}");
                    }
                    break;
                case 10:
                    if (!v) nd.P(" seqno-request");
                    else
                    {
                        nd.P("\n\tSeqno Request ");
                        if (len < 14) return false;
                        int ae = nd.U8(m + 2);
                        int seqno = nd.Be16(m + 4);
                        if (NetworkPrefix(nd, ae, nd.U8(m + 3), 0, m + 16, default, false, len - 14, prefix) < 0) return false;
                        byte plen = (byte)(nd.U8(m + 3) + (ae == 1 ? 96 : 0));
                        nd.P($"({nd.U8(m + 6)} hops) for {(ae == 0 ? "invalid AE 0" : Prefix(prefix, plen))} seqno {seqno} id {Id(nd, m + 8)}");
                    }
                    break;
                case 11:
                    if (!v) nd.P(" tspc");
                    else
                    {
                        nd.P("\n\tTS/PC ");
                        if (len < 6) return false;
                        nd.P($"timestamp {nd.Be32(m + 4)} packetcounter {nd.Be16(m + 2)}");
                    }
                    break;
                case 12:
                    if (!v) nd.P(" hmac");
                    else
                    {
                        nd.P("\n\tHMAC ");
                        if (len < 18) return false;
                        nd.P($"key-id {nd.Be16(m + 2)} digest-{len - 2} ");
                        for (int j = 0; j < len - 2; j++) nd.P($"{nd.U8(m + j + 4):X2}");
                    }
                    break;
                case 13:
                    if (!v) nd.P(" ss-update");
                    else
                    {
                        nd.P("\n\tSS-Update");
                        if (len < 10) return false;
                        int ae = nd.U8(m + 2);
                        byte srcPlen = nd.U8(m + 3), plen = nd.U8(m + 4);
                        int omitted = nd.U8(m + 5);
                        int interval = nd.Be16(m + 6), seqno = nd.Be16(m + 8), metric = nd.Be16(m + 10);
                        uint parsed = 10;
                        int rc = NetworkPrefix(nd, ae, plen, (uint)omitted, m + 2 + (int)parsed, ae == 1 ? v4Prefix : v6Prefix, true, len - parsed, prefix);
                        if (rc < 0) return false;
                        if (ae == 1) plen += 96;
                        parsed += (uint)rc;
                        rc = NetworkPrefix(nd, ae, srcPlen, 0, m + 2 + (int)parsed, default, false, len - parsed, srcPrefix);
                        if (rc < 0) return false;
                        if (ae == 1) srcPlen += 96;
                        parsed += (uint)rc;
                        nd.P($" {Prefix(prefix, plen)} from");
                        nd.P($" {Prefix(srcPrefix, srcPlen)} metric {metric} seqno {seqno} interval {IntervalUpdate(interval)}");
                        if (parsed < len) SubTlvs(nd, m + 2 + (int)parsed, m + 2 + (int)len, type);
                    }
                    break;
                case 14:
                    if (!v) nd.P(" ss-request");
                    else
                    {
                        nd.P("\n\tSS-Request ");
                        if (len < 3) return false;
                        int ae = nd.U8(m + 2);
                        byte plen = nd.U8(m + 3), srcPlen = nd.U8(m + 4);
                        uint parsed = 3;
                        int rc = NetworkPrefix(nd, ae, plen, 0, m + 2 + (int)parsed, default, false, len - parsed, prefix);
                        if (rc < 0) return false;
                        if (ae == 1) plen += 96;
                        parsed += (uint)rc;
                        rc = NetworkPrefix(nd, ae, srcPlen, 0, m + 2 + (int)parsed, default, false, len - parsed, srcPrefix);
                        if (rc < 0) return false;
                        if (ae == 1) srcPlen += 96;
                        if (ae == 0) nd.P("for any");
                        else
                        {
                            nd.P($"for ({Prefix(prefix, plen)}, ");
                            nd.P($"{Prefix(srcPrefix, srcPlen)})");
                        }
                    }
                    break;
                case 15:
                    if (!v) nd.P(" ss-mh-request");
                    else
                    {
                        nd.P("\n\tSS-MH-Request ");
                        if (len < 14) return false;
                        int ae = nd.U8(m + 2);
                        byte plen = nd.U8(m + 3);
                        int seqno = nd.Be16(m + 4), hopc = nd.U8(m + 6);
                        byte srcPlen = nd.U8(m + 7);
                        uint parsed = 14;
                        int rc = NetworkPrefix(nd, ae, plen, 0, m + 2 + (int)parsed, default, false, len - parsed, prefix);
                        if (rc < 0) return false;
                        if (ae == 1) plen += 96;
                        parsed += (uint)rc;
                        rc = NetworkPrefix(nd, ae, srcPlen, 0, m + 2 + (int)parsed, default, false, len - parsed, srcPrefix);
                        if (rc < 0) return false;
                        if (ae == 1) srcPlen += 96;
                        nd.P($"({hopc} hops) for ({Prefix(prefix, plen)}, ");
                        nd.P($"{Prefix(srcPrefix, srcPlen)}) seqno {seqno} id {Id(nd, m + 8)}");
                    }
                    break;
                case 16:
                    if (!v) nd.P(" mac");
                    else nd.P($"\n\tMAC len {len}");
                    break;
                case 17:
                    if (!v) nd.P(" pc");
                    else
                    {
                        nd.P("\n\tPC");
                        if (len < 4) return false;
                        nd.P($" value {nd.Be32(m + 2)}");
                        nd.P($" index len {len - 4}");
                    }
                    break;
                case 18:
                case 19:
                    if (!v) nd.P(type == 18 ? " challenge_request" : " challenge_reply");
                    else
                    {
                        nd.P(type == 18 ? "\n\tChallenge Request" : "\n\tChallenge Reply");
                        if (len > 192) return false;
                        nd.P($" len {len}");
                    }
                    break;
                default:
                    if (!v) nd.P(" unknown");
                    else nd.P($"\n\tUnknown message type {type}");
                    break;
            }
            i += len + 2;
        }
        return true;
    }
}
