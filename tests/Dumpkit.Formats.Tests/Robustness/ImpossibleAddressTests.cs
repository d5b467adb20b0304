// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using static Dumpkit.Formats.Tests.Robustness.BinaryRun;

namespace Dumpkit.Formats.Tests.Robustness;

/// <summary>
/// An ELF vmcore whose PT_LOAD lies beyond what the machine can address (MAX_PHYSMEM_BITS; 46 on x86-64 without
/// 5-level paging) is refused in one line before anything is written: at 2^48 it made a 17 GB file, past 2^59
/// (2^47 frames) the page count overflowed.
/// </summary>
public class ImpossibleAddressTests
{
    [SkippableTheory]
    [InlineData(48, "")]
    [InlineData(59, "")]
    [InlineData(48, "-E")]
    [InlineData(47, "")]
    public void MakedumpfileRefusesMemoryBeyondMaxPhysmemBits(int bit, string extra)
    {
        var bin = Binary();
        using var dir = new TempDir();
        var vm = new SyntheticVmcore();
        vm.Segments.Add((1UL << bit, 0x2000, 0x2000));
        var input = vm.WriteTo(dir.Path);
        string[] args = extra == "-E" ? ["makedumpfile", "-E", "-d", "31", input, dir["out"]] : ["makedumpfile", "-c", "-d", "31", input, dir["out"]];
        var r = Run(bin, args);
        Assert.Null(Defect(r));
        Assert.Equal(1, r.Status);
        Assert.Contains($"memory at physical address 0x{1UL << bit:x} (0x2000 bytes) is beyond MAX_PHYSMEM_BITS=46", r.Err);
        Assert.False(File.Exists(dir["out"]) && new FileInfo(dir["out"]).Length > new FileInfo(input).Length);
    }
}
