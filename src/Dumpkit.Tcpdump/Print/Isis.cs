// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>IS-IS: the common header, the hello (LAN and point-to-point), LSP, CSNP and PSNP headers and the TLVs
/// of their bodies, as tcpdump 4.99 prints them (the TE, multi-topology, SPB and router capability sub-TLVs are in
/// <see cref="IsisTlv"/>).</summary>
/// <remarks>Specification: ISO/IEC 10589, RFC 1195 (IP), RFC 5305 (TE), RFC 5308 (IPv6), RFC 5120 (multi-topology),
/// RFC 5304/5310 (authentication), RFC 5301 (hostname), RFC 5303 (p2p adjacency), RFC 5306 (restart), RFC 6232 (purge
/// originator), RFC 6329 (SPB), RFC 7981 (router capability), RFC 8202 (instance ID), RFC 8667 (segment routing).</remarks>
internal static class Isis
{
    private const int CommonSize = 8;

    private static readonly Tok[] PduTypes =
    [
        new(15, "L1 Lan IIH"), new(16, "L2 Lan IIH"), new(17, "p2p IIH"), new(18, "L1 LSP"), new(20, "L2 LSP"),
        new(24, "L1 CSNP"), new(25, "L2 CSNP"), new(26, "L1 PSNP"), new(27, "L2 PSNP"),
    ];

    private static readonly Tok[] Tlvs =
    [
        new(1, "Area address(es)"), new(2, "IS Reachability"), new(3, "ES Neighbor(s)"), new(4, "Partition DIS"),
        new(5, "Prefix Neighbors"), new(6, "IS Neighbor(s)"), new(7, "Instance Identifier"), new(8, "Padding"),
        new(9, "LSP entries"), new(10, "Authentication"), new(12, "Checksum"), new(13, "Purge Originator Identifier"),
        new(14, "LSP Buffersize"), new(22, "Extended IS Reachability"), new(24, "IS Alias ID"), new(42, "DECnet Phase IV"),
        new(66, "Lucent Proprietary"), new(128, "IPv4 Internal Reachability"), new(129, "Protocols supported"),
        new(130, "IPv4 External Reachability"), new(131, "Inter-Domain Information Type"), new(132, "IPv4 Interface address(es)"),
        new(133, "IPv4 authentication (deprecated)"), new(134, "Traffic Engineering Router ID"), new(135, "Extended IPv4 Reachability"),
        new(138, "Shared Risk Link Group"), new(143, "Multi-Topology-Aware Port Capability"), new(144, "Multi-Topology Capability"),
        new(176, "Nortel Proprietary"), new(177, "Nortel Proprietary"), new(137, "Hostname"), new(211, "Restart Signaling"),
        new(222, "Multi Topology IS Reachability"), new(229, "Multi Topology"), new(232, "IPv6 Interface address(es)"),
        new(235, "Multi-Topology IPv4 Reachability"), new(236, "IPv6 reachability"), new(237, "Multi-Topology IP6 Reachability"),
        new(240, "Point-to-point Adjacency State"), new(241, "Hello PDU Sequence Number"), new(242, "IS-IS Router Capability"),
        new(250, "Vendor Private"),
    ];

    private static readonly Tok[] CircuitTypes = [new(1, "Level 1 only"), new(2, "Level 2 only"), new(3, "Level 1, Level 2")];
    private static readonly Tok[] AuthTypes =
        [new(1, "simple text password"), new(3, "Generic Crypto key-id"), new(54, "HMAC-MD5 password"), new(255, "Routing Domain private password")];
    private static readonly Tok[] RestartFlags = [new(1, "Restart Request"), new(2, "Restart Acknowledgement"), new(4, "Suppress adjacency advertisement")];
    private static readonly Tok[] RouterCapFlags = [new(1, "S bit"), new(2, "D bit")];

    /// <summary>Prints the IS-IS PDU at p; false when the header is unusable (the caller then dumps the bytes).</summary>
    public static bool Print(PrintContext nd, int p, uint length)
    {
        nd.Proto = "isis";
        return Osi.Guard(nd, () => PrintPdu(nd, p, length));
    }

    private static bool PrintPdu(PrintContext nd, int p, uint length)
    {
        uint packetLen = length;
        Osi.Need(nd, p, CommonSize);
        if (length < CommonSize) { nd.PrintTrunc(); return true; }
        bool e = nd.Settings.LinkHeader;
        if (!e) nd.Print("IS-IS");
        int version = nd.U8(p + 2);
        if (version != 1) { nd.Print($"version {version} packet not supported"); return false; }
        int idLen = nd.U8(p + 3);
        if (idLen != 6 && idLen != 0) { nd.Print($"system ID length of {idLen} is not supported"); return false; }
        int pduVersion = nd.U8(p + 5);
        if (pduVersion != 1) { nd.Print($"version {pduVersion} packet not supported"); return false; }
        int fixedLen = nd.U8(p + 1);
        if (length < fixedLen) { nd.Print($"fixed header length {fixedLen} > packet length {length}"); return false; }
        if (fixedLen < CommonSize) { nd.Print($"fixed header length {fixedLen} < minimum header size {CommonSize}"); return false; }
        int maxAreaField = nd.U8(p + 7);
        if (maxAreaField == 255) { nd.Print("bad packet -- 255 areas"); return false; }
        int maxArea = maxAreaField == 0 ? 3 : maxAreaField;
        uint pduType = nd.U8(p + 4);
        if (nd.Verbose == 0)
            nd.Print($"{(e ? "" : ", ")}{Toks.Find(PduTypes, pduType) ?? $"unknown PDU-Type {pduType}"}");
        else
        {
            nd.Print($"{(e ? "" : ", ")}length {length}");
            nd.Print($"\n\t{Toks.Find(PduTypes, pduType) ?? $"unknown, type {pduType}"}, hlen: {fixedLen}, v: {version}, pdu-v: {pduVersion}");
            nd.Print($", sys-id-len: 6 ({idLen}), max-area: {maxArea} ({maxAreaField})");
            if (nd.Verbose > 1 && !Osi.Unknown(nd, p, "\n\t", 8)) return false;
        }

        int h = p + CommonSize;
        int hdrSize;
        switch (pduType)
        {
            case 15:
            case 16:
                hdrSize = 19;
                if (!FixedLenOk(nd, fixedLen, hdrSize, ", bogus fixed header length {0} should be {1}", CommonSize + hdrSize)) return false;
                if (!HeaderPresent(nd, h, hdrSize, length)) return true;
                if (nd.Verbose == 0)
                {
                    nd.Print($", src-id {Osi.Id(nd, h + 1, 6)}");
                    nd.Print($", lan-id {Osi.Id(nd, h + 12, 7)}, prio {nd.U8(h + 11)}");
                    nd.Print($", length {length}");
                    return true;
                }
                {
                    ushort pduLen = nd.Be16(h + 9);
                    if (packetLen > pduLen) packetLen = length = pduLen;
                    string cir = Toks.Find(CircuitTypes, nd.U8(h)) ?? $"unknown circuit type 0x{nd.U8(h):x2}";
                    nd.Print($"\n\t  source-id: {Osi.Id(nd, h + 1, 6)},  holding time: {nd.Be16(h + 7)}s, Flags: [{cir}]");
                    nd.Print($"\n\t  lan-id:    {Osi.Id(nd, h + 12, 7)}, Priority: {nd.U8(h + 11) & 0x7f}, PDU length: {pduLen}");
                }
                break;
            case 17:
                hdrSize = 12;
                if (!FixedLenOk(nd, fixedLen, hdrSize, ", bogus fixed header length {0} should be {1}", CommonSize + hdrSize)) return false;
                if (!HeaderPresent(nd, h, hdrSize, length)) return true;
                if (nd.Verbose == 0)
                {
                    nd.Print($", src-id {Osi.Id(nd, h + 1, 6)}");
                    nd.Print($", length {length}");
                    return true;
                }
                {
                    ushort pduLen = nd.Be16(h + 9);
                    if (packetLen > pduLen) packetLen = length = pduLen;
                    string cir = Toks.Find(CircuitTypes, nd.U8(h)) ?? $"unknown circuit type 0x{nd.U8(h):x2}";
                    nd.Print($"\n\t  source-id: {Osi.Id(nd, h + 1, 6)}, holding time: {nd.Be16(h + 7)}s, Flags: [{cir}]");
                    nd.Print($"\n\t  circuit-id: 0x{nd.U8(h + 11):x2}, PDU length: {pduLen}");
                }
                break;
            case 18:
            case 20:
                hdrSize = 19;
                if (!FixedLenOk(nd, fixedLen, hdrSize, ", bogus fixed header length {0} should be {1}", hdrSize)) return false;
                if (!HeaderPresent(nd, h, hdrSize, length)) return true;
                if (nd.Verbose == 0)
                {
                    nd.Print($", lsp-id {Osi.Id(nd, h + 4, 8)}, seq 0x{nd.Be32(h + 12):x8}, lifetime {nd.Be16(h + 2),5}s");
                    nd.Print($", length {length}");
                    return true;
                }
                {
                    ushort pduLen = nd.Be16(h);
                    if (packetLen > pduLen) packetLen = length = pduLen;
                    ushort cksum = nd.Be16(h + 16);
                    nd.Print($"\n\t  lsp-id: {Osi.Id(nd, h + 4, 8)}, seq: 0x{nd.Be32(h + 12):x8}, lifetime: {nd.Be16(h + 2),5}s\n\t  chksum: 0x{cksum:x4}");
                    Osi.PrintChecksum(nd, h + 4, cksum, 12, length - 12);
                    int tb = nd.U8(h + 18);
                    nd.Print($", PDU length: {pduLen}, Flags: [ {((tb & 4) != 0 ? "Overload bit set, " : "")}");
                    if ((tb & 0x78) != 0)
                    {
                        if ((tb & 0x08) != 0) nd.Print("default ");
                        if ((tb & 0x10) != 0) nd.Print("delay ");
                        if ((tb & 0x20) != 0) nd.Print("expense ");
                        if ((tb & 0x40) != 0) nd.Print("error ");
                        nd.Print("ATT bit set, ");
                    }
                    if ((tb & 0x80) != 0) nd.Print("P bit set, ");
                    nd.Print((tb & 3) switch { 0 => "Unused 0x0 (invalid) ]", 1 => "L1 IS ]", 2 => "Unused 0x2 (invalid) ]", _ => "L2 IS ]" });
                }
                break;
            case 24:
            case 25:
                hdrSize = 25;
                if (!FixedLenOk(nd, fixedLen, hdrSize, ", bogus fixed header length {0} should be {1}", CommonSize + hdrSize)) return false;
                if (!HeaderPresent(nd, h, hdrSize, length)) return true;
                if (nd.Verbose == 0)
                {
                    nd.Print($", src-id {Osi.Id(nd, h + 2, 7)}");
                    nd.Print($", length {length}");
                    return true;
                }
                {
                    ushort pduLen = nd.Be16(h);
                    if (packetLen > pduLen) packetLen = length = pduLen;
                    nd.Print($"\n\t  source-id:    {Osi.Id(nd, h + 2, 7)}, PDU length: {pduLen}");
                    nd.Print($"\n\t  start lsp-id: {Osi.Id(nd, h + 9, 8)}");
                    nd.Print($"\n\t  end lsp-id:   {Osi.Id(nd, h + 17, 8)}");
                }
                break;
            case 26:
            case 27:
                hdrSize = 9;
                if (!FixedLenOk(nd, fixedLen, hdrSize, "- bogus fixed header length {0} should be {1}", CommonSize + hdrSize)) return false;
                if (!HeaderPresent(nd, h, hdrSize, length)) return true;
                if (nd.Verbose == 0)
                {
                    nd.Print($", src-id {Osi.Id(nd, h + 2, 7)}");
                    nd.Print($", length {length}");
                    return true;
                }
                {
                    ushort pduLen = nd.Be16(h);
                    if (packetLen > pduLen) packetLen = length = pduLen;
                    nd.Print($"\n\t  source-id:    {Osi.Id(nd, h + 2, 7)}, PDU length: {pduLen}");
                }
                break;
            default:
                if (nd.Verbose == 0)
                {
                    nd.Print($", length {length}");
                    return true;
                }
                Osi.Unknown(nd, h, "\n\t  ", length);
                return false;
        }
        if (nd.Verbose > 1 && !Osi.Unknown(nd, h, "\n\t  ", (uint)hdrSize)) return false;
        uint whole = (uint)(CommonSize + hdrSize);
        if (packetLen < whole)
        {
            nd.Print($" [packet length {packetLen} < {whole}]");
            nd.PrintInvalid();
            return true;
        }
        packetLen -= whole;
        return PrintTlvs(nd, p, p + (int)whole, packetLen, length);
    }

    private static bool FixedLenOk(PrintContext nd, int fixedLen, int hdrSize, string fmt, int shown)
    {
        if (fixedLen == CommonSize + hdrSize) return true;
        nd.Print(string.Format(null, fmt, fixedLen, shown));
        return false;
    }

    /// <summary>The PDU-specific header is captured and within the length; " [|isis]" otherwise (false).</summary>
    private static bool HeaderPresent(PrintContext nd, int h, int hdrSize, uint length)
    {
        Osi.Need(nd, h, hdrSize);
        if (length >= CommonSize + hdrSize) return true;
        nd.PrintTrunc();
        return false;
    }

    private static bool PrintTlvs(PrintContext nd, int start, int p, uint packetLen, uint length)
    {
        while (packetLen > 0)
        {
            Osi.Need(nd, p, 2);
            if (packetLen < 2) { nd.PrintTrunc(); return true; }
            int type = nd.U8(p);
            int tlvLen = nd.U8(p + 1);
            p += 2;
            packetLen -= 2;
            nd.Print($"\n\t    {Toks.Find(Tlvs, (uint)type) ?? "unknown"} TLV #{type}, length: {tlvLen}");
            if (packetLen < tlvLen) { nd.PrintTrunc(); return true; }
            switch (PrintTlv(nd, type, p, tlvLen, start, length))
            {
                case TlvResult.Trunc: nd.PrintTrunc(); return true;
                case TlvResult.Fail: return false;
                case TlvResult.Stop: return true;
            }
            if (nd.Verbose > 1 && !Osi.Unknown(nd, p, "\n\t      ", (uint)tlvLen)) return false;
            p += tlvLen;
            packetLen -= (uint)tlvLen;
        }
        return true;
    }

    private enum TlvResult { Ok, Trunc, Fail, Stop }

    private static TlvResult PrintTlv(PrintContext nd, int type, int t, int len, int start, uint length)
    {
        const string Ind = "\n\t      ";
        int p = t;
        switch (type)
        {
            case 1:
                while (len != 0)
                {
                    int alen = nd.U8(t);
                    t++; len--;
                    if (len < alen) return TlvResult.Ok;
                    nd.Print($"\n\t      Area address (length: {alen}): {Osi.Nsap(nd, t, alen)}");
                    t += alen; len -= alen;
                }
                break;
            case 6:
                for (; len != 0; t += 6, len -= 6)
                {
                    if (len < 6) return TlvResult.Ok;
                    Osi.Need(nd, t, 6);
                    nd.Print($"\n\t      SNPA: {Osi.Id(nd, t, 6)}");
                }
                break;
            case 7:
            {
                if (len < 4) return TlvResult.Ok;
                int n = (len - 2) / 2;
                nd.Print($"\n\t      Instance ID: {nd.Be16(t)}, ITIDs({n}){(n != 0 ? ":" : "")} ");
                t += 2;
                for (int i = 0; i < n; i++, t += 2)
                {
                    nd.Print($"{nd.Be16(t)}");
                    if (i < n - 1) nd.Print(", ");
                }
                break;
            }
            case 8:
                break;
            case 222:
            case 22:
            case 24:
                if (type == 222)
                {
                    int m = IsisTlv.MtId(nd, t, Ind, len);
                    if (m == 0) return TlvResult.Trunc;
                    t += m; len -= m;
                }
                while (len != 0)
                {
                    int used = IsisTlv.ExtIsReach(nd, t, Ind, type, len);
                    if (used == 0) return TlvResult.Trunc;
                    if (len < used)
                    {
                        nd.Print($" [remaining tlv length {len} < {used}]");
                        nd.PrintInvalid();
                        break;
                    }
                    len = (byte)(len - used);
                    t += (byte)used;
                }
                break;
            case 2:
                if (len < 1) return TlvResult.Ok;
                {
                    int v = nd.U8(t);
                    nd.Print($"\n\t      {(v == 0 ? "IsNotVirtual" : v == 1 ? "IsVirtual" : $"bogus virtual flag 0x{v:x2}")}");
                }
                t++; len--;
                for (; len != 0; t += 11, len -= 11)
                {
                    if (len < 11) return TlvResult.Ok;
                    Osi.Need(nd, t, 11);
                    nd.Print($"\n\t      IS Neighbor: {Osi.Id(nd, t + 4, 7)}");
                    MetricBlock(nd, t);
                }
                break;
            case 3:
                for (; len != 0; t += 10, len -= 10)
                {
                    if (len < 10) return TlvResult.Ok;
                    Osi.Need(nd, t, 10);
                    nd.Print($"\n\t      ES Neighbor: {Osi.Id(nd, t + 4, 6)}");
                    MetricBlock(nd, t);
                }
                break;
            case 128:
            case 130:
                if (!IpReach(nd, t, Ind, len)) return TlvResult.Stop;
                break;
            case 135:
            case 235:
            case 236:
            case 237:
            {
                if (type == 235 || type == 237)
                {
                    int m = IsisTlv.MtId(nd, t, Ind, len);
                    if (m == 0) return TlvResult.Trunc;
                    t += m; len -= m;
                }
                bool v6 = type == 236 || type == 237;
                while (len != 0)
                {
                    uint used = IsisTlv.ExtdIpReach(nd, t, Ind, v6);
                    if (used == 0) return TlvResult.Trunc;
                    if (len < used)
                    {
                        nd.Print($" [remaining tlv length {len} < {used}]");
                        nd.PrintInvalid();
                        break;
                    }
                    len = (byte)(len - (byte)used);
                    t += (byte)used;
                }
                break;
            }
            case 232:
                for (; len != 0; t += 16, len -= 16)
                {
                    if (len < 16) return TlvResult.Ok;
                    nd.Print($"\n\t      IPv6 interface address: {nd.Ip6String(nd.Bytes(t, 16))}");
                }
                break;
            case 10:
                return Auth(nd, t, len);
            case 240:
                if (len >= 1)
                {
                    int st = nd.U8(t);
                    string name = st switch { 0 => "Up", 1 => "Initializing", 2 => "Down", _ => "unknown" };
                    nd.Print($"\n\t      Adjacency State: {name} ({st})");
                    len--;
                }
                if (len > 4)
                {
                    nd.Print($"\n\t      Extended Local circuit-ID: 0x{nd.Be32(t + 1):x8}");
                    len -= 4;
                }
                if (len >= 6)
                {
                    Osi.Need(nd, t + 5, 6);
                    nd.Print($"\n\t      Neighbor System-ID: {Osi.Id(nd, t + 5, 6)}");
                    len -= 6;
                }
                if (len >= 4) nd.Print($"\n\t      Neighbor Extended Local circuit-ID: 0x{nd.Be32(t + 11):x8}");
                break;
            case 129:
                nd.Print("\n\t      NLPID(s): ");
                for (; len != 0; t++, len--)
                {
                    int id = nd.U8(t);
                    nd.Print($"{Fr.NlpidName(id) ?? "unknown"} (0x{id:x2})");
                    if (len > 1) nd.Print(", ");
                }
                break;
            case 143:
                if (len < 2) return TlvResult.Ok;
                {
                    int w = nd.Be16(t);
                    nd.Print($"\n\t       RES: {w >> 12}, MTID(s): {w & 0x0fff}");
                }
                if (len > 2) IsisTlv.MtPortCap(nd, t + 2, (uint)(len - 2));
                break;
            case 144:
                if (len < 2) return TlvResult.Ok;
                {
                    int w = nd.Be16(t);
                    nd.Print($"\n\t      O: {(w >> 15) & 1}, RES: {(w >> 12) & 7}, MTID(s): {w & 0x0fff}");
                }
                if (len > 2) IsisTlv.MtCapability(nd, t + 2, (uint)(len - 2));
                break;
            case 134:
                if (len < 4) return TlvResult.Ok;
                nd.Print($"\n\t      Traffic Engineering Router ID: {nd.A4(p)}");
                break;
            case 132:
                for (; len != 0; t += 4, len -= 4)
                {
                    if (len < 4) return TlvResult.Ok;
                    nd.Print($"\n\t      IPv4 interface address: {nd.A4(t)}");
                }
                break;
            case 137:
                nd.Print("\n\t      Hostname: ");
                Text.PrintUntilNul(nd, t, len);
                break;
            case 138:
                if (len < 7) break;
                Osi.Need(nd, t, 7);
                nd.Print($"\n\t      IS Neighbor: {Osi.Id(nd, t, 7)}");
                t += 7; len -= 7;
                if (len < 1) break;
                nd.Print($", Flags: [{((nd.U8(t) & 1) != 0 ? "numbered" : "unnumbered")}]");
                t++; len--;
                if (len < 4) break;
                nd.Print($"\n\t      IPv4 interface address: {nd.A4(t)}");
                t += 4; len -= 4;
                if (len < 4) break;
                nd.Print($"\n\t      IPv4 neighbor address: {nd.A4(t)}");
                t += 4; len -= 4;
                for (; len != 0; t += 4, len -= 4)
                {
                    if (len < 4) return TlvResult.Ok;
                    nd.Print($"\n\t      Link-ID: 0x{nd.Be32(t):x8}");
                }
                break;
            case 9:
                for (; len != 0; t += 16, len -= 16)
                {
                    if (len < 16) return TlvResult.Ok;
                    Osi.Need(nd, t + 9, 1);
                    nd.Print($"\n\t      lsp-id: {Osi.Id(nd, t + 2, 8)}");
                    nd.Print($", seq: 0x{nd.Be32(t + 10):x8}");
                    nd.Print($", lifetime: {nd.Be16(t),5}s");
                    nd.Print($", chksum: 0x{nd.Be16(t + 14):x4}");
                }
                break;
            case 12:
                if (len < 2) break;
                Osi.Need(nd, t, 2);
                {
                    ushort ck = nd.Be16(t);
                    nd.Print($"\n\t      checksum: 0x{ck:x4} ");
                    Osi.PrintChecksum(nd, start, ck, t - start, length);
                }
                break;
            case 13:
            {
                if (len < 1) return TlvResult.Ok;
                int n = nd.U8(t);
                t++; len--;
                if (n == 0) { nd.Print(" No system IDs supplied"); break; }
                if (len < 6) return TlvResult.Ok;
                Osi.Need(nd, t, 6);
                nd.Print($"\n\t      Purge Originator System-ID: {Osi.Id(nd, t, 6)}");
                t += 6; len -= 6;
                if (n > 1)
                {
                    if (len < 6) return TlvResult.Ok;
                    Osi.Need(nd, t, 6);
                    Osi.Need(nd, t, 13);
                    nd.Print($"\n\t      Received from System-ID: {Osi.Id(nd, t, 6)}");
                }
                break;
            }
            case 229:
                while (len != 0)
                {
                    if (len == 1) { nd.Print("\n\t      invalid MT-ID"); break; }
                    int m = IsisTlv.MtId(nd, t, Ind, len);
                    if (m == 0) return TlvResult.Trunc;
                    t += m; len -= m;
                }
                break;
            case 211:
                if (len < 1) break;
                Osi.Need(nd, t, 1);
                nd.Print("\n\t      Flags [");
                Toks.Bits(nd, RestartFlags, "none", nd.U8(t));
                nd.Print("]");
                t++; len--;
                if (len == 0 || len < 2) break;
                Osi.Need(nd, t, 2);
                nd.Print($", Remaining holding time {nd.Be16(t)}s");
                t += 2; len -= 2;
                if (len == 6)
                {
                    Osi.Need(nd, t, 6);
                    nd.Print($", for {Osi.Id(nd, t, 6)}");
                }
                break;
            case 131:
            {
                if (len < 1) break;
                int it = nd.U8(t);
                string name = it switch { 0 => "Reserved", 1 => "Routing-Domain Specific", 2 => "AS Number Tag", _ => $"Unknown (0x{it:x2})" };
                nd.Print($"\n\t      Inter-Domain Information Type: {name}");
                t++; len--;
                if (it == 2)
                {
                    if (len < 2) return TlvResult.Ok;
                    nd.Print($"AS Number: {nd.Be16(t)}");
                }
                else if (!Osi.Unknown(nd, t, "\n\t      ", (uint)len)) return TlvResult.Fail;
                break;
            }
            case 14:
                if (len < 2) break;
                nd.Print($"\n\t      LSP Buffersize: {nd.Be16(t)}");
                break;
            case 4:
                for (; len != 0; t += 6, len -= 6)
                {
                    if (len < 6) return TlvResult.Ok;
                    Osi.Need(nd, t, 6);
                    nd.Print($"\n\t      {Osi.Id(nd, t, 6)}");
                }
                break;
            case 5:
                if (len < 4) break;
                Osi.Need(nd, t, 4);
                nd.Print("\n\t      Metric Block");
                MetricBlock(nd, t);
                t += 4; len -= 4;
                while (len != 0)
                {
                    int plen = nd.U8(t);
                    t++; len--;
                    if (plen < 2) { nd.Print($"\n\t\tAddress: prefix length {plen} < 2"); break; }
                    if (len < plen / 2) break;
                    nd.Print($"\n\t\tAddress: {Osi.Nsap(nd, t, plen / 2)}/{plen * 4}");
                    t += plen / 2; len -= plen / 2;
                }
                break;
            case 241:
                if (len < 4) break;
                nd.Print($"\n\t      Sequence number: {nd.Be32(t)}");
                break;
            case 242:
                if (len < 5)
                {
                    nd.Print($" [object length {len} < 5]");
                    nd.PrintInvalid();
                    break;
                }
                nd.Print($"\n\t      Router-ID {nd.A4(t)}");
                {
                    int flags = nd.U8(t + 4);
                    nd.Print(", Flags [");
                    Toks.Bits(nd, RouterCapFlags, "none", (uint)flags);
                    nd.Print("]");
                }
                if (len > 5) IsisTlv.RouterCap(nd, t + 5, len - 5);
                break;
            case 250:
            {
                if (len < 3) break;
                uint oui = nd.Be24(t);
                nd.Print($"\n\t      Vendor: {Llc.Oui(oui) ?? "Unknown"} ({oui})");
                t += 3; len -= 3;
                if (len != 0 && !Osi.Unknown(nd, t, "\n\t\t", (uint)len)) return TlvResult.Fail;
                break;
            }
            default:
                if (nd.Verbose <= 1 && !Osi.Unknown(nd, p, "\n\t\t", (uint)len)) return TlvResult.Fail;
                break;
        }
        return TlvResult.Ok;
    }

    private static TlvResult Auth(PrintContext nd, int t, int len)
    {
        if (len < 1) return TlvResult.Ok;
        int type = nd.U8(t);
        t++; len--;
        nd.Print($"\n\t      {Toks.Find(AuthTypes, (uint)type) ?? $"unknown Authentication type 0x{type:x2}"}: ");
        switch (type)
        {
            case 1:
                Text.PrintUntilNul(nd, t, len);
                break;
            case 54:
                for (int i = 0; i < len; i++) nd.Print($"{nd.U8(t + i):x2}");
                if (len != 16) nd.Print(", (invalid subTLV) ");
                nd.Print(" (unchecked)");
                break;
            case 3:
                if (len < 2) return TlvResult.Ok;
                nd.Print($"{nd.Be16(t)}, password: ");
                t += 2; len -= 2;
                for (int i = 0; i < len; i++) nd.Print($"{nd.U8(t + i):x2}");
                break;
            default:
                if (!Osi.Unknown(nd, t, "\n\t\t  ", (uint)len)) return TlvResult.Fail;
                break;
        }
        return TlvResult.Ok;
    }

    private static string Metric(int b) => $"{b & 0x3f}, {((b & 0x40) != 0 ? "External" : "Internal")}";

    /// <summary>The default, delay, expense and error metrics of the old-style TLVs (the last three when supported).</summary>
    private static void MetricBlock(PrintContext nd, int m)
    {
        nd.Print($", Default Metric: {Metric(nd.U8(m))}");
        if ((nd.U8(m + 1) & 0x80) == 0) nd.Print($"\n\t\t  Delay Metric: {Metric(nd.U8(m + 1))}");
        if ((nd.U8(m + 2) & 0x80) == 0) nd.Print($"\n\t\t  Expense Metric: {Metric(nd.U8(m + 2))}");
        if ((nd.U8(m + 3) & 0x80) == 0) nd.Print($"\n\t\t  Error Metric: {Metric(nd.U8(m + 3))}");
    }

    private static int Mask2Plen(uint mask)
    {
        for (int n = 32; n >= 0; n--)
            if ((n == 0 ? 0u : uint.MaxValue << (32 - n)) == mask) return n;
        return -1;
    }

    /// <summary>TLVs 128 and 130 (RFC 1195): false where tcpdump gives up on the packet without a word more.</summary>
    private static bool IpReach(PrintContext nd, int t, string ind, int len)
    {
        for (; len > 0; t += 12, len -= 12)
        {
            if (len < 12)
            {
                nd.Print($"short IPv4 Reachability ({len} vs 12)");
                return false;
            }
            if (!nd.TTest(t, 12)) return false;
            uint mask = nd.Be32(t + 8);
            int plen = Mask2Plen(mask);
            string prefix = nd.Ip4String(nd.Be32(t + 4));
            if (plen == -1) nd.Print($"{ind}IPv4 prefix: {prefix} mask {nd.Ip4String(mask)}");
            else nd.Print($"{ind}IPv4 prefix: {prefix,15}/{plen}");
            int d = nd.U8(t);
            nd.Print($", Distribution: {((d & 0x80) != 0 ? "down" : "up")}, Metric: {Metric(d)}");
            if ((nd.U8(t + 1) & 0x80) == 0) nd.Print($"{ind}  Delay Metric: {Metric(nd.U8(t + 1))}");
            if ((nd.U8(t + 2) & 0x80) == 0) nd.Print($"{ind}  Expense Metric: {Metric(nd.U8(t + 2))}");
            if ((nd.U8(t + 3) & 0x80) == 0) nd.Print($"{ind}  Error Metric: {Metric(nd.U8(t + 3))}");
        }
        return true;
    }
}
