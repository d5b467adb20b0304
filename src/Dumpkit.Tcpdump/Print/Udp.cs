// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>UDP header, checksum and the port-based payload dispatch.</summary>
/// <remarks>Specification: RFC 768.</remarks>
internal static class Udp
{
    private static void Addrs(PrintContext nd, int iph, int sport, int dport)
    {
        bool v6 = (nd.Buf[iph] >> 4) == 6;
        int nxt = v6 ? nd.U8(iph + 6) : nd.U8(iph + 9);
        if (nxt == 17)
        {
            if (v6) nd.Ip6(iph + 8); else nd.Ip4(iph + 12);
            if (sport != -1) { nd.Print('.'); Port(nd, sport); }
            nd.Print(" > ");
            if (v6) nd.Ip6(iph + 24); else nd.Ip4(iph + 16);
            if (sport != -1) { nd.Print('.'); Port(nd, dport); }
            nd.Print(": ");
        }
        else if (sport != -1) { Port(nd, sport); nd.Print(" > "); Port(nd, dport); nd.Print(": "); }
    }

    /// <summary>A UDP port: its /etc/services name unless -n (tcpdump's udpport_string).</summary>
    public static void Port(PrintContext nd, int port)
    {
        if (nd.Settings.Names?.UdpPort(port) is { } name) nd.Out.Put(name);
        else nd.Out.PutU((ulong)port);
    }

    public static void Print(PrintContext nd, int bp, int length, int iph, bool fragmented, int ttl)
    {
        nd.Proto = "udp";
        bool v6 = (nd.Buf[iph] >> 4) == 6;
        if (!nd.TTest(bp + 2, 2)) { Addrs(nd, iph, -1, -1); nd.PrintTrunc(); return; }
        int sport = nd.Be16(bp), dport = nd.Be16(bp + 2);
        if (length < 8) { Addrs(nd, iph, sport, dport); nd.Print($"truncated-udp {length}"); return; }
        if (!nd.TTest(bp + 4, 2)) { Addrs(nd, iph, sport, dport); nd.PrintTrunc(); return; }
        int ulen = nd.Be16(bp + 4);
        if (ulen == 0 && length > 65535) ulen = length;
        if (ulen < 8) { Addrs(nd, iph, sport, dport); nd.Print($"truncated-udplength {ulen}"); return; }
        ulen -= 8;
        length -= 8;
        if (ulen < length) length = ulen;
        int cp = bp + 8;
        if (cp > nd.SnapEnd) { Addrs(nd, iph, sport, dport); nd.PrintTrunc(); return; }
        if (nd.Settings.ForcedType != null)
        {
            Addrs(nd, iph, sport, dport);
            switch (nd.Settings.ForcedType)
            {
                case "domain": Dns.Print(nd, cp, length, false, false); break;
                case "tftp": Tftp.Print(nd, cp, length); break;
                case "vxlan": Vxlan.Print(nd, cp, length); break;
                case "someip": SomeIp.Print(nd, cp, length); break;
                case "rtp": Rtp.Print(nd, cp, length); break;
                case "vat": Rtp.Vat(nd, cp, length); break;
                case "lmp": Lmp.Print(nd, cp, length); break;
                case "pgm":
                case "pgm_zmtp1": Pgm.Print(nd, cp, length, iph); break;
                default: nd.Print($"UDP, length {ulen}"); break;
            }
            return;
        }
        Addrs(nd, iph, sport, dport);
        if (!nd.Settings.Quick && Nfs.Udp(nd, cp, length, iph, sport, dport)) return;
        if (nd.Verbose > 0 && !nd.Settings.NoChecksum && !fragmented)
        {
            if (!v6 && nd.Verbose > 1)
            {
                int usum = nd.Be16(bp + 6);
                if (usum == 0) nd.Print("[no cksum] ");
                else if (nd.TTest(cp, length))
                {
                    ushort sum = Checksum.Pseudo(nd, iph, false, 17, bp, length + 8);
                    if (sum != 0) nd.Print($"[bad udp cksum 0x{usum:x4} -> 0x{Checksum.ShouldBe((ushort)usum, sum):x4}!] ");
                    else nd.Print("[udp sum ok] ");
                }
            }
            else if (v6)
            {
                if (nd.TTest(cp, length))
                {
                    ushort sum = Checksum.Pseudo(nd, iph, true, 17, bp, length + 8);
                    int usum = nd.Be16(bp + 6);
                    if (sum != 0) nd.Print($"[bad udp cksum 0x{usum:x4} -> 0x{Checksum.ShouldBe((ushort)usum, sum):x4}!] ");
                    else nd.Print("[udp sum ok] ");
                }
            }
        }
        if (!nd.Settings.Quick)
        {
            bool Is(int p) => sport == p || dport == p;
            if (Is(53)) { Dns.Print(nd, cp, length, false, false); return; }
            if (Is(5353)) { Dns.Print(nd, cp, length, false, true); return; }
            if (Is(525)) { Timed.Print(nd, cp); return; }
            if (Is(69)) { Tftp.Print(nd, cp, length); return; }
            if (Is(67) || Is(68)) { Bootp.Print(nd, cp, length); return; }
            if (Is(520)) { Rip.Print(nd, cp, length); return; }
            if (Is(654)) { Aodv.Print(nd, cp, length, v6); return; }
            if (Is(500)) { Isakmp.Print(nd, cp, length, iph); return; }
            if (Is(4500)) { Isakmp.PrintRfc3948(nd, cp, length, iph, fragmented, ttl); return; }
            if (Is(7500) || Is(8500)) { Isakmp.Print(nd, cp, length, iph); return; }
            if (Is(161) || Is(162)) { Snmp.Print(nd, cp, length); return; }
            if (Is(123)) { Ntp.Print(nd, cp, length); return; }
            if (Is(88) || Is(750)) { Krb.Print(nd, cp); return; }
            if (Is(1701)) { L2tp.Print(nd, cp, length); return; }
            if (dport == 3456) { Rtp.Vat(nd, cp, length); return; }
            if (Is(2103) || Is(2104)) { Zephyr.Print(nd, cp, length); return; }
            if (sport is >= 7000 and <= 7009 || dport is >= 7000 and <= 7009) { Rx.Print(nd, cp, length, sport, dport, iph); return; }
            if (Is(521)) { Ripng.Print(nd, cp, length); return; }
            if (Is(546) || Is(547)) { Dhcp6.Print(nd, cp, length); return; }
            if (Is(5359)) { Ahcp.Print(nd, cp, length); return; }
            if (Is(6696) || Is(6697)) { Babel.Print(nd, cp, length); return; }
            if (Is(8231)) { Hncp.Print(nd, cp, length); return; }
            if (dport == 4567) { Wb.Print(nd, cp, length); return; }
            if (Is(496)) { CiscoAutoRp.Print(nd, cp, length); return; }
            if (Is(1645) || Is(1812) || Is(1646) || Is(1813) || Is(1700) || Is(3799)) { Radius.Print(nd, cp, length); return; }
            if (dport == 1985) { Hsrp.Print(nd, cp, length); return; }
            if (Is(921)) { Lwres.Print(nd, cp, length); return; }
            if (Is(646)) { Ldp.Print(nd, cp, length); return; }
            if (Is(698)) { Olsr.Print(nd, cp, length, v6); return; }
            if (Is(3503)) { LspPing.Print(nd, cp, length); return; }
            if (sport == 49152) { BcmLi.Print(nd, cp, length); return; }
            if (dport is 3784 or 4784 or 6784 or 3785) { Bfd.Print(nd, cp, length, dport); return; }
            if (Is(701)) { Lmp.Print(nd, cp, length); return; }
            if (Is(1589)) { Vqp.Print(nd, cp, length); return; }
            if (Is(6343)) { Sflow.Print(nd, cp, length); return; }
            if (Is(514)) { Syslog.Print(nd, cp, length); return; }
            if (Is(8472)) { Otv.Print(nd, cp, length); return; }
            if (Is(4789)) { Vxlan.Print(nd, cp, length); return; }
            if (Is(6081)) { Geneve.Print(nd, cp, length); return; }
            if (Is(4342)) { Lisp.Print(nd, cp, length); return; }
            if (Is(4790)) { Nsh.VxlanGpe(nd, cp, length); return; }
            if (Is(6635)) { Mpls.Print(nd, cp, length); return; }
            if (Is(319) || Is(320)) { Ptp.Print(nd, cp, length); return; }
            if (Is(30490)) { SomeIp.Print(nd, cp, length); return; }
        }
        if (ulen > length && !fragmented) nd.Print($"UDP, bad length {ulen} > {length}");
        else nd.Print($"UDP, length {ulen}");
    }
}
