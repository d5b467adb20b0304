// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;

namespace Dumpkit.Kernel.Tests;

public class BtfRealDumpTests
{
    [SkippableTheory]
    // Type counts measured on the corpus dumps (../shared/reference/crash.md §3).
    [InlineData(RealData.Kernel61, 100_750)]
    [InlineData(RealData.Kernel612, 112_768)]
    public void EveryVmcoreinfoOffsetSizeAndLengthAgreesWithBtf(string kernel, int types)
    {
        var mem = RealData.OpenMemory(RealData.Kernel(kernel, "vmcore.elf"));
        using var _ = mem.Dump;
        var btf = BtfTypes.Load(mem.TryReadVirtual, KallsymsTable.Load(mem));
        Assert.Equal(types, btf.Count - 1);
        int checkedKeys = 0;
        var wrong = new List<string>();
        foreach (var (key, value) in mem.Info.Entries)
        {
            if (!long.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out long expected))
                continue;
            if (key.StartsWith("OFFSET(", StringComparison.Ordinal))
            {
                var m = btf.MemberPath(key[7..^1]);
                if (m?.ByteOffset != (ulong)expected) wrong.Add($"{key}={value}, BTF {m?.ByteOffset}");
            }
            else if (key.StartsWith("SIZE(", StringComparison.Ordinal))
            {
                var t = btf.FindType(key[5..^1]);
                if (t is null || btf.SizeOf(t.Value) != (ulong)expected) wrong.Add($"{key}={value}, BTF {(t is int id ? btf.SizeOf(id) : null)}");
            }
            else if (key.StartsWith("LENGTH(", StringComparison.Ordinal) && key.Contains('.'))
            {
                var m = btf.MemberPath(key[7..^1]);
                var n = m is { } x && btf.Kind(btf.Strip(x.Type)) == BtfKind.Array ? btf.Array(btf.Strip(x.Type)).Count : (uint?)null;
                if (n != expected) wrong.Add($"{key}={value}, BTF {n}");
            }
            else continue;
            checkedKeys++;
        }
        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
        Assert.True(checkedKeys >= 40, $"only {checkedKeys} keys checked");
        // A member inside an anonymous struct (the reference's example).
        Assert.NotNull(btf.MemberPath("mm_struct.total_vm"));
        BtfTests.WalkEverything(btf);
    }
}
