// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kdump.Initrd;

namespace Dumpkit.Kdump.Tests.Initrd;

public class KernelModulesTests
{
    // a modules.dep as depmod writes it: every module's whole closure, the module needed last first
    private const string Dep = """
        kernel/fs/ext4/ext4.ko.xz: kernel/lib/crc16.ko.xz kernel/fs/mbcache.ko.xz kernel/fs/jbd2/jbd2.ko.xz
        kernel/lib/crc16.ko.xz:
        kernel/fs/mbcache.ko.xz:
        kernel/fs/jbd2/jbd2.ko.xz:
        kernel/crypto/crc32c_generic.ko.xz:
        kernel/arch/x86/crypto/crc32c-intel.ko.xz:
        kernel/drivers/block/virtio_blk.ko.xz: kernel/drivers/virtio/virtio_ring.ko.xz
        kernel/drivers/virtio/virtio_ring.ko.xz:
        kernel/drivers/scsi/sd_mod.ko.xz: kernel/drivers/scsi/scsi_common.ko.xz kernel/drivers/scsi/scsi_mod.ko.xz
        kernel/drivers/scsi/scsi_mod.ko.xz: kernel/drivers/scsi/scsi_common.ko.xz
        kernel/drivers/scsi/scsi_common.ko.xz:
        """;
    private const string Builtin = "kernel/drivers/virtio/virtio_pci.ko\nkernel/drivers/virtio/virtio.ko\n";
    private const string Alias = """
        # Aliases extracted from modules themselves.
        alias fs-ext4 ext4
        alias crypto-crc32c crc32c_intel
        alias crypto-crc32c crc32c_generic
        alias pci:v00001AF4d00001042sv*sd*bc*sc*i* virtio_blk
        """;
    private const string Softdep = "softdep ext4 pre: crypto-crc32c\nsoftdep jbd2 pre: crypto-crc32c\n";

    private static KernelModules Index() => KernelModules.Parse(Dep, Builtin, Alias, Softdep);

    private static Dictionary<string, string[]> Deps() => Dep.Split('\n').Where(l => l.Contains(':'))
        .ToDictionary(l => l[..l.IndexOf(':')], l => l[(l.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries));

    [Fact]
    public void EveryModuleComesAfterWhatItNeedsAndOnlyOnce()
    {
        var missing = new List<string>();
        var order = Index().Closure(["virtio_pci", "virtio_blk", "fs-ext4", "sd_mod"], missing);
        Assert.Empty(missing);
        Assert.Equal(order.Count, order.Distinct().Count());
        var deps = Deps();
        foreach (var m in order)
            foreach (var d in deps[m])
                Assert.True(order.IndexOf(d) < order.IndexOf(m), $"{d} must come before {m}");
        // the soft dependency (crc32c, through its alias, both providers) before ext4 and jbd2
        int ext4 = order.IndexOf("kernel/fs/ext4/ext4.ko.xz"), jbd2 = order.IndexOf("kernel/fs/jbd2/jbd2.ko.xz");
        foreach (var crc in new[] { "kernel/crypto/crc32c_generic.ko.xz", "kernel/arch/x86/crypto/crc32c-intel.ko.xz" })
            Assert.InRange(order.IndexOf(crc), 0, Math.Min(ext4, jbd2) - 1);
        // built-in modules are not files to load; device-pattern aliases are not names
        Assert.Equal(9 + 2, order.Count);
        Assert.DoesNotContain(order, m => m.Contains("virtio_pci", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownNamesAreReportedDashAndUnderscoreAreTheSame()
    {
        var missing = new List<string>();
        var order = Index().Closure(["no_such_module", "crc32c-generic", "pci:v00001AF4d00001042sv*sd*bc*sc*i*"], missing);
        Assert.Equal(["no_such_module", "pci:v00001AF4d00001042sv*sd*bc*sc*i*"], missing);
        Assert.Equal(["kernel/crypto/crc32c_generic.ko.xz"], order);
        Assert.Equal("crc32c_intel", KernelModules.NameOf("kernel/arch/x86/crypto/crc32c-intel.ko.xz"));
        Assert.True(Index().IsBuiltin("virtio-pci"));
    }

    /// <summary>On a real Debian kernel's module tree, the modules we load are the ones kmod's modprobe --show-depends
    /// inserts (same set, soft dependencies included; it names some twice), the module asked for last.</summary>
    [SkippableTheory]
    [InlineData("ext4")]
    [InlineData("virtio_blk")]
    [InlineData("sd_mod")]
    [InlineData("nfsv4")]
    [InlineData("nfsv3")]
    [InlineData("virtio_net")]
    [InlineData("e1000")]
    public void SameModulesAsModprobe(string module)
    {
        var kernels = LabKernels();
        Skip.If(kernels.Count == 0, "no lab kernels (DUMPKIT_QEMU_DUMPS/../kernels)");
        Skip.IfNot(File.Exists("/usr/sbin/modprobe") || File.Exists("/sbin/modprobe"), "kmod is not installed");
        foreach (var (root, kver) in kernels)
        {
            string dir = Path.Combine(root, "lib/modules", kver);
            var ours = KernelModules.Load(dir).Closure([module], []).Select(f => Path.Combine(dir, f)).ToList();
            var r = RealData.Run(File.Exists("/usr/sbin/modprobe") ? "/usr/sbin/modprobe" : "/sbin/modprobe",
                ["-d", root, "-S", kver, "--show-depends", module]);
            Assert.Equal(0, r.ExitCode);
            var theirs = r.Out.Split('\n').Where(l => l.StartsWith("insmod ", StringComparison.Ordinal))
                .Select(l => Path.GetFullPath(l.Split(' ')[1])).Distinct().ToList();
            Assert.Equal(theirs.Order(StringComparer.Ordinal), ours.Order(StringComparer.Ordinal));
            Assert.Equal(Path.Combine(dir, KernelModules.Load(dir).Closure([module], []).Last()), theirs.Last());
        }
    }

    internal static List<(string Root, string Kver)> LabKernels()
    {
        var qemu = Environment.GetEnvironmentVariable("DUMPKIT_QEMU_DUMPS");
        var list = new List<(string, string)>();
        if (string.IsNullOrEmpty(qemu)) return list;
        string kernels = Path.Combine(Path.GetDirectoryName(qemu.TrimEnd('/'))!, "kernels");
        if (!Directory.Exists(kernels)) return list;
        foreach (var k in Directory.GetDirectories(kernels).Order(StringComparer.Ordinal))
            if (File.Exists(Path.Combine(k, "lib/modules", Path.GetFileName(k), "modules.dep")))
                list.Add((k, Path.GetFileName(k)));
        return list;
    }
}
