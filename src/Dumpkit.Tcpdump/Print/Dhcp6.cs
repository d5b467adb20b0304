// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>DHCPv6 messages, relay messages and options.</summary>
/// <remarks>Specification: RFC 8415 and the option RFCs it lists.</remarks>
internal static class Dhcp6
{
    private static string OptName(int t) => t switch
    {
        1 => "client-ID", 2 => "server-ID", 3 => "IA_NA", 4 => "IA_TA", 5 => "IA_ADDR", 6 => "option-request", 7 => "preference",
        8 => "elapsed-time", 9 => "relay-message", 11 => "authentication", 12 => "server-unicast", 13 => "status-code",
        14 => "rapid-commit", 15 => "user-class", 16 => "vendor-class", 17 => "vendor-specific-info", 18 => "interface-ID",
        19 => "reconfigure-message", 20 => "reconfigure-accept", 21 => "SIP-servers-domain", 22 => "SIP-servers-address",
        23 => "DNS-server", 24 => "DNS-search-list", 25 => "IA_PD", 26 => "IA_PD-prefix", 31 => "SNTP-servers",
        32 => "lifetime", 27 => "NIS-server", 28 => "NIS+-server", 29 => "NIS-domain-name", 30 => "NIS+-domain-name",
        33 => "BCMCS-domain-name", 34 => "BCMCS-server", 36 => "Geoconf-Civic", 37 => "Remote-ID", 38 => "Subscriber-ID",
        39 => "Client-FQDN", 40 => "PANA-agent", 41 => "POSIX-timezone", 42 => "POSIX-tz-database",
        43 => "Echo-request-option", 44 => "Lease-query", 45 => "LQ-client-data", 46 => "Clt-time", 47 => "LQ-relay-data",
        48 => "LQ-client-link", 56 => "NTP-server", 64 => "AFTR-Name", 112 => "MUD-URL",
        _ => $"opt_{t}",
    };

    private static string MsgName(int t) => t switch
    {
        1 => "solicit", 2 => "advertise", 3 => "request", 4 => "confirm", 5 => "renew", 6 => "rebind", 7 => "reply",
        8 => "release", 9 => "decline", 10 => "reconfigure", 11 => "inf-req", 12 => "relay-fwd", 13 => "relay-reply",
        14 => "leasequery", 15 => "leasequery-reply", _ => $"msgtype-{t}",
    };

    private static string StatusCode(int c) => c > 255 ? "INVALID code" : c switch
    {
        0 => "Success", 1 => "UnspecFail", 2 => "NoAddrsAvail", 3 => "NoBinding", 4 => "NotOnLink", 5 => "UseMulticast",
        6 => "NoPrefixAvail", 7 => "UnknownQueryType", 8 => "MalformedQuery", 9 => "NotConfigured", 10 => "NotAllowed",
        _ => $"code{c}",
    };

    public static void Print(PrintContext nd, int cp, int length)
    {
        nd.Proto = "dhcp6";
        nd.Print("dhcp6");
        int ep = nd.SnapEnd;
        if (cp + length < ep) ep = cp + length;
        if (!nd.TTest(cp, 4)) { nd.PrintTrunc(); return; }
        int msgtype = nd.U8(cp);
        string name = MsgName(msgtype);
        if (nd.Verbose == 0) { nd.Print($" {name}"); return; }
        nd.Print($" {name} (");
        if (msgtype != 12 && msgtype != 13)
        {
            nd.Print($"xid={nd.Be32(cp) & 0x00ffffff:x}");
            Options(nd, cp + 4, ep);
        }
        else
        {
            nd.Print("linkaddr="); nd.Ip6(cp + 2);
            nd.Print(" peeraddr="); nd.Ip6(cp + 18);
            Options(nd, cp + 34, ep);
        }
        nd.Print(")");
    }

    private static void Options(PrintContext nd, int cp, int ep)
    {
        if (cp == ep) return;
        while (cp < ep)
        {
            if (ep < cp + 4) goto trunc;
            if (!nd.TTest(cp, 4)) goto trunc;
            int optlen = nd.Be16(cp + 2);
            if (ep < cp + 4 + optlen) goto trunc;
            int opttype = nd.Be16(cp);
            nd.Print($" ({OptName(opttype)}");
            if (!nd.TTest(cp + 4, optlen)) goto trunc;
            int tp = cp + 4;
            switch (opttype)
            {
                case 1:
                case 2:
                    if (optlen < 2) { nd.Print(" ?)"); break; }
                    switch (nd.Be16(tp))
                    {
                        case 1:
                            if (optlen >= 8)
                            {
                                nd.Print($" hwaddr/time type {nd.Be16(tp + 2)} time {nd.Be32(tp + 4)} ");
                                for (int i = 8; i < optlen; i++) nd.Out.PutHex2(nd.U8(tp + i));
                                nd.Print(")");
                            }
                            else nd.Print(" ?)");
                            break;
                        case 2:
                            if (optlen >= 10)
                            {
                                nd.Print(" vid ");
                                for (int i = 2; i < 10; i++) nd.Out.PutHex2(nd.U8(tp + i));
                                nd.Print(")");
                            }
                            else nd.Print(" ?)");
                            break;
                        case 3:
                            if (optlen >= 4)
                            {
                                nd.Print($" hwaddr type {nd.Be16(tp + 2)} ");
                                for (int i = 4; i < optlen; i++) nd.Out.PutHex2(nd.U8(tp + i));
                                nd.Print(")");
                            }
                            else nd.Print(" ?)");
                            break;
                        default:
                            nd.Print($" type {nd.Be16(tp)})");
                            break;
                    }
                    break;
                case 5:
                    if (optlen < 24) { nd.Print(" ?)"); break; }
                    nd.Print(' '); nd.Ip6(tp);
                    nd.Print($" pltime:{nd.Be32(tp + 16)} vltime:{nd.Be32(tp + 20)}");
                    if (optlen > 24) Options(nd, tp + 24, tp + optlen);
                    nd.Print(")");
                    break;
                case 6:
                case 43:
                    if (optlen % 2 != 0) { nd.Print(" ?)"); break; }
                    for (int i = 0; i < optlen; i += 2) nd.Print($" {OptName(nd.Be16(tp + i))}");
                    nd.Print(")");
                    break;
                case 7:
                    if (optlen != 1) { nd.Print(" ?)"); break; }
                    nd.Print($" {nd.U8(tp)})");
                    break;
                case 8:
                    if (optlen != 2) { nd.Print(" ?)"); break; }
                    nd.Print($" {nd.Be16(tp)})");
                    break;
                case 9:
                {
                    nd.Print(" (");
                    int saved = nd.SnapEnd;
                    if (tp + optlen < nd.SnapEnd) nd.SnapEnd = tp + optlen;
                    try { Print(nd, tp, optlen); }
                    finally { nd.SnapEnd = saved; }
                    nd.Print(")");
                    break;
                }
                case 11:
                    Auth(nd, tp, optlen);
                    break;
                case 14:
                case 20:
                    nd.Print(")");
                    break;
                case 18:
                case 38:
                    nd.Print(' ');
                    for (int i = 0; i < optlen && i < 10; i++) nd.Out.PutHex2(nd.U8(tp + i));
                    nd.Print("...)");
                    break;
                case 19:
                {
                    if (optlen != 1) { nd.Print(" ?)"); break; }
                    int t = nd.U8(tp);
                    if (t == 5) nd.Print(" for renew)");
                    else if (t == 11) nd.Print(" for inf-req)");
                    else nd.Print($" for ???({t:x2}))");
                    break;
                }
                case 22: case 23: case 31: case 27: case 28: case 34: case 40: case 48:
                    if (optlen % 16 != 0) { nd.Print(" ?)"); break; }
                    for (int i = 0; i < optlen; i += 16) { nd.Print(' '); nd.Ip6(tp + i); }
                    nd.Print(")");
                    break;
                case 21:
                case 24:
                    while (tp < cp + 4 + optlen)
                    {
                        nd.Print(' ');
                        if ((tp = Dns.Name(nd, tp, cp + 4 + optlen)) < 0) goto trunc;
                    }
                    nd.Print(")");
                    break;
                case 13:
                    if (optlen < 2) { nd.Print(" ?)"); break; }
                    nd.Print($" {StatusCode(nd.Be16(tp))})");
                    break;
                case 3:
                case 25:
                    if (optlen < 12) { nd.Print(" ?)"); break; }
                    nd.Print($" IAID:{nd.Be32(tp)} T1:{nd.Be32(tp + 4)} T2:{nd.Be32(tp + 8)}");
                    if (optlen > 12) Options(nd, tp + 12, tp + optlen);
                    nd.Print(")");
                    break;
                case 4:
                    if (optlen < 4) { nd.Print(" ?)"); break; }
                    nd.Print($" IAID:{nd.Be32(tp)}");
                    if (optlen > 4) Options(nd, tp + 4, tp + optlen);
                    nd.Print(")");
                    break;
                case 26:
                    if (optlen < 25) { nd.Print(" ?)"); break; }
                    nd.Print(' '); nd.Ip6(tp + 9); nd.Print($"/{nd.U8(tp + 8)}");
                    nd.Print($" pltime:{nd.Be32(tp)} vltime:{nd.Be32(tp + 4)}");
                    if (optlen > 25) Options(nd, tp + 25, tp + optlen);
                    nd.Print(")");
                    break;
                case 32:
                case 46:
                    if (optlen != 4) { nd.Print(" ?)"); break; }
                    nd.Print($" {nd.Be32(tp)})");
                    break;
                case 37:
                    if (optlen < 4) { nd.Print(" ?)"); break; }
                    nd.Print($" {nd.Be32(tp)} ");
                    for (int i = 4; i < optlen && i < 14; i++) nd.Out.PutHex2(nd.U8(tp + i));
                    nd.Print("...)");
                    break;
                case 44:
                {
                    if (optlen < 17) { nd.Print(" ?)"); break; }
                    int qt = nd.U8(tp);
                    nd.Print(qt == 1 ? " by-address" : qt == 2 ? " by-clientID" : $" type_{qt}");
                    nd.Print(' '); nd.Ip6(tp + 1);
                    if (optlen > 17) Options(nd, tp + 17, tp + optlen);
                    nd.Print(")");
                    break;
                }
                case 45:
                    if (optlen > 0) Options(nd, tp, tp + optlen);
                    nd.Print(")");
                    break;
                case 47:
                    if (optlen < 16) { nd.Print(" ?)"); break; }
                    nd.Print(' '); nd.Ip6(tp); nd.Print(' ');
                    for (int i = 16; i < optlen && i < 26; i++) nd.Out.PutHex2(nd.U8(tp + i));
                    nd.Print("...)");
                    break;
                case 56:
                {
                    if (optlen < 4) { nd.Print(" ?)"); break; }
                    int end = cp + 4 + optlen;
                    while (tp < end - 4)
                    {
                        int code = nd.Be16(tp); tp += 2;
                        int sl = nd.Be16(tp); tp += 2;
                        if (tp + sl > end) goto trunc;
                        nd.Print($" subopt:{code}");
                        switch (code)
                        {
                            case 1: case 2:
                                if (sl != 16) { nd.Print(" ?"); break; }
                                nd.Print(' '); nd.Ip6(tp);
                                break;
                            case 3:
                                nd.Print(' ');
                                if (Dns.Name(nd, tp, tp + sl) < 0) goto trunc;
                                break;
                            default:
                                nd.Print(" ?");
                                break;
                        }
                        tp += sl;
                    }
                    nd.Print(")");
                    break;
                }
                case 64:
                {
                    if (optlen < 3) { nd.Print(" ?)"); break; }
                    int remain = optlen;
                    nd.Print(' ');
                    while (remain != 0 && nd.U8(tp) != 0)
                    {
                        int ll = nd.U8(tp++);
                        if (ll < remain - 1)
                        {
                            Text.PrintUntilNul(nd, tp, ll);
                            tp += ll;
                            remain -= ll + 1;
                            if (nd.U8(tp) != 0) nd.Print('.');
                        }
                        else { nd.Print(" ?"); break; }
                    }
                    nd.Print(")");
                    break;
                }
                case 41: case 42: case 112:
                    if (optlen < 5) { nd.Print(" ?)"); break; }
                    nd.Print(' ');
                    Text.PrintUntilNul(nd, tp, optlen);
                    nd.Print(")");
                    break;
                default:
                    nd.Print(")");
                    break;
            }
            cp += 4 + optlen;
        }
        return;
    trunc:
        nd.PrintTrunc();
    }

    private static void Auth(PrintContext nd, int tp, int optlen)
    {
        if (optlen < 11) { nd.Print(" ?)"); return; }
        int proto = nd.U8(tp);
        nd.Print(proto == 2 ? " proto: delayed" : proto == 3 ? " proto: reconfigure" : $" proto: {proto}");
        tp++;
        int alg = nd.U8(tp);
        nd.Print(alg == 1 ? ", alg: HMAC-MD5" : $", alg: {alg}");
        tp++;
        int rdm = nd.U8(tp);
        nd.Print(rdm == 0 ? ", RDM: mono" : $", RDM: {rdm}");
        tp++;
        nd.Print(", RD:");
        for (int i = 0; i < 4; i++, tp += 2) nd.Print($" {nd.Be16(tp):x4}");
        int infolen = optlen - 11;
        switch (proto)
        {
            case 2:
                if (infolen == 0) break;
                if (infolen < 20) { nd.Print(" ??"); break; }
                int realm = infolen - 20;
                if (realm > 0) nd.Print(", realm: ");
                for (int i = 0; i < realm; i++, tp++) nd.Out.PutHex2(nd.U8(tp));
                nd.Print($", key ID: {nd.Be32(tp):x8}");
                tp += 4;
                nd.Print(", HMAC-MD5:");
                for (int i = 0; i < 4; i++, tp += 4) nd.Print($" {nd.Be32(tp):x8}");
                break;
            case 3:
                if (infolen != 17) { nd.Print(" ??"); break; }
                int k = nd.U8(tp);
                nd.Print(k == 1 ? " reconfig-key" : k == 2 ? " type: HMAC-MD5" : " type: ??");
                tp++;
                nd.Print(" value:");
                for (int i = 0; i < 4; i++, tp += 4) nd.Print($" {nd.Be32(tp):x8}");
                break;
            default:
                nd.Print(" ??");
                break;
        }
        nd.Print(")");
    }
}
