// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace Dumpkit.Kdump.S3;

/// <summary>
/// SHA-256, MD5 and HMAC-SHA256 in managed code (BouncyCastle): System.Security.Cryptography calls OpenSSL on Linux,
/// which a capture kernel's initramfs does not have.
/// </summary>
public static class Hashes
{
    public static byte[] Sha256(ReadOnlySpan<byte> data) => Digest(new Sha256Digest(), data);

    public static byte[] Md5(ReadOnlySpan<byte> data) => Digest(new MD5Digest(), data);

    public static byte[] HmacSha256(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        var mac = new HMac(new Sha256Digest());
        mac.Init(new KeyParameter(key.ToArray()));
        mac.BlockUpdate(data);
        var result = new byte[mac.GetMacSize()];
        mac.DoFinal(result, 0);
        return result;
    }

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    private static byte[] Digest(IDigest d, ReadOnlySpan<byte> data)
    {
        d.BlockUpdate(data);
        var result = new byte[d.GetDigestSize()];
        d.DoFinal(result, 0);
        return result;
    }
}

/// <summary>A SHA-256 fed piece by piece (the whole flattened dump as it streams by).</summary>
public sealed class Sha256Stream
{
    private readonly Sha256Digest _digest = new();

    public long Length { get; private set; }

    public void Update(ReadOnlySpan<byte> data)
    {
        _digest.BlockUpdate(data);
        Length += data.Length;
    }

    public string HexDigest()
    {
        var result = new byte[_digest.GetDigestSize()];
        _digest.DoFinal(result, 0);
        return Hashes.Hex(result);
    }
}
