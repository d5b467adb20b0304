// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>
/// Kerberos over UDP ports 88 and 750: the protocol version, and for version 4 the message type, byte order and
/// the principals, lifetimes, lengths and error codes of its requests and replies. Version 5 (ASN.1) is only
/// named, as tcpdump does.
/// </summary>
/// <remarks>Specification: Kerberos version 4, Athena Technical Plan section E.2.1, appendix I (design
/// specifications: message layouts, types, error codes); version 5, RFC 4120 (the application tags 10-11 that
/// begin AS-REQ and AS-REP, 106 and 107 as the first byte).</remarks>
internal static class Krb
{
    private static readonly Tok[] Types =
    [
        new(2, "KDC_REQUEST"), new(4, "KDC_REPLY"), new(6, "APPL_REQUEST"), new(8, "APPL_REQUEST_MUTUAL"), new(10, "ERR_REPLY"),
        new(12, "PRIVATE"), new(14, "SAFE"), new(16, "APPL_ERR"), new(126, "DIE"),
    ];

    private static readonly string[] Errors =
    [
        "OK", "NAME_EXP", "SERVICE_EXP", "AUTH_EXP", "PKT_VER", "NAME_MAST_KEY_VER", "SERV_MAST_KEY_VER", "BYTE_ORDER",
        "PRINCIPAL_UNKNOWN", "PRINCIPAL_NOT_UNIQUE", "NULL_KEY",
    ];

    public static void Print(PrintContext nd, int p)
    {
        nd.Proto = "krb";
        if (p >= nd.SnapEnd) { nd.PrintTrunc(); return; }
        int pvno = nd.U8(p);
        switch (pvno)
        {
            case 1 or 2 or 3: nd.Print($" v{pvno}"); break;
            case 4: nd.Print(" v4"); V4(nd, p); break;
            case 106 or 107: nd.Print(" v5"); break;
        }
    }

    private static void V4(PrintContext nd, int p)
    {
        int tb = nd.U8(p + 1), type = tb & 0xfe;
        bool le = (tb & 1) != 0;
        int Short(int q) => le ? nd.Le16(q) : nd.Be16(q);
        nd.Print(le ? " le " : " be ");
        if (Toks.Find(Types, (uint)type) is { } name) nd.Print(name);
        else nd.Print($"#{type}");
        nd.Print(": ");
        int cp = p;
        switch (type)
        {
            case 2:
                if (!Header(nd, ref cp)) return;
                cp += 4; // the time the request was made
                nd.Print($" {nd.U8(cp) * 5}min ");
                cp++;
                if (!Name(nd, ref cp)) break;
                nd.Print('.');
                if (!Name(nd, ref cp)) break;
                return;
            case 6:
                cp += 2;
                nd.Print($"v{nd.U8(cp)} ");
                cp++;
                if (!Name(nd, ref cp)) break;
                nd.Print($" ({nd.U8(cp)})");
                nd.Print($" ({nd.U8(cp + 1)})");
                return;
            case 4:
                if (!Header(nd, ref cp)) return;
                cp += 10; // time stamp, ticket count, expiry, key version
                nd.Print($" ({Short(cp)})");
                return;
            case 10:
                if (!Header(nd, ref cp)) return;
                cp += 4; // time stamp
                int code = Short(cp);
                nd.Print($" {(code < Errors.Length ? Errors[code] : $"#{code}")} ");
                cp += 4;
                if (!Name(nd, ref cp)) break;
                return;
            default:
                nd.Print("(unknown)");
                return;
        }
        nd.PrintTrunc();
    }

    // name.instance@realm after the two header bytes
    private static bool Header(PrintContext nd, ref int cp)
    {
        cp += 2;
        if (Name(nd, ref cp))
        {
            nd.Print('.');
            if (Name(nd, ref cp))
            {
                nd.Print('@');
                if (Name(nd, ref cp)) return true;
            }
        }
        nd.PrintTrunc();
        return false;
    }

    // A NUL-terminated string, escaped; false when the capture ends before its NUL.
    private static bool Name(PrintContext nd, ref int cp)
    {
        while (cp < nd.SnapEnd)
        {
            byte c = nd.U8(cp++);
            if (c == 0) return true;
            Text.PrintChar(nd, c);
        }
        return false;
    }
}
