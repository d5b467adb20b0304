// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats;
using Dumpkit.Formats.Diskdump;

namespace Dumpkit.Crash.Triage;

/// <summary>
/// <c>--triage</c>'s dumps: the parts of a <c>makedumpfile --split</c> set among the files given are one dump, wherever
/// they stand in the list (at the place of the first); every other file is a dump of its own.
/// </summary>
internal static class SplitSets
{
    public static List<List<string>> Group(IReadOnlyList<string> paths)
    {
        var dumps = new List<List<string>>();
        var sets = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (Identity(path) is string key)
            {
                if (sets.TryGetValue(key, out var set))
                {
                    set.Add(path);
                    continue;
                }
                sets[key] = set = [path];
                dumps.Add(set);
                continue;
            }
            dumps.Add([path]);
        }
        return dumps;
    }

    /// <summary>What every part of one split run has in common (crash time, utsname, size), or null for a file that is no part.</summary>
    private static string? Identity(string path)
    {
        try
        {
            if (!File.Exists(path) || DumpFiles.SpecialKind(path) is not null)
                return null;
            using var dump = DumpReader.Open(path);
            if (dump is not DiskdumpReader { IsSplit: true } split)
                return null;
            var h = split.Header;
            return $"{h.TimestampSeconds}.{h.TimestampMicroseconds}/{split.MaxPfn}/{split.PageSize}/{string.Join('\0', h.Utsname)}";
        }
        catch (Exception e) when (CrashCommand.IsOpenFailure(e))
        {
            return null; // its own dump: the analysis says what is wrong with it
        }
    }
}
