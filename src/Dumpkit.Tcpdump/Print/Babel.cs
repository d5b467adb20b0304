// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Babel routing protocol (RFC 8966 and drafts; UDP 6696, old 6697): version 2 TLVs and sub-TLVs.</summary>
/// <remarks>Specification: RFC 8966 (and the drafts behind the sub-TLVs tcpdump knows).</remarks>
internal static class Babel
{
    private static ReadOnlySpan<byte> V4Prefix => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

    public static void Print(PrintContext nd, int cp, int length)
    {
        nd.Proto = "babel";
        nd.Print("babel");
        nd.Check(cp, 4);
        if (nd.Buf[cp] != 42)
        {
            nd.Print(" invalid header");
            return;
        }
        nd.Print($" {nd.Buf[cp + 1]}");
        if (nd.Buf[cp + 1] != 2)
        {
            nd.Print(" unknown version");
            return;
        }
        if (length < 4) { nd.PrintInvalid(); return; }
        int bodylen = nd.Be16(cp + 2);
        nd.Print($" ({bodylen})");
        length -= 4;
        cp += 4;
        if (length < bodylen) { nd.PrintInvalid(); return; }
        if (!Tlvs(nd, cp, (uint)bodylen, (uint)length)) { nd.PrintInvalid(); return; }
        length -= bodylen;
        cp += bodylen;
        if (length != 0)
        {
            nd.Print(nd.Verbose > 0 ? "\n\t----" : " |");
            if (!Tlvs(nd, cp, (uint)length, (uint)length)) nd.PrintInvalid();
        }
    }

    private static string Interval(int i) => i == 0 ? "0.0s (bogus)" : $"{i / 100}.{i % 100:D2}s";

    private static string IntervalUpdate(int i) => i == 0xffff ? "infinity" : Interval(i);

    private static string Timestamp(uint i) => $"{i / 1000000}.{i % 1000000:D6}s";

    private static string Id(PrintContext nd, int p)
    {
        nd.Check(p, 8);
        var b = nd.Buf;
        return $"{b[p]:x2}:{b[p + 1]:x2}:{b[p + 2]:x2}:{b[p + 3]:x2}:{b[p + 4]:x2}:{b[p + 5]:x2}:{b[p + 6]:x2}:{b[p + 7]:x2}";
    }

    // addresses and prefixes are named without -n, as tcpdump's format_address/format_prefix do
    private static string Prefix(PrintContext nd, ReadOnlySpan<byte> prefix, byte plen)
    {
        if (plen >= 96 && prefix[..12].SequenceEqual(V4Prefix))
            return $"{nd.Ip4String(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(prefix[12..]))}/{plen - 96}";
        return $"{nd.Ip6String(prefix)}/{plen}";
    }

    private static string Address(PrintContext nd, ReadOnlySpan<byte> a)
    {
        if (a[..12].SequenceEqual(V4Prefix)) return nd.Ip4String(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(a[12..]));
        return nd.Ip6String(a);
    }

    /// <summary>Expands an AE-encoded prefix into result; returns bytes consumed from the packet, or -1.</summary>
    private static int NetworkPrefix(PrintContext nd, int ae, int plen, uint omitted, int p, ReadOnlySpan<byte> dp, bool haveDp, uint len, Span<byte> result)
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

    private static int NetworkAddress(PrintContext nd, int ae, int a, uint len, Span<byte> result) =>
        NetworkPrefix(nd, ae, -1, 0, a, default, false, len, result);

    private static void SubTlvs(PrintContext nd, int cp, int ep, int tlvType)
    {
        while (cp < ep)
        {
            int subtype = nd.U8(cp);
            cp++;
            if (subtype == 0)
            {
                nd.Print(" sub-pad1");
                continue;
            }
            if ((subtype & 0x80) != 0) nd.Print(" (M)");
            if (cp == ep) { nd.PrintInvalid(); return; }
            int sublen = nd.U8(cp);
            cp++;
            if (cp + sublen > ep) { nd.PrintInvalid(); return; }
            switch (subtype)
            {
                case 1:
                    nd.Print(" sub-padn");
                    cp += sublen;
                    break;
                case 2:
                {
                    nd.Print(" sub-diversity");
                    if (sublen == 0)
                    {
                        nd.Print(" empty");
                        break;
                    }
                    string sep = " ";
                    while (sublen != 0)
                    {
                        int c = nd.U8(cp);
                        nd.Print(sep);
                        if (c == 0) nd.Print("reserved");
                        else if (c == 255) nd.Print("all");
                        else nd.Print($"{c}");
                        cp++;
                        sep = "-";
                        sublen--;
                    }
                    if (tlvType != 8 && tlvType != 13) nd.Print(" (bogus)");
                    break;
                }
                case 3:
                    nd.Print(" sub-timestamp");
                    if (tlvType == 4)
                    {
                        if (sublen < 4) { nd.PrintInvalid(); return; }
                        nd.Print($" {Timestamp(nd.Be32(cp))}");
                    }
                    else if (tlvType == 5)
                    {
                        if (sublen < 8) { nd.PrintInvalid(); return; }
                        nd.Print($" {Timestamp(nd.Be32(cp))}");
                        nd.Print($"|{Timestamp(nd.Be32(cp + 4))}");
                    }
                    else nd.Print(" (bogus)");
                    cp += sublen;
                    break;
                default:
                    nd.Print($" sub-unknown-0x{subtype:x2}");
                    cp += sublen;
                    break;
            }
        }
    }

    /// <summary>
    /// What every TLV type shares: its name without -v, its title with -v, and the body length the -v detail needs
    /// (also checked without -v for updates, whose flags are printed then). Indexed by type; null for unknown types.
    /// </summary>
    private sealed record Kind(string Name, string Title, uint MinLength);

    private static readonly Kind?[] Kinds =
    [
        null, // 0, pad1, is a single byte without a length
        new("padN", "Pad", 0),
        new("ack-req", "Acknowledgment Request ", 6),
        new("ack", "Acknowledgment ", 2),
        new("hello", "Hello ", 6),
        new("ihu", "IHU ", 6),
        new("router-id", "Router Id", 10),
        new("nh", "Next Hop", 2),
        new("update", "Update", 10),
        new("route-request", "Route Request ", 2),
        new("seqno-request", "Seqno Request ", 14),
        new("tspc", "TS/PC ", 6),
        new("hmac", "HMAC ", 18),
        new("ss-update", "SS-Update", 10),
        new("ss-request", "SS-Request ", 3),
        new("ss-mh-request", "SS-MH-Request ", 14),
        new("mac", "MAC", 0),
        new("pc", "PC", 4),
        new("challenge_request", "Challenge Request", 0),
        new("challenge_reply", "Challenge Reply", 0),
    ];

    private const int Update = 8;

    private static string UpdateFlags(int flags) =>
        $"{((flags & 0x80) != 0 ? "/prefix" : "")}{((flags & 0x40) != 0 ? "/id" : "")}{((flags & 0x3f) != 0 ? "/unknown" : "")}";

    /// <summary>A prefix length as printed: IPv4 prefixes (AE 1) are held as IPv4-mapped IPv6 ones.</summary>
    private static byte PrintedPlen(int plen, int ae) => (byte)(plen + (ae == 1 ? 96 : 0));

    /// <summary>Prints a TLV sequence; false when it is invalid (the caller prints " (invalid)").</summary>
    private static bool Tlvs(PrintContext nd, int cp, uint tlvsLength, uint remaining)
    {
        bool v = nd.Verbose > 0;
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
                nd.Print(v ? "\n\tPad 1" : " pad1");
                i += 1;
                continue;
            }
            if (!Fits(2)) return false;
            nd.Check(m, 2);
            uint len = nd.Buf[m + 1];
            if (!Fits(2 + len)) return false;
            nd.Check(m, 2 + (int)len);
            var kind = type < Kinds.Length ? Kinds[type] : null;
            if (kind == null)
            {
                nd.Print(v ? $"\n\tUnknown message type {type}" : " unknown");
            }
            else if (!v)
            {
                nd.Print(' ');
                nd.Print(kind.Name);
                if (type == Update)
                {
                    if (len < kind.MinLength) return false;
                    nd.Print(UpdateFlags(nd.U8(m + 3)));
                }
            }
            else
            {
                nd.Print("\n\t");
                nd.Print(kind.Title);
                if (len < kind.MinLength) return false;
                if (!Detail(nd, type, m, len, v4Prefix, v6Prefix, prefix, srcPrefix)) return false;
            }
            i += len + 2;
        }
        return true;
    }

    /// <summary>The -v detail of a TLV after its title (the length already checked); false when it is invalid.</summary>
    private static bool Detail(PrintContext nd, int type, int m, uint len, Span<byte> v4Prefix, Span<byte> v6Prefix, Span<byte> prefix, Span<byte> srcPrefix)
    {
        int body = m + 2, end = m + 2 + (int)len;
        switch (type)
        {
            case 1:
                nd.Print($" {len + 2}");
                break;
            case 2:
                nd.Print($"{nd.Be16(m + 4):x4} {Interval(nd.Be16(m + 6))}");
                break;
            case 3:
                nd.Print($"{nd.Be16(m + 2):x4}");
                break;
            case 4:
            {
                bool unicast = (nd.Be16(m + 2) & 0x8000) != 0;
                int seqno = nd.Be16(m + 4), interval = nd.Be16(m + 6);
                if (unicast) nd.Print("(Unicast) ");
                nd.Print($"seqno {seqno} ");
                if (interval != 0) nd.Print($"interval {Interval(interval)}");
                else nd.Print("unscheduled");
                if (len > 6) SubTlvs(nd, m + 8, end, type);
                break;
            }
            case 5:
            {
                int rxcost = nd.Be16(m + 4), interval = nd.Be16(m + 6);
                int ae = nd.U8(m + 2);
                int rc = NetworkAddress(nd, ae, m + 8, len - 6, prefix);
                if (rc < 0) { nd.PrintTrunc(); break; }
                nd.Print($"{(ae == 0 ? "any" : Address(nd, prefix))} rxcost {rxcost} interval {Interval(interval)}");
                if ((uint)rc < len - 6) SubTlvs(nd, m + 8 + rc, end, type);
                break;
            }
            case 6:
                nd.Print($" {Id(nd, m + 4)}");
                break;
            case 7:
            {
                int ae = nd.U8(m + 2);
                if (NetworkAddress(nd, ae, m + 4, len - 2, prefix) < 0) return false;
                nd.Print($" {(ae == 0 ? "invalid AE 0" : Address(nd, prefix))}");
                break;
            }
            case Update:
            {
                int flags = nd.U8(m + 3);
                int ae = nd.U8(m + 2);
                byte plen = PrintedPlen(nd.U8(m + 4), ae);
                int rc = NetworkPrefix(nd, ae, nd.U8(m + 4), nd.U8(m + 5), m + 12, ae == 1 ? v4Prefix : v6Prefix, true, len - 10, prefix);
                if (rc < 0) return false;
                int interval = nd.Be16(m + 6), seqno = nd.Be16(m + 8), metric = nd.Be16(m + 10);
                nd.Print($"{UpdateFlags(flags)} {(ae == 0 ? "any" : Prefix(nd, prefix, plen))} " +
                    $"metric {metric} seqno {seqno} interval {IntervalUpdate(interval)}");
                if ((flags & 0x80) != 0)
                {
                    if (ae == 1) prefix.CopyTo(v4Prefix);
                    else prefix.CopyTo(v6Prefix);
                }
                if ((uint)rc < len - 10) SubTlvs(nd, m + 12 + rc, end, type);
                break;
            }
            case 9:
            {
                int ae = nd.U8(m + 2);
                byte plen = PrintedPlen(nd.U8(m + 3), ae);
                if (NetworkPrefix(nd, ae, nd.U8(m + 3), 0, m + 4, default, false, len - 2, prefix) < 0) return false;
                nd.Print($"for {(ae == 0 ? "any" : Prefix(nd, prefix, plen))}");
                break;
            }
            case 10:
            {
                int ae = nd.U8(m + 2);
                int seqno = nd.Be16(m + 4);
                if (NetworkPrefix(nd, ae, nd.U8(m + 3), 0, m + 16, default, false, len - 14, prefix) < 0) return false;
                byte plen = PrintedPlen(nd.U8(m + 3), ae);
                nd.Print($"({nd.U8(m + 6)} hops) for {(ae == 0 ? "invalid AE 0" : Prefix(nd, prefix, plen))} seqno {seqno} id {Id(nd, m + 8)}");
                break;
            }
            case 11:
                nd.Print($"timestamp {nd.Be32(m + 4)} packetcounter {nd.Be16(m + 2)}");
                break;
            case 12:
                nd.Print($"key-id {nd.Be16(m + 2)} digest-{len - 2} ");
                for (int j = 0; j < len - 2; j++) nd.Print($"{nd.U8(m + j + 4):X2}");
                break;
            case 13:
            {
                int ae = nd.U8(m + 2);
                byte srcPlen = nd.U8(m + 3), plen = nd.U8(m + 4);
                int interval = nd.Be16(m + 6), seqno = nd.Be16(m + 8), metric = nd.Be16(m + 10);
                int parsed = SourceSpecific(nd, ae, ref plen, nd.U8(m + 5), ae == 1 ? v4Prefix : v6Prefix, true, ref srcPlen, body, 10, len, prefix, srcPrefix);
                if (parsed < 0) return false;
                nd.Print($" {Prefix(nd, prefix, plen)} from");
                nd.Print($" {Prefix(nd, srcPrefix, srcPlen)} metric {metric} seqno {seqno} interval {IntervalUpdate(interval)}");
                if ((uint)parsed < len) SubTlvs(nd, body + parsed, end, type);
                break;
            }
            case 14:
            {
                int ae = nd.U8(m + 2);
                byte plen = nd.U8(m + 3), srcPlen = nd.U8(m + 4);
                if (SourceSpecific(nd, ae, ref plen, 0, default, false, ref srcPlen, body, 3, len, prefix, srcPrefix) < 0) return false;
                if (ae == 0) nd.Print("for any");
                else
                {
                    nd.Print($"for ({Prefix(nd, prefix, plen)}, ");
                    nd.Print($"{Prefix(nd, srcPrefix, srcPlen)})");
                }
                break;
            }
            case 15:
            {
                int ae = nd.U8(m + 2);
                byte plen = nd.U8(m + 3);
                int seqno = nd.Be16(m + 4), hopc = nd.U8(m + 6);
                byte srcPlen = nd.U8(m + 7);
                if (SourceSpecific(nd, ae, ref plen, 0, default, false, ref srcPlen, body, 14, len, prefix, srcPrefix) < 0) return false;
                nd.Print($"({hopc} hops) for ({Prefix(nd, prefix, plen)}, ");
                nd.Print($"{Prefix(nd, srcPrefix, srcPlen)}) seqno {seqno} id {Id(nd, m + 8)}");
                break;
            }
            case 16:
                nd.Print($" len {len}");
                break;
            case 17:
                nd.Print($" value {nd.Be32(m + 2)}");
                nd.Print($" index len {len - 4}");
                break;
            case 18:
            case 19:
                if (len > 192) return false;
                nd.Print($" len {len}");
                break;
        }
        return true;
    }

    /// <summary>
    /// The destination then the source prefix of a source-specific TLV, read from <paramref name="parsed"/> bytes
    /// into its body; the prefix lengths become the printed ones. Returns the body bytes parsed, -1 when invalid.
    /// </summary>
    private static int SourceSpecific(PrintContext nd, int ae, ref byte plen, int omitted, ReadOnlySpan<byte> dp, bool haveDp, ref byte srcPlen,
        int body, uint parsed, uint len, Span<byte> prefix, Span<byte> srcPrefix)
    {
        int rc = NetworkPrefix(nd, ae, plen, (uint)omitted, body + (int)parsed, dp, haveDp, len - parsed, prefix);
        if (rc < 0) return -1;
        if (ae == 1) plen += 96;
        parsed += (uint)rc;
        rc = NetworkPrefix(nd, ae, srcPlen, 0, body + (int)parsed, default, false, len - parsed, srcPrefix);
        if (rc < 0) return -1;
        if (ae == 1) srcPlen += 96;
        return (int)(parsed + (uint)rc);
    }
}
