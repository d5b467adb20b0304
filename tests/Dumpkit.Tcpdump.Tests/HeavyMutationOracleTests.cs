// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// The TLV-heavy printers (ISAKMP/IKE, RSVP, LMP, OSPFv2 TE, NFS, SCTP/M3UA, ForCES, PPTP) against Debian's tcpdump 4.99.3 on many seeded
/// variants of each packet of their conformance captures: up to four bytes changed past the IPv4/UDP headers, often
/// in the length and type fields these printers branch on, and the variants cut at random lengths (seed from
/// DUMPKIT_FUZZ_SEED, fixed by default). Both outputs must be identical. Skipped without /usr/bin/tcpdump or the conformance captures.
/// </summary>
public class HeavyMutationOracleTests
{
    public static IEnumerable<object[]> Cases() =>
    [
        ["ISAKMP_sa_setup.pcap", "-vvv"], ["ikev2four.pcap", "-vv"], ["isakmp4500.pcap", "-v"], ["rsvp_cap.pcap", "-v"],
        ["rsvp-infinite-loop.pcap", "-vv"], ["lmp.pcap", "-T lmp -v"], ["ospf-gmpls.pcap", "-v"], ["ospf-nssa-bitnt.pcap", "-vv"],
        ["unaligned-nfs-1.pcap", "-vv"], ["isup.pcap", "-vv"], ["isup.pcap", ""], ["pptp.pcap", "-v"],
        ["forces1.pcap", "-vvv"], ["forces2.pcap", "-vvvv"], ["forces3.pcap", "-vvv"], ["forces3.pcap", ""],
    ];

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void MutatedPacketsMatchSystemTcpdump(string file, string options)
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle");
        var dir = ConformanceSuite.TestDir;
        Skip.If(dir == null, "the tcpdump conformance captures are not present");
        var (linkType, packets) = PrinterCutOracleTests.Read(Path.Combine(dir!, file));
        // DUMPKIT_FUZZ_SEED picks other variants (as for FuzzTests); the default is fixed so that a run is repeatable
        int seed = int.TryParse(Environment.GetEnvironmentVariable("DUMPKIT_FUZZ_SEED"), out var s) ? s : 7707;
        var r = new Random(seed ^ file.Length ^ options.Length << 8);
        var variants = new List<(byte[], int)>();
        foreach (var (data, orig) in packets)
        {
            if (data.Length <= 46) continue;
            for (int k = 0; k < 40; k++)
            {
                var m = (byte[])data.Clone();
                for (int n = r.Next(1, 5); n > 0; n--)
                {
                    int at = r.Next(42, m.Length);
                    m[at] = r.Next(3) switch { 0 => 0, 1 => (byte)r.Next(1, 40), _ => (byte)r.Next(256) };
                }
                variants.Add((k % 4 == 3 ? m[..r.Next(42, m.Length)] : m, orig));
            }
        }
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(variants, linkType), options);
    }
}
