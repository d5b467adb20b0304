// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>ISAKMP with IKEv1 (RFC 2408, the IPsec DOI of RFC 2407, Oakley attributes of RFC 2409) and IKEv2
/// (RFC 4306/7296) payloads on UDP 500, 7500 and 8500, and the UDP encapsulation of RFC 3948 on UDP 4500
/// (keep-alives, non-ESP marker, ESP). Encrypted payloads are shown as lengths (no decryption).</summary>
/// <remarks>Output as tcpdump 4.99.3 prints it, with its quirks: the initiator cookie table of 20 entries kept
/// across packets (an all-zero cookie matches an unused slot), payload numbers without a name printed as
/// <c>#N</c>.</remarks>
internal static class Isakmp
{
    private const int HdrLen = 28;

    private static readonly string?[] ProtoIds = [null, "isakmp", "ipsec-ah", "ipsec-esp", "ipcomp"];

    private static readonly string?[] NpNames =
    [
        "none", "sa", "p", "t", "ke", "id", "cert", "cr", "hash", "sig", "nonce", "n", "d", "vid",
        "pay14", "pay15", "pay16", "pay17", "pay18", "pay19", "pay20", "pay21", "pay22", "pay23",
        "pay24", "pay25", "pay26", "pay27", "pay28", "pay29", "pay30", "pay31", "pay32",
        "v2sa", "v2ke", "v2IDi", "v2IDr", "v2cert", "v2cr", "v2auth", "v2nonce", "v2n", "v2d",
        "v2vid", "v2TSi", "v2TSr", "v2e", "v2cp", "v2eap",
    ];

    private static readonly string?[] ExchangeTypes = BuildExchangeTypes();

    private static string?[] BuildExchangeTypes()
    {
        var t = new string?[38];
        string[] v1 = ["none", "base", "ident", "auth", "agg", "inf"];
        for (int i = 0; i < v1.Length; i++) t[i] = v1[i];
        t[32] = "oakley-quick";
        t[33] = "oakley-newgroup";
        t[34] = "ikev2_init";
        t[35] = "ikev2_auth";
        t[36] = "child_sa";
        t[37] = "inf2";
        return t;
    }

    private static readonly string?[] V1TransformIds = [null, "ike"];
    private static readonly string?[] V2TransformTypes = [null, "encr", "prf", "integ", "dh", "esn"];
    private static readonly string?[] AhIds = [null, "(reserved)", "md5", "sha", "1des", "sha2-256", "sha2-384", "sha2-512"];
    private static readonly string?[] PrfIds = [null, "hmac-md5", "hmac-sha", "hmac-tiger", "aes128_xcbc"];
    private static readonly string?[] IntegIds = [null, "hmac-md5", "hmac-sha", "dec-mac", "kpdk-md5", "aes-xcbc"];
    private static readonly string?[] EsnIds = ["no-esn", "esn"];

    private static readonly string?[] DhGroups =
    [
        null, "modp768", "modp1024", "EC2N 2^155", "EC2N 2^185", "modp1536", "iana-grp06", "iana-grp07",
        "iana-grp08", "iana-grp09", "iana-grp10", "iana-grp11", "iana-grp12", "iana-grp13",
        "modp2048", "modp3072", "modp4096", "modp6144", "modp8192",
    ];

    private static readonly string?[] EspIds =
        [null, "1des-iv64", "1des", "3des", "rc5", "idea", "cast", "blowfish", "3idea", "1des-iv32", "rc4", "null", "aes"];

    private static readonly string?[] IpcompIds = [null, "oui", "deflate", "lzs"];
    private static readonly string?[] CertTypes =
        ["none", "pkcs7", "pgp", "dns", "x509sign", "x509ke", "kerberos", "crl", "arl", "spki", "x509attr"];

    /// <summary>A data attribute's name and the names of its basic values (only the first entries count: tcpdump's
    /// tables declare how many, and the group tables leave out the last group).</summary>
    private readonly record struct AttrMap(string? Type, string?[] Values);

    private static readonly string?[] Groups17 = DhGroups[..18];

    private static readonly AttrMap[] IpsecAttrs =
    [
        new(null, []), new("lifetype", [null, "sec", "kb"]), new("life", []), new("group desc", Groups17),
        new("enc mode", [null, "tunnel", "transport"]), new("auth", [null, "hmac-md5", "hmac-sha1", "1des-mac", "keyed"]),
        new("keylen", []), new("rounds", []), new("dictsize", []), new("privalg", []),
    ];

    private static readonly AttrMap[] EncrAttrs = BuildEncrAttrs();

    private static AttrMap[] BuildEncrAttrs()
    {
        var m = new AttrMap[15];
        for (int i = 0; i < 14; i++) m[i] = new(null, []);
        m[14] = new("keylen", []);
        return m;
    }

    private static readonly AttrMap[] OakleyAttrs =
    [
        new(null, []), new("enc", [null, "1des", "idea", "blowfish", "rc5", "3des", "cast", "aes"]),
        new("hash", [null, "md5", "sha1", "tiger", "sha2-256", "sha2-384", "sha2-512"]),
        new("auth", [null, "preshared", "dss", "rsa sig", "rsa enc", "rsa enc revised"]), new("group desc", Groups17),
        new("group type", [null, "MODP", "ECP", "EC2N"]), new("group prime", []), new("group gen1", []), new("group gen2", []),
        new("group curve A", []), new("group curve B", []), new("lifetype", [null, "sec", "kb"]), new("lifeduration", []),
        new("prf", []), new("keylen", []), new("field", []), new("order", []),
    ];

    private static readonly string?[] NotifyErrors =
    [
        null, "INVALID-PAYLOAD-TYPE", "DOI-NOT-SUPPORTED", "SITUATION-NOT-SUPPORTED", "INVALID-COOKIE",
        "INVALID-MAJOR-VERSION", "INVALID-MINOR-VERSION", "INVALID-EXCHANGE-TYPE", "INVALID-FLAGS", "INVALID-MESSAGE-ID",
        "INVALID-PROTOCOL-ID", "INVALID-SPI", "INVALID-TRANSFORM-ID", "ATTRIBUTES-NOT-SUPPORTED", "NO-PROPOSAL-CHOSEN",
        "BAD-PROPOSAL-SYNTAX", "PAYLOAD-MALFORMED", "INVALID-KEY-INFORMATION", "INVALID-ID-INFORMATION",
        "INVALID-CERT-ENCODING", "INVALID-CERTIFICATE", "CERT-TYPE-UNSUPPORTED", "INVALID-CERT-AUTHORITY",
        "INVALID-HASH-INFORMATION", "AUTHENTICATION-FAILED", "INVALID-SIGNATURE", "ADDRESS-NOTIFICATION",
        "NOTIFY-SA-LIFETIME", "CERTIFICATE-UNAVAILABLE", "UNSUPPORTED-EXCHANGE-TYPE", "UNEQUAL-PAYLOAD-LENGTHS",
    ];

    private static readonly string?[] IpsecNotifyErrors = ["RESERVED"];
    private static readonly string?[] NotifyStatus = ["CONNECTED"];
    private static readonly string?[] IpsecNotifyStatus = ["RESPONDER-LIFETIME", "REPLAY-STATUS", "INITIAL-CONTACT"];

    private static readonly string?[] IdTypes =
    [
        null, "IPv4", "FQDN", "user FQDN", "IPv4net", "IPv6", "IPv6net", "IPv4range", "IPv6range", "ASN1 DN", "ASN1 GN", "keyid",
    ];

    private static readonly string?[] V2AuthMethods = ["invalid", "rsasig", "shared-secret", "dsssig"];

    private static string StrOrId(uint x, string?[] tab) => x < tab.Length && tab[x] is { } s ? s : $"#{x}";
    private static string Np(int np) => StrOrId((uint)np, NpNames);

    /// <summary>UDP 500/7500/8500: the ISAKMP message at bp; iph is the IP header (for the cookie table).</summary>
    public static void Print(PrintContext nd, int bp, int length, int iph)
    {
        nd.Proto = "isakmp";
        Esp.Secrets(nd);
        if (nd.SnapEnd < bp + HdrLen)
        {
            nd.PrintTrunc();
            return;
        }
        nd.Print("isakmp");
        int vers = nd.U8(bp + 17);
        int major = vers >> 4, minor = vers & 0x0f;
        if (nd.Verbose > 0) nd.Print($" {major}.{minor}");
        if (nd.Verbose > 0)
        {
            nd.Print(" msgid ");
            Hex(nd, bp + 20, 4);
        }
        if (nd.Verbose > 1)
        {
            nd.Print(" cookie ");
            Hex(nd, bp, 8);
            nd.Print("->");
            Hex(nd, bp + 8, 8);
        }
        nd.Print(':');
        if (major == 1) V1(nd, bp, length, iph);
        else if (major == 2) V2(nd, bp, length);
    }

    /// <summary>UDP 4500 (RFC 3948): NAT keep-alive, IKE after the non-ESP marker, or ESP.</summary>
    public static void PrintRfc3948(PrintContext nd, int bp, int length, int iph, bool fragmented, int ttl)
    {
        nd.Proto = "isakmp_rfc3948";
        if (length == 1 && nd.U8(bp) == 0xff)
        {
            nd.Print("isakmp-nat-keep-alive");
            return;
        }
        if (length < 4)
        {
            nd.PrintTrunc();
            return;
        }
        if (nd.Be32(bp) == 0)
        {
            nd.Print("NONESP-encap: ");
            Print(nd, bp + 4, length - 4, iph);
            return;
        }
        nd.Print("UDP-encap: ");
        Esp.Print(nd, bp, length, iph, nd.Buf[iph] >> 4, fragmented, ttl);
    }

    private static void Hex(PrintContext nd, int off, int len)
    {
        for (int i = 0; i < len; i++) nd.Out.PutHex2(nd.Buf[off + i]);
    }

    /// <summary>rawprint: false (nothing printed) when the bytes are not all captured.</summary>
    private static bool Raw(PrintContext nd, int off, long len)
    {
        if (len < 0 || len > int.MaxValue || !nd.TTest(off, (int)len)) return false;
        Hex(nd, off, (int)len);
        return true;
    }

    /// <summary>ike_show_somedata: the first 10 and the last 20 bytes up to the captured end.</summary>
    private static bool SomeData(PrintContext nd, int cp, int ep)
    {
        int end = ep - 20, elen = 20;
        int len = ep - cp;
        if (len > 10) len = 10;
        if (end < cp + len)
        {
            end = cp + len;
            elen = ep - end;
        }
        nd.Print(" data=(");
        if (!Raw(nd, cp, len)) return false;
        nd.Print("...");
        if (elen != 0 && !Raw(nd, end, elen)) return false;
        nd.Print(')');
        return true;
    }

    private static void Indent(PrintContext nd, int depth)
    {
        nd.Print('\n');
        for (int i = 0; i < depth; i++) nd.Print("    ");
        nd.Print('(');
    }

    private static void LenMismatch(PrintContext nd, int bp, int length)
    {
        if (nd.Verbose == 0) return;
        uint len = nd.Be32(bp + 24);
        if (len != (uint)length) nd.Print($" (len mismatch: isakmp {len}/ip {(uint)length})");
    }

    // ---- IKEv1 ----

    private static void V1(PrintContext nd, int bp, int length, int iph)
    {
        var st = nd.Isakmp;
        int phase = nd.Be32(bp + 20) == 0 ? 1 : 2;
        nd.Print(phase == 1 ? " phase 1" : " phase 2/others");
        var cookie = nd.Buf.AsSpan(bp, 8);
        int i = st.Find(cookie);
        if (i < 0)
        {
            if (nd.Buf.AsSpan(bp + 8, 8).IndexOfAnyExcept((byte)0) < 0)
            {
                nd.Print(" I");
                st.Record(nd, cookie, iph);
            }
            else nd.Print(" ?");
        }
        else if (st.SideCheck(nd, i, iph, true)) nd.Print(" I");
        else if (st.SideCheck(nd, i, iph, false)) nd.Print(" R");
        else nd.Print(" ?");
        nd.Print($" {StrOrId(nd.U8(bp + 18), ExchangeTypes)}");
        int flags = nd.U8(bp + 19);
        if (flags != 0) nd.Print($"[{((flags & 1) != 0 ? "E" : "")}{((flags & 2) != 0 ? "C" : "")}]");
        if (nd.Verbose > 0)
        {
            nd.Print(':');
            int np = nd.U8(bp + 16);
            if ((flags & 1) != 0) nd.Print($" [encrypted {Np(np)}]");
            else V1Sub(nd, np, bp + HdrLen, nd.SnapEnd, phase, 0, 0, 0);
        }
        LenMismatch(nd, bp, length);
    }

    private static int V1Sub(PrintContext nd, int np, int ext, int ep, int phase, uint doi, int proto, int depth)
    {
        int cp = ext;
        while (np != 0)
        {
            if (!nd.TTest(ext, 4) || !nd.TTest(ext, nd.Be16(ext + 2)))
            {
                nd.Print($" [|{Np(np)}]");
                return -1;
            }
            depth++;
            Indent(nd, depth);
            cp = Sub0(nd, np, ext, ep, phase, doi, proto, depth, -1);
            nd.Print(')');
            depth--;
            if (cp < 0) return -1;
            np = nd.U8(ext);
            ext = cp;
        }
        return cp;
    }

    /// <summary>ike_sub0_print / ikev2_sub0_print (bp is the message for IKEv2, -1 for IKEv1).</summary>
    private static int Sub0(PrintContext nd, int np, int ext, int ep, int phase, uint doi, int proto, int depth, int bp)
    {
        if (!nd.TTest(ext, 4))
        {
            nd.PrintTrunc();
            return -1;
        }
        int itemLen = nd.Be16(ext + 2);
        if (itemLen <= 4) return -1;
        if (np == 46 && bp >= 0) return V2Encrypted(nd, np, ext, itemLen, bp, phase, depth);
        switch (np)
        {
            case 1: return V1Sa(nd, ext, ep, phase, proto, depth);
            case 2: return V1Proposal(nd, ext, ep, phase, doi, depth);
            case 3: return V1Transform(nd, ext, itemLen, ep, proto);
            case 4: return V1Data(nd, ext, itemLen, "ke", " key len=");
            case 5: return V1Id(nd, ext, itemLen);
            case 6: return V1Cert(nd, ext, itemLen, "cert");
            case 7: return V1Cert(nd, ext, itemLen, "cr");
            case 8: return V1Data(nd, ext, itemLen, "hash", " len=");
            case 9: return V1Data(nd, ext, itemLen, "sig", " len=");
            case 10: return V1Nonce(nd, ext, itemLen, ep);
            case 11: return V1Notify(nd, ext, itemLen, ep);
            case 12: return V1Delete(nd, ext);
            case 13: return V1Data(nd, ext, itemLen, "vid", " len=");
            case 33: return V2Sa(nd, np, ext, depth);
            case 34: return V2Ke(nd, np, ext, itemLen);
            case 35 or 36: return V2Id(nd, np, ext, itemLen);
            case 39: return V2Auth(nd, np, ext, itemLen, ep);
            case 40: return V2Nonce(nd, np, ext, itemLen, ep);
            case 41: return V2Notify(nd, ext, itemLen, ep);
            case 43: return V2Vid(nd, np, ext, itemLen);
            case 37 or 38 or 42 or 44 or 45 or 47 or 48: return V2Generic(nd, np, ext, itemLen);
            default:
                nd.Print(Np(np));
                return ext + itemLen;
        }
    }

    private static int V1Sa(PrintContext nd, int ext, int ep, int phase, int proto0, int depth)
    {
        nd.Print("sa:");
        if (!nd.TTest(ext, 12)) return Trunc(nd, 1);
        uint doi = nd.Be32(ext + 4), sit = nd.Be32(ext + 8);
        if (doi != 1)
        {
            nd.Print($" doi={doi}");
            nd.Print($" situation={sit}");
            return ext + 12;
        }
        nd.Print(" doi=ipsec situation=");
        bool t = false;
        if ((sit & 1) != 0) { nd.Print("identity"); t = true; }
        if ((sit & 2) != 0) { nd.Print(t ? "+secrecy" : "secrecy"); t = true; }
        if ((sit & 4) != 0) nd.Print(t ? "+integrity" : "integrity");
        int np = ext + 12;
        if (sit != 1)
        {
            nd.Print($" ident={nd.Be32(ext + 4)}"); // tcpdump reads the word after the generic header
            np += 4;
        }
        if (!nd.TTest(np, 4)) return Trunc(nd, 1);
        return V1Sub(nd, 2, np, ep, phase, doi, proto0, depth);
    }

    private static int Trunc(PrintContext nd, int np)
    {
        nd.Print($" [|{Np(np)}]");
        return -1;
    }

    private static int V1Proposal(PrintContext nd, int ext, int ep, int phase, uint doi, int depth)
    {
        nd.Print("p:");
        if (!nd.TTest(ext, 8)) return Trunc(nd, 2);
        int protoId = nd.U8(ext + 5);
        nd.Print($" #{nd.U8(ext + 4)} protoid={StrOrId((uint)protoId, ProtoIds)} transform={nd.U8(ext + 7)}");
        int spiSize = nd.U8(ext + 6);
        if (spiSize != 0)
        {
            nd.Print(" spi=");
            if (!Raw(nd, ext + 8, spiSize)) return Trunc(nd, 2);
        }
        int t = ext + 8 + spiSize;
        if (!nd.TTest(t, 4)) return Trunc(nd, 2);
        return V1Sub(nd, 3, t, ep, phase, doi, protoId, depth);
    }

    private static int V1Transform(PrintContext nd, int ext, int itemLen, int ep, int proto)
    {
        nd.Print("t:");
        if (!nd.TTest(ext, 8)) return Trunc(nd, 3);
        int tid = nd.U8(ext + 5);
        (string?[]? ids, AttrMap[]? map) = proto switch
        {
            1 => (V1TransformIds, OakleyAttrs),
            2 => (AhIds, IpsecAttrs),
            3 => (EspIds, IpsecAttrs),
            4 => (IpcompIds, IpsecAttrs),
            _ => ((string?[]?)null, (AttrMap[]?)null),
        };
        if (ids != null) nd.Print($" #{nd.U8(ext + 4)} id={StrOrId((uint)tid, ids)} ");
        else nd.Print($" #{nd.U8(ext + 4)} id={tid} ");
        int cp = ext + 8, ep2 = ext + itemLen;
        while (cp < ep && cp < ep2)
        {
            cp = Attr(nd, cp, ep2, map);
            if (cp < 0) return Trunc(nd, 3);
        }
        if (ep < ep2) nd.Print("...");
        return cp;
    }

    /// <summary>ikev1_attrmap_print / ikev1_attr_print (map null): one data attribute; -1 when cut.</summary>
    private static int Attr(PrintContext nd, int p, int ep2, AttrMap[]? map)
    {
        bool tv = (nd.U8(p) & 0x80) != 0;
        int totlen = tv ? 4 : 4 + nd.Be16(p + 2);
        if (ep2 < p + totlen)
        {
            nd.Print("[|attr]");
            return ep2 + 1;
        }
        nd.Print('(');
        int t = nd.Be16(p) & 0x7fff;
        if (map != null && t < map.Length && map[t].Type is { } name) nd.Print($"type={name} ");
        else nd.Print($"type=#{t} ");
        if (tv)
        {
            nd.Print("value=");
            if (map == null) nd.U8(p + 2);
            int v = map != null ? nd.Be16(p + 2) : 0;
            if (map != null && t < map.Length && v < map[t].Values.Length && map[t].Values[v] is { } vn) nd.Print(vn);
            else if (!Raw(nd, p + 2, 2))
            {
                nd.Print(')');
                return -1;
            }
        }
        else
        {
            nd.Print($"len={totlen - 4} value=");
            if (!Raw(nd, p + 4, totlen - 4))
            {
                nd.Print(')');
                return -1;
            }
        }
        nd.Print(')');
        return p + totlen;
    }

    /// <summary>KE, HASH, SIG, VID: the length, the bytes in hex with -vvv.</summary>
    private static int V1Data(PrintContext nd, int ext, int itemLen, string name, string label)
    {
        nd.Print(name);
        nd.Print(':');
        int np = Array.IndexOf(NpNames, name);
        if (!nd.TTest(ext, 4)) return Trunc(nd, np);
        nd.Print($"{label}{itemLen - 4}");
        if (nd.Verbose > 2 && itemLen > 4)
        {
            nd.Print(' ');
            if (!Raw(nd, ext + 4, itemLen - 4)) return Trunc(nd, np);
        }
        return ext + itemLen;
    }

    private static int V1Cert(PrintContext nd, int ext, int itemLen, string name)
    {
        int np = name == "cert" ? 6 : 7;
        nd.Print(name);
        nd.Print(':');
        if (!nd.TTest(ext, 6)) return Trunc(nd, np);
        nd.Print($" len={itemLen - 4}");
        nd.Print($" type={StrOrId(nd.U8(ext + 4), CertTypes)}");
        if (nd.Verbose > 2 && itemLen > 4)
        {
            nd.Print(' ');
            if (!Raw(nd, ext + 4, itemLen - 4)) return Trunc(nd, np);
        }
        return ext + itemLen;
    }

    private static int V1Nonce(PrintContext nd, int ext, int itemLen, int ep)
    {
        nd.Print("nonce:");
        if (!nd.TTest(ext, 4)) return Trunc(nd, 10);
        nd.Print($" n len={itemLen - 4}");
        if (itemLen > 4)
        {
            if (nd.Verbose > 2)
            {
                nd.Print(' ');
                if (!Raw(nd, ext + 4, itemLen - 4)) return Trunc(nd, 10);
            }
            else if (nd.Verbose > 1)
            {
                nd.Print(' ');
                if (!SomeData(nd, ext + 4, ep)) return Trunc(nd, 10);
            }
        }
        return ext + itemLen;
    }

    private static int V1Id(PrintContext nd, int ext, int itemLen)
    {
        nd.Print("id:");
        if (!nd.TTest(ext, 8)) return Trunc(nd, 5);
        int data = -1, len = 0;
        if (8 < itemLen)
        {
            data = ext + 8;
            len = itemLen - 8;
        }
        int type = nd.U8(ext + 4), protoId = nd.U8(ext + 5);
        nd.Print($" idtype={StrOrId((uint)type, IdTypes)}");
        if (protoId != 0 && nd.Settings.Names?.Protocol(protoId) is { } pn) nd.Print($" protoid={pn}");
        else nd.Print($" protoid={protoId}");
        nd.Print($" port={nd.Be16(ext + 6)}");
        if (len != 0)
        {
            if (!nd.TTest(data, len)) return Trunc(nd, 5);
            switch (type)
            {
                case 1:
                    if (len < 4) nd.Print($" len={len} [bad: < 4]");
                    else nd.Print($" len={len} {nd.A4(data)}");
                    len = 0;
                    break;
                case 2 or 3:
                    nd.Print($" len={len} ");
                    for (int i = 0; i < len; i++) Text.PrintChar(nd, nd.U8(data + i));
                    len = 0;
                    break;
                case 4:
                    if (len < 8) nd.Print($" len={len} [bad: < 8]");
                    else nd.Print($" len={len} {nd.A4(data)}/{nd.U8(data + 4)}.{nd.U8(data + 5)}.{nd.U8(data + 6)}.{nd.U8(data + 7)}");
                    len = 0;
                    break;
                case 5:
                    if (len < 16) nd.Print($" len={len} [bad: < 16]");
                    else nd.Print($" len={len} {nd.A6(data)}");
                    len = 0;
                    break;
                case 6:
                    if (len < 32) nd.Print($" len={len} [bad: < 32]");
                    else
                    {
                        nd.Print($" len={len} {nd.A6(data)}/0x");
                        Hex(nd, data + 16, 16);
                    }
                    len = 0;
                    break;
                case 7:
                    if (len < 8) nd.Print($" len={len} [bad: < 8]");
                    else nd.Print($" len={len} {nd.A4(data)}-{nd.A4(data + 4)}");
                    len = 0;
                    break;
                case 8:
                    if (len < 32) nd.Print($" len={len} [bad: < 32]");
                    else nd.Print($" len={len} {nd.A6(data)}-{nd.A6(data + 16)}");
                    len = 0;
                    break;
            }
        }
        if (data >= 0 && len != 0)
        {
            nd.Print($" len={len}");
            if (nd.Verbose > 2)
            {
                nd.Print(' ');
                if (!Raw(nd, data, len)) return Trunc(nd, 5);
            }
        }
        return ext + itemLen;
    }

    private static int V1Notify(PrintContext nd, int ext, int itemLen, int ep)
    {
        nd.Print("n:");
        if (!nd.TTest(ext, 12)) return Trunc(nd, 11);
        uint doi = nd.Be32(ext + 4);
        int proto = nd.U8(ext + 8);
        int type = nd.Be16(ext + 10);
        int spiSize;
        if (doi != 1)
        {
            nd.Print($" doi={doi}");
            nd.Print($" proto={proto}");
            if (type < 8192) nd.Print($" type={StrOrId((uint)type, NotifyErrors)}");
            else if (type < 16384) nd.Print($" type=#{type}");
            else if (type < 24576) nd.Print($" type={StrOrId((uint)(type - 16384), NotifyStatus)}");
            else nd.Print($" type=#{type}");
            spiSize = nd.U8(ext + 9);
            if (spiSize != 0)
            {
                nd.Print(" spi=");
                if (!Raw(nd, ext + 12, spiSize)) return Trunc(nd, 11);
            }
            return ext + 12 + spiSize;
        }
        nd.Print(" doi=ipsec");
        nd.Print($" proto={StrOrId((uint)proto, ProtoIds)}");
        if (type < 8192) nd.Print($" type={StrOrId((uint)type, NotifyErrors)}");
        else if (type < 16384) nd.Print($" type={StrOrId((uint)(type - 8192), IpsecNotifyErrors)}");
        else if (type < 24576) nd.Print($" type={StrOrId((uint)(type - 16384), NotifyStatus)}");
        else if (type < 32768) nd.Print($" type={StrOrId((uint)(type - 24576), IpsecNotifyStatus)}");
        else nd.Print($" type=#{type}");
        spiSize = nd.U8(ext + 9);
        if (spiSize != 0)
        {
            nd.Print(" spi=");
            if (!Raw(nd, ext + 12, spiSize)) return Trunc(nd, 11);
        }
        int cp = ext + 12 + spiSize, ep2 = ext + itemLen;
        if (cp < ep)
        {
            switch (type)
            {
                case 24576:
                    nd.Print(" attrs=(");
                    while (cp < ep && cp < ep2)
                    {
                        cp = Attr(nd, cp, ep2, OakleyAttrs);
                        if (cp < 0)
                        {
                            nd.Print(')');
                            return Trunc(nd, 11);
                        }
                    }
                    nd.Print(')');
                    break;
                case 24577:
                    nd.Print(" status=(");
                    nd.Print($"replay detection {(nd.Be32(cp) != 0 ? "en" : "dis")}abled");
                    nd.Print(')');
                    break;
                default:
                    if (nd.Verbose > 3)
                    {
                        nd.Print(" data=(");
                        if (!Raw(nd, cp, ep - cp)) return Trunc(nd, 11);
                        nd.Print(')');
                    }
                    else if (!SomeData(nd, cp, ep)) return Trunc(nd, 11);
                    break;
            }
        }
        return ext + itemLen;
    }

    private static int V1Delete(PrintContext nd, int ext)
    {
        nd.Print("d:");
        if (!nd.TTest(ext, 12)) return Trunc(nd, 12);
        uint doi = nd.Be32(ext + 4);
        int proto = nd.U8(ext + 8);
        if (doi != 1)
        {
            nd.Print($" doi={doi}");
            nd.Print($" proto={proto}");
        }
        else
        {
            nd.Print(" doi=ipsec");
            nd.Print($" proto={StrOrId((uint)proto, ProtoIds)}");
        }
        int spiSize = nd.U8(ext + 9);
        nd.Print($" spilen={spiSize}");
        int num = nd.Be16(ext + 10);
        nd.Print($" nspi={num}");
        nd.Print(" spi=");
        int q = ext + 12;
        for (int i = 0; i < num; i++)
        {
            if (i != 0) nd.Print(',');
            if (!Raw(nd, q, spiSize)) return Trunc(nd, 12);
            q += spiSize;
        }
        return q;
    }

    // ---- IKEv2 ----

    private static void V2(PrintContext nd, int bp, int length)
    {
        int phase = nd.Be32(bp + 20) == 0 ? 1 : 2;
        nd.Print(phase == 1 ? " parent_sa" : " child_sa ");
        nd.Print($" {StrOrId(nd.U8(bp + 18), ExchangeTypes)}");
        int flags = nd.U8(bp + 19);
        if (flags != 0)
            nd.Print($"[{((flags & 0x08) != 0 ? "I" : "")}{((flags & 0x10) != 0 ? "V" : "")}{((flags & 0x20) != 0 ? "R" : "")}]");
        if (nd.Verbose > 0)
        {
            nd.Print(':');
            int np = nd.U8(bp + 16);
            if ((flags & 1) != 0) nd.Print($" [encrypted {Np(np)}]");
            else V2Sub(nd, bp, np, bp + HdrLen, nd.SnapEnd, phase, 0);
        }
        LenMismatch(nd, bp, length);
    }

    private static int V2Sub(PrintContext nd, int bp, int np, int ext, int ep, int phase, int depth)
    {
        int cp = ext;
        while (np != 0)
        {
            if (!nd.TTest(ext, 4) || !nd.TTest(ext, nd.Be16(ext + 2)))
            {
                nd.Print($" [|{Np(np)}]");
                return -1;
            }
            depth++;
            Indent(nd, depth);
            cp = Sub0(nd, np, ext, ep, phase, 0, 0, depth, bp);
            nd.Print(')');
            depth--;
            if (cp < 0) return -1;
            np = nd.U8(ext);
            ext = cp;
        }
        return cp;
    }

    private static void PayName(PrintContext nd, string name, int critical)
    {
        nd.Print(name);
        if ((critical & 0x80) != 0) nd.Print("[C]");
        nd.Print(':');
    }

    private static int V2Generic(PrintContext nd, int tpay, int ext, int itemLen)
    {
        if (!nd.TTest(ext, 4)) return Trunc(nd, tpay);
        PayName(nd, Np(tpay), nd.U8(ext + 1));
        nd.Print($" len={itemLen - 4}");
        if (nd.Verbose > 2 && itemLen > 4)
        {
            nd.Print(' ');
            if (!Raw(nd, ext + 4, itemLen - 4)) return Trunc(nd, tpay);
        }
        return ext + itemLen;
    }

    private static int V2Transform(PrintContext nd, int tcount, int ext, int itemLen, int ep)
    {
        if (!nd.TTest(ext, 8)) return Trunc(nd, 3);
        PayName(nd, "t", nd.U8(ext + 1));
        int tid = nd.Be16(ext + 6), ttype = nd.U8(ext + 4);
        AttrMap[]? map = null;
        string?[]? ids = ttype switch { 1 => EspIds, 2 => PrfIds, 3 => IntegIds, 4 => DhGroups, 5 => EsnIds, _ => null };
        if (ttype == 1) map = EncrAttrs;
        if (ids != null) nd.Print($" #{tcount} type={StrOrId((uint)ttype, V2TransformTypes)} id={StrOrId((uint)tid, ids)} ");
        else nd.Print($" #{tcount} type={StrOrId((uint)ttype, V2TransformTypes)} id={tid} ");
        int cp = ext + 8, ep2 = ext + itemLen;
        while (cp < ep && cp < ep2)
        {
            cp = Attr(nd, cp, ep2, map);
            if (cp < 0) return Trunc(nd, 3);
        }
        if (ep < ep2) nd.Print("...");
        return cp;
    }

    private static int V2Proposal(PrintContext nd, int ext, int opropLength, int ep, int depth)
    {
        if (!nd.TTest(ext, 8)) return Trunc(nd, 2);
        PayName(nd, "p", nd.U8(ext + 1));
        uint propLength = (uint)opropLength - 4;
        nd.Print($" #{nd.U8(ext + 4)} protoid={StrOrId(nd.U8(ext + 5), ProtoIds)} transform={nd.U8(ext + 7)} len={opropLength}");
        int cp = ext + 8;
        int spiSize = nd.U8(ext + 6);
        if (spiSize != 0)
        {
            if (propLength < spiSize) return TooLong(nd, cp, propLength, 2);
            nd.Print(" spi=");
            if (!Raw(nd, cp, spiSize)) return Trunc(nd, 2);
            cp += spiSize;
            propLength -= (uint)spiSize;
        }
        int tcount = 0;
        for (int np = 3; np != 0; np = nd.U8(ext))
        {
            tcount++;
            ext = cp;
            if (propLength < 4) return TooLong(nd, cp, propLength, 2);
            if (!nd.TTest(ext, 4)) return Trunc(nd, 2);
            int itemLen = nd.Be16(ext + 2);
            if (itemLen <= 4) return Trunc(nd, 2);
            if (propLength < itemLen) return TooLong(nd, cp, propLength, 2);
            if (!nd.TTest(cp, itemLen)) return Trunc(nd, 2);
            depth++;
            Indent(nd, depth);
            if (np == 3)
            {
                cp = V2Transform(nd, tcount, ext, itemLen, ep);
                if (cp < 0) return -1;
            }
            else
            {
                nd.Print(Np(np));
                cp += itemLen;
            }
            nd.Print(')');
            depth--;
            propLength -= (uint)itemLen;
        }
        return cp;
    }

    private static int TooLong(PrintContext nd, int cp, uint rest, int np)
    {
        nd.Print($" [|{Np(np)}]");
        return (int)Math.Min(cp + (long)rest, int.MaxValue);
    }

    private static int V2Sa(PrintContext nd, int tpay, int ext1, int depth)
    {
        if (!nd.TTest(ext1, 4)) return Trunc(nd, tpay);
        PayName(nd, "sa", nd.U8(ext1 + 1));
        int osaLength = nd.Be16(ext1 + 2);
        uint saLength = (uint)osaLength - 4;
        nd.Print($" len={saLength}");
        int cp = ext1 + 4, ext = ext1;
        int ep = nd.SnapEnd;
        for (int np = 2; np != 0; np = nd.U8(ext))
        {
            ext = cp;
            if (saLength < 4) return TooLong(nd, cp, saLength, tpay);
            if (!nd.TTest(ext, 4)) return Trunc(nd, tpay);
            int itemLen = nd.Be16(ext + 2);
            if (itemLen <= 4) return Trunc(nd, tpay);
            if (saLength < itemLen) return TooLong(nd, cp, saLength, tpay);
            if (!nd.TTest(cp, itemLen)) return Trunc(nd, tpay);
            depth++;
            Indent(nd, depth);
            if (np == 2)
            {
                cp = V2Proposal(nd, ext, itemLen, ep, depth);
                if (cp < 0) return -1;
            }
            else
            {
                nd.Print(Np(np));
                cp += itemLen;
            }
            nd.Print(')');
            depth--;
            saLength -= (uint)itemLen;
        }
        return cp;
    }

    private static int V2Ke(PrintContext nd, int tpay, int ext, int itemLen)
    {
        if (!nd.TTest(ext, 8)) return Trunc(nd, tpay);
        PayName(nd, Np(tpay), nd.U8(ext + 1));
        if (itemLen < 8)
        {
            nd.Print($" len={itemLen} < 8");
            return ext + itemLen;
        }
        nd.Print($" len={itemLen - 8} group={StrOrId(nd.Be16(ext + 4), DhGroups)}");
        if (nd.Verbose > 2 && itemLen > 8)
        {
            nd.Print(' ');
            if (!Raw(nd, ext + 8, itemLen - 8)) return Trunc(nd, tpay);
        }
        return ext + itemLen;
    }

    private static int V2Id(PrintContext nd, int tpay, int ext, int itemLen)
    {
        if (!nd.TTest(ext, 8)) return Trunc(nd, tpay);
        PayName(nd, Np(tpay), nd.U8(ext + 1));
        nd.Print($" len={itemLen - 4}");
        if (nd.Verbose > 2 && itemLen > 4)
        {
            nd.Print(' ');
            if (!Raw(nd, ext + 4, itemLen - 4)) return Trunc(nd, tpay);
        }
        long idLen = itemLen - 8;
        int typedata = ext + 8;
        bool ascii = false, hex = false;
        switch (nd.U8(ext + 4))
        {
            case 1: nd.Print(" ipv4:"); hex = true; break;
            case 2: nd.Print(" fqdn:"); ascii = true; break;
            case 3: nd.Print(" rfc822:"); ascii = true; break;
            case 5: nd.Print(" ipv6:"); hex = true; break;
            case 9: nd.Print(" dn:"); hex = true; break;
            case 10: nd.Print(" gn:"); hex = true; break;
            case 11: nd.Print(" keyid:"); hex = true; break;
        }
        if (ascii)
        {
            if (idLen < 0 || !nd.TTest(typedata, (int)idLen)) return Trunc(nd, tpay);
            for (int i = 0; i < idLen; i++)
            {
                byte c = nd.U8(typedata + i);
                nd.Print(Text.IsPrint(c) ? (char)c : '.');
            }
        }
        if (hex && !Raw(nd, typedata, idLen)) return Trunc(nd, tpay);
        return ext + itemLen;
    }

    private static int V2Auth(PrintContext nd, int tpay, int ext, int itemLen, int ep)
    {
        if (!nd.TTest(ext, 8)) return Trunc(nd, tpay);
        PayName(nd, Np(tpay), nd.U8(ext + 1));
        nd.Print($" len={itemLen - 4} method={StrOrId(nd.U8(ext + 4), V2AuthMethods)}");
        if (itemLen > 4)
        {
            if (nd.Verbose > 1)
            {
                nd.Print(" authdata=(");
                if (!Raw(nd, ext + 8, itemLen - 8L)) return Trunc(nd, tpay);
                nd.Print(") ");
            }
            else if (nd.Verbose > 0 && !SomeData(nd, ext + 8, ep)) return Trunc(nd, tpay);
        }
        return ext + itemLen;
    }

    private static int V2Nonce(PrintContext nd, int tpay, int ext, int itemLen, int ep)
    {
        if (!nd.TTest(ext, 4)) return Trunc(nd, tpay);
        PayName(nd, "nonce", nd.U8(ext + 1));
        nd.Print($" len={itemLen - 4}");
        if (nd.Verbose > 1 && itemLen > 4)
        {
            nd.Print(" nonce=(");
            if (!Raw(nd, ext + 4, itemLen - 4)) return Trunc(nd, tpay);
            nd.Print(") ");
        }
        else if (nd.Verbose > 0 && itemLen > 4 && !SomeData(nd, ext + 4, ep)) return Trunc(nd, tpay);
        return ext + itemLen;
    }

    private static (string Name, bool Spi, bool Data) V2NotifyType(int type) => type switch
    {
        1 => ("unsupported_critical_payload", false, false),
        4 => ("invalid_ike_spi", true, false),
        5 => ("invalid_major_version", false, false),
        7 => ("invalid_syntax", true, false),
        9 => ("invalid_message_id", true, false),
        11 => ("invalid_spi", true, false),
        14 => ("no_protocol_chosen", true, false),
        17 => ("invalid_ke_payload", true, false),
        24 => ("authentication_failed", true, false),
        34 => ("single_pair_required", true, false),
        35 => ("no_additional_sas", false, false),
        36 => ("internal_address_failure", false, false),
        37 => ("failed:cp_required", false, false),
        39 => ("invalid_selectors", false, false),
        16384 => ("initial_contact", false, false),
        16385 => ("set_window_size", false, false),
        16386 => ("additional_ts_possible", false, false),
        16387 => ("ipcomp_supported", false, false),
        16388 => ("nat_detection_source_ip", true, false),
        16389 => ("nat_detection_destination_ip", true, false),
        16390 => ("cookie", true, true),
        16391 => ("use_transport_mode", false, false),
        16392 => ("http_cert_lookup_supported", false, false),
        16393 => ("rekey_sa", true, false),
        16394 => ("tfc_padding_not_supported", false, false),
        16395 => ("non_first_fragment_also", false, false),
        < 8192 => ("error", true, false),
        < 16384 => ("private-error", true, false),
        < 40960 => ("status", true, false),
        _ => ("private-status", true, false),
    };

    private static int V2Notify(PrintContext nd, int ext, int itemLen, int ep)
    {
        if (!nd.TTest(ext, 8)) return Trunc(nd, 11);
        PayName(nd, "n", nd.U8(ext + 1));
        nd.Print($" prot_id={StrOrId(nd.U8(ext + 4), ProtoIds)}");
        int type = nd.Be16(ext + 6);
        var (name, showSpi, showData) = V2NotifyType(type);
        nd.Print($" type={type}({name})");
        int spiSize = nd.U8(ext + 5);
        if (showSpi && spiSize != 0)
        {
            nd.Print(" spi=");
            if (!Raw(nd, ext + 8, spiSize)) return Trunc(nd, 11);
        }
        int cp = ext + 8 + spiSize;
        if (cp < ep)
        {
            if (nd.Verbose > 3 || (showData && ep - cp < 30))
            {
                nd.Print(" data=(");
                if (!Raw(nd, cp, ep - cp)) return Trunc(nd, 11);
                nd.Print(')');
            }
            else if (showData && !SomeData(nd, cp, ep)) return Trunc(nd, 11);
        }
        return ext + itemLen;
    }

    private static int V2Vid(PrintContext nd, int tpay, int ext, int itemLen)
    {
        if (!nd.TTest(ext, 4)) return Trunc(nd, tpay);
        PayName(nd, Np(tpay), nd.U8(ext + 1));
        int len = itemLen - 4;
        nd.Print($" len={len} vid=");
        if (!nd.TTest(ext + 4, len)) return Trunc(nd, tpay);
        for (int i = 0; i < len; i++)
        {
            byte c = nd.U8(ext + 4 + i);
            nd.Print(Text.IsPrint(c) ? (char)c : '.');
        }
        if (nd.Verbose > 2 && len > 4)
        {
            nd.Print(' ');
            if (!Raw(nd, ext + 4, len)) return Trunc(nd, tpay);
        }
        return ext + itemLen;
    }

    private static int V2Encrypted(PrintContext nd, int tpay, int ext, int itemLen, int bp, int phase, int depth)
    {
        if (!nd.TTest(ext, 4)) return Trunc(nd, tpay);
        PayName(nd, Np(tpay), nd.U8(ext + 1));
        int dlen = itemLen - 4;
        nd.Print($" len={dlen}");
        if (nd.Verbose > 2 && dlen > 4)
        {
            nd.Print(' ');
            if (!Raw(nd, ext + 4, dlen)) return Trunc(nd, tpay);
        }
        if (!nd.TTest(ext + 4, dlen)) return Trunc(nd, tpay);
        V2Decrypt(nd, bp, nd.U8(ext), ext + 4, dlen, phase, depth);
        return -1;
    }

    /// <summary>With an -E "ikev2" secret for the message's cookies and side: the payloads inside the Encrypted
    /// payload (RFC 7296 section 3.14: IV, ciphertext, integrity checksum), decrypted and printed.</summary>
    private static void V2Decrypt(PrintContext nd, int bp, int np, int dat, int dlen, int phase, int depth)
    {
        var secrets = Esp.Secrets(nd);
        if (secrets == null) return;
        bool initiator = (nd.U8(bp + 19) & 0x08) != 0;
        var ci = nd.Bytes(bp, 8);
        var cr = nd.Bytes(bp + 8, 8);
        EspSa? sa = null;
        foreach (var s in secrets.List)
        {
            if (s.Spi == 0 && s.Initiator == initiator && ci.SequenceEqual(s.CookieI) && cr.SequenceEqual(s.CookieR))
            {
                sa = s;
                break;
            }
        }
        if (sa?.Cipher is not { } cipher) return;
        int end = dat + dlen - sa.AuthLen;
        int ct = dat + cipher.IvLen;
        if (end <= ct) return;
        int ctLen = end - ct;
        var pt = Esp.Run(nd, "esp_decrypt_buffer_by_ikev2_print", sa, dat, ct, ctLen);
        if (pt == null) return;
        int savedEnd = Esp.PutPlaintext(nd, ct, ctLen, pt, ct + ctLen);
        try
        {
            V2Sub(nd, bp, np, ct, ct + ctLen, phase, depth + 1);
        }
        finally
        {
            Esp.PutBack(nd, ct, ctLen, pt, savedEnd);
            System.Buffers.ArrayPool<byte>.Shared.Return(pt);
        }
    }
}

/// <summary>The ISAKMP initiator cookies seen so far (tcpdump's 20-entry table, kept for the whole capture),
/// with the addresses of the packet that first carried each.</summary>
internal sealed class IsakmpState
{
    private const int Max = 20;
    private readonly byte[] _cookies = new byte[Max * 8];
    private readonly int[] _version = new int[Max];
    private readonly byte[] _iaddr = new byte[Max * 16];
    private readonly byte[] _raddr = new byte[Max * 16];
    private int _next;

    public int Find(ReadOnlySpan<byte> cookie)
    {
        for (int i = 0; i < Max; i++)
            if (cookie.SequenceEqual(_cookies.AsSpan(i * 8, 8))) return i;
        return -1;
    }

    public void Record(PrintContext nd, ReadOnlySpan<byte> cookie, int iph)
    {
        int i = Find(cookie);
        if (i >= 0)
        {
            _next = (i + 1) % Max;
            return;
        }
        int v = nd.Buf[iph] >> 4;
        if (v == 4)
        {
            _version[_next] = 4;
            nd.Buf.AsSpan(iph + 12, 4).CopyTo(_iaddr.AsSpan(_next * 16));
            nd.Buf.AsSpan(iph + 16, 4).CopyTo(_raddr.AsSpan(_next * 16));
        }
        else if (v == 6)
        {
            _version[_next] = 6;
            nd.Buf.AsSpan(iph + 8, 16).CopyTo(_iaddr.AsSpan(_next * 16));
            nd.Buf.AsSpan(iph + 24, 16).CopyTo(_raddr.AsSpan(_next * 16));
        }
        else return;
        cookie.CopyTo(_cookies.AsSpan(_next * 8));
        _next = (_next + 1) % Max;
    }

    /// <summary>Whether the packet's source is the initiator (or, initiator false, the responder) of entry i.</summary>
    public bool SideCheck(PrintContext nd, int i, int iph, bool initiator)
    {
        int v = nd.Buf[iph] >> 4;
        if (v != 4 && v != 6) return false;
        if (_version[i] != v) return false;
        int n = v == 4 ? 4 : 16;
        var src = nd.Buf.AsSpan(v == 4 ? iph + 12 : iph + 8, n);
        return src.SequenceEqual((initiator ? _iaddr : _raddr).AsSpan(i * 16, n));
    }
}
