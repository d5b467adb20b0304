// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>ForCES protocol messages (over SCTP: ports 6704-6706 or payload protocols 21-23), printed as tcpdump 4.99
/// prints them: the header, -vv the flags, -vvv the TLV tree (LFB selectors, operation TLVs, path data, full and
/// sparse data, results, keys, redirect metadata), -vvvv the raw message.</summary>
/// <remarks>Specification: RFC 5810 (ForCES Protocol Specification), section 6 (the common header) and section 7
/// (TLVs, ILVs, operation TLVs, PATH-DATA and its content TLVs, the result codes of 7.1.7); RFC 5811 (the SCTP-based
/// transport mapping layer) for the ports.</remarks>
internal static class Forces
{
    private delegate int TlvPrinter(PrintContext nd, int p, uint len, int opMask, int indent);

    private const uint HeaderLen = 24;
    private const uint TlvHeaderLen = 4;
    private const uint IlvHeaderLen = 8;

    // message flags of the top-level TLV rules
    private const int ZeroTopTlv = 0x01, ZeroOrMoreTopTlv = 0x02, OneOrMoreTopTlv = 0x04;
    private const int Ttlv1 = OneOrMoreTopTlv | 0x10, Ttlv2 = OneOrMoreTopTlv | 0xf0;

    // operation bits (1 << (operation - 1)) and the path data bits
    private const int OpSet = 1, OpSetProp = 2, OpSetResp = 4, OpSetPropResp = 8, OpDel = 0x10, OpDelResp = 0x20, OpGet = 0x40,
        OpGetProp = 0x80, OpGetResp = 0x100, OpGetPropResp = 0x200, OpReport = 0x400, OpCommit = 0x800, OpRCommit = 0x1000,
        OpRtrComp = 0x2000;
    private const int FullData = 0x1, SparseData = 0x2, ResultValue = 0x4, KeyIn = 0x8, Append = 0x10, Range = 0x20;

    private const int TlvPathData = 0x0110, TlvKeyInfo = 0x0111, TlvFullData = 0x0112, TlvSparseData = 0x0113, TlvResult = 0x0114,
        TlvMetadata = 0x0115, TlvRedirectData = 0x0116;

    private sealed record MessageType(int Type, int Flags, int OpMask, string Name, TlvPrinter? Printer);

    private sealed record Operation(int OpMask, string Name, TlvPrinter? Printer);

    private static readonly MessageType[] Messages =
    [
        new(0x01, ZeroOrMoreTopTlv | 0x20, OpReport, "Association Setup", LfbSelect),
        new(0x02, Ttlv1, 0, "Association TearDown", TeardownResult),
        new(0x03, Ttlv2, OpSet | OpSetProp | OpDel | OpCommit | OpRtrComp, "Config", LfbSelect),
        new(0x04, Ttlv2, OpGet | OpGetProp, "Query", LfbSelect),
        new(0x05, Ttlv1, OpReport, "Event Notification", LfbSelect),
        new(0x06, Ttlv2, 0, "Packet Redirect", Redirect),
        new(0x0f, ZeroTopTlv, 0, "HeartBeat", null),
        new(0x11, Ttlv1, 0, "Association Response", SetupResult),
        new(0x13, Ttlv2, OpSetResp | OpSetPropResp | OpDelResp | OpRCommit, "Config Response", LfbSelect),
        new(0x14, Ttlv2, OpGetResp | OpGetPropResp, "Query Response", LfbSelect),
    ];

    private static readonly Operation[] Operations =
    [
        new(0, "Invalid OPTLV", InvalidOperation),
        new(FullData | SparseData, " Set", PathDataTlvs),
        new(FullData | SparseData, " SetProp", PathDataTlvs),
        new(ResultValue, " SetResp", PathDataTlvs),
        new(ResultValue, " SetPropResp", PathDataTlvs),
        new(0, " Del", PathDataTlvs),
        new(ResultValue, " DelResp", PathDataTlvs),
        new(0, " Get", PathDataTlvs),
        new(0, " GetProp", PathDataTlvs),
        new(FullData | SparseData | ResultValue, " GetResp", PathDataTlvs),
        new(FullData | ResultValue, " GetPropResp", PathDataTlvs),
        new(FullData | SparseData, " Report", PathDataTlvs),
        new(0, " Commit", null),
        new(ResultValue, " RCommit", GenericOperation),
        new(0, " RTRCOMP", null),
    ];

    private static readonly Tok[] TlvNames =
    [
        new(0x0000, "Invalid TLV"), new(0x0001, "REDIRECT TLV"), new(0x0010, "ASResult TLV"), new(0x0011, "ASTreason TLV"),
        new(0x1000, "LFBselect TLV"), new(0x0110, "PATH-DATA TLV"), new(0x0111, "KEYINFO TLV"), new(0x0112, "FULLDATA TLV"),
        new(0x0113, "SPARSEDATA TLV"), new(0x0114, "RESULT TLV"), new(0x0115, "METADATA TLV"), new(0x0116, "REDIRECTDATA TLV"),
    ];

    private static readonly Tok[] LengthErrors =
        [new(1, "Invalid total length"), new(2, "xLV too short"), new(3, "xLV too long"), new(4, "data padding missing")];

    private static readonly Tok[] ResultCodes =
    [
        new(0x00, "SUCCESS"), new(0x01, "INVALID HEADER"), new(0x02, "LENGTH MISMATCH"), new(0x03, "VERSION MISMATCH"),
        new(0x04, "INVALID DESTINATION PID"), new(0x05, "LFB UNKNOWN"), new(0x06, "LFB NOT FOUND"),
        new(0x07, "LFB INSTANCE ID NOT FOUND"), new(0x08, "INVALID PATH"), new(0x09, "COMPONENT DOES NOT EXIST"),
        new(0x0a, "EXISTS ALREADY"), new(0x0b, "NOT FOUND"), new(0x0c, "READ ONLY"), new(0x0d, "INVALID ARRAY CREATION"),
        new(0x0e, "VALUE OUT OF RANGE"), new(0x0f, "CONTENTS TOO LONG"), new(0x10, "INVALID PARAMETERS"),
        new(0x11, "INVALID MESSAGE TYPE"), new(0x12, "INVALID FLAGS"), new(0x13, "INVALID TLV"), new(0x14, "EVENT ERROR"),
        new(0x15, "NOT SUPPORTED"), new(0x16, "MEMORY ERROR"), new(0x17, "INTERNAL ERROR"), new(0xff, "UNSPECIFIED ERROR"),
    ];

    private static string Name(Tok[] t, uint v) => Toks.Find(t, v) ?? $"#{(int)v}";

    private static uint Align(uint len) => unchecked((len + 3) & ~3u);

    /// <summary>indent spaces, the first replaced by a newline when newline is set.</summary>
    private static string Indent(int indent, bool newline)
    {
        if (indent > 255) indent = 255;
        if (newline) return "\n" + new string(' ', Math.Max(0, indent - 1));
        return new string(' ', Math.Max(0, indent));
    }

    private static bool TopTlvValid(int type) => type is 1 or 0x1000 or 0x10 or 0x11 || (type >= 0x110 && type <= 0x116);

    private static uint TlvValid(uint tlvLen, uint rlen)
    {
        if (rlen < TlvHeaderLen) return 1;
        if (tlvLen < TlvHeaderLen) return 2;
        if (tlvLen > rlen) return 3;
        if (rlen < Align(tlvLen)) return 4;
        return 0;
    }

    private static uint IlvValid(PrintContext nd, int ilv, uint rlen)
    {
        if (rlen < IlvHeaderLen) return 1;
        if (nd.Be32(ilv + 4) < IlvHeaderLen) return 2;
        if (nd.Be32(ilv + 4) > rlen) return 3;
        if (rlen < Align(nd.Be32(ilv + 4))) return 4;
        return 0;
    }

    private static string Node(uint id) => id switch
    {
        <= 0x3fffffff => "FE",
        <= 0x7fffffff => "CE",
        >= 0xc0000000 and <= 0xffffffef => "AllMulticast",
        0xfffffffd => "AllCEsBroadcast",
        0xfffffffe => "AllFEsBroadcast",
        0xffffffff => "AllBroadcast",
        _ => "ForCESreserved",
    };

    /// <summary>tcpdump's hex_print: what was captured of len bytes in hex, then the packet ends if some were missing.</summary>
    private static void Hex(PrintContext nd, string indent, int p, uint len)
    {
        int avail = nd.Avail(p);
        HexDump.Hex(nd, indent, p, (int)Math.Min(len, (uint)avail));
        if (len > (uint)avail) PrintContext.Trunc();
    }

    /// <summary>The message at p, len bytes (a DATA chunk's payload).</summary>
    public static void Print(PrintContext nd, int p, uint len)
    {
        nd.Proto = "forces";
        if (!nd.TTest(p, (int)HeaderLen)) { nd.PrintTrunc(); return; } // the SCTP printer goes on after it
        int tom = nd.U8(p + 1);
        if (!(tom is >= 1 and <= 6 or 0xf or (>= 0x11 and <= 0x14)))
        {
            nd.Print($"Invalid ForCES message type {tom}\n");
            Error(nd, p, len);
            return;
        }
        uint mlen = (uint)nd.Be16(p + 2) << 2;
        MessageType? type = null;
        foreach (var m in Messages)
            if (m.Type == tom) type = m;
        if (type == null)
        {
            nd.Print($"\n\tUnknown ForCES message type=0x{tom:x}");
            Error(nd, p, len);
            return;
        }
        nd.Print($"\n\tForCES {type.Name} ");
        if (!(len >= HeaderLen && mlen >= HeaderLen && mlen == len))
        {
            nd.Print($"Illegal ForCES pkt len - min {HeaderLen}, total recvd {len}, advertised {mlen} ");
            Error(nd, p, len);
            return;
        }
        uint flags = nd.Be32(p + 20);
        if (nd.Verbose >= 1)
        {
            nd.Print($"\n\tForCES Version {nd.U8(p) >> 4} len {mlen}B flags 0x{flags:x8} ");
            uint sid = nd.Be32(p + 4), did = nd.Be32(p + 8);
            nd.Print($"\n\tSrcID 0x{sid:x}({Node(sid)}) DstID 0x{did:x}({Node(did)}) Correlator 0x{nd.Be64(p + 12):x}");
        }
        if (nd.Verbose >= 2)
        {
            uint ack = flags >> 30, em = (flags >> 22) & 3, at = (flags >> 21) & 1, tp = (flags >> 19) & 3;
            string ackName = ack switch { 0 => "NoACK", 1 => "SuccessACK", 2 => "FailureACK", _ => "AlwaysACK" };
            string emName = em switch { 0 => "EMReserved", 1 => "execute-all-or-none", 2 => "execute-until-failure", _ => "continue-execute-on-failure" };
            string atName = at == 0 ? "Standalone" : "2PCtransaction";
            string tpName = tp switch { 0 => "StartofTransaction", 1 => "MiddleofTransaction", 2 => "EndofTransaction", _ => "abort" };
            uint prio = (flags >> 27) & 7;
            nd.Print($"\n\tForCES flags:\n\t  {ackName}(0x{ack:x}), prio={prio}, {emName}(0x{em:x}),\n\t  {atName}(0x{at:x}), {tpName}(0x{tp:x})\n");
            nd.Print($"\t  Extra flags: rsv(b5-7) 0x{(flags >> 24) & 7:x} rsv(b13-31) 0x{flags & 0x7ffff:x}\n");
        }
        if (TopLevel(nd, p, mlen, type) < 0)
        {
            Error(nd, p, len);
            return;
        }
        if (nd.Verbose >= 4)
        {
            nd.Print("\n\t  Raw ForCES message\n\t [");
            Hex(nd, "\n\t ", p, len);
            nd.Print("\n\t ]");
        }
    }

    private static void Error(PrintContext nd, int p, uint len)
    {
        Hex(nd, "\n\t[", p, len);
        nd.Print("\n\t]");
    }

    private static int TopLevel(PrintContext nd, int p, uint mlen, MessageType type)
    {
        uint rlen = mlen - HeaderLen;
        if (rlen > TlvHeaderLen)
        {
            if ((type.Flags & ZeroTopTlv) != 0)
            {
                nd.Print($"<0x{type.Flags:x}>Illegal Top level TLV!\n");
                return -1;
            }
        }
        else
        {
            if ((type.Flags & ZeroOrMoreTopTlv) != 0) return 0;
            if ((type.Flags & OneOrMoreTopTlv) != 0)
            {
                nd.Print("\tTop level TLV Data missing!\n");
                return -1;
            }
        }
        if ((type.Flags & ZeroTopTlv) != 0) return 0;
        uint count = (uint)type.Flags >> 4;
        int tlv = p + (int)HeaderLen;
        while (rlen != 0)
        {
            int t = nd.Be16(tlv);
            uint tlvLen = nd.Be16(tlv + 2);
            if (TlvValid(tlvLen, rlen) != 0) break;
            if (!TopTlvValid(t))
            {
                nd.Print($"\n\tInvalid ForCES Top TLV type=0x{t:x}");
                return -1;
            }
            if (nd.Verbose >= 3) nd.Print($"\t{Name(TlvNames, (uint)t)}, length {tlvLen} (data length {tlvLen - TlvHeaderLen} Bytes)");
            if (type.Printer!(nd, tlv + 4, tlvLen, type.OpMask, 9) < 0) return -1;
            rlen -= Align(nd.Be16(tlv + 2));
            tlv += (int)Align(nd.Be16(tlv + 2));
            count = unchecked(count - 1);
            if (count == 0) break;
        }
        if (rlen != 0)
        {
            nd.Print($"\tMess TopTLV header: min {TlvHeaderLen}, total {rlen} advertised {nd.Be16(tlv + 2)} ");
            return -1;
        }
        return 0;
    }

    private static bool OperationValid(int op, int mask)
    {
        if (op == 0) return false;
        if (op <= 14) return ((1 << (op - 1)) & mask) != 0;
        return op >= 0x8000;
    }

    private static int LfbSelect(PrintContext nd, int p, uint len, int opMask, int indent)
    {
        string ib = Indent(indent, false);
        uint dlen = len - TlvHeaderLen;
        if (dlen <= 12)
        {
            nd.Print($"\n\t\ttruncated lfb selector: {12 - dlen} bytes missing! ");
            return -1;
        }
        uint rlen = dlen - 8;
        if (!nd.TTest(p, 8)) { nd.PrintTrunc(); return -1; }
        if (nd.Verbose >= 3)
        {
            uint cls = nd.Be32(p);
            string lfb = cls switch { 0 => "Invalid TLV", 1 => "FEObj LFB", 2 => "FEProtoObj LFB", _ => $"#{(int)cls}" };
            nd.Print($"\n{ib}{lfb}(Classid {cls:x}) instance {nd.Be32(p + 4):x}\n");
        }
        int tlv = p + 8;
        indent++;
        while (rlen != 0)
        {
            int type = nd.Be16(tlv);
            uint tlvLen = nd.Be16(tlv + 2);
            if (TlvValid(tlvLen, rlen) != 0) break;
            if (OperationValid(type, opMask)) OperationTlv(nd, tlv, indent);
            else
            {
                if (nd.Verbose < 3) nd.Print("\n");
                nd.Print($"\t\tINValid oper-TLV type 0x{type:x} length {tlvLen} for this ForCES message\n");
                InvalidOperation(nd, tlv, rlen, 0, indent);
            }
            rlen -= Align(nd.Be16(tlv + 2));
            tlv += (int)Align(nd.Be16(tlv + 2));
        }
        if (rlen != 0)
        {
            nd.Print($"\n\t\tMessy oper TLV header, type (0x{nd.Be16(tlv):x})\n\t\texcess of {unchecked(rlen - nd.Be16(tlv + 2))} Bytes ");
            return -1;
        }
        return 0;
    }

    private static int OperationTlv(PrintContext nd, int tlv, int indent)
    {
        string ib = Indent(indent, false);
        int type = nd.Be16(tlv);
        uint tll = (uint)nd.Be16(tlv + 2) - TlvHeaderLen;
        var op = type > 14 ? Operations[0] : Operations[type];
        if (nd.Verbose >= 3) nd.Print($"{ib}Oper TLV {op.Name}(0x{type:x}) length {nd.Be16(tlv + 2)}\n");
        if (tll < 8)
        {
            nd.Print($"\t\tOper TLV {op.Name}(0x{type:x}) length {nd.Be16(tlv + 2)}\n");
            nd.Print($"\t\tTruncated data size {tll} minimum required 8\n");
            return InvalidOperation(nd, tlv + 4, tll, op.OpMask, indent);
        }
        return op.Printer?.Invoke(nd, tlv + 4, tll, op.OpMask, indent + 1) ?? 0;
    }

    private static int InvalidOperation(PrintContext nd, int p, uint len, int opMask, int indent)
    {
        string ib = Indent(indent, true);
        if (nd.Verbose >= 3)
        {
            nd.Print($"{ib[1..]}Data[");
            Hex(nd, ib, p, len);
            nd.Print($"{ib}]\n");
        }
        return -1;
    }

    private static int GenericOperation(PrintContext nd, int p, uint len, int opMask, int indent)
    {
        string ib = Indent(indent, false);
        int type = nd.Be16(p);
        uint tlvLen = nd.Be16(p + 2);
        uint invalid = TlvValid(tlvLen, len);
        nd.Print($"genoptlvprint - {Name(TlvNames, (uint)type)} TLV type 0x{type:x} len {tlvLen}\n");
        if (invalid != 0)
        {
            nd.Print($"\t\t\tInvalid ForCES TLV type={type:x}");
            return -1;
        }
        if (!TopTlvValid(type))
        {
            nd.Print($"{Name(LengthErrors, invalid)} TLV type 0x{type:x} len {tlvLen}\n");
            return -1;
        }
        if (nd.Verbose >= 3) nd.Print($"{ib}{Name(TlvNames, (uint)type)}, length {tlvLen} (data length {tlvLen - TlvHeaderLen} Bytes)");
        return PathData(nd, p + 4, tlvLen - TlvHeaderLen, opMask, indent + 1);
    }

    /// <summary>A sequence of PATH-DATA TLVs.</summary>
    private static int PathDataTlvs(PrintContext nd, int p, uint len, int opMask, int indent)
    {
        while (len != 0)
        {
            uint tlvLen = nd.Be16(p + 2);
            if (TlvValid(tlvLen, len) != 0) break;
            string ib = Indent(indent, false);
            int type = nd.Be16(p);
            if (nd.Verbose >= 3) nd.Print($"{ib}{Name(TlvNames, (uint)type)}, length {tlvLen} (data encapsulated {tlvLen - TlvHeaderLen} Bytes)");
            if (PathData(nd, p + 4, tlvLen - TlvHeaderLen, opMask, indent + 1) == -1) return -1;
            len -= Align(nd.Be16(p + 2));
            p += (int)Align(nd.Be16(p + 2));
        }
        if (len != 0)
        {
            nd.Print($"\n\t\tMessy PATHDATA TLV header, type (0x{nd.Be16(p):x})\n\t\texcess of {unchecked(len - nd.Be16(p + 2))} Bytes ");
            return -1;
        }
        return 0;
    }

    /// <summary>A PATH-DATA TLV's value: flags, the IDs, then its content.</summary>
    private static int PathData(PrintContext nd, int p, uint len, int opMask, int indent)
    {
        string ib = Indent(indent, false);
        if (!nd.TTest(p, 4) || len < 4) { nd.PrintTrunc(); return -1; }
        int flags = nd.Be16(p);
        int count = nd.Be16(p + 2);
        if (nd.Verbose >= 3) nd.Print($"\n{ib}Pathdata: Flags 0x{flags:x} ID count {count}\n");
        if ((flags & 1) != 0) opMask |= KeyIn;
        if ((flags & 2) != 0) opMask |= Range;
        if ((flags & 4) != 0) opMask |= Append;
        p += 4;
        len -= 4;
        uint minSize = (uint)count * 4;
        if (len < minSize)
        {
            nd.Print($"\t\t\ttruncated IDs expected {minSize}B got {len}B\n");
            Hex(nd, "\t\t\tID Data[", p, len);
            nd.Print("]\n");
            return -1;
        }
        if ((opMask & Range) != 0 && (opMask & KeyIn) != 0)
        {
            nd.Print("\t\t\tIllegal to have both Table ranges and keys\n");
            return -1;
        }
        int more = PathContent(nd, p, len, count, opMask, indent);
        if (more > 0)
        {
            p += (int)(len - (uint)more);
            return PathDataTlvs(nd, p, (uint)more, opMask, indent + 1);
        }
        return 0;
    }

    /// <summary>The IDs, key or range and the content TLV of a PATH-DATA; what is left (&gt; 0) is more PATH-DATA.</summary>
    private static int PathContent(PrintContext nd, int p, uint len, int count, int opMask, int indent)
    {
        string ib = Indent(indent, false);
        if ((opMask & Append) != 0 && nd.Verbose >= 3) nd.Print($"{ib}TABLE APPEND\n");
        for (int i = 0; i < count; i++)
        {
            if (!nd.TTest(p, 4) || len < 4) { nd.PrintTrunc(); return -1; }
            uint id = nd.Be32(p);
            if (nd.Verbose >= 3) nd.Print($"{ib}ID#{i + 1:D2}: {id}\n");
            len -= 4;
            p += 4;
        }
        if ((opMask & Range) != 0)
        {
            if (len < 12)
            {
                nd.Print($"pathlength {len} with key/range too short 12\n");
                return -1;
            }
            uint start = nd.Be32(p + 4), end = nd.Be32(p + 8);
            p += 12;
            len -= 12;
            if (nd.Verbose >= 3) nd.Print($"{ib}Table range: [{start},{end}]\n");
        }
        if ((opMask & KeyIn) != 0)
        {
            if (len < 12)
            {
                nd.Print($"pathlength {len} with key/range too short 12\n");
                return -1;
            }
            int key = p + 4;
            p += 8;
            len -= 8;
            uint keyLen = nd.Be16(key + 2);
            if (keyLen < TlvHeaderLen)
            {
                nd.Print($"key content length {keyLen} < {TlvHeaderLen}\n");
                return -1;
            }
            keyLen -= TlvHeaderLen;
            if (len < keyLen)
            {
                nd.Print("key content too short\n");
                return -1;
            }
            p += (int)keyLen;
            len -= keyLen;
        }
        if (len == 0) return 0;
        int type = nd.Be16(p);
        uint tlvLen = nd.Be16(p + 2);
        uint invalid = TlvValid(tlvLen, len);
        if (invalid != 0)
        {
            nd.Print($"{Name(LengthErrors, invalid)} Outstanding bytes {len} for TLV type 0x{type:x} TLV len {tlvLen}\n");
            return BadData(nd, p, len, tlvLen);
        }
        uint tll = tlvLen - TlvHeaderLen, pad = 0, aligned = Align(tlvLen);
        if (aligned > tlvLen)
        {
            if (aligned > len) nd.Print($"Invalid padded pathdata TLV type 0x{type:x} len {tlvLen} missing {aligned - len} pad bytes\n");
            else pad = aligned - tlvLen;
        }
        if (type is >= TlvPathData and <= TlvResult)
        {
            string name;
            int mask;
            TlvPrinter printer;
            switch (type)
            {
                case TlvKeyInfo: name = "KEYINFO TLV"; mask = 0; printer = KeyInfo; break;
                case TlvFullData: name = "FULLDATA TLV"; mask = FullData; printer = FullDataTlv; break;
                case TlvSparseData: name = "SPARSEDATA TLV"; mask = SparseData; printer = SparseDataTlv; break;
                case TlvResult: name = "RESULT TLV"; mask = ResultValue; printer = ResultTlv; break;
                default: name = "Inner PATH-DATA TLV"; mask = 0; printer = PathDataTlvs; break;
            }
            if (nd.Verbose >= 3 && type != TlvPathData)
            {
                if (pad != 0) nd.Print($"{ib}  {name} (Length {tlvLen} DataLen {tll} pad {pad} Bytes)\n");
                else nd.Print($"{ib}  {name} (Length {tlvLen} DataLen {tll} Bytes)\n");
            }
            if (type != TlvPathData)
            {
                if ((opMask & KeyIn) != 0)
                {
                    if (type != TlvKeyInfo) nd.Print("Based on flags expected KEYINFO TLV!\n");
                }
                else if ((opMask & mask) == 0) nd.Print($"Illegal DATA encoding for type 0x{type:x} programmed {mask:x} got {opMask:x}\n");
            }
            if (printer(nd, p, tll + pad + TlvHeaderLen, opMask, indent + 2) == -1) return -1;
            len -= TlvHeaderLen + pad + tll;
        }
        else
        {
            nd.Print($"Invalid path data content type 0x{type:x} len {tlvLen}\n");
            return BadData(nd, p, len, tlvLen);
        }
        return (int)len;
    }

    private static int BadData(PrintContext nd, int p, uint len, uint tlvLen)
    {
        if (tlvLen == 0) return (int)len;
        Hex(nd, "Bad Data val\n\t  [", p, len);
        nd.Print("]\n");
        return -1;
    }

    private static int ResultTlv(PrintContext nd, int p, uint len, int opMask, int indent)
    {
        uint dlen = len - TlvHeaderLen;
        if (dlen != 4)
        {
            nd.Print($"illegal RESULT-TLV: {dlen} bytes!\n");
            return -1;
        }
        if (!nd.TTest(p + 4, 4)) { nd.PrintTrunc(); return -1; }
        int result = nd.U8(p + 4);
        if (result is >= 0x18 and <= 0xfe)
        {
            nd.Print($"illegal reserved result code: 0x{result:x}!\n");
            return -1;
        }
        if (nd.Verbose >= 3) nd.Print($"{Indent(indent, false)}  Result: {Name(ResultCodes, (uint)result)} (code 0x{result:x})\n");
        return 0;
    }

    private static int FullDataTlv(PrintContext nd, int p, uint len, int opMask, int indent)
    {
        uint rlen = len - TlvHeaderLen;
        if (!nd.TTest(p, 4)) { nd.PrintTrunc(); return -1; }
        if (nd.Be16(p) != TlvFullData)
        {
            nd.Print("Error: expecting FULLDATA!\n");
            return -1;
        }
        if (nd.Verbose >= 3)
        {
            string ib = Indent(indent + 2, true);
            nd.Print($"{ib[1..]}[");
            Hex(nd, ib, p + 4, rlen);
            nd.Print($"\n{ib[1..]}]");
        }
        return 0;
    }

    private static int SparseDataTlv(PrintContext nd, int p, uint len, int opMask, int indent)
    {
        uint rlen = len - TlvHeaderLen;
        if (!nd.TTest(p, 4)) { nd.PrintTrunc(); return -1; }
        if (nd.Be16(p) != TlvSparseData)
        {
            nd.Print("Error: expecting SPARSEDATA!\n");
            return -1;
        }
        p += 4;
        if (rlen < IlvHeaderLen)
        {
            nd.Print("Error: BAD SPARSEDATA-TLV!\n");
            return -1;
        }
        indent++;
        while (rlen != 0)
        {
            string ib = Indent(indent, true);
            uint invalid = IlvValid(nd, p, rlen);
            if (invalid != 0)
            {
                nd.Print($"Error: {Name(LengthErrors, invalid)}, rlen {rlen}\n");
                return -1;
            }
            if (nd.Verbose >= 3)
            {
                uint ilvLen = nd.Be32(p + 4);
                nd.Print($"\n{ib[1..]} ILV: type {nd.Be32(p):x} length {ilvLen}\n");
                Hex(nd, "\t\t[", p + 8, ilvLen - IlvHeaderLen);
            }
            uint step = Align(nd.Be32(p + 4));
            rlen -= step;
            p += (int)step;
        }
        return 0;
    }

    private static int KeyInfo(PrintContext nd, int p, uint len, int opMask, int indent)
    {
        string ib = Indent(indent, false);
        int key = p + 8;
        nd.Print($"{ib}Keyinfo: Key 0x{nd.Be32(p + 4):x}\n");
        int type = nd.Be16(key);
        uint keyLen = nd.Be16(key + 2);
        uint invalid = TlvValid(keyLen, len);
        if (invalid != 0)
        {
            nd.Print($"{Name(LengthErrors, invalid)} TLV type 0x{type:x} len {keyLen}\n");
            return -1;
        }
        return FullDataTlv(nd, key + 4, keyLen, opMask, indent);
    }

    private static int TeardownResult(PrintContext nd, int p, uint len, int opMask, int indent)
    {
        string ib = Indent(indent, false);
        uint dlen = len - TlvHeaderLen;
        if (dlen != 4)
        {
            nd.Print($"illegal ASTresult-TLV: {dlen} bytes!\n");
            return -1;
        }
        uint code = nd.Be32(p);
        if (code > 255)
        {
            nd.Print($"illegal ASTresult result code: {code}!\n");
            return -1;
        }
        if (nd.Verbose >= 3)
        {
            nd.Print($"Teardown reason:\n{ib}");
            nd.Print(code switch
            {
                0 => "Normal Teardown", 1 => "Loss of Heartbeats", 2 => "Out of bandwidth", 3 => "Out of Memory",
                4 => "Application Crash", _ => "Unknown Teardown reason",
            });
            nd.Print($"({code:x})\n{ib}");
        }
        return 0;
    }

    private static int SetupResult(PrintContext nd, int p, uint len, int opMask, int indent)
    {
        string ib = Indent(indent, false);
        uint dlen = len - TlvHeaderLen;
        if (dlen != 4)
        {
            nd.Print($"illegal ASRresult-TLV: {dlen} bytes!\n");
            return -1;
        }
        uint code = nd.Be32(p);
        if (code > 3)
        {
            nd.Print($"illegal ASRresult result code: {code}!\n");
            return -1;
        }
        if (nd.Verbose >= 3)
        {
            nd.Print($"\n{ib}");
            nd.Print(code switch { 0 => "Success ", 1 => "FE ID invalid ", 2 => "permission denied ", _ => "Unknown " });
            nd.Print($"({code:x})\n{ib}");
        }
        return 0;
    }

    private static int Redirect(PrintContext nd, int p, uint len, int opMask, int indent)
    {
        uint dlen = len - TlvHeaderLen;
        if (dlen <= 8)
        {
            nd.Print($"\n\t\ttruncated Redirect TLV: {8 - dlen} bytes missing! ");
            return -1;
        }
        uint rlen = dlen;
        indent++;
        int tlv = p;
        while (rlen != 0)
        {
            int type = nd.Be16(tlv);
            uint tlvLen = nd.Be16(tlv + 2);
            if (TlvValid(tlvLen, rlen) != 0)
            {
                nd.Print("Bad Redirect data\n");
                break;
            }
            if (type == TlvMetadata) Metadata(nd, tlv + 4, tlvLen, indent);
            else if (type == TlvRedirectData)
            {
                nd.Print($"\n{Indent(indent, false)} Redirect Data length {tlvLen - TlvHeaderLen}\n");
                if (nd.Verbose >= 3)
                {
                    nd.Print("\t\t[");
                    Hex(nd, "\n\t\t", tlv + 4, tlvLen - TlvHeaderLen);
                    nd.Print("\n\t\t]");
                }
            }
            else nd.Print($"Unknown REDIRECT TLV 0x{type:x} len {tlvLen}\n");
            rlen -= Align(nd.Be16(tlv + 2));
            tlv += (int)Align(nd.Be16(tlv + 2));
        }
        if (rlen != 0)
        {
            nd.Print($"\n\t\tMessy Redirect TLV header, type (0x{nd.Be16(tlv):x})\n\t\texcess of {unchecked(rlen - nd.Be16(tlv + 2))} Bytes ");
            return -1;
        }
        return 0;
    }

    private static void Metadata(PrintContext nd, int p, uint len, int indent)
    {
        uint rlen = len - TlvHeaderLen;
        nd.Print($"\n{Indent(indent, false)} METADATA length {rlen}\n");
        int ilv = p;
        while (rlen != 0)
        {
            if (IlvValid(nd, ilv, rlen) != 0) break;
            string ib = Indent(indent + 1, false);
            uint ilvLen = nd.Be32(ilv + 4);
            nd.Print($"{ib}MetaID 0x{nd.Be32(ilv):x} length {nd.Be32(ilv + 4)}\n");
            if (nd.Verbose >= 3)
            {
                Hex(nd, "\t\t[", ilv + 8, ilvLen - IlvHeaderLen);
                nd.Print(" ]\n");
            }
            uint step = Align(nd.Be32(ilv + 4));
            rlen -= step;
            ilv += (int)step;
        }
    }
}
