// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace Dumpkit.Tcpdump.Print;

/// <summary>A cipher -E can name, with OpenSSL's key, IV and block lengths for it.</summary>
internal sealed record EspCipherKind(string Engine, string Mode, int KeyLen, int IvLen, int BlockSize);

/// <summary>
/// The ciphers of -E, by the OpenSSL 3 names (case-insensitive) Debian's tcpdump finds with EVP_get_cipherbyname
/// in its default provider: 3DES (des-ede3-cbc as "3des"/"des3", des-ede3 in ECB), AES and Camellia in CBC, and AES in
/// ECB/CTR/OFB/CFB (NIST SP 800-38A modes). The legacy-provider ciphers (DES, Blowfish, CAST, RC4) are not offered:
/// Debian's tcpdump cannot initialize them either. Decryption is BouncyCastle's managed code, no native library.
/// </summary>
internal static class EspCipher
{
    private static readonly Dictionary<string, EspCipherKind> Names = Build();

    private static Dictionary<string, EspCipherKind> Build()
    {
        var d = new Dictionary<string, EspCipherKind>(StringComparer.OrdinalIgnoreCase);
        var des3 = new EspCipherKind("des-ede3", "cbc", 24, 8, 8);
        d["3des"] = des3;
        d["des3"] = des3;
        d["des-ede3-cbc"] = des3;
        d["des-ede3"] = new EspCipherKind("des-ede3", "ecb", 24, 0, 8);
        d["des-ede3-ecb"] = d["des-ede3"];
        foreach (int bits in new[] { 128, 192, 256 })
        {
            var cbc = new EspCipherKind("aes", "cbc", bits / 8, 16, 16);
            d[$"aes{bits}"] = cbc;
            d[$"aes-{bits}-cbc"] = cbc;
            d[$"aes-{bits}-ecb"] = new EspCipherKind("aes", "ecb", bits / 8, 0, 16);
            d[$"aes-{bits}-ctr"] = new EspCipherKind("aes", "ctr", bits / 8, 16, 1);
            d[$"aes-{bits}-ofb"] = new EspCipherKind("aes", "ofb", bits / 8, 16, 1);
            d[$"aes-{bits}-cfb"] = new EspCipherKind("aes", "cfb", bits / 8, 16, 1);
            var cam = new EspCipherKind("camellia", "cbc", bits / 8, 16, 16);
            d[$"camellia{bits}"] = cam;
            d[$"camellia-{bits}-cbc"] = cam;
        }
        return d;
    }

    public static EspCipherKind? Lookup(string name) => Names.GetValueOrDefault(name);
}

/// <summary>
/// One SA's cipher, keyed once: each packet gives only its IV (BouncyCastle keeps a mode's key schedule when the IV
/// comes without a key), and decrypts into the caller's buffer, so a capture decrypts without allocating per packet.
/// </summary>
internal sealed class EspDecryptor
{
    private readonly EspCipherKind _c;
    private readonly KeyParameter _key;
    private readonly IBlockCipher _engine;
    private readonly IBlockCipher? _cbc;
    private readonly BufferedBlockCipher? _stream;
    private readonly byte[] _iv;
    private bool _keyed;

    public EspDecryptor(EspCipherKind c, byte[] secret)
    {
        _c = c;
        _key = new KeyParameter(secret, 0, c.KeyLen);
        _iv = new byte[c.IvLen];
        _engine = c.Engine switch
        {
            "aes" => new AesEngine(),
            "camellia" => new CamelliaEngine(),
            _ => new DesEdeEngine(),
        };
        switch (c.Mode)
        {
            case "ecb":
                break;
            case "cbc":
                _cbc = new CbcBlockCipher(_engine);
                break;
            default:
                _stream = new BufferedBlockCipher(c.Mode switch
                {
                    "ctr" => new SicBlockCipher(_engine),
                    "ofb" => new OfbBlockCipher(_engine, 128),
                    _ => new CfbBlockCipher(_engine, 128),
                });
                break;
        }
    }

    /// <summary>Decrypts ct (a whole number of blocks) into pt (as long), with the IV (IvLen bytes); no padding removed.</summary>
    public void Decrypt(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ct, Span<byte> pt)
    {
        if (_c.Mode == "ecb")
        {
            if (!_keyed) _engine.Init(false, _key);
            _keyed = true;
            for (int i = 0; i < ct.Length; i += _c.BlockSize) _engine.ProcessBlock(ct[i..], pt[i..]);
            return;
        }
        iv[.._c.IvLen].CopyTo(_iv);
        // the key on the first packet only: after it the IV alone re-initialises the mode over the keyed engine
        var p = new ParametersWithIV(_keyed ? null : _key, _iv);
        _keyed = true;
        if (_cbc is not null)
        {
            _cbc.Init(false, p);
            for (int i = 0; i < ct.Length; i += _c.BlockSize) _cbc.ProcessBlock(ct[i..], pt[i..]);
            return;
        }
        _stream!.Init(false, p);
        int n = _stream.ProcessBytes(ct, pt);
        _stream.DoFinal(pt[n..]);
    }
}
