namespace Dumpkit.Tcpdump.Print;

/// <summary>DHCPv6 messages, relay messages and options.</summary>
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

    private static void PrintJnp(Nd nd, int s, int n)
    {
        while (n > 0)
        {
            byte c = nd.U8(s);
            if (c == 0) break;
            Text.PrintChar(nd, c);
            n--; s++;
        }
    }

    public static void Print(Nd nd, int cp, int length)
    {
        nd.Proto = "dhcp6";
        nd.P("dhcp6");
        int ep = nd.SnapEnd;
        if (cp + length < ep) ep = cp + length;
        if (!nd.TTest(cp, 4)) { nd.PrintTrunc(); return; }
        int msgtype = nd.U8(cp);
        string name = MsgName(msgtype);
        if (nd.V == 0) { nd.P($" {name}"); return; }
        nd.P($" {name} (");
        if (msgtype != 12 && msgtype != 13)
        {
            nd.P($"xid={nd.Be32(cp) & 0x00ffffff:x}");
            Options(nd, cp + 4, ep);
        }
        else
        {
            nd.P("linkaddr="); nd.Ip6(cp + 2);
            nd.P(" peeraddr="); nd.Ip6(cp + 18);
            Options(nd, cp + 34, ep);
        }
        nd.P(")");
    }

    private static void Options(Nd nd, int cp, int ep)
    {
        if (cp == ep) return;
        while (cp < ep)
        {
            if (ep < cp + 4) goto trunc;
            if (!nd.TTest(cp, 4)) goto trunc;
            int optlen = nd.Be16(cp + 2);
            if (ep < cp + 4 + optlen) goto trunc;
            int opttype = nd.Be16(cp);
            nd.P($" ({OptName(opttype)}");
            if (!nd.TTest(cp + 4, optlen)) goto trunc;
            int tp = cp + 4;
            switch (opttype)
            {
                case 1:
                case 2:
                    if (optlen < 2) { nd.P(" ?)"); break; }
                    switch (nd.Be16(tp))
                    {
                        case 1:
                            if (optlen >= 8)
                            {
                                nd.P($" hwaddr/time type {nd.Be16(tp + 2)} time {nd.Be32(tp + 4)} ");
                                for (int i = 8; i < optlen; i++) nd.O.PutHex2(nd.U8(tp + i));
                                nd.P(")");
                            }
                            else nd.P(" ?)");
                            break;
                        case 2:
                            if (optlen >= 10)
                            {
                                nd.P(" vid ");
                                for (int i = 2; i < 10; i++) nd.O.PutHex2(nd.U8(tp + i));
                                nd.P(")");
                            }
                            else nd.P(" ?)");
                            break;
                        case 3:
                            if (optlen >= 4)
                            {
                                nd.P($" hwaddr type {nd.Be16(tp + 2)} ");
                                for (int i = 4; i < optlen; i++) nd.O.PutHex2(nd.U8(tp + i));
                                nd.P(")");
                            }
                            else nd.P(" ?)");
                            break;
                        default:
                            nd.P($" type {nd.Be16(tp)})");
                            break;
                    }
                    break;
                case 5:
                    if (optlen < 24) { nd.P(" ?)"); break; }
                    nd.P(' '); nd.Ip6(tp);
                    nd.P($" pltime:{nd.Be32(tp + 16)} vltime:{nd.Be32(tp + 20)}");
                    if (optlen > 24) Options(nd, tp + 24, tp + optlen);
                    nd.P(")");
                    break;
                case 6:
                case 43:
                    if (optlen % 2 != 0) { nd.P(" ?)"); break; }
                    for (int i = 0; i < optlen; i += 2) nd.P($" {OptName(nd.Be16(tp + i))}");
                    nd.P(")");
                    break;
                case 7:
                    if (optlen != 1) { nd.P(" ?)"); break; }
                    nd.P($" {nd.U8(tp)})");
                    break;
                case 8:
                    if (optlen != 2) { nd.P(" ?)"); break; }
                    nd.P($" {nd.Be16(tp)})");
                    break;
                case 9:
                {
                    nd.P(" (");
                    int saved = nd.SnapEnd;
                    if (tp + optlen < nd.SnapEnd) nd.SnapEnd = tp + optlen;
                    try { Print(nd, tp, optlen); }
                    finally { nd.SnapEnd = saved; }
                    nd.P(")");
                    break;
                }
                case 11:
                    Auth(nd, tp, optlen);
                    break;
                case 14:
                case 20:
                    nd.P(")");
                    break;
                case 18:
                case 38:
                    nd.P(' ');
                    for (int i = 0; i < optlen && i < 10; i++) nd.O.PutHex2(nd.U8(tp + i));
                    nd.P("...)");
                    break;
                case 19:
                {
                    if (optlen != 1) { nd.P(" ?)"); break; }
                    int t = nd.U8(tp);
                    if (t == 5) nd.P(" for renew)");
                    else if (t == 11) nd.P(" for inf-req)");
                    else nd.P($" for ???({t:x2}))");
                    break;
                }
                case 22: case 23: case 31: case 27: case 28: case 34: case 40: case 48:
                    if (optlen % 16 != 0) { nd.P(" ?)"); break; }
                    for (int i = 0; i < optlen; i += 16) { nd.P(' '); nd.Ip6(tp + i); }
                    nd.P(")");
                    break;
                case 21:
                case 24:
                    while (tp < cp + 4 + optlen)
                    {
                        nd.P(' ');
                        if ((tp = Dns.Name(nd, tp, cp + 4 + optlen)) < 0) goto trunc;
                    }
                    nd.P(")");
                    break;
                case 13:
                    if (optlen < 2) { nd.P(" ?)"); break; }
                    nd.P($" {StatusCode(nd.Be16(tp))})");
                    break;
                case 3:
                case 25:
                    if (optlen < 12) { nd.P(" ?)"); break; }
                    nd.P($" IAID:{nd.Be32(tp)} T1:{nd.Be32(tp + 4)} T2:{nd.Be32(tp + 8)}");
                    if (optlen > 12) Options(nd, tp + 12, tp + optlen);
                    nd.P(")");
                    break;
                case 4:
                    if (optlen < 4) { nd.P(" ?)"); break; }
                    nd.P($" IAID:{nd.Be32(tp)}");
                    if (optlen > 4) Options(nd, tp + 4, tp + optlen);
                    nd.P(")");
                    break;
                case 26:
                    if (optlen < 25) { nd.P(" ?)"); break; }
                    nd.P(' '); nd.Ip6(tp + 9); nd.P($"/{nd.U8(tp + 8)}");
                    nd.P($" pltime:{nd.Be32(tp)} vltime:{nd.Be32(tp + 4)}");
                    if (optlen > 25) Options(nd, tp + 25, tp + optlen);
                    nd.P(")");
                    break;
                case 32:
                case 46:
                    if (optlen != 4) { nd.P(" ?)"); break; }
                    nd.P($" {nd.Be32(tp)})");
                    break;
                case 37:
                    if (optlen < 4) { nd.P(" ?)"); break; }
                    nd.P($" {nd.Be32(tp)} ");
                    for (int i = 4; i < optlen && i < 14; i++) nd.O.PutHex2(nd.U8(tp + i));
                    nd.P("...)");
                    break;
                case 44:
                {
                    if (optlen < 17) { nd.P(" ?)"); break; }
                    int qt = nd.U8(tp);
                    nd.P(qt == 1 ? " by-address" : qt == 2 ? " by-clientID" : $" type_{qt}");
                    nd.P(' '); nd.Ip6(tp + 1);
                    if (optlen > 17) Options(nd, tp + 17, tp + optlen);
                    nd.P(")");
                    break;
                }
                case 45:
                    if (optlen > 0) Options(nd, tp, tp + optlen);
                    nd.P(")");
                    break;
                case 47:
                    if (optlen < 16) { nd.P(" ?)"); break; }
                    nd.P(' '); nd.Ip6(tp); nd.P(' ');
                    for (int i = 16; i < optlen && i < 26; i++) nd.O.PutHex2(nd.U8(tp + i));
                    nd.P("...)");
                    break;
                case 56:
                {
                    if (optlen < 4) { nd.P(" ?)"); break; }
                    int end = cp + 4 + optlen;
                    while (tp < end - 4)
                    {
                        int code = nd.Be16(tp); tp += 2;
                        int sl = nd.Be16(tp); tp += 2;
                        if (tp + sl > end) goto trunc;
                        nd.P($" subopt:{code}");
                        switch (code)
                        {
                            case 1: case 2:
                                if (sl != 16) { nd.P(" ?"); break; }
                                nd.P(' '); nd.Ip6(tp);
                                break;
                            case 3:
                                nd.P(' ');
                                if (Dns.Name(nd, tp, tp + sl) < 0) goto trunc;
                                break;
                            default:
                                nd.P(" ?");
                                break;
                        }
                        tp += sl;
                    }
                    nd.P(")");
                    break;
                }
                case 64:
                {
                    if (optlen < 3) { nd.P(" ?)"); break; }
                    int remain = optlen;
                    nd.P(' ');
                    while (remain != 0 && nd.U8(tp) != 0)
                    {
                        int ll = nd.U8(tp++);
                        if (ll < remain - 1)
                        {
                            PrintJnp(nd, tp, ll);
                            tp += ll;
                            remain -= ll + 1;
                            if (nd.U8(tp) != 0) nd.P('.');
                        }
                        else { nd.P(" ?"); break; }
                    }
                    nd.P(")");
                    break;
                }
                case 41: case 42: case 112:
                    if (optlen < 5) { nd.P(" ?)"); break; }
                    nd.P(' ');
                    PrintJnp(nd, tp, optlen);
                    nd.P(")");
                    break;
                default:
                    nd.P(")");
                    break;
            }
            cp += 4 + optlen;
        }
        return;
    trunc:
        nd.PrintTrunc();
    }

    private static void Auth(Nd nd, int tp, int optlen)
    {
        if (optlen < 11) { nd.P(" ?)"); return; }
        int proto = nd.U8(tp);
        nd.P(proto == 2 ? " proto: delayed" : proto == 3 ? " proto: reconfigure" : $" proto: {proto}");
        tp++;
        int alg = nd.U8(tp);
        nd.P(alg == 1 ? ", alg: HMAC-MD5" : $", alg: {alg}");
        tp++;
        int rdm = nd.U8(tp);
        nd.P(rdm == 0 ? ", RDM: mono" : $", RDM: {rdm}");
        tp++;
        nd.P(", RD:");
        for (int i = 0; i < 4; i++, tp += 2) nd.P($" {nd.Be16(tp):x4}");
        int infolen = optlen - 11;
        switch (proto)
        {
            case 2:
                if (infolen == 0) break;
                if (infolen < 20) { nd.P(" ??"); break; }
                int realm = infolen - 20;
                if (realm > 0) nd.P(", realm: ");
                for (int i = 0; i < realm; i++, tp++) nd.O.PutHex2(nd.U8(tp));
                nd.P($", key ID: {nd.Be32(tp):x8}");
                tp += 4;
                nd.P(", HMAC-MD5:");
                for (int i = 0; i < 4; i++, tp += 4) nd.P($" {nd.Be32(tp):x8}");
                break;
            case 3:
                if (infolen != 17) { nd.P(" ??"); break; }
                int k = nd.U8(tp);
                nd.P(k == 1 ? " reconfig-key" : k == 2 ? " type: HMAC-MD5" : " type: ??");
                tp++;
                nd.P(" value:");
                for (int i = 0; i < 4; i++, tp += 4) nd.P($" {nd.Be32(tp):x8}");
                break;
            default:
                nd.P(" ??");
                break;
        }
        nd.P(")");
    }
}
