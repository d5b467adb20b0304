// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using Xunit.Abstractions;

namespace Dumpkit.Makedumpfile.Tests.RealDumps;

/// <summary>
/// <c>--config FILTERCONFIG</c> on the real corpus dumps: erased as Debian's makedumpfile erases with the debug vmlinux
/// (6.1; its 1.7.2 refuses 6.12's vmlinux), and at the addresses and sizes drgn finds with the debug vmlinux (both).
/// </summary>
public class FilterConfigTests(ITestOutputHelper output)
{
    public static TheoryData<string> Kernels() => [.. RealData.Kernels];

    /// <summary>The commands in makedumpfile's syntax (what Debian's makedumpfile reads with -x).</summary>
    private const string MakedumpfileConfig = """
        # erase kernel data (makedumpfile.conf(5))
        [vmlinux]
        erase init_uts_ns.name.nodename
        erase linux_banner size 16
        erase saved_command_line
        erase init_task.stack nullify
        erase init_uts_ns.name.machine size nr_cpu_ids
        """;

    /// <summary>The same with the globals' types, which the kernel's BTF does not hold.</summary>
    private const string DumpkitConfig = """
        # erase kernel data (makedumpfile.conf(5))
        [vmlinux]
        erase init_uts_ns:uts_namespace.name.nodename
        erase linux_banner size 16
        erase saved_command_line:char*
        erase init_task:task_struct.stack nullify
        erase init_uts_ns:uts_namespace.name.machine	size nr_cpu_ids:u32
        """;

    internal static string Vmlinux(string kver)
    {
        var dir = Environment.GetEnvironmentVariable("DUMPKIT_VMLINUX_DIR");
        Skip.If(string.IsNullOrEmpty(dir), "DUMPKIT_VMLINUX_DIR is not set (debug vmlinux: tests/tools/fetch-debug-vmlinux.sh DIR)");
        var p = Path.Combine(dir!, $"vmlinux-{kver}");
        Skip.IfNot(File.Exists(p), $"{p} not found");
        return p;
    }

    [SkippableFact]
    public void ErasedAsDebianMakedumpfileErasesWithTheDebugVmlinux() => ErasedAsDebian(MakedumpfileConfig, DumpkitConfig, 65 + 16);

    /// <summary>Loops over a list_head list (every task's comm), a NULL-ended chain (every file system's name), an array of
    /// structures (each standard I/O resource's start and name) and an array of pointers, NULL ones skipped (each CPU vendor's
    /// name, its c_ident array's first pointer nullified): the same bytes erased and the same eraseinfo as Debian's makedumpfile.</summary>
    [SkippableFact]
    public void LoopsEraseAsDebianMakedumpfile() => ErasedAsDebian("""
        [vmlinux]
        for t in init_task.tasks.next within task_struct:tasks
        	erase t.comm
        endfor
        for fs in file_systems via next
        	erase fs.name
        endfor
        for r in standard_io_resources
        	erase r.start
        	erase r.name
        endfor
        for c in cpu_devs
        	erase c.c_vendor
        	erase c.c_ident nullify
        endfor
        """, """
        [vmlinux]
        for t in init_task:task_struct.tasks.next within task_struct:tasks
        	erase t.comm
        endfor
        for fs in file_systems:file_system_type* via next
        	erase fs.name
        endfor
        for r in standard_io_resources:resource[10]
        	erase r.start
        	erase r.name
        endfor
        for c in cpu_devs:cpu_dev*[12]
        	erase c.c_vendor
        	erase c.c_ident nullify
        endfor
        """, 16 * 20);

    private void ErasedAsDebian(string makedumpfileConfig, string dumpkitConfig, long leastErased)
    {
        var mdf = RealData.Tool("/usr/bin/makedumpfile");
        string kver = RealData.Kernel61;
        var vmcore = RealData.Kernel(kver, "vmcore.elf");
        var vmlinux = Vmlinux(kver);
        using var dir = new TempDir();
        File.WriteAllText(dir["mdf.conf"], makedumpfileConfig);
        File.WriteAllText(dir["dumpkit.conf"], dumpkitConfig);
        var d = RealData.Run(mdf, ["-d", "31", "-x", vmlinux, "--config", dir["mdf.conf"], vmcore, dir["debian"]]);
        Assert.True(d.ExitCode == 0, d.Out + d.Err);
        var r = Tools.Makedumpfile("-d", "31", "--config", dir["dumpkit.conf"], vmcore, dir["ours"]);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.DoesNotContain("Config error", r.Err);

        using var debian = DumpReader.Open(dir["debian"]);
        using var ours = DumpReader.Open(dir["ours"]);
        using var raw = DumpReader.Open(vmcore);
        Assert.Equal(debian.MaxPfn, ours.MaxPfn);
        var a = new byte[4096];
        var b = new byte[4096];
        var c = new byte[4096];
        long pages = 0, erasedBytes = 0;
        for (ulong pfn = 0; pfn < debian.MaxPfn; pfn++)
        {
            Assert.Equal(debian.GetPageState(pfn), ours.GetPageState(pfn));
            if (debian.GetPageState(pfn) != PageState.Present)
                continue;
            debian.ReadPage(pfn, a);
            ours.ReadPage(pfn, b);
            Assert.True(a.AsSpan().SequenceEqual(b), $"page frame 0x{pfn:x} differs from Debian's");
            raw.ReadPage(pfn, c);
            for (int i = 0; i < c.Length; i++)
                if (c[i] != b[i]) erasedBytes++;
            pages++;
        }
        output.WriteLine($"{pages} pages identical to Debian's, {erasedBytes} bytes erased");
        Assert.True(erasedBytes > leastErased, $"only {erasedBytes} bytes differ from the vmcore");

        // The eraseinfo blob after the pages: what was erased, in makedumpfile's words, byte for byte.
        var blob = Eraseinfo(dir["debian"]);
        output.WriteLine(System.Text.Encoding.ASCII.GetString(blob));
        Assert.NotEmpty(blob);
        Assert.Equal(blob, Eraseinfo(dir["ours"]));
    }

    /// <summary>
    /// A dump with eraseinfo refiltered keeps it ahead of what the new run erases, and a split set's files' eraseinfo is
    /// joined by --reassemble: the same blobs as Debian's makedumpfile makes from the same files.
    /// </summary>
    [SkippableFact]
    public void EraseinfoGoesOnThroughRefilteringAndReassemblyAsDebians()
    {
        var mdf = RealData.Tool("/usr/bin/makedumpfile");
        var vmcore = RealData.Kernel(RealData.Kernel61, "vmcore.elf");
        using var dir = new TempDir();
        File.WriteAllText(dir["dumpkit.conf"], DumpkitConfig);
        var r = Tools.Makedumpfile("-d", "1", "--config", dir["dumpkit.conf"], vmcore, dir["first"]);
        Assert.True(r.ExitCode == 0, r.Err);
        var first = Eraseinfo(dir["first"]);
        Assert.NotEmpty(first);

        var d = RealData.Run(mdf, ["-d", "31", dir["first"], dir["debian"]]);
        Assert.True(d.ExitCode == 0, d.Out + d.Err);
        r = Tools.Makedumpfile("-d", "31", dir["first"], dir["ours"]);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Equal(first, Eraseinfo(dir["debian"]));
        Assert.Equal(Eraseinfo(dir["debian"]), Eraseinfo(dir["ours"]));

        r = Tools.Makedumpfile("--split", "-d", "31", "--config", dir["dumpkit.conf"], vmcore, dir["part1"], dir["part2"]);
        Assert.True(r.ExitCode == 0, r.Err);
        d = RealData.Run(mdf, ["--reassemble", dir["part1"], dir["part2"], dir["debian-joined"]]);
        Assert.True(d.ExitCode == 0, d.Out + d.Err);
        r = Tools.Makedumpfile("--reassemble", dir["part1"], dir["part2"], dir["ours-joined"]);
        Assert.True(r.ExitCode == 0, r.Err);
        var joined = Eraseinfo(dir["debian-joined"]);
        output.WriteLine(System.Text.Encoding.ASCII.GetString(joined));
        Assert.Equal([.. Eraseinfo(dir["part1"]), .. Eraseinfo(dir["part2"])], joined);
        Assert.Equal(joined, Eraseinfo(dir["ours-joined"]));
    }

    /// <summary>The eraseinfo a kdump-compressed file's sub header points at (offset_eraseinfo, size_eraseinfo).</summary>
    internal static byte[] Eraseinfo(string path)
    {
        using var f = File.OpenRead(path);
        var block = new byte[4096 + Formats.Diskdump.DiskdumpSubHeader.Size];
        f.ReadExactly(block);
        int blockSize = Formats.Diskdump.DiskdumpHeader.Read(block).BlockSize;
        var sub = Formats.Diskdump.DiskdumpSubHeader.Read(block.AsSpan(blockSize));
        var blob = new byte[sub.SizeEraseinfo];
        if (blob.Length == 0)
            return blob;
        f.Position = sub.OffsetEraseinfo;
        f.ReadExactly(blob);
        return blob;
    }

    /// <summary>Each command's bytes, at the address and of the size drgn reads with the debug vmlinux; nothing else changed.</summary>
    [SkippableTheory]
    [MemberData(nameof(Kernels))]
    public void ErasesWhereDrgnSaysTheDataIs(string kver)
    {
        var drgn = RealData.Tool("/usr/bin/drgn");
        var vmcore = RealData.Kernel(kver, "vmcore.elf");
        var vmlinux = Vmlinux(kver);
        using var dir = new TempDir();
        File.WriteAllText(dir["q.py"], """
            from drgn import sizeof
            u = prog['init_uts_ns'].name
            print(hex(u.nodename.address_), sizeof(u.nodename))
            print(hex(prog['linux_banner'].address_))
            s = prog['saved_command_line']
            print(hex(s.value_()), len(s.string_()))
            print(hex(prog['init_task'].stack.address_))
            print(hex(u.machine.address_), int(prog['nr_cpu_ids']))
            """);
        var q = RealData.Run(drgn, ["-q", "-c", vmcore, "-s", vmlinux, dir["q.py"]]);
        Assert.True(q.ExitCode == 0, q.Err);
        var v = q.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).ToArray();
        static ulong N(string s) => s.StartsWith("0x") ? ulong.Parse(s[2..], NumberStyles.HexNumber) : ulong.Parse(s);
        var expected = new List<(ulong Address, int Length, byte Fill)>
        {
            (N(v[0][0]), (int)N(v[0][1]), (byte)'X'),
            (N(v[1][0]), 16, (byte)'X'),
            (N(v[2][0]), (int)N(v[2][1]), (byte)'X'),
            (N(v[3][0]), 8, 0),
            (N(v[4][0]), (int)N(v[4][1]), (byte)'X'),
        };
        File.WriteAllText(dir["dumpkit.conf"], DumpkitConfig);
        Assert.Equal(0, Tools.Makedumpfile("-c", "-d", "31", vmcore, dir["plain"]).ExitCode);
        var r = Tools.Makedumpfile("-c", "-d", "31", "--config", dir["dumpkit.conf"], vmcore, dir["erased"]);
        Assert.True(r.ExitCode == 0, r.Err);

        var plain = RealData.OpenMemory(dir["plain"]);
        var erased = RealData.OpenMemory(dir["erased"]);
        long mustDiffer = 0;
        foreach (var (address, length, fill) in expected)
        {
            var before = new byte[length];
            var after = new byte[length];
            Assert.True(plain.TryReadVirtual(address, before));
            Assert.True(erased.TryReadVirtual(address, after));
            Assert.All(after, x => Assert.Equal(fill, x));
            mustDiffer += before.Count(x => x != fill);
            var next = new byte[1];
            Assert.True(erased.TryReadVirtual(address + (ulong)length, next));
            var nextPlain = new byte[1];
            Assert.True(plain.TryReadVirtual(address + (ulong)length, nextPlain));
            Assert.Equal(nextPlain[0], next[0]);
        }
        long differ = 0;
        using (var p = DumpReader.Open(dir["plain"]))
        using (var e = DumpReader.Open(dir["erased"]))
        {
            var a = new byte[4096];
            var b = new byte[4096];
            for (ulong pfn = 0; pfn < p.MaxPfn; pfn++)
            {
                Assert.Equal(p.GetPageState(pfn), e.GetPageState(pfn));
                if (p.GetPageState(pfn) != PageState.Present) continue;
                p.ReadPage(pfn, a);
                e.ReadPage(pfn, b);
                for (int i = 0; i < a.Length; i++)
                    if (a[i] != b[i]) differ++;
            }
        }
        output.WriteLine($"{differ} bytes erased");
        Assert.True(mustDiffer > 0);
        Assert.Equal(mustDiffer, differ);
    }

    /// <summary>Mistakes are makedumpfile's "Config error at LINE" lines on stderr and the dump is still made, as makedumpfile does.</summary>
    [SkippableFact]
    public void ConfigErrorsAreReportedAndTheRestApplied()
    {
        var vmcore = RealData.Kernel(RealData.Kernel61, "vmcore.elf");
        using var dir = new TempDir();
        File.WriteAllText(dir["bad.conf"], """
            erase no_such_symbol_at_all size 8
            erase init_uts_ns:uts_namespace.name.no_member
            erase init_uts_ns.name.nodename
            erase init_uts_ns:no_such_type.x
            for t in init_task via tasks.next
                erase t.comm
            endfor
            [some_module]
            erase whatever
            [vmlinux]
            frobnicate linux_banner
            erase linux_banner size 4
            """);
        var r = Tools.Makedumpfile("-d", "31", "--message-level", "6", "--config", dir["bad.conf"], vmcore, dir["out"]);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Equal("""
            Config error at 1: Can't find symbol 'no_such_symbol_at_all'.
            Config error at 2: struct 'new_utsname' has no member with name 'no_member'.
            Config error at 3: the type of 'init_uts_ns' is unknown (the kernel's BTF has no types for globals): write init_uts_ns:TYPE.
            Config error at 4: type 'no_such_type' is not in the kernel's BTF.
            Config error at 5: expected member name after 'via' keyword.
            Config error at 11: Invalid token 'frobnicate'.

            """.Replace("\r\n", "\n"), r.Err);
        var mem = RealData.OpenMemory(dir["out"]);
        var banner = new byte[6];
        Assert.True(mem.TryReadVirtual(Dumpkit.Kernel.Kallsyms.KallsymsTable.Load(mem).AddressOf("linux_banner")!.Value, banner));
        Assert.Equal("XXXXx "u8.ToArray(), banner); // "Linux version ..." with its first 4 bytes erased
    }

    [Fact]
    public void EndlessOrMissingConfigIsOneLine()
    {
        using var dir = new TempDir();
        new SyntheticVmcore().WriteTo(dir.Path);
        var r = Tools.Makedumpfile("--config", "/dev/zero", dir["vmcore.elf"], dir["out"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("Can't read config file(/dev/zero). It is larger than 1 MiB.\n", r.Err);
        r = Tools.Makedumpfile("--config", dir["none.conf"], dir["vmcore.elf"], dir["out"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"Can't open config file({dir["none.conf"]}). No such file or directory\n", r.Err);
        Assert.False(File.Exists(dir["out"]));
    }
}
