// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Collections.Concurrent;
using Xunit.Abstractions;
using static Dumpkit.Tcpdump.Tests.Filter.FilterOracle;

namespace Dumpkit.Tcpdump.Tests.Filter;

/// <summary>
/// Differential testing: random well-formed expressions (seeded; DUMPKIT_FUZZ_SEED, DUMPKIT_FILTER_FUZZ_COUNT)
/// compiled by us and by /usr/bin/tcpdump must give the same listing or the same error, optimized and not.
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

    [SkippableFact]
    public void RandomExpressionsMatchTcpdump()
    {
        Skip.IfNot(Available, SkipMessage);
        int seed = int.TryParse(Environment.GetEnvironmentVariable("DUMPKIT_FUZZ_SEED"), out var s) ? s : 20261126;
        int count = int.TryParse(Environment.GetEnvironmentVariable("DUMPKIT_FILTER_FUZZ_COUNT"), out var c) ? c : 300;
        var rnd = new Random(seed);
        var cases = Enumerable.Range(0, count).Select(_ => new Case(AllDlts[rnd.Next(AllDlts.Length)], Expression(rnd, 3))).ToList();
        var bad = new ConcurrentBag<string>();
        int errors = 0;
        Parallel.ForEach(cases, new ParallelOptions { MaxDegreeOfParallelism = 2 }, cs =>
        {
            foreach (var flags in new[] { new[] { "-O", "-d" }, new[] { "-d" } })
            {
                string[] args = [.. flags, "-y", cs.Dlt, cs.Expr];
                var want = RunTcpdump(args);
                var got = Ours(args);
                if (want.Rc != 0) Interlocked.Increment(ref errors);
                if (want != got) bad.Add($"{string.Join(' ', flags)} {cs}\n=== tcpdump\n{want}=== dumpkit\n{got}");
            }
        });
        log.WriteLine($"seed {seed}: {2 * count - bad.Count}/{2 * count} random listings identical ({errors} were errors for tcpdump)");
        foreach (var b in bad.Take(10)) log.WriteLine(b);
        Assert.Empty(bad);
    }
}
