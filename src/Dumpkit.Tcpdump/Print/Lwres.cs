// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>BIND 9's lightweight resolver protocol (lwres, UDP port 921): the 28-byte packet header, then the no-op,
/// get-addresses-by-name, get-name-by-address and get-rdata-by-name requests and responses.</summary>
/// <remarks>Specification: BIND 9's lwres library (lib/lwres/include/lwres/lwpacket.h and lwres.h: struct lwres_lwpacket,
/// the opcodes and the request and response layouts, all in network byte order).</remarks>
internal static class Lwres
{
    private const int HeaderLen = 28;
    private const uint GetAddrsByName = 0x00010001, GetNameByAddr = 0x00010002, GetRdataByName = 0x00010003;

    public static void Print(PrintContext nd, int bp, int length)
    {
        nd.Proto = "lwres";
        nd.Check(bp + 26, 2);
        nd.Print(" lwres");
        int version = nd.Be16(bp + 4);
        if (nd.Verbose > 0 || version != 0) nd.Print($" v{version}");
        long s;
        bool unsupported = false;
        if (version != 0) s = bp + (long)nd.Be32(bp);
        else
        {
            bool response = (nd.Be16(bp + 6) & 1) != 0;
            uint op = nd.Be32(bp + 12);
            string? name = op switch
            {
                0 => "noop", GetAddrsByName => "getaddrsbyname", GetNameByAddr => "getnamebyaddr", GetRdataByName => "getrdatabyname", _ => null,
            };
            nd.Print($" {name ?? $"#0x{op:x}"}{(response ? "" : "?")}");
            int flags = nd.Be16(bp + 6);
            if ((flags & ~1) != 0) nd.Print($"[0x{flags:x}]");
            if (nd.Verbose > 1)
            {
                nd.Print(" (");
                nd.Print($"serial:0x{nd.Be32(bp + 8):x}");
                nd.Print($" result:0x{nd.Be32(bp + 16):x}");
                nd.Print($" recvlen:{nd.Be32(bp + 20)}");
                if (nd.Verbose > 2)
                {
                    nd.Print($" authtype:0x{nd.Be16(bp + 24):x}");
                    nd.Print($" authlen:{nd.Be16(bp + 26)}");
                }
                nd.Print(")");
            }
            int p = bp + HeaderLen;
            int? end = response ? Response(nd, p, op) : Request(nd, p, op);
            if (end == null) { nd.PrintInvalid(); return; }
            if (end < 0) { unsupported = true; s = p; }
            else s = end.Value;
        }
        uint plen = nd.Be32(bp);
        if (plen != (uint)length) nd.Print($" [len: {plen} != {(uint)length}]");
        if (!unsupported && unchecked((uint)(s - bp)) < plen) nd.Print("[extra]");
    }

    private static void Flags(PrintContext nd, int p)
    {
        if (nd.Verbose > 2) nd.Print($" flags:0x{nd.Be32(p):x}");
    }

    private static string ClassName(int c) => c switch { 1 => "IN", 3 => "CHAOS", 4 => "HS", 255 => "ANY", _ => $"Class{c}" };

    private static void TypeAndClass(PrintContext nd, int p)
    {
        int type = nd.Be16(p + 6);
        nd.Print($" {Dns.TypeName(type) ?? $"Type{type}"}");
        int cls = nd.Be16(p + 4);
        if (cls != 1) nd.Print($" {ClassName(cls)}");
    }

    /// <summary>The offset after the request's fields; -1 for an opcode without a decoder; null for an invalid address.</summary>
    private static int? Request(PrintContext nd, int p, uint op)
    {
        switch (op)
        {
            case 0:
                return p;
            case GetAddrsByName:
            {
                nd.Check(p + 8, 2);
                Flags(nd, p);
                uint types = nd.Be32(p + 4);
                switch (types & 3)
                {
                    case 1: nd.Print(" IPv4"); break;
                    case 2: nd.Print(" IPv6"); break;
                    case 3: nd.Print(" IPv4/6"); break;
                }
                if ((types & ~3u) != 0) nd.Print($"[0x{types:x}]");
                return p + 10 + Name(nd, nd.Be16(p + 8), p + 10);
            }
            case GetNameByAddr:
            {
                nd.Check(p, 4);
                Flags(nd, p);
                int advance = Addr(nd, p + 4);
                return advance < 0 ? null : p + 4 + advance;
            }
            case GetRdataByName:
                nd.Check(p + 8, 2);
                Flags(nd, p);
                TypeAndClass(nd, p);
                return p + 10 + Name(nd, nd.Be16(p + 8), p + 10);
            default:
                return -1;
        }
    }

    /// <summary>The offset after the response's fields; -1 for an opcode without a decoder; null for an invalid address.</summary>
    private static int? Response(PrintContext nd, int p, uint op)
    {
        switch (op)
        {
            case 0:
                return p;
            case GetAddrsByName:
            {
                nd.Check(p + 8, 2);
                Flags(nd, p);
                nd.Print($" {nd.Be16(p + 4)}/{nd.Be16(p + 6)}");
                int s = p + 10 + Name(nd, nd.Be16(p + 8), p + 10);
                for (int i = nd.Be16(p + 4); i > 0; i--) s += NameWithLength(nd, s);
                for (int i = nd.Be16(p + 6); i > 0; i--)
                {
                    int advance = Addr(nd, s);
                    if (advance < 0) return null;
                    s += advance;
                }
                return s;
            }
            case GetNameByAddr:
            {
                nd.Check(p + 6, 2);
                Flags(nd, p);
                nd.Print($" {nd.Be16(p + 4)}");
                int s = p + 8 + Name(nd, nd.Be16(p + 6), p + 8);
                for (int i = nd.Be16(p + 4); i > 0; i--) s += NameWithLength(nd, s);
                return s;
            }
            case GetRdataByName:
            {
                nd.Check(p + 14, 2);
                Flags(nd, p);
                TypeAndClass(nd, p);
                nd.Print(" TTL ");
                Text.RelTime(nd, nd.Be32(p + 8));
                nd.Print($" {nd.Be16(p + 12)}/{nd.Be16(p + 14)}");
                int s = p + 16 + NameWithLength(nd, p + 16);
                for (int i = nd.Be16(p + 12); i > 0; i--) s += Binary(nd, s);
                for (int i = nd.Be16(p + 14); i > 0; i--) s += Binary(nd, s);
                return s;
            }
            default:
                return -1;
        }
    }

    /// <summary>" name" of l bytes, escaped, then a check of the NUL after it; returns l + 1.</summary>
    private static int Name(PrintContext nd, int l, int p)
    {
        nd.Print(' ');
        for (int i = 0; i < l; i++) Text.PrintChar(nd, nd.U8(p + i));
        if (nd.U8(p + l) != 0) nd.Print(" (not NUL-terminated!)");
        return l + 1;
    }

    private static int NameWithLength(PrintContext nd, int p) => 2 + Name(nd, nd.Be16(p), p + 2);

    /// <summary>A length-prefixed byte string in hex (no separator); returns 2 + its length.</summary>
    private static int Binary(PrintContext nd, int p)
    {
        int l = nd.Be16(p);
        for (int i = 0; i < l; i++) nd.Out.PutHex2(nd.U8(p + 2 + i));
        return 2 + l;
    }

    /// <summary>An lwres_addr (family, length, address): the bytes it advances (6 + 4 for IPv4 and 6 + 16 for IPv6 whatever
    /// the length says), or -1 when an IPv4/IPv6 address is shorter than the family needs.</summary>
    private static int Addr(PrintContext nd, int p)
    {
        int l = nd.Be16(p + 4);
        nd.Check(p + 6, l);
        uint family = nd.Be32(p);
        switch (family)
        {
            case 1:
                if (l < 4) return -1;
                nd.Print(' ');
                nd.Ip4(p + 6);
                return 10;
            case 2:
                if (l < 16) return -1;
                nd.Print(' ');
                nd.Ip6(p + 6);
                return 22;
            default:
                nd.Print($" {family}/");
                for (int i = 0; i < l; i++) nd.Out.PutHex2(nd.U8(p + 6 + i));
                return 6 + l;
        }
    }
}
