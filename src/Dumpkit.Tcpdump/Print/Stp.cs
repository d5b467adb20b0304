// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;

namespace Dumpkit.Tcpdump.Print;

/// <summary>Spanning tree BPDUs: STP, RSTP, MSTP, SPB.</summary>
/// <remarks>Specification: IEEE 802.1D (STP, RSTP), IEEE 802.1Q (MSTP, SPB).</remarks>
internal static class Stp
{
    private static void Flags(PrintContext nd, int f)
    {
        (int, string)[] tab = [(0x01, "Topology change"), (0x02, "Proposal"), (0x10, "Learn"),
            (0x20, "Forward"), (0x40, "Agreement"), (0x80, "Topology change ACK")];
        bool any = false;
        foreach (var (b, n) in tab)
            if ((f & b) != 0) { if (any) nd.Print(", "); nd.Print(n); any = true; }
        if (!any) nd.Print("none");
    }

    private static string Role(int f) => ((f & 0x0c) >> 2) switch { 1 => "Alternate", 2 => "Root", 3 => "Designated", _ => "Unknown" };

    private static void BridgeId(PrintContext nd, int p)
    {
        nd.Check(p, 8);
        nd.Print($"{nd.U8(p):x2}{nd.U8(p + 1):x2}.");
        nd.HexColon(p + 2, 6);
    }

    private static string T(int v) => ((float)v / 256).ToString("F2", CultureInfo.InvariantCulture);

    private static void Config(PrintContext nd, int p, int length)
    {
        int flags = nd.U8(p + 4);
        nd.Print(", Flags ["); Flags(nd, flags); nd.Print("]");
        nd.Check(p + 17, 10); // one print in tcpdump: bridge id, port and length
        nd.Print(", bridge-id "); BridgeId(nd, p + 17);
        nd.Print($".{nd.Be16(p + 25):x4}, length {length}");
        if (nd.Verbose == 0) return;
        nd.Print($"\n\tmessage-age {T(nd.Be16(p + 27))}s, max-age {T(nd.Be16(p + 29))}s" +
            $", hello-time {T(nd.Be16(p + 31))}s, forwarding-delay {T(nd.Be16(p + 33))}s");
        nd.Check(p + 5, 12);
        nd.Print("\n\troot-id "); BridgeId(nd, p + 5);
        nd.Print($", root-pathcost {nd.Be32(p + 13)}");
        if (nd.U8(p + 2) == 2) nd.Print($", port-role {Role(flags)}");
    }

    private static void Mstp(PrintContext nd, int p, int length)
    {
        int flags = nd.U8(p + 4);
        nd.Print(", CIST Flags ["); Flags(nd, flags); nd.Print($"], length {length}");
        if (nd.Verbose == 0) return;
        nd.Print($"\n\tport-role {Role(flags)}, ");
        nd.Check(p + 5, 12);
        nd.Print("CIST root-id "); BridgeId(nd, p + 5);
        nd.Print($", CIST ext-pathcost {nd.Be32(p + 13)}");
        nd.Check(p + 17, 8);
        nd.Print("\n\tCIST regional-root-id "); BridgeId(nd, p + 17); nd.Print(", ");
        nd.Print($"CIST port-id {nd.Be16(p + 25):x4},");
        nd.Print($"\n\tmessage-age {T(nd.Be16(p + 27))}s, max-age {T(nd.Be16(p + 29))}s" +
            $", hello-time {T(nd.Be16(p + 31))}s, forwarding-delay {T(nd.Be16(p + 33))}s");
        nd.Print($"\n\tv3len {nd.Be16(p + 36)}, ");
        nd.Print("MCID Name ");
        Text.PrintUntilNul(nd, p + 39, 32);
        nd.Print($", rev {nd.Be16(p + 71)},\n\t\tdigest {nd.Be32(p + 73):x8}{nd.Be32(p + 77):x8}{nd.Be32(p + 81):x8}{nd.Be32(p + 85):x8}, ");
        nd.Print($"CIST int-root-pathcost {nd.Be32(p + 89)},");
        nd.Check(p + 93, 8);
        nd.Print("\n\tCIST bridge-id "); BridgeId(nd, p + 93); nd.Print(", ");
        nd.Print($"CIST remaining-hops {nd.U8(p + 101)}");
        int v3len = nd.Be16(p + 36);
        if (v3len > 64)
        {
            int len = v3len - 64, off = 102;
            while (len >= 16)
            {
                int msti = nd.Be16(p + off + 1) & 0x0fff;
                int f = nd.U8(p + off);
                nd.Print($"\n\tMSTI {msti}, Flags ["); Flags(nd, f); nd.Print($"], port-role {Role(f)}");
                nd.Check(p + off + 1, 12);
                nd.Print("\n\t\tMSTI regional-root-id "); BridgeId(nd, p + off + 1);
                nd.Print($", pathcost {nd.Be32(p + off + 9)}");
                nd.Print($"\n\t\tMSTI bridge-prio {nd.U8(p + off + 13) >> 4}, port-prio {nd.U8(p + off + 14) >> 4}, hops {nd.U8(p + off + 15)}");
                len -= 16; off += 16;
            }
        }
    }

    private static void Spb(PrintContext nd, int p, int offset)
    {
        if (nd.Verbose == 0) return;
        int b = p + offset;
        nd.Print($"\n\tv4len {nd.Be16(b)}, ");
        nd.Print("AUXMCID Name ");
        Text.PrintUntilNul(nd, b + 3, 32);
        nd.Print($", Rev {nd.Be16(b + 35)},\n\t\tdigest {nd.Be32(b + 37):x8}{nd.Be32(b + 41):x8}{nd.Be32(b + 45):x8}{nd.Be32(b + 49):x8}");
        int ag = nd.U8(b + 53), fmt = nd.U8(b + 55), con = nd.U8(b + 56);
        nd.Print($"\n\tAgreement num {ag >> 6}, Discarded Agreement num {(ag >> 4) & 3}, Agreement valid-flag {(ag >> 3) & 1}," +
            $"\n\tRestricted role-flag: {(ag >> 2) & 1}, Format id {fmt >> 4} cap"
            + $" {fmt & 0xff}, Convention id {con >> 4} cap {con & 0xff},\n\tEdge count {nd.Be16(b + 57)}, Agreement digest"
            + $" {nd.Be32(b + 67):x8}{nd.Be32(b + 71):x8}{nd.Be32(b + 75):x8}{nd.Be32(b + 79):x8}{nd.Be32(b + 83):x8}");
    }

    public static void Print(PrintContext nd, int p, int length)
    {
        nd.Proto = "stp";
        if (length < 4) { nd.PrintInvalid(); return; }
        if (nd.Be16(p) != 0) { nd.Print($"unknown STP version, length {length}"); return; }
        int ver = nd.U8(p + 2);
        nd.Print("STP ");
        nd.Print(ver switch { 0 => "802.1d", 2 => "802.1w", 3 => "802.1s", 4 => "802.1aq", _ => $"Unknown STP protocol (0x{ver:x2})" });
        if (ver is not (0 or 2 or 3 or 4)) return;
        int type = nd.U8(p + 3);
        nd.Print(", ");
        nd.Print(type switch { 0 => "Config", 2 => "Rapid STP", 0x80 => "Topology Change", _ => $"Unknown BPDU Type (0x{type:x2})" });
        switch (type)
        {
            case 0:
                if (length < 35) { nd.PrintInvalid(); return; }
                Config(nd, p, length);
                break;
            case 2:
                if (ver == 2)
                {
                    if (length < 36) { nd.PrintInvalid(); return; }
                    Config(nd, p, length);
                }
                else if (ver is 3 or 4)
                {
                    if (length < 102) { nd.PrintInvalid(); return; }
                    if (nd.U8(p + 35) != 0) { nd.PrintInvalid(); return; }
                    int mstpLen = nd.Be16(p + 36) + 2;
                    if (length < 36 + mstpLen) { nd.PrintInvalid(); return; }
                    Mstp(nd, p, length);
                    if (ver == 4)
                    {
                        int spbLen = nd.Be16(p + 36 + mstpLen) + 2;
                        if (length < 36 + mstpLen + spbLen || spbLen < 87) { nd.PrintInvalid(); return; }
                        Spb(nd, p, 36 + mstpLen);
                    }
                }
                break;
        }
    }
}
