// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Xunit.Abstractions;

namespace Dumpkit.Makedumpfile.Tests.RealDumps;

/// <summary>
/// Refiltering an ELF dump that an earlier <c>-E --config</c> run gave an ERASEINFO note (Debian's makedumpfile 1.7.2 made
/// it, with the debug vmlinux): a kdump-compressed output holds the note's descriptor, zeros after its text and all, ahead of
/// what the new run erases (makedumpfile's write_kdump_eraseinfo copies what get_pt_note_info found); an ELF output holds the
/// old note among the input's notes and a new ERASEINFO note of the new run's erases. Compared with Debian's makedumpfile
/// from the same file (6.1; its 1.7.2 refuses 6.12's vmlinux). A frame that two of the input's PT_LOADs hold is read from
/// the first of them, as makedumpfile's paddr_to_offset reads it (the kernel text's, erased; the direct map's is not).
/// </summary>
public class RefilterEraseinfoTests(ITestOutputHelper output)
{
    private const string FirstConfig = """
        [vmlinux]
        erase linux_banner size 16
        erase init_task.stack nullify
        """;

    private const string SecondMakedumpfileConfig = """
        [vmlinux]
        erase init_uts_ns.name.nodename
        """;

    private const string SecondDumpkitConfig = """
        [vmlinux]
        erase init_uts_ns:uts_namespace.name.nodename
        """;

    [SkippableFact]
    public void EraseinfoOfAnElfInputGoesOnAsDebiansMakedumpfileCarriesIt()
    {
        var mdf = RealData.Tool("/usr/bin/makedumpfile");
        string kver = RealData.Kernel61;
        var vmcore = RealData.Kernel(kver, "vmcore.elf");
        var vmlinux = FilterConfigTests.Vmlinux(kver);
        using var dir = new TempDir();
        File.WriteAllText(dir["first.conf"], FirstConfig);
        File.WriteAllText(dir["mdf.conf"], SecondMakedumpfileConfig);
        File.WriteAllText(dir["dumpkit.conf"], SecondDumpkitConfig);
        var d = RealData.Run(mdf, ["-E", "-d", "1", "-x", vmlinux, "--config", dir["first.conf"], vmcore, dir["first"]]);
        Assert.True(d.ExitCode == 0, d.Out + d.Err);

        // kdump-compressed, with and without a new config: the old note's descriptor first, then the new lines.
        foreach (var config in new[] { false, true })
        {
            string[] extra = config ? ["-x", vmlinux, "--config", dir["mdf.conf"]] : [];
            d = RealData.Run(mdf, ["-f", "-d", "31", .. extra, dir["first"], dir["debian"]]);
            Assert.True(d.ExitCode == 0, d.Out + d.Err);
            string[] ours = config ? ["--config", dir["dumpkit.conf"]] : [];
            var r = Tools.Makedumpfile(["-f", "-d", "31", .. ours, dir["first"], dir["ours"]]);
            Assert.True(r.ExitCode == 0, r.Err);
            var blob = FilterConfigTests.Eraseinfo(dir["debian"]);
            output.WriteLine($"{(config ? "with" : "without")} a new config: {blob.Length} bytes: "
                + System.Text.Encoding.ASCII.GetString(blob).Replace("\0", "\\0"));
            Assert.StartsWith("erase linux_banner size 16\nerase init_task.stack nullify\n", System.Text.Encoding.ASCII.GetString(blob));
            Assert.Equal(blob, FilterConfigTests.Eraseinfo(dir["ours"]));
            using var a = DumpReader.Open(dir["debian"]);
            using var b = DumpReader.Open(dir["ours"]);
            var pa = new byte[4096];
            var pb = new byte[4096];
            for (ulong pfn = 0; pfn < a.MaxPfn; pfn++)
            {
                Assert.Equal(a.GetPageState(pfn), b.GetPageState(pfn));
                if (a.GetPageState(pfn) != PageState.Present) continue;
                a.ReadPage(pfn, pa);
                b.ReadPage(pfn, pb);
                Assert.True(pa.AsSpan().SequenceEqual(pb), $"page frame 0x{pfn:x} differs from Debian's");
            }
        }

        // ELF again, with a new config: the headers and the note segment (the old ERASEINFO note among the input's notes, a
        // new one after them) are Debian's byte for byte. The loads' bytes are not compared: where the input's kernel-text and
        // direct-map PT_LOADs overlap, makedumpfile copies each load's own bytes and dumpkit reads each frame once.
        d = RealData.Run(mdf, ["-E", "-d", "31", "-x", vmlinux, "--config", dir["mdf.conf"], dir["first"], dir["debian.elf"]]);
        Assert.True(d.ExitCode == 0, d.Out + d.Err);
        var e = Tools.Makedumpfile("-E", "-d", "31", "--config", dir["dumpkit.conf"], dir["first"], dir["ours.elf"]);
        Assert.True(e.ExitCode == 0, e.Err);
        var debianElf = File.ReadAllBytes(dir["debian.elf"]);
        var oursElf = File.ReadAllBytes(dir["ours.elf"]);
        using var elf = DumpReader.Open(dir["debian.elf"]);
        var phdrs = ((Formats.Elf.ElfDumpReader)elf).ProgramHeaders;
        int dataStart = (int)phdrs.Where(p => p.Type == Formats.Elf.ElfLayout.PT_LOAD && p.FileSize > 0).Min(p => p.Offset);
        var note = phdrs.Single(p => p.Type == Formats.Elf.ElfLayout.PT_NOTE);
        var notes = System.Text.Encoding.ASCII.GetString(debianElf, (int)note.Offset, (int)note.FileSize);
        Assert.Equal(2, notes.Split("ERASEINFO\0").Length - 1);
        Assert.Contains("erase init_uts_ns.name.nodename size 65\n", notes);
        Assert.True(debianElf.AsSpan(0, dataStart).SequenceEqual(oursElf.AsSpan(0, dataStart)), "the ELF headers or notes differ");
        output.WriteLine($"ELF: the first {dataStart} bytes identical");
    }
}
