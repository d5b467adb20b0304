// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>
/// SNMP v1/v2c/v3 over UDP 161/162: a small BER decoder and tcpdump's PDU rendering; OIDs
/// named from the compiled-in MIB tree of <see cref="SnmpMib"/> unless -n.
/// Decoding problems print a bracketed note and end the PDU; a length running past the capture prints
/// <c> [|snmp]</c> and ends only the element being decoded, as tcpdump does.
/// </summary>
/// <remarks>Specification: RFC 1157 (v1), RFC 3416 (v2c PDUs), RFC 3412 and RFC 3414 (v3), X.690 (BER).</remarks>
internal static class Snmp
{
    private static readonly string[] Universal =
    [
        "U-0", "Boolean", "Integer", "Bitstring", "String", "Null", "ObjID", "ObjectDes",
        "U-8", "U-9", "U-10", "U-11", "U-12", "U-13", "U-14", "U-15", "Sequence", "Set",
    ];
    private static readonly string[] Application = ["IpAddress", "Counter", "Gauge", "TimeTicks", "Opaque", "C-5", "Counter64"];
    private static readonly string[] Context =
        ["GetRequest", "GetNextRequest", "GetResponse", "SetRequest", "Trap", "GetBulk", "Inform", "V2Trap", "Report"];
    private static readonly string[] Exceptions = ["noSuchObject", "noSuchInstance", "endOfMibView"];
    private static readonly string[] Private = ["P-0"];
    private static readonly string[][] ClassIds = [Universal, Application, Context, Private, Exceptions];
    private static readonly string[] ErrorStatus =
    [
        "noError", "tooBig", "noSuchName", "badValue", "readOnly", "genErr", "noAccess", "wrongType", "wrongLength",
        "wrongEncoding", "wrongValue", "noCreation", "inconsistentValue", "resourceUnavailable", "commitFailed",
        "undoFailed", "authorizationError", "notWritable", "inconsistentName",
    ];
    private static readonly string[] GenericTrap =
        ["coldStart", "warmStart", "linkDown", "linkUp", "authenticationFailure", "egpNeighborLoss", "enterpriseSpecific"];
    private static readonly string[] Versions = ["SNMPv1", "SNMPv2c", "SNMPv2u", "SNMPv3"];

    private const int GetReq = 0, GetNextReq = 1, GetResp = 2, SetReq = 3, Trap = 4, GetBulkReq = 5, InformReq = 6, V2Trap = 7, Report = 8;

    private enum T : byte { None, Null, Octet, Oid, Int, Uns, Str, Seq, InetAddr, Pdu, Uns64, NoSuchObject, NoSuchInst, EndOfMibView, Any }

    /// <summary>One decoded BER element: tag, content position and length, and the scalar value where there is one.</summary>
    private struct Be
    {
        public uint AsnLen;
        public int Data;
        public int Id;
        public T Type;
        public int Integer;
        public uint Uns;
        public ulong Uns64;
    }

    private static int Trunc(PrintContext nd)
    {
        nd.PrintTrunc();
        return -1;
    }

    /// <summary>Decodes the element at p (len bytes available); returns its total size or -1.</summary>
    private static int Parse(PrintContext nd, int p, uint len, out Be e)
    {
        e = default;
        e.Type = T.Any;
        if (len < 1) { nd.Print("[nothing to parse]"); return -1; }
        int b = nd.U8(p);
        int id = b & 0x1f, form = (b & 0x20) >> 5, cls = (b & 0xc0) >> 6;
        e.Id = id;
        p++; len--;
        uint hdr = 1;
        if (id == 0x1f)
        {
            id = 0;
            while ((nd.U8(p) & 0x80) != 0)
            {
                if (len < 1) { nd.Print("[Xtagfield?]"); return -1; }
                id = (id << 7) | (nd.U8(p) & 0x7f);
                len--; hdr++; p++;
            }
            if (len < 1) { nd.Print("[Xtagfield?]"); return -1; }
            e.Id = id = (id << 7) | nd.U8(p);
            len--; hdr++; p++;
        }
        if (len < 1) { nd.Print("[no asnlen]"); return -1; }
        e.AsnLen = nd.U8(p);
        p++; len--; hdr++;
        if ((e.AsnLen & 0x80) != 0)
        {
            uint noct = e.AsnLen % 0x80;
            e.AsnLen = 0;
            if (len < noct) { nd.Print($"[asnlen? {(int)len}<{(int)noct}]"); return -1; }
            if (!nd.TTest(p, (int)noct)) return Trunc(nd);
            for (; noct != 0; len--, hdr++, noct--)
            {
                e.AsnLen = (e.AsnLen << 8) | nd.U8(p);
                p++;
            }
        }
        if (len < e.AsnLen) { nd.Print($"[len{(int)len}<asnlen{e.AsnLen}]"); return -1; }
        // the class table's names are all the literal "x" in tcpdump's build
        if (id < 0 || id >= ClassIds[cls].Length) { nd.Print($"[id?{(form == 0 ? 'P' : 'C')}/x/{id}]"); return -1; }
        if (e.AsnLen > int.MaxValue || !nd.TTest(p, (int)e.AsnLen)) return Trunc(nd);
        e.Data = p;
        int n = (int)e.AsnLen;
        if (form == 0)
        {
            switch (cls)
            {
                case 0:
                    switch (id)
                    {
                        case 4: e.Type = T.Str; break;
                        case 2:
                        {
                            e.Type = T.Int;
                            if (n == 0) { nd.Print("[asnlen=0]"); return -1; }
                            int v = (nd.Buf[p] & 0x80) != 0 ? -1 : 0;
                            for (int i = 0; i < n; i++) v = (v << 8) | nd.Buf[p + i];
                            e.Integer = v;
                            break;
                        }
                        case 6: e.Type = T.Oid; break;
                        case 5: e.Type = T.Null; break;
                        default:
                            e.Type = T.Octet;
                            nd.Print($"[P/U/{Universal[id]}]");
                            break;
                    }
                    break;
                case 1:
                    switch (id)
                    {
                        case 0: e.Type = T.InetAddr; break;
                        case 1:
                        case 2:
                        case 3:
                        {
                            e.Type = T.Uns;
                            uint v = 0;
                            for (int i = 0; i < n; i++) v = (v << 8) + nd.Buf[p + i];
                            e.Uns = v;
                            break;
                        }
                        case 6:
                        {
                            e.Type = T.Uns64;
                            ulong v = 0;
                            for (int i = 0; i < n; i++) v = (v << 8) + nd.Buf[p + i];
                            e.Uns64 = v;
                            break;
                        }
                        default:
                            e.Type = T.Octet;
                            nd.Print($"[P/A/{Application[id]}]");
                            break;
                    }
                    break;
                case 2:
                    switch (id)
                    {
                        case 0: e.Type = T.NoSuchObject; break;
                        case 1: e.Type = T.NoSuchInst; break;
                        case 2: e.Type = T.EndOfMibView; break;
                    }
                    break;
                default:
                    nd.Print($"[P/x/{ClassIds[cls][id]}]");
                    e.Type = T.Octet;
                    break;
            }
        }
        else
        {
            switch (cls)
            {
                case 0:
                    if (id == 16) e.Type = T.Seq;
                    else
                    {
                        e.Type = T.Octet;
                        nd.Print($"C/U/{Universal[id]}");
                    }
                    break;
                case 2:
                    e.Type = T.Pdu;
                    break;
                default:
                    e.Type = T.Octet;
                    nd.Print($"C/x/{ClassIds[cls][id]}");
                    break;
            }
        }
        return (int)(e.AsnLen + hdr);
    }

    private static int PrintOctets(PrintContext nd, in Be e)
    {
        if (!nd.TTest(e.Data, (int)e.AsnLen)) return Trunc(nd);
        for (int i = 0; i < e.AsnLen; i++)
        {
            nd.Print('_');
            nd.Out.PutHex2(nd.Buf[e.Data + i]);
        }
        return 0;
    }

    private static int PrintString(PrintContext nd, in Be e)
    {
        int n = (int)e.AsnLen;
        if (!nd.TTest(e.Data, n)) return Trunc(nd);
        bool printable = true;
        for (int i = 0; printable && i < n; i++) printable = nd.Buf[e.Data + i] is >= 0x20 and <= 0x7e;
        if (printable)
        {
            nd.Print('"');
            for (int i = 0; i < n; i++) nd.Out.PutByte(nd.Buf[e.Data + i]);
            nd.Print('"');
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                if (i > 0) nd.Print('_');
                nd.Out.PutHex2(nd.Buf[e.Data + i]);
            }
        }
        return 0;
    }

    /// <summary>An OID: numbers with -n; otherwise a known prefix abbreviated and the names of the MIB tree's nodes on
    /// its path, numbers from the first sub-identifier the tree does not hold.</summary>
    private static void PrintOid(PrintContext nd, in Be e)
    {
        bool names = nd.Settings.Names != null;
        SnmpMib.Node[]? level = null;
        int p = e.Data;
        uint i = e.AsnLen;
        int first = -1;
        if (names && i > 2)
        {
            foreach (var a in SnmpMib.Abbreviations)
            {
                if (i < a.Encoded.Length || !nd.TTest(p, a.Encoded.Length) || !nd.Bytes(p, a.Encoded.Length).SequenceEqual(a.Encoded))
                    continue;
                level = a.Node.Children;
                i -= (uint)a.Encoded.Length;
                p += a.Encoded.Length;
                nd.Print(a.Prefix);
                first = 1;
                break;
            }
        }
        // a signed accumulator as tcpdump 4.99.3's: a first sub-identifier past 2^31 prints as 0 and the rest
        int o = 0;
        for (; i != 0; p++, i--)
        {
            byte b = nd.U8(p);
            o = unchecked((o << 7) + (b & 0x7f));
            if ((b & 0x80) != 0) continue;
            if (first < 0)
            {
                if (names) level = SnmpMib.Root;
                first = 0;
                int s = Math.Min(o / 40, 2);
                PrintSub(nd, ref level, (uint)s, false);
                o = unchecked(o - s * 40);
            }
            PrintSub(nd, ref level, (uint)o, first > 0);
            if (--first < 0) first = 0;
            o = 0;
        }
    }

    private static void PrintSub(PrintContext nd, ref SnmpMib.Node[]? level, uint sub, bool noDot)
    {
        if (!noDot) nd.Print('.');
        if (SnmpMib.Node.Find(level, sub) is { } n)
        {
            nd.Print(n.Name);
            level = n.Children;
        }
        else
        {
            nd.Print($"{sub}");
            level = null;
        }
    }

    private static int Print(PrintContext nd, in Be e)
    {
        switch (e.Type)
        {
            case T.Octet:
                return PrintOctets(nd, e);
            case T.Null:
                break;
            case T.Oid:
                PrintOid(nd, e);
                break;
            case T.Int:
                nd.Print($"{e.Integer}");
                break;
            case T.Uns:
                nd.Print($"{e.Uns}");
                break;
            case T.Uns64:
                nd.Print($"{e.Uns64}");
                break;
            case T.Str:
                return PrintString(nd, e);
            case T.Seq:
                nd.Print($"Seq({e.AsnLen})");
                break;
            case T.InetAddr:
                if (e.AsnLen != 4) nd.Print("[inetaddr len!=4]");
                if (!nd.TTest(e.Data, (int)e.AsnLen)) return Trunc(nd);
                for (int i = 0; i < e.AsnLen; i++)
                {
                    if (i > 0) nd.Print('.');
                    nd.Out.PutU(nd.Buf[e.Data + i]);
                }
                break;
            case T.NoSuchObject:
            case T.NoSuchInst:
            case T.EndOfMibView:
                nd.Print($"[{Exceptions[e.Id]}]");
                break;
            case T.Pdu:
                nd.Print($"{Context[e.Id]}({e.AsnLen})");
                break;
            case T.Any:
                nd.Print("[BE_ANY!?]");
                break;
            default:
                nd.Print("[be!?]");
                break;
        }
        return 0;
    }

    /// <summary>Parses an element expected to be of type t; otherwise prints "[what]" and the element and returns -1.</summary>
    private static int Expect(PrintContext nd, int p, uint len, T t, string what, out Be e)
    {
        int count = Parse(nd, p, len, out e);
        if (count < 0) return -1;
        if (e.Type != t)
        {
            nd.Print(what);
            Print(nd, e);
            return -1;
        }
        return count;
    }

    private static string ErrorName(int e) => e >= 0 && e < ErrorStatus.Length ? ErrorStatus[e] : $"err={(uint)e}";

    private static void VarBinds(PrintContext nd, int pduid, int np, uint length)
    {
        int count = Expect(nd, np, length, T.Seq, "[!SEQ of varbind]", out var e);
        if (count < 0) return;
        if ((uint)count < length) nd.Print($"[{(int)(length - (uint)count)} extra after SEQ of varbind]");
        length = e.AsnLen;
        np = e.Data;
        bool get = pduid is GetReq or GetNextReq or GetBulkReq;
        while (length != 0)
        {
            nd.Print(' ');
            if ((count = Expect(nd, np, length, T.Seq, "[!varbind]", out e)) < 0) return;
            int vbend = np + count;
            uint vblength = length - (uint)count;
            length = e.AsnLen;
            np = e.Data;
            if ((count = Expect(nd, np, length, T.Oid, "[objName!=OID]", out e)) < 0) return;
            if (Print(nd, e) < 0) return;
            length -= (uint)count;
            np += count;
            if (!get) nd.Print('=');
            if ((count = Parse(nd, np, length, out e)) < 0) return;
            if (get)
            {
                if (e.Type != T.Null)
                {
                    nd.Print("[objVal!=NULL]");
                    if (Print(nd, e) < 0) return;
                }
            }
            else if (e.Type != T.Null && Print(nd, e) < 0) return;
            length = vblength;
            np = vbend;
        }
    }

    private static void SnmpPdu(PrintContext nd, int pduid, int np, uint length)
    {
        int count = Expect(nd, np, length, T.Int, "[reqId!=INT]", out var e);
        if (count < 0) return;
        if (nd.Verbose > 0) nd.Print($"R={e.Integer} ");
        length -= (uint)count;
        np += count;
        if ((count = Expect(nd, np, length, T.Int, "[errorStatus!=INT]", out e)) < 0) return;
        int errorStatus = 0;
        bool strict = pduid is GetReq or GetNextReq or SetReq or InformReq or V2Trap or Report;
        if (strict && e.Integer != 0) nd.Print($"[errorStatus({ErrorName(e.Integer)})!=0]");
        else if (pduid == GetBulkReq) nd.Print($" N={e.Integer}");
        else if (e.Integer != 0)
        {
            nd.Print($" {ErrorName(e.Integer)}");
            errorStatus = e.Integer;
        }
        length -= (uint)count;
        np += count;
        if ((count = Expect(nd, np, length, T.Int, "[errorIndex!=INT]", out e)) < 0) return;
        if (strict && e.Integer != 0) nd.Print($"[errorIndex({e.Integer})!=0]");
        else if (pduid == GetBulkReq) nd.Print($" M={e.Integer}");
        else if (e.Integer != 0)
        {
            if (errorStatus == 0) nd.Print($"[errorIndex({e.Integer}) w/o errorStatus]");
            else nd.Print($"@{e.Integer}");
        }
        else if (errorStatus != 0) nd.Print("[errorIndex==0]");
        length -= (uint)count;
        np += count;
        VarBinds(nd, pduid, np, length);
    }

    private static void TrapPdu(PrintContext nd, int np, uint length)
    {
        nd.Print(' ');
        int count = Expect(nd, np, length, T.Oid, "[enterprise!=OID]", out var e);
        if (count < 0 || Print(nd, e) < 0) return;
        length -= (uint)count;
        np += count;
        nd.Print(' ');
        if ((count = Expect(nd, np, length, T.InetAddr, "[agent-addr!=INETADDR]", out e)) < 0 || Print(nd, e) < 0) return;
        length -= (uint)count;
        np += count;
        if ((count = Expect(nd, np, length, T.Int, "[generic-trap!=INT]", out e)) < 0) return;
        int generic = e.Integer;
        if (generic >= 0 && generic < GenericTrap.Length) nd.Print($" {GenericTrap[generic]}");
        else nd.Print($" gt={generic}");
        length -= (uint)count;
        np += count;
        if ((count = Expect(nd, np, length, T.Int, "[specific-trap!=INT]", out e)) < 0) return;
        if (generic != 6)
        {
            if (e.Integer != 0) nd.Print($"[specific-trap({e.Integer})!=0]");
        }
        else nd.Print($" s={e.Integer}");
        length -= (uint)count;
        np += count;
        nd.Print(' ');
        if ((count = Expect(nd, np, length, T.Uns, "[time-stamp!=TIMETICKS]", out e)) < 0 || Print(nd, e) < 0) return;
        length -= (uint)count;
        np += count;
        VarBinds(nd, Trap, np, length);
    }

    private static void Pdu(PrintContext nd, int np, uint length, int version)
    {
        int count = Parse(nd, np, length, out var pdu);
        if (count < 0) return;
        if (pdu.Type != T.Pdu) { nd.Print("[no PDU]"); return; }
        if ((uint)count < length) nd.Print($"[{(int)(length - (uint)count)} extra after PDU]");
        if (nd.Verbose > 0) nd.Print("{ ");
        if (Print(nd, pdu) < 0) return;
        nd.Print(' ');
        length = pdu.AsnLen;
        np = pdu.Data;
        if (version == 0 && pdu.Id is GetBulkReq or InformReq or V2Trap or Report)
        {
            nd.Print("[v2 PDU in v1 message]");
            return;
        }
        if (version == 1 && pdu.Id == Trap)
        {
            nd.Print("[v1 PDU in v2 message]");
            return;
        }
        if (pdu.Id == Trap) TrapPdu(nd, np, length);
        else SnmpPdu(nd, pdu.Id, np, length);
        if (nd.Verbose > 0) nd.Print(" } ");
    }

    private static void ScopedPdu(PrintContext nd, int np, uint length, int version)
    {
        int count = Expect(nd, np, length, T.Seq, "[!scoped PDU]", out var e);
        if (count < 0) return;
        length = e.AsnLen;
        np = e.Data;
        if ((count = Expect(nd, np, length, T.Str, "[contextEngineID!=STR]", out e)) < 0) return;
        length -= (uint)count;
        np += count;
        nd.Print("E=");
        if (PrintOctets(nd, e) < 0) return;
        nd.Print(' ');
        if ((count = Expect(nd, np, length, T.Str, "[contextName!=STR]", out e)) < 0) return;
        length -= (uint)count;
        np += count;
        nd.Print("C=");
        if (PrintString(nd, e) < 0) return;
        nd.Print(' ');
        Pdu(nd, np, length, version);
    }

    private static void Community(PrintContext nd, int np, uint length, int version)
    {
        int count = Expect(nd, np, length, T.Str, "[comm!=STR]", out var e);
        if (count < 0) return;
        if (!(e.AsnLen == 6 && nd.Bytes(e.Data, 6).SequenceEqual("public"u8)))
        {
            nd.Print("C=");
            if (PrintString(nd, e) < 0) return;
            nd.Print(' ');
        }
        length -= (uint)count;
        np += count;
        Pdu(nd, np, length, version);
    }

    private static void Usm(PrintContext nd, int np, uint length)
    {
        int count = Expect(nd, np, length, T.Seq, "[!usm]", out var e);
        if (count < 0) return;
        length = e.AsnLen;
        np = e.Data;
        if ((count = Expect(nd, np, length, T.Str, "[msgAuthoritativeEngineID!=STR]", out e)) < 0) return;
        length -= (uint)count;
        np += count;
        if ((count = Expect(nd, np, length, T.Int, "[msgAuthoritativeEngineBoots!=INT]", out e)) < 0) return;
        if (nd.Verbose > 0) nd.Print($"B={e.Integer} ");
        length -= (uint)count;
        np += count;
        if ((count = Expect(nd, np, length, T.Int, "[msgAuthoritativeEngineTime!=INT]", out e)) < 0) return;
        if (nd.Verbose > 0) nd.Print($"T={e.Integer} ");
        length -= (uint)count;
        np += count;
        if ((count = Expect(nd, np, length, T.Str, "[msgUserName!=STR]", out e)) < 0) return;
        length -= (uint)count;
        np += count;
        nd.Print("U=");
        if (PrintString(nd, e) < 0) return;
        nd.Print(' ');
        if ((count = Expect(nd, np, length, T.Str, "[msgAuthenticationParameters!=STR]", out e)) < 0) return;
        length -= (uint)count;
        np += count;
        if ((count = Expect(nd, np, length, T.Str, "[msgPrivacyParameters!=STR]", out e)) < 0) return;
        length -= (uint)count;
        if ((uint)count < length) nd.Print($"[{(int)(length - (uint)count)} extra after usm SEQ]");
    }

    private static void V3Msg(PrintContext nd, int np, uint length)
    {
        int xnp = np;
        uint xlength = length;
        int count = Expect(nd, np, length, T.Seq, "[!message]", out var e);
        if (count < 0) return;
        length = e.AsnLen;
        np = e.Data;
        if (nd.Verbose > 0) nd.Print("{ ");
        if ((count = Expect(nd, np, length, T.Int, "[msgID!=INT]", out e)) < 0) return;
        length -= (uint)count;
        np += count;
        if ((count = Expect(nd, np, length, T.Int, "[msgMaxSize!=INT]", out e)) < 0) return;
        length -= (uint)count;
        np += count;
        if ((count = Expect(nd, np, length, T.Str, "[msgFlags!=STR]", out e)) < 0) return;
        if (e.AsnLen != 1) { nd.Print($"[msgFlags size {(int)e.AsnLen}]"); return; }
        int flags = nd.U8(e.Data);
        if (flags is not (0x00 or 0x01 or 0x03 or 0x04 or 0x05 or 0x07)) { nd.Print($"[msgFlags=0x{flags:X2}]"); return; }
        length -= (uint)count;
        np += count;
        nd.Print($"F={((flags & 1) != 0 ? "a" : "")}{((flags & 2) != 0 ? "p" : "")}{((flags & 4) != 0 ? "r" : "")} ");
        if ((count = Expect(nd, np, length, T.Int, "[msgSecurityModel!=INT]", out e)) < 0) return;
        int model = e.Integer;
        length -= (uint)count;
        np += count;
        if ((uint)count < length) nd.Print($"[{(int)(length - (uint)count)} extra after message SEQ]");
        if (nd.Verbose > 0) nd.Print("} ");
        if (model != 3) { nd.Print($"[security model {model}]"); return; }
        if (nd.Verbose > 0) nd.Print("{ USM ");
        length = xlength - (uint)(np - xnp);
        if ((count = Expect(nd, np, length, T.Str, "[msgSecurityParameters!=STR]", out e)) < 0) return;
        length -= (uint)count;
        np += count;
        Usm(nd, e.Data, e.AsnLen);
        if (nd.Verbose > 0) nd.Print("} ");
        if (nd.Verbose > 0) nd.Print("{ ScopedPDU ");
        ScopedPdu(nd, np, length, 3);
        if (nd.Verbose > 0) nd.Print("} ");
    }

    public static void Print(PrintContext nd, int np, int length)
    {
        nd.Proto = "snmp";
        nd.Print(' ');
        uint len = (uint)Math.Max(length, 0);
        int count = Expect(nd, np, len, T.Seq, "[!init SEQ]", out var e);
        if (count < 0) return;
        if ((uint)count < len) nd.Print($"[{(int)(len - (uint)count)} extra after iSEQ]");
        len = e.AsnLen;
        np = e.Data;
        if ((count = Expect(nd, np, len, T.Int, "[version!=INT]", out e)) < 0) return;
        int version = e.Integer;
        if (version is 0 or 1 or 3)
        {
            if (nd.Verbose > 0) nd.Print($"{{ {Versions[version]} ");
        }
        else
        {
            nd.Print($"SNMP [version = {version}]");
            return;
        }
        len -= (uint)count;
        np += count;
        if (version == 3) V3Msg(nd, np, len);
        else Community(nd, np, len, version);
        if (nd.Verbose > 0) nd.Print("} ");
    }
}
