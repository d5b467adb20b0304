// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;
using System.Text.RegularExpressions;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// Capture from netfilter log groups (<c>-i nflog:N</c>) against Debian's tcpdump, and <c>-D</c> in a namespace with a known
/// set of interfaces. An nftables rule per group logs the same packets (ICMP, ICMPv6 and UDP leaving the namespace's
/// loopback) to groups 5 to 12; Debian's tcpdump and ours each listen on their own groups (a group takes one listener)
/// while ping and a UDP sender run. The printed output must be the same apart from the time stamps (libpcap stamps
/// NFLOG packets with the time it read them) and the group number (the NFLOG header's resource ID), and the pcap files
/// both wrote must read back the same in Debian's tcpdump.
/// </summary>
public sealed partial class NflogCaptureTests
{
    private const string Oracle = "/usr/bin/tcpdump";

    [GeneratedRegex(@"^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} ", RegexOptions.Multiline)]
    private static partial Regex Stamp();

    [GeneratedRegex(@"resource ID [0-9]+")]
    private static partial Regex ResourceId();

    private static string Normalized(string s) => ResourceId().Replace(Stamp().Replace(s, ""), "resource ID N");

    [SkippableFact]
    public void CapturesAsDebians()
    {
        var why = Netns.Unavailable(Oracle, "nft", "ping", "socat");
        Skip.If(why != null, why);
        var dir = Directory.CreateTempSubdirectory("dk-nflog-").FullName;
        try
        {
            using var ns = new Netns("nf");
            Netns.Must($"ip netns exec {ns.A} sysctl -q -w net.ipv6.conf.lo.disable_ipv6=0");
            Netns.Must($"ip netns exec {ns.A} nft add table inet dk");
            Netns.Must($"ip netns exec {ns.A} nft add chain inet dk out '{{ type filter hook output priority 0; }}'");
            for (int g = 5; g <= 12; g++)
                Netns.Must($"ip netns exec {ns.A} nft add rule inet dk out meta l4proto '{{ icmp, ipv6-icmp, udp }}' log group {g} prefix '\"dk\"'");

            // (variant, their group, our group, options)
            var variants = new (string Name, int Theirs, int Ours, string[] Args)[]
            {
                ("w", 5, 6, ["-w", "{w}"]),
                ("ev", 7, 8, ["-n", "-e", "-v"]),
                ("ipv4", 9, 10, ["-n", "-v", "-y", "IPV4"]),
                ("filter", 11, 12, ["-n", "-y", "IPV4", "udp"]), // in user space, as libpcap: "received by filter" counts what passed
            };
            var theirs = new Dictionary<string, Netns.BackgroundProcess>();
            var ours = new Dictionary<string, (Task<int> Task, CaptureOutput Out, StringWriter Err, TextWriter Sync)>();
            using var stop = new CancellationTokenSource();
            foreach (var v in variants)
            {
                string[] Args(int g, string who) =>
                    ["-i", $"nflog:{g}", .. v.Args.Select(a => a.Replace("{w}", Path.Combine(dir, $"{who}.pcap")))];
                theirs[v.Name] = ns.Start(ns.A, Oracle, Args(v.Theirs, "theirs"), Path.Combine(dir, $"{v.Name}.theirs.out"),
                    Path.Combine(dir, $"{v.Name}.theirs.err"));
                var o = new CaptureOutput();
                var err = new StringWriter();
                var sync = TextWriter.Synchronized(err);
                var args = Args(v.Ours, "ours");
                ours[v.Name] = (Netns.InNamespace(ns.A, () => TcpdumpCommand.Run(args, o, sync, null, TimeZoneInfo.Utc, stop.Token)), o, err, sync);
            }
            bool Listening() => theirs.Values.All(p => p.Err.Contains("listening on"))
                && ours.Values.All(x => { lock (x.Sync) return x.Err.ToString().Contains("listening on"); });
            Assert.True(Netns.WaitFor(Listening, 15000), "captures did not start: "
                + string.Join("\n", theirs.Values.Select(p => p.Err).Concat(ours.Values.Select(x => x.Err.ToString()))));

            ns.Exec(ns.A, "ping -c 3 -i 0.2 127.0.0.1");
            ns.Exec(ns.A, "ping -6 -c 2 -i 0.2 ::1");
            ns.Exec(ns.A, "sh -c 'echo dumpkit-nflog | socat - udp:127.0.0.1:9999,sourceport=40001'");
            Thread.Sleep(1000);
            // on a loaded machine our capture thread may lag behind: let the printed lines catch up with Debian's before the stop
            Netns.WaitFor(() => variants.Where(v => v.Name != "w")
                .All(v => ours[v.Name].Out.Text().Count(c => c == '\n') >= theirs[v.Name].Out.Count(c => c == '\n')), 10000);
            foreach (var p in theirs.Values) p.SendInterrupt();
            stop.Cancel();

            foreach (var v in variants)
            {
                var p = theirs[v.Name];
                Assert.True(p.Process.WaitForExit(10000), $"Debian's tcpdump ({v.Name}) did not stop");
                var (task, o, err, _) = ours[v.Name];
                Assert.True(task.Wait(10000), $"our capture ({v.Name}) did not stop");
                Assert.Equal(p.Process.ExitCode, task.Result);
                string theirErr = p.Err.Replace($"nflog:{v.Theirs}", "nflog:N"), ourErr = err.ToString().Replace($"nflog:{v.Ours}", "nflog:N");
                Assert.Equal(theirErr, ourErr);
                if (v.Name == "w") continue;
                Assert.Equal(Normalized(p.Out), Normalized(o.Text()));
                Assert.Contains("127.0.0.1.40001 > 127.0.0.1.9999: UDP, length 14", o.Text());
                if (v.Name == "filter")
                {
                    Assert.DoesNotContain("ICMP", o.Text());
                    continue;
                }
                Assert.Contains("ICMP echo request", o.Text());
                Assert.Contains("ICMP6, echo request", o.Text());
            }

            // the pcap files: same header (DLT_NFLOG, snap length), same packets as Debian's tcpdump reads them
            string Read(string who, string opts) => Normalized(Netns.Must($"{Oracle} -r {Path.Combine(dir, who + ".pcap")} {opts} 2>&1")
                .Replace(Path.Combine(dir, who + ".pcap"), "FILE"));
            byte[] theirPcap = File.ReadAllBytes(Path.Combine(dir, "theirs.pcap")), ourPcap = File.ReadAllBytes(Path.Combine(dir, "ours.pcap"));
            Assert.Equal(theirPcap.AsSpan(0, 24).ToArray(), ourPcap.AsSpan(0, 24).ToArray());
            foreach (var opts in new[] { "-n -t -e -v -x", "-n -t -q" })
            {
                string ourText = Read("ours", opts);
                Assert.Contains("link-type NFLOG (Linux netfilter log messages)", ourText);
                Assert.Equal(Read("theirs", opts), ourText);
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>
    /// -D in a namespace holding loopback, veth pairs with both ends up and with one end down, and where the kernel has
    /// them a bridge, a dummy, an ifb (down) and a tap device without a reader: order, numbering, descriptions and flags
    /// as Debian's tcpdump.
    /// </summary>
    [SkippableFact]
    public void DeviceListAsDebians()
    {
        var why = Netns.Unavailable(Oracle);
        Skip.If(why != null, why);
        var bin = Environment.GetEnvironmentVariable("DUMPKIT_BINARY");
        string ours;
        if (!string.IsNullOrEmpty(bin) && File.Exists(bin)) ours = $"{bin} tcpdump";
        else
        {
            var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? Netns.Which("dotnet");
            Skip.If(dotnet == null, "dotnet (to run this assembly as tcpdump) not found; skipped");
            ours = $"{dotnet} {typeof(NflogCaptureTests).Assembly.Location} tcpdump";
        }
        using var ns = new Netns("dl");
        // ip netns exec mounts the namespace's own /sys, which libpcap and ours read. Kinds of device this kernel
        // lacks are left out (the comparison holds for whatever the namespace has).
        Netns.Must($"ip -n {ns.A} link add dkv1 type veth peer name dkv2");
        Netns.Must($"ip -n {ns.A} link set dkv1 up");
        Netns.Must($"ip -n {ns.A} link add dkv3 type veth peer name dkv4");
        Netns.Must($"ip -n {ns.A} link set dkv3 up");
        Netns.Must($"ip -n {ns.A} link set dkv4 up");
        foreach (var cmd in new[]
        {
            $"ip -n {ns.A} link add dkbr type bridge && ip -n {ns.A} link set dkbr up",
            $"ip -n {ns.A} link add dkdum type dummy && ip -n {ns.A} link set dkdum up",
            $"ip -n {ns.A} link add dkifb type ifb",
            $"ip netns exec {ns.A} ip tuntap add dktap mode tap && ip -n {ns.A} link set dktap up",
        })
            Netns.Sh(cmd);
        foreach (var args in new[] { "-D", "--list-interfaces" })
        {
            var (theirRc, theirOut) = ns.Exec(ns.A, $"{Oracle} {args} 2>&1");
            var (ourRc, ourOut) = ns.Exec(ns.A, $"{ours} {args} 2>&1");
            Assert.Contains(".dkv1 [Up", ourOut);
            Assert.Equal(theirOut, ourOut);
            Assert.Equal(theirRc, ourRc);
        }
        // -i N picks the Nth entry: the listening line names the same device
        var (_, list) = ns.Exec(ns.A, $"{Oracle} -D");
        int lo = list.Split('\n').ToList().FindIndex(l => l.Contains(".lo [")) + 1;
        Assert.True(lo > 0, list);
        var (_, picked) = ns.Exec(ns.A, $"{ours} -i {lo} -d 2>&1");
        var (_, theirPick) = ns.Exec(ns.A, $"{Oracle} -i {lo} -d 2>&1");
        Assert.Equal(theirPick, picked);
    }
}
