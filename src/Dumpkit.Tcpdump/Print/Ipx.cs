// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Novell IPX (ethertype 0x8137, 802.2 SAP 0xe0, raw 802.3): header, SAP and RIP; NetBIOS/SMB payloads are
/// not decoded (as in a build without the SMB printer). SAP service types print as hex numbers.</summary>
/// <remarks>Specification: Novell's IPX specification (no RFC).</remarks>
internal static class Ipx
{
    private const int Size = 30;

    private static void Addr(PrintContext nd, int net, int node)
    {
        uint n = nd.Be32(net);
        nd.Check(node, 6);
        nd.Print($"{n:x8}.");
        nd.HexColon(node, 6); // never a name, also without -n
    }

    public static void Print(PrintContext nd, int p, int length)
    {
        nd.Proto = "ipx";
        if (!nd.Settings.LinkHeader) nd.Print("IPX ");
        // each address is printed whole or not at all (tcpdump fetches its fields before printing)
        nd.Check(p + 18, 12);
        Addr(nd, p + 18, p + 22);
        nd.Print($".{nd.Be16(p + 28):x4} > ");
        nd.Check(p + 6, 12);
        Addr(nd, p + 6, p + 10);
        nd.Print($".{nd.Be16(p + 16):x4}: ");
        length = nd.Be16(p + 2);
        if (length < Size)
        {
            nd.Print($"[length {length} < {Size}]");
            nd.PrintInvalid();
            return;
        }
        int data = p + Size;
        length -= Size;
        int skt = nd.Be16(p + 16);
        switch (skt)
        {
            case 0x0451: nd.Print($"ipx-ncp {length}"); break;
            case 0x0452: Sap(nd, data, length); break;
            case 0x0453: Rip(nd, data, length); break;
            case 0x0455: nd.Print($"ipx-netbios {length}"); break;
            case 0x0456: nd.Print($"ipx-diags {length}"); break;
            case 0x0553: nd.Print($"ipx-nwlink-dgm {length}"); break;
            case 0x85be: Eigrp.Print(nd, data, length); break;
            default: nd.Print($"ipx-#{skt:x} {length}"); break;
        }
    }

    private static void Sap(PrintContext nd, int p, int length)
    {
        int command = nd.Be16(p);
        if (length < 2) { nd.PrintInvalid(); return; }
        p += 2; length -= 2;
        switch (command)
        {
            case 1:
            case 3:
                nd.Print(command == 1 ? "ipx-sap-req" : "ipx-sap-nearest-req");
                nd.Print($" {nd.Be16(p):x4}");
                break;
            case 2:
            case 4:
                nd.Print(command == 2 ? "ipx-sap-resp" : "ipx-sap-nearest-resp");
                for (int i = 0; i < 8 && length != 0; i++)
                {
                    nd.Check(p, 2);
                    if (length < 2) { nd.PrintInvalid(); return; }
                    nd.Print($" {nd.Be16(p):x4} '");
                    p += 2; length -= 2;
                    if (length < 48) { nd.Print("'"); nd.PrintInvalid(); return; }
                    Text.PrintUntilNul(nd, p, 48);
                    nd.Print("'");
                    p += 48; length -= 48;
                    nd.Check(p, 10);
                    if (length < 10) { nd.PrintInvalid(); return; }
                    nd.Print(" addr ");
                    Addr(nd, p, p + 4);
                    p += 10; length -= 10;
                    nd.Check(p, 4);
                    if (length < 4) { nd.PrintInvalid(); return; }
                    p += 4; length -= 4;
                }
                break;
            default:
                nd.Print($"ipx-sap-?{command:x}");
                break;
        }
    }

    private static void Rip(PrintContext nd, int p, int length)
    {
        int command = nd.Be16(p);
        if (length < 2) { nd.PrintInvalid(); return; }
        p += 2; length -= 2;
        switch (command)
        {
            case 1:
                nd.Print("ipx-rip-req");
                if (length != 0)
                {
                    if (length < 8) { nd.PrintInvalid(); return; }
                    nd.Print($" {nd.Be32(p):x8}/{nd.Be16(p + 4)}.{nd.Be16(p + 6)}");
                }
                break;
            case 2:
                nd.Print("ipx-rip-resp");
                for (int i = 0; i < 50 && length != 0; i++)
                {
                    if (length < 8) { nd.PrintInvalid(); return; }
                    nd.Print($" {nd.Be32(p):x8}/{nd.Be16(p + 4)}.{nd.Be16(p + 6)}");
                    p += 8; length -= 8;
                }
                break;
            default:
                nd.Print($"ipx-rip-?{command:x}");
                break;
        }
    }
}
