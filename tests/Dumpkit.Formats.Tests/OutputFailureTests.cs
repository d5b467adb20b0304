using System.Diagnostics;
using Dumpkit.Formats.Tests.Support;

namespace Dumpkit.Formats.Tests;

public class OutputFailureTests
{
    [Fact]
    public void UnwritableOutputPathFailsWithOneLine()
    {
        var vm = new SyntheticVmcore();
        using var dir = new TempDir();
        var out_ = Path.Combine(dir.Path, "no-such-dir", "dump");
        var r = Cli.Makedumpfile("-c", "-d", "1", vm.WriteTo(dir.Path), out_);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(out_, r.Err);
        Assert.DoesNotContain("   at ", r.Err);
    }

    [Fact]
    public void CheckParamsAndDryRunWriteNothing()
    {
        var vm = new SyntheticVmcore();
        using var dir = new TempDir();
        var input = vm.WriteTo(dir.Path);
        Assert.Equal(0, Cli.Makedumpfile("--check-params", "-c", "-d", "1", input, dir["a"]).ExitCode);
        Assert.Equal(0, Cli.Makedumpfile("--dry-run", "-c", "-d", "1", input, dir["b"]).ExitCode);
        Assert.False(File.Exists(dir["a"]));
        Assert.False(File.Exists(dir["b"]));
        Assert.Equal(1, Cli.Makedumpfile("--check-params", "-c", "-d", "1", input).ExitCode);
    }

    /// <summary>
    /// A real full filesystem: a 2 MiB tmpfs mounted by the test (root only). The dump must end
    /// as a valid, readable, incomplete file and a non-zero exit.
    /// </summary>
    [SkippableFact]
    public void FullDiskLeavesAValidIncompleteDump()
    {
        Skip.IfNot(Environment.UserName == "root", "needs root to mount a small tmpfs");
        var vm = new SyntheticVmcore();
        using var dir = new TempDir();
        var input = vm.WriteTo(dir.Path);
        var mnt = Directory.CreateDirectory(dir["mnt"]).FullName;
        var mount = Process.Start("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt]);
        mount.WaitForExit();
        Skip.IfNot(mount.ExitCode == 0, "mount -t tmpfs failed (no mount permission here)");
        try
        {
            var path = Path.Combine(mnt, "dump");
            var r = Cli.Makedumpfile("-d", "0", input, path); // ~3 MiB raw: does not fit
            Assert.Equal(1, r.ExitCode);
            Assert.Contains("no space left", r.Err, StringComparison.OrdinalIgnoreCase);
            using var dump = DumpReader.Open(path);
            Assert.True(dump.IsIncomplete);
            var page = new byte[4096];
            int present = 0, missing = 0;
            foreach (var pfn in vm.Frames().Where(vm.HasData))
            {
                if (dump.GetPageState(pfn) == PageState.Present)
                {
                    dump.ReadPage(pfn, page);
                    Assert.True(vm.ExpectedPage(pfn).AsSpan().SequenceEqual(page));
                    present++;
                }
                else
                {
                    Assert.Equal(PageState.Incomplete, dump.GetPageState(pfn));
                    missing++;
                }
            }
            Assert.True(present > 0 && missing > 0, $"{present} present, {missing} missing");
        }
        finally
        {
            Process.Start("umount", [mnt]).WaitForExit();
        }
    }
}
