// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text.RegularExpressions;

namespace Dumpkit.Crash.Tests;

/// <summary>
/// <c>vm -p</c> of every process against the kernel through drgn 0.0.22 (python3-drgn, with the Debian debug vmlinux) on
/// the 6.1 and 6.12 corpus dumps and the two crash-dumps (crash 8.0.2 cannot walk 6.1's maple tree and refuses 6.12): each
/// area has one line per page; every page drgn reads through the mm's page tables (<c>access_remote_vm</c>) is a page we
/// translate, and the 16 bytes at our physical address (read from the dump's frames) are drgn's; every page we translate
/// drgn reads; a <c>FILE:</c> line's offset is the page's offset in the file by drgn's <c>vm_pgoff</c>.
/// </summary>
public partial class VmPagesDrgnTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Script = """
        import sys
        from drgn import Object
        from drgn.helpers.linux.mm import access_remote_vm
        for line in open(sys.argv[1]):
            kind, mm, addr = line.split()
            if kind == 'V':
                vma = Object(prog, 'struct vm_area_struct *', value=int(addr, 16))
                print('V', mm, addr, '%x' % vma.vm_pgoff.value_())
                continue
            m = Object(prog, 'struct mm_struct *', value=int(mm, 16))
            try:
                b = access_remote_vm(m, int(addr, 16), 16)
                print('P', mm, addr, b.hex())
            except Exception:
                print('P', mm, addr, '-')
        """;

    [GeneratedRegex(@"^>?\s*(\d+)\s+\d+\s+\d+\s+([0-9a-f]+)\s+\S+\s+[\d.]+\s+\d+\s+\d+\s+(.*)$", RegexOptions.Multiline)]
    private static partial Regex PsLine();

    [SkippableTheory]
    [InlineData(RealData.Kernel61, false)]
    [InlineData(RealData.Kernel612, false)]
    [InlineData(RealData.CrashKernel61, true)]
    [InlineData(RealData.CrashKernel612, true)]
    public void EveryPageTranslationIsTheKernels(string kernel, bool crashDump)
    {
        var vmlinux = CrashRunner.RequireVmlinux(kernel);
        var dump = crashDump ? RealData.CrashDump(kernel, "vmcore.elf") : RealData.Kernel(kernel, "vmcore.elf");
        RealData.Tool("/usr/bin/python3");
        Skip.IfNot(RealData.Run("/usr/bin/python3", ["-c", "import drgn"]).ExitCode == 0, "python3-drgn is not installed");

        var ps = CrashRunner.OursPerCommand(dump, ["ps -u"])[0];
        var tasks = PsLine().Matches(ps).Select(m => m.Groups[2].Value).ToList();
        Assert.NotEmpty(tasks);
        var outputs = CrashRunner.OursPerCommand(dump, tasks.Select(t => $"vm -p {t}").ToList());
        var pages = new List<(string Mm, ulong Vma, ulong Start, ulong Page, string Kind, ulong Value)>();
        foreach (var text in outputs)
            pages.AddRange(Parse(text));
        Assert.NotEmpty(pages);

        var dir = Directory.CreateTempSubdirectory("dumpkit-vm-drgn-");
        try
        {
            var script = Path.Combine(dir.FullName, "vm.py");
            var input = Path.Combine(dir.FullName, "pages.txt");
            File.WriteAllText(script, Script);
            File.WriteAllLines(input, pages.Select(p => $"P {p.Mm} {p.Page:x}")
                .Concat(pages.Select(p => $"V {p.Mm} {p.Vma:x}").Distinct()));
            var drgn = RealData.Run("/usr/bin/python3", ["-m", "drgn", "-q", "-c", dump, "-s", vmlinux, script, input]);
            Assert.True(drgn.ExitCode == 0, drgn.Err);
            var read = new Dictionary<(string, ulong), string>();
            var pgoff = new Dictionary<ulong, ulong>();
            foreach (var l in drgn.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')))
            {
                if (l[0] == "V")
                    pgoff[Hex(l[2])] = Hex(l[3]);
                else
                    read[(l[1], Hex(l[2]))] = l[3];
            }

            var mem = RealData.OpenMemory(dump);
            using var reader = mem.Dump;
            var buffer = new byte[4096];
            int translated = 0, file = 0;
            var failures = new List<string>();
            foreach (var p in pages)
            {
                var theirs = read[(p.Mm, p.Page)];
                if (p.Kind == "phys")
                {
                    translated++;
                    mem.Dump.ReadPage(p.Value >> 12, buffer);
                    var ours = Convert.ToHexStringLower(buffer, (int)(p.Value & 0xfff), 16);
                    if (theirs != ours)
                        failures.Add($"mm {p.Mm} page {p.Page:x} at {p.Value:x}: ours {ours}, drgn {theirs}");
                }
                else
                {
                    if (theirs != "-")
                        failures.Add($"mm {p.Mm} page {p.Page:x}: ours {p.Kind}, drgn reads {theirs}");
                    if (p.Kind == "file")
                    {
                        file++;
                        ulong expected = (((p.Page - p.Start) >> 12) + pgoff[p.Vma]) << 12;
                        if (p.Value != expected)
                            failures.Add($"mm {p.Mm} page {p.Page:x}: FILE OFFSET {p.Value:x}, drgn's vm_pgoff gives {expected:x}");
                    }
                }
            }
            output.WriteLine($"{tasks.Count} processes, {pages.Count} pages, {translated} translated, {file} file offsets");
            Assert.True(failures.Count == 0, string.Join('\n', failures.Take(20)));
            Assert.True(translated > 0);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>The pages of one <c>vm -p</c> output, each area's lines counted against its size.</summary>
    private static List<(string Mm, ulong Vma, ulong Start, ulong Page, string Kind, ulong Value)> Parse(string text)
    {
        var lines = text.Split('\n');
        var result = new List<(string, ulong, ulong, ulong, string, ulong)>();
        Assert.StartsWith("PID: ", lines[0]);
        Assert.Equal("       MM               PGD          RSS    TOTAL_VM", lines[1]);
        string mm = lines[2].Trim().Split(' ')[0];
        for (int i = 3; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
                continue;
            Assert.Equal("      VMA          START      END     FLAGS FILE", lines[i]);
            var area = lines[++i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            ulong vma = Hex(area[0]), start = Hex(area[1]), end = Hex(area[2]);
            Assert.Matches("^VIRTUAL     PHYSICAL *$", lines[++i]);
            for (ulong page = start; page < end; page += 4096)
            {
                var l = lines[++i];
                var fields = l.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal(page, Hex(fields[0]));
                if (fields[1] == "(not")
                    result.Add((mm, vma, start, page, "none", 0));
                else if (fields[1] == "FILE:")
                    result.Add((mm, vma, start, page, "file", Hex(fields[^1])));
                else if (fields[1] == "SWAP:")
                    result.Add((mm, vma, start, page, "swap", ulong.Parse(fields[^1], CultureInfo.InvariantCulture)));
                else
                    result.Add((mm, vma, start, page, "phys", Hex(fields[1])));
            }
        }
        return result;
    }

    private static ulong Hex(string s) => ulong.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
