// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>sFlow version 5 (UDP 6343): datagram header, flow and counter samples (compact and expanded) with their
/// records (raw packet header, Ethernet frame, extended switch; generic, Ethernet, 100BaseVG, VLAN, processor counters).
/// </summary>
/// <remarks>Specification: sFlow Version 5 (sflow.org, "sFlow.version5.txt"), RFC 3176 (sFlow v4).</remarks>
internal static class Sflow
{
    private static string SampleType(uint t) => t switch
    {
        1 => "flow sample", 2 => "counter sample", 3 => "expanded flow sample", 4 => "expanded counter sample", _ => "Unknown",
    };

    private static string FlowType(uint t) => t switch
    {
        1 => "Raw packet", 2 => "Ethernet frame", 3 => "IPv4 Data", 4 => "IPv6 Data", 1001 => "Extended Switch data",
        1002 => "Extended Router data", 1003 => "Extended Gateway data", 1004 => "Extended User data", 1005 => "Extended URL data",
        1006 => "Extended MPLS data", 1007 => "Extended NAT data", 1008 => "Extended MPLS tunnel", 1009 => "Extended MPLS VC",
        1010 => "Extended MPLS FEC", 1011 => "Extended MPLS LVP FEC", 1012 => "Extended VLAN Tunnel", _ => "Unknown",
    };

    private static string CounterType(uint t) => t switch
    {
        1 => "Generic counter", 2 => "Ethernet counter", 3 => "Token ring counter", 4 => "100 BaseVG counter", 5 => "Vlan counter",
        1001 => "Processor counter", _ => "Unknown",
    };

    public static void Print(PrintContext nd, int p, int len)
    {
        nd.Proto = "sflow";
        uint ipVersion = nd.Be32(p + 4);
        if ((len < 28 && ipVersion == 1) || (len < 40 && ipVersion == 2))
        {
            nd.Print($"sFlowv{nd.Be32(p)}");
            nd.Print($" [length {len} < 28]");
            nd.PrintInvalid();
            return;
        }
        nd.Check(p, 28);
        uint version = nd.Be32(p);
        if (version != 5) { nd.Print($"sFlow version {version} packet not supported"); return; }
        bool v4 = ipVersion == 1;
        int after = v4 ? p + 12 : p + 24;
        if (nd.Verbose < 1)
        {
            string agent = v4 ? nd.Ip4String(nd.Be32(p + 8)) : nd.Ip6String(nd.Bytes(p + 8, 16));
            nd.Print($"sFlowv{version}, {(v4 ? "IPv4" : "IPv6")} agent {agent}, agent-id {nd.Be32(after)}, length {len}");
            return;
        }
        uint samples = nd.Be32(after + 12);
        string a = v4 ? nd.Ip4String(nd.Be32(p + 8)) : nd.Ip6String(nd.Bytes(p + 8, 16));
        string head1 = $"sFlowv{version}, {(v4 ? "IPv4" : "IPv6")} agent {a}, agent-id {nd.Be32(after)}";
        nd.Print($"{head1}, seqnum {nd.Be32(after + 4)}, uptime {nd.Be32(after + 8)}, samples {samples}, length {len}");
        int t = p;
        uint tlen = (uint)len;
        int hdr = v4 ? 28 : 40;
        if (tlen < hdr) { Invalid(nd, t, tlen); return; }
        t += hdr;
        tlen -= (uint)hdr;
        while (samples > 0 && tlen > 0)
        {
            uint type = nd.Be32(t) & 0x0fff;
            uint slen = nd.Be32(t + 4);
            if (tlen < 8) { Invalid(nd, t, tlen); return; }
            t += 8;
            tlen -= 8;
            nd.Print($"\n\t{SampleType(type)} ({type}), length {slen},");
            if (type == 0 || slen == 0) return;
            if (tlen < slen) { Invalid(nd, t, tlen); return; }
            nd.Check(t, (int)slen);
            bool bad = type switch
            {
                1 => FlowSample(nd, t, tlen, false),
                2 => CounterSample(nd, t, tlen, false),
                3 => FlowSample(nd, t, tlen, true),
                4 => CounterSample(nd, t, tlen, true),
                _ => Unknown(nd, t, slen, "\n\t    "),
            };
            if (bad) { Invalid(nd, t, tlen); return; }
            t += (int)slen;
            tlen -= slen;
            samples--;
        }
    }

    private static bool Unknown(PrintContext nd, int t, uint len, string indent)
    {
        if (nd.Verbose <= 1) HexDump.UnknownData(nd, t, indent, (int)Math.Min(len, int.MaxValue));
        return false;
    }

    private static void Invalid(PrintContext nd, int t, uint tlen)
    {
        nd.PrintInvalid();
        nd.Check(t, (int)Math.Min(tlen, int.MaxValue));
    }

    private static bool FlowSample(PrintContext nd, int p, uint len, bool expanded)
    {
        if (len < (expanded ? 44u : 32u)) return true;
        if (expanded)
        {
            uint records = nd.Be32(p + 40);
            string head2 = $" seqnum {nd.Be32(p)}, type {nd.Be32(p + 4)}, idx {nd.Be32(p + 8)}, rate {nd.Be32(p + 12)}";
            nd.Print($"{head2}, pool {nd.Be32(p + 16)}, drops {nd.Be32(p + 20)}, records {records}");
            return FlowRecords(nd, p + 44, len - 44, records);
        }
        uint n = nd.Be32(p + 28);
        string head3 = $" seqnum {nd.Be32(p)}, type {nd.U8(p + 4)}, idx {nd.Be24(p + 5)}, rate {nd.Be32(p + 8)}";
        nd.Print($"{head3}, pool {nd.Be32(p + 12)}, drops {nd.Be32(p + 16)}, input {nd.Be32(p + 20)} output {nd.Be32(p + 24)} records {n}");
        return FlowRecords(nd, p + 32, len - 32, n);
    }

    private static bool FlowRecords(PrintContext nd, int t, uint tlen, uint records)
    {
        for (; records > 0; records--)
        {
            if (tlen < 8) return true;
            uint format = nd.Be32(t);
            uint type = format & 0x0fff, enterprise = format >> 12;
            uint flen = nd.Be32(t + 4);
            nd.Print($"\n\t    enterprise {enterprise} {(enterprise == 0 ? FlowType(type) : "Unknown")} ({type}) length {flen}");
            t += 8;
            tlen -= 8;
            if (tlen < flen) return true;
            if (enterprise == 0)
            {
                switch (type)
                {
                    case 1:
                        if (tlen < 16) return true;
                        uint proto = nd.Be32(t);
                        string pn = proto switch { 1 => "Ethernet", 11 => "IPv4", 12 => "IPv6", _ => "Unknown" };
                        nd.Print($"\n\t      protocol {pn} ({proto}), length {nd.Be32(t + 4)}, stripped bytes {nd.Be32(t + 8)}, header_size {nd.Be32(t + 12)}");
                        break;
                    case 1001:
                        if (tlen < 16) return true;
                        nd.Print($"\n\t      src vlan {nd.Be32(t)}, src pri {nd.Be32(t + 4)}, dst vlan {nd.Be32(t + 8)}, dst pri {nd.Be32(t + 12)}");
                        break;
                    case 2:
                        if (tlen < 24) return true;
                        nd.Print($"\n\t      frame len {nd.Be32(t)}, type {nd.Be32(t + 20)}");
                        break;
                    case 3: case 4: case 1002: case 1003: case 1004: case 1005: case 1006: case 1007: case 1008: case 1009:
                    case 1010: case 1011: case 1012:
                        break;
                    default:
                        Unknown(nd, t, flen, "\n\t\t");
                        break;
                }
            }
            t += (int)flen;
            tlen -= flen;
        }
        return false;
    }

    private static bool CounterSample(PrintContext nd, int p, uint len, bool expanded)
    {
        if (len < (expanded ? 16u : 12u)) return true;
        if (expanded)
        {
            uint records = nd.Be32(p + 12);
            nd.Print($" seqnum {nd.Be32(p)}, type {nd.Be32(p + 4)}, idx {nd.Be32(p + 8)}, records {records}");
            return CounterRecords(nd, p + 16, len - 16, records);
        }
        uint n = nd.Be32(p + 8);
        nd.Print($" seqnum {nd.Be32(p)}, type {nd.U8(p + 4)}, idx {nd.Be24(p + 5)}, records {n}");
        return CounterRecords(nd, p + 12, len - 12, n);
    }

    private static bool CounterRecords(PrintContext nd, int t, uint tlen, uint records)
    {
        for (; records > 0; records--)
        {
            if (tlen < 8) return true;
            uint format = nd.Be32(t);
            uint type = format & 0x0fff, enterprise = format >> 20;
            uint clen = nd.Be32(t + 4);
            nd.Print($"\n\t    enterprise {enterprise}, {(enterprise == 0 ? CounterType(type) : "Unknown")} ({type}) length {clen}");
            t += 8;
            tlen -= 8;
            if (tlen < clen) return true;
            if (enterprise == 0)
            {
                switch (type)
                {
                    case 1:
                        if (tlen < 88) return true;
                        Generic(nd, t);
                        break;
                    case 2:
                        if (tlen < 52) return true;
                        string head4 = $"\n\t      align errors {nd.Be32(t)}, fcs errors {nd.Be32(t + 4)}, single collision {nd.Be32(t + 8)}";
                        nd.Print($"{head4}, multiple collision {nd.Be32(t + 12)}, test error {nd.Be32(t + 16)}");
                        string head5 = $"\n\t      deferred {nd.Be32(t + 20)}, late collision {nd.Be32(t + 24)}";
                        nd.Print($"{head5}, excessive collision {nd.Be32(t + 28)}, mac trans error {nd.Be32(t + 32)}");
                        string head6 = $"\n\t      carrier error {nd.Be32(t + 36)}, frames too long {nd.Be32(t + 40)}";
                        nd.Print($"{head6}, mac receive errors {nd.Be32(t + 44)}, symbol errors {nd.Be32(t + 48)}");
                        break;
                    case 3:
                        break;
                    case 4:
                        if (tlen < 80) return true;
                        BaseVg(nd, t);
                        break;
                    case 5:
                        if (tlen < 28) return true;
                        string head7 = $"\n\t      vlan_id {nd.Be32(t)}, octets {nd.Be64(t + 4)}, unicast_pkt {nd.Be32(t + 12)}";
                        nd.Print($"{head7}, multicast_pkt {nd.Be32(t + 16)}, broadcast_pkt {nd.Be32(t + 20)}, discards {nd.Be32(t + 24)}");
                        break;
                    case 1001:
                        if (tlen < 28) return true;
                        string head8 = $"\n\t      5sec {nd.Be32(t)}, 1min {nd.Be32(t + 4)}, 5min {nd.Be32(t + 8)}";
                        nd.Print($"{head8}, total_mem {nd.Be64(t + 12)}, total_mem {nd.Be64(t + 20)}");
                        break;
                    default:
                        Unknown(nd, t, clen, "\n\t\t");
                        break;
                }
            }
            t += (int)clen;
            tlen -= clen;
        }
        return false;
    }

    private static void Generic(PrintContext nd, int t)
    {
        uint dir = nd.Be32(t + 16);
        string d = dir switch { 0 => "unknown", 1 => "full-duplex", 2 => "half-duplex", 3 => "in", 4 => "out", _ => "Unknown" };
        nd.Print($"\n\t      ifindex {nd.Be32(t)}, iftype {nd.Be32(t + 4)}, ifspeed {nd.Be64(t + 8)}, ifdirection {dir} ({d})");
        uint st = nd.Be32(t + 20);
        nd.Print($"\n\t      ifstatus {st}, adminstatus: {((st & 1) != 0 ? "up" : "down")}, operstatus: {(((st >> 1) & 1) != 0 ? "up" : "down")}");
        string head9 = $"\n\t      In octets {nd.Be64(t + 24)}, unicast pkts {nd.Be32(t + 32)}";
        nd.Print($"{head9}, multicast pkts {nd.Be32(t + 36)}, broadcast pkts {nd.Be32(t + 40)}, discards {nd.Be32(t + 44)}");
        nd.Print($"\n\t      In errors {nd.Be32(t + 48)}, unknown protos {nd.Be32(t + 52)}");
        string head10 = $"\n\t      Out octets {nd.Be64(t + 56)}, unicast pkts {nd.Be32(t + 64)}";
        nd.Print($"{head10}, multicast pkts {nd.Be32(t + 68)}, broadcast pkts {nd.Be32(t + 72)}, discards {nd.Be32(t + 76)}");
        nd.Print($"\n\t      Out errors {nd.Be32(t + 80)}, promisc mode {nd.Be32(t + 84)}");
    }

    private static void BaseVg(PrintContext nd, int t)
    {
        nd.Print($"\n\t      in high prio frames {nd.Be32(t)}, in high prio octets {nd.Be64(t + 4)}");
        nd.Print($"\n\t      in norm prio frames {nd.Be32(t + 12)}, in norm prio octets {nd.Be64(t + 16)}");
        string head11 = $"\n\t      in ipm errors {nd.Be32(t + 24)}, oversized {nd.Be32(t + 28)}";
        nd.Print($"{head11}, in data errors {nd.Be32(t + 32)}, null addressed frames {nd.Be32(t + 36)}");
        nd.Print($"\n\t      out high prio frames {nd.Be32(t + 40)}, out high prio octets {nd.Be64(t + 44)}, trans into frames {nd.Be32(t + 52)}");
        nd.Print($"\n\t      in hc high prio octets {nd.Be64(t + 56)}, in hc norm prio octets {nd.Be64(t + 64)}, out hc high prio octets {nd.Be64(t + 72)}");
    }
}
