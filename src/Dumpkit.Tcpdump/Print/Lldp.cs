// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>LLDP (IEEE 802.1AB, ethertype 0x88cc): basic TLVs, and at -v the 802.1 (incl. DCB and EVB), 802.3,
/// TIA LLDP-MED, IANA MUD-URL and DCBX organisation-specific TLVs.</summary>
/// <remarks>Specification: IEEE 802.1AB, IEEE 802.1Q and 802.3 annexes, ANSI/TIA-1057 (LLDP-MED), RFC 8520 (MUD).</remarks>
internal static class Lldp
{
    private static readonly Tok[] CapValues =
    [
        new(1, "Other"), new(2, "Repeater"), new(4, "Bridge"), new(8, "WLAN AP"), new(16, "Router"), new(32, "Telephone"),
        new(64, "Docsis"), new(128, "Station Only"),
    ];
    private static readonly Tok[] PortProtocolId = [new(2, "supported"), new(4, "enabled")];
    private static readonly Tok[] Aggregation = [new(1, "supported"), new(2, "enabled")];
    private static readonly Tok[] Autoneg = [new(1, "supported"), new(2, "enabled")];
    private static readonly Tok[] PmdCapability =
    [
        new(1 << 14, "10BASE-T hdx"), new(1 << 13, "10BASE-T fdx"), new(1 << 12, "100BASE-T4"), new(1 << 11, "100BASE-TX hdx"),
        new(1 << 10, "100BASE-TX fdx"), new(1 << 9, "100BASE-T2 hdx"), new(1 << 8, "100BASE-T2 fdx"), new(1 << 7, "Pause for fdx links"),
        new(1 << 6, "Asym PAUSE for fdx"), new(1 << 5, "Sym PAUSE for fdx"), new(1 << 4, "Asym and Sym PAUSE for fdx"),
        new(1 << 3, "1000BASE-{X LX SX CX} hdx"), new(1 << 2, "1000BASE-{X LX SX CX} fdx"), new(1 << 1, "1000BASE-T hdx"),
        new(1, "1000BASE-T fdx"),
    ];
    private static readonly Tok[] Mdi = [new(1, "PSE"), new(2, "supported"), new(4, "enabled"), new(8, "can be controlled")];
    private static readonly Tok[] TiaCapabilities =
    [
        new(1, "LLDP-MED capabilities"), new(2, "network policy"), new(4, "location identification"),
        new(8, "extended power via MDI-PSE"), new(16, "extended power via MDI-PD"), new(32, "Inventory"),
    ];
    private static readonly Tok[] NetworkPolicyBits = [new(0x80, "Unknown"), new(0x40, "Tagged"), new(0x20, "reserved")];

    private static readonly string[] MauTypes =
    [
        "Unknown", "AUI", "10BASE_5", "FOIRL", "10BASE2", "10BASET duplex mode unknown", "10BASEFP", "10BASEFB",
        "10BASEFL duplex mode unknown", "10BROAD36", "10BASET hdx", "10BASET fdx", "10BASEFL hdx", "10BASEFL fdx", "100BASET4",
        "100BASETX hdx", "100BASETX fdx", "100BASEFX hdx", "100BASEFX fdx", "100BASET2 hdx", "100BASET2 fdx", "1000BASEX hdx",
        "1000BASEX fdx", "1000BASELX hdx", "1000BASELX fdx", "1000BASESX hdx", "1000BASESX fdx", "1000BASECX hdx",
        "1000BASECX fdx", "1000BASET hdx", "1000BASET fdx", "10GBASEX", "10GBASELX4", "10GBASER", "10GBASEER", "10GBASELR",
        "10GBASESR", "10GBASEW", "10GBASEEW", "10GBASELW", "10GBASESW",
    ];

    private static string? TlvName(int t) => t switch
    {
        0 => "End", 1 => "Chassis ID", 2 => "Port ID", 3 => "Time to Live", 4 => "Port Description", 5 => "System Name",
        6 => "System Description", 7 => "System Capabilities", 8 => "Management Address", 127 => "Organization specific", _ => null,
    };

    private static string? ChassisSubtype(int s) => s switch
    {
        1 => "Chassis component", 2 => "Interface alias", 3 => "Port component", 4 => "MAC address", 5 => "Network address",
        6 => "Interface name", 7 => "Local", _ => null,
    };

    private static string? PortSubtype(int s) => s switch
    {
        1 => "Interface alias", 2 => "Port component", 3 => "MAC address", 4 => "Network Address", 5 => "Interface Name",
        6 => "Agent circuit ID", 7 => "Local", _ => null,
    };

    private static void Bits(PrintContext nd, Tok[] t, string none, uint v) => Toks.Bits(nd, t, none, v);

    /// <summary>"AFI name (n): address", or false when the address does not fit.</summary>
    private static bool NetworkAddr(PrintContext nd, int p, int len)
    {
        if (len < 1) return false;
        len--;
        int af = nd.U8(p);
        switch (af)
        {
            case 1:
                if (len < 4) return false;
                nd.Print($"AFI {AddressFamily.Name(af)} ({af}): {nd.A4(p + 1)}");
                return true;
            case 2:
                if (len < 16) return false;
                nd.Print($"AFI {AddressFamily.Name(af)} ({af}): {nd.A6(p + 1)}");
                return true;
            case 6:
                if (len < 6) return false;
                nd.Check(p + 1, 6);
                nd.Print($"AFI {AddressFamily.Name(af)} ({af}): ");
                nd.Mac(p + 1);
                return true;
            default:
                nd.Print($"AFI {AddressFamily.Name(af) ?? "Unknown"} ({af}), no AF printer !");
                return true;
        }
    }

    private static bool NetworkAddrFits(PrintContext nd, int p, int len)
    {
        if (len < 1) return false;
        int af = nd.U8(p);
        return af switch { 1 => len - 1 >= 4, 2 => len - 1 >= 16, 6 => len - 1 >= 6, _ => true };
    }

    public static void Print(PrintContext nd, int p, int len)
    {
        nd.Proto = "lldp";
        int tlen = len;
        nd.Print($"LLDP, length {(uint)len}");
        bool v = nd.Verbose > 0;
        while (tlen >= 2)
        {
            nd.Check(p, 2);
            int tlv = nd.Be16(p);
            int type = tlv >> 9, tl = tlv & 0x1ff;
            bool hexdump = false;
            tlen -= 2;
            p += 2;
            if (v) nd.Print($"\n\t{TlvName(type) ?? "Unknown"} TLV ({type}), length {tl}");
            if (type == 0 || tl == 0) break;
            nd.Check(p, tl);
            if (tlen < tl) { nd.PrintTrunc(); return; }
            switch (type)
            {
                case 1:
                case 2:
                    if (!v) break;
                    {
                        if (tl < 2) { nd.PrintTrunc(); return; }
                        int st = nd.U8(p);
                        bool chassis = type == 1;
                        nd.Print($"\n\t  Subtype {(chassis ? ChassisSubtype(st) : PortSubtype(st)) ?? "Unknown"} ({st}): ");
                        int mac = chassis ? 4 : 3, net = chassis ? 5 : 4;
                        if (st == mac)
                        {
                            if (tl < 7) { nd.PrintTrunc(); return; }
                            nd.Mac(p + 1);
                        }
                        else if (st == net)
                        {
                            if (!NetworkAddrFits(nd, p + 1, tl - 1)) { nd.PrintTrunc(); return; }
                            NetworkAddr(nd, p + 1, tl - 1);
                        }
                        else if (st is >= 1 and <= 7) Text.PrintUntilNul(nd, p + 1, tl - 1);
                        else hexdump = true;
                    }
                    break;
                case 3:
                    if (!v) break;
                    if (tl < 2) { nd.PrintTrunc(); return; }
                    nd.Print($": TTL {nd.Be16(p)}s");
                    break;
                case 4:
                    if (!v) break;
                    nd.Print(": ");
                    Text.PrintUntilNul(nd, p, tl);
                    break;
                case 5:
                    nd.Print(": ");
                    Text.PrintUntilNul(nd, p, tl);
                    break;
                case 6:
                    if (!v) break;
                    nd.Print("\n\t  ");
                    Text.PrintUntilNul(nd, p, tl);
                    break;
                case 7:
                    if (!v) break;
                    {
                        if (tl < 4) { nd.PrintTrunc(); return; }
                        int cap = nd.Be16(p), ena = nd.Be16(p + 2);
                        nd.Print("\n\t  System  Capabilities [");
                        Bits(nd, CapValues, "none", (uint)cap);
                        nd.Print($"] (0x{cap:x4})");
                        nd.Print("\n\t  Enabled Capabilities [");
                        Bits(nd, CapValues, "none", (uint)ena);
                        nd.Print($"] (0x{ena:x4})");
                    }
                    break;
                case 8:
                    if (v && !MgmtAddr(nd, p, tl)) { nd.PrintTrunc(); return; }
                    break;
                case 127:
                    if (!v) break;
                    {
                        if (tl < 3) { nd.PrintTrunc(); return; }
                        uint oui = nd.Be24(p);
                        nd.Print($": OUI {Llc.Oui(oui) ?? "Unknown"} (0x{oui:x6})");
                        hexdump = oui switch
                        {
                            0x0080c2 => Private8021(nd, p, tl),
                            0x00120f => Private8023(nd, p, tl),
                            0x00005e => PrivateIana(nd, p, tl),
                            0x0012bb => PrivateTia(nd, p, tl),
                            0x001b21 => PrivateDcbx(nd, p, tl),
                            _ => true,
                        };
                    }
                    break;
                default:
                    hexdump = true;
                    break;
            }
            if (nd.Verbose > 1 || (v && hexdump)) HexDump.UnknownData(nd, p, "\n\t  ", tl);
            tlen -= tl;
            p += tl;
        }
    }

    private static bool MgmtAddr(PrintContext nd, int p, int len)
    {
        int tlen = len;
        if (tlen < 1) return false;
        int alen = nd.U8(p);
        p++; tlen--;
        if (tlen < alen) return false;
        if (!NetworkAddrFits(nd, p, alen)) return false;
        int af = nd.U8(p);
        nd.Check(p, af switch { 1 => 5, 2 => 17, 6 => 7, _ => 1 });
        nd.Print($"\n\t  Management Address length {alen}, ");
        NetworkAddr(nd, p, alen);
        p += alen; tlen -= alen;
        if (tlen < 5) return false;
        int st = nd.U8(p);
        string? sn = st switch { 2 => "Interface Index", 3 => "System Port Number", _ => null };
        nd.Print($"\n\t  {sn ?? "Unknown"} Interface Numbering ({st}): {nd.Be32(p + 1)}");
        p += 5; tlen -= 5;
        if (tlen != 0)
        {
            int oidLen = nd.U8(p);
            if (tlen < 1 + oidLen) return false;
            if (oidLen != 0)
            {
                nd.Print($"\n\t  OID length {oidLen}");
                Text.PrintUntilNul(nd, p + 1, oidLen);
            }
        }
        return true;
    }

    private static void BitRow(PrintContext nd, int tval)
    {
        nd.Print("\n\t     Priority : 0  1  2  3  4  5  6  7");
        nd.Print("\n\t     Value    : ");
        for (int i = 0; i < 8; i++) nd.Print($"{(tval >> i) & 1,-2} ");
    }

    private static void Row8(PrintContext nd, string head, string label, int p, bool nibbles)
    {
        nd.Print(head);
        nd.Print(label);
        for (int i = 0; i < 8; i++)
        {
            int val = nibbles ? (i % 2 == 0 ? nd.U8(p + i / 2) >> 4 : nd.U8(p + i / 2) & 0x0f) : nd.U8(p + i);
            nd.Print($"{val,-3}");
            if (i < 7) nd.Print(' ');
        }
    }

    private static void EtsTables(PrintContext nd, int p)
    {
        Row8(nd, "\n\t    Priority Assignment Table\n\t     Priority : 0   1   2   3   4   5   6   7", "\n\t     Value    : ", p + 5, true);
        Row8(nd, "\n\t    TC Bandwidth Table\n\t     TC%   : 0   1   2   3   4   5   6   7", "\n\t     Value : ", p + 9, false);
        Row8(nd, "\n\t    TSA Assignment Table\n\t     Traffic Class: 0   1   2   3   4   5   6   7", "\n\t     Value        : ", p + 17, false);
    }

    private static bool Private8021(PrintContext nd, int p, int tl)
    {
        if (tl < 4) return false;
        int st = nd.U8(p + 3);
        string? name = st switch
        {
            1 => "Port VLAN Id", 2 => "Port and Protocol VLAN ID", 3 => "VLAN name", 4 => "Protocol Identity", 7 => "Link aggregation",
            8 => "Congestion Notification", 9 => "ETS Configuration", 10 => "ETS Recommendation",
            11 => "Priority Flow Control Configuration", 12 => "Application Priority", 13 => "EVB", 14 => "CDCP", _ => null,
        };
        nd.Print($"\n\t  {name ?? "unknown"} Subtype ({st})");
        switch (st)
        {
            case 1:
                if (tl < 6) return false;
                nd.Print($"\n\t    port vlan id (PVID): {nd.Be16(p + 4)}");
                break;
            case 2:
            {
                if (tl < 7) return false;
                int f = nd.U8(p + 4);
                nd.Print($"\n\t    port and protocol vlan id (PPVID): {nd.Be16(p + 5)}, flags [");
                Bits(nd, PortProtocolId, "none", (uint)f);
                nd.Print($"] (0x{f:x2})");
                break;
            }
            case 3:
            {
                if (tl < 6) return false;
                nd.Print($"\n\t    vlan id (VID): {nd.Be16(p + 4)}");
                if (tl < 7) return false;
                int sl = nd.U8(p + 6);
                if (tl < 7 + sl) return false;
                nd.Print("\n\t    vlan name: ");
                Text.PrintUntilNul(nd, p + 7, sl);
                break;
            }
            case 4:
            {
                if (tl < 5) return false;
                int sl = nd.U8(p + 4);
                if (tl < 5 + sl) return false;
                nd.Print("\n\t    protocol identity: ");
                Text.PrintUntilNul(nd, p + 5, sl);
                break;
            }
            case 7:
                if (tl < 9) return false;
                nd.Print("\n\t    aggregation status [");
                Bits(nd, Aggregation, "none", nd.U8(p + 4));
                nd.Print($"], aggregation port ID {nd.Be32(p + 5)}");
                break;
            case 8:
                if (tl < 6) return false;
                nd.Print("\n\t    Pre-Priority CNPV Indicator");
                BitRow(nd, nd.U8(p + 4));
                nd.Print("\n\t    Pre-Priority Ready Indicator");
                BitRow(nd, nd.U8(p + 5));
                break;
            case 9:
            {
                if (tl < 25) return false;
                int t = nd.U8(p + 4);
                nd.Print($"\n\t    Willing:{t >> 7}, CBS:{(t >> 6) & 0x02}, RES:{(t >> 3) & 0x07}, Max TCs:{t & 0x07}");
                EtsTables(nd, p);
                break;
            }
            case 10:
                if (tl < 25) return false;
                nd.Print($"\n\t    RES: {nd.U8(p + 4)}");
                EtsTables(nd, p);
                break;
            case 11:
            {
                if (tl < 6) return false;
                int t = nd.U8(p + 4);
                nd.Print($"\n\t    Willing: {t >> 7}, MBC: {(t >> 6) & 1}, RES: {(t >> 4) & 3}, PFC cap:{t & 0x0f} ");
                nd.Print("\n\t    PFC Enable");
                BitRow(nd, nd.U8(p + 5));
                break;
            }
            case 12:
            {
                if (tl < 5) return false;
                nd.Print($"\n\t    RES: {nd.U8(p + 4)}");
                if (tl <= 5) return false;
                int sl = tl - 5;
                if (sl % 3 != 0) return false;
                nd.Print("\n\t    Application Priority Table");
                for (int i = 0; i < sl; i += 3)
                {
                    int t = nd.U8(p + i + 5);
                    nd.Print($"\n\t      Priority: {t >> 5}, RES: {(t >> 3) & 3}, Sel: {t & 7}, Protocol ID: {nd.Be16(p + i + 6)}");
                }
                break;
            }
            case 13:
            {
                if (tl < 9) return false;
                nd.Print("\n\t    EVB Bridge Status");
                int t = nd.U8(p + 4);
                nd.Print($"\n\t      RES: {t >> 3}, BGID: {(t >> 2) & 1}, RRCAP: {(t >> 1) & 1}, RRCTR: {t & 1}");
                nd.Print("\n\t    EVB Station Status");
                t = nd.U8(p + 5);
                nd.Print($"\n\t      RES: {t >> 4}, SGID: {(t >> 3) & 1}, RRREQ: {(t >> 2) & 1},RRSTAT: {t & 3}");
                t = nd.U8(p + 6);
                nd.Print($"\n\t    R: {t >> 5}, RTE: {t & 0x1f}, ");
                t = nd.U8(p + 7);
                string mode = (t >> 6) switch { 0 => "Not Supported", 1 => "EVB Bridge", 2 => "EVB Station", _ => "Reserved for future Standardization" };
                nd.Print($"EVB Mode: {mode} [{t >> 6}]");
                nd.Print($"\n\t    ROL: {(t >> 5) & 1}, RWD: {t & 0x1f}, ");
                t = nd.U8(p + 8);
                nd.Print($"RES: {t >> 6}, ROL: {(t >> 5) & 1}, RKA: {t & 0x1f}");
                break;
            }
            case 14:
            {
                if (tl < 8) return false;
                int t = nd.U8(p + 4);
                nd.Print($"\n\t    Role: {t >> 7}, RES: {(t >> 4) & 7}, Scomp: {(t >> 3) & 1} ");
                nd.Print($"ChnCap: {nd.Be16(p + 6) & 0x0fff}");
                int sl = tl - 8;
                if (sl % 3 != 0) return false;
                for (int i = 0; i < sl; i += 3)
                {
                    uint x = nd.Be24(p + i + 8);
                    nd.Print($"\n\t    SCID: {x >> 12}, SVID: {x & 0xfff}");
                }
                break;
            }
            default:
                return true;
        }
        return false;
    }

    private static bool Private8023(PrintContext nd, int p, int tl)
    {
        if (tl < 4) return false;
        int st = nd.U8(p + 3);
        string? name = st switch { 1 => "MAC/PHY configuration/status", 2 => "Power via MDI", 3 => "Link aggregation", 4 => "Max frame size", _ => null };
        nd.Print($"\n\t  {name ?? "unknown"} Subtype ({st})");
        switch (st)
        {
            case 1:
            {
                if (tl < 9) return false;
                int an = nd.U8(p + 4), pmd = nd.Be16(p + 5), mau = nd.Be16(p + 7);
                nd.Print("\n\t    autonegotiation [");
                Bits(nd, Autoneg, "none", (uint)an);
                nd.Print($"] (0x{an:x2})");
                nd.Print("\n\t    PMD autoneg capability [");
                Bits(nd, PmdCapability, "unknown", (uint)pmd);
                nd.Print($"] (0x{pmd:x4})");
                nd.Print($"\n\t    MAU type {(mau < MauTypes.Length ? MauTypes[mau] : "unknown")} (0x{mau:x4})");
                break;
            }
            case 2:
            {
                if (tl < 7) return false;
                nd.Print("\n\t    MDI power support [");
                Bits(nd, Mdi, "none", nd.U8(p + 4));
                int pair = nd.U8(p + 5), cls = nd.U8(p + 6);
                nd.Print($"], power pair {pair switch { 1 => "signal", 2 => "spare", _ => "unknown" }}" +
                    $", power class {(cls is >= 1 and <= 5 ? $"class{cls - 1}" : "unknown")}");
                break;
            }
            case 3:
                if (tl < 9) return false;
                nd.Print("\n\t    aggregation status [");
                Bits(nd, Aggregation, "none", nd.U8(p + 4));
                nd.Print($"], aggregation port ID {nd.Be32(p + 5)}");
                break;
            case 4:
                if (tl < 6) return false;
                nd.Print($"\n\t    MTU size {nd.Be16(p + 4)}");
                break;
            default:
                return true;
        }
        return false;
    }

    private static bool PrivateIana(PrintContext nd, int p, int tl)
    {
        if (tl < 8) return false;
        int st = nd.U8(p + 3);
        nd.Print($"\n\t  {(st == 1 ? "MUD-URL" : "unknown")} Subtype ({st})");
        if (st != 1) return true;
        nd.Print("\n\t  MUD-URL=");
        for (int i = 4; i < tl; i++) Text.PrintChar(nd, nd.U8(p + i));
        return false;
    }

    private static ulong LatLon(PrintContext nd, int p) => ((ulong)(nd.U8(p) & 3) << 32) | nd.Be32(p + 1);

    private static bool PrivateTia(PrintContext nd, int p, int tl)
    {
        if (tl < 4) return false;
        int st = nd.U8(p + 3);
        string? name = st switch
        {
            1 => "LLDP-MED Capabilities", 2 => "Network policy", 3 => "Location identification", 4 => "Extended power-via-MDI",
            5 => "Inventory - hardware revision", 6 => "Inventory - firmware revision", 7 => "Inventory - software revision",
            8 => "Inventory - serial number", 9 => "Inventory - manufacturer name", 10 => "Inventory - model name",
            11 => "Inventory - asset ID", _ => null,
        };
        nd.Print($"\n\t  {name ?? "unknown"} Subtype ({st})");
        switch (st)
        {
            case 1:
            {
                if (tl < 7) return false;
                int caps = nd.Be16(p + 4), dt = nd.U8(p + 6);
                nd.Print("\n\t    Media capabilities [");
                Bits(nd, TiaCapabilities, "none", (uint)caps);
                nd.Print($"] (0x{caps:x4})");
                string? dn = dt switch { 1 => "endpoint class 1", 2 => "endpoint class 2", 3 => "endpoint class 3", 4 => "network connectivity", _ => null };
                nd.Print($"\n\t    Device type [{dn ?? "unknown"}] (0x{dt:x2})");
                break;
            }
            case 2:
            {
                if (tl < 8) return false;
                int app = nd.U8(p + 4);
                string? an = app switch
                {
                    1 => "voice", 2 => "voice signaling", 3 => "guest voice", 4 => "guest voice signaling", 5 => "softphone voice",
                    6 => "video conferencing", 7 => "streaming video", 8 => "video signaling", _ => null,
                };
                nd.Print($"\n\t    Application type [{an ?? "none"}] (0x{app:x2})");
                nd.Print(", Flags [");
                Bits(nd, NetworkPolicyBits, "none", nd.U8(p + 5));
                nd.Print("]");
                nd.Print($"\n\t    Vlan id {(nd.Be16(p + 5) & 0x1ffe) >> 1}");
                nd.Print($", L2 priority {(nd.Be16(p + 6) & 0x01ff) >> 6}");
                nd.Print($", DSCP value {nd.Be16(p + 6) & 0x3f}");
                break;
            }
            case 3:
            {
                if (tl < 5) return false;
                int fmt = nd.U8(p + 4);
                string? fn = fmt switch { 1 => "coordinate-based LCI", 2 => "civic address LCI", 3 => "ECS ELIN", _ => null };
                nd.Print($"\n\t    Location data format {fn ?? "unknown"} (0x{fmt:x2})");
                switch (fmt)
                {
                    case 1:
                    {
                        if (tl < 21) return false;
                        nd.Print($"\n\t    Latitude resolution {nd.U8(p + 5) >> 2}, latitude value {LatLon(nd, p + 5)}");
                        nd.Print($"\n\t    Longitude resolution {nd.U8(p + 10) >> 2}, longitude value {LatLon(nd, p + 10)}");
                        int at = nd.U8(p + 15) >> 4;
                        nd.Print($"\n\t    Altitude type {at switch { 1 => "meters", 2 => "floors", _ => "unknown" }} ({at})");
                        nd.Print($"\n\t    Altitude resolution {(nd.Be16(p + 15) >> 6) & 0x3f}, altitude value 0x{nd.Be32(p + 16) & 0x3fffffff:x}");
                        int datum = nd.U8(p + 20);
                        string? dn = datum switch
                        {
                            1 => "World Geodesic System 1984", 2 => "North American Datum 1983 (NAVD88)",
                            3 => "North American Datum 1983 (MLLW)", _ => null,
                        };
                        nd.Print($"\n\t    Datum {dn ?? "unknown"} (0x{datum:x2})");
                        break;
                    }
                    case 2:
                    {
                        if (tl < 6) return false;
                        int lci = nd.U8(p + 5);
                        if (lci < 3) return false;
                        if (tl < 7 + lci) return false;
                        int what = nd.U8(p + 6);
                        string? wn = what switch
                        {
                            0 => "location of DHCP server",
                            1 => "location of the network element believed to be closest to the client",
                            2 => "location of the client", _ => null,
                        };
                        nd.Print($"\n\t    LCI length {lci}, LCI what {wn ?? "unknown"} (0x{what:x2}), Country-code ");
                        Text.PrintUntilNul(nd, p + 7, 2);
                        lci -= 3;
                        int q = p + 9;
                        while (lci > 0)
                        {
                            if (lci < 2) return false;
                            int caType = nd.U8(q), caLen = nd.U8(q + 1);
                            q += 2;
                            lci -= 2;
                            string? cn = caType switch
                            {
                                1 => "national subdivisions (state,canton,region,province,prefecture)", 2 => "county, parish, gun, district",
                                3 => "city, township, shi", 4 => "city division, borough, city district, ward chou",
                                5 => "neighborhood, block", 6 => "street", _ => null,
                            };
                            nd.Print($"\n\t      CA type '{cn ?? "unknown"}' ({caType}), length {caLen}: ");
                            if (caType == 0 || caLen == 0) return false;
                            if (lci < caLen) return false;
                            Text.PrintUntilNul(nd, q, caLen);
                            q += caLen;
                            lci -= caLen;
                        }
                        break;
                    }
                    case 3:
                        nd.Print("\n\t    ECS ELIN id ");
                        Text.PrintUntilNul(nd, p + 5, tl - 5);
                        break;
                    default:
                        nd.Print("\n\t    Location ID ");
                        HexDump.UnknownData(nd, p + 5, "\n\t      ", tl - 5);
                        break;
                }
                break;
            }
            case 4:
            {
                if (tl < 7) return false;
                int b = nd.U8(p + 4);
                // tcpdump tests (b & (0xC0 >> 6)), i.e. the two low bits
                nd.Print($"\n\t    Power type [{((b & 3) != 0 ? "PD device" : "PSE device")}]");
                int src = (b & 0x30) >> 4;
                string? sn = src switch { 1 => "PSE - primary power source", 2 => "local - backup power source", 3 => "PSE+local - reserved", _ => null };
                nd.Print($", Power source [{sn ?? "none"}]");
                int pr = b & 0x0f;
                string? pn = pr switch { 1 => "critical", 2 => "high", 3 => "low", _ => null };
                nd.Print($"\n\t    Power priority [{pn ?? "none"}] (0x{pr:x2})");
                int pv = nd.Be16(p + 5);
                if (pv < 1024) nd.Print($", Power {(pv / 10.0f).ToString("F1", System.Globalization.CultureInfo.InvariantCulture)} Watts");
                else nd.Print($", Power {pv} (Reserved)");
                break;
            }
            case >= 5 and <= 11:
            {
                string inv = st switch
                {
                    5 => "Hardware revision", 6 => "Firmware revision", 7 => "Software revision", 8 => "Serial number",
                    9 => "Manufacturer name", 10 => "Model name", _ => "Asset ID",
                };
                nd.Print($"\n\t  {inv} ");
                Text.PrintUntilNul(nd, p + 4, tl - 4);
                break;
            }
            default:
                return true;
        }
        return false;
    }

    private static string EnableBits(int t) =>
        $"Enable bit: {((t & 0x80) != 0 ? 1 : 0)}, Willing bit: {((t & 0x40) != 0 ? 1 : 0)}, Error Bit: {((t & 0x20) != 0 ? 1 : 0)}";

    private static bool PrivateDcbx(PrintContext nd, int pp, int len)
    {
        bool hexdump = false;
        if (len < 4) return false;
        int st = nd.U8(pp + 3);
        string? name = st switch { 1 => "DCB Capability Exchange Protocol Rev 1", 2 => "DCB Capability Exchange Protocol Rev 1.01", _ => null };
        nd.Print($"\n\t  {name ?? "unknown"} Subtype ({st})");
        if (st == 1) return true;
        int p = pp + 4, tlen = len - 4;
        while (tlen >= 2)
        {
            nd.Check(p, 2);
            int tlv = nd.Be16(p);
            int type = tlv >> 9, tl = tlv & 0x1ff;
            hexdump = false;
            tlen -= 2;
            p += 2;
            if (type == 0 || tl == 0) break;
            nd.Check(p, tl);
            if (tlen < tl) return hexdump;
            switch (type)
            {
                case 1:
                    if (tl < 10) return hexdump;
                    nd.Print($"\n\t    Control - Protocol Control (type 0x1, length {tl})");
                    nd.Print($"\n\t      Oper_Version: {nd.U8(p)}");
                    nd.Print($"\n\t      Max_Version: {nd.U8(p + 1)}");
                    nd.Print($"\n\t      Sequence Number: {nd.Be32(p + 2)}");
                    nd.Print($"\n\t      Acknowledgement Number: {nd.Be32(p + 6)}");
                    break;
                case 2:
                {
                    if (tl < 17) return hexdump;
                    nd.Print($"\n\t    Feature - Priority Group (type 0x2, length {tl})");
                    nd.Print($"\n\t      Oper_Version: {nd.U8(p)}");
                    nd.Print($"\n\t      Max_Version: {nd.U8(p + 1)}");
                    nd.Print($"\n\t      Info block(0x{nd.U8(p + 2):X2}): ");
                    nd.Print(EnableBits(nd.U8(p + 2)));
                    nd.Print($"\n\t      SubType: {nd.U8(p + 3)}");
                    nd.Print("\n\t      Priority Allocation");
                    uint pg = nd.Be32(p + 4);
                    for (int i = 0; i <= 7; i++) nd.Print($"\n\t          PgId_{i}: {(pg >> (28 - 4 * i)) & 0xf}");
                    nd.Print("\n\t      Priority Group Allocation");
                    for (int i = 0; i <= 7; i++) nd.Print($"\n\t          Pg percentage[{i}]: {nd.U8(p + 8 + i)}");
                    nd.Print($"\n\t      NumTCsSupported: {nd.U8(p + 16)}");
                    break;
                }
                case 3:
                {
                    if (tl < 6) return hexdump;
                    nd.Print("\n\t    Feature - Priority Flow Control");
                    nd.Print($" (type 0x3, length {tl})");
                    nd.Print($"\n\t      Oper_Version: {nd.U8(p)}");
                    nd.Print($"\n\t      Max_Version: {nd.U8(p + 1)}");
                    nd.Print($"\n\t      Info block(0x{nd.U8(p + 2):X2}): ");
                    nd.Print(EnableBits(nd.U8(p + 2)));
                    nd.Print($"\n\t      SubType: {nd.U8(p + 3)}");
                    int t = nd.U8(p + 4);
                    nd.Print($"\n\t      PFC Config (0x{t:X2})");
                    for (int i = 0; i <= 7; i++) nd.Print($"\n\t          Priority Bit {i}: {((t & (1 << i)) != 0 ? "Enabled" : "Disabled")}");
                    nd.Print($"\n\t      NumTCPFCSupported: {nd.U8(p + 5)}");
                    break;
                }
                case 4:
                {
                    if (tl < 4) return hexdump;
                    nd.Print($"\n\t    Feature - Application (type 0x4, length {tl})");
                    nd.Print($"\n\t      Oper_Version: {nd.U8(p)}");
                    nd.Print($"\n\t      Max_Version: {nd.U8(p + 1)}");
                    nd.Print($"\n\t      Info block(0x{nd.U8(p + 2):X2}): ");
                    nd.Print(EnableBits(nd.U8(p + 2)));
                    nd.Print($"\n\t      SubType: {nd.U8(p + 3)}");
                    int tv = tl - 4, m = p + 4;
                    while (tv >= 6)
                    {
                        nd.Print("\n\t      Application Value");
                        nd.Print($"\n\t          Application Protocol ID: 0x{nd.Be16(m):x4}");
                        uint u = nd.Be24(m + 2);
                        nd.Print($"\n\t          SF (0x{u >> 22:x}) Application Protocol ID is {((u >> 22) != 0 ? "Socket Number" : "L2 EtherType")}");
                        nd.Print($"\n\t          OUI: 0x{u & 0x3fffff:x6}");
                        nd.Print($"\n\t          User Priority Map: 0x{nd.U8(m + 5):x2}");
                        tv -= 6;
                        m += 6;
                    }
                    break;
                }
                default:
                    hexdump = true;
                    break;
            }
            if (nd.Verbose > 1 || (nd.Verbose > 0 && hexdump)) HexDump.UnknownData(nd, p, "\n\t    ", tl);
            tlen -= tl;
            p += tl;
        }
        return hexdump;
    }
}
