// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Collections.Concurrent;
using Dumpkit.Pcap.Capture;
using Dumpkit.Pcap.Filter;
using Xunit.Abstractions;
using static Dumpkit.Tcpdump.Tests.Filter.FilterOracle;

namespace Dumpkit.Tcpdump.Tests.Filter;

/// <summary>
/// The filter compiler against Debian's tcpdump/libpcap: listings (-d, -dd, -ddd, with and without the optimizer),
/// verdicts on real packets, and error messages. Expected results are produced at test time by /usr/bin/tcpdump.
/// </summary>
public class FilterTests(ITestOutputHelper log)
{
    private static readonly ParallelOptions Par = new() { MaxDegreeOfParallelism = 2 };

    private List<(Case Case, Result Want, Result Got)> CompareListings(IEnumerable<Case> cases, params string[] flags)
    {
        var bad = new ConcurrentBag<(Case, Result, Result)>();
        Parallel.ForEach(cases, Par, c =>
        {
            string[] args = [.. flags, "-y", c.Dlt, c.Expr];
            var want = RunTcpdump(args);
            var got = Ours(args);
            if (want != got) bad.Add((c, want, got));
        });
        return [.. bad.OrderBy(b => b.Item1.ToString(), StringComparer.Ordinal)];
    }

    private void Report(string what, int total, List<(Case Case, Result Want, Result Got)> bad, int show = 5)
    {
        log.WriteLine($"{what}: {total - bad.Count}/{total} identical");
        foreach (var (c, want, got) in bad.Take(show))
            log.WriteLine($"DIFF {c}\n=== tcpdump\n{want}=== dumpkit\n{got}");
    }

    [SkippableFact]
    public void CorpusCoversEveryLinkType()
    {
        var dlts = Corpus.Select(c => c.Dlt).ToHashSet();
        foreach (var d in AllDlts) Assert.Contains(d, dlts);
        Assert.True(Corpus.Select(c => c.Expr).Distinct().Count() >= 300, "the corpus should hold a few hundred expressions");
    }

    [SkippableFact]
    public void UnoptimizedListingsMatchTcpdump()
    {
        Skip.IfNot(Available, SkipMessage);
        var bad = CompareListings(Corpus, "-O", "-d");
        Report("-O -d listings", Corpus.Count, bad, 20);
        Assert.Empty(bad.Select(b => b.Case.ToString()));
    }

    [SkippableFact]
    public void OptimizedListingsMatchTcpdump()
    {
        Skip.IfNot(Available, SkipMessage);
        var gaps = ReadSet("optimizer-gaps.txt");
        var bad = CompareListings(Corpus, "-d");
        Report("-d (optimized) listings", Corpus.Count, bad, 0);
        var unexpected = bad.Where(b => !gaps.Contains(b.Case.ToString())).ToList();
        var badSet = bad.Select(b => b.Case.ToString()).ToHashSet();
        log.WriteLine($"known optimizer gaps (listed in Filter/optimizer-gaps.txt, still differing): {gaps.Count(badSet.Contains)}");
        foreach (var g in gaps.Where(badSet.Contains)) log.WriteLine($"  gap: {g}");
        foreach (var g in gaps.Where(g => !badSet.Contains(g))) log.WriteLine($"  gap now identical, remove from the list: {g}");
        Report("unexpected optimized differences", bad.Count, unexpected, 10);
        Assert.Empty(unexpected.Select(b => b.Case.ToString()));
    }

    [SkippableFact]
    public void DdAndDddFormatsMatchTcpdump()
    {
        Skip.IfNot(Available, SkipMessage);
        var gaps = ReadSet("optimizer-gaps.txt");
        var cases = Corpus.Where(c => c.Dlt is "EN10MB" or "RAW" or "LINUX_SLL2").ToList();
        var bad = CompareListings(cases, "-O", "-dd");
        bad.AddRange(CompareListings(cases, "-O", "-ddd"));
        bad.AddRange(CompareListings(cases.Where(c => !gaps.Contains(c.ToString())), "-ddd"));
        Report("-dd/-ddd listings", cases.Count * 3, bad);
        Assert.Empty(bad.Select(b => b.Case.ToString()));
    }

    /// <summary>-i lo: Linux socket-filter mode (vlan through [vlanp]/[vlan_tci], inbound through [type]); tcpdump opens the device, so root only.</summary>
    [SkippableFact]
    public void LiveModeListingsMatchTcpdump()
    {
        Skip.IfNot(Available && Environment.UserName == "root" && Directory.Exists("/sys/class/net/lo"), SkipMessage + "; tcpdump -i needs root");
        var gaps = ReadSet("optimizer-gaps.txt");
        var cases = Corpus.Where(c => c.Dlt == "EN10MB").ToList();
        var bad = new ConcurrentBag<(Case, Result, Result)>();
        Parallel.ForEach(cases, Par, c =>
        {
            foreach (var flags in new[] { new[] { "-O", "-d" }, new[] { "-d" } })
            {
                string[] args = ["-i", "lo", .. flags, c.Expr];
                var want = RunTcpdump(args);
                var got = Ours(args);
                if (want != got && !(flags.Length == 1 && gaps.Contains(c.ToString()))) bad.Add((c, want, got));
            }
        });
        var list = bad.OrderBy(b => b.Item1.ToString(), StringComparer.Ordinal).ToList();
        Report("-i lo listings (-O and optimized)", cases.Count * 2, list, 10);
        Assert.Empty(list.Select(b => b.Item1.ToString()));
    }

    // ---- semantics ------------------------------------------------------------------------------------------------

    private static readonly Lazy<Dictionary<string, (string Path, List<Packet> Packets)>> s_savefiles = new(BuildSavefiles);

    /// <summary>One savefile per link type, merged from the conformance suite's captures (LOOP and LINUX_SLL2 converted from NULL and LINUX_SLL).</summary>
    private static Dictionary<string, (string, List<Packet>)> BuildSavefiles()
    {
        var dir = ConformanceSuite.TestDir ?? throw new InvalidOperationException("conformance data not found");
        var byLt = new Dictionary<int, List<Packet>>();
        foreach (var f in Directory.GetFiles(dir, "*.pcap").Order(StringComparer.Ordinal))
        {
            var r = ReadPcap(File.ReadAllBytes(f));
            if (r is not { } pc) continue;
            int lt = pc.LinkType == 12 ? 101 : pc.LinkType;
            if (lt is not (0 or 1 or 101 or 113 or 228 or 229)) continue;
            var list = byLt.TryGetValue(lt, out var l) ? l : byLt[lt] = [];
            if (list.Count < 20000) list.AddRange(pc.Packets.Take(20000 - list.Count));
        }
        // IPv4/IPv6 packets as raw IP too
        var raw = byLt.GetValueOrDefault(101) ?? [];
        raw.AddRange(byLt.GetValueOrDefault(228) ?? []);
        raw.AddRange(byLt.GetValueOrDefault(229) ?? []);
        byLt[101] = raw;
        // LOOP: the NULL captures with the family in network byte order
        byLt[108] = [.. (byLt.GetValueOrDefault(0) ?? []).Where(p => p.Data.Length >= 4).Select(p =>
        {
            var d = (byte[])p.Data.Clone();
            uint fam = BitConverter.ToUInt32(d, 0);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(d, fam);
            return p with { Data = d };
        })];
        // LINUX_SLL2 from LINUX_SLL: protocol, reserved, ifindex, hatype, pkttype, halen, address
        byLt[276] = [.. (byLt.GetValueOrDefault(113) ?? []).Where(p => p.Data.Length >= 16).Select((p, i) =>
        {
            var s = p.Data;
            var d = new byte[s.Length + 4];
            d[0] = s[14]; d[1] = s[15];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(4), (uint)(i % 3 + 1));
            d[8] = s[2]; d[9] = s[3];
            d[10] = s[1];
            d[11] = s[5];
            Array.Copy(s, 6, d, 12, 8);
            Array.Copy(s, 16, d, 20, s.Length - 16);
            return p with { Data = d, Len = p.Len + 4 };
        })];
        var names = new Dictionary<int, string> { [0] = "NULL", [1] = "EN10MB", [101] = "RAW", [108] = "LOOP",
            [113] = "LINUX_SLL", [228] = "IPV4", [229] = "IPV6", [276] = "LINUX_SLL2" };
        var tmp = Directory.CreateTempSubdirectory("dumpkit-filter-").FullName;
        var result = new Dictionary<string, (string, List<Packet>)>();
        foreach (var (lt, packets) in byLt)
        {
            if (packets.Count == 0) continue;
            var path = Path.Combine(tmp, names[lt] + ".pcap");
            WritePcap(path, lt, packets);
            result[names[lt]] = (path, packets);
        }
        return result;
    }

    [SkippableFact]
    public void VerdictsOnConformanceCapturesMatchTcpdump()
    {
        Skip.IfNot(Available && ConformanceSuite.TestDir != null, SkipMessage + " and ../shared/tcpdump-tests");
        var files = s_savefiles.Value;
        var cases = Corpus.Where(c => files.ContainsKey(c.Dlt)).DistinctBy(c => c.ToString()).ToList();
        var bad = new ConcurrentBag<string>();
        int agreed = 0, errorsAgreed = 0;
        long packets = 0;
        Parallel.ForEach(cases, Par, c =>
        {
            var (path, all) = files[c.Dlt];
            var check = RunTcpdump("-r", path, "-d", c.Expr);
            if (check.Rc != 0)
            {
                // tcpdump refuses the expression on a savefile (inbound, ifindex, or it rejects all packets): so must we
                var ours = Ours("-r", path, "-d", c.Expr);
                if (ours.Rc == check.Rc && ours.Err == check.Err) Interlocked.Increment(ref errorsAgreed);
                else bad.Add($"{c}: tcpdump refuses it ({check.Err.Trim()}), we said {ours.Err.Trim()}");
                if (RunTcpdump("-r", path, "-d", "-O", c.Expr).Rc != 0) return;
            }
            // optimized and unoptimized programs may differ on truncated packets (a load the optimizer removed
            // cannot fail), so each of ours is compared with tcpdump's of the same kind
            var wantUnopt = MatchWritten(all, TcpdumpBytes("-O", "-r", path, "-w", "-", c.Expr));
            int lt = LinkTypes.FromName(c.Dlt)!.Value;
            foreach (bool opt in new[] { false, true })
            {
                if (opt && check.Rc != 0)
                {
                    if (wantUnopt.Count != 0) bad.Add($"{c}: optimizer says it rejects all packets, yet tcpdump -O accepts {wantUnopt.Count}");
                    continue;
                }
                var want = opt ? MatchWritten(all, TcpdumpBytes("-r", path, "-w", "-", c.Expr)) : wantUnopt;
                var prog = FilterCompiler.Compile(c.Expr, new FilterTarget(lt, 262144) { Netmask = 0, FromFile = true }, opt);
                var got = new List<int>();
                for (int i = 0; i < all.Count; i++)
                    if (BpfMachine.Run(prog, all[i].Data, all[i].Len) != 0) got.Add(i);
                Interlocked.Add(ref packets, all.Count);
                if (!got.SequenceEqual(want))
                {
                    var diff = got.Except(want).Concat(want.Except(got)).Take(5);
                    bad.Add($"{c} ({(opt ? "optimized" : "-O")}): tcpdump accepts {want.Count}, we accept {got.Count}" +
                        $"; first differing packets {string.Join(",", diff)}");
                }
                else if (opt) Interlocked.Increment(ref agreed);
            }
        });
        log.WriteLine($"verdicts: {agreed}/{cases.Count} (expression, link type) pairs agree with tcpdump on every packet, optimized and -O; " +
            $"{errorsAgreed} refused on savefiles by both; {packets} packet verdicts; savefiles: " +
            string.Join(", ", files.Select(f => $"{f.Key} {f.Value.Packets.Count} packets")));
        foreach (var b in bad.Take(20)) log.WriteLine(b);
        Assert.Empty(bad);
    }

    // ---- errors ----------------------------------------------------------------------------------------------

    [SkippableFact]
    public void ErrorsMatchTcpdump()
    {
        Skip.IfNot(Available, SkipMessage);
        var cases = ReadCases("errors.txt");
        var bad = CompareListings(cases, "-d");
        bad.AddRange(CompareListings(cases.Where(c => c.Dlt == "EN10MB"), "-O", "-d"));
        Report("error cases", cases.Count, bad, 20);
        foreach (var c in cases.Take(3)) log.WriteLine($"example: {c} -> {RunTcpdump("-d", "-y", c.Dlt, c.Expr).Err.Trim()}");
        Assert.Empty(bad.Select(b => b.Case.ToString()));
        // every case really is an error for tcpdump
        Assert.All(cases, c => Assert.NotEqual(0, RunTcpdump("-d", "-y", c.Dlt, c.Expr).Rc));
    }

    [SkippableFact]
    public void DumpWithoutLinkTypeAssumesEthernetAndExpressionFromFile()
    {
        Skip.IfNot(Available, SkipMessage);
        Assert.Equal(RunTcpdump("-d", "tcp", "port", "80"), Ours("-d", "tcp", "port", "80"));
        Assert.Equal(RunTcpdump("-d", "-y", "NOSUCH", "ip"), Ours("-d", "-y", "NOSUCH", "ip"));
        var f = Path.GetTempFileName();
        try
        {
            File.WriteAllText(f, "udp and\n  (port 53 or port 123)\n");
            Assert.Equal(RunTcpdump("-ddd", "-F", f), Ours("-ddd", "-F", f));
            File.WriteAllText(f, "udp # DNS and NTP\nand (port 53 or port 123) # comment\n");
            Assert.Equal(RunTcpdump("-d", "-F", f, "tcp"), Ours("-d", "-F", f, "tcp"));
            Assert.Equal(RunTcpdump("-d", "-F", f + ".missing"), Ours("-d", "-F", f + ".missing"));
            Assert.Equal(RunTcpdump("-d", "-F", Path.GetTempPath()), Ours("-d", "-F", Path.GetTempPath()));
        }
        finally { File.Delete(f); }
    }

    [SkippableFact]
    public void ReadingAFileUsesItsLinkTypeAndSnapLength()
    {
        Skip.IfNot(Available && ConformanceSuite.TestDir != null, SkipMessage);
        foreach (var name in new[] { "3560_CDP.pcap", "babel.pcap", "dns-badcookie.pcap", "beep-oobr.pcap" })
        {
            var path = Path.Combine(ConformanceSuite.TestDir!, name);
            foreach (var e in new[] { "ip6", "ip or ip6", "udp port 53", "inbound" })
            {
                Assert.Equal(RunTcpdump("-r", path, "-d", e), Ours("-r", path, "-d", e));
                Assert.Equal(RunTcpdump("-r", path, "--count", e), Ours("-r", path, "--count", e));
            }
        }
    }

    /// <summary>The tcpdump 4.99.3 suite's tests that use filter expressions.</summary>
    [SkippableTheory]
    [InlineData("pppoes_id")]
    [InlineData("geneve-vni")]
    [InlineData("geneve-tcp")]
    public void ConformanceTestsWithExpressionsPass(string name)
    {
        Skip.If(ConformanceSuite.TestDir == null, "tcpdump test data (../shared/tcpdump-tests/4.99.3) not found");
        var c = ConformanceSuite.Load().Single(t => t.Name == name);
        Assert.True(c.Args.Length > 0 && !c.Args[^1].StartsWith('-'), "the test should pass an expression");
        var r = ConformanceSuite.Run(c, TimeSpan.FromSeconds(20));
        Assert.Null(r.Crash);
        // the filter's part: the same packets (numbered as the suite numbers them) are printed
        static List<string> Numbers(string text) =>
            [.. System.Text.RegularExpressions.Regex.Matches(text, "^ +([0-9]+) ",
                System.Text.RegularExpressions.RegexOptions.Multiline).Select(m => m.Groups[1].Value)];
        Assert.NotEmpty(Numbers(r.Expected));
        Assert.Equal(Numbers(r.Expected), Numbers(r.Actual));
        log.WriteLine(r.Passed ? $"{name}: whole output identical"
            : $"{name}: same packets, printer output differs:\n--- expected\n{r.Expected}--- actual\n{r.Actual}");
    }

    [Fact]
    public void EmptyExpressionAcceptsEverything()
    {
        var p = FilterCompiler.Compile("", new FilterTarget(LinkTypes.Ethernet), true);
        Assert.Equal("(000) ret      #262144\n", Bpf.Dump(p, 1));
    }

    [Fact]
    public void LinuxExtensionModeTestsVlanThroughAncillaryData()
    {
        var p = FilterCompiler.Compile("vlan 10", new FilterTarget(LinkTypes.Ethernet) { LinuxExtensions = true }, false);
        var text = Bpf.Dump(p, 1);
        Assert.Contains("ldb      [vlanp]", text);
        Assert.Contains("ldb      [vlan_tci]", text);
        // a frame whose tag the kernel removed: present in the ancillary data
        var pkt = new byte[60];
        pkt[12] = 0x08;
        var aux = new PacketAux { VlanPresent = true, VlanTci = 10 };
        Assert.NotEqual(0u, BpfMachine.Run(p, pkt, 60, in aux, true));
        aux.VlanTci = 11;
        Assert.Equal(0u, BpfMachine.Run(p, pkt, 60, in aux, true));
        aux.VlanPresent = false;
        Assert.Equal(0u, BpfMachine.Run(p, pkt, 60, in aux, true));
    }
}
