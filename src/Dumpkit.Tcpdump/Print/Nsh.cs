// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Network Service Header (ethertype 0x894f) and VXLAN-GPE (UDP 4790).</summary>
/// <remarks>Specification: RFC 8300 (NSH), draft-ietf-nvo3-vxlan-gpe.</remarks>
internal static class Nsh
{
    public static void Print(PrintContext nd, int bp, int len)
    {
        nd.Proto = "nsh";
        if (len < 8) { nd.Print($" (packet length {len} < 8)"); nd.PrintInvalid(); return; }
        uint b = nd.Be32(bp);
        bp += 4;
        int ver = (int)((b & 0xc0000000) >> 30), length = (int)((b & 0x003f0000) >> 16), md = (int)((b & 0xf00) >> 8), np = (int)(b & 0xff);
        nd.Print("NSH, ");
        if (nd.Verbose > 1) nd.Print($"ver {ver}, ");
        if (ver != 0) return;
        nd.Print($"flags [{(((b & 0x30000000) >> 28 & 2) != 0 ? "O" : "none")}], ");
        if (nd.Verbose > 2)
        {
            nd.Print($"TTL {(b & 0x0fc00000) >> 22}, ");
            nd.Print($"length {length}, ");
            nd.Print($"md type {md switch { 0 => "reserved", 1 => "1", 2 => "2", 0xf => "experimental", _ => $"unknown (0x{md:x2})" }}, ");
        }
        if (nd.Verbose > 1)
            nd.Print($"next-protocol"
                + $" {np switch { 1 => "IPv4", 2 => "IPv6", 3 => "Ethernet",
                    4 => "NSH", 5 => "MPLS", 0xfe => "Experiment 1", 0xff => "Experiment 2", _ => $"unknown (0x{np:x2})" }}, ");
        if (len < length * 4) { nd.Print($" (too many headers for packet length {len})"); nd.PrintInvalid(); return; }
        nd.Print($"service-path-id 0x{nd.Be24(bp):x6}, ");
        bp += 3;
        nd.Print($"service-index 0x{nd.U8(bp):x}");
        bp += 1;
        if (length < 2) { nd.Print(" (less than two headers)"); nd.PrintInvalid(); return; }
        bool past = false;
        if (nd.Verbose > 2)
        {
            if (md == 1)
            {
                if (length != 6) { nd.Print(" (invalid length for the MD type)"); nd.PrintInvalid(); return; }
                for (int n = 0; n < length - 2; n++) { nd.Print($"\n        Context[{n:D2}]: 0x{nd.Be32(bp):x8}"); bp += 4; }
                past = true;
            }
            else if (md == 2)
            {
                int n = 0;
                while (n < length - 2)
                {
                    int cls = nd.Be16(bp); bp += 2;
                    int type = nd.U8(bp); bp += 1;
                    int tl = nd.U8(bp) & 0x7f; bp += 1;
                    int padded = (tl + 3) & ~3;
                    nd.Print($"\n        TLV Class {cls}, Type {type}, Len {tl}");
                    n += 1;
                    if (length - 2 < n + padded / 4) { nd.Print(" (length too big)"); nd.PrintInvalid(); return; }
                    if (tl != 0)
                    {
                        string sep = "0x";
                        nd.Print("\n            Value: ");
                        for (int v = 0; v < tl; v++) { nd.Print($"{sep}{nd.U8(bp):x2}"); bp++; sep = ":"; }
                        if (!nd.TTest(bp, padded - tl)) { nd.PrintTrunc(); return; }
                        bp += padded - tl;
                        n += padded / 4;
                    }
                }
                past = true;
            }
        }
        if (!past)
        {
            if (!nd.TTest(bp, (length - 2) * 4)) { nd.PrintTrunc(); return; }
            bp += (length - 2) * 4;
        }
        nd.Print(nd.Verbose > 0 ? "\n    " : ": ");
        int next = len - length * 4;
        switch (np)
        {
            case 1: Ip.Print(nd, bp, next); break;
            case 2: Ip6.Print(nd, bp, next); break;
            case 3: Ether.Print(nd, bp, next, nd.Avail(bp)); break;
            default: nd.Print("ERROR: unknown-next-protocol"); break;
        }
    }

    public static void VxlanGpe(PrintContext nd, int bp, int len)
    {
        nd.Proto = "vxlan_gpe";
        nd.Print("VXLAN-GPE, ");
        if (len < 8) { nd.Print($" (len {len} < 8)"); nd.PrintInvalid(); return; }
        int flags = nd.U8(bp);
        nd.Print("flags [");
        if ((flags & 0x0f) == 0) nd.Print("none");
        else
        {
            if ((flags & 8) != 0) nd.Print("I");
            if ((flags & 4) != 0) nd.Print("P");
            if ((flags & 2) != 0) nd.Print("B");
            if ((flags & 1) != 0) nd.Print("O");
        }
        nd.Print("], ");
        int np = nd.U8(bp + 3);
        uint vni = nd.Be24(bp + 4);
        nd.Check(bp + 7, 1);
        bp += 8; len -= 8;
        nd.Print($"vni {vni}");
        nd.Print(nd.Verbose > 0 ? "\n    " : ": ");
        switch (np)
        {
            case 1: Ip.Print(nd, bp, len); break;
            case 2: Ip6.Print(nd, bp, len); break;
            case 3: Ether.Print(nd, bp, len, nd.Avail(bp)); break;
            case 4: Print(nd, bp, len); break;
            default: nd.Print("ERROR: unknown-next-protocol"); nd.PrintInvalid(); break;
        }
    }
}
