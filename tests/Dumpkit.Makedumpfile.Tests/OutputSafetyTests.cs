// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.


namespace Dumpkit.Makedumpfile.Tests;

/// <summary>
/// Files makedumpfile creates: never over something already there without -f (a planted
/// symbolic link, even a dangling one, is not followed), owner-only, and inputs that cannot be
/// read as a dump refused in one line.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class OutputSafetyTests
{
    private static string Sample() => DumpJobTests.Sample();

    [Fact]
    public void DmesgLogIsOwnerOnlyAndNeverReplacesAFileWithoutForce()
    {
        using var dir = new TempDir();
        var log = dir["log"];
        var r = Tools.Makedumpfile("--dump-dmesg", Sample(), log);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(log));

        File.WriteAllText(log, "kept");
        r = Tools.Makedumpfile("--dump-dmesg", Sample(), log);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"Can't open the dump file ({log}). File exists", r.Err);
        Assert.Equal("kept", File.ReadAllText(log));

        r = Tools.Makedumpfile("-f", "--dump-dmesg", Sample(), log);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.NotEqual("kept", File.ReadAllText(log));
    }

    [Theory]
    [InlineData("--dump-dmesg")]
    [InlineData("-c -d 31")]
    [InlineData("-E -d 31")]
    public void PlantedSymlinkIsNotFollowed(string options)
    {
        using var dir = new TempDir();
        var victim = dir["victim"];
        var output = dir["out"];
        // Dangling: the link's target does not exist yet, so "does the output exist" says no.
        File.CreateSymbolicLink(output, victim);
        var r = Tools.Makedumpfile([.. options.Split(' '), Sample(), output]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("File exists", r.Err);
        Assert.False(File.Exists(victim), "the write went through the planted link");
    }

    [Fact]
    public void AFifoInputIsRefusedInOneLine()
    {
        using var dir = new TempDir();
        var fifo = dir["fifo"];
        if (Mkfifo(fifo) != 0)
            return; // no FIFOs on this file system: nothing to test
        // A writer that is never read to the end: the open must not hang on it either.
        var writer = new Thread(() =>
        {
            try { using var w = new FileStream(fifo, FileMode.Open, FileAccess.Write); w.Write(new byte[4096]); }
            catch (IOException) { }
        }) { IsBackground = true };
        writer.Start();
        var r = Tools.Makedumpfile("-d", "1", fifo, dir["out"]);
        Assert.Equal(1, r.ExitCode);
        var first = r.Err.Split('\n')[0];
        Assert.Contains("Illegal seek", first);
        Assert.Contains(fifo, first);
        Assert.DoesNotContain("Exception", r.Err);
        Assert.False(File.Exists(dir["out"]));
        writer.Join(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AFifoConfigIsRefusedInOneLineInsteadOfWaitingForAWriter()
    {
        using var dir = new TempDir();
        var fifo = dir["fifo"];
        if (Mkfifo(fifo) != 0)
            return; // no FIFOs on this file system: nothing to test
        // WaitAsync throws TimeoutException if makedumpfile blocks opening the FIFO
        var r = await Task.Run(() => Tools.Makedumpfile("-d", "31", "--config", fifo, Sample(), dir["out"])).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"Can't open config file({fifo}). Not a regular file (a FIFO)", r.Out + r.Err);
        Assert.DoesNotContain("Exception", r.Out + r.Err);
        Assert.False(File.Exists(dir["out"]));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int Mkfifo(string path, uint mode = 0x180);
}
