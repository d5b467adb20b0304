// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats.IO;

namespace Dumpkit.Makedumpfile.Tests;

public class OutputFailureTests
{
    /// <summary>
    /// SIGPIPE ignored since the start (<c>trap '' PIPE</c>): makedumpfile -F into a closed pipe reports the EPIPE and
    /// fails; the line and status are Debian's makedumpfile's on the same stream (its stderr under -F).
    /// </summary>
    [SkippableFact]
    public void ClosedPipeWithSigpipeIgnoredIsMakedumpfilesWriteError()
    {
        var mdf = RealData.Tool("/usr/bin/makedumpfile");
        var sample = RealData.RepoFile("samples/vmcore-6.1.kdump");
        // Debian's line and status, from a run whose stdout is a pipe whose reader ends at once
        var theirs = RealData.Run("/bin/sh",
            ["-c", "trap '' PIPE; { ( \"$0\" -F -c -d 31 \"$1\" 2>&3; echo \"status $?\" >&3 ) | : ; } 3>&1", mdf, sample]);
        // makedumpfile says it once or twice, as its writes race the reader's end
        string expected = theirs.Out.Split('\n').First(l => l.StartsWith("Can't write the dump file", StringComparison.Ordinal));
        Assert.Contains("status 1", theirs.Out);

        using var pipe = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.Out);
        pipe.DisposeLocalCopyOfClientHandle(); // the reader is gone
        int fd = (int)pipe.SafePipeHandle.DangerousGetHandle();
        var o = new StringWriter();
        var e = new StringWriter();
        int rc = MakedumpfileCommand.Run(["-F", "-c", "-d", "31", sample], Stream.Null, MakedumpfileCommand.StandardOutput(true, fd), o, e);
        Assert.Equal(1, rc);
        Assert.Contains(expected, e.ToString().Split('\n'));
        Assert.EndsWith("\nmakedumpfile Failed.\n", e.ToString());
    }

    [Fact]
    public void UnwritableOutputPathFailsWithOneLine()
    {
        var vm = new SyntheticVmcore();
        using var dir = new TempDir();
        var out_ = Path.Combine(dir.Path, "no-such-dir", "dump");
        var r = Tools.Makedumpfile("-c", "-d", "1", vm.WriteTo(dir.Path), out_);
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
        Assert.Equal(0, Tools.Makedumpfile("--check-params", "-c", "-d", "1", input, dir["a"]).ExitCode);
        Assert.Equal(0, Tools.Makedumpfile("--dry-run", "-c", "-d", "1", input, dir["b"]).ExitCode);
        Assert.False(File.Exists(dir["a"]));
        Assert.False(File.Exists(dir["b"]));
        Assert.Equal(1, Tools.Makedumpfile("--check-params", "-c", "-d", "1", input).ExitCode);
    }

    /// <summary>
    /// A full device, against Debian's makedumpfile on the same 2 MiB tmpfs: its stdout lines from the write error on
    /// ("Can't write the dump file(PATH). No space left on device", its remark, "makedumpfile Failed.") and its exit
    /// status are ours; ours also keeps what fitted as a readable dump marked incomplete, and says where it stopped.
    /// </summary>
    [SkippableFact]
    public void FullDiskIsSaidInMakedumpfilesWords()
    {
        var mdf = RealData.Tool("/usr/bin/makedumpfile");
        var sample = RealData.RepoFile("samples/vmcore-6.1.kdump");
        using var dir = new TempDir();
        using var tmpfs = SmallTmpfs.Mount(dir, "2m");
        string path = Path.Combine(tmpfs.Path, "dump");
        static string FromWriteError(string stdout) => stdout[stdout.IndexOf("\nCan't write", StringComparison.Ordinal)..];
        var theirs = RealData.Run(mdf, ["-d", "0", sample, path]);
        Assert.Equal(1, theirs.ExitCode);
        File.Delete(path);
        var ours = Tools.Makedumpfile("-d", "0", sample, path);
        Assert.Equal(theirs.ExitCode, ours.ExitCode);
        Assert.Equal(FromWriteError(theirs.Out), FromWriteError(ours.Out));
        Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(path)}: offset 0x[0-9a-f]+: no space left on device: the dump is INCOMPLETE",
            ours.Err.Split('\n').Last(l => l.Length > 0));
        using var dump = DumpReader.Open(path);
        Assert.True(dump.IsIncomplete);
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
            var r = Tools.Makedumpfile("-d", "0", input, path); // ~3 MiB raw: does not fit
            Assert.Equal(1, r.ExitCode);
            Assert.Contains("no space left", r.Err, StringComparison.OrdinalIgnoreCase);
            // makedumpfile's words on its stream (stdout), as Debian's 1.7.2 prints them on a full tmpfs
            Assert.Contains($"\nCan't write the dump file({path}). No space left on device\n" +
                "This is an incomplete dumpfile, but might analyzable.\n", r.Out);
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
    /// The dump is opened write-only (the access mode of its descriptor in /proc/self/fdinfo): opened for reading too,
    /// an NFS client reads a page in before a write that covers it in part, which the 6.12 client's NFSv4.2 READ_PLUS
    /// against nfs-ganesha 4.3 turned into EIO (tests/e2e/RESULTS.md).
    /// </summary>
    [SkippableFact]
    public void TheDumpIsOpenedWriteOnly()
    {
        Skip.IfNot(Directory.Exists("/proc/self/fdinfo"), "no /proc/self/fdinfo");
        using var dir = new TempDir();
        var path = dir["out"];
        using var sink = new FileDumpSink(path, overwrite: true);
        string? flags = null;
        foreach (var link in Directory.GetFiles("/proc/self/fd"))
        {
            string? target = null;
            try { target = new FileInfo(link).LinkTarget; }
            catch (IOException) { } // a descriptor closed meanwhile
            if (target != path)
                continue;
            flags = File.ReadLines($"/proc/self/fdinfo/{Path.GetFileName(link)}").First(l => l.StartsWith("flags:", StringComparison.Ordinal));
        }
        Assert.NotNull(flags);
        const int AccessModeMask = 3, WriteOnly = 1;
        Assert.Equal(WriteOnly, Convert.ToInt32(flags["flags:".Length..].Trim(), 8) & AccessModeMask);
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

    /// <summary>
    /// Enough is written for the helper thread to fdatasync several times behind the writes; what
    /// was written reads back whole after the final flush, and disposing without a flush (an
    /// error path) waits for the helper and returns with every write in the file.
    /// </summary>
    [Fact]
    public void FlushBehindKeepsEveryByte()
    {
        using var dir = new TempDir();
        var path = dir["out"];
        var piece = new byte[1 << 20];
        var expected = new byte[30 << 20];
        new Random(7).NextBytes(expected);
        using (var sink = new FileDumpSink(path, overwrite: true))
        {
            for (int at = 0; at < expected.Length; at += piece.Length)
                sink.Write(at, expected.AsSpan(at, piece.Length));
            sink.Flush();
            sink.Write(0, expected.AsSpan(0, 16)); // after the flush, as the header is
        }
        Assert.True(File.ReadAllBytes(path).AsSpan().SequenceEqual(expected));

        using (var sink = new FileDumpSink(dir["unflushed"], overwrite: true))
            for (int at = 0; at < 20 << 20; at += piece.Length)
                sink.Write(at, piece);
        Assert.Equal(20 << 20, new FileInfo(dir["unflushed"]).Length);
    }

    /// <summary>
    /// A disk that fails under writeback (a loop device whose backing store fills, root only):
    /// the error may be met first by the helper thread's fdatasync, which Linux reports to this
    /// file once; writing the dump and flushing it must still fail (at a later write or at the
    /// flush), never look complete.
    /// </summary>
    [SkippableFact]
    public void WritebackErrorIsNotLostBehindTheWrites()
    {
        using var dir = new TempDir();
        using var disk = FailingDisk.Mount(dir, "12m");
        var data = new byte[1 << 20];
        new Random(3).NextBytes(data);
        var e = Record.Exception(() =>
        {
            using var sink = new FileDumpSink(Path.Combine(disk.Path, "dump"), overwrite: true);
            for (int at = 0; at < 40 << 20; at += data.Length)
            {
                sink.Write(at, data);
                Thread.Sleep(2); // lets the helper's fdatasync meet the error before the end
            }
            sink.Flush();
        });
        Assert.IsAssignableFrom<IOException>(e);
    }

    /// <summary>
    /// The whole command on a disk that fails under writeback (root only): a 40 MB dump onto a
    /// file system whose device can hold 12 MB. It must fail with a one-line error naming the
    /// output and a non-zero exit, and what is left must never read as a complete dump.
    /// </summary>
    [SkippableFact]
    public void DumpOntoAFailingDiskFailsAndNeverLooksComplete()
    {
        var vm = new SyntheticVmcore();
        vm.Segments.Add((0x1000000, 40 << 20, 40 << 20));
        using var dir = new TempDir();
        var input = vm.WriteTo(dir.Path);
        using var disk = FailingDisk.Mount(dir, "12m");
        var path = Path.Combine(disk.Path, "dump");
        var r = Tools.Makedumpfile("-d", "0", input, path);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(path, r.Err);
        Assert.DoesNotContain("   at ", r.Err);
        Assert.DoesNotContain("makedumpfile Completed", r.Out + r.Err);
        DumpReader? dump = null;
        try
        {
            dump = DumpReader.Open(path);
        }
        catch (Exception e) when (e is DumpFormatException or IOException)
        {
            return; // unreadable is not mistaken for complete either
        }
        using (dump)
            Assert.True(dump.IsIncomplete);
    }
}
