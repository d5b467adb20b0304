// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// The HNCP, IEEE 802.15.4, Rx/AFS and DECnet printers against Debian's tcpdump 4.99.3 on their conformance captures:
/// every packet cut at seeded random lengths (each truncation path) and seeded variants with up to four bytes changed
/// past the given offset (the protocol's own header and body), cut or whole. Outputs and exit status must be identical,
/// and neither run may crash. Seed from DUMPKIT_FUZZ_SEED, fixed by default. Skipped without /usr/bin/tcpdump or the captures.
/// </summary>
public class HomeNetOracleTests
{
    /// <summary>(capture, options, first byte that may be changed).</summary>
    public static IEnumerable<object[]> Cases() =>
    [
        ["hncp.pcap", "-vvv", 62], ["hncp.pcap", "-v", 62], ["hncp.pcap", "", 62], ["hncp.pcap", "-vv", 62],
        ["hncp_prefix-oobr.pcap", "-vvv", 62], ["hncp_dhcpv6data-oobr.pcap", "-v", 62], ["hncp_dhcpv4data-oobr.pcap", "-vvv", 42],
        ["DECnet_Phone.pcap", "", 14], ["DECnet_Phone.pcap", "-v", 14], ["DECnet_Phone.pcap", "-e -vv", 16], ["decnet-oobr.pcap", "-v", 14],
        ["decnet-shorthdr-oobr.pcap", "", 12],
    ];

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void CutAndChangedPacketsMatchSystemTcpdump(string file, string options, int from)
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle");
        var dir = ConformanceSuite.TestDir;
        Skip.If(dir == null, "the tcpdump conformance captures are not present");
        var (linkType, packets) = PrinterCutOracleTests.Read(Path.Combine(dir!, file));
        int seed = int.TryParse(Environment.GetEnvironmentVariable("DUMPKIT_FUZZ_SEED"), out var s) ? s : 4242;
        var r = new Random(seed ^ file.Length ^ options.Length << 8);
        var variants = new List<(byte[], int)>();
        foreach (var (data, orig) in packets)
        {
            variants.Add((data, orig));
            for (int k = 0; k < 8 && data.Length > 1; k++) variants.Add((data[..r.Next(1, data.Length)], orig));
            if (data.Length <= from) continue;
            for (int k = 0; k < 30; k++)
            {
                var m = (byte[])data.Clone();
                for (int n = r.Next(1, 5); n > 0; n--)
                {
                    int at = r.Next(from, m.Length);
                    m[at] = r.Next(3) switch { 0 => 0, 1 => (byte)r.Next(1, 40), _ => (byte)r.Next(256) };
                }
                variants.Add((k % 3 == 2 ? m[..r.Next(from, m.Length)] : m, orig));
            }
        }
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(variants, linkType), options);
    }
}
