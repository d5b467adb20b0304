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

    /// <summary>Decrypts ct (a whole number of blocks) with the SA's key and the IV (IvLen bytes), no padding removed.</summary>
    public static byte[] Decrypt(EspCipherKind c, byte[] secret, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ct)
    {
        IBlockCipher engine = c.Engine switch
        {
            "aes" => new AesEngine(),
            "camellia" => new CamelliaEngine(),
            _ => new DesEdeEngine(),
        };
        var key = new KeyParameter(secret, 0, c.KeyLen);
        var pt = new byte[ct.Length];
        if (c.Mode == "ecb")
        {
            engine.Init(false, key);
            for (int i = 0; i < ct.Length; i += c.BlockSize) engine.ProcessBlock(ct[i..], pt.AsSpan(i));
            return pt;
        }
        var p = new ParametersWithIV(key, iv[..c.IvLen].ToArray());
        if (c.Mode == "cbc")
        {
            var cbc = new CbcBlockCipher(engine);
            cbc.Init(false, p);
            for (int i = 0; i < ct.Length; i += c.BlockSize) cbc.ProcessBlock(ct[i..], pt.AsSpan(i));
            return pt;
        }
        IBlockCipherMode mode = c.Mode switch
        {
            "ctr" => new SicBlockCipher(engine),
            "ofb" => new OfbBlockCipher(engine, 128),
            _ => new CfbBlockCipher(engine, 128),
        };
        var s = new BufferedBlockCipher(mode);
        s.Init(false, p);
        byte[] input = ct.ToArray();
        int n = s.ProcessBytes(input, 0, input.Length, pt, 0);
        s.DoFinal(pt, n);
        return pt;
    }
}
