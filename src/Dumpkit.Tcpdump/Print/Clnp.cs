// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>CLNP, the OSI connectionless network protocol: fixed header, addresses, segmentation part, options
/// (source routing / route recording, QoS, security, priority, discard reason), the original PDU inside an
/// error report, as tcpdump 4.99 prints them.</summary>
/// <remarks>Specification: ISO/IEC 8473-1 (ITU-T X.233).</remarks>
internal static class Clnp
{
    private const int HeaderSize = 9;

    private static readonly Tok[] PduTypes =
        [new(1, "Error Report"), new(29, "MD"), new(28, "Data"), new(30, "Echo Request"), new(31, "Echo Response")];

    private static readonly Tok[] Options =
    [
        new(193, "Discard Reason"), new(205, "Priority"), new(195, "QoS Maintenance"), new(197, "Security"),
        new(200, "Source Routing"), new(203, "Route Recording"), new(204, "Padding"),
    ];

    private static readonly Tok[] Flags = [new(0x80, "Segmentation permitted"), new(0x40, "more Segments"), new(0x20, "request Error Report")];

    private static readonly Tok[] Scopes =
        [new(0x40, "Source Address Specific"), new(0x80, "Destination Address Specific"), new(0xc0, "Globally unique")];

    private static readonly Tok[] QosGlobal =
    [
        new(0x20, "reserved"), new(0x10, "sequencing vs. delay"), new(0x08, "congested"), new(0x04, "delay vs. cost"),
        new(0x02, "error vs. delay"), new(0x01, "error vs. cost"),
    ];

    private static readonly Tok[] ErrorClasses =
        [new(0, "General"), new(8, "Address"), new(9, "Source Routeing"), new(10, "Lifetime"), new(11, "PDU Discarded"), new(12, "Reassembly")];

    private static Tok[]? ErrorReasons(int cls) => cls switch
    {
        0 =>
        [
            new(0, "Reason not specified"), new(1, "Protocol procedure error"), new(2, "Incorrect checksum"),
            new(3, "PDU discarded due to congestion"), new(4, "Header syntax error (cannot be parsed)"),
            new(5, "Segmentation needed but not permitted"), new(6, "Incomplete PDU received"), new(7, "Duplicate option"),
        ],
        8 => [new(0, "Destination address unreachable"), new(1, "Destination address unknown")],
        9 =>
        [
            new(0, "Unspecified source routeing error"), new(1, "Syntax error in source routeing field"),
            new(2, "Unknown address in source routeing field"), new(3, "Path not acceptable"),
        ],
        10 => [new(0, "Lifetime expired while data unit in transit"), new(1, "Lifetime expired during reassembly")],
        11 =>
        [
            new(0, "Unsupported option not specified"), new(1, "Unsupported protocol version"), new(2, "Unsupported security option"),
            new(3, "Unsupported source routeing option"), new(4, "Unsupported recording of route option"),
        ],
        12 => [new(0, "Reassembly interference")],
        _ => null,
    };

    private static string PduName(uint t) => Toks.Find(PduTypes, t) ?? $"unknown ({t})";

    /// <summary>Prints the CLNP PDU at p; false when the header is unusable (the caller then dumps the bytes).</summary>
    public static bool Print(PrintContext nd, int p, uint length)
    {
        nd.Proto = "clnp";
        return Osi.Guard(nd, () => PrintPdu(nd, p, length));
    }

    private static bool PrintPdu(PrintContext nd, int p, uint length)
    {
        Osi.Need(nd, p, HeaderSize);
        int start = p;
        uint li = nd.U8(p + 1);
        bool e = nd.Settings.LinkHeader;
        if (!e) nd.Print("CLNP");
        int version = nd.U8(p + 2);
        if (version != 1)
        {
            nd.Print($"version {version} packet not supported");
            return false;
        }
        if (li > length)
        {
            nd.Print($" length indicator({li}) > PDU size ({length})!");
            return false;
        }
        if (li < HeaderSize)
        {
            nd.Print($" length indicator {li} < min PDU size:");
            for (int q = p; q < nd.SnapEnd; q++) nd.Print($"{nd.Buf[q]:X2}");
            return false;
        }
        int type = nd.U8(p + 4);
        uint pduType = (uint)(type & 0x1f);
        uint flags = (uint)(type & 0xe0);
        p += HeaderSize;
        uint rest = li - HeaderSize;
        const string Short = "li < size of fixed part of CLNP header and addresses";
        if (rest < 1) { nd.Print(Short); return false; }
        int dstLen = nd.U8(p);
        p++; rest--;
        if (rest < dstLen) { nd.Print(Short); return false; }
        Osi.Need(nd, p, dstLen);
        int dst = p;
        p += dstLen; rest -= (uint)dstLen;
        if (rest < 1) { nd.Print(Short); return false; }
        int srcLen = nd.U8(p);
        p++; rest--;
        if (rest < srcLen) { nd.Print(Short); return false; }
        Osi.Need(nd, p, srcLen);
        int src = p;
        p += srcLen; rest -= (uint)srcLen;

        if (nd.Verbose < 1)
        {
            string s = Osi.Nsap(nd, src, srcLen), d = Osi.Nsap(nd, dst, dstLen);
            nd.Print($"{(e ? "" : ", ")}{s} > {d}, {PduName(pduType)}, length {length}");
            return true;
        }
        nd.Print($"{(e ? "" : ", ")}length {length}");
        ushort cksum = nd.Be16(start + 7);
        nd.Print($"\n\t{PduName(pduType)} PDU, hlen: {li}, v: {version}, lifetime: {nd.U8(start + 3) / 2}.");
        nd.Print($"{nd.U8(start + 3) % 2 * 5}s, Segment PDU length: {nd.Be16(start + 5)}, checksum: 0x{cksum:x4}");
        Osi.PrintChecksum(nd, start, cksum, 7, li);
        nd.Print("\n\tFlags [");
        Toks.Bits(nd, Flags, "none", flags);
        nd.Print("]");
        string sa = Osi.Nsap(nd, src, srcLen), da = Osi.Nsap(nd, dst, dstLen);
        nd.Print($"\n\tsource address (length {srcLen}): {sa}\n\tdest   address (length {dstLen}): {da}");

        if ((flags & 0x80) != 0)
        {
            if (rest < 6)
            {
                nd.Print("li < size of fixed part of CLNP header, addresses, and segment part");
                return false;
            }
            Osi.Need(nd, p, 6);
            nd.Print($"\n\tData Unit ID: 0x{nd.Be16(p):x4}, Segment Offset: {nd.Be16(p + 2)}, Total PDU Length: {nd.Be16(p + 4)}");
            p += 6; rest -= 6;
        }

        while (rest != 0)
        {
            if (rest < 2) { nd.Print(", bad opts/li"); return false; }
            int op = nd.U8(p);
            int opLen = nd.U8(p + 1);
            p += 2; rest -= 2;
            if (opLen > rest) { nd.Print($", opt ({op}) too long"); return false; }
            Osi.Need(nd, p, opLen);
            rest -= (uint)opLen;
            nd.Print($"\n\t  {Toks.Find(Options, (uint)op) ?? "Unknown"} Option #{op}, length {opLen}, value: ");
            if (!PrintOption(nd, op, p, opLen)) return false;
            if (nd.Verbose > 1) HexDump.UnknownData(nd, p, "\n\t  ", opLen);
            p += opLen;
        }

        if ((pduType == 1 || pduType == 31) && nd.U8(p) == 0x81)
        {
            nd.Print("\n\t-----original packet-----\n\t");
            Print(nd, p, length - li);
            return true;
        }
        if (length > (uint)(p - start))
        {
            nd.Print($"\n\t  undecoded non-header data, length {length - li}");
            Osi.Unknown(nd, p, "\n\t  ", length - (uint)(p - start));
        }
        return true;
    }

    /// <summary>One option's value (its bytes were checked); false for a length the option cannot have.</summary>
    private static bool PrintOption(PrintContext nd, int op, int t, int len)
    {
        switch (op)
        {
            case 203:
            case 200:
            {
                if (len < 2) { nd.Print(", bad opt len"); return false; }
                int kind = nd.U8(t);
                nd.Print(kind switch { 0 => "partial", 1 => "complete", _ => "Unknown" });
                nd.Print(op == 200 ? " source routing" : " recording of route in progress");
                int offset = nd.U8(t + 1);
                if (offset == 0) { nd.Print(" Bad NSAP offset (0)"); break; }
                offset--;
                if (offset > len) { nd.Print(" Bad NSAP offset (past end of option)"); break; }
                t += offset; len -= offset;
                while (len > 0)
                {
                    int alen = nd.U8(t);
                    if (len < alen + 1) { nd.Print("\n\t    NSAP address goes past end of option"); break; }
                    if (alen > 0) nd.Print($"\n\t    NSAP address (length {alen}): {Osi.Nsap(nd, t + 1, alen)}");
                    len -= alen + 1;
                }
                break;
            }
            case 205:
                if (len < 1) { nd.Print(", bad opt len"); return false; }
                nd.Print($"0x{nd.U8(t) & 0x0f:x1}");
                break;
            case 195:
            {
                if (len < 1) { nd.Print(", bad opt len"); return false; }
                int b = nd.U8(t);
                nd.Print($"\n\t    Format Code: {Toks.Find(Scopes, (uint)(b & 0xc0)) ?? "Reserved"}");
                if ((b & 0xc0) == 0xc0)
                {
                    nd.Print("\n\t    QoS Flags [");
                    Toks.Bits(nd, QosGlobal, "none", (uint)(b & 0x3f));
                    nd.Print("]");
                }
                break;
            }
            case 197:
                if (len < 2) { nd.Print(", bad opt len"); return false; }
                nd.Print($"\n\t    Format Code: {Toks.Find(Scopes, (uint)(nd.U8(t) & 0xc0)) ?? "Reserved"}, Security-Level {nd.U8(t + 1)}");
                break;
            case 193:
            {
                if (len < 1) { nd.Print(", bad opt len"); return false; }
                int b = nd.U8(t);
                int major = b >> 4, minor = b & 0x0f;
                string reason = ErrorReasons(major) is { } tbl ? Toks.Find(tbl, (uint)minor) ?? "Unknown" : "Unknown";
                nd.Print($"\n\t    Class: {Toks.Find(ErrorClasses, (uint)major) ?? "Unknown"} Error (0x{major:x1}), {reason} (0x{minor:x1})");
                break;
            }
            case 204:
                nd.Print("padding data");
                break;
            default:
                HexDump.UnknownData(nd, t, "\n\t  ", len);
                break;
        }
        return true;
    }
}
