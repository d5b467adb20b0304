// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Collections.Concurrent;
using Dumpkit.Pcap.Capture;
using Dumpkit.Pcap.Filter;
using Xunit.Abstractions;

namespace Dumpkit.Pcap.Tests.Filter;

/// <summary>
/// Differential testing: random well-formed expressions (seeded; DUMPKIT_FUZZ_SEED, DUMPKIT_FILTER_FUZZ_COUNT)
/// compiled by <see cref="FilterCompiler"/> and by libpcap (through /usr/bin/tcpdump -d) must give the same listing
/// or the same error, optimized and not.
/// </summary>
public class FilterDifferentialTests(ITestOutputHelper log)
{
    private static readonly string[] Primitives =
    [
        "ip", "ip6", "arp", "tcp", "udp", "icmp", "icmp6", "sctp", "igmp", "pim", "vrrp", "ah", "esp",
        "host 10.0.0.{0}", "src host 192.168.{0}.1", "dst net 10.{0}.0.0/16", "net 172.16.0.0 mask 255.255.0.0",
        "port {0}", "tcp port {0}", "udp dst port {0}", "src portrange {0}-{1}", "tcp src or dst port {0}",
        "ip proto {0}", "ip6 proto {0}", "proto {0}", "ether proto 0x{0:x}", "host ::{0}", "net 2001:db8::/{2}",
        "ether host 00:11:22:33:44:{0:x2}", "ether src 0:1:2:3:4:{0:x}", "ether broadcast", "ether multicast",
        "ip multicast", "ip6 multicast", "ip broadcast", "less {0}", "greater {0}", "len > {0}",
        "tcp[13] & {0} != 0", "tcp[tcpflags] & tcp-syn != 0", "ip[{2}] = {0}", "ip[{2}:2] > {1}", "udp[{2}:2] = {0}",
        "icmp[icmptype] = icmp-echo", "icmp6[icmp6type] = {0}", "ip[0] & 0xf > {2}", "{0} + {1} = {1} + {0}",
        "ip[2:2] - {0} < {1}", "len - {0} >= {1}", "tcp[{2}] >> 2 = {0}", "byte {2} = {0}",
        "vlan", "vlan {0}", "mpls", "mpls {0}", "pppoed", "pppoes", "pppoes {0}", "geneve", "geneve {0}",
        "inbound", "outbound", "ifindex {2}",
    ];

    private static string Primitive(Random r)
    {
        var t = Primitives[r.Next(Primitives.Length)];
        int a = r.Next(2) == 0 ? r.Next(1, 256) : r.Next(1, 65536);
        return string.Format(System.Globalization.CultureInfo.InvariantCulture, t, a, r.Next(1, 65536), r.Next(1, 64));
    }

    private static string Expression(Random r, int depth)
    {
        int k = r.Next(depth <= 0 ? 2 : 6);
        switch (k)
        {
            case 0:
            case 1:
                return Primitive(r);
            case 2:
                return "not " + Expression(r, depth - 1);
            case 3:
                return $"({Expression(r, depth - 1)})";
            default:
                {
                    var parts = Enumerable.Range(0, r.Next(2, 4)).Select(_ => Expression(r, depth - 1));
                    return string.Join(r.Next(2) == 0 ? " and " : " or ", parts);
                }
        }
    }

    private const string TcpdumpPath = "/usr/bin/tcpdump";

    private static readonly string[] AllDlts = ["EN10MB", "LINUX_SLL", "LINUX_SLL2", "NULL", "LOOP", "RAW", "IPV4", "IPV6"];

    /// <summary>libpcap's answer: tcpdump -d prints pcap_compile's program, or "tcpdump: " and its error.</summary>
    private static string Libpcap(string dlt, string expr, bool optimize)
    {
        string[] args = optimize ? ["-d", "-y", dlt, expr] : ["-O", "-d", "-y", dlt, expr];
        var r = RealData.Run(TcpdumpPath, args, timeoutMs: 60_000);
        return r.ExitCode == 0 ? r.Out : "error: " + r.Err;
    }

    /// <summary>The library's answer for the same link type, snapshot length and netmask as tcpdump -d -y uses.</summary>
    private static string Ours(string dlt, string expr, bool optimize)
    {
        var target = new FilterTarget(LinkTypes.FromName(dlt)!.Value) { Netmask = 0 };
        try
        {
            return Bpf.Dump(FilterCompiler.Compile(expr, target, optimize), 1);
        }
        catch (FilterException ex)
        {
            // libpcap formats its errors into a PCAP_ERRBUF_SIZE (256) buffer
            return $"error: tcpdump: {(ex.Message.Length > 255 ? ex.Message[..255] : ex.Message)}\n";
        }
    }

    [SkippableFact]
    public void RandomExpressionsMatchLibpcap()
    {
        Skip.IfNot(File.Exists(TcpdumpPath), $"needs {TcpdumpPath} (Debian tcpdump 4.99.3 / libpcap 1.10.3) as the oracle");
        int seed = int.TryParse(Environment.GetEnvironmentVariable("DUMPKIT_FUZZ_SEED"), out var s) ? s : 20261126;
        int count = int.TryParse(Environment.GetEnvironmentVariable("DUMPKIT_FILTER_FUZZ_COUNT"), out var c) ? c : 300;
        var rnd = new Random(seed);
        var cases = Enumerable.Range(0, count).Select(_ => (Dlt: AllDlts[rnd.Next(AllDlts.Length)], Expr: Expression(rnd, 3))).ToList();
        var bad = new ConcurrentBag<string>();
        int errors = 0;
        Parallel.ForEach(cases, new ParallelOptions { MaxDegreeOfParallelism = 2 }, cs =>
        {
            foreach (bool optimize in new[] { false, true })
            {
                var want = Libpcap(cs.Dlt, cs.Expr, optimize);
                var got = Ours(cs.Dlt, cs.Expr, optimize);
                if (want.StartsWith("error: ", StringComparison.Ordinal)) Interlocked.Increment(ref errors);
                if (want != got) bad.Add($"{(optimize ? "" : "-O ")}{cs.Dlt}\t{cs.Expr}\n=== libpcap\n{want}=== Dumpkit.Pcap\n{got}");
            }
        });
        log.WriteLine($"seed {seed}: {2 * count - bad.Count}/{2 * count} random listings identical ({errors} were errors for libpcap)");
        foreach (var b in bad.Take(10)) log.WriteLine(b);
        Assert.Empty(bad);
    }
}
