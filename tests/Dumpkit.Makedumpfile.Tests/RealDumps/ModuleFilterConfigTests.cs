// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace Dumpkit.Makedumpfile.Tests.RealDumps;

/// <summary>
/// <c>[module]</c> sections of <c>--config</c> on the corpus dumps: symbols from the module's kallsyms, types from its split
/// BTF. Debian has no module debug files, so makedumpfile cannot run these sections; drgn with the debug vmlinux is the
/// oracle instead: it walks the modules list and each module's kallsyms symtab itself, and reads the pointers and strings
/// with vmlinux's types (a module's own struct is read through the vmlinux struct that is its first member).
/// </summary>
public class ModuleFilterConfigTests(ITestOutputHelper output)
{
    public static TheoryData<string> Kernels() => [.. RealData.Kernels];

    /// <summary>
    /// virtio_driver (include/linux/virtio.h; in 6.1 only virtio_blk's BTF has it) and fw_cfg_sysfs_attribute
    /// (drivers/firmware/qemu_fw_cfg.c, the module's own) come from the modules' split BTF; the last section names a module
    /// the dumps do not hold: makedumpfile passes over its lines without a word, mistakes and all.
    /// </summary>
    private const string Config = """
        [virtio_blk]
        erase major size 4
        erase virtio_blk:virtio_driver.driver.name
        erase virtblk_fops:block_device_operations.owner nullify
        [qemu_fw_cfg]
        erase fw_cfg_sysfs_attr_name:fw_cfg_sysfs_attribute.attr.name
        erase fw_cfg_sysfs_attr_key:fw_cfg_sysfs_attribute.show nullify
        erase fw_cfg_sysfs_attr_size:fw_cfg_sysfs_attribute.attr.name size fw_cfg_rev:u32
        [no_such_module]
        erase whatever size 8
        frobnicate
        """;

    /// <summary>What makedumpfile's eraseinfo names each command by: the expression without dumpkit's types.</summary>
    private static readonly string[] Expressions =
    [
        "major", "virtio_blk.driver.name", "virtblk_fops.owner", "fw_cfg_sysfs_attr_name.attr.name",
        "fw_cfg_sysfs_attr_key.show", "fw_cfg_sysfs_attr_size.attr.name",
    ];

    /// <summary>Each erase as drgn finds it: address, length, fill ('X' or 0), one line each, in the config's order.</summary>
    private const string DrgnScript = """
        from drgn import Object, sizeof
        from drgn.helpers.linux.list import list_for_each_entry
        want = {'virtio_blk': ['major', 'virtio_blk', 'virtblk_fops'],
                'qemu_fw_cfg': ['fw_cfg_sysfs_attr_name', 'fw_cfg_sysfs_attr_key', 'fw_cfg_sysfs_attr_size', 'fw_cfg_rev']}
        at = {}
        for mod in list_for_each_entry('struct module', prog['modules'].address_of_(), 'list'):
            name = mod.name.string_().decode()
            if name not in want:
                continue
            ks = mod.kallsyms
            strtab = ks.strtab.value_()
            for i in range(1, int(ks.num_symtab)):
                sym = ks.symtab[i]
                s = prog.read(strtab + int(sym.st_name), 64).split(b'\0')[0].decode()
                if s in want[name] and s not in at:
                    at[s] = int(sym.st_value)
        def cstr(p):
            return len(prog.read(p, 1024).split(b'\0')[0])
        def string_at(struct, sym):
            p = Object(prog, struct, address=at[sym]).name.value_()
            return p, cstr(p)
        print(hex(at['major']), 4, 88)
        p, n = string_at('struct device_driver', 'virtio_blk')
        print(hex(p), n, 88)
        print(hex(Object(prog, 'struct block_device_operations', address=at['virtblk_fops']).owner.address_), 8, 0)
        p, n = string_at('struct attribute', 'fw_cfg_sysfs_attr_name')
        print(hex(p), n, 88)
        print(hex(at['fw_cfg_sysfs_attr_key'] + sizeof(prog.type('struct attribute'))), 8, 0)
        p, n = string_at('struct attribute', 'fw_cfg_sysfs_attr_size')
        print(hex(p), int(Object(prog, 'u32', address=at['fw_cfg_rev'])), 88)
        """;

    [SkippableTheory]
    [MemberData(nameof(Kernels))]
    public void ModuleSectionsEraseWhereDrgnSaysTheModulesDataIs(string kver)
    {
        var drgn = RealData.Tool("/usr/bin/drgn");
        var vmcore = RealData.Kernel(kver, "vmcore.elf");
        var vmlinux = FilterConfigTests.Vmlinux(kver);
        using var dir = new TempDir();
        File.WriteAllText(dir["q.py"], DrgnScript);
        var q = RealData.Run(drgn, ["-q", "-c", vmcore, "-s", vmlinux, dir["q.py"]]);
        Assert.True(q.ExitCode == 0, q.Err);
        static ulong N(string s) => s.StartsWith("0x") ? ulong.Parse(s[2..], NumberStyles.HexNumber) : ulong.Parse(s);
        var expected = q.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' '))
            .Select(v => (Address: N(v[0]), Length: (int)N(v[1]), Fill: (byte)N(v[2]))).ToList();
        Assert.Equal(Expressions.Length, expected.Count);

        File.WriteAllText(dir["modules.conf"], Config);
        Assert.Equal(0, Tools.Makedumpfile("-c", "-d", "31", vmcore, dir["plain"]).ExitCode);
        var r = Tools.Makedumpfile("-c", "-d", "31", "--config", dir["modules.conf"], vmcore, dir["erased"]);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.DoesNotContain("Config error", r.Err);

        var plain = RealData.OpenMemory(dir["plain"]);
        var erased = RealData.OpenMemory(dir["erased"]);
        long mustDiffer = 0;
        foreach (var (address, length, fill) in expected)
        {
            var before = new byte[length + 1];
            var after = new byte[length + 1];
            Assert.True(plain.TryReadVirtual(address, before));
            Assert.True(erased.TryReadVirtual(address, after));
            Assert.All(after[..length], x => Assert.Equal(fill, x));
            Assert.Equal(before[length], after[length]);
            mustDiffer += before[..length].Count(x => x != fill);
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
        output.WriteLine($"{kver}: {differ} bytes erased");
        Assert.True(mustDiffer > 0);
        Assert.Equal(mustDiffer, differ);

        // makedumpfile's eraseinfo lines (erase_info.c: "erase %s size %ld\n", "erase %s nullify\n").
        var lines = new StringBuilder();
        for (int i = 0; i < expected.Count; i++)
            lines.Append("erase ").Append(Expressions[i]).Append(expected[i].Fill == 0 ? " nullify\n" : $" size {expected[i].Length}\n");
        var blob = Encoding.ASCII.GetString(FilterConfigTests.Eraseinfo(dir["erased"]));
        output.WriteLine(blob);
        Assert.Equal(lines.ToString(), blob);
    }
}
