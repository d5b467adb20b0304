// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text;

namespace Dumpkit.Kdump.S3;

/// <summary>
/// AWS Signature Version 4 in the Authorization header (AWS4-HMAC-SHA256), as S3 and radosgw check it: canonical
/// request (method, URI-encoded path, sorted query, lower-case sorted headers, signed header list, payload hash),
/// string to sign (algorithm, time, scope, hash of the canonical request), signing key (HMAC chain over date,
/// region, service, "aws4_request").
/// </summary>
public static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>The value of the Authorization header for a request whose headers (names in any case) are all signed.</summary>
    public static string Authorization(string method, string path, IReadOnlyList<KeyValuePair<string, string>> query,
        IReadOnlyList<KeyValuePair<string, string>> headers, string payloadHash, S3Credentials credentials, string region,
        string service, DateTime utc)
    {
        var (canonical, signedHeaders) = CanonicalRequest(method, path, query, headers, payloadHash);
        string date = utc.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        string scope = $"{date}/{region}/{service}/aws4_request";
        string toSign = StringToSign(utc, scope, canonical);
        var key = SigningKey(credentials.SecretKey, date, region, service);
        string signature = Hashes.Hex(Hashes.HmacSha256(key, Encoding.UTF8.GetBytes(toSign)));
        return $"{Algorithm} Credential={credentials.AccessKey}/{scope},SignedHeaders={signedHeaders},Signature={signature}";
    }

    public static (string Canonical, string SignedHeaders) CanonicalRequest(string method, string path,
        IReadOnlyList<KeyValuePair<string, string>> query, IReadOnlyList<KeyValuePair<string, string>> headers, string payloadHash)
    {
        var sb = new StringBuilder();
        sb.Append(method).Append('\n');
        sb.Append(UriEncode(path, keepSlash: true)).Append('\n');
        sb.Append(string.Join('&', query
            .Select(kv => (Key: UriEncode(kv.Key, false), Value: UriEncode(kv.Value, false)))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal).ThenBy(kv => kv.Value, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key}={kv.Value}"))).Append('\n');
        var canonicalHeaders = headers
            .GroupBy(h => h.Key.ToLowerInvariant())
            .Select(g => (Name: g.Key, Value: string.Join(',', g.Select(h => CollapseBlanks(h.Value)))))
            .OrderBy(h => h.Name, StringComparer.Ordinal).ToList();
        foreach (var (name, value) in canonicalHeaders)
            sb.Append(name).Append(':').Append(value).Append('\n');
        sb.Append('\n');
        string signed = string.Join(';', canonicalHeaders.Select(h => h.Name));
        sb.Append(signed).Append('\n');
        sb.Append(payloadHash);
        return (sb.ToString(), signed);
    }

    public static string StringToSign(DateTime utc, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}\n{scope}\n" +
        Hashes.Hex(Hashes.Sha256(Encoding.UTF8.GetBytes(canonicalRequest)));

    public static byte[] SigningKey(string secret, string date, string region, string service)
    {
        var k = Hashes.HmacSha256(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(date));
        k = Hashes.HmacSha256(k, Encoding.UTF8.GetBytes(region));
        k = Hashes.HmacSha256(k, Encoding.UTF8.GetBytes(service));
        return Hashes.HmacSha256(k, "aws4_request"u8);
    }

    /// <summary>RFC 3986 percent-encoding of everything but the unreserved characters (and '/' in a path), upper-case hex.</summary>
    public static string UriEncode(string s, bool keepSlash)
    {
        var sb = new StringBuilder();
        foreach (byte b in Encoding.UTF8.GetBytes(s))
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' || keepSlash && c == '/')
                sb.Append(c);
            else
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static string CollapseBlanks(string v)
    {
        var sb = new StringBuilder();
        bool blank = false;
        foreach (char c in v.Trim())
        {
            if (c == ' ' || c == '\t')
            {
                if (!blank) sb.Append(' ');
                blank = true;
            }
            else
            {
                sb.Append(c);
                blank = false;
            }
        }
        return sb.ToString();
    }
}
