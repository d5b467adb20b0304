// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// -y / --linktype and -L against Debian's tcpdump 4.99.3 (libpcap 1.10.3) in a network namespace with a veth pair:
/// the lists for an Ethernet device, loopback, <c>any</c> and nflog; -y a device does not offer, a name libpcap does
/// not know, with -d, -D, -L and -r. Standard output, standard error and exit status must be the same.
/// </summary>
public sealed class LinkTypeOptionTests
{
    private const string Oracle = "/usr/bin/tcpdump";

    public static TheoryData<string> Cases() => new()
    {
        "-L -i {dev}", "-L -i lo", "-L -i any", "--list-data-link-types -i {dev}", "-L -i no-such-dev-dk", "-L -i nflog", "-L -i nflog:5",
        "-L -i nflog:5,7", "-y LINUX_SLL -L -i any", "-y NFLOG -L -i lo", "-L -y FOO -i lo",
        "-y FOO -i {dev}", "-y FOO -D", "-D -y FOO", "--linktype=BAR -i lo",
        "-y DOCSIS -i lo -d", "-y LINUX_SLL -i {dev} -d", "-y LINUX_SLL -i lo -d", "-y EN10MB -d -i any", "-y en10mb -i lo -d",
        "-y EN10MB -i {dev} -d ip", "-y LINUX_SLL2 -d -i any ip", "-y LINUX_SLL -d -i any ip", "-y linux_sll -d -i any udp port 53",
        "-d -i any ip", "-d -i no-such-dev-dk ip",
        "-y NFLOG -d", "-y NFLOG -d ip", "-y DOCSIS -d", "-y DOCSIS -d ip", "-y IPV4 -d udp", "-y RAW -d ip",
        "-i nflog -d ip", "-i nflog:5 -d", "-y IPV4 -i nflog -d udp", "-y NFLOG -i nflog:3 -d", "-i nflog:5 -y LINUX_SLL -d",
        "-i nflog:70000 -d", "-i nflog:-1 -d", "-i nflog:abc -d", "-i nflog:5, -d", "-i nflog:0x10 -d", "-i nflog:010,011 -d",
        "-y LINUX_SLL -r {file} -n", "-y FOO -r {file}", "-L -r {file} -n",
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void AsDebians(string options)
    {
        var why = Netns.Unavailable(Oracle);
        Skip.If(why != null, why);
        var dir = Directory.CreateTempSubdirectory("dk-linktype-").FullName;
        try
        {
            string file = Path.Combine(dir, "one.pcap");
            var frame = new byte[14 + 28];
            frame.AsSpan(0, 12).Fill(0x02);
            frame[12] = 0x08;
            PrinterOracleTests.WriteIpv4Header(frame.AsSpan(14, 20), 28, 17, [10, 0, 0, 1], [10, 0, 0, 2]);
            File.WriteAllBytes(file, Samples.Pcap(1, frame));

            using var ns = new Netns("yl");
            var args = options.Split(' ').Select(a => a.Replace("{dev}", ns.VethA).Replace("{file}", file)).ToArray();
            var (theirRc, theirOut, theirErr) = RunDebians(ns.A, args);
            var o = new MemoryStream();
            var e = new StringWriter();
            int rc = Netns.InNamespace(ns.A, () => TcpdumpCommand.Run(args, o, e, () => new MemoryStream(), TimeZoneInfo.Utc)).Result;
            Assert.Equal(theirOut, Encoding.Latin1.GetString(o.ToArray()));
            Assert.Equal(theirErr, e.ToString());
            Assert.Equal(theirRc, rc);
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>Debian's tcpdump in the namespace, with stdout and stderr apart.</summary>
    private static (int Rc, string Out, string Err) RunDebians(string ns, string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", ns, Oracle }.Concat(args)) psi.ArgumentList.Add(a);
        psi.Environment["TZ"] = "UTC";
        using var p = System.Diagnostics.Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var outText = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(30000)) { p.Kill(true); throw new TimeoutException(string.Join(' ', args)); }
        return (p.ExitCode, outText, err.Result);
    }
}
