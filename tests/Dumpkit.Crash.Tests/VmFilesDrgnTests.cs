// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;

namespace Dumpkit.Crash.Tests;

/// <summary>
/// <c>foreach vm</c> and <c>foreach files</c> against drgn 0.0.22 (python3-drgn, with the Debian debug
/// vmlinux) on the 6.1 and 6.12 dumps: crash 8.0.2 cannot walk the maple tree of 6.1 (<c>vm</c> fails)
/// and refuses 6.12. drgn 0.0.22 has no maple tree helper, so the kernel's own numbers judge our walk:
/// every process has <c>mm-&gt;map_count</c> areas; each area drgn reads at our VMA address has our
/// start, end and flags, and its file's <c>d_path</c> is our path; the user instruction pointer saved at
/// the task's kernel entry lies in one of our executable areas and its stack pointer in one of our
/// areas. Every descriptor drgn's <c>for_each_file</c> lists is ours with the same file, and the path
/// of a regular file, directory or device is drgn's <c>d_path</c>.
/// </summary>
public class VmFilesDrgnTests
{
    private const string Script = """
        import sys
        from drgn import Object
        from drgn.helpers.linux.pid import for_each_task
        from drgn.helpers.linux.fs import d_path, for_each_file
        regs_size = prog.type('struct pt_regs').size
        for t in for_each_task(prog):
            pid = t.pid.value_()
            if t.mm:
                regs = Object(prog, 'struct pt_regs', address=t.stack.value_() + 16384 - regs_size)
                print('T', pid, '%x' % t.value_(), t.mm.map_count.value_(), '%x' % regs.ip.value_(), '%x' % regs.sp.value_())
            for fd, f in for_each_file(t):
                print('F', pid, fd, '%x' % f.value_(), d_path(f.f_path).decode('latin-1'))
        for line in open(sys.argv[1]):
            v = Object(prog, 'struct vm_area_struct *', value=int(line, 16))
            path = d_path(v.vm_file.f_path).decode('latin-1') if v.vm_file else ''
            print('V', '%x' % v.value_(), '%x' % v.vm_start.value_(), '%x' % v.vm_end.value_(), '%x' % v.vm_flags.value_(), path)
        """;

    private sealed record Area(ulong Vma, ulong Start, ulong End, ulong Flags, string Path);

    [SkippableTheory]
    [InlineData(RealData.Kernel61, false)]
    [InlineData(RealData.Kernel612, false)]
    [InlineData(RealData.CrashKernel61, true)]
    [InlineData(RealData.CrashKernel612, true)]
    public void VmAndFilesAgreeWithTheKernelThroughDrgn(string kernel, bool crashDump)
    {
        var vmlinux = CrashRunner.RequireVmlinux(kernel);
        var dump = crashDump ? RealData.CrashDump(kernel, "vmcore.elf") : RealData.Kernel(kernel, "vmcore.elf");
        RealData.Tool("/usr/bin/python3");
        Skip.IfNot(RealData.Run("/usr/bin/python3", ["-c", "import drgn"]).ExitCode == 0, "python3-drgn is not installed");

        var outputs = CrashRunner.OursPerCommand(dump, ["foreach vm", "foreach files"]);
        var areas = new Dictionary<int, List<Area>>();
        var files = new Dictionary<(int Pid, int Fd), string[]>();
        int pid = -1;
        foreach (var line in outputs[0].Split('\n'))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (line.StartsWith("PID: ", StringComparison.Ordinal))
                pid = int.Parse(f[1], CultureInfo.InvariantCulture);
            else if (f.Length >= 4 && f[0].Length == 16 && line[16] == ' ' && f.Take(4).All(IsHex) && Hex(f[0]) is ulong vma)
            {
                if (!areas.TryGetValue(pid, out var list))
                    areas[pid] = list = [];
                list.Add(new Area(vma, Hex(f[1]), Hex(f[2]), Hex(f[3]), f.Length > 4 ? f[4] : ""));
            }
        }
        foreach (var line in outputs[1].Split('\n'))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (line.StartsWith("PID: ", StringComparison.Ordinal))
                pid = int.Parse(f[1], CultureInfo.InvariantCulture);
            else if (f.Length >= 5 && int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out int fd))
                files[(pid, fd)] = f;
        }
        var o = outputs[0] + outputs[1];
        Assert.True(areas.Count >= 1 && files.Count >= 3, $"parsed {areas.Count} processes' areas and {files.Count} descriptors:\n{o}");

        var vmaFile = Path.GetTempFileName();
        var script = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(vmaFile, areas.Values.SelectMany(l => l).Select(a => $"{a.Vma:x}").Distinct());
            File.WriteAllText(script, Script);
            var r = RealData.Run("/usr/bin/python3", ["-m", "drgn", "-q", "-c", dump, "-s", vmlinux, script, vmaFile]);
            Assert.True(r.ExitCode == 0, $"drgn on {dump}: {r.Err}");
            var failures = new List<string>();
            int processes = 0, descriptors = 0, checkedAreas = 0;
            foreach (var d in r.Out.TrimEnd('\n').Split('\n').Select(l => l.Split(' ', 6)))
            {
                switch (d[0])
                {
                    case "T":
                    {
                        processes++;
                        int p = int.Parse(d[1], CultureInfo.InvariantCulture);
                        var mine = areas.GetValueOrDefault(p) ?? [];
                        if (mine.Count != int.Parse(d[3], CultureInfo.InvariantCulture))
                            failures.Add($"pid {p}: {mine.Count} areas, map_count {d[3]}");
                        ulong ip = Hex(d[4]), sp = Hex(d[5]);
                        if (!mine.Any(a => a.Start <= ip && ip < a.End && (a.Flags & 4) != 0))
                            failures.Add($"pid {p}: user ip {ip:x} is in none of our executable areas");
                        if (!mine.Any(a => a.Start <= sp && sp < a.End))
                            failures.Add($"pid {p}: user sp {sp:x} is in none of our areas");
                        break;
                    }
                    case "V":
                    {
                        checkedAreas++;
                        var a = areas.Values.SelectMany(l => l).First(x => x.Vma == Hex(d[1]));
                        var drgnPath = d.Length > 5 ? d[5] : "";
                        if (a.Start != Hex(d[2]) || a.End != Hex(d[3]) || a.Flags != Hex(d[4]) || a.Path != drgnPath)
                            failures.Add($"vma {d[1]}: ours {a}, drgn {string.Join(' ', d)}");
                        break;
                    }
                    case "F":
                    {
                        descriptors++;
                        var key = (int.Parse(d[1], CultureInfo.InvariantCulture), int.Parse(d[2], CultureInfo.InvariantCulture));
                        if (!files.TryGetValue(key, out var row))
                            failures.Add($"pid {key.Item1} fd {key.Item2}: not in our files");
                        else if (row[1] != d[3])
                            failures.Add($"pid {key.Item1} fd {key.Item2}: file {row[1]}, drgn {d[3]}");
                        else if (row[4] is "REG" or "DIR" or "CHR" or "BLK" or "LNK" && (row.Length > 5 ? row[5] : "") != (d.Length > 4 ? d[4] : ""))
                            failures.Add($"pid {key.Item1} fd {key.Item2}: path {string.Join(' ', row[5..])}, drgn {d[4]}");
                        break;
                    }
                }
            }
            Assert.True(failures.Count == 0, string.Join("\n", failures));
            Assert.True(processes >= 1 && descriptors == files.Count && checkedAreas >= processes,
                $"{processes} processes, {descriptors} descriptors (ours {files.Count}), {checkedAreas} areas");
        }
        finally
        {
            File.Delete(vmaFile);
            File.Delete(script);
        }
    }

    private static bool IsHex(string s) => ulong.TryParse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out _);

    private static ulong Hex(string s) => ulong.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
