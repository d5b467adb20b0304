// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Dumpkit.Kdump.Initrd;

/// <summary>
/// What a capture initramfs was built from, written beside it as IMAGE.stamp by <c>kdump initrd</c>: the kernel release,
/// the SHA-256 of the configuration file it carries and of the kernel's module tree (modules.dep and, for every module
/// it lists, the file's size and modification time: depmod, a new module package or a DKMS rebuild change it).
/// <c>kdump load</c> rebuilds an image whose stamp no longer matches, <c>status</c> and <c>test</c> say it is stale,
/// as kdump-tools and kdumpctl rebuild when the configuration is newer than the image. An image carrying the KDUMP_S3
/// credentials or the SSH_KEY also records the SHA-256 of that file (<see cref="CredentialsPath"/>): a rotated key makes it stale too.
/// </summary>
public sealed record InitrdStamp(string Kver, string ConfigPath, string ConfigHash, string ModuleDir, string ModulesHash)
{
    /// <summary>The credentials file the image carries a copy of, or null.</summary>
    public string? CredentialsPath { get; init; }

    /// <summary>Its SHA-256 ("-" when missing), or null when it could not be read (not root: unknown, not a change).</summary>
    public string? CredentialsHash { get; init; }

    /// <summary>This stamp recording the credentials file <paramref name="path"/>: <paramref name="bytes"/> when the image
    /// carries those, else the file as it is now.</summary>
    public InitrdStamp WithCredentials(string? path, byte[]? bytes = null) =>
        path is null ? this : this with { CredentialsPath = path, CredentialsHash = bytes is null ? HashFile(path) : Hash(bytes) };

    private const string Header = "# dumpkit kdump initrd: what the capture initramfs beside this file was built from";

    public static string PathOf(string image) => image + ".stamp";

    /// <summary>The stamp of the configuration text and module tree as they are now.</summary>
    public static InitrdStamp Of(string kver, string configPath, string configText, string moduleDir) =>
        new(kver, configPath, Hash(Encoding.UTF8.GetBytes(configText)), moduleDir, HashModules(moduleDir));

    /// <summary>The same inputs read again from where this stamp says they were.</summary>
    public InitrdStamp Now(string configPath)
    {
        string text = File.Exists(configPath) ? File.ReadAllText(configPath) : "";
        return Of(Kver, configPath, text, ModuleDir).WithCredentials(CredentialsPath);
    }

    /// <summary>What changed since the image was built, in words, or null when nothing did.</summary>
    public string? Change(InitrdStamp now)
    {
        var changed = new List<string>();
        if (now.ConfigHash != ConfigHash) changed.Add($"{now.ConfigPath} changed");
        if (now.ModulesHash != ModulesHash) changed.Add($"the module tree {ModuleDir} changed");
        if (CredentialsPath is not null && now.CredentialsHash is not null && now.CredentialsHash != CredentialsHash)
            changed.Add($"the key {CredentialsPath} changed");
        return changed.Count == 0 ? null : string.Join(" and ", changed);
    }

    public string Text() =>
        $"{Header}\nkver {Kver}\nconfig {ConfigHash} {ConfigPath}\nmodules {ModulesHash} {ModuleDir}\n" +
        (CredentialsPath is null ? "" : $"credentials {CredentialsHash ?? "?"} {CredentialsPath}\n");

    public void Write(string image) => File.WriteAllText(PathOf(image), Text());

    /// <summary>The stamp beside an image, or null when there is none or it cannot be read.</summary>
    public static InitrdStamp? Read(string image)
    {
        string[] lines;
        try { lines = File.ReadAllLines(PathOf(image)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        string? kver = null, configHash = null, configPath = null, modulesHash = null, moduleDir = null, credHash = null, credPath = null;
        foreach (var line in lines)
        {
            var f = line.Split(' ', 3);
            switch (f[0])
            {
                case "kver" when f.Length >= 2: kver = f[1]; break;
                case "config" when f.Length == 3: configHash = f[1]; configPath = f[2]; break;
                case "modules" when f.Length == 3: modulesHash = f[1]; moduleDir = f[2]; break;
                case "credentials" when f.Length == 3: credHash = f[1]; credPath = f[2]; break;
            }
        }
        return kver is null || configHash is null || configPath is null || modulesHash is null || moduleDir is null ? null
            : new InitrdStamp(kver, configPath, configHash, moduleDir, modulesHash) { CredentialsPath = credPath, CredentialsHash = credHash };
    }

    private static string? HashFile(string path)
    {
        try
        {
            return File.Exists(path) ? Hash(File.ReadAllBytes(path)) : "-";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Hash(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>modules.dep, then "PATH SIZE MTIME" of every module it lists ("PATH -" when missing).</summary>
    private static string HashModules(string moduleDir)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        string dep = Path.Combine(moduleDir, "modules.dep");
        string text = File.Exists(dep) ? File.ReadAllText(dep) : "";
        sha.AppendData(Encoding.UTF8.GetBytes(text));
        foreach (var line in text.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon <= 0) continue;
            string rel = line[..colon];
            var info = new FileInfo(Path.Combine(moduleDir, rel));
            string entry = info.Exists
                ? $"{rel} {info.Length} {info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)}\n"
                : $"{rel} -\n";
            sha.AppendData(Encoding.UTF8.GetBytes(entry));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
