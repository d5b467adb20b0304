// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Numerics;
using System.Text;

namespace Dumpkit.Tcpdump.Print;

/// <summary>What the OSI printers (CLNP, ES-IS, IS-IS) share: NSAP and system-ID text, the ISO 8473 Annex C
/// (Fletcher) checksum check, hex dumps that report a pointer past the capture, C's "%.3f".</summary>
/// <remarks>Specification: ISO/IEC 8473-1 Annex C (checksum), ISO/IEC 8348 (NSAP addresses), ISO/IEC 10589 (system IDs).</remarks>
internal static class Osi
{
    /// <summary>Thrown where tcpdump's OSI printers test the capture (ND_TCHECK) and end the PDU through their own
    /// "trunc" label: " [|proto]" follows and the packet ends normally, unlike a failed fetch.</summary>
    internal sealed class Truncated : Exception
    {
        public static readonly Truncated Instance = new();
        private Truncated() : base("PDU truncated") { }
    }

    /// <summary>ND_TCHECK: len bytes at off are captured, or <see cref="Truncated"/>.</summary>
    public static void Need(PrintContext nd, int off, int len)
    {
        if (!nd.TTest(off, len)) throw Truncated.Instance;
    }

    /// <summary>Runs a printer, turning <see cref="Truncated"/> into " [|proto]" and a normal end (true).</summary>
    public static bool Guard(PrintContext nd, Func<bool> print)
    {
        try
        {
            return print();
        }
        catch (Truncated)
        {
            nd.PrintTrunc();
            return true;
        }
    }

    /// <summary>An NSAP (or area address) of len bytes at off as tcpdump writes it: hex with a dot after the first
    /// byte and after every second one then; lengths outside 1..20 give tcpdump's complaint. Truncation throws.</summary>
    public static string Nsap(PrintContext nd, int off, int len)
    {
        nd.Check(off, len);
        if (len < 1 || len > 20) return "isonsap_string: illegal length";
        var sb = new StringBuilder(len * 3);
        for (int i = 0; i < len; i++)
        {
            sb.Append(nd.Buf[off + i].ToString("x2"));
            if ((i & 1) == 0 && i + 1 < len) sb.Append('.');
        }
        return sb.ToString();
    }

    /// <summary>A system ID (6 bytes), node ID (7) or LSP ID (8) at off: 1234.5678.9abc[.nn[-ff]].</summary>
    public static string Id(PrintContext nd, int off, int len)
    {
        var sb = new StringBuilder(20);
        int sys = Math.Min(6, len);
        for (int i = 0; i < sys; i++)
        {
            sb.Append(nd.U8(off + i).ToString("x2"));
            if (i == 1 || i == 3) sb.Append('.');
        }
        if (len >= 7) sb.Append('.').Append(nd.U8(off + 6).ToString("x2"));
        if (len == 8) sb.Append('-').Append(nd.U8(off + 7).ToString("x2"));
        return sb.ToString();
    }

    /// <summary>A link-level address of any length: "&lt;empty&gt;" or hex bytes joined by colons.</summary>
    public static string LinkAddr(PrintContext nd, int off, int len)
    {
        nd.Check(off, len);
        if (len == 0) return "<empty>";
        var sb = new StringBuilder(len * 3);
        for (int i = 0; i < len; i++)
        {
            if (i > 0) sb.Append(':');
            sb.Append(nd.Buf[off + i].ToString("x2"));
        }
        return sb.ToString();
    }

    /// <summary>print_unknown_data: false (after saying so) when off is already past the captured bytes.</summary>
    public static bool Unknown(PrintContext nd, int off, string indent, uint len)
    {
        if (!nd.TTest(off, 0))
        {
            nd.Print($"{indent}Dissector error: print_unknown_data called with pointer past end of packet");
            return false;
        }
        int n = (int)Math.Min(len, (uint)nd.Avail(off));
        HexDump.UnknownData(nd, off, indent, n);
        return true;
    }

    /// <summary>The checksum check after a printed checksum: " (unverified)" when it is zero or the bytes it covers
    /// are not all there, else " (correct)" or " (incorrect should be 0x....)".</summary>
    public static void PrintChecksum(PrintContext nd, int start, ushort checksum, int offset, uint length)
    {
        if (checksum == 0 || offset < 0 || !nd.TTest(start + offset, 2) || (uint)offset > length
            || length > int.MaxValue || !nd.TTest(start, (int)length))
        {
            nd.Print(" (unverified)");
            return;
        }
        ushort want = Fletcher(nd.Buf.AsSpan(start, (int)length), offset);
        if (want == checksum) nd.Print(" (correct)");
        else nd.Print($" (incorrect should be 0x{want:x4})");
    }

    /// <summary>The checksum octets an ISO 8473 sender puts at offset (whose own content does not count), with the
    /// 32-bit running sums of a C implementation.</summary>
    private static ushort Fletcher(ReadOnlySpan<byte> data, int offset)
    {
        uint sum = 0, weighted = 0;
        for (int i = 0; i < data.Length; i++)
        {
            if (i != offset && i != offset + 1) sum += data[i];
            weighted += sum;
        }
        sum %= 255;
        weighted %= 255;
        uint product = (uint)(data.Length - offset) * sum;
        int x = (int)(product - sum - weighted);
        int y = (int)(weighted - product - 1);
        if (y >= 0) y++;
        if (x < 0) x--;
        x %= 255;
        y %= 255;
        if (x == 0) x = 255;
        if (y == 0) y = 255;
        return (ushort)((x << 8) | (y & 0xff));
    }

    /// <summary>C's printf("%.3f") of a float promoted to double: exact decimal value, ties to even.</summary>
    public static string Fixed3(float f)
    {
        double v = f;
        if (double.IsNaN(v)) return BitConverter.SingleToInt32Bits(f) < 0 ? "-nan" : "nan";
        if (double.IsInfinity(v)) return v < 0 ? "-inf" : "inf";
        long bits = BitConverter.DoubleToInt64Bits(v);
        bool neg = bits < 0;
        int exp = (int)((bits >> 52) & 0x7ff);
        long mant = bits & 0xfffffffffffffL;
        if (exp == 0) exp = 1; else mant |= 1L << 52;
        exp -= 1075;
        BigInteger num = new BigInteger(mant) * 1000;
        BigInteger q;
        if (exp >= 0) q = num << exp;
        else
        {
            BigInteger den = BigInteger.One << -exp;
            q = BigInteger.DivRem(num, den, out BigInteger r);
            int c = (r * 2).CompareTo(den);
            if (c > 0 || (c == 0 && !q.IsEven)) q += 1;
        }
        string digits = q.ToString().PadLeft(4, '0');
        return (neg ? "-" : "") + digits[..^3] + "." + digits[^3..];
    }
}
