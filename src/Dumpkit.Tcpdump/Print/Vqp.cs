// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Cisco VLAN Query Protocol (UDP 1589): header and objects.</summary>
/// <remarks>Specification: Cisco's VMPS/VQP as described in draft "VLAN Query Protocol" and OpenVMPS; no RFC.</remarks>
internal static class Vqp
{
    private static string MsgType(int t) => t switch
    {
        1 => "Request, Join Port", 2 => "Response, VLAN", 3 => "Request, Reconfirm", 4 => "Response, Reconfirm", _ => $"unknown ({t})",
    };

    private static string Error(int e) => e switch
    {
        0 => "No error", 3 => "Access denied", 4 => "Shutdown port", 5 => "Wrong VTP domain", _ => "unknown",
    };

    private static string Obj(uint t) => t switch
    {
        0x0c01 => "Client IP Address", 0x0c02 => "Port Name", 0x0c03 => "VLAN Name", 0x0c04 => "VTP Domain",
        0x0c05 => "Ethernet Packet", 0x0c06 => "MAC Null", 0x0c08 => "MAC Address", _ => "Unknown",
    };

    public static void Print(PrintContext nd, int p, int len)
    {
        nd.Proto = "vqp";
        nd.Check(p, 8);
        if (len < 8) { nd.PrintInvalid(); return; }
        int version = nd.U8(p);
        if (version != 1) { nd.Print($"VQP version {version} packet not supported"); return; }
        int mt = nd.U8(p + 1), ec = nd.U8(p + 2);
        if (nd.Verbose < 1)
        {
            nd.Print($"VQPv{version} {MsgType(mt)} Message, error-code {Error(ec)} ({ec}), length {len}");
            return;
        }
        int items = nd.U8(p + 3);
        nd.Print($"\n\tVQPv{version}, {MsgType(mt)} Message, error-code {Error(ec)} ({ec}), seq 0x{nd.Be32(p + 4):x8}, items {items}, length {len}");
        int t = p + 8;
        uint tlen = (uint)(len - 8);
        while (items != 0 && tlen != 0)
        {
            nd.Check(t, 6);
            if (tlen < 6) { nd.PrintInvalid(); return; }
            uint type = nd.Be32(t);
            int olen = nd.Be16(t + 4);
            t += 6;
            tlen -= 6;
            nd.Print($"\n\t  {Obj(type)} Object (0x{type:x8}), length {olen}, value: ");
            if (type == 0 || olen == 0) return;
            nd.Check(t, olen);
            if (olen > tlen) { nd.PrintInvalid(); return; }
            switch (type)
            {
                case 0x0c01:
                    if (olen != 4) { nd.PrintInvalid(); return; }
                    nd.Print($"{nd.A4(t)} (0x{nd.Be32(t):x8})");
                    break;
                case 0x0c02: case 0x0c03: case 0x0c04: case 0x0c05:
                    Text.PrintUntilNul(nd, t, olen);
                    break;
                case 0x0c08: case 0x0c06:
                    if (olen != 6) { nd.PrintInvalid(); return; }
                    nd.Mac(t);
                    break;
                default:
                    if (nd.Verbose <= 1) HexDump.UnknownData(nd, t, "\n\t    ", olen);
                    break;
            }
            t += olen;
            tlen -= (uint)olen;
            items--;
        }
    }
}
