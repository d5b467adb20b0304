// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Cisco VLAN Trunking Protocol (SNAP, Cisco OUI, PID 0x2003): summary and subset advertisements with VLAN
/// information and its TLVs, advertisement requests.</summary>
/// <remarks>Specification: Cisco's VTP description ("Understanding VLAN Trunk Protocol"), VTP version 1 and 2 frame
/// formats; no RFC.</remarks>
internal static class Vtp
{
    private const int HeaderLen = 36;

    private static string MessageType(int t) => t switch
    {
        1 => "Summary advertisement", 2 => "Subset advertisement", 3 => "Advertisement request", 4 => "Join message",
        _ => "Unknown message type",
    };

    private static string TlvName(int t) => t switch
    {
        1 => "Source-Routing Ring Number TLV", 2 => "Source-Routing Bridge Number TLV", 3 => "STP type TLV", 4 => "Parent VLAN TLV",
        5 => "Translationally bridged VLANs TLV", 6 => "Pruning TLV", 7 => "Bridge Type TLV", 8 => "Max ARP Hop Count TLV",
        9 => "Max STE Hop Count TLV", 10 => "Backup CRF Mode TLV", _ => "Unknown",
    };

    public static void Print(PrintContext nd, int p, int length)
    {
        nd.Proto = "vtp";
        if (length < HeaderLen || !Body(nd, p, length)) nd.PrintInvalid();
        nd.Check(p, length);
    }

    /// <summary>The message; false when it is invalid.</summary>
    private static bool Body(PrintContext nd, int p, int length)
    {
        nd.Check(p, HeaderLen);
        int type = nd.U8(p + 1);
        nd.Print($"VTPv{nd.U8(p)}, Message {MessageType(type)} (0x{type:x2}), length {length}");
        if (nd.Verbose < 1) return true;
        nd.Print("\n\tDomain name: ");
        int dlen = nd.U8(p + 3);
        if (dlen < 1 || dlen > 32)
        {
            nd.Print($" [invalid MgmtD Len {dlen}]");
            return false;
        }
        Text.PrintUntilNul(nd, p + 4, dlen);
        string field = type switch { 1 => "Followers", 2 => "Seq number", 3 or 4 => "Rsvd", _ => "Unknown" };
        nd.Print($", {field}: {nd.U8(p + 2)}");
        int t = p + HeaderLen;
        switch (type)
        {
            case 1:
                nd.Print($"\n\t  Config Rev {nd.Be32(t):x}, Updater {nd.A4(t + 4)}");
                nd.Print($", Timestamp 0x{nd.Be32(t + 8):x8} 0x{nd.Be32(t + 12):x8} 0x{nd.Be32(t + 16):x8}");
                nd.Print($", MD5 digest: {nd.Be32(t + 20):x8}{nd.Be32(t + 24):x8}{nd.Be32(t + 28):x8}{nd.Be32(t + 32):x8}");
                break;
            case 2:
                nd.Print($", Config Rev {nd.Be32(t):x}");
                return Vlans(nd, p, t + 4, length);
            case 3:
                nd.Print($"\n\tStart value: {nd.Be32(t)}");
                break;
        }
        return true;
    }

    private static bool Vlans(PrintContext nd, int p, int t, int length)
    {
        while ((uint)(t - p) < (uint)length)
        {
            int len = nd.U8(t);
            if (len == 0) break;
            nd.Check(t, len);
            if (len < 12) return false;
            int status = nd.U8(t + 1), vtype = nd.U8(t + 2);
            string s = status switch { 0 => "Operational", 1 => "Suspended", _ => "Unknown" };
            string ty = vtype switch { 1 => "Ethernet", 2 => "FDDI", 3 => "TrCRF", 4 => "FDDI-net", 5 => "TrBRF", _ => "Unknown" };
            nd.Print($"\n\tVLAN info status {s}, type {ty}, VLAN-id {nd.Be16(t + 4)}, MTU {nd.Be16(t + 6)}, SAID 0x{nd.Be32(t + 8):x8}, Name ");
            int nameLen = nd.U8(t + 3);
            len -= 12;
            t += 12;
            int padded = 4 * ((nameLen + 3) / 4);
            if (len < padded) return false;
            Text.PrintUntilNul(nd, t, nameLen);
            len -= padded;
            t += padded;
            while (len > 0)
            {
                if (len < 2) return false;
                int tt = nd.U8(t), tl = nd.U8(t + 1);
                nd.Print($"\n\t\t{TlvName(tt)} (0x{tt:x4}) TLV");
                if (len < tl * 2 + 2)
                {
                    nd.Print(" (TLV goes past the end of the packet)");
                    return false;
                }
                nd.Check(t, tl * 2 + 2);
                if (tl != 1)
                {
                    nd.Print($" (invalid TLV length {tl} != 1)");
                    return false;
                }
                int v = nd.Be16(t + 2);
                switch (tt)
                {
                    case 9: nd.Print($", {v}"); break;
                    case 6: nd.Print($", {(v == 1 ? "Enabled" : "Disabled")} ({v})"); break;
                    case 3: nd.Print($", {v switch { 1 => "SRT", 2 => "SRB", 3 => "Auto", _ => "Unknown" }} ({v})"); break;
                    case 7: nd.Print($", {(v == 1 ? "SRB" : "SRT")} ({v})"); break;
                    case 10: nd.Print($", {(v == 1 ? "Backup" : "Not backup")} ({v})"); break;
                    default: HexDump.UnknownData(nd, t, "\n\t\t  ", 2 + tl * 2); break;
                }
                len -= 2 + tl * 2;
                t += 2 + tl * 2;
            }
        }
        return true;
    }
}
