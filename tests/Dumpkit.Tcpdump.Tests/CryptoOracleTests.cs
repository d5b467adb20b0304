// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Text;
using Xunit.Abstractions;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// -E (ESP and IKEv2 decryption) and -M (TCP-MD5 signatures): tcpdump 4.99.3's own crypto tests byte for byte, and
/// Debian's tcpdump (built with OpenSSL) as the oracle on mutated and cut packets of the suite's ESP/IKE captures
/// with several ciphers, and on TCP segments signed with a known secret. Standard output, standard error and exit
/// status must be identical. Skipped without /usr/bin/tcpdump or the conformance captures.
/// </summary>
public class CryptoOracleTests(ITestOutputHelper output)
{
    public static readonly string[] CryptoCases =
        ["esp1", "esp2", "esp3", "esp4", "esp5", "espudp1", "ikev2pI2", "isakmp4", "bgp-as-path-oobr-ssl", "bgp-aigp-oobr-ssl"];

    public static IEnumerable<object[]> CryptoCaseData() => CryptoCases.Select(n => new object[] { n });

    [SkippableTheory]
    [MemberData(nameof(CryptoCaseData))]
    public void SuiteCryptoTestPasses(string name)
    {
        Skip.If(ConformanceSuite.TestDir == null, "tcpdump test data (../shared/tcpdump-tests/4.99.3) not found");
        var c = ConformanceSuite.Load().Single(t => t.Name == name);
        var r = ConformanceSuite.Run(c, TimeSpan.FromSeconds(60));
        Assert.Null(r.Crash);
        if (!r.Passed) output.WriteLine($"expected:\n{r.Expected}\nactual:\n{r.Actual}\nstderr:\n{r.Stderr}");
        Assert.True(r.Passed, $"{name}: output differs (see test output)");
    }

    private const string Key3des = "0x4043434545464649494a4a4c4c4f4f515152525454575758";

    public static IEnumerable<object[]> EspCases() =>
    [
        ["02-sunrise-sunset-esp.pcap", "", "-E|0x12345678@192.1.2.45 3des-cbc-hmac96:" + Key3des],
        ["02-sunrise-sunset-esp.pcap", "-v", "-E|3des-cbc-hmac96:" + Key3des],
        ["02-sunrise-sunset-esp.pcap", "", "-E|aes-128-ctr:" + Key3des],
        ["02-sunrise-sunset-esp.pcap", "", "-E|des-ede3:" + Key3des + ",0x12345678@192.1.2.45 camellia128:0x0102"],
        ["02-sunrise-sunset-esp.pcap", "", "-E|aes256-cbc-hmac96:" + Key3des + ",bad,0x1@1.2.3 aes128:0x00,xx@1.2.3.4 aes128:00"],
        ["08-sunrise-sunset-esp2.pcap", "-x", "-E|file @TESTDIR@/esp-secrets.txt"],
        ["08-sunrise-sunset-aes.pcap", "", "-E|file @TESTDIR@/esp-secrets.txt"],
        ["espudp1.pcap", "-nnnn", "-E|file @TESTDIR@/esp-secrets.txt"],
        ["isakmp4500.pcap", "-v", "-E|file @TESTDIR@/esp-secrets.txt"],
        ["ikev2pI2.pcap", "-vvvv", "-E|file @TESTDIR@/ikev2pI2-secrets.txt"],
        ["ikev2pI2.pcap", "-vv", "-E|file @TESTDIR@/ikev2pI2-secrets.txt"],
        ["02-sunrise-sunset-esp.pcap", "", "-E|file @TESTDIR@/no-such-secrets.txt"],
    ];

    [SkippableTheory]
    [MemberData(nameof(EspCases))]
    public void MutatedEspPacketsMatchSystemTcpdump(string file, string options, string secret)
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle");
        var dir = ConformanceSuite.TestDir;
        Skip.If(dir == null, "the tcpdump conformance captures are not present");
        var (linkType, packets) = PrinterCutOracleTests.Read(Path.Combine(dir!, file));
        int seed = int.TryParse(Environment.GetEnvironmentVariable("DUMPKIT_FUZZ_SEED"), out var s) ? s : 4303;
        var r = new Random(seed ^ file.Length ^ secret.Length << 8);
        var variants = new List<(byte[], int)>();
        foreach (var (data, orig) in packets)
        {
            variants.Add((data, orig));
            if (data.Length <= 46) continue;
            for (int k = 0; k < 12; k++)
            {
                var m = (byte[])data.Clone();
                for (int n = r.Next(1, 4); n > 0; n--)
                {
                    // the ESP header and ciphertext, and now and then the IP header's fragment field and destination
                    int at = r.Next(6) == 0 ? (r.Next(2) == 0 ? r.Next(20, 22) : r.Next(30, 34)) : r.Next(34, m.Length);
                    m[at] = r.Next(3) switch { 0 => 0, 1 => (byte)r.Next(1, 40), _ => (byte)r.Next(256) };
                }
                variants.Add((k % 3 == 2 ? m[..r.Next(30, m.Length)] : m, orig));
            }
        }
        var args = options.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        args.AddRange(secret.Replace("@TESTDIR@", dir).Split('|'));
        AssertSame(PrinterOracleTests.Pcap(variants, linkType), args);
    }

    /// <summary>TCP segments over IPv4 and IPv6 with an RFC 2385 option signed here (MD5 of .NET) with "s3cret".</summary>
    [SkippableTheory]
    [InlineData("-M|s3cret")]
    [InlineData("-M|s3cre")]
    [InlineData("-v|-M|s3cret")]
    [InlineData("-v")]
    [InlineData("-M|sécret", "sécret")]   // argv's UTF-8 bytes are the key, as in tcpdump
    public void TcpMd5SignaturesMatchSystemTcpdump(string options, string key = "s3cret")
    {
        Skip.IfNot(File.Exists("/usr/bin/tcpdump"), "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3) as the oracle");
        var r = new Random(2385);
        var packets = new List<(byte[], int)>();
        for (int i = 0; i < 40; i++)
        {
            bool v6 = i % 2 == 1;
            int payload = r.Next(0, 40);
            var p = Segment(v6, payload, r, Encoding.UTF8.GetBytes(key));
            if (i % 5 == 4) p[p.Length - 1 - r.Next(Math.Max(1, payload))] ^= 0x40;   // a changed byte: the signature fails
            packets.Add((i % 7 == 6 ? p[..r.Next(50, p.Length)] : p, p.Length));
        }
        var (expected, _) = PrinterOracleTests.RunSystemTcpdump(["-n", "-r", Write(PrinterOracleTests.Pcap(packets)), .. options.Split('|')]);
        if (options.EndsWith("|" + key, StringComparison.Ordinal)) Assert.Contains("md5 valid", expected);
        AssertSame(PrinterOracleTests.Pcap(packets), [.. options.Split('|')]);
    }

    private static byte[] Segment(bool v6, int payload, Random r, ReadOnlySpan<byte> secret)
    {
        int ipLen = v6 ? 40 : 20, tcpLen = 20 + 20;
        var p = new byte[14 + ipLen + tcpLen + payload];
        p[12] = v6 ? (byte)0x86 : (byte)0x08;
        p[13] = v6 ? (byte)0xdd : (byte)0x00;
        var ip = p.AsSpan(14);
        byte[] src = v6 ? [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1] : [10, 0, 0, 1];
        byte[] dst = v6 ? [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2] : [10, 0, 0, 2];
        if (v6)
        {
            ip[0] = 0x60;
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)(tcpLen + payload));
            ip[6] = 6;
            ip[7] = 64;
            src.CopyTo(ip[8..]);
            dst.CopyTo(ip[24..]);
        }
        else PrinterOracleTests.WriteIpv4Header(ip, ipLen + tcpLen + payload, 6, src, dst);
        var tcp = ip[ipLen..];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, 179);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], (ushort)r.Next(1024, 65535));
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], (uint)r.Next());
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], (uint)r.Next());
        tcp[12] = (byte)(tcpLen / 4 << 4);
        tcp[13] = 0x18;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 4096);
        r.NextBytes(tcp.Slice(tcpLen, payload));
        tcp[20] = 19;
        tcp[21] = 18;
        tcp[38] = 1;
        tcp[39] = 0;
        // RFC 2385: pseudo-header, TCP header without options (checksum 0), data, key
        var m = new List<byte>();
        if (v6)
        {
            m.AddRange(src);
            m.AddRange(dst);
            m.AddRange([0, 0, (byte)((tcpLen + payload) >> 8), (byte)(tcpLen + payload), 0, 0, 0, 6]);
        }
        else
        {
            m.AddRange(src);
            m.AddRange(dst);
            m.AddRange([0, 6, (byte)((tcpLen + payload) >> 8), (byte)(tcpLen + payload)]);
        }
        m.AddRange(tcp[..20].ToArray());
        m.AddRange(tcp.Slice(tcpLen, payload).ToArray());
        m.AddRange(secret.ToArray());
        System.Security.Cryptography.MD5.HashData(m.ToArray()).CopyTo(tcp[22..]);
        return p;
    }

    /// <summary>The published binary decrypts (esp1's capture and secret) and checks signatures (-M) with no libssl or
    /// libcrypto loaded: LD_DEBUG=libs lists every library the dynamic loader opens.</summary>
    [SkippableFact]
    public void BinaryDecryptsWithoutLoadingLibcrypto()
    {
        var bin = Environment.GetEnvironmentVariable("DUMPKIT_BINARY");
        Skip.If(string.IsNullOrEmpty(bin) || !File.Exists(bin), "DUMPKIT_BINARY not set (test.sh publishes the NativeAOT binary and sets it)");
        var dir = ConformanceSuite.TestDir;
        Skip.If(dir == null, "the tcpdump conformance captures are not present");
        var psi = new System.Diagnostics.ProcessStartInfo(bin!)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, StandardOutputEncoding = Encoding.Latin1,
        };
        foreach (var a in (string[])["tcpdump", "-n", "-r", Path.Combine(dir!, "02-sunrise-sunset-esp.pcap"), "-M", "x",
                     "-E", "0x12345678@192.1.2.45 3des-cbc-hmac96:" + Key3des])
            psi.ArgumentList.Add(a);
        psi.Environment["LD_DEBUG"] = "libs";
        psi.Environment["TZ"] = "GMT0";
        using var p = System.Diagnostics.Process.Start(psi)!;
        var errTask = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        var ld = errTask.Result;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        var expected = File.ReadAllText(Path.Combine(dir!, "esp1.out"), Encoding.Latin1);
        // esp1.out numbers the packets (-#); the decrypted inner packets must be the same
        var inner = expected.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[(l.IndexOf("length 116", StringComparison.Ordinal))..]);
        foreach (var l in inner) Assert.Contains(l, stdout);
        Assert.Contains("calling init", ld);
        Assert.DoesNotContain("libcrypto", ld);
        Assert.DoesNotContain("libssl", ld);
    }

    private static string Write(byte[] capture)
    {
        var path = Path.Combine(Path.GetTempPath(), $"dumpkit-crypto-{Guid.NewGuid():N}.pcap");
        File.WriteAllBytes(path, capture);
        return path;
    }

    private static void AssertSame(byte[] capture, List<string> options)
    {
        var path = Write(capture);
        bool keep = true;
        try
        {
            var args = new List<string> { "-n", "-r", path };
            args.AddRange(options);
            var psi = new System.Diagnostics.ProcessStartInfo("/usr/bin/tcpdump")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                StandardOutputEncoding = Encoding.Latin1, StandardErrorEncoding = Encoding.Latin1,
            };
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.Environment["TZ"] = "GMT0";
            using var p = System.Diagnostics.Process.Start(psi)!;
            var errTask = p.StandardError.ReadToEndAsync();
            var expected = p.StandardOutput.ReadToEnd();
            var expectedErr = errTask.Result;
            p.WaitForExit();
            var o = new MemoryStream();
            var err = new StringWriter();
            int rc = TcpdumpCommand.Run([.. args], o, err, null, TimeZoneInfo.Utc);
            var actual = Encoding.Latin1.GetString(o.ToArray());
            var e = expected.Split('\n');
            var a2 = actual.Split('\n');
            for (int i = 0; i < Math.Min(e.Length, a2.Length); i++)
                if (e[i] != a2[i]) Assert.Fail($"{path}, line {i + 1} [{string.Join(' ', options)}]:\n  tcpdump: {e[i]}\n  ours:    {a2[i]}");
            Assert.True(e.Length == a2.Length, $"{path}: {e.Length} lines from tcpdump, {a2.Length} from ours");
            Assert.Equal(expectedErr, err.ToString());
            Assert.Equal(p.ExitCode, rc);
            keep = false;
        }
        finally
        {
            if (!keep) File.Delete(path);
        }
    }
}
