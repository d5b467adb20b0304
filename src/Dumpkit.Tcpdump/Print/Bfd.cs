// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>BFD control (RFC 5880/5881/5883/7130) and echo packets.</summary>
/// <remarks>Specification: RFC 5880, RFC 5881, RFC 5883, RFC 7130.</remarks>
internal static class Bfd
{
    private static string Diag(int d) => d switch
    {
        0 => "No Diagnostic", 1 => "Control Detection Time Expired", 2 => "Echo Function Failed",
        3 => "Neighbor Signaled Session Down", 4 => "Forwarding Plane Reset", 5 => "Path Down",
        6 => "Concatenated Path Down", 7 => "Administratively Down", 8 => "Reverse Concatenated Path Down", _ => "unknown",
    };

    private static void Bits(PrintContext nd, int f, (int, string)[] tab)
    {
        bool any = false;
        foreach (var (b, n) in tab)
            if ((f & b) != 0) { if (any) nd.Print(", "); nd.Print(n); any = true; }
        if (!any) nd.Print("none");
    }

    private static readonly (int, string)[] V0Flags =
        [(0x80, "I Hear You"), (0x40, "Demand"), (0x20, "Poll"), (0x10, "Final"), (0x08, "Control Plane Independent"),
            (0x04, "Authentication Present"), (0x02, "Reserved"), (0x01, "Reserved")];

    private static readonly (int, string)[] V1Flags =
        [(0x20, "Poll"), (0x10, "Final"), (0x08, "Control Plane Independent"), (0x04, "Authentication Present"), (0x02, "Demand"), (0x01, "Multipoint")];

    private static string PortName(int p) => p switch { 3784 => "Control", 4784 => "Multihop", 6784 => "Lag", _ => $"unknown ({p})" };

    private static string State(int s) => s switch { 0 => "AdminDown", 1 => "Down", 2 => "Init", _ => "Up" };

    public static void Print(PrintContext nd, int p, int len, int port)
    {
        nd.Proto = "bfd";
        if (port is 3784 or 4784 or 6784)
        {
            if (!nd.TTest(p, 24)) { nd.PrintTrunc(); return; }
            int vd = nd.U8(p);
            int version = (vd & 0xe0) >> 5, diag = vd & 0x1f;
            int flags = nd.U8(p + 1);
            switch (version)
            {
                case 0:
                case 1:
                    if (nd.Verbose < 1)
                    {
                        if (version == 0) { nd.Print("BFDv0, Control, Flags: ["); Bits(nd, flags, V0Flags); nd.Print($"], length: {len}"); }
                        else
                        {
                            nd.Print($"BFDv1, {PortName(port)}, State {State((flags & 0xc0) >> 6)}, Flags: [");
                            Bits(nd, flags & 0x3f, V1Flags);
                            nd.Print($"], length: {len}");
                        }
                        return;
                    }
                    if (version == 0) { nd.Print($"BFDv0, length: {len}\n\tControl, Flags: ["); Bits(nd, flags, V0Flags); }
                    else
                    {
                        nd.Print($"BFDv1, length: {len}\n\t{PortName(port)}, State {State((flags & 0xc0) >> 6)}, Flags: [");
                        Bits(nd, flags & 0x3f, V1Flags);
                    }
                    nd.Print($"], Diagnostic: {Diag(diag)} (0x{diag:x2})");
                    int mult = nd.U8(p + 2);
                    uint tx = nd.Be32(p + 12);
                    nd.Print($"\n\tDetection Timer Multiplier: {mult} ({(uint)(mult * tx) / 1000} ms Detection time), BFD Length: {nd.U8(p + 3)}");
                    nd.Print($"\n\tMy Discriminator: 0x{nd.Be32(p + 4):x8}");
                    nd.Print($", Your Discriminator: 0x{nd.Be32(p + 8):x8}");
                    nd.Print($"\n\t  Desired min Tx Interval:    {tx / 1000,4} ms");
                    nd.Print($"\n\t  Required min Rx Interval:   {nd.Be32(p + 16) / 1000,4} ms");
                    nd.Print($"\n\t  Required min Echo Interval: {nd.Be32(p + 20) / 1000,4} ms");
                    if ((flags & 0x04) != 0) Auth(nd, p + 24);
                    break;
                default:
                    nd.Print($"BFDv{version}, Control, length: {len}");
                    if (nd.Verbose >= 1) HexDump.UnknownData(nd, p, "\n\t", len);
                    break;
            }
        }
        else if (port == 3785)
        {
            nd.Print($"BFD, Echo, length: {len}");
            if (nd.Verbose >= 1) HexDump.UnknownData(nd, p, "\n\t", len);
        }
        else
        {
            nd.Print($"BFD, unknown ({port}), length: {len}");
            if (nd.Verbose >= 1) HexDump.UnknownData(nd, p, "\n\t", len);
        }
    }

    private static void Auth(PrintContext nd, int p)
    {
        if (!nd.TTest(p, 2)) { nd.PrintTrunc(); return; }
        int type = nd.U8(p), alen = nd.U8(p + 1);
        string tn = type switch
        {
            1 => "Simple Password", 2 => "Keyed MD5", 3 => "Meticulous Keyed MD5", 4 => "Keyed SHA1", 5 => "Meticulous Keyed SHA1",
            _ => "Unknown",
        };
        nd.Print($"\n\tAuthentication: {tn} ({type}), length: {alen}");
        p += 2;
        nd.Print($"\n\t  Auth Key ID: {nd.U8(p)}");
        switch (type)
        {
            case 1:
                if (alen < 4 || alen > 19) { nd.Print($"[invalid length {alen}]"); break; }
                p++;
                nd.Print(", Password: ");
                for (int i = 0; i < alen - 3; i++) Text.PrintChar(nd, nd.U8(p + i));
                break;
            case 2:
            case 3:
            case 4:
            case 5:
            {
                bool md5 = type <= 3;
                if (alen != (md5 ? 24 : 28)) { nd.Print($"[invalid length {alen}]"); break; }
                p += 2;
                nd.Print($", Sequence Number: 0x{nd.Be32(p):x8}");
                p += 4;
                int hl = md5 ? 16 : 20;
                if (!nd.TTest(p, hl)) { nd.PrintTrunc(); return; }
                nd.Print(md5 ? "\n\t  Digest: " : "\n\t  Hash: ");
                for (int i = 0; i < hl; i++) nd.Out.PutHex2(nd.U8(p + i));
                break;
            }
        }
    }
}
