// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats.Codecs;
using Dumpkit.Kernel.Mm;
using Dumpkit.Makedumpfile;

namespace Dumpkit.Makedumpfile.Tests;

/// <summary>The typed jobs under the makedumpfile command line: what a program (the kdump service) runs.</summary>
public class DumpJobTests
{
    /// <summary>The real 6.1 kdump shipped in samples/ (found from the test's directory upwards).</summary>
    internal static string Sample()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var p = System.IO.Path.Combine(d.FullName, "samples", "vmcore-6.1.kdump");
            if (File.Exists(p)) return p;
        }
        throw new FileNotFoundException("samples/vmcore-6.1.kdump not found above " + AppContext.BaseDirectory);
    }

    [Theory]
    [InlineData("-c -d 31")]
    [InlineData("-l -d 1")]
    [InlineData("-E -d 31")]
    [InlineData("-z -d 8,1")]
    public void JobMakesTheFileTheCommandLineMakes(string line)
    {
        var options = line.Split(' ');
        using var dir = new TempDir();
        var cli = Tools.Makedumpfile([.. options, "--num-threads", "2", Sample(), dir["cli"]]);
        Assert.True(cli.ExitCode == 0, cli.Err);

        // Filled in by hand, as a program would.
        var job = new DumpJob { Input = Sample(), Outputs = [dir["job"]], Threads = 2 };
        job = line switch
        {
            "-c -d 31" => job with { Codec = PageCodec.Zlib, Levels = [DumpLevel.All] },
            "-l -d 1" => job with { Codec = PageCodec.Lzo, Levels = [DumpLevel.Zero] },
            "-E -d 31" => job with { Elf = true, Levels = [DumpLevel.All] },
            _ => job with { Codec = PageCodec.Zstd, Levels = [DumpLevel.User, DumpLevel.Zero] },
        };
        var output = new StringWriter();
        var errors = new StringWriter();
        Assert.Equal(0, job.Run(output, errors));
        Assert.Contains("makedumpfile Completed.", output.ToString());
        Assert.Equal(File.ReadAllBytes(dir["cli"]), File.ReadAllBytes(dir["job"]));
    }

    [Fact]
    public void ParseDumpJobReadsMakedumpfileArguments()
    {
        var job = MakedumpfileCommand.ParseDumpJob(["-c", "-d", "31,1", "-L", "4M", "--num-threads", "3", "in", "out"]);
        Assert.Equal("in", job.Input);
        Assert.Equal(["out"], job.Outputs);
        Assert.Equal(PageCodec.Zlib, job.Codec);
        Assert.Equal([DumpLevel.All, DumpLevel.Zero], job.Levels);
        Assert.Equal(4L << 20, job.SizeLimit);
        Assert.Equal(3, job.Threads);
        Assert.False(job.Elf || job.Split || job.Overwrite);
        Assert.Null(job.FlattenedTo);

        var stream = new MemoryStream();
        var flat = MakedumpfileCommand.ParseDumpJob(["-F", "-l", "in"], stream);
        Assert.Same(stream, flat.FlattenedTo);
        Assert.Equal([DumpLevel.None], flat.Levels);

        var split = MakedumpfileCommand.ParseDumpJob(["--split", "-f", "in", "a", "b"]);
        Assert.True(split.Split && split.Overwrite);
        Assert.Equal(["a", "b"], split.Outputs);
    }

    [Theory]
    [InlineData("-d 32 in out", "Dump_level(32) is invalid.")]
    [InlineData("-E -c in out", "ELF output (-E) cannot be compressed (-c, -l, -p, -z).")]
    [InlineData("-R out", "not a command line that makes a dump")]
    [InlineData("--dump-dmesg in log", "not a command line that makes a dump")]
    [InlineData("-c in", "Both VMCORE and DUMPFILE are needed.")]
    [InlineData("-e -d 31 in out", "-e requires --work-dir")]
    [InlineData("--mem-usage in", "not a command line that makes a dump")]
    public void ParseDumpJobRefusesWhatMakesNoDump(string line, string message)
    {
        var args = line.Split(' ');
        var e = Assert.Throws<UsageException>(() => MakedumpfileCommand.ParseDumpJob(args));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void DmesgJobWritesTheLogTheCommandLineWrites()
    {
        using var dir = new TempDir();
        var cli = Tools.Makedumpfile("--dump-dmesg", Sample(), dir["cli.log"]);
        Assert.True(cli.ExitCode == 0, cli.Err);
        var job = new DmesgJob { Input = Sample(), Output = dir["job.log"] };
        Assert.Equal(0, job.Run(TextWriter.Null, TextWriter.Null));
        var log = File.ReadAllBytes(dir["job.log"]);
        Assert.True(log.Length > 1000);
        Assert.Equal(File.ReadAllBytes(dir["cli.log"]), log);
    }
}
