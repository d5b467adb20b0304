// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Org.BouncyCastle.Crypto.Digests;

namespace Dumpkit.Tcpdump.Print;

/// <summary>The TCP MD5 signature option (RFC 2385 section 2.0): MD5 over the pseudo-header, the TCP header
/// without options and with a zero checksum, the segment data and the -M secret; "valid", " (invalid)" or
/// "can't check - " and the digest, as tcpdump 4.99.3 built with OpenSSL (Debian's) prints it.</summary>
internal static class TcpSignature
{
    public static void Print(PrintContext nd, int iph, int bp, int data, int length, int sig)
    {
        switch (Verify(nd, iph, bp, data, length, sig))
        {
            case 0: nd.Print("valid"); break;
            case 1: nd.PrintInvalid(); break;
            default:
                nd.Print("can't check - ");
                for (int i = 0; i < 16; i++) nd.Out.PutHex2(nd.U8(sig + i));
                break;
        }
    }

    private static int Verify(PrintContext nd, int iph, int bp, int data, int length, int sig)
    {
        if ((long)data + (uint)length > nd.SnapEnd)
        {
            nd.Print("snaplen too short, ");
            return 2;
        }
        if (nd.Settings.SigSecret is not { } secret)
        {
            nd.Print("shared secret not supplied with -M, ");
            return 2;
        }
        var md5 = new MD5Digest();
        var buf = nd.Buf;
        int ver = iph >= 0 ? buf[iph] >> 4 : 0;
        if (ver == 4)
        {
            md5.BlockUpdate(buf, iph + 12, 8);
            md5.Update(0);
            md5.Update(buf[iph + 9]);
            int tlen = (ushort)(nd.Be16(iph + 2) - (buf[iph] & 0x0f) * 4);
            md5.Update((byte)(tlen >> 8));
            md5.Update((byte)tlen);
        }
        else if (ver == 6)
        {
            md5.BlockUpdate(buf, iph + 8, 32);
            int plen = nd.Be16(iph + 4);
            md5.BlockUpdate([0, 0, (byte)(plen >> 8), (byte)plen, 0, 0, 0, 6], 0, 8);
        }
        else
        {
            nd.Print("IP version not 4 or 6, ");
            return 2;
        }
        var hdr = nd.Bytes(bp, 20).ToArray();
        hdr[16] = hdr[17] = 0;
        md5.BlockUpdate(hdr, 0, 20);
        if (length > 0) md5.BlockUpdate(buf, data, length);
        var key = System.Text.Encoding.Latin1.GetBytes(secret);
        int nul = Array.IndexOf(key, (byte)0);
        md5.BlockUpdate(key, 0, nul < 0 ? key.Length : nul);
        var d = new byte[16];
        md5.DoFinal(d, 0);
        return nd.Bytes(sig, 16).SequenceEqual(d) ? 0 : 1;
    }
}
