// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>MPLS Label Distribution Protocol (TCP/UDP 646): PDUs, messages and their TLVs.</summary>
/// <remarks>Specification: RFC 5036 (LDP), RFC 3479 (fault tolerance), RFC 3988 (MTU), RFC 4447 and RFC 4908 (pseudowire
/// FEC, interface parameters), RFC 5085 (VCCV).</remarks>
internal static class Ldp
{
    private const int CommonHeader = 10, MessageHeader = 8;

    private static string Message(int t) => t switch
    {
        0x0001 => "Notification", 0x0100 => "Hello", 0x0200 => "Initialization", 0x0201 => "Keepalive", 0x0300 => "Address",
        0x0301 => "Address Withdraw", 0x0400 => "Label Mapping", 0x0401 => "Label Request", 0x0402 => "Label Withdraw",
        0x0403 => "Label Release", 0x0404 => "Label Abort Request", _ => "Unknown",
    };

    private static string Tlv(int t) => t switch
    {
        0x0100 => "FEC", 0x0101 => "Address List", 0x0103 => "Hop Count", 0x0104 => "Path Vector", 0x0200 => "Generic Label",
        0x0201 => "ATM Label", 0x0202 => "Frame-Relay Label", 0x0300 => "Status", 0x0301 => "Extended Status",
        0x0302 => "Returned PDU", 0x0303 => "Returned Message", 0x0400 => "Common Hello Parameters",
        0x0401 => "IPv4 Transport Address", 0x0402 => "Configuration Sequence Number", 0x0403 => "IPv6 Transport Address",
        0x0500 => "Common Session Parameters", 0x0501 => "ATM Session Parameters", 0x0502 => "Frame-Relay Session Parameters",
        0x0503 => "Fault-Tolerant Session Parameters", 0x0600 => "Label Request Message ID", 0x0601 => "MTU", _ => "Unknown",
    };

    /// <summary>MPLS pseudowire types (RFC 4446), as tcpdump names them.</summary>
    public static string PwType(int t) => t switch
    {
        0x00 => "Reserved", 0x01 => "Frame Relay DLCI (Martini Mode)", 0x02 => "ATM AAL5 SDU VCC transport",
        0x03 => "ATM transparent cell transport", 0x04 => "Ethernet VLAN", 0x05 => "Ethernet", 0x06 => "Cisco-HDLC", 0x07 => "PPP",
        0x08 => "SONET/SDH Circuit Emulation Service over MPLS", 0x09 => "ATM n-to-one VCC cell transport",
        0x0a => "ATM n-to-one VPC cell transport", 0x0b => "IP Layer2 Transport", 0x0c => "ATM one-to-one VCC Cell Mode",
        0x0d => "ATM one-to-one VPC Cell Mode", 0x0e => "ATM AAL5 PDU VCC transport", 0x0f => "Frame-Relay Port mode",
        0x10 => "SONET/SDH Circuit Emulation over Packet", 0x11 => "Structure-agnostic E1 over Packet",
        0x12 => "Structure-agnostic T1 (DS1) over Packet", 0x13 => "Structure-agnostic E3 over Packet",
        0x14 => "Structure-agnostic T3 (DS3) over Packet", 0x15 => "CESoPSN basic mode", 0x16 => "TDMoIP basic mode",
        0x17 => "CESoPSN TDM with CAS", 0x18 => "TDMoIP TDM with CAS", 0x19 => "Frame Relay DLCI", 0x40 => "IP-interworking",
        _ => "Unknown",
    };

    public static void Print(PrintContext nd, int p, int len)
    {
        nd.Proto = "ldp";
        while (len > CommonHeader + MessageHeader)
        {
            int processed = Pdu(nd, p);
            if (processed == 0) return;
            if (len < processed)
            {
                nd.Print($" [remaining length {len} < {processed}]");
                nd.PrintInvalid();
                break;
            }
            len -= processed;
            p += processed;
        }
    }

    private static int Pdu(PrintContext nd, int p)
    {
        nd.Check(p, CommonHeader);
        string nl = nd.Verbose < 1 ? "" : "\n\t";
        int version = nd.Be16(p);
        if (version != 1)
        {
            nd.Print($"{nl}LDP version {version} packet not supported");
            return 0;
        }
        int pduLen = nd.Be16(p + 2);
        if (pduLen < CommonHeader - 4)
        {
            nd.Print($"{nl}LDP, pdu-length: {pduLen} (too short, < {CommonHeader - 4})");
            return 0;
        }
        nd.Print($"{nl}LDP, Label-Space-ID: {nd.A4(p + 4)}:{nd.Be16(p + 8)}, pdu-length: {pduLen}");
        if (nd.Verbose < 1) return 0;
        int t = p + CommonHeader;
        ushort tlen = (ushort)(pduLen - (CommonHeader - 4));
        while (tlen > 0)
        {
            nd.Check(t, MessageHeader);
            int msgLen = nd.Be16(t + 2);
            int raw = nd.Be16(t);
            int type = raw & 0x7fff;
            if (msgLen < MessageHeader - 4)
            {
                nd.Print($"\n\t  {Message(type)} Message (0x{type:x4}), length: {msgLen} (too short, < {MessageHeader - 4})");
                return 0;
            }
            string u = (raw & 0x8000) != 0 ? "continue processing" : "ignore";
            nd.Print($"\n\t  {Message(type)} Message (0x{type:x4}), length: {msgLen}, Message ID: 0x{nd.Be32(t + 4):x8}, Flags: [{u} if unknown]");
            int m = t + MessageHeader;
            int mlen = msgLen - (MessageHeader - 4);
            nd.Check(t, msgLen);
            switch (type)
            {
                case 0x0001: case 0x0100: case 0x0200: case 0x0201: case 0x0300: case 0x0400: case 0x0301: case 0x0402:
                    while (mlen >= 4)
                    {
                        int n = TlvPrint(nd, m, mlen);
                        if (n == 0) break;
                        mlen -= n;
                        m += n;
                    }
                    break;
                default:
                    if (nd.Verbose <= 1) HexDump.UnknownData(nd, m, "\n\t  ", mlen);
                    break;
            }
            if (nd.Verbose > 1) HexDump.UnknownData(nd, t + MessageHeader, "\n\t  ", msgLen);
            t += msgLen + 4;
            tlen = (ushort)(tlen - (msgLen + 4));
        }
        return pduLen + 4;
    }

    private static bool Short(PrintContext nd, int tlen, int min)
    {
        if (tlen >= min) return false;
        nd.Print($" [tlv length {tlen} < {min}]");
        nd.PrintInvalid();
        return true;
    }

    private static int TlvPrint(PrintContext nd, int t, int msgTlen)
    {
        nd.Check(t, 4);
        int tlvLen = nd.Be16(t + 2);
        if (tlvLen + 4 > msgTlen)
        {
            nd.Print("\n\t\t TLV contents go past end of message");
            return 0;
        }
        int tlen = tlvLen;
        int raw = nd.Be16(t);
        int type = raw & 0x3fff;
        string u = (raw & 0x8000) != 0 ? "continue processing" : "ignore";
        string f = (raw & 0x4000) != 0 ? "do" : "don't";
        nd.Print($"\n\t    {Tlv(type)} TLV (0x{type:x4}), length: {tlvLen}, Flags: [{u} and {f} forward if unknown]");
        t += 4;
        switch (type)
        {
            case 0x0400:
                if (Short(nd, tlen, 4)) break;
                int hf = nd.Be16(t + 2);
                string kind = (hf & 0x8000) != 0 ? "Targeted" : "Link";
                string req = (hf & 0x4000) != 0 ? ", Request for targeted Hellos" : "";
                nd.Print($"\n\t      Hold Time: {nd.Be16(t)}s, Flags: [{kind} Hello{req}]");
                break;
            case 0x0401:
                if (Short(nd, tlen, 4)) break;
                nd.Print($"\n\t      IPv4 Transport Address: {nd.A4(t)}");
                break;
            case 0x0403:
                if (Short(nd, tlen, 16)) break;
                nd.Print($"\n\t      IPv6 Transport Address: {nd.A6(t)}");
                break;
            case 0x0402:
                if (Short(nd, tlen, 4)) break;
                nd.Print($"\n\t      Sequence Number: {nd.Be32(t)}");
                break;
            case 0x0101:
                if (Short(nd, tlen, 2)) break;
                int af = nd.Be16(t);
                t += 2;
                tlen -= 2;
                nd.Print($"\n\t      Address Family: {AddressFamily.Name(af) ?? $"Unknown ({af})"}, addresses");
                if (af == 1)
                    for (; tlen >= 4; tlen -= 4, t += 4) nd.Print($" {nd.A4(t)}");
                else if (af == 2)
                    for (; tlen >= 16; tlen -= 16, t += 16) nd.Print($" {nd.A6(t)}");
                break;
            case 0x0500:
                if (Short(nd, tlen, 8)) break;
                int sf = nd.Be16(t + 6);
                string ds = (sf & 0x8000) != 0 ? "On Demand" : "Unsolicited";
                string ld = (sf & 0x4000) != 0 ? "Enabled" : "Disabled";
                nd.Print($"\n\t      Version: {nd.Be16(t)}, Keepalive: {nd.Be16(t + 2)}s, Flags: [Downstream {ds}, Loop Detection {ld}]");
                break;
            case 0x0100:
                if (Short(nd, tlen, 1)) break;
                if (!Fec(nd, t, tlen)) return tlvLen + 4;
                break;
            case 0x0200:
                if (Short(nd, tlen, 4)) break;
                nd.Print($"\n\t      Label: {nd.Be32(t) & 0xfffff}");
                break;
            case 0x0300:
                if (Short(nd, tlen, 8)) break;
                uint st = nd.Be32(t);
                string fatal = (st & 0x80000000) != 0 ? "Fatal error" : "Advisory Notification";
                string fwd = (st & 0x40000000) != 0 ? "do" : "don't";
                nd.Print($"\n\t      Status: 0x{st & 0x3fffffff:x2}, Flags: [{fatal} and {fwd} forward]");
                uint id = nd.Be32(t + 4);
                if (id != 0) nd.Print($", causing Message ID: 0x{id:x8}");
                break;
            case 0x0503:
                if (Short(nd, tlen, 12)) break;
                int ft = nd.Be16(t);
                nd.Print($"\n\t      Flags: [{((ft & 0x8000) != 0 ? "" : "No ")}Reconnect, {((ft & 0x8) != 0 ? "" : "Don't ")}Save State, ");
                nd.Print($"{((ft & 0x4) != 0 ? "" : "No ")}All-Label Protection, ");
                nd.Print($"{((ft & 0x2) != 0 ? "Sequence Numbered Label" : "All Labels")} Checkpoint, {((ft & 0x1) != 0 ? "" : "Don't ")}Re-Learn State]");
                uint rt = nd.Be32(t + 4);
                if (rt != 0) nd.Print($", Reconnect Timeout: {rt}ms");
                uint rc = nd.Be32(t + 8);
                if (rc != 0) nd.Print($", Recovery Time: {rc}ms");
                break;
            case 0x0601:
                if (Short(nd, tlen, 2)) break;
                nd.Print($"\n\t      MTU: {nd.Be16(t)}");
                break;
            default:
                if (nd.Verbose <= 1) HexDump.UnknownData(nd, t, "\n\t      ", tlen);
                break;
        }
        return tlvLen + 4;
    }

    /// <summary>A FEC element; false when the TLV must end here (its length was already reported).</summary>
    private static bool Fec(PrintContext nd, int t, int tlen)
    {
        int fecType = nd.U8(t);
        string name = fecType switch { 1 => "Wildcard", 2 => "Prefix", 3 => "Host address", 0x80 => "Martini VC", _ => "Unknown" };
        nd.Print($"\n\t      {name} FEC (0x{fecType:x2})");
        t++;
        tlen--;
        switch (fecType)
        {
            case 2:
                if (Short(nd, tlen, 2)) return true;
                int af = nd.Be16(t);
                t += 2;
                tlen -= 2;
                if (af == 1 || af == 2)
                {
                    int max = af == 1 ? 32 : 128;
                    string v = af == 1 ? "IPv4" : "IPv6";
                    if (tlen < 1) PrintContext.Trunc();
                    int plen = nd.U8(t);
                    if (plen > max) { nd.Print($": {v} prefix (invalid length)"); return true; }
                    int nb = (plen + 7) / 8;
                    if (tlen - 1 < nb) PrintContext.Trunc();
                    Span<byte> a = stackalloc byte[max / 8];
                    a.Clear();
                    nd.Bytes(t + 1, nb).CopyTo(a);
                    if (plen % 8 != 0) a[nb - 1] &= (byte)((0xff00 >> (plen % 8)) & 0xff);
                    string addr = af == 1 ? nd.Ip4String(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(a)) : nd.Ip6String(a);
                    nd.Print($": {v} prefix {addr}/{plen}");
                }
                else nd.Print($": Address family {af} prefix");
                return true;
            case 0x80:
                return Martini(nd, t, tlen);
        }
        return true;
    }

    private static bool Martini(PrintContext nd, int t, int tlen)
    {
        if (Short(nd, tlen, 7)) return true;
        int vcInfoLen = nd.U8(t + 2);
        int pw = nd.Be16(t);
        string cw = (pw & 0x8000) != 0 ? "" : "no ";
        if (vcInfoLen == 0)
        {
            nd.Print($": {PwType(pw & 0x7fff)}, {cw}control word, group-ID {nd.Be32(t + 3)}, VC-info-length: {vcInfoLen}");
            return true;
        }
        if (Short(nd, tlen, 11)) return true;
        nd.Print($": {PwType(pw & 0x7fff)}, {cw}control word, group-ID {nd.Be32(t + 3)}, VC-ID {nd.Be32(t + 7)}, VC-info-length: {vcInfoLen}");
        if (vcInfoLen < 4)
        {
            nd.Print(" (invalid, < 4");
            return false;
        }
        vcInfoLen -= 4;
        t += 11;
        tlen -= 11;
        if (Short(nd, tlen, vcInfoLen)) return true;
        while (vcInfoLen > 2)
        {
            int it = nd.U8(t), il = nd.U8(t + 1);
            if (il < 2 || vcInfoLen < il) break;
            string iname = it switch { 1 => "MTU", 3 => "Description", 0x0c => "VCCV", _ => "Unknown" };
            nd.Print($"\n\t\tInterface Parameter: {iname} (0x{it:x2}), len {il}");
            switch (it)
            {
                case 1:
                    nd.Print($": {nd.Be16(t + 2)}");
                    break;
                case 3:
                    nd.Print(": ");
                    for (int i = 2; i < il; i++) Text.PrintChar(nd, nd.U8(t + i));
                    break;
                case 0x0c:
                    int cc = nd.U8(t + 2);
                    nd.Print($"\n\t\t  Control Channels (0x{cc:x2}) = [");
                    Bits(nd, cc, ["PWE3 control word", "MPLS Router Alert Label", "MPLS inner label TTL = 1"]);
                    nd.Print("]");
                    int cv = nd.U8(t + 3);
                    nd.Print($"\n\t\t  CV Types (0x{cv:x2}) = [");
                    Bits(nd, cv, ["ICMP Ping", "LSP Ping", "BFD"]);
                    nd.Print("]");
                    break;
                default:
                    HexDump.UnknownData(nd, t + 2, "\n\t\t  ", il - 2);
                    break;
            }
            vcInfoLen -= il;
            t += il;
        }
        return true;
    }

    /// <summary>bittok2str over bits 0x01, 0x02, 0x04 with "none" when none is set.</summary>
    private static void Bits(PrintContext nd, int v, string[] names)
    {
        string sep = "";
        bool any = false;
        for (int i = 0; i < names.Length; i++)
        {
            if ((v & (1 << i)) == 0) continue;
            nd.Print(sep);
            nd.Print(names[i]);
            sep = ", ";
            any = true;
        }
        if (!any) nd.Print("none");
    }
}
