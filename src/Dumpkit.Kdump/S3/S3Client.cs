// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text;

namespace Dumpkit.Kdump.S3;

/// <summary>The server answered with an error: HTTP status and S3's error code (NoSuchKey, NoSuchUpload, …).</summary>
public sealed class S3Exception(int status, string code, string message) : IOException(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
}

/// <summary>One part of a multipart upload as the server lists it.</summary>
public sealed record S3Part(int Number, string ETag, long Size);

/// <summary>
/// The S3 requests savecore, status, test and fetch make, signed with SigV4 over <see cref="Http1"/>: every body
/// with its SHA-256 (x-amz-content-sha256, which the signature covers and the server checks) and its MD5
/// (Content-MD5). A request that fails on the network or with a 5xx is tried <see cref="Attempts"/> times,
/// waiting 1, 2, 4 … seconds (times <see cref="RetryDelayScale"/>) in between.
/// </summary>
public sealed class S3Client(S3Target target, S3Credentials credentials)
{
    public S3Target Target => target;
    public int Attempts { get; init; } = 5;
    public double RetryDelayScale { get; init; } = 1;
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Called with a line before each retry (savecore prints it).</summary>
    public Action<string>? Log { get; init; }

    private static readonly KeyValuePair<string, string>[] NoQuery = [];

    public string PutObject(string key, ReadOnlyMemory<byte> body, string contentType = "application/octet-stream") =>
        Request("PUT", key, NoQuery, body, null, contentType).Header("etag")?.Trim('"') ?? "";

    /// <summary>The object's bytes, or null when it does not exist.</summary>
    public byte[]? GetObject(string key)
    {
        try
        {
            return Request("GET", key, NoQuery, default, null).Body;
        }
        catch (S3Exception e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>The object into <paramref name="sink"/> (one attempt: a half-written sink cannot be retried).</summary>
    public void GetObject(string key, Stream sink) => Once("GET", key, NoQuery, default, sink, null);

    /// <summary>PUT of the bucket (for tests and set-up: savecore never creates buckets).</summary>
    public void CreateBucket() => Request("PUT", null, NoQuery, default, null);

    public void DeleteObject(string key) => Request("DELETE", key, NoQuery, default, null);

    /// <summary>Every key under <paramref name="prefix"/> (ListObjectsV2, page by page).</summary>
    public List<string> ListKeys(string prefix)
    {
        var keys = new List<string>();
        string? token = null;
        while (true)
        {
            var q = new List<KeyValuePair<string, string>> { new("list-type", "2"), new("prefix", prefix) };
            if (token is not null) q.Add(new("continuation-token", token));
            string xml = Encoding.UTF8.GetString(Request("GET", null, q, default, null).Body);
            keys.AddRange(Elements(xml, "Contents").Select(c => Element(c, "Key") ?? ""));
            token = Element(xml, "NextContinuationToken");
            if (Element(xml, "IsTruncated") != "true" || token is null) return keys;
        }
    }

    /// <summary>HEAD of the bucket: null when it answers, else the problem in one line.</summary>
    public string? BucketProblem()
    {
        try
        {
            Request("HEAD", null, NoQuery, default, null);
            return null;
        }
        catch (S3Exception e)
        {
            return $"{target.Url}: the bucket answers {e.Status} {e.Code}";
        }
        catch (HttpNetException e)
        {
            return $"{target.Url}: {e.Message}";
        }
    }

    public string CreateMultipartUpload(string key)
    {
        string xml = Encoding.UTF8.GetString(Request("POST", key, [new("uploads", "")], default, null, "application/octet-stream").Body);
        return Element(xml, "UploadId") ?? throw new S3Exception(500, "NoUploadId", $"{key}: CreateMultipartUpload returned no UploadId");
    }

    /// <summary>Uploads one part; returns its ETag (the part's MD5, which the server computed and we check).</summary>
    public string UploadPart(string key, string uploadId, int number, ReadOnlyMemory<byte> body)
    {
        var q = new KeyValuePair<string, string>[] { new("partNumber", number.ToString(CultureInfo.InvariantCulture)), new("uploadId", uploadId) };
        string etag = Request("PUT", key, q, body, null).Header("etag")?.Trim('"') ?? "";
        string md5 = Hashes.Hex(Hashes.Md5(body.Span));
        if (!string.Equals(etag, md5, StringComparison.OrdinalIgnoreCase))
            throw new S3Exception(500, "BadETag", $"{key}: part {number}: the server's ETag {etag} is not the part's MD5 {md5}");
        return etag;
    }

    /// <summary>The parts uploaded so far, or null when the upload no longer exists (completed or aborted).</summary>
    public List<S3Part>? ListParts(string key, string uploadId)
    {
        var parts = new List<S3Part>();
        string? marker = null;
        try
        {
            while (true)
            {
                var q = new List<KeyValuePair<string, string>> { new("uploadId", uploadId) };
                if (marker is not null) q.Add(new("part-number-marker", marker));
                string xml = Encoding.UTF8.GetString(Request("GET", key, q, default, null).Body);
                foreach (var p in Elements(xml, "Part"))
                    parts.Add(new(int.Parse(Element(p, "PartNumber") ?? "0", CultureInfo.InvariantCulture), (Element(p, "ETag") ?? "").Trim('"'),
                        long.Parse(Element(p, "Size") ?? "0", CultureInfo.InvariantCulture)));
                marker = Element(xml, "NextPartNumberMarker");
                if (Element(xml, "IsTruncated") != "true" || marker is null) return parts;
            }
        }
        catch (S3Exception e) when (e.Code == "NoSuchUpload" || e.Status == 404)
        {
            return null;
        }
    }

    public void CompleteMultipartUpload(string key, string uploadId, IEnumerable<S3Part> parts)
    {
        var sb = new StringBuilder("<CompleteMultipartUpload>");
        foreach (var p in parts.OrderBy(p => p.Number))
            sb.Append(CultureInfo.InvariantCulture, $"<Part><PartNumber>{p.Number}</PartNumber><ETag>\"{p.ETag}\"</ETag></Part>");
        sb.Append("</CompleteMultipartUpload>");
        var response = Request("POST", key, [new("uploadId", uploadId)], Encoding.UTF8.GetBytes(sb.ToString()), null, "application/xml");
        // S3 may answer 200 with an error document when the completion fails late
        string xml = Encoding.UTF8.GetString(response.Body);
        if (xml.Contains("<Error>", StringComparison.Ordinal))
            throw new S3Exception(500, Element(xml, "Code") ?? "InternalError", $"{key}: CompleteMultipartUpload: {Element(xml, "Message") ?? xml}");
    }

    public void AbortMultipartUpload(string key, string uploadId) =>
        Request("DELETE", key, [new("uploadId", uploadId)], default, null);

    private HttpResponse Request(string method, string? key, IReadOnlyList<KeyValuePair<string, string>> query, ReadOnlyMemory<byte> body,
        Stream? sink, string? contentType = null)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return Once(method, key, query, body, sink, contentType);
            }
            catch (Exception e) when (attempt < Attempts && (e is HttpNetException || e is S3Exception { Status: >= 500 }))
            {
                double wait = Math.Pow(2, attempt - 1) * RetryDelayScale;
                Log?.Invoke($"{method} {Describe(key, query)}: {e.Message}; trying again in {wait:0.#} s ({attempt + 1} of {Attempts})");
                Thread.Sleep(TimeSpan.FromSeconds(wait));
            }
        }
    }

    private string Describe(string? key, IReadOnlyList<KeyValuePair<string, string>> query) =>
        $"{target.Bucket}/{key}" + (query.FirstOrDefault(q => q.Key == "partNumber") is { Value: { } n } && n is not null ? $" part {n}" : "");

    private HttpResponse Once(string method, string? key, IReadOnlyList<KeyValuePair<string, string>> query, ReadOnlyMemory<byte> body,
        Stream? sink, string? contentType)
    {
        var now = DateTime.UtcNow;
        string path = "/" + target.Bucket + (key is null ? "" : "/" + key);
        string payloadHash = body.Length == 0 ? SigV4.EmptyPayloadHash : Hashes.Hex(Hashes.Sha256(body.Span));
        var headers = new List<KeyValuePair<string, string>>
        {
            new("Host", target.HostHeader),
            new("x-amz-date", now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)),
            new("x-amz-content-sha256", payloadHash),
        };
        if (body.Length > 0)
            headers.Add(new("Content-MD5", Convert.ToBase64String(Hashes.Md5(body.Span))));
        if (contentType is not null)
            headers.Add(new("Content-Type", contentType));
        string auth = SigV4.Authorization(method, path, query, headers, payloadHash, credentials, target.Region, "s3", now);
        headers.Add(new("Authorization", auth));
        string queryText = string.Join('&', query.Select(q => q.Value.Length == 0 && q.Key == "uploads"
            ? "uploads" : $"{SigV4.UriEncode(q.Key, false)}={SigV4.UriEncode(q.Value, false)}"));
        string requestTarget = SigV4.UriEncode(path, keepSlash: true) + (queryText.Length > 0 ? "?" + queryText : "");
        var r = Http1.Send(target.Host, target.Port, method, requestTarget, headers, body, sink, Timeout);
        if (r.Status is >= 200 and < 300) return r;
        string xml = Encoding.UTF8.GetString(r.Body);
        string code = Element(xml, "Code") ?? (r.Status == 404 ? "NotFound" : $"HTTP{r.Status}");
        throw new S3Exception(r.Status, code, $"{method} {Describe(key, query)}: {r.Status} {code}");
    }

    /// <summary>The contents of each &lt;NAME&gt; element (not nested in one of its own kind).</summary>
    private static IEnumerable<string> Elements(string xml, string name)
    {
        for (int at = 0; ;)
        {
            int start = xml.IndexOf($"<{name}>", at, StringComparison.Ordinal);
            if (start < 0) yield break;
            start += name.Length + 2;
            int end = xml.IndexOf($"</{name}>", start, StringComparison.Ordinal);
            if (end < 0) yield break;
            yield return xml[start..end];
            at = end + name.Length + 3;
        }
    }

    private static string? Element(string xml, string name)
    {
        int start = xml.IndexOf($"<{name}>", StringComparison.Ordinal);
        if (start < 0) return null;
        start += name.Length + 2;
        int end = xml.IndexOf($"</{name}>", start, StringComparison.Ordinal);
        return end < 0 ? null : Unescape(xml[start..end]);
    }

    private static string Unescape(string s) => s.Replace("&quot;", "\"", StringComparison.Ordinal).Replace("&apos;", "'", StringComparison.Ordinal)
        .Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal);
}
