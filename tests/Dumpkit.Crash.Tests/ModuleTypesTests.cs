// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text.RegularExpressions;
using Dumpkit.Kernel.Modules;
using Dumpkit.Testing;

namespace Dumpkit.Crash.Tests;

/// <summary>
/// <c>struct</c> of a type only a module defines (<c>virtio_blk</c>'s <c>struct virtio_blk</c>), from the module's own split
/// BTF in the dump. Oracles: pahole (Debian's dwarves) reading the same split BTF against vmlinux's, written out raw from the
/// dump, and, where the lab holds the kernel's modules, the <c>.ko</c> file itself; the values are <c>rd</c>'s words at
/// pahole's offsets of the live <c>struct virtio_blk</c> found from the module's driver through its device list.
/// </summary>
public class ModuleTypesTests
{
    public static TheoryData<string, string> Dumps => new()
    {
        { "vmcores", RealData.Kernel61 }, { "vmcores", RealData.Kernel612 },
        { "crash-dumps", RealData.CrashKernel61 }, { "crash-dumps", RealData.CrashKernel612 },
    };

    private sealed record Member(string Declaration, ulong Offset, ulong Size);

    private sealed class Fixture : IDisposable
    {
        private readonly StringWriter _out = new() { NewLine = "\n" };
        public CrashSession Session { get; }
        public TempDir Dir { get; } = new();
        public string Base { get; }
        public string Split { get; }

        public Fixture(string kind, string kver)
        {
            RealData.Tool("/usr/bin/pahole");
            var dump = kind == "vmcores" ? RealData.Kernel(kver, "vmcore.elf") : RealData.CrashDump(kver, "vmcore.elf");
            Session = new CrashSession(RealData.OpenMemory(dump), dump, null, _out);
            var s = Session;
            ulong start = s.Symbols.AddressOf("__start_BTF")!.Value, stop = s.Symbols.AddressOf("__stop_BTF")!.Value;
            var vmlinux = new byte[stop - start];
            Assert.True(s.Memory.TryReadVirtual(start, vmlinux));
            Base = Path.Combine(Dir.Path, "vmlinux.btf");
            File.WriteAllBytes(Base, vmlinux);
            var module = s.Modules.Modules.Single(m => m.Name == "virtio_blk");
            var owners = ModuleBtf.Owners(s.Memory, s.Symbols, s.Types);
            Split = Path.Combine(Dir.Path, "virtio_blk.btf");
            File.WriteAllBytes(Split, ModuleBtf.ReadSplit(s.Memory, s.Types, module.Name, owners[module.Struct]));
        }

        public string Run(string line)
        {
            int at = _out.GetStringBuilder().Length;
            Session.Execute(line);
            return _out.ToString()[at..];
        }

        public void Dispose()
        {
            Session.Dispose();
            Dir.Dispose();
        }
    }

    /// <summary>pahole's top-level members of a struct (declaration without blanks, offset, size) and its size.</summary>
    private static (List<Member> Members, ulong Size) Pahole(string type, params string[] files)
    {
        var args = new List<string> { "-F", "btf" };
        if (files.Length > 1) args.AddRange(["--btf_base", files[0]]);
        args.AddRange(["-C", type, files[^1]]);
        var r = RealData.Run("/usr/bin/pahole", args);
        Assert.True(r.ExitCode == 0 && r.Out.Length > 0, $"pahole {string.Join(' ', args)}: {r.Err}");
        var members = new List<Member>();
        foreach (Match m in Regex.Matches(r.Out, @"^\t([^\t/][^;]*);\s+/\*\s+(\d+)\s+(\d+)\s+\*/$", RegexOptions.Multiline))
            members.Add(new(Normal(m.Groups[1].Value), ulong.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
                ulong.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)));
        var size = Regex.Match(r.Out, @"/\* size: (\d+),");
        Assert.True(size.Success, r.Out);
        return (members, ulong.Parse(size.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>A declaration with its blanks as one, none after a <c>*</c>: pahole's <c>struct gendisk *     disk</c> as gdb's.</summary>
    private static string Normal(string declaration) => Regex.Replace(Regex.Replace(declaration.Trim(), @"\s+", " "), @"\* ", "*");

    private static Member Named(List<Member> members, string name) =>
        members.Single(m => Regex.IsMatch(m.Declaration, $@"[ *]{Regex.Escape(name)}(\[\d+\])?$"));

    private static ulong Offset(List<Member> members, string name) => Named(members, name).Offset;

    /// <summary>Our <c>struct TYPE -o</c> as pahole's members and size.</summary>
    private static (List<Member> Members, ulong Size) Ours(Fixture f, string type)
    {
        var text = f.Run($"struct {type} -o");
        var members = Regex.Matches(text, @"^ *\[(\d+)\] (.*);$", RegexOptions.Multiline)
            .Select(m => new Member(Normal(m.Groups[2].Value), ulong.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), 0))
            .ToList();
        var size = Regex.Match(text, @"^SIZE: (\d+)$", RegexOptions.Multiline);
        Assert.True(size.Success, text);
        Assert.StartsWith($"struct {type} {{\n", text);
        return (members, ulong.Parse(size.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    [SkippableTheory]
    [MemberData(nameof(Dumps))]
    public void ModuleStructLayoutIsPaholesReadingOfTheModulesBtfInTheDump(string kind, string kver)
    {
        using var f = new Fixture(kind, kver);
        foreach (var type in new[] { "virtio_blk", "virtio_blk_vq" })
        {
            var (theirs, theirSize) = Pahole(type, f.Base, f.Split);
            var (ours, ourSize) = Ours(f, type);
            Assert.True(theirs.Count >= 3, type);
            Assert.Equal(theirs.Select(m => (m.Declaration, m.Offset)), ours.Select(m => (m.Declaration, m.Offset)));
            Assert.Equal(theirSize, ourSize);
            // Without -o: the same declarations, gdb's ptype layout.
            var plain = f.Run($"struct {type}").Split('\n');
            Assert.Equal($"struct {type} {{", plain[0]);
            Assert.Equal(ours.Select(m => m.Declaration), plain.Skip(1).TakeWhile(l => l != "}").Select(l => Normal(l.TrimEnd(';'))));
            Assert.Equal($"SIZE: {ourSize}", plain[1 + ours.Count + 1]);
        }
        // A name no module defines, and a module's struct asked for as a union, stay unknown as in crash.
        Assert.Equal("struct: invalid data structure reference: no_such_type_anywhere\n", f.Run("struct no_such_type_anywhere"));
        Assert.Equal("union: invalid data structure reference: virtio_blk\n", f.Run("union virtio_blk"));
        Assert.Equal("struct: invalid data structure reference: virtio_blk.no_such_member\n", f.Run("struct virtio_blk.no_such_member"));
    }

    private static ulong Word(Fixture f, ulong address)
    {
        var text = f.Run($"rd {address:x}");
        var m = Regex.Match(text, @"^([0-9a-f]+):  ([0-9a-f]{16}) ");
        Assert.True(m.Success && ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) == address, text);
        return ulong.Parse(m.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    private static uint Word32(Fixture f, ulong address)
    {
        var text = f.Run($"rd -32 {address:x}");
        var m = Regex.Match(text, @"^[0-9a-f]+:  ([0-9a-f]{8}) ");
        Assert.True(m.Success, text);
        return uint.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    [SkippableTheory]
    [MemberData(nameof(Dumps))]
    public void ModuleStructValuesAreTheWordsAtPaholesOffsets(string kind, string kver)
    {
        using var f = new Fixture(kind, kver);
        List<Member> Base(string type) => Pahole(type, f.Base, f.Split).Members;
        // The module's driver (kallsyms) -> driver_private -> klist_devices -> device_private -> device -> virtio_device -> priv.
        var sym = Regex.Match(f.Run("sym virtio_blk"), @"^([0-9a-f]+) \(.\) virtio_blk \[virtio_blk\]$", RegexOptions.Multiline);
        Assert.True(sym.Success);
        ulong driver = ulong.Parse(sym.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        ulong priv = Word(f, driver + Offset(Base("virtio_driver"), "driver") + Offset(Base("device_driver"), "p"));
        ulong head = priv + Offset(Base("driver_private"), "klist_devices") + Offset(Base("klist"), "k_list");
        ulong node = Word(f, head);
        Assert.NotEqual(head, node);
        var devicePrivate = Base("device_private");
        ulong dp = node - Offset(devicePrivate, "knode_driver") - Offset(Base("klist_node"), "n_node");
        var virtioDevice = Base("virtio_device");
        ulong vdev = Word(f, dp + Offset(devicePrivate, "device")) - Offset(virtioDevice, "dev");
        ulong vblk = Word(f, vdev + Offset(virtioDevice, "priv"));

        var (members, _) = Pahole("virtio_blk", f.Base, f.Split);
        var text = f.Run($"struct virtio_blk {vblk:x}");
        Assert.StartsWith("struct virtio_blk {\n", text);
        int compared = 0;
        foreach (Match m in Regex.Matches(text, @"^  (\w+) = (0x[0-9a-f]+|-?\d+)(?: <[^>]+>)?,?$", RegexOptions.Multiline))
        {
            var member = Named(members, m.Groups[1].Value);
            ulong at = vblk + member.Offset;
            if (m.Groups[2].Value.StartsWith("0x", StringComparison.Ordinal))
            {
                Assert.Equal(8UL, member.Size);
                Assert.Equal(Word(f, at), ulong.Parse(m.Groups[2].Value[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
            else
            {
                Assert.Equal(4UL, member.Size);
                Assert.Equal(Word32(f, at), unchecked((uint)int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)));
            }
            compared++;
        }
        Assert.True(compared >= 5, text);
        // The struct is the live one: its device points back at it, and so does its disk.
        Assert.Contains($"\n  vdev = 0x{vdev:x},\n", text);
        ulong disk = Word(f, vblk + Offset(members, "disk"));
        Assert.Equal(vblk, Word(f, disk + Offset(Base("gendisk"), "private_data")));
        // Members named, as crash prints them out of the whole value.
        Assert.Equal($"  vdev = 0x{vdev:x},\n  disk = 0x{disk:x},\n", f.Run($"struct virtio_blk.vdev,disk {vblk:x}"));
    }

    /// <summary>The lab's copy of the kernel's modules (tests/lab): DUMPKIT_DATA/lab/kernels/KVER, else beside DUMPKIT_QEMU_DUMPS.</summary>
    private static string LabModule(string kver, string module)
    {
        var roots = new List<string>();
        var data = Environment.GetEnvironmentVariable("DUMPKIT_DATA");
        roots.Add(Path.Combine(string.IsNullOrEmpty(data) ? "/tmp/dumpkit-data" : data, "lab", "kernels"));
        if (Environment.GetEnvironmentVariable("DUMPKIT_QEMU_DUMPS") is { Length: > 0 } q && Path.GetDirectoryName(q.TrimEnd('/')) is string lab)
            roots.Add(Path.Combine(lab, "kernels"));
        foreach (var root in roots)
            foreach (var ext in new[] { ".ko", ".ko.xz" })
            {
                var p = Path.Combine(root, kver, "lib", "modules", kver, "kernel", module + ext);
                if (File.Exists(p)) return p;
            }
        Skip.If(true, $"no {module}.ko of {kver} in the lab (tests/lab fetches the kernels)");
        return "";
    }

    [SkippableTheory]
    [InlineData(RealData.CrashKernel61)]
    [InlineData(RealData.CrashKernel612)]
    public void ModuleStructLayoutIsPaholesReadingOfTheKoFile(string kver)
    {
        var ko = LabModule(kver, "drivers/block/virtio_blk");
        using var f = new Fixture("crash-dumps", kver);
        if (ko.EndsWith(".xz", StringComparison.Ordinal))
        {
            RealData.Tool("/usr/bin/xz");
            var plain = Path.Combine(f.Dir.Path, "virtio_blk.ko");
            var r = RealData.Run("/usr/bin/xz", ["-dc", ko], stdoutFile: plain);
            Assert.Equal(0, r.ExitCode);
            ko = plain;
        }
        foreach (var type in new[] { "virtio_blk", "virtio_blk_vq" })
        {
            var (theirs, theirSize) = Pahole(type, f.Base, ko);
            var (ours, ourSize) = Ours(f, type);
            Assert.Equal(theirs.Select(m => (m.Declaration, m.Offset)), ours.Select(m => (m.Declaration, m.Offset)));
            Assert.Equal(theirSize, ourSize);
        }
    }
}
