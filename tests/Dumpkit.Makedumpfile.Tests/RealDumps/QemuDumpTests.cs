// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats.Diskdump;
using Dumpkit.Formats.Elf;
using Xunit.Abstractions;

namespace Dumpkit.Makedumpfile.Tests.RealDumps;

/// <summary>
/// Dumps QEMU 7.2's dump-guest-memory writes of a real Debian guest (tests/lab/qemu-dumps.sh):
/// ELF with section headers before program headers (which makedumpfile cannot read), the
/// paging=true ELF with tens of thousands of program headers (PN_XNUM), and the always-flattened
/// kdump-zlib output whose sub header phys_base is garbage.
/// </summary>
public class QemuDumpTests(ITestOutputHelper output)
{
    private static string File_(string name)
    {
        var dir = Environment.GetEnvironmentVariable("DUMPKIT_QEMU_DUMPS");
        Skip.If(string.IsNullOrEmpty(dir), "DUMPKIT_QEMU_DUMPS not set (test.sh makes the dumps with ../shared/lab as root)");
        var p = Path.Combine(dir!, name);
        Skip.IfNot(File.Exists(p), $"{p} was not made");
        return p;
    }

    private static long AssertEqualWherePresent(DumpReader a, DumpReader b, bool sameSet)
    {
        var x = new byte[4096];
        var y = new byte[4096];
        long both = 0;
        ulong max = Math.Max(a.MaxPfn, b.MaxPfn);
        for (ulong pfn = 0; pfn < max; pfn++)
        {
            bool pa = a.GetPageState(pfn) == PageState.Present, pb = b.GetPageState(pfn) == PageState.Present;
            if (sameSet)
                Assert.True(pa == pb, $"page frame 0x{pfn:x}: present in {(pa ? a.Path : b.Path)} only");
            if (!pa || !pb) continue;
            a.ReadPage(pfn, x);
            b.ReadPage(pfn, y);
            Assert.True(x.AsSpan().SequenceEqual(y), $"page frame 0x{pfn:x} differs between {a.Path} and {b.Path}");
            both++;
        }
        return both;
    }

    [SkippableFact]
    public void QemuElfLayoutIsRead()
    {
        using var elf = (ElfDumpReader)DumpReader.Open(File_("qemu-panic.elf"));
        var raw = File.ReadAllBytes(File_("qemu-panic.elf")).AsSpan(0, 64);
        var h = ElfHeader.Read(raw);
        output.WriteLine($"e_phoff 0x{h.PhOff:x}, e_shoff 0x{h.ShOff:x}, {elf.ProgramHeaders.Count} program headers");
        Assert.Contains("OSRELEASE=", elf.VmcoreinfoText);
        Assert.True(elf.CpuCount >= 1);
        Assert.True(elf.RamRanges().Any());
    }

    [SkippableFact]
    public void QemuElfAndQemuFlattenedKdumpHoldTheSamePages()
    {
        using var elf = DumpReader.Open(File_("qemu-panic.elf"));
        using var kdump = DumpReader.Open(File_("qemu-panic.kdump-zlib"));
        Assert.IsType<DiskdumpReader>(kdump);
        long n = AssertEqualWherePresent(elf, kdump, sameSet: false);
        output.WriteLine($"{n} pages equal");
        Assert.True(n > 20000);
    }

    [SkippableFact]
    public void PagingElfWithPnXnumAgreesWithThePlainElf()
    {
        using var paging = (ElfDumpReader)DumpReader.Open(File_("qemu-panic-paging.elf"));
        Assert.True(paging.ProgramHeaders.Count > 0xffff, $"{paging.ProgramHeaders.Count} program headers");
        using var elf = DumpReader.Open(File_("qemu-panic.elf"));
        long n = AssertEqualWherePresent(paging, elf, sameSet: false);
        Assert.True(n > 20000);
    }

    [SkippableFact]
    public void LibkdumpfileReadsOurDumpOfAQemuElfAsTheElfItself()
    {
        var input = File_("qemu-panic.elf");
        var py = RealData.LibkdumpfilePython();
        using var dir = new TempDir();
        var r = Tools.Makedumpfile("-c", "-d", "0", input, dir["out"]);
        Assert.True(r.ExitCode == 0, r.Err);
        var c = RealData.Run(py, [RealData.RepoFile("tests/tools/libkdumpfile_compare.py"), dir["out"], input]);
        Assert.Equal(0, c.ExitCode);
        output.WriteLine(c.Out);
        Assert.Contains("\"differ\": 0,", c.Out);
        Assert.Contains("\"only_dump\": 0,", c.Out);
        Assert.Contains("\"only_ref_data\": 0,", c.Out);
    }

    [SkippableFact]
    public void Level31AndDmesgWorkOnQemuDumps()
    {
        using var dir = new TempDir();
        foreach (var name in new[] { "qemu-panic.elf", "qemu-panic.kdump-zlib" })
        {
            var input = File_(name);
            var r = Tools.Makedumpfile("-c", "-d", "31", "--show-stats", input, dir[name + ".d31"]);
            Assert.True(r.ExitCode == 0, r.Err);
            Assert.DoesNotContain("lowered", r.Err);
            // QEMU's kdump header carries a garbage phys_base; VMCOREINFO's is used, so the log reads.
            r = Tools.Makedumpfile("--dump-dmesg", input, dir[name + ".dmesg"]);
            Assert.True(r.ExitCode == 0, r.Err);
            Assert.Contains("LAB-MARKER kdump-lab", File.ReadAllText(dir[name + ".dmesg"]));
        }
    }
}
