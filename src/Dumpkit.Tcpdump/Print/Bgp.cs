// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text;

namespace Dumpkit.Tcpdump.Print;

/// <summary>
/// BGP-4 (RFC 4271, TCP 179): OPEN with capabilities, UPDATE with path attributes and multiprotocol NLRI
/// (RFC 4760; IPv4/IPv6 unicast, labeled, VPN, MDT, MVPN, RT constraint, L2VPN/VPLS, NSAP), NOTIFICATION,
/// KEEPALIVE and ROUTE-REFRESH, as tcpdump 4.99 prints them with -v.
/// </summary>
/// <remarks>Specification: RFC 4271, RFC 4760, RFC 5492, RFC 4360, RFC 8092, RFC 7311, RFC 6514, RFC 4684, RFC 4761/4762, RFC 8203.</remarks>
internal static class Bgp
{
    private const int HeaderSize = 19, OpenSize = 29, NotificationSize = 21, RouteRefreshSize = 23;

    // ---- name tables ----

    private static string? MsgName(int t) => t switch
    {
        1 => "Open", 2 => "Update", 3 => "Notification", 4 => "Keepalive", 5 => "Route Refresh", _ => null,
    };

    private static string? AttrName(int t) => t switch
    {
        1 => "Origin", 2 => "AS Path", 17 => "AS4 Path", 3 => "Next Hop", 4 => "Multi Exit Discriminator",
        5 => "Local Preference", 6 => "Atomic Aggregate", 7 => "Aggregator", 18 => "Aggregator4", 8 => "Community",
        9 => "Originator ID", 10 => "Cluster List", 11 => "DPA", 12 => "Advertisers", 13 => "RCID Path / Cluster ID",
        14 => "Multi-Protocol Reach NLRI", 15 => "Multi-Protocol Unreach NLRI", 16 => "Extended Community",
        22 => "PMSI Tunnel", 23 => "Tunnel Encapsulation", 24 => "Traffic Engineering", 25 => "IPv6 Extended Community",
        26 => "Accumulated IGP Metric", 27 => "PE Distinguisher Label", 28 => "Entropy Label", 32 => "Large Community",
        128 => "Attribute Set", 255 => "Reserved for development", _ => null,
    };

    private static string? CapName(int t) => t switch
    {
        1 => "Multiprotocol Extensions", 2 => "Route Refresh", 3 => "Cooperative Route Filtering",
        4 => "Multiple Routes to a Destination", 5 => "Extended Next Hop Encoding", 8 => "Multiple Labels",
        64 => "Graceful Restart", 65 => "32-Bit AS Number", 67 => "Dynamic Capability", 68 => "Multisession BGP",
        69 => "Multiple Paths", 70 => "Enhanced Route Refresh", 71 => "Long-lived Graceful Restart",
        128 => "Route Refresh (Cisco)", _ => null,
    };

    private static string? SafiName(int s) => s switch
    {
        0 => "Reserved", 1 => "Unicast", 2 => "Multicast", 3 => "Unicast+Multicast", 4 => "labeled Unicast", 64 => "Tunnel",
        65 => "VPLS", 66 => "MDT", 70 => "EVPN", 128 => "labeled VPN Unicast", 129 => "labeled VPN Multicast",
        130 => "labeled VPN Unicast+Multicast", 132 => "Route Target Routing Information", 5 => "Multicast VPN", _ => null,
    };

    private static string? NotifyMajor(int m) => m switch
    {
        1 => "Message Header Error", 2 => "OPEN Message Error", 3 => "UPDATE Message Error", 4 => "Hold Timer Expired",
        5 => "Finite State Machine Error", 6 => "Cease", 7 => "Capability Message Error", _ => null,
    };

    private static string? NotifyMinor(int major, int minor) => (major, minor) switch
    {
        (1, 1) => "Connection Not Synchronized", (1, 2) => "Bad Message Length", (1, 3) => "Bad Message Type",
        (2, 1) => "Unsupported Version Number", (2, 2) => "Bad Peer AS", (2, 3) => "Bad BGP Identifier",
        (2, 4) => "Unsupported Optional Parameter", (2, 5) => "Authentication Failure", (2, 6) => "Unacceptable Hold Time",
        (2, 7) => "Capability Message Error",
        (3, 1) => "Malformed Attribute List", (3, 2) => "Unrecognized Well-known Attribute",
        (3, 3) => "Missing Well-known Attribute", (3, 4) => "Attribute Flags Error", (3, 5) => "Attribute Length Error",
        (3, 6) => "Invalid ORIGIN Attribute", (3, 7) => "AS Routing Loop", (3, 8) => "Invalid NEXT_HOP Attribute",
        (3, 9) => "Optional Attribute Error", (3, 10) => "Invalid Network Field", (3, 11) => "Malformed AS_PATH",
        (5, 0) => "Unspecified Error", (5, 1) => "In OpenSent State", (5, 2) => "In OpenConfirm State",
        (5, 3) => "In Established State",
        (6, 1) => "Maximum Number of Prefixes Reached", (6, 2) => "Administrative Shutdown", (6, 3) => "Peer Unconfigured",
        (6, 4) => "Administrative Reset", (6, 5) => "Connection Rejected", (6, 6) => "Other Configuration Change",
        (6, 7) => "Connection Collision Resolution",
        (7, 1) => "Invalid Action Value", (7, 2) => "Invalid Capability Length", (7, 3) => "Malformed Capability Value",
        (7, 4) => "Unsupported Capability Code",
        _ => null,
    };

    private static string? PmsiTunnelName(int t) => t switch
    {
        1 => "RSVP-TE P2MP LSP", 2 => "LDP P2MP LSP", 3 => "PIM-SSM Tree", 4 => "PIM-SM Tree", 5 => "PIM-Bidir Tree",
        6 => "Ingress Replication", 7 => "LDP MP2MP LSP", _ => null,
    };

    private static string? ExtCommName(int t) => t switch
    {
        0x0002 or 0x0102 or 0x0202 => "target",
        0x0003 or 0x0103 or 0x0203 => "origin",
        0x4004 => "link-BW",
        0x0005 or 0x0105 or 0x0205 or 0x8005 => "ospf-domain",
        0x0306 or 0x8000 => "ospf-route-type",
        0x030c => "encapsulation",
        0x0107 or 0x8001 => "ospf-router-id",
        0x800a => "layer2-info",
        0x8800 => "eigrp-general-route (flag, tag)",
        0x8801 => "eigrp-route-metric (AS, delay)",
        0x8802 => "eigrp-route-metric (reliability, nexthop, bandwidth)",
        0x8803 => "eigrp-route-metric (load, MTU)",
        0x8804 => "eigrp-external-route (remote-AS, remote-ID)",
        0x8805 => "eigrp-external-route (remote-proto, remote-metric)",
        0x0009 => "source-AS",
        0x010b => "vrf-route-import",
        0x000a or 0xf10a => "l2vpn-id",
        _ => null,
    };

    private static string? EncapTunnelName(int t) => t switch
    {
        1 => "L2TPv3 over IP", 2 => "GRE", 3 => "Transmit Tunnel", 4 => "IPsec", 5 => "IP in IP with IPsec",
        6 => "MPLS in IP with IPsec", 7 => "IP in IP", 8 => "VXLAN", 9 => "NVGRE", 10 => "MPLS", 11 => "MPLS in GRE",
        12 => "VXLAN GPE", 13 => "MPLS in UDP", 14 => "IPv6", 15 => "SR TE", 16 => "Bare", 17 => "SR", _ => null,
    };

    private static string? OspfRouteType(int t) => t switch
    {
        1 => "Router", 2 => "Network", 3 => "Summary", 5 => "External", 7 => "NSSA External", 129 => "MPLS-VPN Sham", _ => null,
    };

    private static string? L2vpnEncaps(int t) => t switch
    {
        0 => "Reserved", 1 => "Frame Relay", 2 => "ATM AAL5 SDU VCC transport", 3 => "ATM transparent cell transport",
        4 => "Ethernet (VLAN) Tagged Mode", 5 => "Ethernet Raw Mode", 6 => "Cisco HDLC", 7 => "PPP",
        8 => "SONET/SDH Circuit Emulation Service over MPLS", 9 => "ATM n-to-one VCC cell transport",
        10 => "ATM n-to-one VPC cell transport", 11 => "IP layer 2 transport", 15 => "Frame Relay Port mode",
        17 => "Structure-agnostic E1 over packet", 18 => "Structure-agnostic T1 (DS1) over packet", 19 => "VPLS",
        20 => "Structure-agnostic T3 (DS3) over packet", 21 => "Nx64kbit/s Basic Service using Structure-aware",
        25 => "Frame Relay DLCI", 40 => "Structure-agnostic E3 over packet",
        41 => "Octet-aligned playload for Structure-agnostic DS1 circuits",
        42 => "E1 Nx64kbit/s with CAS using Structure-aware", 43 => "DS1 (ESF) Nx64kbit/s with CAS using Structure-aware",
        44 => "DS1 (SF) Nx64kbit/s with CAS using Structure-aware", _ => null,
    };

    private static string? MvpnRouteType(int t) => t switch
    {
        1 => "Intra-AS I-PMSI", 2 => "Inter-AS I-PMSI", 3 => "S-PMSI", 4 => "Intra-AS Segment-Leaf", 5 => "Source-Active",
        6 => "Shared Tree Join", 7 => "Source Tree Join", _ => null,
    };

    private static string Af(int af, string unknown = "Unknown") => AddressFamily.Name(af) ?? unknown;

    private static string Safi(int safi, string unknown = "Unknown") => SafiName(safi) ?? unknown;

    // ---- AFI/SAFI dispatch: how a multiprotocol next hop and NLRI are decoded ----

    private enum NextHop { None, V4, RdV4, V6, RdV6, Nsap, RdNsap }

    private enum Nlri { None, Prefix4, Labeled4, Vpn4, RtInfo, Mvpn, Mdt, Prefix6, Labeled6, Vpn6, L2, Clnp, VpnClnp }

    private const int Inet = 1, Inet6 = 2, NsapAf = 3, Vpls = 25, L2vpn = 196;

    private static (NextHop Nh, Nlri Nlri) Decoders(int af, int safi) => (af, safi) switch
    {
        (Inet, 1 or 2 or 3) => (NextHop.V4, Nlri.Prefix4),
        (Inet, 4) => (NextHop.V4, Nlri.Labeled4),
        (Inet, 132) => (NextHop.V4, Nlri.RtInfo),
        (Inet, 5) => (NextHop.V4, Nlri.Mvpn),
        (Inet, 66) => (NextHop.V4, Nlri.Mdt),
        (Inet, 128 or 129 or 130) => (NextHop.RdV4, Nlri.Vpn4),
        (Inet6, 1 or 2 or 3) => (NextHop.V6, Nlri.Prefix6),
        (Inet6, 4) => (NextHop.V6, Nlri.Labeled6),
        (Inet6, 5) => (NextHop.None, Nlri.Mvpn),
        (Inet6, 128 or 129 or 130) => (NextHop.RdV6, Nlri.Vpn6),
        (Vpls, 65) or (L2vpn, 128 or 129 or 130) => (NextHop.V4, Nlri.L2),
        (NsapAf, 1 or 2 or 3) => (NextHop.Nsap, Nlri.Clnp),
        (NsapAf, 128 or 129 or 130) => (NextHop.RdNsap, Nlri.VpnClnp),
        _ => (NextHop.None, Nlri.None),
    };

    // ---- small formatters ----

    /// <summary>An AS number, in asdot notation with -b when it does not fit 16 bits.</summary>
    private static string As(PrintContext nd, uint a) =>
        nd.Settings.AsDot && a > 0xffff ? $"{a >> 16}.{a & 0xffff}" : a.ToString(CultureInfo.InvariantCulture);

    private static string A4(PrintContext nd, int p) => nd.A4(p).ToString();

    private static string A6(PrintContext nd, int p) => nd.Ip6String(nd.Bytes(p, 16));

    /// <summary>An IPv4 address never named (route distinguishers' "(= a.b.c.d)").</summary>
    private static string Num4(PrintContext nd, int p) => new V4(nd.Be32(p)).ToString();

    // prefixes are named without -n (tcpdump's decode_prefix4/6 use ipaddr_string/ip6addr_string)
    private static string Named(PrintContext nd, byte[] a) =>
        a.Length == 4 ? nd.Ip4String(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(a)) : nd.Ip6String(a);

    /// <summary>isonsap_string: hex octets, a dot after the first and then after every second.</summary>
    private static string Nsap(ReadOnlySpan<byte> a)
    {
        if (a.Length < 1 || a.Length > 20) return "isonsap_string: illegal length";
        var sb = new StringBuilder();
        for (int i = 0; i < a.Length; i++)
        {
            sb.Append(a[i].ToString("x2", CultureInfo.InvariantCulture));
            if ((i & 1) == 0 && i + 1 < a.Length) sb.Append('.');
        }
        return sb.ToString();
    }

    /// <summary>Copies the (plen+7)/8 octets of a prefix into a zeroed buffer of size octets, masking the last one.</summary>
    private static byte[] PrefixBytes(PrintContext nd, int p, int plen, int size)
    {
        var a = new byte[size];
        int n = (plen + 7) / 8;
        nd.Bytes(p, n).CopyTo(a);
        if (plen % 8 != 0) a[n - 1] &= (byte)(0xff00 >> (plen % 8));
        return a;
    }

    private static string Label(PrintContext nd, int p) =>
        $"label:{nd.Be24(p) >> 4} {((nd.U8(p + 2) & 1) == 0 ? "(BOGUS: Bottom of Stack NOT set!)" : "(bottom)")}";

    /// <summary>An RFC 4364 route distinguisher.</summary>
    internal static string Rd(PrintContext nd, int p)
    {
        int type = nd.Be16(p);
        return type switch
        {
            0 => $"{nd.Be16(p + 2)}:{nd.Be32(p + 4)} (= {Num4(nd, p + 4)})",
            1 => $"{A4(nd, p + 2)}:{nd.Be16(p + 6)}",
            2 => $"{As(nd, nd.Be32(p + 2))}:{nd.Be16(p + 6)} ({Num4(nd, p + 2)}:{nd.Be16(p + 6)})",
            _ => "unknown RD format",
        };
    }

    private static string Flags(int f)
    {
        var s = $", Flags [{((f & 0x80) != 0 ? "O" : "")}{((f & 0x40) != 0 ? "T" : "")}{((f & 0x20) != 0 ? "P" : "")}{((f & 0x10) != 0 ? "E" : "")}";
        return (f & 0xf) != 0 ? s + $"+{f & 0xf:x}" : s;
    }

    /// <summary>hex_print: when the data runs past the capture, what there is and then the packet ends truncated.</summary>
    private static void HexPrint(PrintContext nd, string indent, int p, int len)
    {
        int avail = nd.Avail(p);
        HexDump.Hex(nd, indent, p, Math.Min(len, avail));
        if (len > avail) PrintContext.Trunc();
    }

    // ---- entry ----

    public static void Print(PrintContext nd, int dat, int length)
    {
        nd.Proto = "bgp";
        nd.Print(": BGP");
        if (nd.Verbose < 1) return;
        int p = dat, start = p;
        while (p < nd.SnapEnd)
        {
            if (nd.U8(p) != 0xff) { p++; continue; }
            if (!nd.TTest(p, 16)) break;
            if (!IsMarker(nd, p)) { p++; continue; }
            if (!nd.TTest(p, HeaderSize)) { nd.PrintTrunc(); return; }
            if (start != p) nd.PrintTrunc();
            int hlen = nd.Be16(p + 16);
            if (hlen < HeaderSize)
            {
                nd.Print($"\nmessage length {hlen} < {HeaderSize}");
                nd.PrintInvalid();
                break;
            }
            if (!nd.TTest(p, hlen))
            {
                nd.Print($"\n[|BGP {MsgName(nd.U8(p + 18)) ?? "Unknown Message Type"}]");
                break;
            }
            Pdu(nd, p, hlen);
            p += hlen;
            start = p;
        }
    }

    private static bool IsMarker(PrintContext nd, int p)
    {
        foreach (var b in nd.Bytes(p, 16))
            if (b != 0xff) return false;
        return true;
    }

    private static void Pdu(PrintContext nd, int dat, int length)
    {
        int type = nd.U8(dat + 18);
        nd.Print($"\n\t{MsgName(type) ?? "Unknown"} Message ({type}), length: {length}");
        switch (type)
        {
            case 1: Open(nd, dat, length); break;
            case 2: Update(nd, dat, length); break;
            case 3: Notification(nd, dat, length); break;
            case 4: break;
            case 5: RouteRefresh(nd, dat, length); break;
            default:
                nd.Print($"\n\t  no Message {type} decoder");
                HexDump.UnknownData(nd, dat, "\n\t  ", length);
                break;
        }
    }

    // ---- OPEN ----

    private static void Open(PrintContext nd, int dat, int length)
    {
        if (!nd.TTest(dat, OpenSize) || length < OpenSize) { nd.PrintTrunc(); return; }
        nd.Print($"\n\t  Version {nd.U8(dat + 19)}, ");
        nd.Print($"my AS {As(nd, nd.Be16(dat + 20))}, ");
        nd.Print($"Holdtime {nd.Be16(dat + 22)}s, ");
        nd.Print($"ID {nd.A4(dat + 24)}");
        int optsLen = nd.U8(dat + 28);
        nd.Print($"\n\t  Optional parameters, length: {optsLen}");
        int opt = dat + OpenSize;
        length -= OpenSize;
        for (int i = 0; i < optsLen;)
        {
            if (!nd.TTest(opt + i, 2) || length < 2 + i) { nd.PrintTrunc(); return; }
            int type = nd.U8(opt + i), len = nd.U8(opt + i + 1);
            if (2 + i + len > optsLen)
            {
                nd.Print($"\n\t     Option {type}, length: {len}, goes past the end of the options");
                break;
            }
            string? name = type switch { 1 => "Authentication Information", 2 => "Capabilities Advertisement", _ => null };
            nd.Print($"\n\t    Option {name ?? "Unknown"} ({type}), length: {len}");
            if (type == 2) Capabilities(nd, opt + 2 + i, len);
            else nd.Print($"\n\t      no decoder for option {type}");
            i += 2 + len;
        }
    }

    /// <summary>"AFI name (n), SAFI name (n)" from an AFI at p and a SAFI safiOff octets after it.</summary>
    private static void AfiSafi(PrintContext nd, string prefix, int p, int safiOff = 2) =>
        nd.Print($"{prefix}AFI {Af(nd.Be16(p))} ({nd.Be16(p)}), SAFI {Safi(nd.U8(p + safiOff))} ({nd.U8(p + safiOff)})");

    private static void Capabilities(PrintContext nd, int opt, int capsLen)
    {
        for (int i = 0; i < capsLen;)
        {
            if (!nd.TTest(opt + i, 2)) { nd.PrintTrunc(); return; }
            int type = nd.U8(opt + i), len = nd.U8(opt + i + 1);
            nd.Print($"\n\t      {CapName(type) ?? "Unknown"} ({type}), length: {len}");
            int c = opt + i + 2;
            if (!nd.TTest(c, len)) { nd.PrintTrunc(); return; }
            switch (type)
            {
                case 1:
                    if (len < 4) { nd.Print(" (too short, < 4)"); return; }
                    AfiSafi(nd, "\n\t\t", c, 3);
                    break;
                case 8:
                    for (int off = 0, t = len; t >= 4; t -= 4, off += 4)
                    {
                        AfiSafi(nd, "\n\t\t", c + off);
                        nd.Print($", Count: {nd.U8(c + off + 3)}");
                    }
                    break;
                case 64:
                    if (len < 2) { nd.Print(" (too short, < 2)"); return; }
                    nd.Print($"\n\t\tRestart Flags: [{((nd.U8(c) & 0x80) != 0 ? "R" : "none")}], Restart Time {nd.Be16(c) & 0xfff}s");
                    for (int off = 2, t = len - 2; t >= 4; t -= 4, off += 4)
                    {
                        AfiSafi(nd, "\n\t\t  ", c + off);
                        nd.Print($", Forwarding state preserved: {((nd.U8(c + off + 3) & 0x80) != 0 ? "yes" : "no")}");
                    }
                    break;
                case 2:
                case 71:
                case 128:
                    break;
                case 65:
                    if (len < 4) { nd.Print(" (too short, < 4)"); return; }
                    nd.Print($"\n\t\t 4 Byte AS {As(nd, nd.Be32(c))}");
                    break;
                case 69:
                    if (len == 0) { nd.Print(" (bogus)"); break; }
                    for (int off = 0, t = len; t != 0; t -= 4, off += 4)
                    {
                        if (t < 4) { nd.PrintInvalid(); break; }
                        int sr = nd.U8(c + off + 3);
                        string srName = sr switch { 1 => "Receive", 2 => "Send", 3 => "Both", _ => $"Bogus (0x{sr:x2})" };
                        AfiSafi(nd, "\n\t\t", c + off);
                        nd.Print($", Send/Receive: {srName}");
                    }
                    break;
                default:
                    nd.Print($"\n\t\tno decoder for Capability {type}");
                    if (nd.Verbose <= 1) HexDump.UnknownData(nd, c, "\n\t\t", len);
                    break;
            }
            if (nd.Verbose > 1 && len != 0) HexDump.UnknownData(nd, c, "\n\t\t", len);
            i += 2 + len;
        }
    }

    // ---- UPDATE ----

    private static void Update(PrintContext nd, int dat, int length)
    {
        if (!UpdateBody(nd, dat, length)) nd.PrintTrunc();
    }

    /// <summary>Returns false where tcpdump prints the truncation marker and ends the message.</summary>
    private static bool UpdateBody(PrintContext nd, int dat, int length)
    {
        if (!nd.TTest(dat, HeaderSize) || length < HeaderSize) return false;
        int p = dat + HeaderSize;
        length -= HeaderSize;
        if (!nd.TTest(p, 2) || length < 2) return false;
        int wlen = nd.Be16(p);
        p += 2;
        length -= 2;
        if (wlen > 1)
        {
            if (!nd.TTest(p, wlen) || length < wlen) return false;
            nd.Print("\n\t  Withdrawn routes:");
            bool addPath = CheckAddPath(nd, p, wlen, 32);
            uint pathId = 0;
            while (wlen != 0)
            {
                if (addPath)
                {
                    if (wlen < 4) { p += wlen; length -= wlen; break; }
                    pathId = nd.Be32(p);
                    p += 4; length -= 4; wlen -= 4;
                }
                int r = Prefix4(nd, p, wlen, out var s);
                if (r == -1) { nd.Print("\n\t    (illegal prefix length)"); break; }
                if (r == -2) return false;
                nd.Print($"\n\t    {s}");
                if (addPath) nd.Print($"   Path Id: {pathId}");
                p += r; length -= r; wlen -= r;
            }
        }
        else
        {
            if (!nd.TTest(p, wlen) || length < wlen) return false;
            p += wlen;
            length -= wlen;
        }

        if (!nd.TTest(p, 2) || length < 2) return false;
        int len = nd.Be16(p);
        p += 2;
        length -= 2;
        if (wlen == 0 && len == 0 && length == 0)
        {
            nd.Print("\n\t  End-of-Rib Marker (empty NLRI)");
            return true;
        }
        if (len != 0)
        {
            if (length < len) return false;
            while (len != 0)
            {
                if (!nd.TTest(p, 2) || length < 2) return false;
                if (len < 2) { nd.Print("\n\t  [path attrs too short]"); p += len; length -= len; break; }
                int aflags = nd.U8(p), atype = nd.U8(p + 1);
                p += 2; len -= 2; length -= 2;
                int alenlen = (aflags & 0x10) != 0 ? 2 : 1;
                if (!nd.TTest(p, alenlen) || length < alenlen) return false;
                if (len < alenlen) { nd.Print("\n\t  [path attrs too short]"); p += len; length -= len; break; }
                int alen = alenlen == 2 ? nd.Be16(p) : nd.U8(p);
                p += alenlen; len -= alenlen; length -= alenlen;
                nd.Print($"\n\t  {AttrName(atype) ?? "Unknown Attribute"} ({atype}), length: {alen}");
                if (aflags != 0) nd.Print(Flags(aflags) + "]: ");
                if (len < alen) { nd.Print(" [path attrs too short]"); p += len; length -= len; break; }
                if (length < alen) return false;
                if (!Attr(nd, atype, p, alen, 0)) return false;
                p += alen; len -= alen; length -= alen;
            }
        }
        if (length != 0)
        {
            bool addPath = CheckAddPath(nd, p, length, 32);
            nd.Print("\n\t  Updated routes:");
            uint pathId = 0;
            while (length != 0)
            {
                if (addPath)
                {
                    if (!nd.TTest(p, 4) || length < 4) return false;
                    pathId = nd.Be32(p);
                    p += 4; length -= 4;
                }
                int r = Prefix4(nd, p, length, out var s);
                if (r == -1) { nd.Print("\n\t    (illegal prefix length)"); break; }
                if (r == -2) return false;
                nd.Print($"\n\t    {s}");
                if (addPath) nd.Print($"   Path Id: {pathId}");
                p += r; length -= r;
            }
        }
        return true;
    }

    /// <summary>
    /// Whether NLRI look like RFC 7911 add-path ones (a path id before each prefix): they parse that way and
    /// do not parse as plain prefixes.
    /// </summary>
    private static bool CheckAddPath(PrintContext nd, int p, long length, int maxPlen)
    {
        if (length < 5) return false;
        long off = 0;
        while (off < length)
        {
            off += 4;
            if (!nd.TTest((int)Math.Min(p + off, int.MaxValue), 1)) break;
            int pl = nd.U8(p + (int)off);
            if (pl > maxPlen) return false;
            off += 1 + (pl + 7) / 8;
        }
        if (off > length) return false;
        off = 0;
        while (off < length)
        {
            if (!nd.TTest((int)Math.Min(p + off, int.MaxValue), 1)) break;
            int pl = nd.U8(p + (int)off);
            if (pl < 1 || pl > maxPlen) return true;
            off += 1 + (pl + 7) / 8;
        }
        return off > length;
    }

    // ---- prefixes (return the octets used; -1 illegal length, -2 not enough item bytes / truncated, -3 item too short) ----

    private static int Prefix4(PrintContext nd, int p, long itemLen, out string s) => Prefix(nd, p, itemLen, 32, out s);

    private static int Prefix(PrintContext nd, int p, long itemLen, int max, out string s)
    {
        s = "";
        if (itemLen < 1) return -2;
        int plen = nd.U8(p);
        if (plen > max) return -1;
        itemLen--;
        int n = (plen + 7) / 8;
        if (itemLen < n) return -2;
        var a = PrefixBytes(nd, p + 1, plen, max / 8);
        s = $"{Named(nd, a)}/{plen}";
        return 1 + n;
    }

    private static int LabeledPrefix(PrintContext nd, int p, long itemLen, int max, out string s)
    {
        s = "";
        if (!nd.TTest(p, 4)) return -2;
        if (itemLen < 4) return -3;
        int plen = nd.U8(p);
        if (plen < 24) return -1;
        plen -= 24;
        if (plen > max) return -1;
        itemLen -= 4;
        int n = (plen + 7) / 8;
        if (max == 32 && itemLen < n) return -3;
        var a = PrefixBytes(nd, p + 4, plen, max / 8);
        s = $"{Named(nd, a)}/{plen}, {Label(nd, p + 1)}";
        return 4 + n;
    }

    /// <summary>Labeled VPN prefix: length, label, RD, then an IPv4 (32), IPv6 (128) or NSAP (152) prefix.</summary>
    private static int VpnPrefix(PrintContext nd, int p, int max, out string s)
    {
        s = "";
        int plen = nd.U8(p);
        if (plen < 24 + 64) return -1;
        plen -= 24 + 64;
        if (plen > max) return -1;
        var a = PrefixBytes(nd, p + 12, plen, max == 152 ? 19 : max / 8);
        int n = (plen + 7) / 8;
        string addr = max switch { 32 or 128 => Named(nd, a), _ => Nsap(a.AsSpan(0, n)) };
        s = $"RD: {Rd(nd, p + 4)}, {addr}/{plen}, {Label(nd, p + 1)}";
        return 12 + n;
    }

    private static int ClnpPrefix(PrintContext nd, int p, out string s)
    {
        s = "";
        int plen = nd.U8(p);
        if (plen > 152) return -1;
        int n = (plen + 7) / 8;
        // tcpdump reads the address 4 octets in, past the length byte
        var a = PrefixBytes(nd, p + 4, plen, 19);
        s = $"{Nsap(a.AsSpan(0, n))}/{plen}";
        return 1 + n;
    }

    /// <summary>RFC 4684 route target membership NLRI; prints itself.</summary>
    private static int RtRoutingInfo(PrintContext nd, int p)
    {
        int plen = nd.U8(p);
        if (plen == 0)
        {
            nd.Print("\n\t      default route target");
            return 1;
        }
        if (plen < 32)
        {
            nd.Print("\n\t      (illegal prefix length)");
            return -1;
        }
        string origin = As(nd, nd.Be32(p + 1));
        plen -= 32;
        if (plen > 64)
        {
            nd.Print("\n\t      (illegal prefix length)");
            return -1;
        }
        var rt = PrefixBytes(nd, p + 5, plen, 8);
        nd.Print($"\n\t      origin AS: {origin}, {RtPrefix(nd, rt, plen)}");
        return 5 + (plen + 7) / 8;
    }

    private static string RtPrefix(PrintContext nd, byte[] b, int plen)
    {
        if (plen == 0) return "route-target: 0:0/0";
        int n = (plen + 7) / 8;
        var hex = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            hex.Append(b[i].ToString("x2", CultureInfo.InvariantCulture));
            if (i % 2 == 1 && i < n - 1) hex.Append(' ');
        }
        if (plen < 16) return $"route-target: partial-type: ({hex}/{plen})";
        int type = b[0] << 8 | b[1];
        uint be16At2 = (uint)(b[2] << 8 | b[3]), be16At6 = (uint)(b[6] << 8 | b[7]);
        uint be32At2 = (uint)(b[2] << 24 | b[3] << 16 | b[4] << 8 | b[5]);
        uint be32At4 = (uint)(b[4] << 24 | b[5] << 16 | b[6] << 8 | b[7]);
        return type switch
        {
            0x0002 => $"route-target: {be16At2}:{be32At4}/{plen} ({hex})",
            0x0102 => $"route-target: {b[2]}.{b[3]}.{b[4]}.{b[5]}:{be16At6}/{plen} ({hex})",
            0x0202 => $"route-target: {As(nd, be32At2)}:{be16At6}/{plen} ({hex})",
            _ => $"route target: unknown-type({type:x4}) ({hex}/{plen})",
        };
    }

    private static int MdtVpn(PrintContext nd, int p, out string s)
    {
        s = "";
        if (nd.U8(p) != 16 * 8) return -1;
        p++;
        if (!nd.TTest(p, 8)) return -2;
        s = $"RD: {Rd(nd, p)}, VPN IP Address: {A4(nd, p + 8)}, MC Group Address: {A4(nd, p + 12)}";
        return 17;
    }

    private static string VpnIp(PrintContext nd, int p, uint bits) => bits switch
    {
        32 => A4(nd, p),
        128 => A6(nd, p),
        _ => $"bogus address length {bits}",
    };

    /// <summary>A multicast source and group, each a bit length and an address; returns the octets read.</summary>
    private static int SourceGroup(PrintContext nd, int p, StringBuilder s)
    {
        int total = 0;
        foreach (var what in (ReadOnlySpan<string>)[", Source ", ", Group "])
        {
            int bits = nd.U8(p);
            p++;
            if (!nd.TTest(p, bits >> 3)) return total;
            total += (bits >> 3) + 1;
            if (bits != 0)
            {
                s.Append(what).Append(VpnIp(nd, p, (uint)bits));
                p += bits >> 3;
            }
        }
        return total;
    }

    private static int MulticastVpn(PrintContext nd, int p, out string str)
    {
        int type = nd.U8(p), rlen = nd.U8(p + 1);
        p += 2;
        var s = new StringBuilder($"Route-Type: {MvpnRouteType(type) ?? "Unknown"} ({type}), length: {rlen}");
        str = "";
        const int RdLen = 8;
        switch (type)
        {
            case 1:
                if (!nd.TTest(p, RdLen)) return -2;
                s.Append($", RD: {Rd(nd, p)}, Originator {VpnIp(nd, p + RdLen, (uint)((rlen - RdLen) << 3))}");
                break;
            case 2:
            case 6:
            case 7:
                if (!nd.TTest(p, RdLen + 4)) return -2;
                s.Append($", RD: {Rd(nd, p)}, Source-AS {As(nd, nd.Be32(p + RdLen))}");
                if (type != 2) SourceGroup(nd, p + RdLen + 4, s);
                break;
            case 3:
            {
                if (!nd.TTest(p, RdLen)) return -2;
                s.Append($", RD: {Rd(nd, p)}");
                p += RdLen;
                int sg = SourceGroup(nd, p, s);
                uint addrLen = (uint)(rlen - sg);
                // tcpdump takes the originator from where the source/group began
                if (addrLen > int.MaxValue || !nd.TTest(p, (int)addrLen)) return -2;
                s.Append($", Originator {VpnIp(nd, p, addrLen << 3)}");
                break;
            }
            case 5:
                if (!nd.TTest(p, RdLen)) return -2;
                s.Append($", RD: {Rd(nd, p)}");
                SourceGroup(nd, p + RdLen, s);
                break;
        }
        // the C buffer holds MAXHOSTNAMELEN + 100 octets with the NUL
        str = s.Length > 163 ? s.ToString(0, 163) : s.ToString();
        return rlen + 2;
    }

    /// <summary>The C buffer that L2VPN NLRI text goes to (MAXHOSTNAMELEN + 100 octets): text past it is cut off.</summary>
    private sealed class BoundedText(int size)
    {
        private readonly StringBuilder _sb = new();
        private int _left = size;

        public bool Full => _left == 0;

        public void Add(string s)
        {
            if (_left == 0) return;
            if (s.Length >= _left) { _sb.Append(s, 0, _left - 1); _left = 0; }
            else { _sb.Append(s); _left -= s.Length; }
        }

        public override string ToString() => _sb.ToString();
    }

    private static int L2Vpn(PrintContext nd, int p, out string str)
    {
        str = "";
        int plen = nd.Be16(p);
        int tlen = plen;
        p += 2;
        var buf = new BoundedText(164);
        if (plen == 12)
        {
            if (!nd.TTest(p, 12)) return -2;
            buf.Add($"RD: {Rd(nd, p)}, BGPNH: {A4(nd, p + 8)}");
            str = buf.ToString();
            return plen + 2;
        }
        if (plen <= 17) return -2;
        if (!nd.TTest(p, 15)) return -2;
        buf.Add($"RD: {Rd(nd, p)}, CE-ID: {nd.Be16(p + 8)}, Label-Block Offset: {nd.Be16(p + 10)}, Label Base {nd.Be24(p + 12) >> 4}");
        p += 15;
        tlen -= 15;
        while (tlen != 0)
        {
            if (tlen < 3)
            {
                buf.Add("\n\t\tran past the end");
                break;
            }
            int tlvType = nd.U8(p);
            p++;
            int tlvLen = nd.Be16(p);
            int bytes = (tlvLen + 7) / 8;
            p += 2;
            // as in tcpdump, the TLV header is not taken off the remaining length
            if (tlvType == 1)
            {
                buf.Add($"\n\t\tcircuit status vector ({tlvType}) length: {tlvLen}: 0x");
                bool ranPast = false;
                for (; bytes != 0; bytes--, tlen--)
                {
                    if (tlen < 1) { buf.Add(" (ran past the end)"); ranPast = true; break; }
                    if (!nd.TTest(p, 1)) return -2;
                    if (!buf.Full) buf.Add(nd.U8(p++).ToString("x2", CultureInfo.InvariantCulture));
                }
                if (ranPast) break;
            }
            else
            {
                buf.Add($"\n\t\tunknown TLV #{tlvType}, length: {tlvLen}");
                if (tlen < bytes) { buf.Add(" (ran past the end)"); break; }
                tlen -= bytes;
            }
        }
        str = buf.ToString();
        return plen + 2;
    }

    private static int NlriPrint(PrintContext nd, int af, int safi, int p, int len, bool addPath4, bool addPath6)
    {
        int adv;
        string s;
        var kind = Decoders(af, safi).Nlri;
        switch (kind)
        {
            case Nlri.Prefix4:
            case Nlri.Prefix6:
            {
                bool addPath = kind == Nlri.Prefix4 ? addPath4 : addPath6;
                uint pathId = 0;
                if (addPath) { pathId = nd.Be32(p); p += 4; }
                adv = Prefix(nd, p, len, kind == Nlri.Prefix4 ? 32 : 128, out s);
                if (adv == -1) nd.Print("\n\t    (illegal prefix length)");
                else if (adv == -2) return adv;
                else nd.Print($"\n\t      {s}");
                if (addPath)
                {
                    nd.Print($"   Path Id: {pathId}");
                    adv += 4;
                }
                return adv;
            }
            case Nlri.Labeled4:
            case Nlri.Labeled6:
                adv = LabeledPrefix(nd, p, len, kind == Nlri.Labeled4 ? 32 : 128, out s);
                break;
            case Nlri.Vpn4: adv = VpnPrefix(nd, p, 32, out s); break;
            case Nlri.Vpn6: adv = VpnPrefix(nd, p, 128, out s); break;
            case Nlri.VpnClnp: adv = VpnPrefix(nd, p, 152, out s); break;
            case Nlri.Clnp: adv = ClnpPrefix(nd, p, out s); break;
            case Nlri.RtInfo: return RtRoutingInfo(nd, p);
            case Nlri.Mvpn: adv = MulticastVpn(nd, p, out s); break;
            case Nlri.Mdt: adv = MdtVpn(nd, p, out s); break;
            case Nlri.L2:
                adv = L2Vpn(nd, p, out s);
                if (adv == -1) { nd.Print("\n\t    (illegal length)"); return adv; }
                break;
            default:
                nd.Print($"\n\t    ERROR: no AFI {af} / SAFI {safi} decoder");
                return -4;
        }
        if (adv == -1) nd.Print("\n\t    (illegal prefix length)");
        else if (adv >= 0) nd.Print($"\n\t      {s}");
        return adv;
    }

    /// <summary>Prints AFI/SAFI of an MP_REACH/MP_UNREACH; 0 when decodable, -1 when not (dumped), -2 truncated.</summary>
    private static int MpAf(PrintContext nd, int p, int tlen, out int af, out int safi)
    {
        af = nd.Be16(p);
        safi = nd.U8(p + 2);
        nd.Print($"\n\t    AFI: {Af(af, "Unknown AFI")} ({af}), {(safi > 128 ? "vendor specific " : "")}SAFI: {Safi(safi, "Unknown SAFI")} ({safi})");
        if (Decoders(af, safi).Nh != NextHop.None) return 0;
        if (!nd.TTest(p, tlen)) return -2;
        nd.Print($"\n\t    no AFI {af} / SAFI {safi} decoder");
        if (nd.Verbose <= 1) HexDump.UnknownData(nd, p, "\n\t    ", tlen);
        return -1;
    }

    /// <summary>Prints the NLRI of an MP_REACH/MP_UNREACH from p to the attribute's end; false when truncated.</summary>
    private static bool MpNlri(PrintContext nd, int af, int safi, int pptr, int len, int p)
    {
        long rest = (uint)(len - (p - pptr));
        bool ap4 = CheckAddPath(nd, p, rest, 32), ap6 = CheckAddPath(nd, p, rest, 128);
        while (p < pptr + len)
        {
            int adv = NlriPrint(nd, af, safi, p, len, ap4, ap6);
            if (adv == -2) return false;
            if (adv < 0) break;
            p += adv;
        }
        return true;
    }

    // ---- path attributes ----

    /// <summary>One path attribute's value; false when truncated (the caller prints the marker).</summary>
    private static bool Attr(PrintContext nd, int atype, int pptr, int len, int level)
    {
        int tp = pptr, tlen = len;
        switch (atype)
        {
            case 1:
                if (len != 1) nd.Print("invalid len");
                else
                {
                    int o = nd.U8(tp);
                    nd.Print(o switch { 0 => "IGP", 1 => "EGP", 2 => "Incomplete", _ => "Unknown Origin Typecode" });
                }
                break;
            case 2:
            case 17:
            {
                if (len % 2 != 0) { nd.Print("invalid len"); break; }
                if (len == 0) { nd.Print("empty"); break; }
                int asSize = AsSize(nd, atype, pptr, len);
                while (tp < pptr + len)
                {
                    int seg = nd.U8(tp);
                    nd.Print(seg switch { 2 => "", 1 => "{ ", 3 => "( ", 4 => "({ ", _ => "?" });
                    for (int i = 0; i < nd.U8(tp + 1) * asSize; i += asSize)
                    {
                        if (!nd.TTest(tp + 2 + i, asSize)) return false;
                        nd.Print($"{As(nd, asSize == 2 ? nd.Be16(tp + i + 2) : nd.Be32(tp + i + 2))} ");
                    }
                    nd.Print(seg switch { 2 => "", 1 => "}", 3 => ")", 4 => "})", _ => "?" });
                    tp += 2 + nd.U8(tp + 1) * asSize;
                }
                break;
            }
            case 3:
            case 9:
                if (len != 4) nd.Print("invalid len");
                else nd.Print($"{nd.A4(tp)}");
                break;
            case 4:
            case 5:
                if (len != 4) nd.Print("invalid len");
                else nd.Print($"{nd.Be32(tp)}");
                break;
            case 6:
                if (len != 0) nd.Print("invalid len");
                break;
            case 7:
                if (len != 6 && len != 8) { nd.Print("invalid len"); break; }
                if (!nd.TTest(tp, len)) return false;
                if (len == 6) nd.Print($" AS #{As(nd, nd.Be16(tp))}, origin {nd.A4(tp + 2)}");
                else nd.Print($" AS #{As(nd, nd.Be32(tp))}, origin {nd.A4(tp + 4)}");
                break;
            case 18:
                if (len != 8) { nd.Print("invalid len"); break; }
                nd.Print($" AS #{As(nd, nd.Be32(tp))}, origin {nd.A4(tp + 4)}");
                break;
            case 8:
                if (len % 4 != 0) { nd.Print("invalid len"); break; }
                for (; tlen != 0; tlen -= 4, tp += 4)
                {
                    if (!nd.TTest(tp, 4)) return false;
                    uint comm = nd.Be32(tp);
                    nd.Print(comm switch
                    {
                        0xffffff01 => " NO_EXPORT",
                        0xffffff02 => " NO_ADVERTISE",
                        0xffffff03 => " NO_EXPORT_SUBCONFED",
                        _ => $"{comm >> 16}:{comm & 0xffff}{(tlen > 4 ? ", " : "")}",
                    });
                }
                break;
            case 10:
                if (len % 4 != 0) { nd.Print("invalid len"); break; }
                for (; tlen != 0; tlen -= 4, tp += 4)
                    nd.Print($"{nd.A4(tp)}{(tlen > 4 ? ", " : "")}");
                break;
            case 14:
                if (!MpReach(nd, pptr, len)) return false;
                break;
            case 15:
            {
                if (!nd.TTest(tp, 3)) return false;
                int ret = MpAf(nd, tp, tlen, out int af, out int safi);
                if (ret == -2) return false;
                if (ret < 0) break;
                if (len == 3) nd.Print("\n\t      End-of-Rib Marker (empty NLRI)");
                if (!MpNlri(nd, af, safi, pptr, len, tp + 3)) return false;
                break;
            }
            case 16:
                if (len % 8 != 0) { nd.Print("invalid len"); break; }
                for (; tlen != 0; tlen -= 8, tp += 8)
                {
                    if (!nd.TTest(tp, 2)) return false;
                    int ec = nd.Be16(tp);
                    string flags = (ec & 0xc000) switch
                    {
                        0xc000 => "vendor-specific, non-transitive",
                        0x8000 => "vendor-specific",
                        0x4000 => "non-transitive",
                        _ => "none",
                    };
                    nd.Print($"\n\t    {ExtCommName(ec) ?? "unknown extd community typecode"} (0x{ec:x4}), Flags [{flags}]");
                    if (!nd.TTest(tp, 8)) return false;
                    nd.Print(": ");
                    ExtCommunity(nd, tp);
                }
                break;
            case 22:
                if (!nd.TTest(tp, 5) || tlen < 5) return false;
                Pmsi(nd, tp, tlen);
                break;
            case 26:
                while (tlen >= 3)
                {
                    int type = nd.U8(tp), length = nd.Be16(tp + 1);
                    tp += 3;
                    tlen -= 3;
                    nd.Print($"\n\t    {(type == 1 ? "AIGP" : "Unknown")} TLV ({type}), length {length}");
                    if (length < 3) return false;
                    length -= 3;
                    if (tlen < length) return false;
                    if (type == 1)
                    {
                        if (length < 8) return false;
                        nd.Print($", metric {nd.Be64(tp)}");
                    }
                    else if (nd.Verbose <= 1) HexDump.UnknownData(nd, tp, "\n\t      ", length);
                    tp += length;
                    tlen -= length;
                }
                break;
            case 128:
                if (!nd.TTest(tp, 4) || len < 4) return false;
                nd.Print($"\n\t    Origin AS: {As(nd, nd.Be32(tp))}");
                tp += 4;
                len -= 4;
                while (len != 0)
                {
                    if (!nd.TTest(tp, 2)) return false;
                    if (len < 2) { nd.Print(" [path attr too short]"); break; }
                    int aflags = nd.U8(tp), inner = nd.U8(tp + 1);
                    tp += 2;
                    len -= 2;
                    int alenlen = (aflags & 0x10) != 0 ? 2 : 1;
                    if (!nd.TTest(tp, alenlen)) return false;
                    if (len < alenlen) { nd.Print(" [path attr too short]"); break; }
                    int alen = alenlen == 2 ? nd.Be16(tp) : nd.U8(tp);
                    tp += alenlen;
                    len -= alenlen;
                    nd.Print($"\n\t      {AttrName(inner) ?? "Unknown Attribute"} ({inner}), length: {alen}");
                    if (aflags != 0) nd.Print(Flags(aflags) + "]");
                    nd.Print(": ");
                    if (len < alen) { nd.Print(" [path attr too short]"); break; }
                    if (level == 10) nd.Print("(too many nested levels, not recursing)");
                    else if (!Attr(nd, inner, tp, alen, level + 1)) return false;
                    tp += alen;
                    len -= alen;
                }
                break;
            case 32:
                if (len == 0 || len % 12 != 0) { nd.Print("invalid len"); break; }
                nd.Print("\n\t    ");
                for (; len != 0; len -= 12, tp += 12)
                    nd.Print($"{nd.Be32(tp)}:{nd.Be32(tp + 4)}:{nd.Be32(tp + 8)}{(len > 12 ? ", " : "")}");
                break;
            default:
                if (!nd.TTest(pptr, len)) return false;
                nd.Print($"\n\t    no Attribute {atype} decoder");
                if (nd.Verbose <= 1) HexDump.UnknownData(nd, pptr, "\n\t    ", len);
                break;
        }
        if (nd.Verbose > 1 && len != 0)
        {
            if (!nd.TTest(pptr, len)) return false;
            HexDump.UnknownData(nd, pptr, "\n\t    ", len);
        }
        return true;
    }

    /// <summary>AS_PATH segments carry 2-octet ASes when they parse exactly that way (AS4_PATH always 4).</summary>
    private static int AsSize(PrintContext nd, int atype, int pptr, int len)
    {
        if (atype == 17) return 4;
        int tp = pptr;
        while (tp < pptr + len)
        {
            int seg = nd.U8(tp);
            if (seg < 1 || seg > 4) return 4;
            tp += 2 + nd.U8(tp + 1) * 2;
        }
        return tp == pptr + len ? 2 : 4;
    }

    /// <summary>MP_REACH_NLRI: AFI/SAFI, next hops, SNPAs, NLRI; false when truncated.</summary>
    private static bool MpReach(PrintContext nd, int pptr, int len)
    {
        int tp = pptr, tlen = len;
        if (!nd.TTest(tp, 3) || tlen < 3) return false;
        int ret = MpAf(nd, tp, tlen, out int af, out int safi);
        if (ret == -2) return false;
        if (ret < 0) return true;
        tp += 3;
        tlen -= 3;
        if (!nd.TTest(tp, 1) || tlen < 1) return false;
        int nhlen = nd.U8(tp);
        tp++;
        tlen--;
        if (nhlen != 0)
        {
            if (tlen < nhlen) return false;
            nd.Print("\n\t    nexthop: ");
            var kind = Decoders(af, safi).Nh;
            int nnh = 0;
            for (int left = nhlen; left != 0;)
            {
                if (nnh++ > 0) nd.Print(", ");
                int need = kind switch
                {
                    NextHop.V4 => 4, NextHop.RdV4 => 12, NextHop.V6 => 16, NextHop.RdV6 => 24, NextHop.RdNsap => 9, _ => 0,
                };
                if (left < need)
                {
                    nd.Print("invalid len");
                    tp += left; tlen -= left; left = 0;
                    continue;
                }
                int used = need;
                switch (kind)
                {
                    case NextHop.V4: nd.Print($"{nd.A4(tp)}"); break;
                    case NextHop.V6: nd.Print($"{nd.A6(tp)}"); break;
                    case NextHop.RdV4: nd.Print($"RD: {Rd(nd, tp)}, {nd.A4(tp + 8)}"); break;
                    case NextHop.RdV6: nd.Print($"RD: {Rd(nd, tp)}, {nd.A6(tp + 8)}"); break;
                    case NextHop.Nsap:
                        nd.Print(Nsap(nd.Bytes(tp, left)));
                        used = left;
                        break;
                    case NextHop.RdNsap:
                        if (!nd.TTest(tp, left)) return false;
                        nd.Print($"RD: {Rd(nd, tp)}, {Nsap(nd.Bytes(tp + 8, left - 8))}");
                        if (nd.Be32(tp + 8) == 0x47000601) nd.Print($" = {nd.A4(tp + 12)}");
                        else if (nd.Be24(tp + 8) == 0x350000) nd.Print($" = {nd.A6(tp + 11)}");
                        used = left;
                        break;
                    default:
                        nd.Print($"ERROR: no AFI {af}/SAFI {safi} nexthop decoder");
                        return true;
                }
                tp += used; tlen -= used; left -= used;
            }
        }
        nd.Print($", nh-length: {nhlen}");
        if (tlen < 1) return false;
        int snpa = nd.U8(tp);
        tp++;
        tlen--;
        if (snpa != 0)
        {
            nd.Print($"\n\t    {snpa} SNPA");
            for (; snpa != 0; snpa--)
            {
                if (tlen < 1) return false;
                int snpaLen = nd.U8(tp);
                nd.Print($"\n\t      {snpaLen} bytes");
                tp++;
                tlen--;
                if (tlen < snpaLen || !nd.TTest(tp, snpaLen)) return false;
                tp += snpaLen;
                tlen -= snpaLen;
            }
        }
        else nd.Print(", no SNPA");
        return MpNlri(nd, af, safi, pptr, len, tp);
    }

    private static void Pmsi(PrintContext nd, int tp, int tlen)
    {
        int flags = nd.U8(tp), type = nd.U8(tp + 1);
        nd.Print($"\n\t    Tunnel-type {PmsiTunnelName(type) ?? "Unknown"} ({type}), Flags [{((flags & 1) != 0 ? "Leaf Information required" : "none")}]" +
            $", MPLS Label {nd.Be24(tp + 2) >> 4}");
        tp += 5;
        tlen -= 5;
        switch (type)
        {
            case 4:
            case 5: nd.Print($"\n\t      Sender {nd.A4(tp)}, P-Group {nd.A4(tp + 4)}"); break;
            case 3: nd.Print($"\n\t      Root-Node {nd.A4(tp)}, P-Group {nd.A4(tp + 4)}"); break;
            case 6: nd.Print($"\n\t      Tunnel-Endpoint {nd.A4(tp)}"); break;
            case 2:
            case 7: nd.Print($"\n\t      Root-Node {nd.A4(tp)}, LSP-ID 0x{nd.Be32(tp + 4):x8}"); break;
            case 1: nd.Print($"\n\t      Extended-Tunnel-ID {nd.A4(tp)}, P2MP-ID 0x{nd.Be32(tp + 4):x8}"); break;
            default:
                if (nd.Verbose <= 1) HexDump.UnknownData(nd, tp, "\n\t      ", tlen);
                break;
        }
    }

    /// <summary>The value of an RFC 4360 extended community (8 octets at p).</summary>
    private static void ExtCommunity(PrintContext nd, int p)
    {
        int type = nd.Be16(p);
        switch (type)
        {
            case 0x0002:
            case 0x0003:
            case 0x000a:
                nd.Print($"{nd.Be16(p + 2)}:{nd.Be32(p + 4)} (= {nd.A4(p + 4)})");
                break;
            case 0x0102:
            case 0x0103:
            case 0xf10a:
            case 0x010b:
                nd.Print($"{nd.A4(p + 2)}:{nd.Be16(p + 6)}");
                break;
            case 0x0202:
            case 0x0203:
                nd.Print($"{As(nd, nd.Be32(p + 2))}:{nd.Be16(p + 6)}");
                break;
            case 0x4004:
            {
                float bw = BitConverter.Int32BitsToSingle((int)nd.Be32(p + 4));
                float mbps = bw * 8 / 1000000;
                nd.Print($"bandwidth: {((double)mbps).ToString("F3", CultureInfo.InvariantCulture)} Mbps");
                break;
            }
            case 0x0005:
            case 0x0105:
            case 0x0205:
            case 0x8005:
            case 0x0107:
            case 0x8001:
                nd.Print($"{nd.A4(p + 2)}");
                break;
            case 0x0306:
            case 0x8000:
            {
                int rt = nd.U8(p + 6);
                nd.Print($"area:{nd.A4(p + 2)}, router-type:{OspfRouteType(rt) ?? $"unknown (0x{rt:x2})"}, " +
                    $"metric-type:{((nd.U8(p + 7) & 1) != 0 ? "E2" : "")}{(rt == 5 || rt == 7 ? "E1" : "")}");
                break;
            }
            case 0x800a:
                nd.Print($"{L2vpnEncaps(nd.U8(p + 2)) ?? "unknown encaps"} Control Flags [0x{nd.U8(p + 3):x2}]:MTU {nd.Be16(p + 4)}");
                break;
            case 0x0009:
                nd.Print($"AS {nd.Be16(p + 2)}");
                break;
            case 0x030c:
                nd.Print($"Tunnel type: {EncapTunnelName(nd.Be16(p + 6)) ?? "unknown encaps"}");
                break;
            default:
                nd.Print($"{nd.U8(p + 2):x2}{nd.U8(p + 3):x2}{nd.U8(p + 4):x2}{nd.U8(p + 5):x2}{nd.U8(p + 6):x2}{nd.U8(p + 7):x2}");
                break;
        }
    }

    // ---- NOTIFICATION, ROUTE-REFRESH ----

    private static void Notification(PrintContext nd, int dat, int length)
    {
        if (!nd.TTest(dat, NotificationSize)) { nd.PrintTrunc(); return; }
        if (length < NotificationSize) return;
        int major = nd.U8(dat + 19), minor = nd.U8(dat + 20);
        nd.Print($", {NotifyMajor(major) ?? "Unknown Error"} ({major})");
        if (major is 4 or < 1 or > 7) return;
        nd.Print($"{(major is 5 or 7 ? " " : ", ")}subcode {NotifyMinor(major, minor) ?? "Unknown"} ({minor})");
        if (major != 6) return;
        int tp = dat + NotificationSize;
        if (minor == 1 && length >= NotificationSize + 7)
        {
            int af = nd.Be16(tp), safi = nd.U8(tp + 2);
            nd.Print($", AFI {Af(af)} ({af}), SAFI {Safi(safi)} ({safi}), Max Prefixes: {nd.Be32(tp + 3)}");
        }
        if ((minor == 2 || minor == 4) && length >= NotificationSize + 1)
        {
            int commLen = nd.U8(tp);
            byte rest = 0;
            if (commLen > length - (NotificationSize + 1)) nd.Print(", invalid Shutdown Communication length");
            else if (commLen == 0)
            {
                nd.Print(", empty Shutdown Communication");
                rest = 1;
            }
            else
            {
                nd.Print($", Shutdown Communication (length: {commLen}): \"");
                for (int i = 0; i < commLen; i++) Text.PrintChar(nd, nd.U8(tp + 1 + i));
                nd.Print("\"");
                rest = (byte)(commLen + 1);
            }
            int trailing = length - (rest + NotificationSize);
            if (trailing != 0)
            {
                nd.Print($", Data: (length: {(uint)trailing})");
                HexPrint(nd, "\n\t\t", tp + rest, trailing);
            }
        }
    }

    private static void RouteRefresh(PrintContext nd, int p, int len)
    {
        if (!nd.TTest(p, RouteRefreshSize)) { nd.PrintTrunc(); return; }
        if (len < RouteRefreshSize) return;
        AfiSafi(nd, "\n\t  ", p + 19, 3);
        if (nd.Verbose > 1) HexDump.UnknownData(nd, p, "\n\t  ", len);
    }
}
