// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Cisco UniDirectional Link Detection (SNAP OUI 0x00000c, PID 0x0111).</summary>
/// <remarks>Specification: RFC 5171.</remarks>
internal static class Udld
{
    public static void Print(PrintContext nd, int tptr, int length)
    {
        nd.Proto = "udld";
        if (length < 4) { nd.PrintInvalid(); nd.Check(tptr, length); return; }
        int b = nd.U8(tptr);
        int ver = (b & 0xe0) >> 5, code = b & 0x1f;
        tptr++; length--;
        int flags = nd.U8(tptr);
        tptr++; length--;
        nd.Print($"UDLDv{ver}, Code {code switch { 1 => "Probe message", 2 => "Echo message", 3 => "Flush message", _ => "Reserved" }} ({code:x}), Flags [");
        string[] fn = ["RT", "RSY", "MBZ-2", "MBZ-3", "MBZ-4", "MBZ-5", "MBZ-6", "MBZ-7"];
        bool any = false;
        for (int i = 0; i < 8; i++)
            if ((flags & (1 << i)) != 0) { if (any) nd.Print(", "); nd.Print(fn[i]); any = true; }
        if (!any) nd.Print("none");
        nd.Print($"] (0x{flags:x2}), length {length + 2}");
        if (nd.Verbose < 1) { nd.Check(tptr, length); return; }
        nd.Print($"\n\tChecksum 0x{nd.Be16(tptr):x4} (unverified)");
        tptr += 2; length -= 2;
        while (length != 0)
        {
            if (length < 4) { nd.PrintInvalid(); nd.Check(tptr, length); return; }
            int type = nd.Be16(tptr);
            tptr += 2; length -= 2;
            int len = nd.Be16(tptr);
            tptr += 2; length -= 2;
            string tn = type switch
            {
                1 => "Device-ID TLV", 2 => "Port-ID TLV", 3 => "Echo TLV", 4 => "Message Interval TLV", 5 => "Timeout Interval TLV",
                6 => "Device Name TLV", 7 => "Sequence Number TLV", _ => "Unknown",
            };
            nd.Print($"\n\t{tn} (0x{type:x4}) TLV, length {len}");
            if (len <= 4) { nd.PrintInvalid(); nd.Check(tptr, length); return; }
            len -= 4;
            if (length < len) { nd.PrintInvalid(); nd.Check(tptr, length); return; }
            switch (type)
            {
                case 1: case 2: case 6:
                    nd.Print(", ");
                    for (int i = 0; i < len; i++)
                    {
                        byte c = nd.U8(tptr + i);
                        if (c == 0) break;
                        Text.PrintChar(nd, c);
                    }
                    break;
                case 3:
                    nd.Print(", ");
                    for (int i = 0; i < len; i++) Text.PrintChar(nd, nd.U8(tptr + i));
                    break;
                case 4: case 5:
                    if (len != 1) { nd.PrintInvalid(); nd.Check(tptr, length); return; }
                    nd.Print($", {nd.U8(tptr)}s");
                    break;
                case 7:
                    if (len != 4) { nd.PrintInvalid(); nd.Check(tptr, length); return; }
                    nd.Print($", {nd.Be32(tptr)}");
                    break;
                default:
                    nd.Check(tptr, len);
                    break;
            }
            tptr += len; length -= len;
        }
    }
}
