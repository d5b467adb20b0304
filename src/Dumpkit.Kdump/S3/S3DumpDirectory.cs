// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kdump.S3;

/// <summary>One PREFIX/STAMP/ directory of the bucket: its keys, whether COMPLETE is there, its upload-state if any.</summary>
public sealed record S3DumpDirectory(string Dir, string Stamp, IReadOnlyList<string> Keys)
{
    public bool Complete => Keys.Contains($"{Dir}/{S3Markers.CompleteName}");
    public bool HasState => Keys.Contains($"{Dir}/{S3Markers.StateName}");
    /// <summary>An upload started and never completed (what status and savecore report).</summary>
    public bool Incomplete => !Complete && (HasState || Keys.Count > 0);

    /// <summary>The dump directories under the target's prefix, oldest first (stamps sort by time).</summary>
    public static List<S3DumpDirectory> List(S3Client client)
    {
        var t = client.Target;
        string prefix = t.Prefix.Length == 0 ? "" : t.Prefix + "/";
        return client.ListKeys(prefix)
            .Where(k => k.Length > prefix.Length && k.IndexOf('/', prefix.Length) > prefix.Length)
            .GroupBy(k => k[..k.IndexOf('/', prefix.Length)], StringComparer.Ordinal)
            .Select(g => new S3DumpDirectory(g.Key, g.Key[prefix.Length..], g.ToList()))
            .OrderBy(d => d.Stamp, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>One line per incomplete dump directory, for status and test.</summary>
    public static List<string> IncompleteLines(S3Client client) =>
        List(client).Where(d => d.Incomplete).Select(d => $"incomplete S3 upload {client.Target.Bucket}/{d.Dir}/: " +
            (d.HasState ? "an upload was interrupted (upload-state without COMPLETE)" : "no COMPLETE marker") +
            "; the dump there is not whole (savecore in the capture kernel of the same crash resumes it)").ToList();
}
