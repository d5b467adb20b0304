// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text.RegularExpressions;

namespace Dumpkit.Crash.Tests;

/// <summary>
/// <c>net</c> on dumps whose PID 1 holds sockets open: tests/lab/panic-dumps.sh's <c>sockets</c> kind, where
/// tests/lab/sockhold.c (TCP listening, connected and accepted over loopback, UDP connected, TCP over IPv6, a unix stream
/// pair and a bound unix datagram socket) replaces /init and crashes the kernel with sysrq c. On 6.1 against crash 8.0.2
/// with the debug vmlinux (PID 1 is one of the three tasks crash 8.0.2 finds there): <c>net</c>, <c>net -s</c> in its
/// forms and <c>net -S</c>, byte for byte; on 6.1 and 6.12 (which crash 8.0.2 refuses) against drgn 0.0.22: every socket
/// descriptor of every task, its struct socket, sock, family, type and IPv4 ends. DUMPKIT_PANIC_DUMPS names LABDIR/panic;
/// without it, or without the dump, they skip.
/// </summary>
public class NetSocketsLabTests
{
    private const string Script = """
        import stat
        from drgn import cast, container_of
        from drgn.helpers.linux.fs import for_each_file
        from drgn.helpers.linux.pid import for_each_task
        def ip(v):
            return '.'.join(str(b) for b in v.value_().to_bytes(4, 'little'))
        def port(v):
            return int.from_bytes(v.value_().to_bytes(2, 'little'), 'big')
        for t in for_each_task(prog):
            for fd, f in for_each_file(t):
                inode = f.f_inode
                if not stat.S_ISSOCK(inode.i_mode.value_()):
                    continue
                sock = container_of(inode, 'struct socket_alloc', 'vfs_inode').socket.address_of_()
                sk = sock.sk
                c = sk.__sk_common
                line = [t.pid.value_(), fd, '%x' % sock.value_(), '%x' % sk.value_(), c.skc_family.value_(), sk.sk_type.value_()]
                if c.skc_family.value_() == 2:
                    inet = cast('struct inet_sock *', sk)
                    line += ['%s-%d' % (ip(c.skc_rcv_saddr), port(inet.inet_sport)), '%s-%d' % (ip(c.skc_daddr), port(c.skc_dport))]
                print(*line)
        """;

    private static string SocketsDump(string kernel)
    {
        var dir = Environment.GetEnvironmentVariable("DUMPKIT_PANIC_DUMPS");
        Skip.If(string.IsNullOrEmpty(dir), "DUMPKIT_PANIC_DUMPS is not set (tests/lab/panic-dumps.sh LABDIR KVER sockets: LABDIR/panic)");
        var path = Path.Combine(dir!, kernel, "sockets", "vmcore.elf");
        Skip.IfNot(File.Exists(path), $"no {path}");
        return path;
    }

    /// <summary>The commands compared with crash 8.0.2 on 6.1 (PID 1 holds the sockets; descriptor 5 is the accepted end).</summary>
    private static readonly string[] Commands =
    [
        "net", "net -s 1", "net -s", "net -s -x 1", "net -s -R 5 1", "net -s -R 7", "net -S 1", "net -S", "net -S -x 1",
        "net -S -d 1", "net -S -R 6 1", "foreach net -S -R 8", "foreach 0 1 net -S",
    ];

    /// <summary>foreach over every task: crash 8.0.2 sees 3 of them, so each of its task blocks must be one of ours.</summary>
    private static readonly string[] ForeachCommands = ["foreach net -s", "foreach net -S", "foreach net -S -x", "foreach net -s -S"];

    [SkippableFact]
    public void NetIsCrashsOnThe61SocketsDump()
    {
        var dump = SocketsDump(RealData.CrashKernel61);
        var vmlinux = CrashRunner.RequireVmlinux(RealData.CrashKernel61);
        string[] all = [.. Commands, .. ForeachCommands];
        var crash = CrashRunner.Oracle(vmlinux, dump, all);
        var ours = CrashRunner.OursPerCommand(dump, all);
        // not an empty comparison: crash itself sees PID 1's TCP, UDP and unix sockets and their structures
        Assert.Contains("INET:STREAM  127.0.0.1-5555 0.0.0.0-0", crash[1], StringComparison.Ordinal);
        Assert.Contains("INET:DGRAM   127.0.0.1-5556 127.0.0.1-5557", crash[1], StringComparison.Ordinal);
        Assert.Contains("UNIX:STREAM", crash[1], StringComparison.Ordinal);
        Assert.Contains("struct inet_sock {", crash[6], StringComparison.Ordinal);
        var mismatches = CrashRunner.Mismatches(Commands, crash, ours).ToList();
        for (int i = Commands.Length; i < all.Length; i++)
        {
            var (crashLead, crashBlocks) = TaskBlocks(crash[i]);
            var (ourLead, ourBlocks) = TaskBlocks(ours[i]);
            Assert.True(crashBlocks.Count >= 3, $"'{all[i]}': crash printed {crashBlocks.Count} tasks");
            if (crashLead != ourLead)
                mismatches.Add($"'{all[i]}': {CrashRunner.FirstDifference(crashLead, ourLead)}");
            foreach (var (header, block) in crashBlocks)
            {
                if (!ourBlocks.TryGetValue(header, out var mine) || mine != block)
                    mismatches.Add($"'{all[i]}' {header}: {CrashRunner.FirstDifference(block, mine ?? "")}");
            }
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    /// <summary>What comes before the first task header, and each task's block (its lines to the next header) by header.</summary>
    private static (string Lead, Dictionary<string, string> Blocks) TaskBlocks(string output)
    {
        var parts = Regex.Split(output, "^(?=PID: )", RegexOptions.Multiline);
        var blocks = parts.Skip(1).ToDictionary(p => p.Split('\n')[0], p => p.TrimEnd('\n'));
        return (parts[0], blocks);
    }

    [SkippableTheory]
    [InlineData(RealData.CrashKernel61)]
    [InlineData(RealData.CrashKernel612)]
    public void EverySocketDescriptorIsDrgns(string kernel)
    {
        var dump = SocketsDump(kernel);
        var vmlinux = CrashRunner.RequireVmlinux(kernel);
        RealData.Tool("/usr/bin/python3");
        Skip.IfNot(RealData.Run("/usr/bin/python3", ["-c", "import drgn"]).ExitCode == 0, "python3-drgn is not installed");
        var dir = Directory.CreateTempSubdirectory("dumpkit-net-drgn-");
        try
        {
            var script = Path.Combine(dir.FullName, "net.py");
            File.WriteAllText(script, Script);
            var drgn = RealData.Run("/usr/bin/python3", ["-m", "drgn", "-q", "-c", dump, "-s", vmlinux, script]);
            Assert.True(drgn.ExitCode == 0, drgn.Err);
            var expected = drgn.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).ToList();
            var pids = expected.Select(l => l[0]).Distinct().ToList();
            Assert.Contains("1", pids);
            // sockhold's eight: TCP x3, UDP, TCP over IPv6, unix x3
            Assert.Equal(8, expected.Count(l => l[0] == "1"));
            var outputs = CrashRunner.OursPerCommand(dump, pids.Select(p => $"net -s {p}").ToList());
            var ours = new List<string[]>();
            for (int i = 0; i < pids.Count; i++)
            {
                foreach (var row in outputs[i].Split('\n').Where(r => r.Length > 2 && char.IsAsciiDigit(r[1])))
                {
                    var f = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    var (family, type) = (f[3].Split(':')[0], f[3].Split(':')[1]);
                    string[] line = [pids[i], f[0], f[1], f[2], Number(family, Families), Number(type, Types)];
                    ours.Add(f.Length > 4 ? [.. line, f[4], f[5]] : line);
                }
            }
            Assert.Equal(expected.Select(l => string.Join(' ', l)), ours.Select(l => string.Join(' ', l)));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static readonly Dictionary<string, int> Families = new() { ["UNIX"] = 1, ["INET"] = 2, ["INET6"] = 10, ["NETLINK/ROUTE"] = 16 };
    private static readonly Dictionary<string, int> Types = new() { ["STREAM"] = 1, ["DGRAM"] = 2, ["RAW"] = 3, ["SEQPACKET"] = 5 };

    private static string Number(string name, Dictionary<string, int> names) =>
        (names.TryGetValue(name, out int n) ? n : int.Parse(name, CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture);
}
