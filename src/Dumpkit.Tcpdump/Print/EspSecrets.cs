// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;

namespace Dumpkit.Tcpdump.Print;

/// <summary>One security association given with -E: an ESP SA (SPI and destination) or an IKEv2 SA (the two
/// cookies and the side); the cipher and the key; the length of the authenticator to cut off.</summary>
internal sealed class EspSa
{
    public uint Spi;
    public int AddrVersion;               // 4, 6, or 0 when not given
    public byte[] Addr = new byte[16];
    public bool Initiator;                // IKEv2
    public byte[] CookieI = new byte[8];  // IKEv2
    public byte[] CookieR = new byte[8];
    public EspCipherKind? Cipher;
    public int AuthLen;
    public byte[] Secret = new byte[256]; // zero-padded: a short key is completed with zeros
    private EspDecryptor? _decryptor;

    /// <summary>The SA's keyed cipher, made on its first packet.</summary>
    public EspDecryptor Decryptor => _decryptor ??= new EspDecryptor(Cipher!, Secret);

    public EspSa Clone()
    {
        var c = (EspSa)MemberwiseClone();
        c.Addr = (byte[])Addr.Clone();
        c.CookieI = (byte[])CookieI.Clone();
        c.CookieR = (byte[])CookieR.Clone();
        c.Secret = (byte[])Secret.Clone();
        c._decryptor = null;
        return c;
    }
}

/// <summary>A fatal printer error: tcpdump's message (after "tcpdump: ") and exit status.</summary>
internal sealed class PrinterFatalException(string message, int status) : Exception(message)
{
    public int Status => status;
}

/// <summary>
/// The -E argument as tcpdump 4.99.3 reads it (tcpdump(1), "-E spi@ipaddr algo:secret,..."): comma or newline
/// separated entries <c>SPI@ADDR ALGO:SECRET</c>, a lone <c>ALGO:SECRET</c> (the default SA), <c>file NAME</c>
/// (one entry a line, '#' comments) and <c>ikev2 I|R 0xICOOKIE 0xRCOOKIE AUTHALGO:KEY ALGO:KEY</c>. ALGO loses a
/// "-hmac96" suffix (12-byte authenticator) and a "-cbc" suffix before it is looked up as an OpenSSL cipher name;
/// SECRET is 0x-prefixed hex or the raw text. Bad entries are warnings and left out, as tcpdump's.
/// </summary>
internal sealed class EspSecrets
{
    public readonly List<EspSa> List = [];   // newest first, as tcpdump's list
    public EspSa? Default;
    private readonly TextWriter? _warn;

    private EspSecrets(TextWriter? warn) => _warn = warn;

    public static EspSecrets Parse(string secret, TextWriter? warn)
    {
        var s = new EspSecrets(warn);
        int p = 0;
        while (p < secret.Length)
        {
            int e = secret.IndexOfAny(['\n', ','], p);
            if (e < 0) e = secret.Length;
            s.OneSecret(secret[p..e], "cmdline", 0);
            p = e + 1;
        }
        return s;
    }

    private void Warn(string msg)
    {
        if (_warn == null) return;
        _warn.Write("tcpdump: WARNING: " + msg);
        if (!msg.EndsWith('\n')) _warn.Write('\n');
    }

    private static (string First, string? Tail) Sep(string s, string seps)
    {
        int i = s.IndexOfAny(seps.ToCharArray());
        return i < 0 ? (s, null) : (s[..i], s[(i + 1)..]);
    }

    private void OneSecret(string line, string file, int lineno)
    {
        var (spikey, rest) = Sep(line, " \t");
        var sa = new EspSa();
        bool isDefault = false;
        string? decode;
        string? key = spikey;
        if (rest == null)
        {
            decode = spikey;
            key = null;
            isDefault = true;
        }
        else decode = rest;

        if (key != null && key.Equals("file", StringComparison.OrdinalIgnoreCase))
        {
            ReadFile(rest!);
            return;
        }
        if (key != null && key.Equals("ikev2", StringComparison.OrdinalIgnoreCase))
        {
            IkeLine(rest!, file, lineno);
            return;
        }
        if (key != null)
        {
            var (spistr, addr) = Sep(key, "@");
            int used = StrToUl(spistr, out ulong spino);
            if (used == 0 || addr == null)
            {
                Warn($"print_esp: failed to decode spi# {spistr[used..]}\n");
                return;
            }
            sa.Spi = (uint)spino;
            if (StrToAddr6(addr, sa.Addr)) sa.AddrVersion = 6;
            else if (StrToAddr4(addr, sa.Addr)) sa.AddrVersion = 4;
            else
            {
                Warn($"print_esp: can not decode IP# {addr}\n");
                return;
            }
        }
        decode = decode.TrimStart(' ', '\t', '\n', '\v', '\f', '\r');
        if (!DecodeEncAlgo(decode, sa)) return;
        Add(sa, isDefault);
    }

    private void Add(EspSa sa, bool isDefault)
    {
        var n = sa.Clone();
        if (isDefault) Default = n;
        List.Insert(0, n);
    }

    private void ReadFile(string name)
    {
        name = System.Text.Encoding.UTF8.GetString(System.Text.Encoding.Latin1.GetBytes(name));   // -E's bytes back to a path
        byte[] data;
        try
        {
            data = File.ReadAllBytes(name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            var why = Cli.SystemErrors.StrError(Cli.SystemErrors.Errno(e, name) ?? 2);
            throw new PrinterFatalException($"esp_print_decode_onesecret: can't open {name}: {why}", 13);
        }
        int lineno = 0;
        foreach (var raw in System.Text.Encoding.Latin1.GetString(data).Split('\n'))
        {
            lineno++;
            if (raw.Length == 0 || raw[0] == '#') continue;
            OneSecret(raw, name, lineno);
        }
    }

    private void IkeLine(string line, string file, int lineno)
    {
        string?[] f = new string?[5];
        string? rest = line;
        for (int i = 0; i < 5 && rest != null; i++) (f[i], rest) = Sep(rest, " \t");
        if (f.Any(x => x == null))
        {
            Warn($"print_esp: failed to find all fields for ikev2 at {file}:{lineno}");
            return;
        }
        string init = f[0]!, ic = f[1]!, rc = f[2]!, auth = f[3]!, enc = f[4]!;
        if ((!init.StartsWith('I') && !init.StartsWith('R')) || !ic.StartsWith("0x", StringComparison.Ordinal)
            || !rc.StartsWith("0x", StringComparison.Ordinal) || ic.Length != 18 || rc.Length != 18)
        {
            Warn($"print_esp: line {file}:{lineno} improperly formatted.");
            Warn($"init={init} icookie={ic}({ic.Length}) rcookie={rc}({rc.Length})");
            return;
        }
        var sa = new EspSa { Initiator = init[0] == 'I' };
        if (DecodeHex(sa.CookieI, ic[2..]) != 8) return;
        if (DecodeHex(sa.CookieR, rc[2..]) != 8) return;
        if (!DecodeEncAlgo(enc, sa)) return;
        int colon = auth.IndexOf(':');
        if (colon < 0)
        {
            Warn($"failed to decode espsecret: {auth}\n");
            return;
        }
        string a = auth[..colon];
        if (a.Equals("sha1", StringComparison.OrdinalIgnoreCase) || a.Equals("md5", StringComparison.OrdinalIgnoreCase)) sa.AuthLen = 12;
        Add(sa, false);
    }

    private bool DecodeEncAlgo(string decode, EspSa sa)
    {
        int colon = decode.IndexOf(':');
        if (colon < 0)
        {
            Warn($"failed to decode espsecret: {decode}\n");
            return false;
        }
        string name = decode[..colon];
        int authLen = 0;
        if (name.Length > 7 && name.EndsWith("-hmac96", StringComparison.Ordinal))
        {
            name = name[..name.IndexOf("-hmac96", StringComparison.Ordinal)];
            authLen = 12;
        }
        if (name.Length > 4 && name.EndsWith("-cbc", StringComparison.Ordinal)) name = name[..name.IndexOf("-cbc", StringComparison.Ordinal)];
        var c = EspCipher.Lookup(name);
        if (c == null)
        {
            Warn($"failed to find cipher algo {name}\n");
            return false;
        }
        sa.Cipher = c;
        sa.AuthLen = authLen;
        string k = decode[(colon + 1)..];
        if (k.StartsWith("0x", StringComparison.Ordinal))
            return DecodeHex(sa.Secret, k[2..]) != 0;
        for (int i = 0; i < k.Length && i < sa.Secret.Length; i++) sa.Secret[i] = (byte)k[i];
        return true;
    }

    /// <summary>Hex pairs into buf; 0 when too long (a warning). A bad digit ends the run, as tcpdump's.</summary>
    private int DecodeHex(byte[] buf, string hex)
    {
        int len = hex.Length / 2;
        if (len > buf.Length)
        {
            Warn($"secret is too big: {len}\n");
            return 0;
        }
        int i = 0;
        for (int p = 0; p + 1 < hex.Length; p += 2) buf[i++] = (byte)(HexDigit(hex[p]) << 4 | HexDigit(hex[p + 1]));
        return i;
    }

    private static int HexDigit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => throw new PrinterFatalException($"invalid hex digit {c} in espsecret", 15),
    };

    /// <summary>strtoul(s, &amp;end, 0): the characters used (0 when no number).</summary>
    private static int StrToUl(string s, out ulong v)
    {
        v = 0;
        int i = 0;
        while (i < s.Length && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) i++;
        bool neg = false;
        if (i < s.Length && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
        int b = 10;
        if (i + 1 < s.Length && s[i] == '0' && (s[i + 1] | 0x20) == 'x' && i + 2 < s.Length && Uri.IsHexDigit(s[i + 2])) { b = 16; i += 2; }
        else if (i < s.Length && s[i] == '0') b = 8;
        int start = i;
        bool overflow = false;
        for (; i < s.Length; i++)
        {
            int d = s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : (s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z' ? (s[i] | 0x20) - 'a' + 10 : 99;
            if (d >= b) break;
            ulong nv = unchecked(v * (ulong)b + (ulong)d);
            if (v > (ulong.MaxValue - (ulong)d) / (ulong)b) overflow = true;
            v = nv;
        }
        if (i == start) { v = 0; return 0; }
        if (overflow) v = ulong.MaxValue;
        else if (neg) v = unchecked(0 - v);
        return i;
    }

    /// <summary>A dotted quad of decimal numbers 0-255 without leading zeros (inet_pton's form).</summary>
    private static bool StrToAddr4(string s, byte[] dst)
    {
        var parts = s.Split('.');
        if (parts.Length != 4) return false;
        for (int i = 0; i < 4; i++)
        {
            var p = parts[i];
            if (p.Length == 0 || p.Length > 3 || (p.Length > 1 && p[0] == '0') || !p.All(char.IsAsciiDigit)) return false;
            int v = int.Parse(p, CultureInfo.InvariantCulture);
            if (v > 255) return false;
            dst[i] = (byte)v;
        }
        return true;
    }

    private static bool StrToAddr6(string s, byte[] dst)
    {
        if (!s.Contains(':') || s.Contains('%') || s.Contains('/') || s.Contains('[')) return false;
        if (!System.Net.IPAddress.TryParse(s, out var a) || a.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return false;
        a.GetAddressBytes().CopyTo(dst, 0);
        return true;
    }
}
