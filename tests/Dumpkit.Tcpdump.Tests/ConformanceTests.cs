// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;
using Xunit.Abstractions;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// tcpdump 4.99.3 conformance. The core subset must pass byte-for-byte; the full suite must not crash or hang
/// and reports its pass count. Without ../shared (a machine lacking the test data) everything is skipped.
/// </summary>
public class ConformanceTests(ITestOutputHelper output)
{
    /// <summary>Tests of the core subset (reference §1.4) and its fuzz ring that pass today; a failure here fails the build.</summary>
    public static readonly string[] MustPass =
    [
        "print-x",
        "print-xx",
        "print-X",
        "print-XX",
        "print-A",
        "print-AA",
        "dns_udp",
        "dns_udp-v",
        "dns_udp-vv",
        "dns_udp-vvv",
        "dns_tcp",
        "dns_tcp-v",
        "dns_tcp-vv",
        "dns_tcp-vvv",
        "dns_udp_8053",
        "dns_tcp_8053",
        "dnssec-vv",
        "dns_fwdptr",
        "dns-badcookie",
        "dns-badvers",
        "dns-uri",
        "dns-badlabel",
        "edns-opts",
        "edns-opts-v",
        "edns-opts-vv",
        "dhcp-rfc3004",
        "dhcp-rfc4388",
        "dhcp-rfc5859",
        "dhcp-mud",
        "bootp_asan",
        "bootp_asan-2",
        "dhcpv6-aftr-name",
        "dhcpv6-ia-na",
        "dhcpv6-ia-pd",
        "dhcpv6-ia-ta",
        "dhcpv6-ntp-server",
        "dhcpv6-sip-server-d",
        "dhcpv6-domain-list",
        "dhcpv6-mud",
        "icmpv6",
        "icmpv6_opt24-v",
        "icmpv6-length-zero",
        "icmpv6-rfc7112",
        "icmpv6-RFC2894-RR",
        "icmpv6-RFC2894-RR-v",
        "icmpv6-ni-flags",
        "dio02",
        "dio03",
        "dao01",
        "daoack01",
        "ipv6-bad-version",
        "ipv6-routing-header",
        "ipv6-srh-ext-header",
        "ipv6-srh-insert-cksum",
        "ipv6-srh-ipproto-ether-v",
        "ipv6-srh-ipproto-ether-ev",
        "ipv6-too-long-jumbo",
        "igmpv1",
        "igmpv2",
        "igmpv3-queries",
        "mtrace",
        "tfo",
        "scps_invalid",
        "mptcp-v0",
        "mptcp-v1",
        "mptcp-fclose",
        "mptcp-aa-v1",
        "mptcp-aa-echo",
        "e1000g",
        "e1000g-e",
        "qinq",
        "qinqv",
        "loopback",
        "empty-pcap",
        "empty-pcapng",
        "ssh",
        "ntp",
        "ntp-v",
        "ntp-time",
        "ntp-time--v",
        "ntp-time--vv",
        "ntp-time--vvv",
        "ntp-control",
        "ntp-control--v",
        "ntp-control--vv",
        "ntp-control--vvv",
        "ntp-mode7",
        "ntp-mode7--v",
        "ntp-mode7--vv",
        "ntp-mode7--vvv",
        "icmp-cksum-oobr-1",
        "icmp-cksum-oobr-2",
        "icmp-cksum-oobr-3",
        "icmp-cksum-oobr-4",
        "icmp-icmp_print-oobr-1",
        "icmp-icmp_print-oobr-2",
        "ip_printroute_asan",
        "ip_ts_opts_asan",
        "heapoverflow-in_checksum",
        "heapoverflow-tcp_print",
        "tcp_header_heapoverflow",
        "tcp-auth-heapoverflow",
        "udp-length-heapoverflow",
        "ipv6hdr-heapoverflow",
        "ipv6hdr-heapoverflow-v",
        "ipv6-next-header-oobr-1",
        "ipv6-next-header-oobr-2",
        "ipv6-rthdr-oobr",
        "ip6_frag_asan",
        "arp-oobr",
        "arp-too-long-tha",
        "dhcp6_reconf_asan",
    ];

    /// <summary>The full suite's pass count may not fall below this (raise it as printers are added).</summary>
    public const int MinimumPassing = 582;

    public static IEnumerable<object[]> MustPassData() => MustPass.Select(n => new object[] { n });

    [SkippableTheory]
    [MemberData(nameof(MustPassData))]
    public void CoreTestPasses(string name)
    {
        Skip.If(ConformanceSuite.TestDir == null, "tcpdump test data (../shared/tcpdump-tests/4.99.3) not found; conformance skipped");
        var c = ConformanceSuite.Load().Single(t => t.Name == name);
        var r = ConformanceSuite.Run(c, TimeSpan.FromSeconds(20));
        Assert.Null(r.Crash);
        if (!r.Passed)
        {
            output.WriteLine(Diff(r.Expected, r.Actual));
        }
        Assert.True(r.Passed, $"{name}: output differs (see test output)");
    }

    [SkippableFact]
    public void FullSuiteRunsWithoutCrashOrHang()
    {
        Skip.If(ConformanceSuite.TestDir == null, "tcpdump test data (../shared/tcpdump-tests/4.99.3) not found; conformance skipped");
        var cases = ConformanceSuite.Load();
        int passed = 0, skipped = 0;
        var crashes = new List<string>();
        var details = new StringBuilder();
        var resultsDir = Path.Combine(AppContext.BaseDirectory, "TestResults");
        var failDir = Path.Combine(resultsDir, "failures");
        Directory.CreateDirectory(resultsDir);
        if (Directory.Exists(failDir)) Directory.Delete(failDir, true);
        Directory.CreateDirectory(failDir);
        foreach (var c in cases)
        {
            if (c.Name.StartsWith("SKIP:", StringComparison.Ordinal)) { skipped++; details.AppendLine($"skip {c.Name[5..]}"); continue; }
            var r = ConformanceSuite.Run(c, TimeSpan.FromSeconds(20));
            if (r.Crash != null) crashes.Add($"{c.Name}: {r.Crash}");
            if (r.Passed) passed++;
            else File.WriteAllText(Path.Combine(failDir, c.Name + ".out"), r.Actual, Encoding.Latin1);
            details.AppendLine($"{(r.Passed ? "pass" : r.Crash != null ? "CRASH" : "fail")} {c.Name} {r.Elapsed.TotalMilliseconds:F0}ms");
        }
        int total = cases.Count;
        string summary = $"tcpdump conformance: {passed}/{total} passed";
        output.WriteLine(summary);
        output.WriteLine($"({skipped} not applicable to this build's features, counted as not passed)");
        File.WriteAllText(Path.Combine(resultsDir, "tcpdump-conformance.txt"), summary + "\n");
        File.WriteAllText(Path.Combine(resultsDir, "tcpdump-conformance-details.txt"), details.ToString());
        foreach (var cr in crashes) output.WriteLine("CRASH " + cr);
        Assert.Empty(crashes);
        Assert.True(passed >= MinimumPassing, $"{summary}: fewer than the {MinimumPassing} that passed before");
    }

    private static string Diff(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var sb = new StringBuilder();
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string el = i < e.Length ? e[i] : "<none>", al = i < a.Length ? a[i] : "<none>";
            if (el != al)
            {
                sb.AppendLine($"line {i + 1}:\n- {el}\n+ {al}");
                if (sb.Length > 4000) break;
            }
        }
        return sb.ToString();
    }
}
