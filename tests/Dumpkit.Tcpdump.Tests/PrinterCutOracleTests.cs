// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// The printers added for tcpdump's PPP control protocols, RADIUS, LDP, LSP ping, VTP, OSPFv3/AH, sFlow, NFLOG, BCM-LI,
/// IS-IS, ES-IS, GRE, ISAKMP/IKEv1/IKEv2, ESP, RSVP, LMP, NFS, OSPFv2, PPTP, LACP, SCTP/M3UA and ForCES,
/// checked against Debian's tcpdump 4.99.3 on the conformance captures of those protocols with every packet cut short
/// at seeded random lengths (each truncation path, [|proto] included) and with seeded byte changes in the payload:
/// both outputs must be identical. Skipped without /usr/bin/tcpdump or the conformance captures.
/// </summary>
public class PrinterCutOracleTests
{
    public static IEnumerable<object[]> Cases() =>
    [
        ["RADIUS.pcap", "-v"], ["RADIUS-RFC5580.pcap", "-vv"], ["RADIUS-RFC4675.pcap", "-v"], ["RADIUS-RFC3162.pcap", "-vv"],
        ["mpls-ldp-hello.pcap", "-v"], ["lspping-fec-rsvp.pcap", "-vv"], ["lspping-fec-ldp.pcap", "-v"],
        ["OSPFv3_broadcast_adjacency.pcap", "-vv"], ["OSPFv3_with_AH.pcap", "-vv"], ["OSPFv3_NBMA_adjacencies.pcap", "-v"],
        ["ppp-invalid-lengths.pcap", "-v"], ["pppoes.pcap", "-v"], ["rpvstp-trunk-native-vid5.pcap", "-v"],
        ["sflow_multiple_counter_30_pdus.pcap", "-v"], ["sflow-print-v6.pcap", "-vvv"], ["nflog.pcap", "-e"], ["bcm-li.pcap", "-v"],
        ["ISIS_external_lsp.pcap", "-v"], ["ISIS_level1_adjacency.pcap", "-v"], ["ISIS_level2_adjacency.pcap", "-vv"],
        ["ISIS_p2p_adjacency.pcap", "-v"], ["ISIS_external_lsp.pcap", ""], ["isis_cap_tlv.pcap", "-v"], ["isis_sid.pcap", "-vv"],
        ["isis_iid_tlv.pcap", "-v"], ["isis_poi.pcap", "-v"], ["isis-extd-isreach-oobr.pcap", "-v"], ["isis-extd-ipreach-oobr.pcap", "-vvv -e"],
        ["isis_stlv_asan-3.pcap", "-v"], ["esis_snpa_asan-4.pcap", "-v"], ["esis_snpa_asan.pcap", "-vv"], ["spb.pcap", "-v"],
        ["isis-infinite-loop.pcap", "-v"], ["gre-heapoverflow-2.pcap", "-v"], ["ISIS_p2p_adjacency.pcap", "-vv -x"],
        ["ISAKMP_sa_setup.pcap", "-vvv"], ["ikev2four.pcap", "-vvvv"], ["ikev2four.pcap", "-v"], ["isakmp-pointer-loop.pcap", "-vv"],
        ["isakmp-identification-segfault.pcap", "-v"], ["02-sunrise-sunset-esp.pcap", ""],
        ["rsvp_cap.pcap", "-v"], ["rsvp_cap.pcap", "-vv"], ["rsvp_cap.pcap", ""], ["rsvp-infinite-loop.pcap", "-v"],
        ["rsvp_fast_reroute-oobr.pcap", "-v"], ["rsvp_uni-oobr-1.pcap", "-v"], ["rsvp_uni-oobr-2.pcap", "-vv"],
        ["lmp.pcap", "-T lmp -v"], ["lmp.pcap", "-T lmp -vv"], ["lmp.pcap", "-T lmp"], ["lmpv1_busyloop.pcap", "-v"],
        ["unaligned-nfs-1.pcap", "-vv"], ["unaligned-nfs-1.pcap", ""], ["nfs-attr-oobr.pcap", "-v"], ["hoobr_nfs_printfh.pcap", ""],
        ["hoobr_nfs_xid_map_enter.pcap", "-vv"], ["ospf-gmpls.pcap", "-v"], ["ospf-gmpls.pcap", "-vv"], ["ospf-nssa-bitnt.pcap", "-v"],
        ["pptp.pcap", "-v"], ["pptp.pcap", ""], ["LACP.pcap", "-e -v"], ["LACP.pcap", "-vv"], ["isup.pcap", "-vv"], ["isup.pcap", "-v"],
        ["forces1.pcap", "-vvvv"], ["forces1.pcap", ""], ["forces2.pcap", "-vvv"], ["forces3.pcap", "-vvv"], ["forces3.pcap", "-v"],
    ];

    /// <summary>The records of a classic pcap file: (link type, packets with their original lengths).</summary>
    internal static (int LinkType, List<(byte[] Data, int OrigLen)> Packets) Read(string path)
    {
        var d = File.ReadAllBytes(path);
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(d);
        bool le = magic is 0xA1B2C3D4 or 0xA1B23C4D;
        uint U32(int o) => le ? BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(o)) : BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(o));
        var list = new List<(byte[], int)>();
        for (int off = 24; off + 16 <= d.Length;)
        {
            int cap = (int)U32(off + 8), orig = (int)U32(off + 12);
            if (off + 16 + cap > d.Length) break;
            list.Add((d.AsSpan(off + 16, cap).ToArray(), orig));
            off += 16 + cap;
        }
        return ((int)(U32(20) & 0x03FFFFFF), list);
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void CutAndChangedPacketsMatchSystemTcpdump(string file, string options)
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle");
        var dir = ConformanceSuite.TestDir;
        Skip.If(dir == null, "the tcpdump conformance captures are not present");
        var (linkType, packets) = Read(Path.Combine(dir!, file));
        var r = new Random(20261207 ^ file.Length);
        var cut = new List<(byte[], int)>();
        var changed = new List<(byte[], int)>();
        foreach (var (data, orig) in packets)
        {
            for (int k = 0; k < 3 && data.Length > 1; k++) cut.Add((data[..r.Next(1, data.Length)], orig));
            if (data.Length <= 48) continue;
            for (int k = 0; k < 2; k++)
            {
                var m = (byte[])data.Clone();
                // past the link, IP and UDP headers of these captures: only the protocol's own bytes change
                for (int n = r.Next(1, 4); n > 0; n--) m[r.Next(48, m.Length)] = (byte)r.Next(256);
                changed.Add((m, orig));
            }
        }
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(cut, linkType), options);
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(changed, linkType), options);
    }
}
