// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// Names without -n, against Debian's tcpdump: both tools read the same captures inside a mount and network
/// namespace this test makes (unshare), whose /etc is the machine's apart from hosts, services, ethers,
/// nsswitch.conf and resolv.conf, written here; resolv.conf points at a dnsmasq on 127.0.0.1 in the namespace
/// that answers reverse queries for other addresses. Of the addresses the captures hold, a third get names in
/// /etc/hosts (some with a domain, for -N), a third in DNS, a third none (printed as numbers); half the MAC
/// addresses are in /etc/ethers. The outputs without -n, with -N, with -e and with -v must be byte-identical.
/// Our tcpdump runs as a process of its own: DUMPKIT_BINARY if set, else this assembly's entry point (see <see cref="Program"/>).
/// </summary>
public partial class NameResolutionTests(ITestOutputHelper log)
{
    private static readonly string SuiteDir = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/tcpdump-tests/4.99.3"));
    private const string Tcpdump = "/usr/bin/tcpdump";

    /// <summary>Captures of tcpdump's suite our printers print as tcpdump does with -n; icmp-cksum-oobr-3 holds an SNMP
    /// trap whose OIDs print as E:... without -n (<see cref="SnmpOidOracleTests"/> compare every MIB node).</summary>
    private static readonly string[] Captures =
    [
        "print-flags.pcap", "dns_udp.pcap", "dns_tcp.pcap", "QinQpacket.pcap", "icmpv6.pcap", "ripv1v2.pcap", "vrrp.pcap",
        "e1000g.pcap", "ntp.pcap", "dhcp-rfc3004.pcap", "mtrace.pcap", "tfo-5c1fa7f9ae91.pcap", "ssh.pcap", "IGMP_V2.pcap",
        "ipv6-routing-header.pcap", "dhcpv6-ia-na.pcap", "loopback.pcap", "PIM-DM_pruning.pcap", "pim-packet-assortment.pcap",
        "bgp-4byte-asn.pcap", "bgp_vpn_attrset.pcap", "babel.pcap", "EIGRP_adjacency.pcap", "brcm-tag.pcap", "pgm_zmtp1.pcap",
        "ipx-invalid-length.pcap", "vxlan.pcap", "icmp-cksum-oobr-3.pcapng",
    ];

    private static readonly string[][] OptionSets = [[], ["-N"], ["-e"], ["-v"], ["-N", "-e", "-v"]];

    /// <summary>Developer aid: with DUMPKIT_NAMES_SUITE=FILE, the cases are the tests of tcpdump's TESTLIST named in
    /// FILE (one per line), each with its own options and without -n.</summary>
    private static readonly List<(string Capture, string[] Options)>? Suite = LoadSuite();

    private static List<(string, string[])>? LoadSuite()
    {
        var list = Environment.GetEnvironmentVariable("DUMPKIT_NAMES_SUITE");
        if (string.IsNullOrEmpty(list) || !File.Exists(list)) return null;
        var names = File.ReadAllLines(list).Select(l => l.Trim()).ToHashSet();
        var cases = new List<(string, string[])>();
        foreach (var line in File.ReadAllLines(Path.Combine(SuiteDir, "TESTLIST")))
        {
            var f = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 3 || f[0].StartsWith('#') || !names.Contains(f[0]) || line.Contains('"') || line.Contains('\'')) continue;
            cases.Add((Path.Combine(SuiteDir, f[1]), f[3..]));
        }
        return cases;
    }

    private static IEnumerable<(string, string[])> Cases(List<string> caps) =>
        Suite ?? caps.SelectMany(c => OptionSets.Select(o => (c, o)));

    [LibraryImport("libc")]
    private static partial uint geteuid();

    private static string? Which(string tool) => Netns.Which(tool);

    [SkippableFact]
    public void NamesMatchDebianTcpdump()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "needs Linux namespaces");
        Skip.If(geteuid() != 0, "name-resolution comparison needs root (it makes a mount and network namespace); skipped");
        foreach (var t in new[] { Tcpdump, "unshare", "dnsmasq", "mount", "ip" })
            Skip.If(Which(t) == null, $"{t} is not installed; skipped");
        Skip.IfNot(Directory.Exists(SuiteDir), $"tcpdump's test captures are not at {SuiteDir}; skipped");
        // ours: the NativeAOT binary when DUMPKIT_BINARY names it (test.sh), else this assembly run by dotnet
        var bin = Environment.GetEnvironmentVariable("DUMPKIT_BINARY");
        string oursCmd;
        if (!string.IsNullOrEmpty(bin) && File.Exists(bin)) oursCmd = $"{bin} tcpdump";
        else
        {
            var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? Which("dotnet");
            Skip.If(dotnet == null, "dotnet (to run this assembly as tcpdump) not found; skipped");
            oursCmd = $"{dotnet} {typeof(NameResolutionTests).Assembly.Location} tcpdump";
        }

        var dir = Directory.CreateTempSubdirectory("dk-names-").FullName;
        try
        {
            var caps = (Suite != null ? Suite.Select(c => c.Capture).Distinct() : Captures.Select(c => Path.Combine(SuiteDir, c))).Where(File.Exists).ToList();
            var gen = "/work/shared/tools/genpcap.py";
            if (File.Exists(gen) && Which("python3") != null)
            {
                Run("python3", $"{gen} {dir}/gen.pcap 400");
                if (File.Exists($"{dir}/gen.pcap")) caps.Add($"{dir}/gen.pcap");
            }
            WriteNameFiles(dir, caps);

            var script = new StringBuilder();
            script.Append($$"""
                set -e
                D={{dir}}
                mount --make-rprivate /
                ip link set lo up
                mkdir -p $D/orig-etc
                mount --bind /etc $D/orig-etc
                mount -t tmpfs dk-etc /etc
                for f in $D/orig-etc/* $D/orig-etc/.[!.]*; do [ -e "$f" ] && ln -s "$f" /etc/ || true; done
                for f in hosts services ethers nsswitch.conf resolv.conf; do rm -f /etc/$f; cp $D/etc/$f /etc/$f; done
                dnsmasq --keep-in-foreground --no-resolv --no-hosts --addn-hosts=$D/dns-hosts --listen-address=127.0.0.1 \
                    --bind-interfaces --bogus-priv --user=root --pid-file=$D/dnsmasq.pid --log-facility=$D/dnsmasq.log &
                DNSMASQ=$!
                trap 'kill $DNSMASQ' EXIT
                i=0; while [ ! -s $D/dnsmasq.pid ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
                export TZ=UTC
                set +e

                """);
            var cases = new List<string>();
            int n = 0;
            foreach (var (cap, opts) in Cases(caps))
            {
                var args = string.Join(' ', opts.Append("-r").Append(cap));
                cases.Add($"{Path.GetFileName(cap)} {string.Join(' ', opts)}");
                script.Append($"{Tcpdump} {args} > $D/{n}.theirs 2>/dev/null; echo $? >> $D/{n}.theirs\n");
                script.Append($"{oursCmd} {args} > $D/{n}.ours 2>/dev/null; echo $? >> $D/{n}.ours\n");
                n++;
            }
            File.WriteAllText($"{dir}/run.sh", script.ToString());
            var (rc, output) = Run("unshare", $"--mount --net --fork sh {dir}/run.sh", TimeSpan.FromMinutes(Suite != null ? 40 : 8));
            Assert.True(rc == 0, $"namespace script failed ({rc}): {output}");

            var failures = new List<string>();
            long lines = 0, named = 0;
            for (int i = 0; i < n; i++)
            {
                var theirs = File.ReadAllText($"{dir}/{i}.theirs", Encoding.Latin1);
                var ours = File.ReadAllText($"{dir}/{i}.ours", Encoding.Latin1);
                lines += theirs.Count(c => c == '\n');
                named += Regex.Matches(theirs, @"\b(hosts|dns)[0-9]+\b|\boui\b|\bether[0-9]+\b").Count;
                if (theirs != ours) failures.Add($"{cases[i]}:\n{FirstDifference(theirs, ours)}");
            }
            log.WriteLine($"{n} runs, {lines} lines, {named} names printed by tcpdump; {failures.Count} differ");
            Assert.True(named > 100, $"the setup gave tcpdump too few names to print ({named}): is dnsmasq answering?");
            Assert.True(failures.Count == 0, string.Join("\n", failures));
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string FirstDifference(string a, string b)
    {
        var la = a.Split('\n');
        var lb = b.Split('\n');
        for (int i = 0; i < Math.Max(la.Length, lb.Length); i++)
        {
            var x = i < la.Length ? la[i] : "<none>";
            var y = i < lb.Length ? lb[i] : "<none>";
            if (x != y) return $"  line {i + 1}\n  tcpdump: {x}\n  dumpkit: {y}";
        }
        return "  (same lines)";
    }

    /// <summary>Names for the addresses the captures hold (read from tcpdump -n -e): /etc/hosts, DNS, none.</summary>
    private static void WriteNameFiles(string dir, List<string> caps)
    {
        var v4 = new SortedSet<string>(StringComparer.Ordinal);
        var v6 = new SortedSet<string>(StringComparer.Ordinal);
        var macs = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var cap in caps)
        {
            var (_, text) = Run(Tcpdump, $"-n -e -v -r {cap}");
            foreach (Match m in Regex.Matches(text, @"(?<![\w:.])(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})(?=[.: ,)]|$)"))
                if (IPAddress.TryParse(m.Groups[1].Value, out var a) && a.AddressFamily == AddressFamily.InterNetwork) v4.Add(a.ToString());
            foreach (Match m in Regex.Matches(text, @"(?<![\w:.])([0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7})(?=[. ,)]|$)"))
                if (m.Groups[1].Value.Length > 2 && IPAddress.TryParse(m.Groups[1].Value, out var a) && a.AddressFamily == AddressFamily.InterNetworkV6)
                    v6.Add(a.ToString());
            foreach (Match m in Regex.Matches(text, @"\b([0-9a-f]{2}(:[0-9a-f]{2}){5})\b"))
                macs.Add(m.Groups[1].Value);
        }
        Directory.CreateDirectory($"{dir}/etc");
        var hosts = new StringBuilder("127.0.0.1\tlocalhost\n");
        var dns = new StringBuilder();
        int i = 0;
        foreach (var a in v4.Concat(v6))
        {
            switch (i % 3)
            {
                case 0: hosts.Append($"{a}\thosts{i}{(i % 2 == 0 ? ".lab.example" : "")} alias{i}\n"); break;
                case 1: dns.Append($"{a}\tdns{i}.resolved.test\n"); break;
            }
            i++;
        }
        var ethers = new StringBuilder();
        i = 0;
        foreach (var m in macs)
            if (i++ % 2 == 0) ethers.Append($"{m} ether{i}\n");
        File.WriteAllText($"{dir}/etc/hosts", hosts.ToString());
        File.WriteAllText($"{dir}/dns-hosts", dns.ToString());
        File.WriteAllText($"{dir}/etc/ethers", ethers.ToString());
        // the machine's services, after two entries that must win over the later ones for their ports
        File.WriteAllText($"{dir}/etc/services", "webby\t\t80/tcp\nticktock\t123/udp\n" + File.ReadAllText("/etc/services"));
        File.WriteAllText($"{dir}/etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\nnetworks: files\n" +
            "protocols: files\nservices: files\nethers: files\n");
        File.WriteAllText($"{dir}/etc/resolv.conf", "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n");
    }

    private static (int Rc, string Out) Run(string file, string args, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var o = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(2))) { p.Kill(true); return (-1, o + err.Result); }
        return (p.ExitCode, o + err.Result);
    }
}
