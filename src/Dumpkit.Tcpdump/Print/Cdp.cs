// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;

namespace Dumpkit.Tcpdump.Print;

/// <summary>Cisco Discovery Protocol (SNAP, Cisco OUI, pid 0x2000): header and TLVs.</summary>
/// <remarks>Specification: Cisco's CDP specification (no RFC).</remarks>
internal static class Cdp
{
    private static readonly Tok[] Capabilities =
    [
        new(0x01, "Router"), new(0x02, "Transparent Bridge"), new(0x04, "Source Route Bridge"), new(0x08, "L2 Switch"),
        new(0x10, "L3 capable"), new(0x20, "IGMP snooping"), new(0x40, "L1 capable"),
    ];

    private static string? Name(int t) => t switch
    {
        0x01 => "Device-ID", 0x02 => "Address", 0x03 => "Port-ID", 0x04 => "Capability", 0x05 => "Version String",
        0x06 => "Platform", 0x07 => "Prefixes", 0x08 => "Protocol-Hello option", 0x09 => "VTP Management Domain",
        0x0a => "Native VLAN ID", 0x0b => "Duplex", 0x0e => "ATA-186 VoIP VLAN assignment", 0x0f => "ATA-186 VoIP VLAN request",
        0x10 => "power consumption", 0x11 => "MTU", 0x12 => "AVVID trust bitmap", 0x13 => "AVVID untrusted ports CoS",
        0x14 => "System Name", 0x15 => "System Object ID (not decoded)", 0x16 => "Management Addresses", 0x17 => "Physical Location",
        _ => null,
    };

    /// <summary>Length limits of known TLVs (-1: none); false for types without an entry.</summary>
    private static bool Limits(int t, out int min, out int max)
    {
        (min, max) = t switch
        {
            0x04 => (4, 4), 0x0a => (2, 2), 0x0b => (1, 1), 0x0e => (3, 3), 0x0f => (2, 3), 0x10 => (1, 3), 0x11 => (4, 4),
            0x12 => (1, 1), 0x13 => (1, 1), 0x16 => (4, -1), 0x17 => (1, -1), _ => (-1, -1),
        };
        return Name(t) != null;
    }

    private static string Plural(int n) => n == 1 ? "" : "s";

    private static void Invalid(PrintContext nd, int p, int len)
    {
        nd.PrintInvalid();
        nd.Check(p, len);
    }

    public static void Print(PrintContext nd, int tp, int length)
    {
        nd.Proto = "cdp";
        int orig = length;
        if (length < 4)
        {
            nd.Print($" (packet length {(uint)length} < 4)");
            Invalid(nd, tp, length);
            return;
        }
        nd.Print($"CDPv{nd.U8(tp)}, ttl: {nd.U8(tp + 1)}s");
        int checksum = nd.Be16(tp + 2);
        if (nd.Verbose > 0) nd.Print($", checksum: 0x{checksum:x4} (unverified), length {(uint)orig}");
        tp += 4;
        length -= 4;
        while (length != 0)
        {
            if (length < 4)
            {
                nd.Print($" (remaining packet length {(uint)length} < 4)");
                Invalid(nd, tp, length);
                return;
            }
            int type = nd.Be16(tp), len = nd.Be16(tp + 2);
            bool known = Limits(type, out int min, out int max);
            string name = Name(type) ?? "unknown field type";
            if (len < 4)
            {
                if (nd.Verbose > 0) nd.Print($"\n\t{name} (0x{type:x2}), TLV length: {len} byte{Plural(len)} (too short)");
                else nd.Print($", {name} TLV length {len} too short");
                Invalid(nd, tp, length);
                return;
            }
            if (len > length)
            {
                nd.Print($" (TLV length {len} > {(uint)length})");
                Invalid(nd, tp, length);
                return;
            }
            tp += 4;
            length -= 4;
            len -= 4;
            if (nd.Verbose == 0 && type == 1) nd.Print(", Device-ID ");
            else if (nd.Verbose > 0) nd.Print($"\n\t{name} (0x{type:x2}), value length: {len} byte{Plural(len)}: ");
            bool covered = false;
            if (known)
            {
                if ((min > 0 && len < min) || (max > 0 && len > max)) nd.Print(" (malformed TLV)");
                else if (nd.Verbose > 0 || type == 1)
                {
                    Value(nd, type, tp, len);
                    covered = true;
                }
            }
            if (!covered)
            {
                nd.Check(tp, len);
                HexDump.UnknownData(nd, tp, "\n\t  ", len);
            }
            tp += len;
            length -= len;
        }
        if (nd.Verbose < 1) nd.Print($", length {(uint)orig}");
    }

    private static void Str(PrintContext nd, int p, int len)
    {
        nd.Print("'");
        for (int i = 0; i < len; i++) Text.PrintChar(nd, nd.U8(p + i));
        nd.Print("'");
    }

    private static void Value(PrintContext nd, int type, int p, int len)
    {
        switch (type)
        {
            case 0x01:
            case 0x03:
            case 0x06:
            case 0x09:
            case 0x14:
                Str(nd, p, len);
                break;
            case 0x02:
            case 0x16:
                Addr(nd, p, len);
                break;
            case 0x04:
            {
                uint v = nd.Be32(p);
                nd.Print($"(0x{v:x8}): ");
                Toks.Bits(nd, Capabilities, "none", v);
                break;
            }
            case 0x05:
                nd.Print("\n\t  ");
                for (int i = 0; i < len; i++)
                {
                    byte c = nd.U8(p + i);
                    if (c == '\n') nd.Print("\n\t  ");
                    else Text.PrintChar(nd, c);
                }
                break;
            case 0x07:
                if (len % 5 != 0)
                {
                    nd.Print($" [length {len} is not a multiple of 5]");
                    nd.Check(p, len);
                    break;
                }
                nd.Print($" IPv4 Prefixes ({len / 5}):");
                for (int l = len; l > 0; l -= 5, p += 5)
                    nd.Print($" {nd.U8(p)}.{nd.U8(p + 1)}.{nd.U8(p + 2)}.{nd.U8(p + 3)}/{nd.U8(p + 4)}");
                break;
            case 0x0a:
                nd.Print($"{nd.Be16(p)}");
                break;
            case 0x0b:
                nd.Print(nd.U8(p) != 0 ? "full" : "half");
                break;
            case 0x0e:
            case 0x0f:
                if (len == 2) nd.Print($"unknown 0x{nd.Be16(p):x4}");
                else nd.Print($"app {nd.U8(p)}, vlan {nd.Be16(p + 1)}");
                break;
            case 0x10:
            {
                uint v = len switch { 1 => nd.U8(p), 2 => nd.Be16(p), 3 => nd.Be24(p), _ => 0 };
                nd.Print($"{(v / 1000.0).ToString("F2", CultureInfo.InvariantCulture)}W");
                break;
            }
            case 0x11:
                nd.Print($"{nd.Be32(p)} bytes");
                break;
            case 0x12:
            case 0x13:
                nd.Print($"0x{nd.U8(p):x2}");
                break;
            case 0x17:
                nd.Print($"0x{nd.U8(p):x2}");
                if (len > 1)
                {
                    nd.Print("/");
                    for (int i = 1; i < len; i++) Text.PrintChar(nd, nd.U8(p + i));
                }
                break;
            default:
                nd.Check(p, len);
                break;
        }
    }

    private static ReadOnlySpan<byte> ProtIpv6 => [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x86, 0xdd];

    private static void Addr(PrintContext nd, int p, int l)
    {
        if (l < 4)
        {
            nd.Print(" (not enough space for num)");
            nd.Check(p, l);
            return;
        }
        uint num = nd.Be32(p);
        p += 4;
        l -= 4;
        while (num != 0)
        {
            if (l < 2)
            {
                nd.Print(" (not enough space for PT+PL)");
                nd.Check(p, l);
                return;
            }
            int pt = nd.U8(p), pl = nd.U8(p + 1);
            p += 2;
            l -= 2;
            if (l < pl + 2)
            {
                nd.Print(" (not enough space for P+AL)");
                nd.Check(p, l);
                return;
            }
            int al = nd.Be16(p + pl);
            if (pt == 1 && pl == 1 && nd.U8(p) == 0xcc && al == 4)
            {
                p += pl + 2;
                l -= pl + 2;
                if (l < al) { nd.Print(" (not enough space for A)"); nd.Check(p, l); return; }
                nd.Print($"IPv4 ({num}) {nd.A4(p)}");
                p += al;
                l -= al;
            }
            else if (pt == 2 && pl == 8 && nd.Bytes(p, 8).SequenceEqual(ProtIpv6) && al == 16)
            {
                p += pl + 2;
                l -= pl + 2;
                if (l < al) { nd.Print(" (not enough space for A)"); nd.Check(p, l); return; }
                nd.Print($"IPv6 ({num}) {nd.A6(p)}");
                p += al;
                l -= al;
            }
            else
            {
                nd.Print($"pt=0x{pt:x2}, pl={pl}, pb=");
                for (; pl != 0; pl--, p++, l--) nd.Print($" {nd.U8(p):x2}");
                nd.Print($", al={al}, a=");
                p += 2;
                l -= 2;
                if (l < al) { nd.Print(" (not enough space for A)"); nd.Check(p, l); return; }
                for (; al != 0; al--, p++, l--) nd.Print($" {nd.U8(p):x2}");
            }
            num--;
            if (num != 0) nd.Print(" ");
        }
        if (l != 0) nd.Print($" ({(uint)l} bytes of stray data)");
    }
}
