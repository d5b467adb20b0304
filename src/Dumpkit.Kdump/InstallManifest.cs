// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Security.Cryptography;
using System.Text;

namespace Dumpkit.Kdump;

/// <summary>
/// What <c>kdump install</c> made, so that <c>uninstall</c> removes exactly that: /var/lib/dumpkit/install.manifest,
/// one entry a line, "file PATH SHA256" (a file it wrote; removed only while unchanged) or "unit NAME" (a unit it
/// enabled that was not enabled before). Paths are as seen from the root the commands ran in.
/// </summary>
public sealed class InstallManifest
{
    public const string Path = "/var/lib/dumpkit/install.manifest";

    public List<(string Path, string Sha256)> Files { get; } = [];
    public List<string> Units { get; } = [];
    /// <summary>Directories install created ("dir PATH"): uninstall removes them when they are empty.</summary>
    public List<string> Dirs { get; } = [];

    public static InstallManifest Read(string file)
    {
        var m = new InstallManifest();
        if (!File.Exists(file)) return m;
        foreach (var line in Cli.BoundedFile.ReadAllText(file, 1 << 20).Split('\n'))
        {
            var w = line.Split(' ', 3);
            if (w.Length == 3 && w[0] == "file") m.Files.Add((w[2], w[1]));
            else if (w.Length == 2 && w[0] == "unit") m.Units.Add(w[1]);
            else if (line.StartsWith("dir ", StringComparison.Ordinal)) m.Dirs.Add(line[4..]);
        }
        return m;
    }

    /// <summary>Writes it (or removes the file when nothing is recorded), through a temporary file and a rename.</summary>
    public void Write(string file)
    {
        if (Files.Count == 0 && Units.Count == 0 && Dirs.Count == 0)
        {
            File.Delete(file);
            return;
        }
        var sb = new StringBuilder("# dumpkit kdump install: what uninstall removes (do not edit)\n");
        // the hash first: a path may hold spaces
        foreach (var (p, h) in Files) sb.Append($"file {h} {p}\n");
        foreach (var u in Units) sb.Append($"unit {u}\n");
        foreach (var d in Dirs) sb.Append($"dir {d}\n");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        string temp = file + ".new";
        File.WriteAllText(temp, sb.ToString());
        File.Move(temp, file, overwrite: true);
    }

    /// <summary>Creates <paramref name="dir"/> and its missing parents, recording each one made.</summary>
    public void EnsureDir(string dir)
    {
        var missing = new List<string>();
        for (string? d = dir; d is not null && !Directory.Exists(d); d = System.IO.Path.GetDirectoryName(d))
            missing.Add(d);
        Directory.CreateDirectory(dir);
        foreach (var d in missing.Where(d => !Dirs.Contains(d))) Dirs.Add(d);
    }

    public void AddFile(string path, string sha)
    {
        int i = Files.FindIndex(f => f.Path == path);
        if (i >= 0) Files[i] = (path, sha);
        else Files.Add((path, sha));
    }

    public static string Sha256(string file)
    {
        using var s = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }
}
