// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>LINKTYPE_NFLOG: Linux netfilter log messages (header, TLVs in host byte order, the logged IPv4/IPv6 packet).
/// </summary>
/// <remarks>Specification: the LINKTYPE_NFLOG description at tcpdump.org (linktypes/LINKTYPE_NFLOG), Linux's
/// nfnetlink_log attributes.</remarks>
internal static class Nflog
{
    private const int HeaderLen = 4, TlvLen = 4;

    private static void Header(PrintContext nd, int length)
    {
        nd.Print($"version {nd.U8(1)}, resource ID {nd.Be16(2)}");
        int family = nd.U8(0);
        string? name = family switch { 2 => "IPv4", 10 => "IPv6", _ => null };
        if (!nd.Settings.Quick) nd.Print($", family {name ?? "Unknown"} ({family})");
        else nd.Print($", {name ?? $"Unknown NFLOG (0x{family:x2})"}");
        nd.Print($", length {(uint)length}: ");
    }

    public static int IfPrint(PrintContext nd, int length, int caplen)
    {
        nd.Proto = "nflog";
        if (caplen < HeaderLen) { nd.PrintTrunc(); return caplen; }
        nd.Check(0, HeaderLen);
        if (nd.U8(1) != 0) { nd.Print($"version {nd.U8(1)} (unknown)"); return HeaderLen; }
        if (nd.Settings.LinkHeader) Header(nd, length);
        int p = HeaderLen, hsize = HeaderLen;
        uint len = (uint)(length - HeaderLen);
        uint cap = (uint)(caplen - HeaderLen);
        while (len > 0)
        {
            if (cap < TlvLen) { nd.PrintTrunc(); return hsize; }
            nd.Check(p, TlvLen);
            int size = nd.Le16(p);
            if (size % 4 != 0) size = (ushort)(size + 4 - size % 4);
            if (size < TlvLen || cap < size) { nd.PrintTrunc(); return hsize; }
            if (nd.Le16(p + 2) == 9)
            {
                p += TlvLen;
                hsize += TlvLen;
                len -= TlvLen;
                cap -= TlvLen;
                break;
            }
            p += size;
            hsize += size;
            len -= (uint)size;
            cap -= (uint)size;
        }
        switch (nd.U8(0))
        {
            case 2: Ip.Print(nd, p, (int)Math.Min(len, int.MaxValue)); break;
            case 10: Ip6.Print(nd, p, (int)Math.Min(len, int.MaxValue)); break;
            default:
                if (!nd.Settings.LinkHeader) Header(nd, (int)(len + HeaderLen));
                nd.DefaultPrint(p, (int)Math.Min(cap, int.MaxValue));
                break;
        }
        return hsize;
    }
}
