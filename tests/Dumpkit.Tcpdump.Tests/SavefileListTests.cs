// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;
using System.Text;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// -V FILE (savefiles listed one a line) against Debian's tcpdump: per-file -c, numbering and -ttt carried over,
/// --count, a link type that changes (printing follows it, -w refuses it), an empty line, an empty list, a missing
/// list, -V with -r. Standard output, standard error and exit status must be the same.
/// </summary>
public class SavefileListTests
{
    private const string Oracle = "/usr/bin/tcpdump";
    private static readonly string SuiteDir = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/tcpdump-tests/4.99.3"));

    public static TheoryData<string, string> Cases() => new()
    {
        // the list's lines (| separates them; names are in the suite's directory), then the options
        { "3560_CDP.pcap|802.1D_spanning_tree.pcap", "-c 2 -n -q -#" },
        { "3560_CDP.pcap|802.1D_spanning_tree.pcap", "-n --count" },
        { "3560_CDP.pcap|802.1D_spanning_tree.pcap|", "-n -ttt stp" },
        { "3560_CDP.pcap|babel.pcap|802.1D_spanning_tree.pcap", "-n -c 3 -e" },
        { "3560_CDP.pcap|babel.pcap", "-n -c 3 udp or ip" },
        { "3560_CDP.pcap|babel.pcap", "-n -w OUT" },
        { "3560_CDP.pcap|802.1D_spanning_tree.pcap", "-n -w OUT" },
        { "3560_CDP.pcap||802.1D_spanning_tree.pcap", "-n -c 1" },
        { "3560_CDP.pcap|no-such-file.pcap", "-n -c 1" },
        { "", "-n" },
        { "MISSING", "-n" },
        { "3560_CDP.pcap", "-n -r 3560_CDP.pcap" },
        { "3560_CDP.pcap|802.1D_spanning_tree.pcap", "-d ip" },
    };

    private static (int Rc, string Out, string Err) RunOracle(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(Oracle) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["TZ"] = "UTC";
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.BaseStream;
        var ms = new MemoryStream();
        var copy = o.CopyToAsync(ms);
        var err = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        copy.Wait();
        return (p.ExitCode, Encoding.Latin1.GetString(ms.ToArray()), err.Result);
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void SameAsDebiansTcpdump(string lines, string options)
    {
        Skip.IfNot(File.Exists(Oracle), "Debian's tcpdump is not installed; skipped");
        Skip.IfNot(Directory.Exists(SuiteDir), $"tcpdump's test captures are not at {SuiteDir}; skipped");
        var dir = Directory.CreateTempSubdirectory("dk-vlist-").FullName;
        try
        {
            string list = Path.Combine(dir, "list");
            if (lines != "MISSING")
                File.WriteAllText(list, lines.Length == 0 ? ""
                    : string.Join('\n', lines.Split('|').Select(l => l.Length == 0 ? "" : Path.Combine(SuiteDir, l))) + "\n");
            string Args(string o) => o.Replace("OUT", Path.Combine(dir, o == "" ? "" : "out.pcap"), StringComparison.Ordinal)
                .Replace("-r 3560", $"-r {SuiteDir}/3560", StringComparison.Ordinal);
            var args = new List<string> { "-V", list };
            args.AddRange(Args(options).Split(' '));
            // Debian's tcpdump would become the tcpdump user, who cannot write into the test's directory
            var oracle = RunOracle(["-Z", "root", .. args]);
            string oracleFile = File.Exists(Path.Combine(dir, "out.pcap")) ? Convert.ToHexString(File.ReadAllBytes(Path.Combine(dir, "out.pcap"))) : "";
            File.Delete(Path.Combine(dir, "out.pcap"));
            var o = new MemoryStream();
            var e = new StringWriter();
            int rc = TcpdumpCommand.Run([.. args], o, e, () => new MemoryStream(), TimeZoneInfo.Utc);
            string ourFile = File.Exists(Path.Combine(dir, "out.pcap")) ? Convert.ToHexString(File.ReadAllBytes(Path.Combine(dir, "out.pcap"))) : "";
            Assert.Equal(oracle.Err, e.ToString());
            Assert.Equal(oracle.Out, Encoding.Latin1.GetString(o.ToArray()));
            Assert.Equal(oracle.Rc, rc);
            Assert.Equal(oracleFile, ourFile);
        }
        finally { Directory.Delete(dir, true); }
    }
}
