// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Kerberos over UDP (ports 88 and 750): the protocol version; version 4 messages decoded (byte order, type,
/// principal names, lifetimes), version 5 only named.</summary>
/// <remarks>Specification: Kerberos 4, Athena Technical Plan section E.2.1, "Kerberos Authentication and Authorization
/// System" (Miller, Neuman, Schiller, Saltzer), Appendix I "Design Specifications"; Kerberos 5, RFC 1510.</remarks>
internal static class Krb
{
    private const int KdcRequest = 1 << 1, KdcReply = 2 << 1, ApplRequest = 3 << 1, ErrReply = 5 << 1;

    private static string? TypeName(int t) => t switch
    {
        KdcRequest => "KDC_REQUEST",
        KdcReply => "KDC_REPLY",
        ApplRequest => "APPL_REQUEST",
        4 << 1 => "APPL_REQUEST_MUTUAL",
        ErrReply => "ERR_REPLY",
        6 << 1 => "PRIVATE",
        7 << 1 => "SAFE",
        8 << 1 => "APPL_ERR",
        63 << 1 => "DIE",
        _ => null,
    };

    private static string? ErrorName(int e) => e switch
    {
        0 => "OK",
        1 => "NAME_EXP",
        2 => "SERVICE_EXP",
        3 => "AUTH_EXP",
        4 => "PKT_VER",
        5 => "NAME_MAST_KEY_VER",
        6 => "SERV_MAST_KEY_VER",
        7 => "BYTE_ORDER",
        8 => "PRINCIPAL_UNKNOWN",
        9 => "PRINCIPAL_NOT_UNIQUE",
        10 => "NULL_KEY",
        _ => null,
    };

    public static void Print(PrintContext nd, int bp)
    {
        nd.Proto = "krb";
        if (bp >= nd.SnapEnd) { nd.PrintTrunc(); return; }
        int pvno = nd.U8(bp);
        switch (pvno)
        {
            case 1: case 2: case 3:
                nd.Print($" v{pvno}");
                break;
            case 4:
                nd.Print($" v{pvno}");
                Krb4(nd, bp);
                break;
            case 106: case 107:
                nd.Print(" v5");
                break;
        }
    }

    /// <summary>A NUL-terminated string, escaped; the offset after its NUL, or -1 when the captured data ends first.</summary>
    private static int CString(PrintContext nd, int p)
    {
        while (p < nd.SnapEnd)
        {
            byte c = nd.U8(p++);
            if (c == 0) return p;
            Text.PrintChar(nd, c);
        }
        return -1;
    }

    /// <summary>name.instance@realm after the two header bytes; -1 (truncation printed) when the data ends inside it.</summary>
    private static int Principal(PrintContext nd, int p)
    {
        p += 2;
        if ((p = CString(nd, p)) < 0) return Trunc(nd);
        nd.Print('.');
        if ((p = CString(nd, p)) < 0) return Trunc(nd);
        nd.Print('@');
        if ((p = CString(nd, p)) < 0) return Trunc(nd);
        return p;
    }

    private static int Trunc(PrintContext nd)
    {
        nd.PrintTrunc();
        return -1;
    }

    private static void Krb4(PrintContext nd, int bp)
    {
        int b = nd.U8(bp + 1);
        bool le = (b & 1) != 0;
        int type = b & 0xfe;
        string name = TypeName(type) ?? $"#{type}";
        nd.Print($" {(le ? "le" : "be")} {name}: ");
        int ToHost16(int off) => le ? nd.Le16(off) : nd.Be16(off);
        int cp;
        switch (type)
        {
            case KdcRequest:
                if ((cp = Principal(nd, bp)) < 0) return;
                cp += 4; // ctime
                nd.Print($" {nd.U8(cp) * 5}min ");
                cp++;
                if ((cp = CString(nd, cp)) < 0) { nd.PrintTrunc(); return; }
                nd.Print('.');
                if (CString(nd, cp) < 0) nd.PrintTrunc();
                break;
            case ApplRequest:
                cp = bp + 2;
                nd.Print($"v{nd.U8(cp)} ");
                cp++;
                if ((cp = CString(nd, cp)) < 0) { nd.PrintTrunc(); return; }
                nd.Print($" ({nd.U8(cp)})");
                cp++;
                nd.Print($" ({nd.U8(cp)})");
                break;
            case KdcReply:
                if ((cp = Principal(nd, bp)) < 0) return;
                cp += 10; // time stamp, n, expiry, kvno
                nd.Print($" ({ToHost16(cp)})");
                break;
            case ErrReply:
                if ((cp = Principal(nd, bp)) < 0) return;
                cp += 4; // time stamp
                int e = ToHost16(cp);
                nd.Print($" {ErrorName(e) ?? $"#{e}"} ");
                cp += 4;
                if (CString(nd, cp) < 0) nd.PrintTrunc();
                break;
            default:
                nd.Print("(unknown)");
                break;
        }
    }
}
