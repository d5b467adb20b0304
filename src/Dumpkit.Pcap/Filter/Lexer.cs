// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Net;

namespace Dumpkit.Pcap.Filter;

internal enum Tok
{
    End, Error,
    // values
    Num, Id, Hid, Hid6, Eid, Aid,
    // punctuation
    Plus, Minus, Star, Slash, Percent, Colon, LBracket, RBracket, Not, Lt, Gt, LParen, RParen, Amp, Pipe, Caret, Eq,
    Geq, Leq, Neq, Lsh, Rsh, And, Or,
    // qualifiers
    Dst, Src, Host, Net, Mask, Port, Portrange, Proto, Protochain, Gateway,
    Type, Subtype, Dir, Addr1, Addr2, Addr3, Addr4, Ra, Ta,
    // protocol names (pname)
    Link, Ip, Arp, Rarp, Sctp, Tcp, Udp, Icmp, Igmp, Igrp, Pim, Vrrp, Carp, Radio, Ip6, Icmp6, Ah, Esp, Atalk, Aarp,
    Decnet, Lat, Sca, Moprc, Mopdl, Iso, Esis, Isis, L1, L2, Iih, Lsp, Snp, Csnp, Psnp, Clnp, Stp, Ipx, Netbeui,
    // other keywords
    Less, Greater, Byte, Broadcast, Multicast, Len, Inbound, Outbound, Ifindex, Vlan, Mpls, Pppoed, Pppoes, Geneve,
    Lane, Llc, Metac, Bcc, Oam, Oamf4, Oamf4ec, Oamf4sc, Sc, Ilmic, Vpi, Vci, Connectmsg, Metaconnect,
    PfIfname, PfRset, PfRnr, PfSrnr, PfReason, PfAction,
    Fisu, Lssu, Msu, Hfisu, Hlssu, Hmsu, Sio, Opc, Dpc, Sls, Hsio, Hopc, Hdpc, Hsls,
}

internal readonly record struct Token(Tok Kind, string Text, uint Num, string? Error = null);

/// <summary>The pcap-filter scanner: flex-style longest match, keywords win ties against identifiers.</summary>
internal static class Lexer
{
    private static readonly Dictionary<string, Tok> Keywords = new(StringComparer.Ordinal)
    {
        ["dst"] = Tok.Dst, ["src"] = Tok.Src,
        ["link"] = Tok.Link, ["ether"] = Tok.Link, ["ppp"] = Tok.Link, ["slip"] = Tok.Link,
        ["fddi"] = Tok.Link, ["tr"] = Tok.Link, ["wlan"] = Tok.Link,
        ["arp"] = Tok.Arp, ["rarp"] = Tok.Rarp, ["ip"] = Tok.Ip, ["sctp"] = Tok.Sctp, ["tcp"] = Tok.Tcp, ["udp"] = Tok.Udp,
        ["icmp"] = Tok.Icmp, ["igmp"] = Tok.Igmp, ["igrp"] = Tok.Igrp, ["pim"] = Tok.Pim, ["vrrp"] = Tok.Vrrp,
        ["carp"] = Tok.Carp, ["radio"] = Tok.Radio, ["ip6"] = Tok.Ip6, ["icmp6"] = Tok.Icmp6, ["ah"] = Tok.Ah,
        ["esp"] = Tok.Esp, ["atalk"] = Tok.Atalk, ["aarp"] = Tok.Aarp, ["decnet"] = Tok.Decnet, ["lat"] = Tok.Lat,
        ["sca"] = Tok.Sca, ["moprc"] = Tok.Moprc, ["mopdl"] = Tok.Mopdl, ["iso"] = Tok.Iso, ["esis"] = Tok.Esis,
        ["es-is"] = Tok.Esis, ["isis"] = Tok.Isis, ["is-is"] = Tok.Isis, ["l1"] = Tok.L1, ["l2"] = Tok.L2,
        ["iih"] = Tok.Iih, ["lsp"] = Tok.Lsp, ["snp"] = Tok.Snp, ["csnp"] = Tok.Csnp, ["psnp"] = Tok.Psnp,
        ["clnp"] = Tok.Clnp, ["stp"] = Tok.Stp, ["ipx"] = Tok.Ipx, ["netbeui"] = Tok.Netbeui,
        ["host"] = Tok.Host, ["net"] = Tok.Net, ["mask"] = Tok.Mask, ["port"] = Tok.Port, ["portrange"] = Tok.Portrange,
        ["proto"] = Tok.Proto, ["protochain"] = Tok.Protochain, ["gateway"] = Tok.Gateway, ["type"] = Tok.Type,
        ["subtype"] = Tok.Subtype, ["direction"] = Tok.Dir, ["dir"] = Tok.Dir, ["address1"] = Tok.Addr1,
        ["addr1"] = Tok.Addr1, ["address2"] = Tok.Addr2, ["addr2"] = Tok.Addr2, ["address3"] = Tok.Addr3,
        ["addr3"] = Tok.Addr3, ["address4"] = Tok.Addr4, ["addr4"] = Tok.Addr4, ["ra"] = Tok.Ra, ["ta"] = Tok.Ta,
        ["less"] = Tok.Less, ["greater"] = Tok.Greater, ["byte"] = Tok.Byte, ["broadcast"] = Tok.Broadcast,
        ["multicast"] = Tok.Multicast, ["and"] = Tok.And, ["or"] = Tok.Or, ["not"] = Tok.Not, ["len"] = Tok.Len,
        ["length"] = Tok.Len, ["inbound"] = Tok.Inbound, ["outbound"] = Tok.Outbound, ["ifindex"] = Tok.Ifindex,
        ["vlan"] = Tok.Vlan, ["mpls"] = Tok.Mpls, ["pppoed"] = Tok.Pppoed, ["pppoes"] = Tok.Pppoes, ["geneve"] = Tok.Geneve,
        ["lane"] = Tok.Lane, ["llc"] = Tok.Llc, ["metac"] = Tok.Metac, ["bcc"] = Tok.Bcc, ["oam"] = Tok.Oam,
        ["oamf4"] = Tok.Oamf4, ["oamf4ec"] = Tok.Oamf4ec, ["oamf4sc"] = Tok.Oamf4sc, ["sc"] = Tok.Sc, ["ilmic"] = Tok.Ilmic,
        ["vpi"] = Tok.Vpi, ["vci"] = Tok.Vci, ["connectmsg"] = Tok.Connectmsg, ["metaconnect"] = Tok.Metaconnect,
        ["on"] = Tok.PfIfname, ["ifname"] = Tok.PfIfname, ["rset"] = Tok.PfRset, ["ruleset"] = Tok.PfRset,
        ["rnr"] = Tok.PfRnr, ["rulenum"] = Tok.PfRnr, ["srnr"] = Tok.PfSrnr, ["subrulenum"] = Tok.PfSrnr,
        ["reason"] = Tok.PfReason, ["action"] = Tok.PfAction,
        ["fisu"] = Tok.Fisu, ["lssu"] = Tok.Lssu, ["lsu"] = Tok.Lssu, ["msu"] = Tok.Msu, ["hfisu"] = Tok.Hfisu,
        ["hlssu"] = Tok.Hlssu, ["hmsu"] = Tok.Hmsu, ["sio"] = Tok.Sio, ["opc"] = Tok.Opc, ["dpc"] = Tok.Dpc,
        ["sls"] = Tok.Sls, ["hsio"] = Tok.Hsio, ["hopc"] = Tok.Hopc, ["hdpc"] = Tok.Hdpc, ["hsls"] = Tok.Hsls,
    };

    private static readonly Dictionary<string, uint> NamedNumbers = new(StringComparer.Ordinal)
    {
        ["icmptype"] = 0, ["icmpcode"] = 1, ["icmp-echoreply"] = 0, ["icmp-unreach"] = 3, ["icmp-sourcequench"] = 4,
        ["icmp-redirect"] = 5, ["icmp-echo"] = 8, ["icmp-routeradvert"] = 9, ["icmp-routersolicit"] = 10,
        ["icmp-timxceed"] = 11, ["icmp-paramprob"] = 12, ["icmp-tstamp"] = 13, ["icmp-tstampreply"] = 14,
        ["icmp-ireq"] = 15, ["icmp-ireqreply"] = 16, ["icmp-maskreq"] = 17, ["icmp-maskreply"] = 18,
        ["icmp6type"] = 0, ["icmp6code"] = 1, ["icmp6-destinationunreach"] = 1, ["icmp6-packettoobig"] = 2,
        ["icmp6-timeexceeded"] = 3, ["icmp6-parameterproblem"] = 4, ["icmp6-echo"] = 128, ["icmp6-echoreply"] = 129,
        ["icmp6-multicastlistenerquery"] = 130, ["icmp6-multicastlistenerreportv1"] = 131,
        ["icmp6-multicastlistenerdone"] = 132, ["icmp6-routersolicit"] = 133, ["icmp6-routeradvert"] = 134,
        ["icmp6-neighborsolicit"] = 135, ["icmp6-neighboradvert"] = 136, ["icmp6-redirect"] = 137,
        ["icmp6-routerrenum"] = 138, ["icmp6-nodeinformationquery"] = 139, ["icmp6-nodeinformationresponse"] = 140,
        ["icmp6-ineighbordiscoverysolicit"] = 141, ["icmp6-ineighbordiscoveryadvert"] = 142,
        ["icmp6-multicastlistenerreportv2"] = 143, ["icmp6-homeagentdiscoveryrequest"] = 144,
        ["icmp6-homeagentdiscoveryreply"] = 145, ["icmp6-mobileprefixsolicit"] = 146, ["icmp6-mobileprefixadvert"] = 147,
        ["icmp6-certpathsolicit"] = 148, ["icmp6-certpathadvert"] = 149, ["icmp6-multicastrouteradvert"] = 151,
        ["icmp6-multicastroutersolicit"] = 152, ["icmp6-multicastrouterterm"] = 153,
        ["tcpflags"] = 13, ["tcp-fin"] = 0x01, ["tcp-syn"] = 0x02, ["tcp-rst"] = 0x04, ["tcp-push"] = 0x08,
        ["tcp-ack"] = 0x10, ["tcp-urg"] = 0x20, ["tcp-ece"] = 0x40, ["tcp-cwr"] = 0x80,
    };

    private static bool IsHex(char c) => c is >= '0' and <= '9' or >= 'a' and <= 'f' or >= 'A' and <= 'F';
    private static bool IsDigit(char c) => c is >= '0' and <= '9';
    private static bool IsAlnum(char c) => c is >= '0' and <= '9' or >= 'a' and <= 'z' or >= 'A' and <= 'Z';

    public static List<Token> Scan(string s)
    {
        var toks = new List<Token>();
        int i = 0;
        while (true)
        {
            while (i < s.Length && s[i] is ' ' or '\r' or '\n' or '\t') i++;
            if (i >= s.Length) break;
            var t = Next(s, ref i);
            toks.Add(t);
            if (t.Kind == Tok.Error) return toks;
        }
        toks.Add(new Token(Tok.End, "", 0));
        return toks;
    }

    private static Token Next(string s, ref int i)
    {
        char c = s[i];
        // two-character operators first (longest match)
        if (i + 1 < s.Length)
        {
            string two = s.Substring(i, 2);
            Tok? t2 = two switch
            {
                ">=" => Tok.Geq, "<=" => Tok.Leq, "!=" => Tok.Neq, "==" => Tok.Eq, "<<" => Tok.Lsh, ">>" => Tok.Rsh,
                "&&" => Tok.And, "||" => Tok.Or, _ => null,
            };
            if (t2 is Tok k2) { i += 2; return new Token(k2, two, 0); }
        }
        Tok? t1 = c switch
        {
            '+' => Tok.Plus, '-' => Tok.Minus, '*' => Tok.Star, '/' => Tok.Slash, '%' => Tok.Percent, ':' => Tok.Colon,
            '[' => Tok.LBracket, ']' => Tok.RBracket, '!' => Tok.Not, '<' => Tok.Lt, '>' => Tok.Gt, '(' => Tok.LParen,
            ')' => Tok.RParen, '&' => Tok.Amp, '|' => Tok.Pipe, '^' => Tok.Caret, '=' => Tok.Eq, _ => null,
        };
        if (t1 is Tok k1)
        {
            // ':' can begin an IPv6 address ("::1")
            if (c == ':')
            {
                int v6 = MatchV6(s, i);
                if (v6 > 1) return V6Token(s, ref i, v6);
            }
            i++;
            return new Token(k1, c.ToString(), 0);
        }
        if (c == '\\')
        {
            int j = i + 1;
            while (j < s.Length && s[j] is not (' ' or '!' or '(' or ')' or '\n' or '\t')) j++;
            if (j == i + 1) { i++; return new Token(Tok.Error, "\\", 0); }
            var text = s[(i + 1)..j];
            i = j;
            return new Token(Tok.Id, text, 0);
        }
        if (c == '$')
        {
            int j = i + 1;
            int n = 0;
            while (j < s.Length && n < 2 && IsHex(s[j])) { j++; n++; }
            if (n == 0) { i++; return new Token(Tok.Error, "$", 0); }
            var text = s[i..j];
            i = j;
            return new Token(Tok.Aid, text, 0);
        }
        if (!IsAlnum(c)) { i++; return new Token(Tok.Error, c.ToString(), 0); }

        // candidates, in flex rule order: MAC, N, HID, V6, bogus MAC, named numbers / keywords, ID
        int lenMac = MatchMac(s, i), lenN = MatchN(s, i), lenHid = MatchHid(s, i), lenV6 = MatchV6(s, i),
            lenBogus = MatchBogusMac(s, i), lenId = MatchId(s, i);
        int best = Math.Max(Math.Max(Math.Max(lenMac, lenN), Math.Max(lenHid, lenV6)), Math.Max(lenBogus, lenId));
        string word = s.Substring(i, best);
        if (best == lenId && (Keywords.ContainsKey(word) || NamedNumbers.ContainsKey(word))
            && lenMac < best && lenN < best && lenHid < best && lenV6 < best && lenBogus < best)
        {
            i += best;
            if (NamedNumbers.TryGetValue(word, out uint nv)) return new Token(Tok.Num, word, nv);
            return new Token(Keywords[word], word, 0);
        }
        if (lenMac == best)
        {
            i += best;
            return new Token(Tok.Eid, word, 0);
        }
        if (lenN == best)
        {
            i += best;
            return Stou(word);
        }
        if (lenHid == best)
        {
            i += best;
            return new Token(Tok.Hid, word, 0);
        }
        if (lenV6 == best) return V6Token(s, ref i, best);
        if (lenBogus == best)
        {
            i += best;
            return new Token(Tok.Error, word, 0, $"bogus ethernet address {word}");
        }
        i += best;
        return new Token(Tok.Id, word, 0);
    }

    private static Token V6Token(string s, ref int i, int len)
    {
        string word = s.Substring(i, len);
        i += len;
        if (!IPAddress.TryParse(word, out var a) || a.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            return new Token(Tok.Error, word, 0, $"bogus IPv6 address {word}");
        return new Token(Tok.Hid6, word, 0);
    }

    /// <summary>libpcap's stou: decimal, 0x hex or 0 octal, 32 bits.</summary>
    private static Token Stou(string w)
    {
        ulong n = 0;
        if (w.Length > 1 && w[0] == '0' && (w[1] == 'x' || w[1] == 'X'))
        {
            foreach (char c in w.AsSpan(2))
            {
                if (n > 0xFFFFFFF) return new Token(Tok.Error, w, 0, $"number {w} overflows 32 bits");
                n = n << 4 | (uint)Convert.ToInt32(c.ToString(), 16);
            }
        }
        else if (w[0] == '0')
        {
            foreach (char c in w.AsSpan(1))
            {
                if (c > '7') return new Token(Tok.Error, w, 0, $"number {w} contains non-octal digit");
                if (n > 0x1FFFFFFF) return new Token(Tok.Error, w, 0, $"number {w} overflows 32 bits");
                n = n << 3 | (uint)(c - '0');
            }
        }
        else
        {
            foreach (char c in w)
            {
                if (n > 429496729 || (n == 429496729 && c > '5')) return new Token(Tok.Error, w, 0, $"number {w} overflows 32 bits");
                n = n * 10 + (uint)(c - '0');
            }
        }
        return new Token(Tok.Num, w, (uint)n);
    }

    private static int MatchId(string s, int i)
    {
        if (!IsAlnum(s[i])) return 0;
        int j = i + 1;
        while (j < s.Length && (IsAlnum(s[j]) || s[j] is '-' or '_' or '.')) j++;
        while (j > i + 1 && s[j - 1] is '-' or '_') j--;
        return j - i;
    }

    /// <summary>N = [0-9]+ | 0[xX][0-9A-Fa-f]+</summary>
    private static int MatchN(string s, int i)
    {
        if (!IsDigit(s[i])) return 0;
        if (s[i] == '0' && i + 2 < s.Length + 0 && i + 1 < s.Length && s[i + 1] is 'x' or 'X' && i + 2 < s.Length && IsHex(s[i + 2]))
        {
            int k = i + 2;
            while (k < s.Length && IsHex(s[k])) k++;
            return k - i;
        }
        int j = i;
        while (j < s.Length && IsDigit(s[j])) j++;
        return j - i;
    }

    /// <summary>HID = N.N | N.N.N | N.N.N.N (longest).</summary>
    private static int MatchHid(string s, int i)
    {
        int pos = i, parts = 0, best = 0;
        while (parts < 4)
        {
            int n = MatchNAt(s, pos);
            if (n == 0) break;
            pos += n;
            parts++;
            if (parts >= 2) best = pos - i;
            if (pos < s.Length && s[pos] == '.' && parts < 4) pos++;
            else break;
        }
        return best;
    }

    private static int MatchNAt(string s, int i) => i < s.Length ? MatchN(s, i) : 0;

    /// <summary>MAC = B:B:B:B:B:B | B-B-B-B-B-B | B.B.B.B.B.B | B2.B2.B2 | B2B2B2 (B = 1-2 hex, B2 = 4 hex).</summary>
    private static int MatchMac(string s, int i)
    {
        int best = 0;
        foreach (char sep in ":-.")
        {
            int pos = i, groups = 0;
            while (groups < 6)
            {
                int n = 0;
                while (n < 2 && pos + n < s.Length && IsHex(s[pos + n])) n++;
                if (n == 0) break;
                pos += n;
                groups++;
                if (groups == 6) break;
                if (pos < s.Length && s[pos] == sep) pos++;
                else break;
            }
            if (groups == 6) best = Math.Max(best, pos - i);
        }
        {
            int pos = i, groups = 0;
            while (groups < 3)
            {
                int n = 0;
                while (n < 4 && pos + n < s.Length && IsHex(s[pos + n])) n++;
                if (n != 4) break;
                pos += 4;
                groups++;
                if (groups == 3) break;
                if (pos < s.Length && s[pos] == '.') pos++;
                else break;
            }
            if (groups == 3) best = Math.Max(best, pos - i);
        }
        {
            int n = 0;
            while (n < 12 && i + n < s.Length && IsHex(s[i + n])) n++;
            if (n == 12) best = Math.Max(best, 12);
        }
        return best;
    }

    /// <summary>{B}:+({B}:+)+ — something that looks like a broken MAC address.</summary>
    private static int MatchBogusMac(string s, int i)
    {
        int pos = i, groups = 0, best = 0;
        while (true)
        {
            int n = 0;
            while (n < 2 && pos + n < s.Length && IsHex(s[pos + n])) n++;
            if (n == 0) break;
            int colons = 0;
            while (pos + n + colons < s.Length && s[pos + n + colons] == ':') colons++;
            if (colons == 0) break;
            pos += n + colons;
            groups++;
            if (groups >= 2) best = pos - i;
        }
        return best;
    }

    private const int MaxV6Length = 45;

    /// <summary>Longest prefix at i that is a textual IPv6 address (hex groups with colons, maybe a dotted tail).</summary>
    private static int MatchV6(string s, int i)
    {
        // no address is longer than 45 characters (8 groups, or 6 and a dotted IPv4 tail): only that much is
        // tried, so that one long token of hex digits and colons is scanned in linear time
        int j = i, end = Math.Min(s.Length, i + MaxV6Length);
        while (j < end && (IsHex(s[j]) || s[j] is ':' or '.')) j++;
        for (int len = j - i; len >= 2; len--)
        {
            var span = s.AsSpan(i, len);
            if (!span.Contains(':')) return 0;
            char last = span[^1];
            if (!(IsHex(last) || last == ':')) continue;
            if (!IsStrictV6(span)) continue;
            return len;
        }
        return 0;
    }

    /// <summary>The forms libpcap's scanner accepts: 1-4 hex digit groups, at most one "::", optional IPv4 tail.</summary>
    private static bool IsStrictV6(ReadOnlySpan<char> a)
    {
        int dbl = a.IndexOf("::");
        if (dbl >= 0 && a[(dbl + 1)..].IndexOf("::") >= 0) return false;
        int groups = 0;
        bool v4 = false;
        int pos = 0;
        if (a.StartsWith("::")) pos = 2;
        while (pos < a.Length)
        {
            int n = 0;
            while (pos + n < a.Length && IsHex(a[pos + n])) n++;
            if (pos + n < a.Length && a[pos + n] == '.')
            {
                // dotted IPv4 tail
                var tail = a[pos..];
                if (!IPAddress.TryParse(tail, out var ip4) || ip4.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork) return false;
                int dots = 0;
                foreach (char ch in tail) { if (ch == '.') dots++; else if (!IsDigit(ch)) return false; }
                if (dots != 3) return false;
                v4 = true;
                groups += 2;
                break;
            }
            if (n == 0 || n > 4) return false;
            groups++;
            pos += n;
            if (pos == a.Length) break;
            if (a[pos] != ':') return false;
            pos++;
            if (pos < a.Length && a[pos] == ':') { if (pos - 1 != dbl) return false; pos++; }
        }
        _ = v4;
        if (dbl >= 0) return groups <= 7;
        return groups == 8;
    }

    internal static string Describe(Token t) => t.Kind == Tok.End ? "end" : t.Text;

    internal static bool TryParseUInt(string s, out uint v) => uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out v);
}
