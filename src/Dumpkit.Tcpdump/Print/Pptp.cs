// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>PPTP control connection messages (TCP 1723), printed as tcpdump 4.99 prints them.</summary>
/// <remarks>Specification: RFC 2637 (Point-to-Point Tunneling Protocol), section 2: the control message formats.</remarks>
internal static class Pptp
{
    private const uint MagicCookie = 0x1a2b3c4d;

    private static readonly string[] MessageTypes =
    [
        "NOT_DEFINED", "SCCRQ", "SCCRP", "StopCCRQ", "StopCCRP", "ECHORQ", "ECHORP", "OCRQ", "OCRP", "ICRQ", "ICRP", "ICCN",
        "CCRQ", "CDN", "WEN", "SLI",
    ];

    private static readonly Tok[] ErrorCodes =
    [
        new(0, "None"), new(1, "Not-Connected"), new(2, "Bad-Format"), new(3, "Bad-Value"), new(4, "No-Resource"),
        new(5, "Bad-Call-ID"), new(6, "PAC-Error"),
    ];

    private static readonly Tok[] StartReplyResults =
    [
        new(1, "Successful channel establishment"), new(2, "General error"), new(3, "Command channel already exists"),
        new(4, "Requester is not authorized to establish a command channel"),
        new(5, "The protocol version of the requester is not supported"),
    ];

    private static readonly Tok[] EchoResults = [new(1, "OK"), new(2, "General Error")];

    private static readonly Tok[] OutgoingResults =
    [
        new(1, "Connected"), new(2, "General Error"), new(3, "No Carrier"), new(4, "Busy"), new(5, "No Dial Tone"),
        new(6, "Time-out"), new(7, "Do Not Accept"),
    ];

    private static readonly Tok[] IncomingResults = [new(1, "Connect"), new(2, "General Error"), new(3, "Do Not Accept")];

    private static readonly Tok[] DisconnectResults =
        [new(1, "Lost Carrier"), new(2, "General Error"), new(3, "Admin Shutdown"), new(4, "Request")];

    private static readonly Tok[] BearerTypes = [new(1, "A"), new(2, "D"), new(3, "Any")];

    private static readonly Tok[] FramingTypes = [new(1, "A"), new(2, "S"), new(3, "E")];

    /// <summary>The message at bp (the TCP payload).</summary>
    public static void Print(PrintContext nd, int bp)
    {
        nd.Proto = "pptp";
        nd.Print(": pptp");
        if (nd.Verbose > 0)
        {
            nd.Print($" Length={nd.Be16(bp)}");
            int kind = nd.Be16(bp + 2);
            nd.Print(kind switch { 1 => " CTRL-MSG", 2 => " MGMT-MSG", _ => " UNKNOWN-MSG-TYPE" });
        }
        uint cookie = nd.Be32(bp + 4);
        if (cookie != MagicCookie) nd.Print($" UNEXPECTED Magic-Cookie!!({cookie:x8})");
        if (nd.Verbose > 0 || cookie != MagicCookie) nd.Print($" Magic-Cookie={cookie:x8}");
        int type = nd.Be16(bp + 8);
        if (type < MessageTypes.Length) nd.Print($" CTRL_MSGTYPE={MessageTypes[type]}");
        else nd.Print($" UNKNOWN_CTRL_MSGTYPE({type})");
        Reserved16(nd, bp + 10);
        int p = bp + 12;
        switch (type)
        {
            case 1: StartRequest(nd, p); break;
            case 2: StartReply(nd, p); break;
            case 3:
                int reason = nd.U8(p);
                nd.Print($" REASON({reason}");
                if (nd.Verbose > 0) nd.Print(reason switch { 1 => ":None", 2 => ":Stop-Protocol", 3 => ":Stop-Local-Shutdown", _ => ":?" });
                nd.Print(")");
                Reserved8(nd, p + 1);
                Reserved16(nd, p + 2);
                break;
            case 4:
                Result(nd, p, EchoResults); // Stop-Control-Connection-Reply: the echo reply's names
                ErrorCode(nd, p + 1);
                Reserved16(nd, p + 2);
                break;
            case 5: nd.Print($" ID({nd.Be32(p)})"); break;
            case 6:
                nd.Print($" ID({nd.Be32(p)})");
                Result(nd, p + 4, EchoResults);
                ErrorCode(nd, p + 5);
                Reserved16(nd, p + 6);
                break;
            case 7: OutgoingRequest(nd, p); break;
            case 8: OutgoingReply(nd, p); break;
            case 9: IncomingRequest(nd, p); break;
            case 10:
                U16(nd, " CALL_ID", p);
                U16(nd, " PEER_CALL_ID", p + 2);
                Result(nd, p + 4, IncomingResults);
                ErrorCode(nd, p + 5);
                U16(nd, " RECV_WIN", p + 6);
                U16(nd, " PROC_DELAY", p + 8);
                Reserved16(nd, p + 10);
                break;
            case 11:
                U16(nd, " PEER_CALL_ID", p);
                Reserved16(nd, p + 2);
                U32(nd, " CONN_SPEED", p + 4);
                U16(nd, " RECV_WIN", p + 8);
                U16(nd, " PROC_DELAY", p + 10);
                Named(nd, " FRAME_TYPE", FramingTypes, p + 12);
                break;
            case 12:
                U16(nd, " CALL_ID", p);
                Reserved16(nd, p + 2);
                break;
            case 13:
                U16(nd, " CALL_ID", p);
                Result(nd, p + 2, DisconnectResults);
                ErrorCode(nd, p + 3);
                U16(nd, " CAUSE_CODE", p + 4);
                Reserved16(nd, p + 6);
                Str(nd, " CALL_STATS(", p + 8, 128);
                break;
            case 14:
                U16(nd, " PEER_CALL_ID", p);
                Reserved16(nd, p + 2);
                U32(nd, " CRC_ERR", p + 4);
                U32(nd, " FRAMING_ERR", p + 8);
                U32(nd, " HARDWARE_OVERRUN", p + 12);
                U32(nd, " BUFFER_OVERRUN", p + 16);
                U32(nd, " TIMEOUT_ERR", p + 20);
                U32(nd, " ALIGN_ERR", p + 24);
                break;
            case 15:
                U16(nd, " PEER_CALL_ID", p);
                Reserved16(nd, p + 2);
                nd.Print($" SEND_ACCM(0x{nd.Be32(p + 4):x8})");
                nd.Print($" RECV_ACCM(0x{nd.Be32(p + 8):x8})");
                break;
        }
    }

    private static void StartRequest(PrintContext nd, int p)
    {
        Version(nd, p);
        Reserved16(nd, p + 2);
        Capabilities(nd, p + 4);
        U16(nd, " MAX_CHAN", p + 12);
        U16(nd, " FIRM_REV", p + 14);
        Str(nd, " HOSTNAME(", p + 16, 64);
        Str(nd, " VENDOR(", p + 80, 64);
    }

    private static void StartReply(PrintContext nd, int p)
    {
        Version(nd, p);
        Result(nd, p + 2, StartReplyResults);
        ErrorCode(nd, p + 3);
        Capabilities(nd, p + 4);
        U16(nd, " MAX_CHAN", p + 12);
        U16(nd, " FIRM_REV", p + 14);
        Str(nd, " HOSTNAME(", p + 16, 64);
        Str(nd, " VENDOR(", p + 80, 64);
    }

    private static void OutgoingRequest(PrintContext nd, int p)
    {
        U16(nd, " CALL_ID", p);
        U16(nd, " CALL_SER_NUM", p + 2);
        U32(nd, " MIN_BPS", p + 4);
        U32(nd, " MAX_BPS", p + 8);
        Named(nd, " BEARER_TYPE", BearerTypes, p + 12);
        Named(nd, " FRAME_TYPE", FramingTypes, p + 16);
        U16(nd, " RECV_WIN", p + 20);
        U16(nd, " PROC_DELAY", p + 22);
        int phoneLen = nd.Be16(p + 24);
        nd.Print($" PHONE_NO_LEN({phoneLen})");
        Reserved16(nd, p + 26);
        Str(nd, " PHONE_NO(", p + 28, Math.Min(64, phoneLen));
        Str(nd, " SUB_ADDR(", p + 92, 64);
    }

    private static void OutgoingReply(PrintContext nd, int p)
    {
        U16(nd, " CALL_ID", p);
        U16(nd, " PEER_CALL_ID", p + 2);
        Result(nd, p + 4, OutgoingResults);
        ErrorCode(nd, p + 5);
        U16(nd, " CAUSE_CODE", p + 6);
        U32(nd, " CONN_SPEED", p + 8);
        U16(nd, " RECV_WIN", p + 12);
        U16(nd, " PROC_DELAY", p + 14);
        U32(nd, " PHY_CHAN_ID", p + 16);
    }

    private static void IncomingRequest(PrintContext nd, int p)
    {
        U16(nd, " CALL_ID", p);
        U16(nd, " CALL_SER_NUM", p + 2);
        Named(nd, " BEARER_TYPE", BearerTypes, p + 4);
        U32(nd, " PHY_CHAN_ID", p + 8);
        int dialedLen = nd.Be16(p + 12);
        nd.Print($" DIALED_NO_LEN({dialedLen})");
        int dialingLen = nd.Be16(p + 14);
        nd.Print($" DIALING_NO_LEN({dialingLen})");
        Str(nd, " DIALED_NO(", p + 16, Math.Min(64, dialedLen));
        Str(nd, " DIALING_NO(", p + 80, Math.Min(64, dialingLen));
        Str(nd, " SUB_ADDR(", p + 144, 64);
    }

    private static void Version(PrintContext nd, int p)
    {
        int v = nd.Be16(p);
        nd.Print($" PROTO_VER({v >> 8}.{v & 0xff})");
    }

    /// <summary>Framing capabilities (A async, S sync) then bearer capabilities (D digital, A analog).</summary>
    private static void Capabilities(PrintContext nd, int p)
    {
        nd.Print(" FRAME_CAP(");
        uint framing = nd.Be32(p);
        if ((framing & 1) != 0) nd.Print("A");
        if ((framing & 2) != 0) nd.Print("S");
        nd.Print(")");
        uint bearer = nd.Be32(p + 4);
        nd.Print($" BEARER_CAP({((bearer & 2) != 0 ? "D" : "")}{((bearer & 1) != 0 ? "A" : "")})");
    }

    private static void Result(PrintContext nd, int p, Tok[] names)
    {
        int code = nd.U8(p);
        nd.Print($" RESULT_CODE({code}");
        if (nd.Verbose > 0) nd.Print($":{Toks.Find(names, (uint)code) ?? "?"}");
        nd.Print(")");
    }

    private static void ErrorCode(PrintContext nd, int p)
    {
        int code = nd.U8(p);
        nd.Print($" ERR_CODE({code}");
        if (nd.Verbose > 0) nd.Print($":{Toks.Find(ErrorCodes, (uint)code) ?? "?"}");
        nd.Print(")");
    }

    private static void Named(PrintContext nd, string label, Tok[] names, int p) =>
        nd.Print($"{label}({Toks.Find(names, nd.Be32(p)) ?? "?"})");

    private static void U16(PrintContext nd, string label, int p) => nd.Print($"{label}({nd.Be16(p)})");

    private static void U32(PrintContext nd, string label, int p) => nd.Print($"{label}({nd.Be32(p)})");

    private static void Str(PrintContext nd, string open, int p, int n)
    {
        nd.Print(open);
        Text.PrintUntilNul(nd, p, n);
        nd.Print(")");
    }

    private static void Reserved8(PrintContext nd, int p)
    {
        if (nd.U8(p) != 0) nd.Print($" [ERROR: reserved={nd.U8(p)} must be zero]");
    }

    private static void Reserved16(PrintContext nd, int p)
    {
        if (nd.Be16(p) != 0) nd.Print($" [ERROR: reserved={nd.Be16(p)} must be zero]");
    }
}
