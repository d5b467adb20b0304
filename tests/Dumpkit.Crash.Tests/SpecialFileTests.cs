// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Dumpkit.Crash.Tests;

/// <summary>
/// A dump path that is a FIFO, a socket or a character device is refused before anything opens it (open(2) of a FIFO
/// without a writer never returns): one line naming the file and exit status 1, in the session and in --triage.
/// The FIFO cases run the NativeAOT binary (DUMPKIT_BINARY) under a time limit, so that a regression fails rather
/// than hangs the test run; in process only stat(2) is asked about the FIFO.
/// </summary>
public class SpecialFileTests
{
    private static string MakeFifo(TempDir dir, string name)
    {
        var path = dir[name];
        var made = RealData.TryRun("mkfifo", path);
        Skip.If(made is null || made.ExitCode != 0, "mkfifo is not available");
        return path;
    }

    private static string RequireBinary()
    {
        var bin = Environment.GetEnvironmentVariable("DUMPKIT_BINARY");
        Skip.If(string.IsNullOrEmpty(bin) || !File.Exists(bin), "DUMPKIT_BINARY not set (test.sh publishes the NativeAOT binary and sets it)");
        return Path.GetFullPath(bin!);
    }

    [SkippableFact]
    public void StatTellsAFifoASocketAndACharacterDeviceFromAFile()
    {
        Skip.IfNot(RuntimeInformation.IsOSPlatform(OSPlatform.Linux), "Linux only");
        using var dir = new TempDir();
        var fifo = MakeFifo(dir, "fifo");
        File.WriteAllText(dir["file"], "x");
        Assert.Equal("a FIFO", DumpFiles.SpecialKind(fifo));
        Assert.Equal("a character device", DumpFiles.SpecialKind("/dev/null"));
        Assert.Null(DumpFiles.SpecialKind(dir["file"]));
        Assert.Null(DumpFiles.SpecialKind(dir.Path));
        Assert.Null(DumpFiles.SpecialKind(dir["missing"]));
        File.CreateSymbolicLink(dir["link"], fifo);
        Assert.Equal("a FIFO", DumpFiles.SpecialKind(dir["link"])); // stat follows the link
        Assert.False(DumpFiles.LooksLikeDump(fifo));
    }

    [SkippableTheory]
    [InlineData("-s")]
    [InlineData("--triage")]
    public void ASocketOrACharacterDeviceIsRefusedInOneLine(string mode)
    {
        Skip.IfNot(RuntimeInformation.IsOSPlatform(OSPlatform.Linux), "Linux only");
        using var dir = new TempDir();
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(dir["sock"]));
        foreach (var (path, kind) in new[] { (dir["sock"], "a socket"), ("/dev/null", "a character device") })
        {
            var (o, e, code) = CrashRunner.Ours("", mode, path);
            Assert.Equal(1, code);
            string line = $"crash: {path}: not a supported file format ({kind}, not a regular file)";
            if (mode == "--triage")
                Assert.Equal(line, JsonDocument.Parse(o).RootElement.GetProperty("error").GetString());
            else
            {
                Assert.Equal("", o);
                Assert.Equal(line + "\n", e);
            }
        }
    }

    [SkippableFact]
    public void TheBinaryRefusesAFifoInsteadOfBlocking()
    {
        Skip.IfNot(RuntimeInformation.IsOSPlatform(OSPlatform.Linux), "Linux only");
        var bin = RequireBinary();
        using var dir = new TempDir();
        var fifo = MakeFifo(dir, "fifo");
        File.WriteAllText(dir["notadump"], "not a dump");
        string line = $"crash: {fifo}: not a supported file format (a FIFO, not a regular file)";
        // a time limit only so that a regression fails instead of hanging: each run ends at once
        foreach (var args in new[] { new[] { "crash", "-s", fifo }, ["crash", "-s", dir["notadump"], fifo], ["crash", "-s", fifo, fifo] })
        {
            var r = RealData.Run(bin, args, timeoutMs: 120_000);
            Assert.Equal(1, r.ExitCode);
            Assert.Equal("", r.Out);
            Assert.Equal(line + "\n", r.Err);
        }
        var t = RealData.Run(bin, ["crash", "--triage", fifo], timeoutMs: 120_000);
        Assert.Equal(1, t.ExitCode);
        Assert.Equal("", t.Err);
        var error = JsonDocument.Parse(t.Out).RootElement;
        Assert.Equal(fifo, error.GetProperty("dump").GetString());
        Assert.Equal(line, error.GetProperty("error").GetString());
    }
}
