// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats.IO;

namespace Dumpkit.Formats.Tests;

public class MappedReadTests
{
    [Fact]
    public void MappingReadsWhatPreadReads()
    {
        var vm = new SyntheticVmcore();
        using var dir = new TempDir();
        var path = vm.WriteTo(dir.Path);
        using var mapped = MappedRandomAccess.TryOpen(path);
        Assert.NotNull(mapped);
        using var plain = new FileRandomAccess(path);
        Assert.Equal(plain.Length, mapped!.Length);
        var rng = new Random(3);
        var a = new byte[9000];
        var b = new byte[9000];
        for (int i = 0; i < 500; i++)
        {
            long at = rng.NextInt64(-10, plain.Length + 100);
            int n = rng.Next(0, a.Length);
            int ra = mapped.Read(at, a.AsSpan(0, n)), rb = at < 0 ? 0 : plain.Read(at, b.AsSpan(0, n));
            Assert.Equal(rb, ra);
            Assert.True(a.AsSpan(0, ra).SequenceEqual(b.AsSpan(0, rb)));
        }
        using var dump = new Elf.ElfDumpReader(mapped);
        var page = new byte[4096];
        foreach (var pfn in vm.Frames().Where(vm.HasData))
        {
            dump.ReadPage(pfn, page);
            Assert.True(vm.ExpectedPage(pfn).AsSpan().SequenceEqual(page));
        }
    }

    [Fact]
    public void EmptyFilesAreNotMapped()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir["empty"], []);
        Assert.Null(MappedRandomAccess.TryOpen(dir["empty"]));
    }
}
