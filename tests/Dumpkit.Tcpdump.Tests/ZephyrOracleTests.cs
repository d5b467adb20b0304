// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;
using Dumpkit.Tcpdump.Tests.Support;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// Zephyr notices (UDP 2103 and 2104) against Debian's tcpdump 4.99.3: every class and opcode tcpdump summarises
/// (locate, admin, client subscriptions with and without their triple, host manager, realm, login exposure), server acks,
/// other versions, kinds in every strtol spelling (signs, 0x, blanks, overflow), fields over tcpdump's 255-byte buffer, short
/// notices; each whole, cut at every length and with seeded byte changes. Skipped without /usr/bin/tcpdump.
/// </summary>
public class ZephyrOracleTests
{
    public static IEnumerable<object[]> Options() => new[] { "", "-v", "-x" }.Select(o => new object[] { o });

    private static byte[] Fields(params string[] f) => [.. f.SelectMany(s => Encoding.Latin1.GetBytes(s).Append((byte)0))];

    private static byte[] Notice(string kind, string cls, string inst, string opcode, string sender = "bob@EXAMPLE.ORG",
        string recipient = "", string version = "ZEPH0.2", params string[] extra) =>
        Fields([version, "11", kind, "uid\u0001", "1f90", "0", "0", "", cls, inst, opcode, sender, recipient, "fmt", "0x1a", "0", "muid",
            .. extra]);

    private static IEnumerable<byte[]> Notices()
    {
        string big = new('Q', 300), mid = new('w', 120);
        yield return Notice("2", "USER_LOCATE", "alice", "USER_HIDE");
        yield return Notice("2", "USER_LOCATE", "alice", "USER_UNHIDE", sender: "");
        yield return Notice("2", "USER_LOCATE", "al\u00e9ce\u0007", "LOCATE");
        yield return Notice("1", "ZEPHYR_ADMIN", "", "Dump-State");
        yield return Notice("1", "ZEPHYR_ADMIN", "", big);
        foreach (var op in new[] { "SUBSCRIBE", "SUBSCRIBE_NODEFS", "UNSUBSCRIBE" })
        {
            yield return Notice("1", "ZEPHYR_CTL", "CLIENT", op, extra: ["message", "personal", ""]);
            yield return Notice("1", "ZEPHYR_CTL", "CLIENT", op, extra: ["message", "personal", "bob"]);
            yield return Notice("1", "ZEPHYR_CTL", "CLIENT", op, extra: ["message", "personal"]);
            yield return Notice("5", "ZEPHYR_CTL", "CLIENT", op, extra: ["SENT"]);
            yield return Notice("1", "ZEPHYR_CTL", "CLIENT", op, extra: [mid, mid, mid]);
        }
        foreach (var op in new[] { "GIMME", "GIMMEDEFS", "CLEARSUB", "FLUSH_Subs" })
            yield return Notice("1", "ZEPHYR_CTL", "CLIENT", op);
        yield return Notice("1", "ZEPHYR_CTL", "HM", "BOOT");
        foreach (var op in new[] { "ADD_SUBSCRIBE", "REQ_SUBSCRIBE", "RLM_SUBSCRIBE", "RLM_UNSUBSCRIBE", "OTHER" })
            yield return Notice("1", "ZEPHYR_CTL", "REALM", op);
        yield return Notice("1", "ZEPHYR_CTL", "OTHER", "Op");
        yield return Notice("4", "HM_CTL", "SERVER_SHUTDOWN", "Flush");
        yield return Notice("4", "HM_STAT", "HMST_CLIENT", "GIMMESTATS");
        yield return Notice("4", "HM_STAT", "HMST_CLIENT", "OTHER");
        yield return Notice("4", "WG_CTL", "WG_Startup", big);
        foreach (var op in new[] { "USER_FLUSH", "NONE", "OPSTAFF", "REALM-VISIBLE", "REALM-ANNOUNCED", "NET-VISIBLE", "NET-ANNOUNCED", "X" })
            yield return Notice("2", "LOGIN", "alice@EXAMPLE.ORG", op);
        yield return Notice("2", "MESSAGE", "personal", "", recipient: "alice@EXAMPLE.ORG");
        yield return Notice("2", "MESSAGE", "personal", "PING");
        yield return Notice("2", big, big, "op");
        yield return Notice("5", "MESSAGE", "personal", "PING", extra: ["SENT"]);
        yield return Notice("5", "MESSAGE", "personal", "PING", extra: ["LOST"]);
        yield return Notice("5", "MESSAGE", "personal", "PING");
        foreach (var kind in new[] { "0", "3", "6", "7", "8", "9", "-1", " +0x5", "\t0X7", "0x", "zz", "ffffffff", "7fffffff0", "ffffffffffffffffffff",
            "-ffffffffffffffffffff", "-8000000000000000", "100000005" })
            yield return Notice(kind, "MESSAGE", "personal", "");
        yield return Notice("2", "MESSAGE", "personal", "", version: "ZEPH0.3");
        yield return Notice("2", "MESSAGE", "personal", "", version: "ZEPH\u0090\u0001");
        yield return Notice("2", "MESSAGE", "personal", "", version: "ZEP");
        yield return Fields("ZEPH0.2", "11", "2", "uid");
        yield return Fields("ZEPH0.2");
        yield return [.. "ZEPH0.2"u8];
    }

    [SkippableTheory]
    [MemberData(nameof(Options))]
    public void ZephyrMatchesSystemTcpdump(string options)
    {
        Skip.IfNot(UdpOracle.HaveTcpdump, UdpOracle.SkipMessage);
        var frames = Notices().SelectMany(m => new[]
        {
            (UdpOracle.Frame(m, 2104, 40000), false), (UdpOracle.Frame(m, 40001, 2103, v6: true), true),
        });
        UdpOracle.AssertSameOutput(frames, options, 2104);
    }
}
