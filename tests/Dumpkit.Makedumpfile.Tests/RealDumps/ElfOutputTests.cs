// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Xunit.Abstractions;

namespace Dumpkit.Makedumpfile.Tests.RealDumps;

/// <summary>
/// <c>-E</c> (ELF output) on the real corpus dumps, file for file against makedumpfile's: its PT_LOADs cut where it cuts
/// them (runs of at least 256 excluded pages, a leading run a load without file bytes), shorter runs of excluded pages kept
/// with the vmcore's bytes, the input's PT_NOTE header moved, and with <c>--config</c> its ERASEINFO note.
/// </summary>
public class ElfOutputTests(ITestOutputHelper output)
{
    /// <summary>Where two files first differ (-1: identical); their sizes must be equal.</summary>
    private static long FirstDifference(string a, string b)
    {
        using var fa = File.OpenRead(a);
        using var fb = File.OpenRead(b);
        Assert.Equal(fa.Length, fb.Length);
        var ba = new byte[1 << 20];
        var bb = new byte[1 << 20];
        for (long at = 0; ; )
        {
            int na = fa.ReadAtLeast(ba, ba.Length, throwOnEndOfStream: false);
            int nb = fb.ReadAtLeast(bb, bb.Length, throwOnEndOfStream: false);
            Assert.Equal(na, nb);
            if (na == 0)
                return -1;
            int i = ba.AsSpan(0, na).CommonPrefixLength(bb.AsSpan(0, nb));
            if (i < na)
                return at + i;
            at += na;
        }
    }

    private string ProgramHeaders(string file)
    {
        var r = RealData.Run(RealData.Tool("/usr/bin/readelf"), ["-lW", file]);
        Assert.True(r.ExitCode == 0, r.Err);
        return r.Out.Replace(file, "FILE");
    }

    private void AssertSameFile(string expected, string actual)
    {
        string headers = ProgramHeaders(expected);
        output.WriteLine(headers);
        Assert.Equal(headers, ProgramHeaders(actual));
        long at = FirstDifference(expected, actual);
        Assert.True(at < 0, $"the files differ first at byte {at}");
        output.WriteLine($"{new FileInfo(actual).Length} bytes identical");
    }

    /// <summary>Debian's makedumpfile 1.7.2 and ours write the same file at dump level 1 and 31 (6.1; 1.7.2 reads it).</summary>
    [SkippableTheory]
    [InlineData("1")]
    [InlineData("31")]
    public void SameFileAsDebianMakedumpfile(string level)
    {
        var mdf = RealData.Tool("/usr/bin/makedumpfile");
        var vmcore = RealData.Kernel(RealData.Kernel61, "vmcore.elf");
        using var dir = new TempDir();
        var d = RealData.Run(mdf, ["-E", "-d", level, vmcore, dir["debian"]]);
        Assert.True(d.ExitCode == 0, d.Out + d.Err);
        var r = Tools.Makedumpfile("-E", "-d", level, vmcore, dir["ours"]);
        Assert.True(r.ExitCode == 0, r.Err);
        AssertSameFile(dir["debian"], dir["ours"]);
    }

    /// <summary>The same file as upstream makedumpfile 1.7.9's reference <c>-E -d 31</c> (6.12's PT_NOTE has p_align 4).</summary>
    [SkippableTheory]
    [MemberData(nameof(Kernels))]
    public void SameFileAsUpstreamReference(string kver)
    {
        var reference = RealData.Kernel(kver, "mdf-E-d31");
        var vmcore = RealData.Kernel(kver, "vmcore.elf");
        using var dir = new TempDir();
        var r = Tools.Makedumpfile("-E", "-d", "31", vmcore, dir["ours"]);
        Assert.True(r.ExitCode == 0, r.Err);
        AssertSameFile(reference, dir["ours"]);
    }

    public static TheoryData<string> Kernels() => [.. RealData.Kernels];

    /// <summary>
    /// With <c>--config</c> the ELF file is Debian's byte for byte: the ERASEINFO note (its size makedumpfile's estimate,
    /// the PT_NOTE's p_filesz grown, p_memsz not), and each erase applied where the file first holds its bytes only (the
    /// kernel text's PT_LOAD; its direct mapping later keeps them), as makedumpfile uses each erase up once.
    /// </summary>
    [SkippableFact]
    public void ErasedAsDebianMakedumpfileWithTheDebugVmlinux()
    {
        var mdf = RealData.Tool("/usr/bin/makedumpfile");
        var vmcore = RealData.Kernel(RealData.Kernel61, "vmcore.elf");
        var vmlinuxDir = Environment.GetEnvironmentVariable("DUMPKIT_VMLINUX_DIR");
        Skip.If(string.IsNullOrEmpty(vmlinuxDir), "DUMPKIT_VMLINUX_DIR is not set (debug vmlinux: tests/tools/fetch-debug-vmlinux.sh DIR)");
        var vmlinux = Path.Combine(vmlinuxDir!, $"vmlinux-{RealData.Kernel61}");
        Skip.IfNot(File.Exists(vmlinux), $"{vmlinux} not found");
        using var dir = new TempDir();
        File.WriteAllText(dir["mdf.conf"], """
            [vmlinux]
            erase init_uts_ns.name.nodename
            erase linux_banner size 16
            erase saved_command_line
            erase init_task.stack nullify
            erase init_uts_ns.name.machine size nr_cpu_ids
            """);
        File.WriteAllText(dir["dumpkit.conf"], """
            [vmlinux]
            erase init_uts_ns:uts_namespace.name.nodename
            erase linux_banner size 16
            erase saved_command_line:char*
            erase init_task:task_struct.stack nullify
            erase init_uts_ns:uts_namespace.name.machine size nr_cpu_ids:u32
            """);
        var d = RealData.Run(mdf, ["-E", "-d", "31", "-x", vmlinux, "--config", dir["mdf.conf"], vmcore, dir["debian"]]);
        Assert.True(d.ExitCode == 0, d.Out + d.Err);
        var r = Tools.Makedumpfile("-E", "-d", "31", "--config", dir["dumpkit.conf"], vmcore, dir["ours"]);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.DoesNotContain("Config error", r.Err);
        var notes = RealData.Run(RealData.Tool("/usr/bin/readelf"), ["-nW", dir["debian"]]);
        Assert.Contains("ERASEINFO", notes.Out);
        output.WriteLine(notes.Out[notes.Out.IndexOf("ERASEINFO", StringComparison.Ordinal)..].Split('\n')[0]);
        AssertSameFile(dir["debian"], dir["ours"]);
    }
}
