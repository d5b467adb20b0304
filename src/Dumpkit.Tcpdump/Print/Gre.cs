// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>GRE (IP protocol 47): version 0 with checksum, offset, key, sequence number and source route entries
/// (IP and AS), carrying IPv4, IPv6, MPLS, IPX, OSI (0x00fe) or Ethernet (0x6558); version 1, the enhanced GRE of
/// PPTP, carrying PPP. As tcpdump 4.99 prints them.</summary>
/// <remarks>Specification: RFC 1701, RFC 2784, RFC 2890 (key and sequence number), RFC 2637 (PPTP's enhanced GRE).</remarks>
internal static class Gre
{
    private static readonly Tok[] Flags =
    [
        new(0x8000, "checksum present"), new(0x4000, "routing present"), new(0x2000, "key present"),
        new(0x1000, "sequence# present"), new(0x0800, "source routing present"), new(0x0080, "ack present"),
    ];

    public static void Print(PrintContext nd, int bp, int length)
    {
        nd.Proto = "gre";
        uint len = (uint)length;
        if (!nd.TTest(bp, 2) || len < 2) { nd.PrintTrunc(); return; }
        int version = nd.Be16(bp) & 7;
        nd.Print($"GREv{version}");
        switch (version)
        {
            case 0: Version0(nd, bp, len); break;
            case 1: Version1(nd, bp, len); break;
            default: nd.Print(" ERROR: unknown-version"); break;
        }
    }

    private static void PrintFlags(PrintContext nd, int flags)
    {
        if (nd.Verbose == 0) return;
        nd.Print(", Flags [");
        Toks.Bits(nd, Flags, "none", (uint)flags);
        nd.Print("]");
    }

    /// <summary>The next field of n bytes is there; false (after " [|gre]", a normal end) when not captured or beyond the length.</summary>
    private static bool Field(PrintContext nd, int bp, uint len, int n)
    {
        if (nd.TTest(bp, n) && len >= n) return true;
        nd.PrintTrunc();
        return false;
    }

    private static void Version0(PrintContext nd, int bp, uint length)
    {
        uint len = length;
        int flags = nd.Be16(bp);
        PrintFlags(nd, flags);
        len -= 2; bp += 2;
        if (!Field(nd, bp, len, 2)) return;
        int proto = nd.Be16(bp);
        len -= 2; bp += 2;
        if ((flags & 0xc000) != 0)
        {
            if (!Field(nd, bp, len, 2)) return;
            if (nd.Verbose > 0) nd.Print($", sum 0x{nd.Be16(bp):x}");
            bp += 2; len -= 2;
            if (!Field(nd, bp, len, 2)) return;
            nd.Print($", off 0x{nd.Be16(bp):x}");
            bp += 2; len -= 2;
        }
        if ((flags & 0x2000) != 0)
        {
            if (!Field(nd, bp, len, 4)) return;
            nd.Print($", key=0x{nd.Be32(bp):x}");
            bp += 4; len -= 4;
        }
        if ((flags & 0x1000) != 0)
        {
            if (!Field(nd, bp, len, 4)) return;
            nd.Print($", seq {nd.Be32(bp)}");
            bp += 4; len -= 4;
        }
        if ((flags & 0x4000) != 0)
        {
            while (true)
            {
                if (!Field(nd, bp, len, 4)) return;
                int af = nd.Be16(bp);
                int sreOff = nd.U8(bp + 2), sreLen = nd.U8(bp + 3);
                bp += 4; len -= 4;
                if (af == 0 && sreLen == 0) break;
                if (!SourceRoute(nd, af, sreOff, sreLen, bp, len) || len < sreLen) { nd.PrintTrunc(); return; }
                bp += sreLen; len -= (uint)sreLen;
            }
        }
        if (nd.Settings.LinkHeader) nd.Print($", proto {Ether.TypeName(proto) ?? "unknown"} (0x{proto:x4})");
        nd.Print($", length {length}");
        nd.Print(nd.Verbose < 1 ? ": " : "\n\t");
        int n = (int)Math.Min(len, int.MaxValue);
        switch (proto)
        {
            case 0x0800: Ip.Print(nd, bp, n); break;
            case 0x86dd: Ip6.Print(nd, bp, n); break;
            case 0x8847: Mpls.Print(nd, bp, n); break;
            case 0x8137: Ipx.Print(nd, bp, n); break;
            case 0x00fe: Isoclns.Print(nd, bp, n); break;
            case 0x6558: Ether.Print(nd, bp, n, nd.Avail(bp)); break;
            default: nd.Print($"gre-proto-0x{proto:x}"); break;
        }
    }

    private static void Version1(PrintContext nd, int bp, uint length)
    {
        uint len = length;
        int flags = nd.Be16(bp);
        len -= 2; bp += 2;
        PrintFlags(nd, flags);
        if (!Field(nd, bp, len, 2)) return;
        int proto = nd.Be16(bp);
        len -= 2; bp += 2;
        if ((flags & 0x2000) != 0)
        {
            if (!Field(nd, bp, len, 4)) return;
            nd.Print($", call {nd.Be32(bp) & 0xffff}");
            len -= 4; bp += 4;
        }
        if ((flags & 0x1000) != 0)
        {
            if (!Field(nd, bp, len, 4)) return;
            nd.Print($", seq {nd.Be32(bp)}");
            bp += 4; len -= 4;
        }
        if ((flags & 0x0080) != 0)
        {
            if (!Field(nd, bp, len, 4)) return;
            nd.Print($", ack {nd.Be32(bp)}");
            bp += 4; len -= 4;
        }
        if ((flags & 0x1000) == 0) nd.Print(", no-payload");
        if (nd.Settings.LinkHeader) nd.Print($", proto {Ether.TypeName(proto) ?? "unknown"} (0x{proto:x4})");
        nd.Print($", length {length}");
        if ((flags & 0x1000) == 0) return;
        nd.Print(nd.Verbose < 1 ? ": " : "\n\t");
        if (proto == 0x880b) Ppp.Print(nd, bp, (int)Math.Min(len, int.MaxValue));
        else nd.Print($"gre-proto-0x{proto:x}");
    }

    /// <summary>One source route entry (RFC 1701): false when its addresses run past the capture or the length.</summary>
    private static bool SourceRoute(PrintContext nd, int af, int off, int sreLen, int bp, uint len)
    {
        if (af != 0x0800 && af != 0xfffe)
        {
            nd.Print($", (rtaf=0x{af:x})");
            return true;
        }
        bool ip = af == 0x0800;
        nd.Print(ip ? ", (rtaf=ip" : ", (rtaf=asn");
        int unit = ip ? 4 : 2;
        bool ok = true;
        if ((off & (unit - 1)) != 0) nd.Print($", badoffset={off}");
        else if ((sreLen & (unit - 1)) != 0) nd.Print($", badlength={sreLen}");
        else if (off >= sreLen) nd.Print($", badoff/len={off}/{sreLen}");
        else
        {
            for (int at = 0; sreLen != 0; at += unit, sreLen -= unit)
            {
                if (!nd.TTest(bp + at, unit) || len < unit) { ok = false; break; }
                nd.Print(at == off ? " *" : " ");
                if (ip) nd.Ip4Numeric(bp + at);
                else nd.Print($"{nd.Be16(bp + at):x}");
                len -= (uint)unit;
            }
        }
        nd.Print(")");
        return ok;
    }
}
