// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>RADIUS (UDP 1645/1646/1812/1813/1700/3799): header and attributes with their standard values.</summary>
/// <remarks>Specification: RFC 2865, RFC 2866, RFC 2867, RFC 2868, RFC 2869, RFC 3162, RFC 3580, RFC 4072, RFC 4675,
/// RFC 4818, RFC 4849, RFC 5090, RFC 5176, RFC 5447, RFC 5580, RFC 6572, RFC 7155; value names from IANA's radius-types
/// registry.</remarks>
internal static class Radius
{
    private const int MinLen = 20;

    private static string Command(int c) => c switch
    {
        1 => "Access-Request", 2 => "Access-Accept", 3 => "Access-Reject", 4 => "Accounting-Request", 5 => "Accounting-Response",
        11 => "Access-Challenge", 12 => "Status-Server", 13 => "Status-Client", 40 => "Disconnect-Request", 41 => "Disconnect-ACK",
        42 => "Disconnect-NAK", 43 => "CoA-Request", 44 => "CoA-ACK", 45 => "CoA-NAK", 255 => "Reserved", _ => "Unknown Command",
    };

    private enum Kind : byte { None, Str, Num, Addr, Addr6, Mask6, Vendor, Time, Strange, Vector64, HomeLink, Operator, LocInfo, LocData, Blpr }

    /// <summary>An attribute: its name, how its value prints, and its standard values (First is the value of Values[0]).</summary>
    private readonly record struct Attr(string Name, Kind Kind, string[]? Values = null, int First = 0);

    private static readonly string[] ServiceType =
    [
        "Login", "Framed", "Callback Login", "Callback Framed", "Outbound", "Administrative", "NAS Prompt", "Authenticate Only",
        "Callback NAS Prompt", "Call Check", "Callback Administrative", "Voice", "Fax", "Modem Relay", "IAPP-Register",
        "IAPP-AP-Check", "Authorize Only", "Framed-Management", "Additional-Authorization",
    ];

    private static readonly string[] FramedProtocol =
        ["PPP", "SLIP", "ARAP", "Gandalf proprietary", "Xylogics IPX/SLIP", "X.75 Synchronous", "GPRS PDP Context"];

    private static readonly string[] FramedRouting = ["None", "Send", "Listen", "Send&Listen"];
    private static readonly string[] FramedCompression = ["None", "VJ TCP/IP", "IPX", "Stac-LZS"];

    private static readonly string[] LoginService =
        ["Telnet", "Rlogin", "TCP Clear", "PortMaster(proprietary)", "LAT", "X.25-PAD", "X.25-T3POS", "Unassigned", "TCP Clear Quiet"];

    private static readonly string[] TerminationAction = ["Default", "RADIUS-Request"];
    private static readonly string[] IngressFilters = ["Enabled", "Disabled"];

    private static readonly string[] NasPortType =
    [
        "Async", "Sync", "ISDN Sync", "ISDN Async V.120", "ISDN Async V.110", "Virtual", "PIAFS", "HDLC Clear Channel", "X.25", "X.75",
        "G.3 Fax", "SDSL", "ADSL-CAP", "ADSL-DMT", "ISDN-DSL", "Ethernet", "xDSL", "Cable", "Wireless - Other", "Wireless - IEEE 802.11",
        "Token-Ring", "FDDI", "Wireless - CDMA200", "Wireless - UMTS", "Wireless - 1X-EV", "IAPP", "FTTP", "Wireless - IEEE 802.16",
        "Wireless - IEEE 802.20", "Wireless - IEEE 802.22", "PPPoA", "PPPoEoA", "PPPoEoE", "PPPoEoVLAN", "PPPoEoQinQ", "xPON",
        "Wireless - XGP", "WiMAX Pre-Release 8 IWK Function", "WIMAX-WIFI-IWK", "WIMAX-SFF", "WIMAX-HA-LMA", "WIMAX-DHCP",
        "WIMAX-LBS", "WIMAX-WVS",
    ];

    private static readonly string[] AcctStatus =
    [
        "Start", "Stop", "Interim-Update", "Unassigned", "Unassigned", "Unassigned", "Accounting-On", "Accounting-Off", "Tunnel-Start",
        "Tunnel-Stop", "Tunnel-Reject", "Tunnel-Link-Start", "Tunnel-Link-Stop", "Tunnel-Link-Reject", "Failed",
    ];

    private static readonly string[] AcctAuthentic = ["RADIUS", "Local", "Remote", "Diameter"];

    private static readonly string[] AcctTerminate =
    [
        "User Request", "Lost Carrier", "Lost Service", "Idle Timeout", "Session Timeout", "Admin Reset", "Admin Reboot", "Port Error",
        "NAS Error", "NAS Request", "NAS Reboot", "Port Unneeded", "Port Preempted", "Port Suspended", "Service Unavailable", "Callback",
        "User Error", "Host Request", "Supplicant Restart", "Reauthentication Failure", "Port Reinitialized",
        "Port Administratively Disabled", "Lost Power",
    ];

    private static readonly string[] TunnelType =
        ["PPTP", "L2F", "L2TP", "ATMP", "VTP", "AH", "IP-IP", "MIN-IP-IP", "ESP", "GRE", "DVS", "IP-in-IP Tunneling", "VLAN"];

    private static readonly string[] TunnelMedium =
    [
        "IPv4", "IPv6", "NSAP", "HDLC", "BBN 1822", "802", "E.163", "E.164", "F.69", "X.121", "IPX", "Appletalk", "Decnet IV",
        "Banyan Vines", "E.164 with NSAP subaddress",
    ];

    private static readonly string[] ArapZone = ["Only access to dfl zone", "Use zone filter inc.", "Not used", "Use zone filter exc."];
    private static readonly string[] Prompt = ["No Echo", "Echo"];

    private static readonly Attr[] Attrs = BuildAttrs();

    private static Attr[] BuildAttrs()
    {
        Attr S(string n) => new(n, Kind.Str);
        Attr N(string n) => new(n, Kind.Num);
        Attr A(string n) => new(n, Kind.Addr);
        Attr X(string n) => new(n, Kind.None);
        Attr V(string n, string[] v, int first) => new(n, Kind.Num, v, first);
        Attr Q(string n) => new(n, Kind.Strange);
        return
        [
            X(""), S("User-Name"), X("User-Password"), X("CHAP-Password"), A("NAS-IP-Address"), N("NAS-Port"),
            V("Service-Type", ServiceType, 1), V("Framed-Protocol", FramedProtocol, 1), A("Framed-IP-Address"), A("Framed-IP-Netmask"),
            V("Framed-Routing", FramedRouting, 0), S("Filter-Id"), N("Framed-MTU"), V("Framed-Compression", FramedCompression, 0),
            A("Login-IP-Host"), V("Login-Service", LoginService, 0), N("Login-TCP-Port"), X("Unassigned"), S("Reply-Message"),
            S("Callback-Number"),
            S("Callback-Id"), X("Unassigned"), S("Framed-Route"), N("Framed-IPX-Network"), S("State"), S("Class"),
            new("Vendor-Specific", Kind.Vendor), N("Session-Timeout"), N("Idle-Timeout"), V("Termination-Action", TerminationAction, 0),
            S("Called-Station-Id"), S("Calling-Station-Id"), S("NAS-Identifier"), S("Proxy-State"), S("Login-LAT-Service"),
            S("Login-LAT-Node"), S("Login-LAT-Group"), N("Framed-AppleTalk-Link"), N("Framed-AppleTalk-Network"),
            S("Framed-AppleTalk-Zone"),
            V("Acct-Status-Type", AcctStatus, 1), N("Acct-Delay-Time"), N("Acct-Input-Octets"), N("Acct-Output-Octets"),
            S("Acct-Session-Id"), V("Acct-Authentic", AcctAuthentic, 1), N("Acct-Session-Time"), N("Acct-Input-Packets"),
            N("Acct-Output-Packets"), V("Acct-Terminate-Cause", AcctTerminate, 1),
            S("Acct-Multi-Session-Id"), N("Acct-Link-Count"), N("Acct-Input-Gigawords"), N("Acct-Output-Gigawords"), X("Unassigned"),
            new("Event-Timestamp", Kind.Time), N("Egress-VLANID"), V("Ingress-Filters", IngressFilters, 1), S("Egress-VLAN-Name"),
            X("User-Priority-Table"),
            S("CHAP-Challenge"), V("NAS-Port-Type", NasPortType, 0), N("Port-Limit"), S("Login-LAT-Port"),
            V("Tunnel-Type", TunnelType, 1), V("Tunnel-Medium-Type", TunnelMedium, 1), S("Tunnel-Client-Endpoint"),
            S("Tunnel-Server-Endpoint"), S("Acct-Tunnel-Connection"), S("Tunnel-Password"),
            Q("ARAP-Password"), Q("ARAP-Features"), V("ARAP-Zone-Access", ArapZone, 1), S("ARAP-Security"), S("ARAP-Security-Data"),
            N("Password-Retry"), V("Prompt", Prompt, 0), S("Connect-Info"), S("Configuration-Token"), S("EAP-Message"),
            S("Message-Authenticator"), S("Tunnel-Private-Group-ID"), S("Tunnel-Assignment-ID"), N("Tunnel-Preference"),
            Q("ARAP-Challenge-Response"), N("Acct-Interim-Interval"), N("Acct-Tunnel-Packets-Lost"), S("NAS-Port-Id"),
            S("Framed-Pool"), S("CUI"),
            S("Tunnel-Client-Auth-ID"), S("Tunnel-Server-Auth-ID"), S("NAS-Filter-Rule"), X("Unassigned"), X("Originating-Line-Info"),
            new("NAS-IPv6-Address", Kind.Addr6), X("Framed-Interface-ID"), new("Framed-IPv6-Prefix", Kind.Mask6),
            new("Login-IPv6-Host", Kind.Addr6), S("Framed-IPv6-Route"),
            S("Framed-IPv6-Pool"), Q("Error-Cause"), X("EAP-Key-Name"), S("Digest-Response"), S("Digest-Realm"), S("Digest-Nonce"),
            S("Digest-Response-Auth"), S("Digest-Nextnonce"), S("Digest-Method"), S("Digest-URI"),
            S("Digest-Qop"), S("Digest-Algorithm"), S("Digest-Entity-Body-Hash"), S("Digest-CNonce"), S("Digest-Nonce-Count"),
            S("Digest-Username"), S("Digest-Opaque"), S("Digest-Auth-Param"), S("Digest-AKA-Auts"), S("Digest-Domain"),
            S("Digest-Stale"), S("Digest-HA1"), S("SIP-AOR"), new("Delegated-IPv6-Prefix", Kind.Mask6),
            new("MIP6-Feature-Vector", Kind.Vector64), new("MIP6-Home-Link-Prefix", Kind.HomeLink),
            new("Operator-Name", Kind.Operator), new("Location-Information", Kind.LocInfo), new("Location-Data", Kind.LocData),
            new("Basic-Location-Policy-Rules", Kind.Blpr),
        ];
    }

    /// <summary>SMI network management private enterprise codes tcpdump names (its smi_values).</summary>
    internal static string? Enterprise(uint v) => v switch
    {
        0 => "IETF (reserved)", 5 => "ACC", 9 => "Cisco", 11 => "Hewlett Packard", 42 => "Sun Microsystems", 61 => "Merit",
        74 => "AT&T", 161 => "Motorola", 166 => "Shiva", 193 => "Ericsson AB", 255 => "Cisco VPN 5000", 307 => "Livingston",
        311 => "Microsoft", 429 => "3Com", 529 => "Ascend", 1584 => "Bay Networks", 1991 => "Foundry", 2180 => "Versanet",
        2352 => "Redback", 2636 => "Juniper Networks", 2637 => "Aptis", 2937 => "Deutsche Telekom AG", 3054 => "Ixia Communications",
        3076 => "Cisco VPN 3000", 3085 => "CoSine Communications", 3199 => "Shasta", 3224 => "Netscreen", 3309 => "Nomadix",
        3414 => "T-Mobile", 3561 => "The Broadband Forum", 3902 => "ZTE", 4329 => "Siemens", 4491 => "CableLabs",
        4874 => "Unisphere Networks", 5263 => "Cisco BBSM", 5535 => "3rd Generation Partnership Project 2 (3GPP2)",
        5806 => "SK Telecom", 5925 => "ipUnplugged", 5948 => "Issanni Communications", 5951 => "Netscaler", 6490 => "T-Mobile",
        6618 => "Quintum", 6728 => "Interlink", 7951 => "CNCTC", 8164 => "Starent Networks", 8744 => "Colubris", 10415 => "3GPP",
        10529 => "Gemtek-Systems", 10704 => "Barracuda Networks", 10923 => "Ericsson AB - Packet Core Networks", 11665 => "dacom",
        11862 => "Columbia University", 12356 => "Fortinet", 12951 => "Verizon Wireless", 13745 => "Plixer",
        14122 => "Wi-Fi Alliance", 16787 => "T-Systems Nova", 20942 => "China Telecom - Guangzhou Research Institute",
        26866 => "Gigamon Systems", 32622 => "CACE Technologies", 35632 => "ntop", 46098 => "Ericsson Canada", _ => null,
    };

    private static string? ErrorCause(uint v) => v switch
    {
        201 => "Residual Session Context Removed", 202 => "Invalid EAP Packet (Ignored)", 401 => "Unsupported Attribute",
        402 => "Missing Attribute", 403 => "NAS Identification Mismatch", 404 => "Invalid Request", 405 => "Unsupported Service",
        406 => "Unsupported Extension", 407 => "Invalid Attribute Value", 501 => "Administratively Prohibited",
        502 => "Request Not Routable (Proxy)", 503 => "Session Context Not Found", 504 => "Session Context Not Removable",
        505 => "Other Proxy Processing Error", 506 => "Resources Unavailable", 507 => "Request Initiated",
        508 => "Multiple Session Selection Unsupported", 509 => "Location Info Required", _ => null,
    };

    private static readonly (ulong Bit, string Name)[] Mip6Features =
    [
        (0x1, "MIP6_INTEGRATED"), (0x2, "LOCAL_HOME_AGENT_ASSIGNMENT"), (0x0000010000000000, "PMIP6_SUPPORTED"),
        (0x0000020000000000, "IP4_HOA_SUPPORTED"), (0x0000040000000000, "LOCAL_MAG_ROUTING_SUPPORTED"),
        (0x0000080000000000, "ASSIGN_LOCAL_IP"), (0x0000100000000000, "MIP4_SUPPORTED"),
        (0x0000200000000000, "OPTIMIZED_IDLE_MODE_MOBILITY"), (0x0000400000000000, "GTPv2_SUPPORTED"),
        (0x0000800000000000, "IP4_TRANSPORT_SUPPORTED"), (0x0001000000000000, "IP4_HOA_ONLY_SUPPORTED"),
        (0x0002000000000000, "INTER_MAG_ROUTING_SUPPORTED"),
    ];

    private static string Tagged(int t) => t switch { 0x31 => "Tagged", 0x32 => "Untagged", _ => "Unknown tag" };

    public static void Print(PrintContext nd, int p, int length)
    {
        nd.Proto = "radius";
        nd.Check(p, MinLen);
        int len = nd.Be16(p + 2);
        if (len < MinLen) { nd.PrintTrunc(); return; }
        if (len > length) len = length;
        int code = nd.U8(p);
        if (nd.Verbose < 1)
        {
            nd.Print($"RADIUS, {Command(code)} ({code}), id: 0x{nd.U8(p + 1):x2} length: {len}");
            return;
        }
        nd.Print($"RADIUS, length: {len}\n\t{Command(code)} ({code}), id: 0x{nd.U8(p + 1):x2}, Authenticator: ");
        for (int i = 0; i < 16; i++) nd.Print($"{nd.Buf[p + 4 + i]:x2}");
        if (len > MinLen) Attributes(nd, p + MinLen, len - MinLen);
    }

    private static void Attributes(PrintContext nd, int p, int length)
    {
        while (length > 0)
        {
            if (length < 2 || !nd.TTest(p, 2)) { nd.PrintTrunc(); return; }
            int type = nd.U8(p), len = nd.U8(p + 1);
            string name = type != 0 && type < Attrs.Length ? Attrs[type].Name : "Unknown";
            nd.Print($"\n\t  {name} Attribute ({type}), length: {len}");
            if (len < 2) { nd.Print(" (bogus, must be >= 2)"); return; }
            if (len > length) { nd.Print(" (bogus, goes past end of packet)"); return; }
            nd.Print(", Value: ");
            if (type < Attrs.Length && len > 2) Value(nd, p + 2, len - 2, type);
            if (nd.Verbose > 1) HexDump.UnknownData(nd, p + 2, "\n\t    ", len - 2);
            length -= len;
            p += len;
        }
    }

    private static void Value(PrintContext nd, int p, int length, int type)
    {
        switch (Attrs[type].Kind)
        {
            case Kind.Str: String(nd, p, length, type); break;
            case Kind.Num: Number(nd, p, length, type); break;
            case Kind.Addr: Address(nd, p, length, type); break;
            case Kind.Addr6:
                if (length != 16) { nd.Print($"ERROR: length {length} != 16"); return; }
                nd.Ip6(p);
                break;
            case Kind.Mask6: Netmask6(nd, p, length); break;
            case Kind.Vendor: Vendor(nd, p, length); break;
            case Kind.Time: Time(nd, p, length); break;
            case Kind.Strange: Strange(nd, p, length, type); break;
            case Kind.Vector64:
                if (length != 8) { nd.Print($"ERROR: length {length} != 8"); return; }
                ulong v = nd.Be64(p);
                nd.Print("[");
                string sep = "";
                foreach (var (bit, n) in Mip6Features)
                    if ((v & bit) != 0) { nd.Print($"{sep}{n}"); sep = ", "; }
                nd.Print("]");
                break;
            case Kind.HomeLink:
                if (length != 17) { nd.Print($"ERROR: length {length} != 17"); return; }
                if (!nd.TTest(p, length)) { nd.PrintTrunc(); return; }
                if (nd.U8(p) > 128) { nd.Print($"ERROR: netmask {nd.U8(p)} not in range (0..128)"); return; }
                nd.Ip6(p + 1);
                nd.Print($"/{nd.U8(p)}");
                break;
            case Kind.Operator: Operator(nd, p, length); break;
            case Kind.LocInfo: LocationInformation(nd, p, length); break;
            case Kind.LocData:
                if (!nd.TTest(p, length)) { nd.PrintTrunc(); return; }
                if (length < 3) { nd.Print($"ERROR: length {length} < 3"); return; }
                nd.Print($"index {nd.Be16(p)}, location");
                HexDump.HexAscii(nd, "\n\t    ", p + 2, length - 2);
                break;
            case Kind.Blpr: LocationPolicyRules(nd, p, length); break;
        }
    }

    private static void Printable(PrintContext nd, int p, int n)
    {
        for (int i = 0; i < n; i++)
        {
            byte c = nd.U8(p + i);
            nd.Out.PutByte(Text.IsPrint(c) ? c : (byte)'.');
        }
    }

    private static void String(PrintContext nd, int p, int length, int type)
    {
        if (!nd.TTest(p, length)) { nd.PrintTrunc(); return; }
        switch (type)
        {
            case 69:
                if (length < 3) { nd.PrintTrunc(); return; }
                int tag = nd.U8(p);
                if (tag != 0 && tag <= 0x1f) nd.Print($"Tag[{tag}] ");
                else nd.Print("Tag[Unused] ");
                nd.Print($"Salt {nd.Be16(p + 1)} ");
                p += 3; length -= 3;
                break;
            case 66: case 67: case 81: case 82: case 90: case 91:
                int t = nd.U8(p);
                if (t <= 0x1f)
                {
                    if (t != 0) nd.Print($"Tag[{t}] ");
                    else nd.Print("Tag[Unused] ");
                    p++; length--;
                }
                break;
            case 58:
                nd.Print($"{Tagged(nd.U8(p))} (0x{nd.U8(p):x2}) ");
                p++; length--;
                break;
            case 79:
                Eap.Print(nd, p, length);
                return;
        }
        for (int i = 0; i < length && nd.U8(p + i) != 0; i++)
        {
            byte c = nd.U8(p + i);
            nd.Out.PutByte(Text.IsPrint(c) ? c : (byte)'.');
        }
    }

    private static void Vendor(PrintContext nd, int p, int length)
    {
        if (length < 4) { nd.PrintTrunc(); return; }
        uint id = nd.Be32(p);
        p += 4; length -= 4;
        nd.Print($"Vendor: {Enterprise(id) ?? "Unknown"} ({id})");
        while (length >= 2)
        {
            int vt = nd.U8(p), vl = nd.U8(p + 1);
            if (vl < 2)
            {
                nd.Print($"\n\t    Vendor Attribute: {vt}, Length: {vl} (bogus, must be >= 2)");
                return;
            }
            if (vl > length)
            {
                nd.Print($"\n\t    Vendor Attribute: {vt}, Length: {vl} (bogus, goes past end of vendor-specific attribute)");
                return;
            }
            p += 2; vl -= 2; length -= 2;
            if (!nd.TTest(p, vl)) { nd.PrintTrunc(); return; }
            nd.Print($"\n\t    Vendor Attribute: {vt}, Length: {vl}, Value: ");
            Printable(nd, p, vl);
            p += vl;
            length -= vl;
        }
    }

    private static void Number(PrintContext nd, int p, int length, int type)
    {
        if (length != 4) { nd.Print($"ERROR: length {length} != 4"); return; }
        var a = Attrs[type];
        if (a.Values != null)
        {
            uint value;
            if (type == 64 || type == 65)
            {
                int tag = nd.U8(p);
                if (tag == 0) nd.Print("Tag[Unused] ");
                else nd.Print($"Tag[{tag}] ");
                value = nd.Be24(p + 1);
            }
            else value = nd.Be32(p);
            if (value >= a.First && value - a.First < a.Values.Length) nd.Print(a.Values[value - a.First]);
            else nd.Print($"#{value}");
            return;
        }
        switch (type)
        {
            case 23:
                uint n = nd.Be32(p);
                if (n == 0xfffffffe) nd.Print("NAS Select");
                else nd.Print($"{n}");
                break;
            case 27: case 28: case 41: case 46: case 85:
                uint s = nd.Be32(p);
                if (s < 60) nd.Print($"{s:D2} secs");
                else if (s < 3600) nd.Print($"{s / 60:D2}:{s % 60:D2} min");
                else nd.Print($"{s / 3600:D2}:{s % 3600 / 60:D2}:{s % 60:D2} hours");
                break;
            case 37:
                uint l = nd.Be32(p);
                if (l != 0) nd.Print($"{l}"); else nd.Print("Unnumbered");
                break;
            case 38:
                uint w = nd.Be32(p);
                if (w != 0) nd.Print($"{w}"); else nd.Print("NAS assigned");
                break;
            case 83:
                int tag = nd.U8(p);
                if (tag != 0) nd.Print($"Tag[{tag}] "); else nd.Print("Tag[Unused] ");
                nd.Print($"{nd.Be24(p + 1)}");
                break;
            case 56:
                nd.Print($"{Tagged(nd.U8(p))} (0x{nd.U8(p):x2}) ");
                nd.Print($"{nd.Be24(p + 1)}");
                break;
            default:
                nd.Print($"{nd.Be32(p)}");
                break;
        }
    }

    private static void Address(PrintContext nd, int p, int length, int type)
    {
        if (length != 4) { nd.Print($"ERROR: length {length} != 4"); return; }
        uint a = nd.Be32(p);
        if ((type == 8 || type == 14) && a == 0xffffffff) nd.Print("User Selected");
        else if ((type == 8 || type == 14) && a == 0xfffffffe) nd.Print("NAS Select");
        else nd.Ip4(p);
    }

    private static void Netmask6(PrintContext nd, int p, int length)
    {
        if (length < 2 || length > 18) { nd.Print($"ERROR: length {length} not in range (2..18)"); return; }
        if (!nd.TTest(p, length)) { nd.PrintTrunc(); return; }
        int bits = nd.U8(p + 1);
        if (bits > 128) { nd.Print($"ERROR: netmask {bits} not in range (0..128)"); return; }
        Span<byte> a = stackalloc byte[16];
        a.Clear();
        nd.Bytes(p + 2, length - 2).CopyTo(a);
        nd.Print($"{nd.Ip6String(a)}/{bits}");
        if (bits > 8 * (length - 2)) nd.Print(" (inconsistent prefix length)");
    }

    private static void Operator(PrintContext nd, int p, int length)
    {
        if (!nd.TTest(p, length)) { nd.PrintTrunc(); return; }
        if (length < 2) { nd.Print($"ERROR: length {length} < 2"); return; }
        int ns = nd.U8(p);
        string name = ns switch { 0x30 => "TADIG", 0x31 => "REALM", 0x32 => "E212", 0x33 => "ICC", _ => $"unknown namespace {ns}" };
        nd.Print($"[{name}] ");
        for (int i = 1; i < length; i++) Text.PrintChar(nd, nd.U8(p + i));
    }

    private static void LocationInformation(PrintContext nd, int p, int length)
    {
        if (!nd.TTest(p, length)) { nd.PrintTrunc(); return; }
        if (length < 21) { nd.Print($"ERROR: length {length} < 21"); return; }
        int code = nd.U8(p + 2), entity = nd.U8(p + 3);
        string c = code switch { 0 => "Civic", 1 => "Geospatial", _ => $"Unknown ({code})" };
        string e = entity switch { 0 => "User", 1 => "RADIUS", _ => $"Unknown ({entity})" };
        nd.Print($"index {nd.Be16(p)}, code {c}, entity {e}, ");
        nd.Print("sighting time ");
        Ntp.Time(nd, p + 4);
        nd.Print(", ");
        nd.Print("time to live ");
        Ntp.Time(nd, p + 12);
        nd.Print(", ");
        nd.Print("method \"");
        for (int i = 0; i < length - 20; i++) Text.PrintChar(nd, nd.U8(p + 20 + i));
        nd.Print("\"");
    }

    private static void LocationPolicyRules(PrintContext nd, int p, int length)
    {
        if (!nd.TTest(p, length)) { nd.PrintTrunc(); return; }
        if (length < 10) { nd.Print($"ERROR: length {length} < 10"); return; }
        int flags = nd.Be16(p);
        nd.Print("flags [");
        if (flags == 0) nd.Print("none");
        else
        {
            string sep = "";
            for (int bit = 0; bit < 16; bit++)
            {
                if ((flags & (1 << bit)) == 0) continue;
                nd.Print(sep);
                nd.Print(bit == 15 ? "Retransmission Allowed" : $"MBZ-{15 - bit}");
                sep = ", ";
            }
        }
        nd.Print("], ");
        nd.Print("retention expires ");
        Ntp.Time(nd, p + 2);
        if (length > 10)
        {
            nd.Print(", note well \"");
            for (int i = 0; i < length - 10; i++) Text.PrintChar(nd, nd.U8(p + 10 + i));
            nd.Print("\"");
        }
    }

    private static void Time(PrintContext nd, int p, int length)
    {
        if (length != 4) { nd.Print($"ERROR: length {length} != 4"); return; }
        var utc = DateTimeOffset.FromUnixTimeSeconds(nd.Be32(p));
        var t = TimeZoneInfo.ConvertTime(utc, nd.Settings.Zone).DateTime;
        string[] days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
        string[] months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        nd.Print($"{days[(int)t.DayOfWeek]} {months[t.Month - 1]} {t.Day,2} {t.Hour:D2}:{t.Minute:D2}:{t.Second:D2} {t.Year}");
    }

    private static void Hex(PrintContext nd, int p, int n)
    {
        for (int i = 0; i < n; i++) nd.Print($"{nd.U8(p + i):X2}");
    }

    private static void Strange(PrintContext nd, int p, int length, int type)
    {
        switch (type)
        {
            case 70:
                if (length != 16) { nd.Print($"ERROR: length {length} != 16"); return; }
                nd.Print("User_challenge (");
                Hex(nd, p, 8);
                nd.Print(") User_resp(");
                Hex(nd, p + 8, 8);
                nd.Print(")");
                break;
            case 71:
                if (length != 14) { nd.Print($"ERROR: length {length} != 14"); return; }
                nd.Print(nd.U8(p) != 0 ? "User can change password" : "User cannot change password");
                nd.Print($", Min password length: {nd.U8(p + 1)}");
                nd.Print(", created at: ");
                Hex(nd, p + 2, 4);
                nd.Print(", expires in: ");
                Hex(nd, p + 6, 4);
                nd.Print(", Current Time: ");
                Hex(nd, p + 10, 4);
                break;
            case 84:
                if (length < 8) { nd.Print($"ERROR: length {length} != 8"); return; }
                Hex(nd, p, 8);
                break;
            case 101:
                if (length != 4) { nd.Print($"Error: length {length} != 4"); return; }
                uint v = nd.Be32(p);
                nd.Print($"Error cause {v}: {ErrorCause(v) ?? $"Error-Cause {v} not known"}");
                break;
        }
    }
}
