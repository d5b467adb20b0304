// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text;

namespace Dumpkit.Kdump.S3;

/// <summary>
/// The two small objects beside a dump in PREFIX/STAMP/: <c>upload-state</c> (written before the first part: the
/// upload id a later savecore resumes, the vmcore and MAKEDUMP_ARGS it belongs to; deleted when the dump is whole)
/// and <c>COMPLETE</c> (written last: the size and SHA-256 of each object, which fetch checks). A directory with
/// upload-state and no COMPLETE holds an incomplete dump, whatever else is there.
/// </summary>
public static class S3Markers
{
    public const string StateName = "upload-state", CompleteName = "COMPLETE";
    private const string StateMagic = "dumpkit S3 upload 1", CompleteMagic = "dumpkit S3 dump 1";

    public sealed record UploadState(string Object, string UploadId, int PartSize, string Vmcore, string MakedumpArgs);

    /// <summary>One object of a complete dump: its name in the directory, size and SHA-256.</summary>
    public sealed record ObjectSum(string Name, long Size, string Sha256);

    public static byte[] Format(UploadState s) => Encoding.UTF8.GetBytes(
        $"{StateMagic}\nobject: {s.Object}\nupload-id: {s.UploadId}\npart-size: {s.PartSize}\nvmcore: {s.Vmcore}\nmakedump-args: {s.MakedumpArgs}\n");

    public static UploadState? ParseState(byte[] data)
    {
        var f = Fields(data, StateMagic);
        if (f is null || !f.TryGetValue("object", out var o) || !f.TryGetValue("upload-id", out var id) ||
            !int.TryParse(f.GetValueOrDefault("part-size"), NumberStyles.None, CultureInfo.InvariantCulture, out int ps))
            return null;
        return new UploadState(o, id, ps, f.GetValueOrDefault("vmcore") ?? "", f.GetValueOrDefault("makedump-args") ?? "");
    }

    public static byte[] Format(IEnumerable<ObjectSum> sums) => Encoding.UTF8.GetBytes(
        CompleteMagic + "\n" + string.Concat(sums.Select(s => $"{s.Name}: {s.Size} {s.Sha256}\n")));

    public static List<ObjectSum>? ParseComplete(byte[] data)
    {
        var f = Fields(data, CompleteMagic);
        if (f is null) return null;
        var result = new List<ObjectSum>();
        foreach (var (name, value) in f)
        {
            var p = value.Split(' ');
            if (p.Length != 2 || !long.TryParse(p[0], NumberStyles.None, CultureInfo.InvariantCulture, out long size) || p[1].Length != 64)
                return null;
            result.Add(new ObjectSum(name, size, p[1]));
        }
        return result;
    }

    private static Dictionary<string, string>? Fields(byte[] data, string magic)
    {
        var lines = Encoding.UTF8.GetString(data).Split('\n');
        if (lines.Length == 0 || lines[0] != magic) return null;
        var f = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1))
        {
            int colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0) f[line[..colon]] = line[(colon + 2)..];
        }
        return f;
    }
}
