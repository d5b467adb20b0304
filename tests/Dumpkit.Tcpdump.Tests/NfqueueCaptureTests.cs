// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text.RegularExpressions;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// Capture from netfilter queues (<c>-i nfqueue:N</c>) against Debian's tcpdump. A queue takes one listener, so the same
/// packets (ICMP, ICMPv6, UDP leaving the namespace's loopback) are queued twice: iptables' NFQUEUE target in the raw
/// table's OUTPUT chain (queue 5) and again in mangle's (queue 6), in filter's (7) and in security's (8); the kernel
/// passes a packet on to the next table only after the listener's ACCEPT verdict. Debian's tcpdump listens on 5 and 7,
/// ours on 6 and 8, both with <c>-Z root</c> (a verdict needs CAP_NET_ADMIN when it is sent). The pings must be
/// answered (every verdict was given), the printed output, messages, statistics and exit status must be the same apart
/// from time stamps (the time of reading, as libpcap's) and the queue number, and the <c>-w</c> files must read back the
/// same in Debian's tcpdump.
/// </summary>
public sealed partial class NfqueueCaptureTests
{
    private const string Oracle = "/usr/bin/tcpdump";

    [GeneratedRegex(@"^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} ", RegexOptions.Multiline)]
    private static partial Regex Stamp();

    /// <summary>iptables and ip6tables rules sending ICMP/ICMPv6/UDP of OUTPUT to <paramref name="queue"/> from <paramref name="table"/>.</summary>
    private static void QueueRules(Netns ns, string table, int queue)
    {
        foreach (var (tool, proto) in new[] { ("iptables", "icmp"), ("iptables", "udp"), ("ip6tables", "icmpv6"), ("ip6tables", "udp") })
            Netns.Must($"ip netns exec {ns.A} {tool} -t {table} -A OUTPUT -o lo -p {proto} -j NFQUEUE --queue-num {queue} --queue-bypass");
    }

    private static string? Unavailable()
    {
        var why = Netns.Unavailable(Oracle, "iptables", "ip6tables", "ping", "socat");
        if (why != null) return why;
        var (rc, o) = Netns.Sh("iptables -t security -L OUTPUT -n >/dev/null 2>&1 && iptables -t raw -L OUTPUT -n 2>&1");
        return rc == 0 ? null : $"iptables' raw and security tables are not usable here ({o.Trim()}); skipped";
    }

    [SkippableFact]
    public void CapturesAsDebians()
    {
        var why = Unavailable();
        Skip.If(why != null, why);
        var dir = Directory.CreateTempSubdirectory("dk-nfqueue-").FullName;
        try
        {
            using var ns = new Netns("nq");
            Netns.Must($"ip netns exec {ns.A} sysctl -q -w net.ipv6.conf.lo.disable_ipv6=0");
            QueueRules(ns, "raw", 5);
            QueueRules(ns, "mangle", 6);
            QueueRules(ns, "filter", 7);
            QueueRules(ns, "security", 8);

            // (variant, their queue, our queue, options); the filter runs in user space and counts what passed
            var variants = new (string Name, int Theirs, int Ours, string[] Args)[]
            {
                ("v", 5, 6, ["-Z", "root", "-n", "-v"]),
                ("w", 7, 8, ["-Z", "root", "-w", "{w}", "icmp or udp"]),
            };
            var theirs = new Dictionary<string, Netns.BackgroundProcess>();
            var ours = new Dictionary<string, (Task<int> Task, CaptureOutput Out, StringWriter Err, TextWriter Sync)>();
            using var stop = new CancellationTokenSource();
            foreach (var v in variants)
            {
                string[] Args(int q, string who) =>
                    ["-i", $"nfqueue:{q}", .. v.Args.Select(a => a.Replace("{w}", Path.Combine(dir, $"{who}.pcap")))];
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

            var (ping4, out4) = ns.Exec(ns.A, "ping -c 3 -i 0.2 -W 2 127.0.0.1");
            var (ping6, out6) = ns.Exec(ns.A, "ping -6 -c 2 -i 0.2 -W 2 ::1");
            ns.Exec(ns.A, "sh -c 'echo dumpkit-nfqueue | socat - udp:127.0.0.1:9999,sourceport=40002'");
            Thread.Sleep(1000);
            // on a loaded machine our capture thread may lag behind: let the printed lines catch up with Debian's before the stop
            Netns.WaitFor(() => variants.Where(v => v.Name != "w")
                .All(v => ours[v.Name].Out.Text().Count(c => c == '\n') >= theirs[v.Name].Out.Count(c => c == '\n')), 10000);
            foreach (var p in theirs.Values) p.SendInterrupt();
            stop.Cancel();
            // every request and reply went through four queues: each listener gave its verdict
            Assert.True(ping4 == 0, out4);
            Assert.True(ping6 == 0, out6);

            foreach (var v in variants)
            {
                var p = theirs[v.Name];
                Assert.True(p.Process.WaitForExit(10000), $"Debian's tcpdump ({v.Name}) did not stop");
                var (task, o, err, _) = ours[v.Name];
                Assert.True(task.Wait(10000), $"our capture ({v.Name}) did not stop");
                Assert.Equal(p.Process.ExitCode, task.Result);
                string theirErr = p.Err.Replace($"nfqueue:{v.Theirs}", "nfqueue:N"), ourErr = err.ToString().Replace($"nfqueue:{v.Ours}", "nfqueue:N");
                Assert.Equal(theirErr, ourErr);
                if (v.Name == "w") continue;
                Assert.Equal(Stamp().Replace(p.Out, ""), Stamp().Replace(o.Text(), ""));
                Assert.Contains("127.0.0.1.40002 > 127.0.0.1.9999: UDP, length 16", o.Text());
                Assert.Contains("ICMP echo reply", o.Text());
                Assert.Contains("ICMP6, echo reply", o.Text());
            }

            // the pcap files: same header (LINKTYPE_IPV4, snap length), same packets as Debian's tcpdump reads them
            string Read(string who, string opts) => Stamp().Replace(Netns.Must($"{Oracle} -r {Path.Combine(dir, who + ".pcap")} {opts} 2>&1")
                .Replace(Path.Combine(dir, who + ".pcap"), "FILE"), "");
            byte[] theirPcap = File.ReadAllBytes(Path.Combine(dir, "theirs.pcap")), ourPcap = File.ReadAllBytes(Path.Combine(dir, "ours.pcap"));
            Assert.Equal(theirPcap.AsSpan(0, 24).ToArray(), ourPcap.AsSpan(0, 24).ToArray());
            foreach (var opts in new[] { "-n -v -x", "-n -q" })
            {
                string ourText = Read("ours", opts);
                Assert.Contains("link-type IPV4 (Raw IPv4)", ourText);
                Assert.Equal(Read("theirs", opts), ourText);
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>
    /// Refusals as Debian's tcpdump words them, with its status: bad queue numbers, -y, -I, -Q (also on nflog), a queue
    /// another process holds, and (ours as a process of its own) a user without CAP_NET_ADMIN; -L and -d on a queue.
    /// </summary>
    [SkippableFact]
    public void RefusesAsDebians()
    {
        var why = Unavailable();
        Skip.If(why != null, why);
        var bin = Environment.GetEnvironmentVariable("DUMPKIT_BINARY");
        string ours;
        if (!string.IsNullOrEmpty(bin) && File.Exists(bin)) ours = $"{bin} tcpdump";
        else
        {
            var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? Netns.Which("dotnet");
            Skip.If(dotnet == null, "dotnet (to run this assembly as tcpdump) not found; skipped");
            ours = $"{dotnet} {typeof(NfqueueCaptureTests).Assembly.Location} tcpdump";
        }
        using var ns = new Netns("nr");
        var dir = Directory.CreateTempSubdirectory("dk-nfqueue-").FullName;
        try
        {
            // queue 9 held by Debian's tcpdump while both try to bind it
            var holder = ns.Start(ns.A, Oracle, ["-Z", "root", "-i", "nfqueue:9"], Path.Combine(dir, "holder.out"), Path.Combine(dir, "holder.err"));
            Assert.True(Netns.WaitFor(() => holder.Err.Contains("listening on"), 15000), holder.Err);
            var cases = new[]
            {
                "-L -i nfqueue", "-L -i nfqueue:3", "-d -i nfqueue", "-y NFLOG -i nfqueue", "-y EN10MB -i nfqueue:2", "-i nfqueue:abc",
                "-i nfqueue:70000", "-i nfqueue:1,x", "-i nfqueue:-1", "-i nfqueue:0x10000", "-I -i nfqueue", "-I -i nfqueue:x",
                "-Q in -i nfqueue", "-Q out -i nflog:3", "-L -Q in -i nfqueue", "-d -I -i nfqueue", "-I -y NFLOG -i nfqueue",
                "-Q in -y NFLOG -i nfqueue", "-i nfqueue:9", "-i nfqueue:8,9",
                "-i nfqueue:" + string.Join(',', Enumerable.Range(1, 33)),
                "-B -1 -i nfqueue:4", "-i x/nfqueue", "-i /nflog", // a '/' in the name: not a netfilter device for libpcap
            };
            string nobody = "setpriv --reuid=65534 --regid=65534 --clear-groups";
            foreach (var c in cases.Select(c => (Prefix: "", Args: c))
                .Concat(new[] { "-i nfqueue:4", "-i nflog:4", "-d -i nfqueue", "-L -i nfqueue" }.Select(c => (Prefix: nobody, Args: c))))
            {
                var (theirRc, theirOut) = ns.Exec(ns.A, $"{c.Prefix} {Oracle} {c.Args} 2>&1");
                var (ourRc, ourOut) = ns.Exec(ns.A, $"{c.Prefix} {ours} {c.Args} 2>&1");
                Assert.True(theirOut == ourOut, $"{c.Prefix} {c.Args}:\ntheirs: {theirOut}\nours:   {ourOut}");
                Assert.True(theirRc == ourRc, $"{c.Prefix} {c.Args}: status {theirRc} (theirs) {ourRc} (ours)");
            }
            Assert.Equal(0, holder.Interrupt());
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>
    /// Without <c>-Z root</c> a tcpdump started as root drops to the tcpdump user once the queue is bound, and its verdicts
    /// fail (no CAP_NET_ADMIN): the queued packets are printed but never let through. Debian's tcpdump and ours (as a
    /// process of its own) bind the same queue one after the other while a UDP datagram and a ping go out: the ping must
    /// go unanswered under both, and the output, messages and status must be the same apart from time stamps.
    /// </summary>
    [SkippableFact]
    public void DroppedPrivilegesHoldTheQueueAsDebians()
    {
        var why = Unavailable();
        Skip.If(why != null, why);
        Skip.If(Netns.Sh("id tcpdump").Rc != 0, "no tcpdump user (Debian's tcpdump package makes it); skipped");
        var bin = Environment.GetEnvironmentVariable("DUMPKIT_BINARY");
        (string File, string[] Pre) ours;
        if (!string.IsNullOrEmpty(bin) && File.Exists(bin)) ours = (bin, ["tcpdump"]);
        else
        {
            var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? Netns.Which("dotnet");
            Skip.If(dotnet == null, "dotnet (to run this assembly as tcpdump) not found; skipped");
            ours = (dotnet, [typeof(NfqueueCaptureTests).Assembly.Location, "tcpdump"]);
        }
        var dir = Directory.CreateTempSubdirectory("dk-nfqueue-").FullName;
        try
        {
            using var ns = new Netns("nd");
            QueueRules(ns, "mangle", 5);
            var results = new List<(int Ping, int Rc, string Out, string Err)>();
            foreach (var (who, file, pre) in new[] { ("theirs", Oracle, Array.Empty<string>()), ("ours", ours.File, ours.Pre) })
            {
                var p = ns.Start(ns.A, file, [.. pre, "-n", "-i", "nfqueue:5", "udp"], Path.Combine(dir, $"{who}.out"), Path.Combine(dir, $"{who}.err"));
                Assert.True(Netns.WaitFor(() => p.Err.Contains("listening on"), 15000), p.Err);
                ns.Exec(ns.A, "sh -c 'echo held | socat - udp:127.0.0.1:9999,sourceport=40003'");
                var (ping, _) = ns.Exec(ns.A, "ping -c 1 -W 1 127.0.0.1");
                Netns.WaitFor(() => p.Out.Contains("40003"), 5000);
                int rc = p.Interrupt();
                results.Add((ping, rc, Stamp().Replace(p.Out, ""), p.Err));
            }
            Assert.NotEqual(0, results[0].Ping);
            Assert.Contains("127.0.0.1.40003 > 127.0.0.1.9999: UDP, length 5", results[0].Out);
            Assert.Equal(results[0], results[1]);
        }
        finally { Directory.Delete(dir, true); }
    }
}
