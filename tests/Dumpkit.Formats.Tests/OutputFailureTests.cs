using Dumpkit.Formats.Tests.Support;
using Dumpkit.Formats.IO;

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
    /// A real full filesystem: a 1 MiB tmpfs mounted by the test (root only). The dump must end
    /// as a valid, readable, incomplete file and a non-zero exit.
    /// </summary>
    [SkippableFact]
    public void FullDiskLeavesAValidIncompleteDump()
    {
        var vm = new SyntheticVmcore();
        using var dir = new TempDir();
        var input = vm.WriteTo(dir.Path);
        using var tmpfs = SmallTmpfs.Mount(dir, "1m");
        {   // the dump is closed at the end of this block, before the tmpfs is unmounted
            var path = Path.Combine(tmpfs.Path, "dump");
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
    }

    /// <summary>
    /// The descriptor table is reserved before any page is written (fallocate on Linux): the
    /// range reads as zeros, the file grows to cover it, bytes before it stay, and the -L limit holds.
    /// </summary>
    [Fact]
    public void ReserveMakesZerosThatFitAndRespectsTheLimit()
    {
        using var dir = new TempDir();
        var path = dir["out"];
        using (var sink = new FileDumpSink(path, overwrite: true, limit: 1 << 20))
        {
            sink.Write(0, [1, 2, 3]);
            sink.Reserve(4096, 300_000);
            var e = Assert.Throws<DumpSpaceException>(() => sink.Reserve(900_000, 200_000));
            Assert.Contains("-L", e.Message);
        }
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(4096 + 300_000, bytes.Length);
        Assert.Equal([1, 2, 3], bytes[..3]);
        Assert.DoesNotContain(bytes[3..], b => b != 0);
    }

    /// <summary>A reservation larger than a real (tmpfs, root only) file system: no space, said as such.</summary>
    [SkippableFact]
    public void ReservingMoreThanTheDiskHoldsIsNoSpace()
    {
        using var dir = new TempDir();
        using var tmpfs = SmallTmpfs.Mount(dir, "1m");
        var path = Path.Combine(tmpfs.Path, "dump");
        using var sink = new FileDumpSink(path, overwrite: true);
        sink.Reserve(0, 512 << 10);
        var e = Assert.Throws<DumpSpaceException>(() => sink.Reserve(512 << 10, 4 << 20));
        Assert.Contains("no space left", e.Message);
        Assert.Contains(path, e.Message);
    }
}
