// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>L2TP version 2 (UDP port 1701): the header's flags, tunnel and session IDs, sequence numbers and offset
/// padding; control messages' AVPs (every attribute of RFC 2661 and RFC 3145's PPP disconnect cause, vendor AVPs in
/// hex, hidden AVPs as ???), data messages' PPP frames. L2F (version 1) is only named.</summary>
/// <remarks>Specification: RFC 2661 (L2TP), RFC 3145 (PPP Disconnect Cause Code AVP).</remarks>
internal static class L2tp
{
    private static string? MessageType(int t) => t switch
    {
        1 => "SCCRQ", 2 => "SCCRP", 3 => "SCCCN", 4 => "StopCCN", 6 => "HELLO", 7 => "OCRQ", 8 => "OCRP", 9 => "OCCN", 10 => "ICRQ",
        11 => "ICRP", 12 => "ICCN", 14 => "CDN", 15 => "WEN", 16 => "SLI", _ => null,
    };

    private static readonly string[] AttributeNames =
    [
        "MSGTYPE", "RESULT_CODE", "PROTO_VER", "FRAMING_CAP", "BEARER_CAP", "TIE_BREAKER", "FIRM_VER", "HOST_NAME", "VENDOR_NAME",
        "ASSND_TUN_ID", "RECV_WIN_SIZE", "CHALLENGE", "Q931_CC", "CHALLENGE_RESP", "ASSND_SESS_ID", "CALL_SER_NUM", "MINIMUM_BPS",
        "MAXIMUM_BPS", "BEARER_TYPE", "FRAMING_TYPE", "PACKET_PROC_DELAY", "CALLED_NUMBER", "CALLING_NUMBER", "SUB_ADDRESS",
        "TX_CONN_SPEED", "PHY_CHANNEL_ID", "INI_RECV_LCP", "LAST_SENT_LCP", "LAST_RECV_LCP", "PROXY_AUTH_TYPE", "PROXY_AUTH_NAME",
        "PROXY_AUTH_CHAL", "PROXY_AUTH_ID", "PROXY_AUTH_RESP", "CALL_ERRORS", "ACCM", "RANDOM_VECTOR", "PRIVATE_GRP_ID",
        "RX_CONN_SPEED", "SEQ_REQUIRED",
    ];

    private const string TooShort = "AVP too short";

    public static void Print(PrintContext nd, int ptr, int length)
    {
        nd.Proto = "l2tp";
        int h = nd.Be16(ptr);
        switch (h & 0x000f)
        {
            case 2: nd.Print(" l2tp:"); break;
            case 1: nd.Print(" l2f:"); return;
            default: nd.Print(" Unknown Version, neither L2F(1) nor L2TP(2)"); return;
        }
        bool control = (h & 0x8000) != 0, hasLength = (h & 0x4000) != 0, sequence = (h & 0x0800) != 0, offset = (h & 0x0200) != 0;
        nd.Print('[');
        if (control) nd.Print('T');
        if (hasLength) nd.Print('L');
        if (sequence) nd.Print('S');
        if (offset) nd.Print('O');
        if ((h & 0x0100) != 0) nd.Print('P');
        nd.Print(']');
        ptr += 2;
        uint cnt = 2;
        int l2tpLength = 0;
        if (hasLength)
        {
            l2tpLength = nd.Be16(ptr);
            ptr += 2; cnt += 2;
        }
        nd.Print($"({nd.Be16(ptr)}/");
        nd.Print($"{nd.Be16(ptr + 2)})");
        ptr += 4; cnt += 4;
        if (sequence)
        {
            nd.Print($"Ns={nd.Be16(ptr)},");
            nd.Print($"Nr={nd.Be16(ptr + 2)}");
            ptr += 4; cnt += 4;
        }
        if (offset)
        {
            int pad = nd.Be16(ptr);
            if (!nd.TTest(ptr + 2, pad)) { nd.PrintTrunc(); return; }
            ptr += 2 + pad; cnt += 2 + (uint)pad;
        }
        uint len = (uint)length;
        if (hasLength)
        {
            if (len < l2tpLength)
            {
                nd.Print($" Length {l2tpLength} larger than packet");
                return;
            }
            len = (uint)l2tpLength;
        }
        if (len < cnt)
        {
            nd.Print($" Length {len} smaller than header length");
            return;
        }
        if (!control)
        {
            nd.Print(" {");
            Ppp.Print(nd, ptr, (int)(len - cnt));
            nd.Print('}');
            return;
        }
        if (!hasLength) { nd.Print(" No length"); return; }
        if (len == cnt) { nd.Print(" ZLB"); return; }
        while (len != cnt)
        {
            int avp = Avp(nd, ptr, len - cnt);
            if (avp == 0) return; // cut short: the rest is not printed
            cnt += (uint)avp;
            ptr += avp;
        }
    }

    /// <summary>One AVP at dat with length bytes of the message left: its length, or 0 when it was cut short.</summary>
    private static int Avp(PrintContext nd, int dat, uint length)
    {
        nd.Print(' ');
        int fl = nd.Be16(dat);
        int len = fl & 0x03ff;
        if (len < 6 || len > length || !nd.TTest(dat, len))
        {
            nd.Proto = "l2tp";
            nd.PrintTrunc();
            return 0;
        }
        bool hidden = (fl & 0x4000) != 0;
        if ((fl & 0x8000) != 0) nd.Print('*');
        if (hidden) nd.Print('?');
        int vendor = nd.Be16(dat + 2);
        int attr = nd.Be16(dat + 4);
        int v = dat + 6, vlen = len - 6;
        if (vendor != 0)
        {
            nd.Print($"VENDOR{vendor:x4}:ATTR{attr:x4}(");
            Octets(nd, v, vlen);
            nd.Print(')');
            return len;
        }
        nd.Print(attr < AttributeNames.Length ? AttributeNames[attr] : attr == 46 ? "PPP_DISCON_CC" : $"AVP-#{attr}");
        nd.Print('(');
        if (hidden) nd.Print("???");
        else Value(nd, attr, v, vlen);
        nd.Print(')');
        return len;
    }

    private static void Value(PrintContext nd, int attr, int v, int vlen)
    {
        switch (attr)
        {
            case 0:
                if (vlen < 2) { nd.Print(TooShort); break; }
                int mt = nd.Be16(v);
                nd.Print(MessageType(mt) ?? $"MSGTYPE-#{mt}");
                break;
            case 1: ResultCode(nd, v, vlen); break;
            case 2:
                if (vlen < 2) { nd.Print(TooShort); break; }
                nd.Print($"{nd.U8(v)}.{nd.U8(v + 1)}");
                break;
            case 3: case 19: Bits(nd, v, vlen, 'S'); break;
            case 4: case 18: Bits(nd, v, vlen, 'D'); break;
            case 5:
                if (vlen < 8) { nd.Print(TooShort); break; }
                Octets(nd, v, 8);
                break;
            case 6: case 9: case 10: case 14:
                if (vlen < 2) { nd.Print(TooShort); break; }
                nd.Print($"{nd.Be16(v)}");
                break;
            case 7: case 8: case 21: case 22: case 23: case 30: case 37: Chars(nd, v, vlen); break;
            case 11: case 26: case 27: case 28: case 31: case 33: case 36: Octets(nd, v, vlen); break;
            case 12:
                if (vlen < 3) { nd.Print(TooShort); break; }
                nd.Print($"{nd.Be16(v)}, {nd.U8(v + 2):x2}");
                if (vlen > 3) { nd.Print(' '); Chars(nd, v + 3, vlen - 3); }
                break;
            case 13:
                if (vlen < 16) { nd.Print(TooShort); break; }
                Octets(nd, v, 16);
                break;
            case 15: case 16: case 17: case 24: case 25: case 38:
                if (vlen < 4) { nd.Print(TooShort); break; }
                nd.Print($"{nd.Be32(v)}");
                break;
            case 20: nd.Print("obsolete"); break;
            case 29:
                if (vlen < 2) { nd.Print(TooShort); break; }
                int at = nd.Be16(v);
                string? an = at switch { 0 => "Reserved", 1 => "Textual", 2 => "CHAP", 3 => "PAP", 4 => "No Auth", 5 => "MS-CHAPv1", _ => null };
                nd.Print(an ?? $"AuthType-#{at}");
                break;
            case 32:
                if (vlen < 2) { nd.Print(TooShort); break; }
                nd.Print($"{nd.U8(v + 1)}");
                break;
            case 34: Counters(nd, v, vlen, ["CRCErr", "FrameErr", "HardOver", "BufOver", "Timeout", "AlignErr"], false); break;
            case 35: Counters(nd, v, vlen, ["send", "recv"], true); break;
            case 46: DisconnectCause(nd, v, vlen); break;
        }
    }

    private static void ResultCode(PrintContext nd, int v, int vlen)
    {
        if (vlen < 2) { nd.Print(TooShort); return; }
        nd.Print($"{nd.Be16(v)}");
        v += 2; vlen -= 2;
        if (vlen == 0) return;
        if (vlen < 2) { nd.Print(" " + TooShort); return; }
        nd.Print($"/{nd.Be16(v)}");
        v += 2; vlen -= 2;
        if (vlen == 0) return;
        nd.Print(' ');
        Chars(nd, v, vlen);
    }

    /// <summary>Framing and bearer capabilities and types: A for bit 1, then the given letter for bit 0.</summary>
    private static void Bits(PrintContext nd, int v, int vlen, char bit0)
    {
        if (vlen < 4) { nd.Print(TooShort); return; }
        uint b = nd.Be32(v);
        if ((b & 2) != 0) nd.Print('A');
        if ((b & 1) != 0) nd.Print(bit0);
    }

    /// <summary>Two reserved bytes, then 32-bit counters named in order (ACCM's in hex), each while the AVP lasts.</summary>
    private static void Counters(PrintContext nd, int v, int vlen, string[] names, bool hex)
    {
        if (vlen < 2) { nd.Print(TooShort); return; }
        v += 2; vlen -= 2;
        foreach (var name in names)
        {
            if (vlen < 4) { nd.Print(TooShort); return; }
            uint c = nd.Be32(v);
            v += 4; vlen -= 4;
            if (hex) nd.Print($"{name}={c:x8} ");
            else nd.Print($"{name}={c} ");
        }
    }

    private static void DisconnectCause(PrintContext nd, int v, int vlen)
    {
        if (vlen < 5) { nd.Print(TooShort); return; }
        nd.Print($"{nd.Be16(v):x4}, ");
        nd.Print($"{nd.Be16(v + 2):x4} ");
        int d = nd.U8(v + 4);
        nd.Print(d switch { 0 => "global error", 1 => "at peer", 2 => "at local", _ => $"Direction-#{d}" });
        if (vlen > 5) { nd.Print(' '); Chars(nd, v + 5, vlen - 5); }
    }

    private static void Chars(PrintContext nd, int p, int n)
    {
        for (int i = 0; i < n; i++) Text.PrintChar(nd, nd.U8(p + i));
    }

    private static void Octets(PrintContext nd, int p, int n)
    {
        for (int i = 0; i < n; i++) nd.Print($"{nd.U8(p + i):x2}");
    }
}
