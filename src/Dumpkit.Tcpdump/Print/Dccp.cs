// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>DCCP (RFC 4340, IP protocol 33): generic header, partial checksum coverage, packet types, options at -vv.</summary>
/// <remarks>Specification: RFC 4340.</remarks>
internal static class Dccp
{
    private static readonly string[] Types =
        ["DCCP-Request", "DCCP-Response", "DCCP-Data", "DCCP-Ack", "DCCP-DataAck", "DCCP-CloseReq", "DCCP-Close", "DCCP-Reset", "DCCP-Sync", "DCCP-SyncAck"];
    private static readonly string[] ResetCodes =
    [
        "unspecified", "closed", "aborted", "no_connection", "packet_error", "option_error", "mandatory_error",
        "connection_refused", "bad_service_code", "too_busy", "bad_init_cookie", "aggression_penalty",
    ];
    private static readonly string[] Features =
    [
        "reserved", "ccid", "allow_short_seqno", "sequence_window", "ecn_incapable", "ack_ratio", "send_ack_vector",
        "send_ndp_count", "minimum checksum coverage", "check data checksum",
    ];

    private static string? OptionName(int o) => o switch
    {
        0 => "nop", 1 => "mandatory", 2 => "slowreceiver", 32 => "change_l", 33 => "confirm_l", 34 => "change_r", 35 => "confirm_r",
        36 => "initcookie", 37 => "ndp_count", 38 => "ack_vector0", 39 => "ack_vector1", 40 => "data_dropped", 41 => "timestamp",
        42 => "timestamp_echo", 43 => "elapsed_time", 44 => "data_checksum", _ => null,
    };

    public static void Print(PrintContext nd, int bp, int iph, int length)
    {
        nd.Proto = "dccp";
        uint len = (uint)length;
        bool v6 = (nd.U8(iph) >> 4) == 6;
        if (bp + 12 > nd.SnapEnd) { nd.PrintTrunc(); return; }
        if (len < 12)
        {
            nd.Print($"truncated-dccp - {12 - len} bytes missing!");
            return;
        }
        bool x = (nd.U8(bp + 8) & 1) != 0;
        uint fixedLen = x ? 16u : 12u;
        if (len < fixedLen)
        {
            nd.Print($"truncated-dccp - {fixedLen - len} bytes missing!");
            return;
        }
        nd.Check(bp, (int)fixedLen);
        int sport = nd.Be16(bp), dport = nd.Be16(bp + 2);
        uint hlen = (uint)nd.U8(bp + 4) * 4;
        if (v6) nd.Print($"{nd.A6(iph + 8)}.{sport} > {nd.A6(iph + 24)}.{dport}: ");
        else nd.Print($"{nd.A4(iph + 12)}.{sport} > {nd.A4(iph + 16)}.{dport}: ");
        nd.Print("DCCP");
        if (nd.Settings.Quick)
        {
            nd.Print($" {len - hlen}");
            if (hlen > len) nd.Print($" [bad hdr length {hlen} - too long, > {len}]");
            return;
        }
        int ccval = nd.U8(bp + 5) >> 4, cscov = nd.U8(bp + 5) & 0xf;
        if (nd.Verbose > 0) nd.Print($" (CCVal {ccval}, CsCov {cscov}");
        if (nd.Verbose > 0 && nd.TTest(bp, length))
        {
            int dsum = nd.Be16(bp + 6);
            nd.Print($", cksum 0x{dsum:x4} ");
            uint cov = cscov == 0 ? len : Math.Min((uint)(nd.U8(bp + 4) + cscov - 1) * 4, len);
            ushort sum = Checksum.Pseudo(nd, iph, v6, 33, bp, length, (int)cov);
            if (sum != 0) nd.Print($"(incorrect -> 0x{Checksum.ShouldBe((ushort)dsum, sum):x4})");
            else nd.Print("(correct)");
        }
        if (nd.Verbose > 0) nd.Print(")");
        nd.Print(" ");
        int type = (nd.U8(bp + 8) >> 1) & 0xf;
        string tn = type < Types.Length ? Types[type] : "";
        bool TooShort(uint add)
        {
            fixedLen += add;
            if (len >= fixedLen) return false;
            nd.Print($"truncated-{tn} - {fixedLen - len} bytes missing!");
            return true;
        }
        switch (type)
        {
            case 0:
            {
                int r = bp + (int)fixedLen;
                if (TooShort(4)) return;
                nd.Check(r, 4);
                nd.Print($"{tn} (service={nd.Be32(r)}) ");
                break;
            }
            case 1:
            {
                int r = bp + (int)fixedLen;
                if (TooShort(12)) return;
                nd.Check(r, 12);
                nd.Print($"{tn} (service={nd.Be32(r + 8)}) ");
                break;
            }
            case 2:
                nd.Print($"{tn} ");
                break;
            case 3:
            case 4:
            case 5:
            case 6:
            case 8:
            case 9:
                if (TooShort(8)) return;
                nd.Print($"{tn} ");
                break;
            case 7:
            {
                int r = bp + (int)fixedLen;
                if (TooShort(12)) return;
                nd.Check(r, 12);
                int code = nd.U8(r + 8);
                nd.Print($"{tn} (code={(code < ResetCodes.Length ? ResetCodes[code] : "invalid")}) ");
                break;
            }
            default:
                nd.Print($"unknown-type-{type} ");
                break;
        }
        if (type != 2 && type != 0)
        {
            int ack = bp + (x ? 16 : 12);
            ulong ackno = x ? ((ulong)nd.Be16(ack + 2) << 32 | nd.Be32(ack + 4)) : nd.Be24(ack + 1);
            nd.Print($"(ack={ackno}) ");
        }
        if (nd.Verbose < 2) return;
        ulong seq = x ? ((ulong)nd.Be16(bp + 10) << 32 | nd.Be32(bp + 12)) : nd.Be24(bp + 9);
        nd.Print($"seq {seq}");
        if (hlen > fixedLen)
        {
            int cp = bp + (int)fixedLen;
            nd.Print(" <");
            hlen -= fixedLen;
            while (true)
            {
                uint optlen = Option(nd, cp, hlen);
                if (optlen == 0) break;
                if (hlen <= optlen) break;
                hlen -= optlen;
                cp += (int)optlen;
                nd.Print(", ");
            }
            nd.Print(">");
        }
    }

    private static string Name(int o) => OptionName(o) ?? $"Option {o}";

    private static uint Option(PrintContext nd, int opt, uint hlen)
    {
        int o = nd.U8(opt);
        int optlen;
        if (o >= 32)
        {
            optlen = nd.U8(opt + 1);
            if (optlen < 2)
            {
                if (o >= 128) nd.Print($"CCID option {o} optlen too short");
                else nd.Print($"{Name(o)} optlen too short");
                return 0;
            }
        }
        else optlen = 1;
        if (hlen < (uint)optlen)
        {
            if (o >= 128) nd.Print($"CCID option {o} optlen goes past header length");
            else nd.Print($"{Name(o)} optlen goes past header length");
            return 0;
        }
        if (!nd.TTest(opt, optlen)) { nd.PrintTrunc(); return 0; }
        if (o >= 128)
        {
            nd.Print($"CCID option {o}");
            if (optlen == 4) nd.Print($" {nd.Be16(opt + 2)}");
            else if (optlen == 6) nd.Print($" {nd.Be32(opt + 2)}");
            return (uint)optlen;
        }
        nd.Print(Name(o));
        switch (o)
        {
            case 32:
            case 33:
            case 34:
            case 35:
                if (optlen < 3)
                {
                    nd.Print(" optlen too short");
                    return (uint)optlen;
                }
                if (nd.U8(opt + 2) < 10)
                {
                    nd.Print($" {Features[nd.U8(opt + 2)]}");
                    for (int i = 0; i < optlen - 3; i++) nd.Print($" {nd.U8(opt + 3 + i)}");
                }
                break;
            case 36:
            case 38:
            case 39:
            case 40:
                if (optlen > 2)
                {
                    nd.Print(" 0x");
                    for (int i = 0; i < optlen - 2; i++) nd.Out.PutHex2(nd.U8(opt + 2 + i));
                }
                break;
            case 37:
                for (int i = 0; i < optlen - 2; i++) nd.Print($" {nd.U8(opt + 2 + i)}");
                break;
            case 41:
                if (optlen == 6) nd.Print($" {nd.Be32(opt + 2)}");
                else nd.Print(" [optlen != 6]");
                break;
            case 42:
                switch (optlen)
                {
                    case 6: nd.Print($" {nd.Be32(opt + 2)}"); break;
                    case 8: nd.Print($" {nd.Be32(opt + 2)} (elapsed time {nd.Be16(opt + 6)})"); break;
                    case 10: nd.Print($" {nd.Be32(opt + 2)} (elapsed time {nd.Be32(opt + 6)})"); break;
                    default: nd.Print(" [optlen != 6 or 8 or 10]"); break;
                }
                break;
            case 43:
                if (optlen == 6) nd.Print($" {nd.Be32(opt + 2)}");
                else if (optlen == 4) nd.Print($" {nd.Be16(opt + 2)}");
                else nd.Print(" [optlen != 4 or 6]");
                break;
            case 44:
                if (optlen > 2)
                {
                    nd.Print(" ");
                    for (int i = 0; i < optlen - 2; i++) nd.Out.PutHex2(nd.U8(opt + 2 + i));
                }
                break;
        }
        return (uint)optlen;
    }
}
