// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>ES-IS, the OSI end system to intermediate system routeing exchange: ESH, ISH and redirect PDUs with
/// their options, as tcpdump 4.99 prints them.</summary>
/// <remarks>Specification: ISO 9542.</remarks>
internal static class Esis
{
    private const int HeaderSize = 9;

    private static readonly Tok[] PduTypes = [new(6, "redirect"), new(2, "ESH"), new(4, "ISH")];

    private static readonly Tok[] Options =
    [
        new(129, "Protocols supported"), new(195, "QoS Maintenance"), new(197, "Security"), new(198, "ES Configuration Time"),
        new(205, "Priority"), new(225, "Addressk Mask"), new(226, "SNPA Mask"),
    ];

    public static void Print(PrintContext nd, int p, uint length)
    {
        nd.Proto = "esis";
        Osi.Guard(nd, () => PrintPdu(nd, p, length));
    }

    private static bool PrintPdu(PrintContext nd, int p, uint length)
    {
        bool e = nd.Settings.LinkHeader;
        if (!e) nd.Print("ES-IS");
        if (length <= 2)
        {
            nd.Print(nd.Settings.Quick ? "bad pkt!" : "no header at all!");
            return true;
        }
        Osi.Need(nd, p, HeaderSize);
        int start = p;
        uint li = nd.U8(p + 1);
        int nlpid = nd.U8(p);
        if (nlpid != 0x82) { nd.Print($" nlpid 0x{nlpid:x2} packet not supported"); return true; }
        int version = nd.U8(p + 2);
        if (version != 1) { nd.Print($" version {version} packet not supported"); return true; }
        if (li > length) { nd.Print($" length indicator({li}) > PDU size ({length})!"); return true; }
        if (li < HeaderSize + 2)
        {
            nd.Print($" length indicator {li} < min PDU size:");
            for (int q = p; q < nd.SnapEnd; q++) nd.Print($"{nd.Buf[q]:X2}");
            return true;
        }
        uint type = (uint)(nd.U8(p + 4) & 0x1f);
        if (nd.Verbose < 1)
        {
            nd.Print($"{(e ? "" : ", ")}{Toks.Find(PduTypes, type) ?? $"unknown type ({type})"}, length {length}");
            return true;
        }
        nd.Print($"{(e ? "" : ", ")}length {length}\n\t{Toks.Find(PduTypes, type) ?? $"unknown type: {type}"} ({type})");
        nd.Print($", v: {version}");
        ushort cksum = nd.Be16(p + 7);
        nd.Print($", checksum: 0x{cksum:x4}");
        Osi.PrintChecksum(nd, p, cksum, 7, li);
        nd.Print($", holding time: {nd.Be16(p + 5)}s, length indicator: {li}");
        if (nd.Verbose > 1) HexDump.UnknownData(nd, start, "\n\t", HeaderSize);
        p += HeaderSize;
        li -= HeaderSize;

        switch (type)
        {
            case 6:
            {
                Osi.Need(nd, p, 1);
                if (li < 1) { nd.Print(", bad redirect/li"); return true; }
                int dstl = nd.U8(p);
                p++; li--;
                Osi.Need(nd, p, dstl);
                if (li < dstl) { nd.Print(", bad redirect/li"); return true; }
                int dst = p;
                p += dstl; li -= (uint)dstl;
                nd.Print($"\n\t  {Osi.Nsap(nd, dst, dstl)}");
                Osi.Need(nd, p, 1);
                if (li < 1) { nd.Print(", bad redirect/li"); return true; }
                int snpal = nd.U8(p);
                p++; li--;
                Osi.Need(nd, p, snpal);
                if (li < snpal) { nd.Print(", bad redirect/li"); return true; }
                int snpa = p;
                p += snpal; li -= (uint)snpal;
                Osi.Need(nd, p, 1);
                if (li < 1) { nd.Print(", bad redirect/li"); return true; }
                int netal = nd.U8(p);
                p++;
                Osi.Need(nd, p, netal);
                if (li < netal) { nd.Print(", bad redirect/li"); return true; }
                int neta = p;
                p += netal; li -= (uint)netal;
                nd.Print($"\n\t  SNPA (length: {snpal}): ");
                if (snpal == 6) nd.Mac(snpa);
                else nd.Print(Osi.LinkAddr(nd, snpa, snpal));
                if (netal != 0) nd.Print($"\n\t  NET (length: {netal}) {Osi.Nsap(nd, neta, netal)}");
                break;
            }
            case 2:
            {
                Osi.Need(nd, p, 1);
                if (li < 1) { nd.Print(", bad esh/li"); return true; }
                int count = nd.U8(p);
                p++; li--;
                nd.Print($"\n\t  Number of Source Addresses: {count}");
                for (; count > 0; count--)
                {
                    Osi.Need(nd, p, 1);
                    if (li < 1) { nd.Print(", bad esh/li"); return true; }
                    int alen = nd.U8(p);
                    p++; li--;
                    Osi.Need(nd, p, alen);
                    if (li < alen) { nd.Print(", bad esh/li"); return true; }
                    nd.Print($"\n\t  NET (length: {alen}): {Osi.Nsap(nd, p, alen)}");
                    p += alen; li -= (uint)alen;
                }
                break;
            }
            case 4:
            {
                Osi.Need(nd, p, 1);
                if (li < 1) { nd.Print(", bad ish/li"); return true; }
                int alen = nd.U8(p);
                p++; li--;
                Osi.Need(nd, p, alen);
                if (li < alen) { nd.Print(", bad ish/li"); return true; }
                nd.Print($"\n\t  NET (length: {alen}): {Osi.Nsap(nd, p, alen)}");
                p += alen; li -= (uint)alen;
                break;
            }
            default:
                if (nd.Verbose <= 1 && nd.TTest(p, 1)) HexDump.UnknownData(nd, p, "\n\t  ", nd.Avail(p));
                return true;
        }

        while (li != 0)
        {
            if (li < 2) { nd.Print(", bad opts/li"); return true; }
            int op = nd.U8(p);
            int opLen = nd.U8(p + 1);
            p += 2; li -= 2;
            if (opLen > li) { nd.Print($", opt ({op}) too long"); return true; }
            li -= (uint)opLen;
            nd.Print($"\n\t  {Toks.Find(Options, (uint)op) ?? "Unknown"} Option #{op}, length {opLen}, value: ");
            switch (op)
            {
                case 198:
                    if (opLen == 2)
                    {
                        Osi.Need(nd, p, 2);
                        nd.Print($"{nd.Be16(p)}s");
                    }
                    else nd.Print("(bad length)");
                    break;
                case 129:
                    for (int k = 0; k < opLen; k++)
                    {
                        int id = nd.U8(p + k);
                        nd.Print($"{Fr.NlpidName(id) ?? "unknown"} (0x{id:x2})");
                        if (k + 1 < opLen) nd.Print(", ");
                    }
                    // tcpdump counts the option's length down while printing it: the walk then goes on from its value
                    opLen = 0;
                    break;
                default:
                    HexDump.UnknownData(nd, p, "\n\t  ", opLen);
                    break;
            }
            if (nd.Verbose > 1) HexDump.UnknownData(nd, p, "\n\t  ", opLen);
            p += opLen;
        }
        return true;
    }
}
