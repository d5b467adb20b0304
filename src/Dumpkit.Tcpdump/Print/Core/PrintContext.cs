// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Dumpkit.Pcap.Capture;

namespace Dumpkit.Tcpdump.Print;

/// <summary>Thrown (one shared instance) when a printer reads past the captured bytes.</summary>
internal sealed class TruncatedException : Exception
{
    public static readonly TruncatedException Instance = new();
    private TruncatedException() : base("packet truncated") { }
}

/// <summary>Printer settings taken from the command line.</summary>
internal sealed class PrintSettings
{
    public int Verbose;
    public bool LinkHeader;      // -e
    public bool Quick;           // -q
    public bool AbsoluteSeq;     // -S
    public bool NoChecksum;      // -K
    public bool AsDot;           // -b: AS numbers in asdot notation
    public int HexAscii;         // -X count
    public int Hex;              // -x count
    public int Ascii;            // -A count
    public int TimeFormat;       // number of -t
    public bool Nano;            // print nanoseconds
    public bool Number;          // -#
    public string? ForcedType;   // -T
    public bool Mesh;            // -H: 802.11s mesh headers in QoS data frames
    public string? EspSecret;    // -E
    public string? SigSecret;    // -M
    /// <summary>Where printers' warnings go (tcpdump's ndo_warning), null to drop them.</summary>
    public TextWriter? Warnings;
    /// <summary>The time zone times inside packets are shown in where tcpdump uses localtime/ctime.</summary>
    public TimeZoneInfo Zone = TimeZoneInfo.Utc;
    /// <summary>Names for addresses, ports and protocols; null with -n (everything numeric).</summary>
    public NameResolver? Names;
    public bool SuppressDefault => HexAscii > 0 || Hex > 0 || Quick; // as tcpdump: -q, -x and -X (not -A) silence the raw dump of unknown payloads
}

/// <summary>
/// The dissection context (tcpdump's netdissect_options; printers take it as <c>nd</c>): settings, output,
/// the current packet, a bounds-checked reader over it and the state kept across packets.
/// Every read goes through the checked accessors; reading past the captured end throws
/// <see cref="TruncatedException"/>, which the packet loop turns into <c> [|proto]</c>.
/// </summary>
internal sealed class PrintContext
{
    /// <summary>What the command line asked for (-v, -e, -q, -x, ...).</summary>
    public readonly PrintSettings Settings;
    /// <summary>Where the printers write.</summary>
    public readonly Output Out;
    public byte[] Buf = new byte[SnapLength.Maximum];
    public int CapLen;
    public int SnapEnd;
    public string Proto = "";
    public int LinkHdrLen;

    public PrintContext(PrintSettings s, Output o)
    {
        Settings = s;
        Out = o;
    }

    /// <summary>The -v count.</summary>
    public int Verbose => Settings.Verbose;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Trunc() => throw TruncatedException.Instance;

    /// <summary>Bytes available from off to the current snap end (0 when past it).</summary>
    public int Avail(int off) => off >= SnapEnd ? 0 : SnapEnd - off;

    public bool TTest(int off, int len) => len >= 0 && off >= 0 && (long)off + len <= SnapEnd;

    public void Check(int off, int len)
    {
        if (!TTest(off, len)) Trunc();
    }

    public byte U8(int off)
    {
        if ((uint)off >= (uint)SnapEnd) Trunc();
        return Buf[off];
    }

    public ushort Be16(int off)
    {
        if (off < 0 || off + 2 > SnapEnd) Trunc();
        return BinaryPrimitives.ReadUInt16BigEndian(Buf.AsSpan(off));
    }

    public uint Be24(int off)
    {
        if (off < 0 || off + 3 > SnapEnd) Trunc();
        return (uint)(Buf[off] << 16 | Buf[off + 1] << 8 | Buf[off + 2]);
    }

    public uint Be32(int off)
    {
        if (off < 0 || off + 4 > SnapEnd) Trunc();
        return BinaryPrimitives.ReadUInt32BigEndian(Buf.AsSpan(off));
    }

    public ulong Be64(int off)
    {
        if (off < 0 || off + 8 > SnapEnd) Trunc();
        return BinaryPrimitives.ReadUInt64BigEndian(Buf.AsSpan(off));
    }

    public ulong Le64(int off)
    {
        if (off < 0 || off + 8 > SnapEnd) Trunc();
        return BinaryPrimitives.ReadUInt64LittleEndian(Buf.AsSpan(off));
    }

    public ushort Le16(int off)
    {
        if (off < 0 || off + 2 > SnapEnd) Trunc();
        return BinaryPrimitives.ReadUInt16LittleEndian(Buf.AsSpan(off));
    }

    public uint Le32(int off)
    {
        if (off < 0 || off + 4 > SnapEnd) Trunc();
        return BinaryPrimitives.ReadUInt32LittleEndian(Buf.AsSpan(off));
    }

    /// <summary>An IPv4 address at off, for an interpolated print (see <see cref="V4"/>).</summary>
    public V4 A4(int off) => new(Be32(off), Settings.Names);

    /// <summary>An IPv6 address at off, for an interpolated print (see <see cref="V6"/>).</summary>
    public V6 A6(int off)
    {
        Check(off, 16);
        return new(BinaryPrimitives.ReadUInt128BigEndian(Buf.AsSpan(off, 16)), Settings.Names);
    }

    public ReadOnlySpan<byte> Bytes(int off, int len)
    {
        Check(off, len);
        return Buf.AsSpan(off, len);
    }

    /// <summary>Narrows the snap end to off+len (never widens); returns the old value for <see cref="PopSnap"/>.</summary>
    public int PushSnap(int off, int len)
    {
        int old = SnapEnd;
        long end = (long)off + len;
        if (end < SnapEnd && end >= 0) SnapEnd = (int)end;
        return old;
    }

    public void PopSnap(int old) => SnapEnd = old;

    // ---- common output helpers ----
    public void Print(string s) => Out.Put(s);
    public void Print(char c) => Out.Put(c);
    public void Print([InterpolatedStringHandlerArgument("")] ref OutHandler h) => Out.Pending = -1;

    public void PrintTrunc() { Out.AbortPending(); Out.Put(" [|"); Out.Put(Proto); Out.Put(']'); }
    public void PrintInvalid() => Out.Put(" (invalid)");

    /// <summary>Prints the IPv4 address at off: its name unless -n (tcpdump's ipaddr_string).</summary>
    public void Ip4(int off)
    {
        Check(off, 4);
        Ip4Unchecked(off);
    }

    public void Ip4Unchecked(int off)
    {
        if (Settings.Names is { } n) { Out.Put(n.Host4(BinaryPrimitives.ReadUInt32BigEndian(Buf.AsSpan(off)))); return; }
        Ip4Numeric(off);
    }

    /// <summary>Prints the IPv4 address at off as a number whatever -n says (where tcpdump never resolves).</summary>
    public void Ip4Numeric(int off)
    {
        Check(off, 4);
        Out.PutU(Buf[off]); Out.Put('.'); Out.PutU(Buf[off + 1]); Out.Put('.'); Out.PutU(Buf[off + 2]); Out.Put('.'); Out.PutU(Buf[off + 3]);
    }

    /// <summary>Prints the MAC address at off: without -n its /etc/ethers name or the address and its OUI's name
    /// (tcpdump's etheraddr_string).</summary>
    public void Mac(int off)
    {
        Check(off, 6);
        if (Settings.Names is { } n) { Out.Put(n.Mac(Buf.AsSpan(off, 6))); return; }
        for (int i = 0; i < 6; i++)
        {
            if (i > 0) Out.Put(':');
            Out.PutHex2(Buf[off + i]);
        }
    }

    /// <summary>Prints the IPv6 address at off: its name unless -n (tcpdump's ip6addr_string).</summary>
    public void Ip6(int off)
    {
        Check(off, 16);
        if (Settings.Names?.Host6(Buf.AsSpan(off, 16)) is { } name) { Out.Put(name); return; }
        Ip6Format.Write(Out, Buf.AsSpan(off, 16));
    }

    /// <summary>An IPv4 address held outside the packet, as tcpdump's ipaddr_string gives it (named unless -n).</summary>
    public string Ip4String(uint a) => new V4(a, Settings.Names).ToString();

    /// <summary>An IPv6 address held outside the packet, as tcpdump's ip6addr_string gives it (named unless -n).</summary>
    public string Ip6String(ReadOnlySpan<byte> a)
    {
        if (Settings.Names?.Host6(a) is { } name) return System.Text.Encoding.Latin1.GetString(name);
        return Ip6Format.ToText(a);
    }

    /// <summary>Prints the IPv6 address at off as a number whatever -n says (where tcpdump never resolves).</summary>
    public void Ip6Numeric(int off)
    {
        Check(off, 16);
        Ip6Format.Write(Out, Buf.AsSpan(off, 16));
    }

    /// <summary>Prints bytes as hex with a separator, e.g. for link addresses of any length.</summary>
    public void HexColon(int off, int len)
    {
        Check(off, len);
        for (int i = 0; i < len; i++)
        {
            if (i > 0) Out.Put(':');
            Out.PutHex2(Buf[off + i]);
        }
    }

    public void DefaultPrint(int off, int len)
    {
        if (!Settings.SuppressDefault) HexDump.HexAscii(this, "\n\t", off, len);
    }

    // ---- state kept across packets, one object per protocol (see ProtocolState.cs) ----
    /// <summary>TCP: the first sequence numbers of each connection, for relative numbers.</summary>
    public readonly TcpState Tcp = new();
    /// <summary>Compressed SLIP: the last connection and payload lengths.</summary>
    public readonly SlipState Slip = new();
    /// <summary>ISAKMP: the initiator cookies seen so far.</summary>
    public readonly IsakmpState Isakmp = new();
    /// <summary>NFS: the last calls, to decode their replies.</summary>
    public readonly NfsState Nfs = new();
    /// <summary>Rx: the last AFS calls, to decode their replies.</summary>
    public readonly RxState Rx = new();
    /// <summary>ESP: the -E security associations, read at the first ESP or ISAKMP packet.</summary>
    public EspSecrets? EspSa;
    public bool EspSecretRead;
}

internal static class Ip6Format
{
    // Text of an address held outside the output: formatted here, one small buffer per thread (an Output's own is 64 KiB,
    // and allocating one per address made every IPv6 address printed through an interpolation cost a 64 KiB clear).
    [ThreadStatic] private static Output? t_scratch;

    private static Output Scratch(ReadOnlySpan<byte> a)
    {
        var o = t_scratch ??= new Output(Stream.Null, 64);
        o.Truncate(0);
        Write(o, a);
        return o;
    }

    /// <summary>The address as text (see <see cref="Write"/>).</summary>
    public static string ToText(ReadOnlySpan<byte> a) => Scratch(a).ToString();

    /// <summary>The address as text into <paramref name="d"/>; false when it does not fit.</summary>
    public static bool TryWrite(ReadOnlySpan<byte> a, Span<byte> d, out int w)
    {
        var text = Scratch(a).Written;
        w = 0;
        if (text.Length > d.Length) return false;
        text.CopyTo(d);
        w = text.Length;
        return true;
    }

    /// <summary>RFC 5952-ish text form as inet_ntop produces it (longest zero run compressed, IPv4-mapped tail).</summary>
    public static void Write(Output o, ReadOnlySpan<byte> a)
    {
        Span<ushort> w = stackalloc ushort[8];
        for (int i = 0; i < 8; i++) w[i] = (ushort)(a[2 * i] << 8 | a[2 * i + 1]);
        int bestBase = -1, bestLen = 0, curBase = -1, curLen = 0;
        for (int i = 0; i < 8; i++)
        {
            if (w[i] == 0)
            {
                if (curBase == -1) { curBase = i; curLen = 1; } else curLen++;
            }
            else if (curBase != -1)
            {
                if (bestBase == -1 || curLen > bestLen) { bestBase = curBase; bestLen = curLen; }
                curBase = -1;
            }
        }
        if (curBase != -1 && (bestBase == -1 || curLen > bestLen)) { bestBase = curBase; bestLen = curLen; }
        if (bestBase != -1 && bestLen < 2) bestBase = -1;
        for (int i = 0; i < 8; i++)
        {
            if (bestBase != -1 && i >= bestBase && i < bestBase + bestLen)
            {
                if (i == bestBase) o.Put(':');
                continue;
            }
            if (i != 0) o.Put(':');
            if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xffff)))
            {
                o.PutU(a[12]); o.Put('.'); o.PutU(a[13]); o.Put('.'); o.PutU(a[14]); o.Put('.'); o.PutU(a[15]);
                return;
            }
            o.Put($"{w[i]:x}");
        }
        if (bestBase != -1 && bestBase + bestLen == 8) o.Put(':');
    }
}
