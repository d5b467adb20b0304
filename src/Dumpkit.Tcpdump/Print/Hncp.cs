// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Tcpdump.Print;

/// <summary>Home Networking Control Protocol (UDP 8231): DNCP and HNCP TLVs, nested, with the DHCPv4/v6 option data.</summary>
/// <remarks>Specification: RFC 7787 (DNCP), RFC 7788 (HNCP, with errata 5113 for the DHCP data types).</remarks>
internal static class Hncp
{
    private const uint Reserved = 0x10000, Unassigned = 0x10001, PrivateUse = 0x10002, FutureUse = 0x10003;

    private static readonly Tok[] Types =
    [
        new(1, "Request network state"), new(2, "Request node state"), new(3, "Node endpoint"), new(4, "Network state"),
        new(5, "Node state"), new(8, "Peer"), new(9, "Keep-alive interval"), new(10, "Trust-Verdict"),
        new(32, "HNCP-Version"), new(33, "External-Connection"), new(34, "Delegated-Prefix"), new(43, "Prefix-Policy"),
        new(37, "DHCPv4-Data"), new(38, "DHCPv6-Data"), new(35, "Assigned-Prefix"), new(36, "Node-Address"),
        new(39, "DNS-Delegated-Zone"), new(40, "Domain-Name"), new(41, "Node-Name"), new(42, "Managed-PSK"),
        new(Reserved, "Reserved"), new(Unassigned, "Unassigned"), new(PrivateUse, "Private use"), new(FutureUse, "Future use"),
    ];

    private static readonly Tok[] Dh4Options = [new(6, "DNS-server"), new(42, "NTP-server"), new(119, "DNS-search")];
    private static readonly Tok[] Dh6Options = [new(23, "DNS-server"), new(24, "DNS-search-list"), new(31, "SNTP-servers")];

    private static ReadOnlySpan<byte> V4Mapped => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

    public static void Print(PrintContext nd, int cp, int length)
    {
        nd.Proto = "hncp";
        nd.Print($"hncp ({length})");
        Tlvs(nd, cp, (uint)length, 1);
    }

    private static void NewLine(PrintContext nd, int indent)
    {
        nd.Print('\n');
        for (int t = indent; t > 0; t--) nd.Print('\t');
    }

    private static string Nid(PrintContext nd, int p)
    {
        var b = nd.Bytes(p, 4);
        return $"{b[0]:x2}:{b[1]:x2}:{b[2]:x2}:{b[3]:x2}";
    }

    private static string Hash256(PrintContext nd, int p) => $"{nd.Be64(p):x16}{nd.Be64(p + 8):x16}{nd.Be64(p + 16):x16}{nd.Be64(p + 24):x16}";

    private static string Interval(uint n) => $"{n / 1000}.{n % 1000:D3}s";

    private static bool IsV4Mapped(PrintContext nd, int p) => nd.Bytes(p, 12).SequenceEqual(V4Mapped);

    private static string Address(PrintContext nd, int p) => IsV4Mapped(nd, p) ? nd.A4(p + 12).ToString() : nd.Ip6String(nd.Bytes(p, 16));

    /// <summary>A prefix (length byte, then its bytes) as an IPv4-mapped or IPv6 prefix; bytes used, or -1 (bad length), -2, -3.</summary>
    private static int Prefix(PrintContext nd, int p, uint maxLength)
    {
        Span<byte> addr = stackalloc byte[16];
        addr.Clear();
        string text;
        int used;
        if (nd.U8(p) >= 96 && maxLength >= 13 && IsV4Mapped(nd, p + 1))
        {
            int plen = nd.U8(p) - 96;
            if (plen > 32) return -1;
            int bytes = (plen + 7) / 8;
            if (maxLength - 1 < bytes + 12) return -3;
            nd.Bytes(p + 13, bytes).CopyTo(addr);
            if (plen % 8 != 0) addr[bytes - 1] &= (byte)(0xff00 >> (plen % 8));
            text = $"{nd.Ip4String(BinaryPrimitives.ReadUInt32BigEndian(addr))}/{plen}";
            used = bytes + 13;
        }
        else
        {
            if (maxLength < 1) return -2;
            int plen = nd.U8(p);
            if (plen > 128) return -1;
            int bytes = (plen + 7) / 8;
            if (maxLength - 1 < bytes) return -2;
            nd.Bytes(p + 1, bytes).CopyTo(addr);
            if (plen % 8 != 0) addr[bytes - 1] &= (byte)(0xff00 >> (plen % 8));
            text = $"{nd.Ip6String(addr)}/{plen}";
            used = bytes + 1;
        }
        nd.Print(text);
        return used;
    }

    /// <summary>An uncompressed DNS name of at most maxLength bytes; its length, or -1 (then "[|DNS]" was printed).</summary>
    private static int DnsLabel(PrintContext nd, int cp, uint maxLength)
    {
        uint length = 0;
        while (length < maxLength)
        {
            uint labLength = nd.U8(cp + (int)length);
            length++;
            if (labLength == 0) return (int)length;
            if (length > 1) nd.Print('.');
            if (length + labLength > maxLength)
            {
                Text.PrintUntilNul(nd, cp + (int)length, (int)(maxLength - length));
                break;
            }
            Text.PrintUntilNul(nd, cp + (int)length, (int)labLength);
            length += labLength;
        }
        nd.Print("[|DNS]");
        return -1;
    }

    private static bool Dhcp4(PrintContext nd, int cp, uint length, int indent)
    {
        uint i = 0;
        while (i < length)
        {
            if (i + 2 > length) return false;
            int tlv = cp + (int)i;
            int type = nd.U8(tlv), optLen = nd.U8(tlv + 1), value = tlv + 2;
            NewLine(nd, indent);
            nd.Print(Toks.Find(Dh4Options, (uint)type) ?? "Unknown");
            nd.Print($" ({optLen + 2})");
            if (i + 2 + optLen > length) return false;
            switch (type)
            {
                case 6:
                case 42:
                    if (optLen < 4 || optLen % 4 != 0) return false;
                    for (int t = 0; t < optLen; t += 4) nd.Print($" {nd.A4(value + t)}");
                    break;
                case 119:
                    if (!Names(nd, value, optLen)) return false;
                    break;
            }
            i += 2 + (uint)optLen;
        }
        return true;
    }

    private static bool Dhcp6(PrintContext nd, int cp, uint length, int indent)
    {
        uint i = 0;
        while (i < length)
        {
            if (i + 4 > length) return false;
            int tlv = cp + (int)i;
            int type = nd.Be16(tlv), optLen = nd.Be16(tlv + 2), value = tlv + 4;
            NewLine(nd, indent);
            nd.Print(Toks.Find(Dh6Options, (uint)type) ?? "Unknown");
            nd.Print($" ({optLen + 4})");
            if (i + 4 + optLen > length) return false;
            switch (type)
            {
                case 23:
                case 31:
                    if (optLen % 16 != 0) { nd.PrintInvalid(); return false; }
                    for (int t = 0; t < optLen; t += 16) nd.Print($" {nd.A6(value + t)}");
                    break;
                case 24:
                    if (!Names(nd, value, optLen)) return false;
                    break;
            }
            i += 4 + (uint)optLen;
        }
        return true;
    }

    /// <summary>Domain names filling len bytes from value, each after a space; false when one is bad.</summary>
    private static bool Names(PrintContext nd, int value, int len)
    {
        int end = value + len, tp = value;
        while (tp < end)
        {
            nd.Print(' ');
            tp = Dns.Name(nd, tp, end);
            if (tp < 0) return false;
        }
        return true;
    }

    private static bool InLine(PrintContext nd, int indent) => indent - 1 >= nd.Verbose && nd.Verbose < 3;

    private static void TypeInLine(PrintContext nd, uint type, int count, int indent, ref bool first)
    {
        if (count <= 0) return;
        if (first)
        {
            first = false;
            if (indent > 1) NewLine(nd, indent);
            else nd.Print(' ');
        }
        else nd.Print(", ");
        nd.Print(Toks.Find(Types, type) ?? "Easter Egg");
        if (count > 1) nd.Print($" (x{count})");
    }

    private static uint TypeMask(int type)
    {
        foreach (var e in Types)
            if (e.V == type) return e.V;
        if (type == 0) return Reserved;
        if (type == 6 || type == 7) return FutureUse;
        if (type >= 44 && type <= 511) return Unassigned;
        if (type >= 768 && type <= 1023) return PrivateUse;
        return FutureUse;
    }

    private static void Tlvs(PrintContext nd, int cp, uint length, int indent)
    {
        bool inLine = InLine(nd, indent), first = true;
        uint lastMask = 0xffffffff;
        int lastCount = -1;
        uint i = 0;
        while (i < length)
        {
            int tlv = cp + (int)i;
            if (!inLine) NewLine(nd, indent);
            if (!nd.TTest(tlv, 4)) { nd.PrintTrunc(); return; }
            if (i + 4 > length) { nd.PrintInvalid(); return; }
            int type = nd.Be16(tlv), bodyLen = nd.Be16(tlv + 2), value = tlv + 4;
            if (!nd.TTest(value, bodyLen)) { nd.PrintTrunc(); return; }
            if (i + bodyLen + 4 > length) { nd.PrintInvalid(); return; }
            uint mask = TypeMask(type);
            if (inLine)
            {
                if (lastMask == mask) lastCount++;
                else
                {
                    TypeInLine(nd, lastMask, lastCount, indent, ref first);
                    lastMask = mask;
                    lastCount = 1;
                }
            }
            else
            {
                nd.Print(Toks.Find(Types, mask)!);
                if (mask > 0xffff) nd.Print($": type={type}");
                nd.Print($" ({bodyLen + 4})");
                if (!Body(nd, mask, value, bodyLen, indent)) { nd.PrintInvalid(); return; }
            }
            i += 4 + (((uint)bodyLen + 3) & ~3u);
        }
        TypeInLine(nd, lastMask, lastCount, indent, ref first);
    }

    /// <summary>One TLV's value; false when the whole list is invalid (tcpdump's "goto invalid").</summary>
    private static bool Body(PrintContext nd, uint type, int value, int bodyLen, int indent)
    {
        uint blen = (uint)bodyLen;
        switch (type)
        {
            case 1:
                if (bodyLen != 0) nd.PrintInvalid();
                break;
            case 2:
                if (bodyLen != 4) { nd.PrintInvalid(); break; }
                nd.Print($" NID: {Nid(nd, value)}");
                break;
            case 3:
                if (bodyLen != 8) { nd.PrintInvalid(); break; }
                nd.Print($" NID: {Nid(nd, value)} EPID: {nd.Be32(value + 4):x8}");
                break;
            case 4:
                if (bodyLen != 8) { nd.PrintInvalid(); break; }
                nd.Print($" hash: {nd.Be64(value):x16}");
                break;
            case 5:
                if (bodyLen < 20) { nd.PrintInvalid(); break; }
                nd.Print($" NID: {Nid(nd, value)} seqno: {nd.Be32(value + 4)} {Interval(nd.Be32(value + 8))} hash: {nd.Be64(value + 12):x16}");
                Tlvs(nd, value + 20, blen - 20, indent + 1);
                break;
            case 8:
                if (bodyLen != 12) { nd.PrintInvalid(); break; }
                nd.Print($" Peer-NID: {Nid(nd, value)} Peer-EPID: {nd.Be32(value + 4):x8} Local-EPID: {nd.Be32(value + 8):x8}");
                break;
            case 9:
                if (bodyLen < 8) { nd.PrintInvalid(); break; }
                nd.Print($" EPID: {nd.Be32(value):x8} Interval: {Interval(nd.Be32(value + 4))}");
                break;
            case 10:
                if (bodyLen <= 36) { nd.PrintInvalid(); break; }
                nd.Print($" Verdict: {nd.U8(value)} Fingerprint: {Hash256(nd, value + 4)} Common Name: ");
                Text.PrintUntilNul(nd, value + 36, bodyLen - 36);
                break;
            case 32:
            {
                if (bodyLen < 5) { nd.PrintInvalid(); break; }
                int c = nd.Be16(value + 2);
                nd.Print($" M: {(c >> 12) & 0xf} P: {(c >> 8) & 0xf} H: {(c >> 4) & 0xf} L: {c & 0xf} User-agent: ");
                Text.PrintUntilNul(nd, value + 4, bodyLen - 4);
                break;
            }
            case 33:
                Tlvs(nd, value, blen, indent + 1);
                break;
            case 34:
            {
                if (bodyLen < 9 || bodyLen < 9 + (nd.U8(value + 8) + 7) / 8) { nd.PrintInvalid(); break; }
                nd.Print($" VLSO: {Interval(nd.Be32(value))} PLSO: {Interval(nd.Be32(value + 4))} Prefix: ");
                int l = Prefix(nd, value + 8, blen - 8);
                if (l == -1) { nd.Print("(length is invalid)"); break; }
                if (l < 0) { nd.PrintInvalid(); break; }
                l += 8 + (-l & 3);
                if (bodyLen >= l) Tlvs(nd, value + l, (uint)(bodyLen - l), indent + 1);
                break;
            }
            case 43:
                PrefixPolicy(nd, value, bodyLen);
                break;
            case 37:
                if (bodyLen == 0) { nd.PrintInvalid(); break; }
                if (!Dhcp4(nd, value, blen, indent + 1)) return false;
                break;
            case 38:
                if (bodyLen == 0) { nd.PrintInvalid(); break; }
                if (!Dhcp6(nd, value, blen, indent + 1)) nd.PrintInvalid();
                break;
            case 35:
            {
                if (bodyLen < 6 || bodyLen < 6 + (nd.U8(value + 5) + 7) / 8) { nd.PrintInvalid(); break; }
                nd.Print($" EPID: {nd.Be32(value):x8} Prty: {nd.U8(value + 4) & 0xf}");
                nd.Print(" Prefix: ");
                int l = Prefix(nd, value + 5, blen - 5);
                if (l < 0) { nd.PrintInvalid(); break; }
                l += 5;
                l += -l & 3;
                if (bodyLen >= l) Tlvs(nd, value + l, (uint)(bodyLen - l), indent + 1);
                break;
            }
            case 36:
                if (bodyLen < 20) { nd.PrintInvalid(); break; }
                nd.Print($" EPID: {nd.Be32(value):x8} IP Address: {Address(nd, value + 4)}");
                Tlvs(nd, value + 20, blen - 20, indent + 1);
                break;
            case 39:
            {
                if (bodyLen < 17) { nd.PrintInvalid(); break; }
                int f = nd.U8(value + 16);
                nd.Print($" IP-Address: {Address(nd, value)} {((f & 4) != 0 ? 'l' : '-')}{((f & 2) != 0 ? 'b' : '-')}{((f & 1) != 0 ? 's' : '-')} ");
                int len = DnsLabel(nd, value + 17, blen - 17);
                if (len < 0) { nd.PrintInvalid(); break; }
                len += 17;
                len += -len & 3;
                if (bodyLen >= len) Tlvs(nd, value + len, (uint)(bodyLen - len), indent + 1);
                break;
            }
            case 40:
                if (bodyLen == 0) { nd.PrintInvalid(); break; }
                nd.Print(" Domain: ");
                DnsLabel(nd, value, blen);
                break;
            case 41:
            {
                if (bodyLen < 17) { nd.PrintInvalid(); break; }
                int l = nd.U8(value + 16);
                if (bodyLen < 17 + l) { nd.PrintInvalid(); break; }
                nd.Print($" IP-Address: {Address(nd, value)} Name: ");
                if (l < 64)
                {
                    nd.Print('"');
                    Text.PrintUntilNul(nd, value + 17, l);
                    nd.Print('"');
                }
                else nd.PrintInvalid();
                l = (l + 17 + 3) & ~3;
                if (bodyLen >= l) Tlvs(nd, value + l, (uint)(bodyLen - l), indent + 1);
                break;
            }
            case 42:
                if (bodyLen < 32) { nd.PrintInvalid(); break; }
                nd.Print($" PSK: {Hash256(nd, value)}");
                Tlvs(nd, value + 32, blen - 32, indent + 1);
                break;
        }
        return true;
    }

    private static void PrefixPolicy(PrintContext nd, int value, int bodyLen)
    {
        if (bodyLen < 1) { nd.PrintInvalid(); return; }
        int policy = nd.U8(value);
        nd.Print(" type: ");
        if (policy == 0)
        {
            if (bodyLen != 1) { nd.PrintInvalid(); return; }
            nd.Print("Internet connectivity");
        }
        else if (policy <= 128)
        {
            nd.Print("Dest-Prefix: ");
            int l = Prefix(nd, value, (uint)bodyLen);
            if (l == -1) nd.Print("(length is invalid)");
            else if (l < 0) nd.PrintInvalid();
        }
        else if (policy == 129)
        {
            nd.Print("DNS domain: ");
            DnsLabel(nd, value + 1, (uint)bodyLen - 1);
        }
        else if (policy == 130)
        {
            nd.Print("Opaque UTF-8: ");
            Text.PrintUntilNul(nd, value + 1, bodyLen - 1);
        }
        else if (policy == 131)
        {
            if (bodyLen != 1) { nd.PrintInvalid(); return; }
            nd.Print("Restrictive assignment");
        }
        else nd.Print($"Unknown ({policy})");
    }
}
