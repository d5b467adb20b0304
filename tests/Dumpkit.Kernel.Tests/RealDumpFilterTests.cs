// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Mm;
using System.Text;
using Dumpkit.Formats;
using Dumpkit.Formats.Diskdump;

namespace Dumpkit.Kernel.Tests;

public class RealDumpFilterTests
{
    public static TheoryData<string, int> Cases()
    {
        var d = new TheoryData<string, int>();
        foreach (var k in new[] { RealData.Kernel61, RealData.Kernel612 })
            foreach (var l in new[] { 2, 4, 8, 16, 31 })
                d.Add(k, l);
        return d;
    }

    internal static (PfnBitmap Bitmap, PageFilter Filter, string Warnings) Filter(string kernel, int level, bool wholeRange = false)
    {
        var (dump, info) = RealData.OpenVmcore(kernel);
        using (dump)
        {
            var bitmap = new PfnBitmap(dump.MaxPfn);
            foreach (var r in dump.RamRanges())
                bitmap.SetRange(r.Start, r.End);
            var warnings = new StringWriter();
            var filter = PageFilter.Create(dump, info, (DumpLevel)level, warnings);
            if (wholeRange)
                filter.Exclude(0, dump.MaxPfn, bitmap);
            else
                foreach (var r in dump.RamRanges())
                    filter.Exclude(r.Start, r.End, bitmap);
            return (bitmap, filter, warnings.ToString());
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void SecondBitmapMatchesUpstream(string kernel, int level)
    {
        var (bitmap, filter, warnings) = Filter(kernel, level);
        using var reference = (DiskdumpReader)DumpReader.Open(RealData.Kernel(kernel, $"mdf-d{level}"));
        var expected = reference.DumpableBitmap;
        ulong frames = Math.Max(expected.Frames, bitmap.Frames);
        int differ = 0, extra = 0, missing = 0;
        var sample = new StringBuilder();
        for (ulong p = 0; p < frames; p++)
        {
            bool a = bitmap[p], b = expected[p];
            if (a == b) continue;
            differ++;
            if (a) extra++; else missing++;
            if (differ <= 10) sample.Append($" 0x{p:x}({(a ? "kept" : "dropped")})");
        }
        Assert.True(filter.IsActive, warnings);
        Assert.True(filter.Statistics.Total > 0, $"nothing excluded at -d {level}");
        Assert.True(differ == 0,
            $"{kernel} -d {level}: {differ} frames differ ({extra} kept but upstream drops, {missing} dropped but upstream keeps)" +
                $":{sample}; stats {filter.Statistics}; warnings: {warnings}");
    }

    // Upstream's page statistics for -d 31 (logs/mdf-d31.log, GROUND-TRUTH.md).
    [SkippableTheory]
    [InlineData(RealData.Kernel61, 8485, 0, 8239, 12421, true)]
    [InlineData(RealData.Kernel612, 8434, 0, 8249, 31275, true)]
    [InlineData(RealData.Kernel61, 8485, 0, 8239, 12421, false)]
    [InlineData(RealData.Kernel612, 8434, 0, 8249, 31275, false)]
    public void StatisticsMatchUpstreamLog(string kernel, long cache, long cachePrivate, long user, long free, bool wholeRange)
    {
        var (_, filter, warnings) = Filter(kernel, 31, wholeRange);
        var s = filter.Statistics;
        Assert.True((s.Cache, s.CachePrivate, s.User, s.Free, s.Hwpoison, s.Offline) == (cache, cachePrivate, user, free, 0, 0),
            $"{kernel}: got {s}, upstream cache={cache} private={cachePrivate} user={user} free={free}; warnings: {warnings}");
    }
}
