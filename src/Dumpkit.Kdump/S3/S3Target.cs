// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;

namespace Dumpkit.Kdump.S3;

/// <summary>
/// KDUMP_S3=http://HOST[:PORT]/BUCKET[/PREFIX] (path-style addressing, as radosgw and most S3 servers take it),
/// KDUMP_S3_REGION (default us-east-1), KDUMP_S3_CREDENTIALS (default /etc/dumpkit/s3-credentials),
/// KDUMP_S3_PART_SIZE (MiB of one multipart part, 5 to 1024, default 8). https is refused: TLS would need
/// OpenSSL, which the capture kernel's initramfs does not have.
/// </summary>
public sealed record S3Target(string Host, int Port, string Bucket, string Prefix, string Region, string CredentialsPath, int PartSize)
{
    public const string DefaultRegion = "us-east-1";
    public const int DefaultPartMib = 8, MinPartMib = 5, MaxPartMib = 1024;

    /// <summary>The Host header: the port only when it is not 80.</summary>
    public string HostHeader => Port == 80 ? Host : $"{Host}:{Port}";

    public string Url => $"http://{HostHeader}/{Bucket}{(Prefix.Length > 0 ? "/" + Prefix : "")}";

    /// <summary>PREFIX/NAME, or NAME without a prefix.</summary>
    public string Key(string name) => Prefix.Length == 0 ? name : $"{Prefix}/{name}";

    /// <summary>Null when KDUMP_S3 is not set; the keys' problems as an <see cref="S3ConfigException"/> naming the key.</summary>
    public static S3Target? FromConfig(KdumpConfig config)
    {
        if (config.Get("KDUMP_S3") is not { } url) return null;
        var t = Parse(url);
        string region = config.Get("KDUMP_S3_REGION") ?? DefaultRegion;
        if (!region.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            throw new S3ConfigException($"KDUMP_S3_REGION={region}: not a region name (letters, digits and '-')");
        int mib = DefaultPartMib;
        if (config.Get("KDUMP_S3_PART_SIZE") is { } ps &&
            (!int.TryParse(ps, NumberStyles.None, CultureInfo.InvariantCulture, out mib) || mib < MinPartMib || mib > MaxPartMib))
            throw new S3ConfigException($"KDUMP_S3_PART_SIZE={ps}: not a part size in MiB from {MinPartMib} to {MaxPartMib}");
        return t with
        {
            Region = region,
            CredentialsPath = config.Get("KDUMP_S3_CREDENTIALS") ?? S3Credentials.DefaultPath,
            PartSize = mib << 20,
        };
    }

    /// <summary>http://HOST[:PORT]/BUCKET[/PREFIX]; the message names KDUMP_S3.</summary>
    public static S3Target Parse(string url)
    {
        if (url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            throw new S3ConfigException($"KDUMP_S3={url}: https is not supported (TLS would need OpenSSL in the capture kernel): " +
                "use http:// on a trusted network, or a TLS-terminating proxy in front of it");
        if (!url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            throw new S3ConfigException($"KDUMP_S3={url}: expected http://HOST[:PORT]/BUCKET[/PREFIX]");
        string rest = url[7..];
        int slash = rest.IndexOf('/');
        string authority = slash < 0 ? rest : rest[..slash];
        string path = slash < 0 ? "" : rest[(slash + 1)..].Trim('/');
        if (authority.Contains('@'))
            throw new S3ConfigException($"KDUMP_S3={url}: expected http://HOST[:PORT]/BUCKET[/PREFIX] (credentials go in KDUMP_S3_CREDENTIALS)");
        string host = authority;
        int port = 80;
        int colon = authority.LastIndexOf(':');
        if (colon >= 0 && !authority.EndsWith(']'))
        {
            host = authority[..colon];
            if (!int.TryParse(authority[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
                throw new S3ConfigException($"KDUMP_S3={url}: bad port '{authority[(colon + 1)..]}'");
        }
        host = host.Trim('[', ']');
        if (host.Length == 0)
            throw new S3ConfigException($"KDUMP_S3={url}: expected http://HOST[:PORT]/BUCKET[/PREFIX]");
        int b = path.IndexOf('/');
        string bucket = b < 0 ? path : path[..b];
        string prefix = b < 0 ? "" : path[(b + 1)..];
        if (bucket.Length is < 3 or > 63 || !bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.'))
            throw new S3ConfigException($"KDUMP_S3={url}: '{bucket}' is not a bucket name (3-63 lower-case letters, digits, '-', '.')");
        if (prefix.Contains("//") || prefix.Split('/').Any(s => s is "." or ".."))
            throw new S3ConfigException($"KDUMP_S3={url}: bad prefix '{prefix}'");
        return new S3Target(host, port, bucket, prefix, DefaultRegion, S3Credentials.DefaultPath, DefaultPartMib << 20);
    }
}
