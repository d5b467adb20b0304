// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>IP Encapsulating Security Payload (RFC 4303): the SPI and sequence number of the header and, with -E
/// secrets (see <see cref="EspSecrets"/>), the decrypted payload: the IV after the header, the authenticator
/// (-hmac96: 12 bytes) cut off the end, the trailer's pad length and next header (RFC 4303 section 2.4-2.6), and
/// the inner packet printed by the IP demultiplexer, as tcpdump 4.99.3 does.</summary>
internal static class Esp
{
    public static void Print(PrintContext nd, int bp, int length, int iph = -1, int ver = 0, bool fragmented = false, int ttl = 0)
    {
        nd.Proto = "esp";
        if (bp + 8 >= nd.SnapEnd)
        {
            nd.PrintTrunc();
            return;
        }
        nd.Print($"ESP(spi=0x{nd.Be32(bp):x8}");
        nd.Print($",seq=0x{nd.Be32(bp + 4):x})");
        nd.Print($", length {(uint)length}");
        if (iph >= 0) Decrypt(nd, bp, iph, ver, fragmented, ttl);
    }

    /// <summary>The -E secrets, read once at the first packet that needs them.</summary>
    public static EspSecrets? Secrets(PrintContext nd)
    {
        if (!nd.EspSecretRead && nd.Settings.EspSecret is { } s)
        {
            nd.EspSecretRead = true;
            nd.EspSa = EspSecrets.Parse(s, nd.Settings.Warnings);
        }
        return nd.EspSa;
    }

    private static void Decrypt(PrintContext nd, int bp, int iph, int ver, bool fragmented, int ttl)
    {
        var secrets = Secrets(nd);
        if (secrets == null || secrets.List.Count == 0) return;
        uint spi = nd.Be32(bp);
        EspSa? sa = null;
        switch (ver)
        {
            case 6:
                if (nd.Be16(iph + 4) == 0) return;
                sa = Find(nd, secrets, spi, 6, iph + 24, 16);
                break;
            case 4:
                if (fragmented) return;
                sa = Find(nd, secrets, spi, 4, iph + 16, 4);
                break;
            default:
                return;
        }
        sa ??= secrets.Default;
        if (sa?.Cipher is not { } cipher) return;
        int iv = bp + 8;
        int ct = iv + cipher.IvLen;
        int ep = nd.SnapEnd;
        if (ep - ct < sa.AuthLen)
        {
            nd.PrintTrunc();
            return;
        }
        ep -= sa.AuthLen;
        int payloadLen = ep - ct;
        var pt = Run(nd, "esp_print", sa, iv, ct, payloadLen);
        if (pt == null) return;
        if (payloadLen < 2 || pt[payloadLen - 2] + 2 > payloadLen)
        {
            nd.PrintTrunc();
            return;
        }
        int padLen = pt[payloadLen - 2];
        int nh = pt[payloadLen - 1];
        nd.Print(": ");
        int innerLen = payloadLen - (padLen + 2);
        // the plaintext takes the ciphertext's place while the inner packet is printed, then the captured bytes
        // come back (for -x and the next printer); the snap end is the end of the inner packet
        var saved = nd.Buf.AsSpan(ct, payloadLen).ToArray();
        int savedEnd = nd.SnapEnd;
        pt.AsSpan(0, payloadLen).CopyTo(nd.Buf.AsSpan(ct));
        nd.SnapEnd = ct + innerLen;
        try
        {
            Ip.Demux(nd, ct, innerLen, ver, fragmented, ttl, nh, iph);
        }
        finally
        {
            saved.CopyTo(nd.Buf.AsSpan(ct));
            nd.SnapEnd = savedEnd;
        }
    }

    private static EspSa? Find(PrintContext nd, EspSecrets secrets, uint spi, int version, int dst, int len)
    {
        var d = nd.Bytes(dst, len);
        foreach (var sa in secrets.List)
            if (sa.Spi == spi && sa.AddrVersion == version && d.SequenceEqual(sa.Addr.AsSpan(0, len))) return sa;
        return null;
    }

    /// <summary>do_decrypt: the plaintext of ctLen bytes at ct, or null after a warning.</summary>
    public static byte[]? Run(PrintContext nd, string caller, EspSa sa, int iv, int ct, int ctLen)
    {
        var c = sa.Cipher!;
        if (ctLen % c.BlockSize != 0)
        {
            Warn(nd, $"{caller}: ciphertext size {(uint)ctLen} is not a multiple of the cipher block size {c.BlockSize}");
            return null;
        }
        return EspCipher.Decrypt(c, sa.Secret, nd.Buf.AsSpan(iv, c.IvLen), nd.Buf.AsSpan(ct, ctLen));
    }

    public static void Warn(PrintContext nd, string msg) => nd.Settings.Warnings?.WriteLine("tcpdump: WARNING: " + msg);
}
