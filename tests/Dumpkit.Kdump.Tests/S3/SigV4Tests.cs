// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;
using Dumpkit.Kdump.S3;

namespace Dumpkit.Kdump.Tests.S3;

/// <summary>
/// The worked examples of AWS's S3 documentation ("Signature Calculations for the Authorization Header:
/// Transferring Payload in a Single Chunk"): bucket examplebucket in us-east-1, 2013-05-24T00:00:00Z, the documented
/// example key pair, and the signatures AWS publishes for them.
/// </summary>
public class SigV4Tests
{
    private static readonly S3Credentials Example = new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    private static readonly DateTime When = new(2013, 5, 24, 0, 0, 0, DateTimeKind.Utc);

    private static string Sign(string method, string path, KeyValuePair<string, string>[] query, KeyValuePair<string, string>[] extra, string payloadHash)
    {
        var headers = new List<KeyValuePair<string, string>>
        {
            new("Host", "examplebucket.s3.amazonaws.com"),
            new("x-amz-date", "20130524T000000Z"),
            new("x-amz-content-sha256", payloadHash),
        };
        headers.AddRange(extra);
        return SigV4.Authorization(method, path, query, headers, payloadHash, Example, "us-east-1", "s3", When);
    }

    [Fact]
    public void GetObjectWithRange()
    {
        string auth = Sign("GET", "/test.txt", [], [new("Range", "bytes=0-9")], SigV4.EmptyPayloadHash);
        Assert.Equal("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request," +
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date," +
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41", auth);
    }

    [Fact]
    public void PutObjectWithABodyAndAKeyNeedingEncoding()
    {
        string payload = Hashes.Hex(Hashes.Sha256(Encoding.ASCII.GetBytes("Welcome to Amazon S3.")));
        string auth = Sign("PUT", "/test$file.text", [],
            [new("Date", "Fri, 24 May 2013 00:00:00 GMT"), new("x-amz-storage-class", "REDUCED_REDUNDANCY")], payload);
        Assert.EndsWith("SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class," +
            "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd", auth);
    }

    [Fact]
    public void GetBucketLifecycleAQueryWithoutValue()
    {
        string auth = Sign("GET", "/", [new("lifecycle", "")], [], SigV4.EmptyPayloadHash);
        Assert.EndsWith("Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543", auth);
    }

    [Fact]
    public void ListObjectsQueryParametersSorted()
    {
        string auth = Sign("GET", "/", [new("prefix", "J"), new("max-keys", "2")], [], SigV4.EmptyPayloadHash);
        Assert.EndsWith("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7", auth);
    }
}
