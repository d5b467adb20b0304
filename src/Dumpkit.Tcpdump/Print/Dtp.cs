// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Cisco Dynamic Trunking Protocol (SNAP OUI 0x00000c, PID 0x2004).</summary>
/// <remarks>Specification: Cisco's DTP (no public specification).</remarks>
internal static class Dtp
{
    public static void Print(PrintContext nd, int tptr, int length)
    {
        nd.Proto = "dtp";
        if (length < 1) { nd.Print("[zero packet length]"); nd.PrintInvalid(); nd.Check(tptr, length); return; }
        nd.Print($"DTPv{nd.U8(tptr)}, length {length}");
        if (nd.Verbose < 1) return;
        tptr += 1; length -= 1;
        while (length != 0)
        {
            if (length < 4) { nd.Print($"[{length} bytes remaining]"); nd.PrintInvalid(); nd.Check(tptr, length); return; }
            int type = nd.Be16(tptr), len = nd.Be16(tptr + 2);
            if (type == 0) return;
            nd.Print($"\n\t{type switch { 1 => "Domain", 2 => "Status", 3 => "DTP type", 4 => "Neighbor", _ => "Unknown" }} (0x{type:x4}) TLV, length {len}");
            if (len < 4 || len > length) { nd.Print($"[invalid TLV length {len}]"); nd.PrintInvalid(); nd.Check(tptr, length); return; }
            switch (type)
            {
                case 1:
                    nd.Print(", ");
                    for (int i = 0; i < len - 4; i++)
                    {
                        byte c = nd.U8(tptr + 4 + i);
                        if (c == 0) break;
                        Text.PrintChar(nd, c);
                    }
                    break;
                case 2:
                case 3:
                    if (len != 5) { nd.PrintInvalid(); nd.Check(tptr, length); return; }
                    nd.Print($", 0x{nd.U8(tptr + 4):x}");
                    break;
                case 4:
                    if (len != 10) { nd.PrintInvalid(); nd.Check(tptr, length); return; }
                    nd.Print(", "); nd.Mac(tptr + 4);
                    break;
                default:
                    nd.Check(tptr, len);
                    break;
            }
            tptr += len; length -= len;
        }
    }
}
