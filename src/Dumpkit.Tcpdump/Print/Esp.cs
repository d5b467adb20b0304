// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers;

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
        try
        {
            if (payloadLen < 2 || pt[payloadLen - 2] + 2 > payloadLen)
            {
                nd.PrintTrunc();
                return;
            }
            int padLen = pt[payloadLen - 2];
            int nh = pt[payloadLen - 1];
            nd.Print(": ");
            int innerLen = payloadLen - (padLen + 2);
            // the snap end is the end of the inner packet while it is printed
            int savedEnd = PutPlaintext(nd, ct, payloadLen, pt, ct + innerLen);
            try
            {
                Ip.Demux(nd, ct, innerLen, ver, fragmented, ttl, nh, iph);
            }
            finally
            {
                PutBack(nd, ct, payloadLen, pt, savedEnd);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(pt);
        }
    }

    /// <summary>
    /// The plaintext (<paramref name="pt"/>'s first <paramref name="len"/> bytes) takes the ciphertext's place at
    /// <paramref name="at"/>, and the snap end moves to <paramref name="snapEnd"/>, while the inner data is printed: the
    /// two are swapped (no copy of the packet is made). Returns the snap end for <see cref="PutBack"/>.
    /// </summary>
    public static int PutPlaintext(PrintContext nd, int at, int len, byte[] pt, int snapEnd)
    {
        var place = nd.Buf.AsSpan(at, len);
        var text = pt.AsSpan(0, len);
        for (int i = 0; i < len; i++) (place[i], text[i]) = (text[i], place[i]);
        int savedEnd = nd.SnapEnd;
        nd.SnapEnd = snapEnd;
        return savedEnd;
    }

    /// <summary>The captured bytes back in their place (for -x and the next printer), and the snap end.</summary>
    public static void PutBack(PrintContext nd, int at, int len, byte[] pt, int savedEnd)
    {
        pt.AsSpan(0, len).CopyTo(nd.Buf.AsSpan(at, len));
        nd.SnapEnd = savedEnd;
    }

    private static EspSa? Find(PrintContext nd, EspSecrets secrets, uint spi, int version, int dst, int len)
    {
        var d = nd.Bytes(dst, len);
        foreach (var sa in secrets.List)
            if (sa.Spi == spi && sa.AddrVersion == version && d.SequenceEqual(sa.Addr.AsSpan(0, len))) return sa;
        return null;
    }

    /// <summary>
    /// do_decrypt: the plaintext of ctLen bytes at ct in a buffer rented from <see cref="ArrayPool{T}.Shared"/> (at least
    /// ctLen long; the caller returns it), or null after a warning.
    /// </summary>
    public static byte[]? Run(PrintContext nd, string caller, EspSa sa, int iv, int ct, int ctLen)
    {
        var c = sa.Cipher!;
        if (ctLen % c.BlockSize != 0)
        {
            Warn(nd, $"{caller}: ciphertext size {(uint)ctLen} is not a multiple of the cipher block size {c.BlockSize}");
            return null;
        }
        var pt = ArrayPool<byte>.Shared.Rent(ctLen);
        sa.Decryptor.Decrypt(nd.Buf.AsSpan(iv, c.IvLen), nd.Buf.AsSpan(ct, ctLen), pt.AsSpan(0, ctLen));
        return pt;
    }

    public static void Warn(PrintContext nd, string msg) => nd.Settings.Warnings?.WriteLine("tcpdump: WARNING: " + msg);
}
