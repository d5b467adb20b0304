// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>
/// ATM as tcpdump prints it: the SunATM pseudo-header (DLT_SUNATM), RFC 1483 LLC-encapsulated frames
/// (DLT_ATM_RFC1483), the reserved VCIs of VPI 0 (Q.2931 signalling, OAM F4 cells, ILMI), OAM F4/F5 cells
/// with their CRC-10, and LAN emulation (802.3 frames after a LE header).
/// </summary>
/// <remarks>Specification: ITU-T I.610 (OAM cells), Q.2931 (signalling), RFC 2684 (formerly RFC 1483),
/// ATM Forum LANE v1.0 (af-lane-0021.000).</remarks>
internal static class Atm
{
    private const int TrafficLane = 1, TrafficLlc = 2;
    private const int OamPayloadLen = 48, OamFunctionSpecificLen = 45;
    private const int CellTypeFm = 1, CellTypePm = 2, CellTypeAd = 8;

    private static readonly Tok[] CellTypes =
    [
        new(CellTypeFm, "Fault Management"), new(CellTypePm, "Performance Management"), new(CellTypeAd, "activate/deactivate"),
        new(0xf, "System Management"),
    ];

    private static readonly Tok[] FmFuncTypes = [new(0, "AIS"), new(1, "RDI"), new(4, "Continuity Check"), new(8, "Loopback")];
    private static readonly Tok[] PmFuncTypes = [new(0, "Forward Monitoring"), new(1, "Backward Reporting"), new(2, "Monitoring and Reporting")];
    private static readonly Tok[] AdFuncTypes = [new(0, "Performance Monitoring"), new(1, "Continuity Check")];

    private static readonly Tok[] PayloadTypes =
    [
        new(0, "user data, uncongested, SDU 0"), new(1, "user data, uncongested, SDU 1"), new(2, "user data, congested, SDU 0"),
        new(3, "user data, congested, SDU 1"), new(4, "VCC OAM F5 flow segment"), new(5, "VCC OAM F5 flow end-to-end"),
        new(6, "Traffic Control and resource Mgmt"),
    ];

    private static readonly Tok[] SignallingTypes =
    [
        new(0x02, "Call_proceeding"), new(0x07, "Connect"), new(0x0f, "Connect_ack"), new(0x05, "Setup"), new(0x4d, "Release"),
        new(0x5a, "Release_complete"), new(0x46, "Restart"), new(0x4e, "Restart_ack"), new(0x7d, "Status"),
        new(0x75, "Status_enquiry"), new(0x80, "Add_party"), new(0x81, "Add_party_ack"), new(0x82, "Add_party_reject"),
        new(0x83, "Drop_party"), new(0x84, "Drop_party_ack"),
    ];

    private static readonly Tok[] LaneOpcodes =
    [
        new(0x0001, "configure request"), new(0x0101, "configure response"), new(0x0002, "join request"),
        new(0x0102, "join response"), new(0x0003, "ready query"), new(0x0103, "ready indication"),
        new(0x0004, "register request"), new(0x0104, "register response"), new(0x0005, "unregister request"),
        new(0x0105, "unregister response"), new(0x0006, "ARP request"), new(0x0106, "ARP response"),
        new(0x0007, "flush request"), new(0x0107, "flush response"), new(0x0008, "NARP request"),
        new(0x0009, "topology request"),
    ];

    /// <summary>DLT_SUNATM: direction/traffic type, VPI and VCI (4 bytes), then the AAL5 frame.</summary>
    public static int SunAtmIfPrint(PrintContext nd, int length, int caplen)
    {
        nd.Proto = "sunatm";
        if (nd.Settings.LinkHeader) nd.Print((nd.U8(0) & 0x80) != 0 ? "Tx: " : "Rx: ");
        int traffic = (nd.U8(0) & 0x0f) switch { 1 => TrafficLane, 2 => TrafficLlc, _ => 0 };
        int vpi = nd.U8(1), vci = nd.Be16(2);
        Print(nd, vpi, vci, traffic, 4, length - 4, caplen - 4);
        return 4;
    }

    /// <summary>DLT_ATM_RFC1483: a Cisco NLPID byte, an LLC header, or a Fore 802.6 MAC header before one.</summary>
    public static int Rfc1483IfPrint(PrintContext nd, int length, int caplen)
    {
        nd.Proto = "atm";
        if (nd.U8(0) == 0x03)
        {
            if (nd.Settings.LinkHeader) nd.Print("CNLPID ");
            Isoclns.Print(nd, 1, length - 1);
            return 1;
        }
        uint llc = nd.Be24(0);
        int p = 0;
        if (llc != 0xaaaa03 && llc != 0xfefe03 && llc != 0x060603)
        {
            if (nd.Settings.LinkHeader) nd.Print($"{nd.Be32(0):x8}{nd.Be32(4):x8} {nd.Be32(8):x8}{nd.Be32(12):x8} ");
            nd.Check(0, 20);
            p = 20;
            length -= 20;
            caplen -= 20;
        }
        return p + LlcPrint(nd, p, length, caplen);
    }

    /// <summary>LLC and what it carries; an unknown payload is dumped raw. Returns the header length.</summary>
    private static int LlcPrint(PrintContext nd, int p, int length, int caplen)
    {
        int hdr = Llc.Print(nd, p, length, caplen, -1);
        if (hdr < 0)
        {
            nd.DefaultPrint(p, caplen);
            hdr = -hdr;
        }
        return hdr;
    }

    /// <summary>An AAL5 frame on VPI/VCI: VPI 0's reserved VCIs, else LANE or (assumed) LLC.</summary>
    public static void Print(PrintContext nd, int vpi, int vci, int traffic, int p, int length, int caplen)
    {
        nd.Proto = "atm";
        if (nd.Settings.LinkHeader) nd.Print($"VPI:{vpi} VCI:{vci} ");
        if (vpi == 0)
        {
            switch (vci)
            {
                case 5: SignallingPrint(nd, p); return;
                case 2: nd.Print("broadcast sig: "); return;
                case 3: case 4: OamPrint(nd, p, length, true); return;
                case 1: nd.Print("meta: "); return;
                case 0x10:
                    nd.Print("ilmi: ");
                    Snmp.Print(nd, p, length);
                    return;
            }
        }
        if (traffic == TrafficLane) LanePrint(nd, p, length, caplen);
        else LlcPrint(nd, p, length, caplen);
    }

    /// <summary>UNI 3.1 signalling on VCI 5: Q.2931's message type and call reference, or the SSCOP protocol byte.</summary>
    private static void SignallingPrint(PrintContext nd, int p)
    {
        int proto = nd.U8(p);
        if (proto == 0x09)
        {
            nd.Print("Q.2931");
            int type = nd.U8(p + 5);
            nd.Print($":{Toks.Find(SignallingTypes, (uint)type) ?? $"msgtype#{type}"} ");
            nd.Print($"CALL_REF:0x{nd.Be24(p + 2):x6}");
        }
        else nd.Print($"SSCOP, proto {proto} ");
    }

    /// <summary>LAN emulation: a LE control frame (0xff00), else an Ethernet frame after the 2-byte LEC ID.</summary>
    private static void LanePrint(PrintContext nd, int p, int length, int caplen)
    {
        nd.Proto = "lane";
        if (nd.Be16(p) == 0xff00)
        {
            int op = nd.Be16(p + 4);
            nd.Print($"lec: proto {nd.U8(p + 2):x} vers {nd.U8(p + 3):x} {Toks.Find(LaneOpcodes, (uint)op) ?? $"opcode-#{op}"}");
            return;
        }
        nd.Check(p, 2);
        // the LEC ID is printed once the Ethernet printer has found a whole header, before the addresses
        if ((uint)(length - 2) >= (uint)(caplen - 2) && caplen - 2 >= 14) nd.Print($"lecid:{nd.Be16(p):x} ");
        Ether.Print(nd, p + 2, length - 2, caplen - 2);
    }

    /// <summary>An OAM cell (ITU-T I.610): the cell header (with a HEC byte after it or not), cell and function type,
    /// the loopback and AIS/RDI fields with -v, and the CRC-10 over the 48-byte payload.</summary>
    public static void OamPrint(PrintContext nd, int p, int length, bool hec)
    {
        nd.Proto = "oam";
        int h = hec ? 1 : 0;
        uint cell = nd.Be32(p + h);
        int types = nd.U8(p + 4 + h);
        int cellType = types >> 4 & 0xf, funcType = types & 0xf;
        uint vpi = cell >> 20 & 0xff, vci = cell >> 4 & 0xffff, payload = cell >> 1 & 7, clp = cell & 1;
        string f = vci switch { 3 => "OAM F4 (segment)", 4 => "OAM F4 (end)", _ => "OAM F5" };
        nd.Print($"{f}, vpi {vpi}, vci {vci}, payload [ {Toks.Find(PayloadTypes, payload) ?? "Unknown"} ], clp {clp}, length {(uint)length}");
        if (nd.Verbose == 0) return;
        nd.Print($"\n\tcell-type {Toks.Find(CellTypes, (uint)cellType) ?? "unknown"} ({cellType})");
        Tok[]? funcs = cellType switch { CellTypeFm => FmFuncTypes, CellTypePm => PmFuncTypes, CellTypeAd => AdFuncTypes, _ => null };
        if (funcs == null) nd.Print($", func-type unknown ({funcType})");
        else nd.Print($", func-type {Toks.Find(funcs, (uint)funcType) ?? "none"} ({funcType})");
        p += 4 + h;
        int body = p + 1;
        if (cellType == CellTypeFm && funcType == 8)
        {
            nd.Check(body, 45);
            nd.Print($"\n\tLoopback-Indicator {((nd.U8(body) & 1) != 0 ? "Request" : "Reply")}, Correlation-Tag 0x{nd.Be32(body + 1):x8}");
            nd.Print("\n\tLocation-ID ");
            for (int i = 1; i < 12; i += 2) nd.Print($"{nd.Be16(body + 5 + i):x4} ");
            nd.Print("\n\tSource-ID   ");
            for (int i = 1; i < 12; i += 2) nd.Print($"{nd.Be16(body + 17 + i):x4} ");
        }
        else if (cellType == CellTypeFm && funcType is 0 or 1)
        {
            nd.Check(body, 45);
            nd.Print($"\n\tFailure-type 0x{nd.U8(body):x2}");
            nd.Print("\n\tLocation-ID ");
            for (int i = 1; i < 16; i += 2) nd.Print($"{nd.Be16(body + 1 + i):x4} ");
        }
        int cksum = nd.Be16(body + OamFunctionSpecificLen) & 0x3ff;
        nd.Check(p, OamPayloadLen);
        nd.Print($"\n\tcksum 0x{cksum:x3} ({(Crc10(nd, p, OamPayloadLen) == 0 ? "" : "in")}correct)");
    }

    /// <summary>The remainder of the bytes (their last 10 bits the CRC) divided by x^10+x^9+x^5+x^4+x+1: 0 when intact.</summary>
    private static int Crc10(PrintContext nd, int p, int len)
    {
        int r = 0;
        for (int i = 0; i < len; i++)
        {
            int b = nd.U8(p + i);
            for (int bit = 7; bit >= 0; bit--)
            {
                r = r << 1 | (b >> bit & 1);
                if ((r & 0x400) != 0) r ^= 0x633;
            }
        }
        return r;
    }
}
