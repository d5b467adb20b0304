// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Geneve (UDP 6081).</summary>
/// <remarks>Specification: RFC 8926.</remarks>
internal static class Geneve
{
    private static string OptClass(int c) => c switch
    {
        0x0100 => "Linux", 0x0101 => "Open vSwitch", 0x0102 => "Open Virtual Networking (OVN)",
        0x0103 => "In-band Network Telemetry (INT)", 0x0104 => "VMware",
        <= 0x00ff => "Standard", >= 0xfff0 => "Experimental", _ => "Unknown",
    };

    public static void Print(PrintContext nd, int bp, int len)
    {
        nd.Proto = "geneve";
        nd.Print("Geneve");
        if (len < 8) { nd.Print($" [length {len} < 8]"); nd.PrintInvalid(); return; }
        if (!nd.TTest(bp, 8)) { nd.PrintTrunc(); return; }
        int vo = nd.U8(bp);
        int version = vo >> 6;
        if (version != 0) { nd.Print($" ERROR: unknown-version {version}"); return; }
        int flags = nd.U8(bp + 1), prot = nd.Be16(bp + 2);
        uint vni = nd.Be24(bp + 4);
        int rsv = nd.U8(bp + 7);
        bp += 8; len -= 8;
        nd.Print(", Flags [");
        if (flags == 0) nd.Print("none");
        else
        {
            if ((flags & 0x80) != 0) nd.Print("O");
            if ((flags & 0x40) != 0) nd.Print("C");
            for (int i = 1; i <= 6; i++) if ((flags & (1 << (6 - i))) != 0) nd.Print($"R{i}");
        }
        nd.Print($"], vni 0x{vni:x}");
        if (rsv != 0) nd.Print($", rsvd 0x{rsv:x}");
        if (nd.Settings.LinkHeader) nd.Print($", proto {Ether.TypeName(prot) ?? "unknown"} (0x{prot:x4})");
        int optsLen = (vo & 0x3f) * 4;
        if (len < optsLen) { nd.Print($" truncated-geneve - {optsLen - len} bytes missing"); return; }
        if (!nd.TTest(bp, optsLen)) { nd.PrintTrunc(); return; }
        if (optsLen > 0)
        {
            nd.Print(", options [");
            if (nd.Verbose > 0) Options(nd, bp, optsLen);
            else nd.Print($"{optsLen} bytes");
            nd.Print("]");
        }
        bp += optsLen; len -= optsLen;
        nd.Print(nd.Verbose < 1 ? ": " : "\n\t");
        if (!Ether.EtherType(nd, prot, bp, len, nd.Avail(bp)))
        {
            if (prot == 0x6558) Ether.Print(nd, bp, len, nd.Avail(bp));
            else nd.Print($"geneve-proto-0x{prot:x}");
        }
    }

    private static void Options(PrintContext nd, int bp, int len)
    {
        string sep = "";
        while (len > 0)
        {
            nd.Print(sep);
            sep = ", ";
            int cls = nd.Be16(bp), type = nd.U8(bp + 2);
            int olen = 4 + (nd.U8(bp + 3) & 0x1f) * 4;
            nd.Print($"class {OptClass(cls)} (0x{cls:x}) type 0x{type:x}{((type & 0x80) != 0 ? "(C)" : "")} len {olen}");
            if (olen > len) { nd.Print(" [bad length]"); return; }
            if (nd.Verbose > 1 && olen > 4)
            {
                nd.Print(" data");
                for (int i = 4; i < olen; i += 4) nd.Print($" {nd.Be32(bp + i):x8}");
            }
            bp += olen; len -= olen;
        }
    }
}
