// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kdump.Initrd;

namespace Dumpkit.Kdump.Tests.Initrd;

public class InitScriptTests
{
    /// <summary>busybox sh (the capture initramfs's shell) and dash parse the generated /init.</summary>
    [SkippableTheory]
    [InlineData("/bin/busybox", "sh")]
    [InlineData("/bin/sh", null)]
    public void ShellsParseTheInit(string shell, string? applet)
    {
        Skip.IfNot(File.Exists(shell), $"{shell} missing");
        using var dir = new TempDir();
        File.WriteAllText(dir["init"], InitScript.Text("6.12.118+deb12-amd64"));
        var r = RealData.Run(shell, applet is null ? ["-n", dir["init"]] : [applet, "-n", dir["init"]]);
        Assert.True(r.ExitCode == 0, r.Err);
    }

    /// <summary>The settings /init sources give back, through the shell, exactly the values written (quotes, spaces, $).</summary>
    [SkippableFact]
    public void SettingsSurviveTheShell()
    {
        Skip.IfNot(File.Exists("/bin/busybox"), "busybox missing");
        using var dir = new TempDir();
        var target = new DumpTarget("LABEL=it's \"mine\" $HOME", "ext4", "/mnt/target/var/crash dir", [], []);
        string fail = "echo 'failed' > /dev/kmsg; logger `date`";
        File.WriteAllText(dir["s.sh"], InitScript.SettingsText("6.1.0-57-amd64", target, fail));
        var r = RealData.Run("/bin/busybox", ["sh", "-c", ". \"$0\"; printf '%s\\n' \"$KVER\" \"$TARGET\" \"$FSTYPE\" \"$COREDIR\" \"$FAIL_CMD\"",
            dir["s.sh"]]);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(["6.1.0-57-amd64", target.Source, "ext4", target.CoreDir, fail], r.Out.TrimEnd('\n').Split('\n'));
    }
}
