// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.


namespace Dumpkit.Kdump.Tests;

/// <summary>SSH=: a fake ssh runs the "remote" command locally; a fake remote dumpkit stores the stream.</summary>
public class SavecoreSshTests
{
    private const string Stamp = "202611260830";

    private static string Script(FakeSystem f, string name, string body)
    {
        string p = f.Dir[name];
        File.WriteAllText(p, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(p, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return p;
    }

    private static (FakeSystem F, string Cfg, string Remote) Setup(string sshBody, string extra = "")
    {
        var f = new FakeSystem();
        new SyntheticVmcore().WriteTo(f.Root, "vmcore");
        string ssh = Script(f, "fake-ssh", sshBody);
        string rdk = Script(f, "fake-dumpkit", "cat > \"$3\"");   // makedumpfile -R FILE: keep the stream
        string remote = f.Dir["remote"];
        var cfg = f.Dir["dumpkit.conf"];
        File.WriteAllText(cfg, $"SSH=kdump@collector\nKDUMP_SSH_COMMAND={ssh}\nKDUMP_REMOTE_DUMPKIT={rdk}\n" +
                               $"KDUMP_COREDIR={remote}\nKDUMP_VMCORE={f.Dir["vmcore"]}\nKDUMP_FAIL_CMD=on-failure\n{extra}");
        return (f, cfg, remote);
    }

    private const string RunLastArgument = "for last; do :; done\nexec /bin/sh -c \"$last\"";

    [SkippableFact]
    public void StreamsAFlattenedDumpThatRebuildsOnTheOtherSide()
    {
        Skip.IfNot(File.Exists("/bin/sh"), "no /bin/sh");
        var (f, cfg, remote) = Setup(RunLastArgument);
        using var _ = f;
        Assert.Equal(0, f.Kdump("--config", cfg, "savecore"));
        string dump = Path.Combine(remote, Stamp, $"dump.{Stamp}");
        Assert.True(File.Exists(dump), f.Err.ToString());
        Assert.False(File.Exists(Path.Combine(remote, Stamp, "dump-incomplete")));
        using (var stream = File.OpenRead(dump))
        {
            var o = new StringWriter();
            int rc = Dumpkit.Makedumpfile.MakedumpfileCommand.Run(["-R", f.Dir["rebuilt"]], stream, Stream.Null, o, o);
            Assert.True(rc == 0, o.ToString());
        }
        Assert.Equal("KDUMP   "u8.ToArray(), File.ReadAllBytes(f.Dir["rebuilt"])[..8]);
        Assert.Contains("saved vmcore in kdump@collector:", f.Out.ToString());
        Assert.Empty(f.ShellCommands);
    }

    [SkippableFact]
    public void UnreachableHostFailsClearlyAndRunsTheFailureCommand()
    {
        Skip.IfNot(File.Exists("/bin/sh"), "no /bin/sh");
        var (f, cfg, remote) = Setup("cat > /dev/null; exit 255");
        using var _ = f;
        Assert.Equal(1, f.Kdump("--config", cfg, "savecore"));
        var e = f.Err.ToString();
        Assert.Contains("exited with status 255 (host unreachable or authentication failed)", e);
        Assert.Contains("falling back to copying", e);
        Assert.Contains("failed to save vmcore in kdump@collector:", e);
        Assert.Equal(["on-failure"], f.ShellCommands);
        Assert.False(Directory.Exists(remote));
    }

    [SkippableFact]
    public void RemoteFilterFailureFallsBackToARawStream()
    {
        Skip.IfNot(File.Exists("/bin/sh"), "no /bin/sh");
        var (f, cfg, remote) = Setup(RunLastArgument, "KDUMP_REMOTE_DUMPKIT=false\n");
        using var _ = f;
        Assert.Equal(4, f.Kdump("--config", cfg, "savecore"));
        Assert.Equal(File.ReadAllBytes(f.Dir["vmcore"]), File.ReadAllBytes(Path.Combine(remote, Stamp, $"vmcore.{Stamp}")));
    }
}
