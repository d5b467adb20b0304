// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kdump.Initrd;

namespace Dumpkit.Kdump.Tests.Initrd;

public class ElfDependenciesTests
{
    /// <summary>The shared objects we copy for a dynamic program are the ones ldd says the loader maps (by name).</summary>
    [SkippableTheory]
    [InlineData("/usr/bin/ls")]
    [InlineData("/usr/bin/gzip")]
    [InlineData("/usr/bin/cpio")]
    public void SameLibrariesAsLdd(string program)
    {
        Skip.IfNot(File.Exists(program) && File.Exists("/usr/bin/ldd"), $"{program} or ldd missing");
        var ldd = RealData.Run("/usr/bin/ldd", [program]);
        Skip.If(ldd.ExitCode != 0, "ldd failed");
        var theirs = ldd.Out.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("linux-vdso", StringComparison.Ordinal))
            .Select(l => Path.GetFileName(l.Split(' ')[0])).Order(StringComparer.Ordinal);
        var missing = new List<string>();
        var ours = ElfDependencies.Closure(program, missing);
        Assert.Empty(missing);
        Assert.Equal(theirs, ours.Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.All(ours, p => Assert.True(File.Exists(p), p));
        Assert.Contains("ld-linux", ours[0], StringComparison.Ordinal);
    }

    [SkippableFact]
    public void StaticBusyboxNeedsNothing()
    {
        Skip.IfNot(File.Exists("/bin/busybox"), "busybox-static is not installed");
        var (interp, needed) = ElfDependencies.Read(File.ReadAllBytes("/bin/busybox"));
        var file = RealData.TryRun("/usr/bin/file", "-L", "/bin/busybox");
        Skip.If(file is null, "file(1) is not installed");
        Assert.Equal(file.Out.Contains("statically linked", StringComparison.Ordinal), interp is null && needed.Count == 0);
    }

    [Fact]
    public void NotAnElfFile() => Assert.Throws<InvalidDataException>(() => ElfDependencies.Read(new byte[100]));
}
