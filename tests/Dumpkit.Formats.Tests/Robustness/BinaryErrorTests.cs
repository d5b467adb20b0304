// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text.RegularExpressions;
using static Dumpkit.Formats.Tests.Robustness.BinaryRun;

namespace Dumpkit.Formats.Tests.Robustness;

/// <summary>
/// Everyday mistakes through the NativeAOT binary (issue 18), each compared with what the original tool does on
/// the same command line: the same one line (strerror's words, never a .NET resource key), the same status, a
/// closed pipe ending the run as it ends the original, no terminal mode set.
/// </summary>
public partial class BinaryErrorTests
{
    private static string Sample => RealData.RepoFile("samples/vmcore-6.1.kdump");

    [GeneratedRegex(@"(?:open_dump_file|open_dump_memory|open_vmcoreinfo|check_elf_format): [^\r\n]*")]
    private static partial Regex MakedumpfileOpenError();

    [SkippableFact]
    public void MakedumpfileSaysOpenFailuresInMakedumpfilesWords()
    {
        var bin = Binary();
        string real = RealData.Tool("/usr/bin/makedumpfile");
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["adir"]);
        var cases = new[]
        {
            new[] { "-c", "-d", "31", Sample, "/nonexistent-dk/dir/out" },   // the output's directory is missing
            ["-c", "-d", "31", "/nonexistent-dk", dir["out1"]],               // the input is missing
            ["-c", "-d", "31", dir["adir"], dir["out2"]],                     // the input is a directory
            ["-i", "/nonexistent-dk", "-c", "-d", "31", Sample, dir["out3"]], // -i names nothing
            ["--dump-dmesg", Sample, "/nonexistent-dk/dmesg"],                 // the log's directory is missing
        };
        foreach (var args in cases)
        {
            var theirs = RealData.Run(real, args);
            var ours = Run(bin, ["makedumpfile", .. args]);
            string expected = MakedumpfileOpenError().Match(theirs.Err).Value;
            Assert.False(expected.Length == 0, $"makedumpfile {string.Join(' ', args)}: {theirs.Err}");
            Assert.Equal(theirs.ExitCode, ours.Status);
            Assert.Contains(expected, ours.Err.Split('\n'));
            Assert.Null(Defect(ours));
        }
    }

    [SkippableFact]
    public void MakedumpfileOnADirectoryWithForceSaysIsADirectory()
    {
        var bin = Binary();
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["adir"]);
        // makedumpfile opens DUMPFILE with O_CREAT|O_TRUNC under -f: the system's EISDIR (tee opens the same way)
        var tee = RealData.Run("/usr/bin/tee", [dir["adir"]]);
        string eisdir = tee.Err.TrimEnd('\n')[(tee.Err.TrimEnd('\n').LastIndexOf(": ", StringComparison.Ordinal) + 2)..];
        foreach (var args in new[] { new[] { "-f", "--dump-dmesg", Sample, dir["adir"] }, ["-f", "-c", "-d", "31", Sample, dir["adir"]] })
        {
            var ours = Run(bin, ["makedumpfile", .. args]);
            Assert.Equal(1, ours.Status);
            Assert.Contains($"open_dump_file: Can't open the dump file({dir["adir"]}). {eisdir}", ours.Err.Split('\n'));
            Assert.Null(Defect(ours));
        }
    }

    [SkippableFact]
    public void CrashSaysWhatCrashSaysOfADirectoryAndAMissingFile()
    {
        var bin = Binary();
        string real = RealData.Tool("/usr/bin/crash");
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["adir"]);
        foreach (var path in new[] { dir["adir"], "/nonexistent-dk" })
        {
            var theirs = RealData.Run(real, [path]);
            string expected = theirs.Err.Split('\n').Concat(theirs.Out.Split('\n')).First(l => l.StartsWith("crash: ", StringComparison.Ordinal));
            var ours = Run(bin, "crash", path);
            Assert.Equal(expected, ours.Err.Split('\n')[0]);
            Assert.Equal(1, ours.Status);
        }
    }

    [SkippableFact]
    public void AClosedPipeKillsMakedumpfileBySigpipeAsItKillsTheOriginal()
    {
        var bin = Binary();
        string real = RealData.Tool("/usr/bin/makedumpfile");
        // SIGPIPE at its default, as in a login shell (a test host's children inherit it ignored; makedumpfile then
        // reports the EPIPE and exits 1)
        Skip.IfNot(File.Exists("/usr/bin/env") && RealData.Run("/usr/bin/env", ["--default-signal=PIPE", "true"]).ExitCode == 0,
            "needs env --default-signal (coreutils 8.31)");
        const string Script = "( env --default-signal=PIPE \"$0\" \"$@\" 2>/dev/null; echo $? >&2 ) | head -c 100 >/dev/null";
        var theirs = Sh(real, Script, ["-F", "-c", "-d", "31", Sample]);
        var ours = Sh(bin, Script, ["makedumpfile", "-F", "-c", "-d", "31", Sample]);
        Assert.Equal("141", theirs.Err.Trim());
        Assert.Equal(theirs.Err.Trim(), ours.Err.Trim());
    }

    /// <summary>
    /// SIGPIPE ignored since the start (<c>trap '' PIPE</c>, inherited through exec): makedumpfile gets EPIPE, prints its
    /// write error and exits 1; the binary must notice the inherited disposition before the runtime ignores SIGPIPE itself.
    /// </summary>
    [SkippableFact]
    public void AClosedPipeWithSigpipeIgnoredIsMakedumpfilesWriteErrorAndStatus()
    {
        var bin = Binary();
        string real = RealData.Tool("/usr/bin/makedumpfile");
        const string Script = "trap '' PIPE; { ( \"$0\" \"$@\" 2>&3; echo \"status $?\" >&3 ) | head -c 100 >/dev/null; } 3>&1";
        var theirs = Sh(real, Script, ["-F", "-c", "-d", "31", Sample]);
        var ours = Sh(bin, Script, ["makedumpfile", "-F", "-c", "-d", "31", Sample]);
        static string[] Lines(string s) => s.Split('\n').Where(l => l.StartsWith("Can't write", StringComparison.Ordinal)
            || l.StartsWith("status ", StringComparison.Ordinal) || l.StartsWith("makedumpfile ", StringComparison.Ordinal)).ToArray();
        Assert.Contains("status 1", Lines(theirs.Out));
        // makedumpfile says its write error once or twice, as its writes race the reader's end
        Assert.Equal(Lines(theirs.Out).Distinct().Order(), Lines(ours.Out).Distinct().Order());
        Assert.Null(Defect(ours));
    }

    [SkippableFact]
    public void AClosedPipeEndsTcpdumpAtOnceOnAnEndlessInput()
    {
        var bin = Binary();
        Skip.IfNot(File.Exists("/usr/bin/python3"), "needs python3 to make an endless capture");
        // an endless pcap on stdin: a reader that ignored EPIPE would never end (the guard would call it hung)
        const string Endless = "import struct,sys\nw=sys.stdout.buffer\nw.write(struct.pack('<IHHiIII',0xa1b2c3d4,2,4,0,0,65535,1))\n" +
            "p=bytes(14)\nr=struct.pack('<IIII',1,0,len(p),len(p))+p\ntry:\n  while True: w.write(r*1000)\nexcept BrokenPipeError: pass\n";
        var r = Sh(bin, "python3 -c \"$1\" | ( \"$0\" tcpdump -n -r - 2>&1 >&3 3>&-; echo \"status $?\" ) 3>&1 | head -1 >/dev/null; :", [Endless],
            guardSeconds: 300);
        Assert.False(r.Hung, "tcpdump went on reading after its output pipe closed");
    }

    [SkippableFact]
    public void TcpdumpReadsDevZeroAsFilterFileAsTcpdumpDoes()
    {
        var bin = Binary();
        string real = RealData.Tool("/usr/bin/tcpdump");
        using var dir = new TempDir();
        var pcap = dir["one.pcap"];
        File.WriteAllBytes(pcap, Convert.FromHexString("d4c3b2a1020004000000000000000000ffff000001000000" +
            "010000000000000020000000200000000000000000000000000000000000000000000000000000000000000000000000"));
        var theirs = RealData.Run(real, ["-n", "-F", "/dev/zero", "-r", pcap]);
        var ours = Run(bin, "tcpdump", "-n", "-F", "/dev/zero", "-r", pcap);
        Assert.Equal(theirs.ExitCode, ours.Status);
        Assert.Equal(theirs.Out, ours.Out);
        Assert.Equal(theirs.Err, ours.Err);
    }

    [SkippableFact]
    public void EndlessFilesAsInputFilesEndInOneLine()
    {
        var bin = Binary();
        foreach (var args in new[]
                 {
                     new[] { "makedumpfile", "-i", "/dev/zero", "-c", "-d", "31", Sample, "/nonexistent-dk/out" },
                     ["kdump", "--config", "/dev/zero", "show"],
                     ["crash", "-s", "-i", "/dev/zero", Sample],
                 })
        {
            var r = Run(bin, args);
            Assert.Null(Defect(r));
            Assert.NotEqual(0, r.Status);
            Assert.Contains("/dev/zero", r.Err);
        }
    }

    [SkippableFact]
    public void AFifoFilterFileIsRefusedWhereTcpdumpWaitsForAWriter()
    {
        var bin = Binary();
        string real = RealData.Tool("/usr/bin/tcpdump");
        Skip.IfNot(File.Exists("/usr/bin/mkfifo"), "needs mkfifo");
        // -F names a FIFO nobody writes: Debian's tcpdump blocks opening it until SIGTERM comes (143), and with a writer it would
        // read nothing (read_infile reads st_size bytes: 0), so its filter would be empty; ours refuses the name in one line, at once
        using var dir = new TempDir();
        var pcap = dir["one.pcap"];
        File.WriteAllBytes(pcap, Convert.FromHexString("d4c3b2a1020004000000000000000000ffff000001000000"));
        const string Script = "d=$(mktemp -d); mkfifo \"$d/f\"; \"$0\" $2 -n -F \"$d/f\" -r \"$1\" 2>\"$d/err\" & p=$!; sleep 1; " +
                              "kill -TERM $p 2>/dev/null; wait $p; echo $?; sed \"s|$d|DIR|\" \"$d/err\"; rm -r \"$d\"";
        var theirs = Sh(real, Script, [pcap, ""], guardSeconds: 120);
        var ours = Sh(bin, Script, [pcap, "tcpdump"], guardSeconds: 120);
        Assert.Equal("143", theirs.Out.Split('\n')[0].Trim());
        Assert.False(ours.Hung, "tcpdump -F FIFO hung");
        // after its "reading from file" line, as tcpdump reads -F's file once the capture is open
        var lines = ours.Out.Trim().Split('\n');
        Assert.Equal("1", lines[0]);
        Assert.Equal("tcpdump: can't open DIR/f: Not a regular file (a FIFO)", lines[^1]);
    }

    [SkippableFact]
    public void NoPersonalitySetsTheTerminalsKeypadMode()
    {
        var bin = Binary();
        Skip.IfNot(File.Exists("/usr/bin/script"), "needs script(1) for a terminal");
        foreach (var args in new[] { "makedumpfile -v", "tcpdump --version", "kexec -v", "kdump --help", "crash --help", "--version" })
        {
            var r = Sh(bin, "script -qc \"$0 $1\" /dev/null", [args]);
            Assert.False(r.Hung);
            Assert.False((r.Out + r.Err).Contains('\u001b', StringComparison.Ordinal), $"{args}: {r.Out}");
            Assert.NotEqual("", r.Out.Trim());
        }
    }

    [SkippableFact]
    public void TheFilterLexerIsLinearOnOneLongToken()
    {
        var bin = Binary();
        string real = RealData.Tool("/usr/bin/tcpdump");
        foreach (var token in new[] { string.Concat(Enumerable.Repeat("a:", 50_000)), string.Concat(Enumerable.Repeat("1:", 50_000)) })
        {
            var theirs = RealData.Run(real, ["-d", $"host {token}"]);
            var ours = Run(bin, "tcpdump", "-d", $"host {token}");
            Assert.False(ours.Hung);
            Assert.Equal(theirs.ExitCode, ours.Status);
            Assert.Equal(theirs.Err, ours.Err);
        }
    }
}
