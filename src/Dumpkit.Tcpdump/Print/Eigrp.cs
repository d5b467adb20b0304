// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Cisco EIGRP (IP protocol 88): header and IP TLVs.</summary>
/// <remarks>Specification: RFC 7868.</remarks>
internal static class Eigrp
{
    private static string Op(int o) => o switch
    {
        1 => "Update", 3 => "Query", 4 => "Reply", 5 => "Hello", 6 => "IPX SAP", 7 => "Probe", _ => $"unknown ({o})",
    };

    private static string Route(PrintContext nd, int dest, int bits)
    {
        Span<byte> pfx = stackalloc byte[4];
        pfx.Clear();
        nd.Bytes(dest, (bits + 7) / 8).CopyTo(pfx);
        return nd.Ip4String(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(pfx)); // named without -n, as tcpdump's
    }

    private static void Metrics(PrintContext nd, int p)
    {
        nd.Print($"\n\t      delay {nd.Be32(p) / 100} ms, bandwidth {nd.Be32(p + 4)} Kbps, mtu {nd.Be24(p + 8)}" +
            $", hop {nd.U8(p + 11)}, reliability {nd.U8(p + 12)}, load {nd.U8(p + 13)}");
    }

    public static void Print(PrintContext nd, int p, int len)
    {
        nd.Proto = "eigrp";
        if (!nd.TTest(p, 20)) { nd.PrintTrunc(); return; }
        int ver = nd.U8(p);
        if (ver != 2) { nd.Print($"EIGRP version {ver} packet not supported"); return; }
        int op = nd.U8(p + 1);
        if (nd.Verbose < 1) { nd.Print($"EIGRP {Op(op)}, length: {len}"); return; }
        if (len < 20) { nd.Print($"EIGRP {Op(op)}, length: {len} (too short, < 20)"); return; }
        int tlen = len - 20;
        uint flags = nd.Be32(p + 4);
        nd.Print($"\n\tEIGRP v{ver}, opcode: {(op is 1 or 3 or 4 or 5 or 6 or 7 ? Op(op) : $"unknown, type: {op}")} ({op})" +
            $", chksum: 0x{nd.Be16(p + 2):x4}, Flags: [");
        (uint, string)[] fl = [(1, "Init"), (2, "Conditionally Received"), (4, "Restart"), (8, "End-of-Table")];
        bool any = false;
        foreach (var (b, n) in fl) if ((flags & b) != 0) { if (any) nd.Print(", "); nd.Print(n); any = true; }
        if (!any) nd.Print("none");
        nd.Print($"]\n\tseq: 0x{nd.Be32(p + 8):x8}, ack: 0x{nd.Be32(p + 12):x8}, VRID: {nd.Be16(p + 16)}, AS: {nd.Be16(p + 18)}, length: {tlen}");
        int t = p + 20;
        while (tlen > 0)
        {
            if (!nd.TTest(t, 4)) { nd.PrintTrunc(); return; }
            int tl = nd.Be16(t + 2), tt = nd.Be16(t);
            if (tl < 4 || tl > tlen) { HexDump.UnknownData(nd, t + 4, "\n\t    ", tlen); return; }
            string name = tt switch
            {
                1 => "General Parameters", 2 => "Authentication", 3 => "Sequence", 4 => "Software Version", 5 => "Next Multicast Sequence",
                0x102 => "IP Internal routes", 0x103 => "IP External routes", 0x202 => "AppleTalk Internal routes",
                0x203 => "AppleTalk External routes", 0x204 => "AppleTalk Cable setup", 0x302 => "IPX Internal routes",
                0x303 => "IPX External routes", _ => "Unknown",
            };
            nd.Print($"\n\t  {name} TLV (0x{tt:x4}), length: {tl}");
            int v = t + 4, vl = tl - 4;
            if (!nd.TTest(t, tl)) { nd.PrintTrunc(); return; }
            switch (tt)
            {
                case 1:
                    if (vl < 8) { nd.Print(" (too short, < 12)"); break; }
                    nd.Print($"\n\t    holdtime: {nd.Be16(v + 6)}s, k1 {nd.U8(v)}, k2 {nd.U8(v + 1)}, k3 {nd.U8(v + 2)}, k4 {nd.U8(v + 3)}, k5 {nd.U8(v + 4)}");
                    break;
                case 4:
                    if (vl < 4) { nd.Print(" (too short, < 8)"); break; }
                    nd.Print($"\n\t    IOS version: {nd.U8(v)}.{nd.U8(v + 1)}, EIGRP version {nd.U8(v + 2)}.{nd.U8(v + 3)}");
                    break;
                case 0x102:
                {
                    if (vl < 22) { nd.Print(" (too short, < 26)"); break; }
                    int bits = nd.U8(v + 20);
                    if (bits > 32) { nd.Print($"\n\t    illegal prefix length {bits}"); break; }
                    nd.Print($"\n\t    IPv4 prefix: {Route(nd, v + 21, bits),15}/{bits}, nexthop: ");
                    if (nd.Be32(v) == 0) nd.Print("self"); else nd.Print($"{nd.A4(v)}");
                    Metrics(nd, v + 4);
                    break;
                }
                case 0x103:
                {
                    if (vl < 42) { nd.Print(" (too short, < 46)"); break; }
                    int bits = nd.U8(v + 40);
                    if (bits > 32) { nd.Print($"\n\t    illegal prefix length {bits}"); break; }
                    nd.Print($"\n\t    IPv4 prefix: {Route(nd, v + 41, bits),15}/{bits}, nexthop: ");
                    if (nd.Be32(v) == 0) nd.Print("self"); else nd.Print($"{nd.A4(v)}");
                    int pid = nd.U8(v + 22);
                    string pn = pid switch
                    {
                        1 => "IGRP", 2 => "EIGRP", 3 => "Static", 4 => "RIP", 5 => "Hello", 6 => "OSPF", 7 => "IS-IS", 8 => "EGP",
                        9 => "BGP", 10 => "IDRP", 11 => "Connected", _ => "unknown",
                    };
                    nd.Print($"\n\t      origin-router {nd.A4(v + 4)}, origin-as {nd.Be32(v + 8)}, " +
                        $"origin-proto {pn}, flags [0x{nd.U8(v + 23):x2}], tag 0x{nd.Be32(v + 12):x8}, metric"
                        + $" {nd.Be32(v + 16)}");
                    Metrics(nd, v + 24);
                    break;
                }
                default:
                    if (nd.Verbose <= 1) HexDump.UnknownData(nd, v, "\n\t    ", vl);
                    break;
            }
            if (nd.Verbose > 1) HexDump.UnknownData(nd, t + 4, "\n\t    ", tl - 4);
            t += tl;
            tlen -= tl;
        }
    }
}
