// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Connectivity Fault Management (EtherType 0x8902, and the pre-standard 0xabcd): the common header, CCM,
/// LTM and LTR message bodies (other opcodes dumped in hex up to the first TLV) and the TLVs, with -v.</summary>
/// <remarks>Specification: IEEE 802.1ag-2007 (now IEEE 802.1Q-2014 clause 21); Sender ID TLV per 802.1Q-2014 21.5.3,
/// chassis ID subtypes per IEEE 802.1AB.</remarks>
internal static class Cfm
{
    private const int CommonHeader = 4;
    private const int CcmBody = 70;   // sequence 4, MEP ID 2, MD/MA names 48, ITU-T Y.1731 16
    private const int LtmBody = 17;   // transaction ID 4, TTL 1, original and target MAC
    private const int LtrBody = 6;    // transaction ID 4, TTL 1, relay action 1
    private const int NamesLength = 48;

    // the CCM interval field's timer bases in seconds, as single-precision values (printed through a double)
    private static readonly float[] IntervalBase = [0.0f, 0.003333f, 0.01f, 0.1f, 1.0f, 10.0f, 60.0f, 600.0f];

    private static readonly Tok[] LtmFlags = [new(0x80, "Use Forwarding-DB only")];
    private static readonly Tok[] LtrFlags = [new(0x80, "UseFDB Only"), new(0x40, "FwdYes"), new(0x20, "Terminal MEP")];

    private static string? Opcode(int op) => op switch
    {
        1 => "Continuity Check Message", 2 => "Loopback Reply", 3 => "Loopback Message", 4 => "Linktrace Reply", 5 => "Linktrace Message",
        _ => null,
    };

    private static string MdFormat(int f) => f switch
    {
        0 => "IEEE 802.1", 1 => "No MD Name present", 2 => "DNS string", 3 => "MAC + 16Bit Integer", 4 => "Character string", _ => "Unknown",
    };

    private static string MaFormat(int f) => f switch
    {
        0 => "IEEE 802.1", 1 => "Primary VID", 2 => "Character string", 3 => "16Bit Integer", 4 => "RFC2685 VPN-ID", _ => "Unknown",
    };

    private static string TlvName(int t) => t switch
    {
        0 => "End", 1 => "Sender ID", 2 => "Port status", 3 => "Interface status", 4 => "Data", 5 => "Reply Ingress", 6 => "Reply Egress",
        31 => "Organization Specific", _ => "Unknown",
    };

    private static string ChassisIdType(int t) => t switch
    {
        0 => "Reserved", 1 => "Chassis component", 2 => "Interface alias", 3 => "Port component", 4 => "MAC address",
        5 => "Network address", 6 => "Interface name", 7 => "Locally assigned", _ => "Unknown",
    };

    public static void Print(PrintContext nd, int p, int length)
    {
        nd.Proto = "cfm";
        if (length < CommonHeader) { TooShort(nd); return; }
        nd.Check(p, CommonHeader);
        int levelVersion = nd.U8(p);
        int version = levelVersion & 0x1f;
        if (version != 0)
        {
            nd.Print($"CFMv{version} not supported, length {length}");
            return;
        }
        int opcode = nd.U8(p + 1);
        string op = Opcode(opcode) ?? $"unknown ({opcode})";
        nd.Print($"CFMv{version} {op}, MD Level {levelVersion >> 5}, length {length}");
        if (nd.Verbose < 1) return;
        int flags = nd.U8(p + 2), firstTlv = nd.U8(p + 3);
        nd.Print($"\n\tFirst TLV offset {firstTlv}");
        int tp = p + CommonHeader;
        int tlen = length - CommonHeader;
        if (firstTlv > tlen)
        {
            nd.Print($" (too large, must be <= {tlen})");
            return;
        }
        switch (opcode)
        {
            case 1:
                if (firstTlv < CcmBody) { nd.Print($" (too small 1, must be >= {CcmBody})"); return; }
                if (tlen < CcmBody) { TooShort(nd); return; }
                nd.Check(tp, CcmBody);
                if (!Ccm(nd, tp, flags)) return;
                break;
            case 5:
                if (firstTlv < LtmBody) { nd.Print($" (too small 4, must be >= {LtmBody})"); return; }
                if (tlen < LtmBody) { TooShort(nd); return; }
                nd.Check(tp, LtmBody);
                nd.Print(", Flags [");
                Toks.Bits(nd, LtmFlags, "none", (uint)flags);
                nd.Print($"]\n\t  Transaction-ID 0x{nd.Be32(tp):x8}, ttl {nd.U8(tp + 4)}");
                nd.Print("\n\t  Original-MAC ");
                nd.Mac(tp + 5);
                nd.Print(", Target-MAC ");
                nd.Mac(tp + 11);
                break;
            case 4:
                if (firstTlv < LtrBody) { nd.Print($" (too small 5, must be >= {LtrBody})"); return; }
                if (tlen < LtrBody) { TooShort(nd); return; }
                nd.Check(tp, LtrBody);
                nd.Print(", Flags [");
                Toks.Bits(nd, LtrFlags, "none", (uint)flags);
                nd.Print($"]\n\t  Transaction-ID 0x{nd.Be32(tp):x8}, ttl {nd.U8(tp + 4)}");
                int action = nd.U8(tp + 5);
                string an = action switch { 1 => "Exact Match", 2 => "Filtering DB", 3 => "MIP CCM DB", _ => "Unknown" };
                nd.Print($"\n\t  Replay-Action {an} ({action})");
                break;
            default:
                // no decoder for the loopback messages and unknown opcodes: tcpdump dumps as many bytes from the
                // start of the body as lie beyond the first TLV offset
                HexDump.UnknownData(nd, tp, "\n\t  ", tlen - firstTlv);
                break;
        }
        tp += firstTlv;
        tlen -= firstTlv;
        Tlvs(nd, tp, tlen);
    }

    private static void TooShort(PrintContext nd) => nd.Print("\n\t\t packet is too short");

    /// <summary>The Continuity Check Message body; false when a name length ends the printing.</summary>
    private static bool Ccm(PrintContext nd, int tp, int flags)
    {
        int interval = flags & 0x07;
        nd.Print($", Flags [CCM Interval {interval}{((flags & 0x80) != 0 ? ", RDI" : "")}]");
        if (interval != 0)
        {
            double b = IntervalBase[interval];
            nd.Print($"\n\t  CCM Interval {b:F3}s, min CCM Lifetime {b * 3.25:F3}s, max CCM Lifetime {b * 3.5:F3}s");
        }
        nd.Print($"\n\t  Sequence Number 0x{nd.Be32(tp):x8}, MA-End-Point-ID 0x{nd.Be16(tp + 4):x4}");
        int np = tp + 6;
        int remaining = NamesLength;
        int mdFormat = nd.U8(np);
        np++; remaining--;
        if (mdFormat != 1)
        {
            int mdLength = nd.U8(np);
            np++; remaining--;
            nd.Print($"\n\t  MD Name Format {MdFormat(mdFormat)} ({mdFormat}), MD Name length {mdLength}");
            // room must be left for the MA name's format, length and at least one byte
            if (mdLength > remaining - 3)
            {
                nd.Print($" (too large, must be <= {remaining - 2})");
                return false;
            }
            nd.Print("\n\t  MD Name: ");
            switch (mdFormat)
            {
                case 2: case 4: Text.PrintUntilNul(nd, np, mdLength); break;
                case 3:
                    if (mdLength == 6) { nd.Print("\n\t  MAC "); nd.Mac(np); }
                    else nd.Print("\n\t  MAC (length invalid)");
                    break;
                default: HexDump.UnknownData(nd, np, "\n\t    ", mdLength); break;
            }
            np += mdLength; remaining -= mdLength;
        }
        else nd.Print($"\n\t  MD Name Format {MdFormat(mdFormat)} ({mdFormat})");
        int maFormat = nd.U8(np);
        int maLength = nd.U8(np + 1);
        np += 2; remaining -= 2;
        nd.Print($"\n\t  MA Name-Format {MaFormat(maFormat)} ({maFormat}), MA name length {maLength}");
        if (maLength > remaining)
        {
            nd.Print($" (too large, must be <= {remaining})");
            return false;
        }
        nd.Print("\n\t  MA Name: ");
        if (maFormat == 2) Text.PrintUntilNul(nd, np, maLength);
        else HexDump.UnknownData(nd, np, "\n\t    ", maLength);
        return true;
    }

    private static void Tlvs(PrintContext nd, int tp, int tlen)
    {
        while (tlen > 0)
        {
            int type = nd.U8(tp);
            nd.Print($"\n\t{TlvName(type)} TLV (0x{type:x2})");
            if (type == 0) return; // the End TLV has no length
            if (tlen < 3) { TooShort(nd); return; }
            nd.Check(tp, 3);
            int len = nd.Be16(tp + 1);
            nd.Print($", length {len}");
            tp += 3; tlen -= 3;
            int value = tp;
            if (tlen < len) { TooShort(nd); return; }
            nd.Check(tp, len);
            bool hexdump = false;
            switch (type)
            {
                case 2:
                case 3:
                    if (len < 1) { nd.Print(" (too short, must be >= 1)"); return; }
                    int st = nd.U8(tp);
                    string sn = type == 2
                        ? st switch { 1 => "Blocked", 2 => "Up", _ => "Unknown" }
                        : st switch { 1 => "Up", 2 => "Down", 3 => "Testing", 5 => "Dormant", 6 => "not present", 7 => "lower Layer down", _ => "Unknown" };
                    nd.Print($", Status: {sn} ({st})");
                    break;
                case 31:
                    if (len < 4) { nd.Print(" (too short, must be >= 4)"); return; }
                    uint oui = nd.Be24(tp);
                    nd.Print($", Vendor: {Llc.Oui(oui) ?? "Unknown"} ({oui}), Sub-Type {nd.U8(tp + 3)}");
                    hexdump = true;
                    break;
                case 1:
                    var s = SenderId(nd, tp, tlen, len);
                    tp = s.Tp; tlen = s.Tlen; len = s.Len;
                    if (s.Stop) return;
                    if (s.SkipDump) { tp += len; tlen -= len; continue; }
                    hexdump = s.Hexdump;
                    break;
                default:
                    hexdump = true;
                    break;
            }
            // tcpdump dumps from the start of the value as many bytes as the decoder left unread
            if (hexdump || nd.Verbose > 1) HexDump.UnknownData(nd, value, "\n\t  ", len);
            tp += len; tlen -= len;
        }
    }

    private readonly record struct SenderState(int Tp, int Tlen, int Len, bool Hexdump, bool SkipDump, bool Stop);

    /// <summary>The Sender ID TLV's value at tp (len bytes); where the walk stands afterwards and what comes next.</summary>
    private static SenderState SenderId(PrintContext nd, int tp, int tlen, int len)
    {
        bool hexdump = false;
        if (len < 1)
        {
            nd.Print(" (too short, must be >= 1)");
            return new(tp, tlen, len, false, true, false);
        }
        int chassisLength = nd.U8(tp);
        tp++; tlen--; len--;
        if (chassisLength != 0)
        {
            if (len < 1)
            {
                nd.Print("\n\t  (TLV too short)");
                return new(tp, tlen, len, false, true, false);
            }
            int chassisType = nd.U8(tp);
            len--;
            nd.Print($"\n\t  Chassis-ID Type {ChassisIdType(chassisType)} ({chassisType}), Chassis-ID length {chassisLength}");
            if (len < chassisLength)
            {
                nd.Print("\n\t  (TLV too short)");
                return new(tp, tlen, len, false, true, false);
            }
            switch (chassisType)
            {
                case 4:
                    if (chassisLength != 6) { nd.Print(" (invalid MAC address length)"); hexdump = true; break; }
                    nd.Print("\n\t  MAC ");
                    nd.Mac(tp + 1);
                    break;
                case 5: hexdump |= NetworkAddress(nd, tp + 1, chassisLength); break;
                case 1: case 2: case 3: case 6: case 7: Text.PrintUntilNul(nd, tp + 1, chassisLength); break;
                default: hexdump = true; break;
            }
            len -= chassisLength;
            tp += 1 + chassisLength;
            tlen -= 1 + chassisLength;
        }
        // the management address fields are there only when the TLV's length leaves room for them
        if (len == 0) return new(tp, tlen, len, hexdump, false, false);
        int domainLength = nd.U8(tp);
        tp++; tlen--; len--;
        nd.Print($"\n\t  Management Address Domain Length {domainLength}");
        if (domainLength == 0) return new(tp, tlen, len, hexdump, false, false);
        if (len < domainLength)
        {
            nd.Print("\n\t  (TLV too short)");
            return new(tp, tlen, len, hexdump, true, false);
        }
        len -= domainLength;
        HexPrint(nd, "\n\t  Management Address Domain: ", tp, domainLength);
        tp += domainLength; tlen -= domainLength;
        if (len < 1)
        {
            nd.Print(" (Management Address Length is missing)");
            return new(tp, tlen, len, true, false, false);
        }
        int addrLength = nd.U8(tp);
        tp++; tlen--; len--;
        nd.Print($"\n\t  Management Address Length {addrLength}");
        if (addrLength != 0)
        {
            if (len < addrLength)
            {
                nd.Print("\n\t  (TLV too short)");
                return new(tp, tlen, len, hexdump, true, true);
            }
            len -= addrLength;
            HexPrint(nd, "\n\t  Management Address: ", tp, addrLength);
            tp += addrLength; tlen -= addrLength;
        }
        return new(tp, tlen, len, hexdump, false, false);
    }

    /// <summary>A chassis ID of the network address subtype: a one-byte address family and the address; true when the
    /// value should be dumped in hex as well.</summary>
    private static bool NetworkAddress(PrintContext nd, int tp, int length)
    {
        int af = nd.U8(tp);
        nd.Print($"\n\t  Network Address Type {AddressFamily.Name(af) ?? "Unknown"} ({af})");
        switch (af)
        {
            case 1:
                if (length != 5) { nd.Print($"(invalid IPv4 address length {length - 1})"); return true; }
                nd.Print(", ");
                nd.Ip4(tp + 1);
                return false;
            case 2:
                if (length != 17) { nd.Print($"(invalid IPv6 address length {length - 1})"); return true; }
                nd.Print(", ");
                nd.Ip6(tp + 1);
                return false;
            default:
                return true;
        }
    }

    /// <summary>tcpdump's hex_print: the bytes in hex, 16 a line, each line starting with indent and its offset.</summary>
    private static void HexPrint(PrintContext nd, string indent, int p, int len)
    {
        int avail = nd.Avail(p);
        HexDump.Hex(nd, indent, p, Math.Min(len, avail));
        if (len > avail) PrintContext.Trunc();
    }
}
