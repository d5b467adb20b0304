// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Crash.Tests;

/// <summary>
/// <c>files -d</c> and <c>files -p</c> on every open file of every task against drgn 0.0.22 (python3-drgn, with the
/// Debian debug vmlinux): crash 8.0.2 sees 3 of the 57 tasks on 6.1.y. For each descriptor drgn's
/// <c>for_each_file</c> lists, <c>files -d</c> of its dentry shows drgn's inode and <c>i_sb</c>, and for a regular
/// file, directory or device drgn's <c>d_path</c>; <c>files -p</c> of its inode shows drgn's <c>nrpages</c> and, page
/// for page, what drgn's <c>xa_for_each</c> finds in <c>i_pages</c> (page, physical address, mapping, index, count,
/// flags).
/// </summary>
public class FilesDrgnTests
{
    private const string Script = """
        from drgn import Object
        from drgn.helpers.linux.pid import for_each_task
        from drgn.helpers.linux.fs import d_path, for_each_file
        from drgn.helpers.linux.xarray import xa_for_each
        from drgn.helpers.linux.mm import page_to_pfn
        for t in for_each_task(prog):
            for fd, f in for_each_file(t):
                i = f.f_inode
                m = i.i_mapping
                print('F', t.pid.value_(), fd, '%x' % f.f_path.dentry.value_(), '%x' % i.value_(), '%x' % i.i_sb.value_(),
                      '%o' % i.i_mode.value_(), m.nrpages.value_(), d_path(f.f_path).decode('latin-1'))
                for idx, entry in xa_for_each(m.i_pages.address_of_()):
                    if entry.value_() & 3:
                        continue
                    p = Object(prog, 'struct page *', value=entry.value_())
                    print('P', '%x' % i.value_(), '%x' % p.value_(), '%x' % (page_to_pfn(p).value_() << 12), '%x' % p.mapping.value_(),
                          '%x' % p.index.value_(), p._refcount.counter.value_(), '%x' % p.flags.value_())
        """;

    [SkippableTheory]
    [InlineData(RealData.Kernel61, false)]
    [InlineData(RealData.Kernel612, false)]
    [InlineData(RealData.CrashKernel61, true)]
    [InlineData(RealData.CrashKernel612, true)]
    public void DentriesAndPageCachesAreTheKernels(string kernel, bool crashDump)
    {
        var vmlinux = CrashRunner.RequireVmlinux(kernel);
        var dump = crashDump ? RealData.CrashDump(kernel, "vmcore.elf") : RealData.Kernel(kernel, "vmcore.elf");
        RealData.Tool("/usr/bin/python3");
        Skip.IfNot(RealData.Run("/usr/bin/python3", ["-c", "import drgn"]).ExitCode == 0, "python3-drgn is not installed");
        using var dir = new TempDir();
        File.WriteAllText(dir["script.py"], Script);
        var r = RealData.Run("/usr/bin/python3", ["-m", "drgn", "-q", "-c", dump, "-s", vmlinux, dir["script.py"]]);
        Assert.True(r.ExitCode == 0, $"drgn on {dump}: {r.Err}");
        var files = new List<string[]>();
        var pages = new Dictionary<string, List<string>>();
        foreach (var line in r.Out.Split('\n'))
        {
            var f = line.Split(' ');
            if (f[0] == "F")
                files.Add(f);
            else if (f[0] == "P")
                (pages.TryGetValue(f[1], out var l) ? l : pages[f[1]] = []).Add(string.Join(' ', f[2..]));
        }
        Assert.NotEmpty(files);
        var dentries = files.Select(f => f[3]).Distinct().ToList();
        var inodes = files.Select(f => f[4]).Distinct().ToList();
        var ours = CrashRunner.OursPerCommand(dump, [.. dentries.Select(d => $"files -d {d}"), .. inodes.Select(i => $"files -p {i}")]);
        var failures = new List<string>();
        int checkedPages = 0;
        for (int k = 0; k < dentries.Count; k++)
        {
            var d = files.First(f => f[3] == dentries[k]);
            var row = ours[k].Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (row[0] != d[3] || row[1] != d[4] || row[2] != d[5])
                failures.Add($"files -d {d[3]}: {string.Join(' ', row)}; drgn: inode {d[4]} sb {d[5]}");
            // regular files, directories and devices: the path is d_path's (sockets, pipes and anonymous inodes have none)
            int type = Convert.ToInt32(d[6], 8) & 0xf000;
            if (type is 0x8000 or 0x4000 or 0x2000 or 0x6000 && string.Join(' ', row[4..]) != string.Join(' ', d[8..]))
                failures.Add($"files -d {d[3]}: path '{string.Join(' ', row[4..])}', drgn '{string.Join(' ', d[8..])}'");
        }
        for (int k = 0; k < inodes.Count; k++)
        {
            var d = files.First(f => f[4] == inodes[k]);
            var lines = ours[dentries.Count + k].Split('\n');
            var head = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (head[0] != d[4] || head[1] != d[7])
                failures.Add($"files -p {d[4]}: '{lines[1]}', drgn nrpages {d[7]}");
            var mine = lines.Skip(4).Where(l => l.Length > 0)
                .Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(6))).ToList();
            var theirs = pages.TryGetValue(d[4], out var p) ? p : [];
            checkedPages += theirs.Count;
            if (!mine.SequenceEqual(theirs))
                failures.Add($"files -p {d[4]}: ours\n{string.Join('\n', mine)}\ndrgn\n{string.Join('\n', theirs)}");
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(dentries.Count > 3, $"{dentries.Count} dentries, {checkedPages} pages");
    }
}
