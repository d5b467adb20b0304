// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kdump.S3;

/// <summary>An access key and its secret (KDUMP_S3_CREDENTIALS).</summary>
public sealed record S3Credentials(string AccessKey, string SecretKey)
{
    public const string DefaultPath = "/etc/dumpkit/s3-credentials";

    /// <summary>
    /// The credentials file: <c>aws_access_key_id = …</c> and <c>aws_secret_access_key = …</c> lines as in
    /// ~/.aws/credentials ('#' and ';' comments and [section] lines ignored). A regular file owned by root
    /// (by the caller when not root, for tests) and readable by its owner only (no group or other bits);
    /// anything else is refused with a message naming the file.
    /// </summary>
    public static S3Credentials Load(string path) => Load(path, out _);

    /// <summary>As <see cref="Load(string)"/>, with the file's bytes as they were checked and read (what a capture
    /// initramfs carries a copy of).</summary>
    public static S3Credentials Load(string path, out byte[] bytes)
    {
        var st = Native.Lstat(path);
        if (st is null)
            throw new S3ConfigException($"KDUMP_S3_CREDENTIALS: {path}: cannot read the credentials: {Cli.SystemErrors.StrError(Cli.SystemErrors.Enoent)}");
        var (mode, uid) = st.Value;
        if ((mode & 0xf000) != 0x8000)
            throw new S3ConfigException($"KDUMP_S3_CREDENTIALS: {path}: not a regular file");
        uint me = Native.Geteuid();
        if (uid != 0 && uid != me)
            throw new S3ConfigException($"KDUMP_S3_CREDENTIALS: {path}: owned by uid {uid}, not by root: refusing the credentials");
        if ((mode & 0x3f) != 0)
            throw new S3ConfigException($"KDUMP_S3_CREDENTIALS: {path}: mode {Convert.ToString(mode & 0xfff, 8)} lets others read it: " +
                "refusing the credentials (chmod 600 it)");
        try
        {
            bytes = Cli.BoundedFile.ReadAllBytes(path, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Cli.FileTooLargeException)
        {
            throw new S3ConfigException($"KDUMP_S3_CREDENTIALS: {path}: cannot read the credentials: {Cli.SystemErrors.Message(e, path)}");
        }
        string? access = null, secret = null;
        foreach (var raw in System.Text.Encoding.UTF8.GetString(bytes).Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';' or '[') continue;
            int eq = line.IndexOf('=');
            if (eq <= 0) continue;
            string name = line[..eq].Trim(), value = line[(eq + 1)..].Trim();
            if (name == "aws_access_key_id") access = value;
            else if (name == "aws_secret_access_key") secret = value;
        }
        if (string.IsNullOrEmpty(access) || string.IsNullOrEmpty(secret))
            throw new S3ConfigException($"KDUMP_S3_CREDENTIALS: {path}: no aws_access_key_id and aws_secret_access_key lines");
        return new S3Credentials(access, secret);
    }
}

/// <summary>A KDUMP_S3* key or the credentials are unusable; the message names the key or file.</summary>
public sealed class S3ConfigException(string message) : Exception(message);
