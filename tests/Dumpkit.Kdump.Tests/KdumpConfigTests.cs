// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kdump.Tests;

public class KdumpConfigTests
{
    [Fact]
    public void ShellStyleAssignments()
    {
        var c = KdumpConfig.Parse("""
            # comment
            USE_KDUMP=1
            export KDUMP_COREDIR="/srv/crash dumps"
            MAKEDUMP_ARGS='-l -d 1'   # trailing comment
            KDUMP_NUM_DUMPS=3
            KDUMP_CMDLINE_APPEND="nr_cpus=1 \"quoted\" \$HOME"
            KDUMP_FAIL_CMD=reboot\ -f
              KDUMP_KERNEL=/boot/vmlinuz-test

            KDUMP_INITRD=
            """);
        Assert.Equal("/srv/crash dumps", c.CoreDir);
        Assert.Equal("-l -d 1", c.MakedumpArgs);
        Assert.Equal(3, c.NumDumps);
        Assert.Equal("nr_cpus=1 \"quoted\" $HOME", c.CmdlineAppend);
        Assert.Equal("reboot -f", c.FailCmd);
        Assert.Equal("/boot/vmlinuz-test", c.Kernel);
        Assert.Null(c.Initrd); // empty = default
        Assert.True(c.UseKdump);
    }

    [Fact]
    public void Defaults()
    {
        var c = KdumpConfig.Parse("");
        Assert.Equal("/var/crash", c.CoreDir);
        Assert.Equal("-c -d 31", c.MakedumpArgs);
        Assert.Equal(0, c.NumDumps);
        Assert.Null(c.FailCmd);
        Assert.True(c.DumpDmesg);
        Assert.Equal(KdumpConfig.DefaultAppend, c.CmdlineAppend);
        Assert.False(KdumpConfig.Parse("USE_KDUMP=0").UseKdump);
        Assert.Equal("", KdumpConfig.Parse("KDUMP_CMDLINE_APPEND=").CmdlineAppend);
    }

    [Theory]
    [InlineData("JUSTAWORD", ":1: expected KEY=value")]
    [InlineData("A B=1", "expected KEY=value")]
    [InlineData("X=\"open", "unterminated double quote")]
    [InlineData("X='open", "unterminated single quote")]
    [InlineData("X=a b", "unquoted space")]
    public void BadLinesNameFileAndLine(string text, string message)
    {
        var e = Assert.Throws<KdumpConfigException>(() => KdumpConfig.Parse(text, "/etc/default/dumpkit"));
        Assert.StartsWith("/etc/default/dumpkit:1:", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void ShippedDefaultConfigParses()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "etc", "default", "dumpkit"))) dir = Path.GetDirectoryName(dir);
        Assert.NotNull(dir);
        var c = KdumpConfig.Load(Path.Combine(dir!, "etc", "default", "dumpkit"));
        Assert.Equal("/var/crash", c.CoreDir);
        Assert.Equal("-c -d 31", c.MakedumpArgs);
        Assert.True(c.UseKdump);
    }
}
