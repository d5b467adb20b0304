// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kernel.Tests;

public class RealDumpDmesgTests
{
    [SkippableTheory]
    [InlineData(RealData.Kernel61)]
    [InlineData(RealData.Kernel612)]
    public void DmesgMatchesUpstream(string kernel)
    {
        var expected = File.ReadAllBytes(RealData.Kernel(kernel, "mdf-dmesg.txt"));
        var (dump, info) = RealData.OpenVmcore(kernel);
        using (dump)
        {
            var actual = Dmesg.Extract(dump, info, partial: false);
            int firstDiff = 0;
            while (firstDiff < Math.Min(actual.Length, expected.Length) && actual[firstDiff] == expected[firstDiff]) firstDiff++;
            Assert.True(actual.AsSpan().SequenceEqual(expected),
                $"{kernel}: {actual.Length} bytes vs upstream {expected.Length}; first difference at byte {firstDiff}: " +
                $"ours '{System.Text.Encoding.ASCII.GetString(actual, firstDiff, Math.Min(80, actual.Length - firstDiff))}'");
            Assert.Contains("LAB-MARKER kdump-lab", System.Text.Encoding.ASCII.GetString(actual));
        }
    }

    [SkippableTheory]
    [InlineData(RealData.Kernel61)]
    [InlineData(RealData.Kernel612)]
    // Nobody ran `dmesg -c` in these guests (clear_seq = 0); makedumpfile 1.7.2's --partial-dmesg output
    // equals its full output on both dumps, so ours must equal the full upstream log too.
    public void PartialDmesgWithoutClearIsTheFullLog(string kernel)
    {
        var (dump, info) = RealData.OpenVmcore(kernel);
        using (dump)
        {
            var full = Dmesg.Extract(dump, info, partial: false);
            var part = Dmesg.Extract(dump, info, partial: true);
            Assert.True(part.AsSpan().SequenceEqual(full), $"partial {part.Length} bytes, full {full.Length} bytes");
        }
    }
}
