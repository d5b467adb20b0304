// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;

namespace Dumpkit.Kdump.Tests;

/// <summary>The unit files in etc/systemd pass systemd's own checker (systemd-analyze verify).</summary>
public class SystemdUnitTests
{
    private static string RepoDir()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Dumpkit.slnx")))
                return d.FullName;
        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }

    [SkippableTheory]
    [InlineData("dumpkit-kdump.service")]
    [InlineData("dumpkit-savecore.service")]
    public void UnitPassesSystemdAnalyzeVerify(string unit)
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists("/usr/bin/systemd-analyze"), "systemd-analyze is not installed");
        using var f = new FakeSystem();
        // The units name /usr/bin/dumpkit; verify wants an executable there, so point at one that exists.
        var exe = f.MakeFile("dumpkit", "#!/bin/sh\n"u8.ToArray());
        if (OperatingSystem.IsLinux()) File.SetUnixFileMode(exe, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var text = File.ReadAllText(Path.Combine(RepoDir(), "etc", "systemd", unit));
        Assert.Contains("/usr/bin/dumpkit kdump", text);
        File.WriteAllText(f.Dir[unit], text.Replace("/usr/bin/dumpkit", exe));
        var psi = new ProcessStartInfo("/usr/bin/systemd-analyze", ["verify", f.Dir[unit]])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0 && output.Trim() == "", $"systemd-analyze verify {unit}: exit {p.ExitCode}\n{output}");
    }
}
