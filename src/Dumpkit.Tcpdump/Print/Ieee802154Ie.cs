// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>IEEE 802.15.4 information elements as tcpdump 4.99.3 prints them: header IEs, payload IEs, the MLME IEs nested in
/// them (TSCH, channel hopping) and 802.15.9 multiplexed IEs; each IE's content is decoded with -vvvv, dumped in hex before.</summary>
/// <remarks>Specification: IEEE 802.15.4-2015, 7.4.2 (header IEs), 7.4.3 (payload IEs), 7.4.4 (MLME nested IEs);
/// IEEE 802.15.9 (multiplexed IE).</remarks>
internal static partial class Ieee802154
{
    /// <summary>The header IE list at p: its length, or -1 after an error message.</summary>
    private static int HeaderIeList(PrintContext nd, int p, uint caplen, out bool payloadIes)
    {
        payloadIes = false;
        int len = 0;
        do
        {
            if (caplen < 2) { nd.Print("[ERROR: Truncated header IE]"); return -1; }
            int ie = nd.Le16(p);
            if (Bit(ie, 15)) nd.Print("[ERROR: Header IE with type 1] ");
            int ieLen = ie & 0x7f, id = (ie >> 7) & 0xff;
            if (id > 127) nd.Print($"Reserved Element ID {id:x2}, length = {ieLen} ");
            else if (ieLen == 0) nd.Print($"\n\t{HeaderIeName(id)} [");
            else nd.Print($"\n\t{HeaderIeName(id)} [ length = {ieLen}, ");
            if (caplen < 2u + (uint)ieLen) { nd.Print("[ERROR: Truncated IE data]"); return -1; }
            p += 2;
            if (nd.Verbose > 3 && ieLen != 0) HeaderIe(nd, p, ieLen, id);
            else if (ieLen != 0)
            {
                nd.Print("IE Data = ");
                HexBytes(nd, p, 0, ieLen);
            }
            nd.Print("] ");
            len += 2 + ieLen;
            p += ieLen;
            caplen -= 2u + (uint)ieLen;
            if (id == 0x7e) { payloadIes = true; break; }
            if (id == 0x7f) break;
        }
        while (caplen != 0);
        return len;
    }

    private static void Oui(PrintContext nd, int p, int len)
    {
        if (len < 3) { nd.Print("[ERROR: Vendor OUI missing]"); return; }
        int a = nd.U8(p), b = nd.U8(p + 1), c = nd.U8(p + 2);
        nd.Print($"OUI = 0x{a:x2}{b:x2}{c:x2}, Data = ");
        HexBytes(nd, p, 3, len);
    }

    /// <summary>A header IE's content (-vvvv).</summary>
    private static void HeaderIe(PrintContext nd, int p, int len, int id)
    {
        switch (id)
        {
            case 0x00: Oui(nd, p, len); break;
            case 0x1a:
                if (len < 4) { nd.Print("[ERROR: Truncated CSL IE]"); break; }
                {
                    int phase = nd.Le16(p), period = nd.Le16(p + 2);
                    nd.Print($"CSL Phase = {phase}, CSL Period = {period}");
                }
                if (len >= 6)
                {
                    int rendezvous = nd.Le16(p + 4);
                    nd.Print($", Rendezvous time = {rendezvous}");
                }
                if (len != 4 && len != 6) nd.Print(" [ERROR: CSL IE length wrong]");
                break;
            case 0x1b:
                if (len < 4) { nd.Print("[ERROR: Truncated RIT IE]"); break; }
                {
                    int first = nd.U8(p), repeat = nd.U8(p + 1), interval = nd.Le16(p + 2);
                    nd.Print($"Time to First Listen = {first}, # of Repeat Listen = {repeat}, Repeat Listen Interval = {interval}");
                }
                break;
            case 0x1c:
            case 0x21:
                if (len < 2) nd.Print("[ERROR: Truncated DSME PAN IE]");
                else DsmePanDescriptor(nd, p, len, id == 0x21);
                break;
            case 0x1d:
                if (len != 4) { nd.Print("[ERROR: Length != 2]"); break; } // sic
                {
                    int time = nd.Le16(p), interval = nd.Le16(p + 2);
                    nd.Print($"Rendezvous time = {time}, Wake-up Interval = {interval}");
                }
                break;
            case 0x1e:
                if (len != 2) { nd.Print("[ERROR: Length != 2]"); break; }
                {
                    int v = nd.Le16(p);
                    if ((v & 0x8000) != 0) nd.Print("Negative ");
                    int correction = (short)(ushort)((v & 0xfff) << 4) >> 4;
                    nd.Print($"Ack time correction = {correction}, ");
                }
                break;
            default:
                nd.Print("IE Data = ");
                HexBytes(nd, p, 0, len);
                break;
        }
    }

    /// <summary>The (extended) DSME PAN descriptor IE (7.4.2.8/7.4.2.11).</summary>
    private static void DsmePanDescriptor(PrintContext nd, int p, int len, bool extended)
    {
        bool hopping = false;
        Superframe(nd, nd.Le16(p));
        if (len < 3) { nd.Print("[ERROR: Truncated before pending addresses field]"); return; }
        int ptr = 2;
        int n = PendingAddresses(nd, p + ptr, (uint)(len - ptr));
        if (n < 0) return;
        ptr += n;
        if (extended)
        {
            if (len < ptr + 2) { nd.Print("[ERROR: Truncated before DSME Superframe Specification]"); return; }
            int ss = nd.Le16(p + ptr);
            ptr += 2;
            nd.Print($"Multi-superframe Order = {ss & 0xff}");
            nd.Print((ss & 0x100) != 0 ? ", Channel hopping mode" : ", Channel adaptation mode");
            if ((ss & 0x400) != 0) nd.Print(", CAP reduction enabled");
            if ((ss & 0x800) != 0) nd.Print(", Deferred beacon enabled");
            if ((ss & 0x1000) != 0) { nd.Print(", Hopping Sequence Present"); hopping = true; }
        }
        else
        {
            if (len < ptr + 1) { nd.Print("[ERROR: Truncated before DSME Superframe Specification]"); return; }
            int ss = nd.U8(p + ptr);
            ptr++;
            nd.Print($"Multi-superframe Order = {ss & 0x0f}");
            nd.Print((ss & 0x10) != 0 ? ", Channel hopping mode" : ", Channel adaptation mode");
            if ((ss & 0x40) != 0) nd.Print(", CAP reduction enabled");
            if ((ss & 0x80) != 0) nd.Print(", Deferred beacon enabled");
        }
        if (len < ptr + 8) { nd.Print(" [ERROR: Truncated before Time synchronization specification]"); return; }
        ulong timestamp = (ulong)nd.Le32(p + ptr) | (ulong)nd.Le16(p + ptr + 4) << 32;
        int offset = nd.Le16(p + ptr + 6);
        nd.Print($"Beacon timestamp = {timestamp}, offset = {offset}");
        ptr += 8;
        if (len < ptr + 4) { nd.Print(" [ERROR: Truncated before Beacon Bitmap]"); return; }
        int ulen = nd.Le16(p + ptr + 2);
        int sdIndex = nd.Le16(p + ptr);
        nd.Print($"SD Index = {sdIndex}, Bitmap len = {ulen}, ");
        ptr += 4;
        if (len < ptr + ulen) { nd.Print(" [ERROR: Truncated in SD bitmap]"); return; }
        nd.Print(" SD Bitmap = ");
        HexBytes(nd, p + ptr, 0, ulen);
        ptr += ulen;
        if (len < ptr + 5) { nd.Print(" [ERROR: Truncated before Channel hopping specification]"); return; }
        ulen = nd.Le16(p + ptr + 4);
        int seqId = nd.U8(p + ptr), bsn = nd.U8(p + ptr + 1), chOffset = nd.Le16(p + ptr + 2);
        nd.Print($"Hopping Seq ID = {seqId}, PAN Coordinator BSN = {bsn}, Channel offset = {chOffset}, Bitmap length = {ulen}, ");
        ptr += 5;
        if (len < ptr + ulen) { nd.Print(" [ERROR: Truncated in Channel offset bitmap]"); return; }
        nd.Print(" Channel offset bitmap = ");
        HexBytes(nd, p + ptr, 0, ulen);
        ptr += ulen;
        if (!hopping) return;
        if (len < ptr + 1) { nd.Print(" [ERROR: Truncated in Hopping Sequence length]"); return; }
        ulen = nd.U8(p + ptr);
        ptr++;
        nd.Print($"Hopping Seq length = {ulen} [ ");
        if (len < ptr + ulen * 2) { nd.Print(" [ERROR: Truncated in Channel offset bitmap]"); return; }
        for (int i = 0; i < ulen; i++)
        {
            int ch = nd.Le16(p + ptr + i * 2);
            nd.Print($"{ch:x2} ");
        }
        nd.Print("]");
    }

    /// <summary>The payload IE list at p: its length, or -1 after an error message.</summary>
    private static int PayloadIeList(PrintContext nd, int p, uint caplen)
    {
        int len = 0;
        do
        {
            if (caplen < 2) { nd.Print("[ERROR: Truncated header IE]"); return -1; } // sic
            int ie = nd.Le16(p);
            if (!Bit(ie, 15)) nd.Print("[ERROR: Payload IE with type 0] ");
            int ieLen = ie & 0x3ff, group = (ie >> 11) & 0x0f;
            p += 2;
            if (ieLen == 0) nd.Print($"\n\t{PayloadIeName(group)} [");
            else nd.Print($"\n\t{PayloadIeName(group)} [ length = {ieLen}, ");
            if (caplen < 2u + (uint)ieLen) { nd.Print("[ERROR: Truncated IE data]"); return -1; }
            if (nd.Verbose > 3 && ieLen != 0)
            {
                switch (group)
                {
                    case 0x1: MlmeIeList(nd, p, ieLen); break;
                    case 0x2: Oui(nd, p, ieLen); break;
                    case 0x3: MultiplexedIe(nd, p, ieLen); break;
                    case 0x5:
                        int subtype = nd.U8(p);
                        nd.Print($"Subtype ID = 0x{subtype:x2}, Subtype content = ");
                        HexBytes(nd, p, 1, ieLen);
                        break;
                    default:
                        nd.Print("IE Data = ");
                        HexBytes(nd, p, 0, ieLen);
                        break;
                }
            }
            else if (ieLen != 0)
            {
                nd.Print("IE Data = ");
                HexBytes(nd, p, 0, ieLen);
            }
            nd.Print("]\n\t");
            len += 2 + ieLen;
            p += ieLen;
            caplen -= 2u + (uint)ieLen;
            if (group == 0xf) break;
        }
        while (caplen > 0);
        return len;
    }

    /// <summary>The MLME sub-IEs of an MLME payload IE (-vvvv).</summary>
    private static void MlmeIeList(PrintContext nd, int p, int len)
    {
        do
        {
            if (len < 2) { nd.Print("[ERROR: Truncated MLME IE]"); return; }
            int ie = nd.Le16(p);
            bool longFormat = Bit(ie, 15);
            int subLen = longFormat ? ie & 0x3ff : ie & 0xff;
            int subId = longFormat ? (ie >> 11) & 0x0f : (ie >> 8) & 0x7f;
            p += 2;
            nd.Print($"\n\t\t{(longFormat ? MlmeLongName(subId) : MlmeShortName(subId))} [ length = {subLen}, ");
            if (len < 2 + subLen) { nd.Print("[ERROR: Truncated IE data]"); return; }
            if (subLen != 0) MlmeIe(nd, p, subLen, subId);
            nd.Print("] ");
            p += subLen;
            len -= 2 + subLen;
        }
        while (len > 0);
    }

    /// <summary>One MLME sub-IE's content (short and long sub-IDs do not overlap where tcpdump decodes them).</summary>
    private static void MlmeIe(PrintContext nd, int p, int len, int id)
    {
        switch (id)
        {
            case 0x08: Oui(nd, p, len); break;
            case 0x09: ChannelHopping(nd, p, len); break;
            case 0x1a:
                {
                    if (len < 6) nd.Print("[ERROR: Length != 6]");
                    ulong asn = (ulong)nd.Le32(p) | (ulong)nd.U8(p + 4) << 32;
                    int metric = nd.U8(p + 5);
                    nd.Print($"ASN = {asn:x10}, Join Metric = {metric} ");
                    break;
                }
            case 0x1b: SlotframesAndLinks(nd, p, len); break;
            case 0x1c: Timeslot(nd, p, len); break;
            default:
                nd.Print("IE Data = ");
                HexBytes(nd, p, 0, len);
                break;
        }
    }

    /// <summary>Channel Hopping IE (7.4.4.31).</summary>
    private static void ChannelHopping(PrintContext nd, int p, int len)
    {
        int seqId = nd.U8(p);
        nd.Print($"Hopping Sequence ID = {seqId}");
        if (len == 1) return;
        p++;
        len--;
        if (len < 7) { nd.Print("[ERROR: IE truncated]"); return; }
        int page = nd.U8(p), channels = nd.Le16(p + 1);
        nd.Print($"Channel Page = {page}, Number of Channels = {channels}, ");
        uint phy = nd.Le32(p + 3);
        nd.Print($"Phy Configuration = 0x{phy:x8}, ");
        p += 7;
        len -= 7;
        if (page == 9 || page == 10)
        {
            int n = (channels + 7) / 8;
            if (len < n) { nd.Print("[ERROR: IE truncated]"); return; }
            nd.Print("Extended bitmap = 0x");
            for (int i = 0; i < n; i++) nd.Out.PutHex2(nd.U8(p + i));
            nd.Print(", ");
            p += n;
            len -= n;
        }
        if (len < 2) { nd.Print("[ERROR: IE truncated]"); return; }
        int seqLen = nd.Le16(p);
        p += 2;
        len -= 2;
        nd.Print($"Hopping Seq length = {seqLen} [ ");
        if (len < seqLen * 2) { nd.Print(" [ERROR: IE truncated]"); return; }
        for (int i = 0; i < seqLen; i++)
        {
            int ch = nd.Le16(p + i * 2);
            nd.Print($"{ch:x2} ");
        }
        nd.Print("]");
        p += seqLen * 2;
        len -= seqLen * 2;
        if (len < 2) { nd.Print("[ERROR: IE truncated]"); return; }
        int hop = nd.Le16(p);
        nd.Print($"Current hop = {hop}");
    }

    /// <summary>TSCH Slotframe and Link IE (7.4.4.3).</summary>
    private static void SlotframesAndLinks(PrintContext nd, int p, int len)
    {
        int frames = nd.U8(p);
        nd.Print($"Slotframes = {frames} ");
        int off = 1;
        for (int i = 0; i < frames; i++)
        {
            if (len < off + 4) { nd.Print("[ERROR: Truncated IE before slotframes]"); break; }
            int links = nd.U8(p + off + 3);
            int handle = nd.U8(p + off), size = nd.Le16(p + off + 1);
            nd.Print($"\n\t\t\t[ Handle {handle}, size = {size}, links = {links} ");
            off += 4;
            for (int j = 0; j < links; j++)
            {
                if (len < off + 5) { nd.Print("[ERROR: Truncated IE links]"); break; }
                int opts = nd.U8(p + off + 4);
                int slot = nd.Le16(p + off), offset = nd.Le16(p + off + 2);
                nd.Print($"\n\t\t\t\t[ Timeslot =  {slot}, Offset = {offset}, Options = ");
                if ((opts & 0x1) != 0) nd.Print("TX ");
                if ((opts & 0x2) != 0) nd.Print("RX ");
                if ((opts & 0x4) != 0) nd.Print("Shared ");
                if ((opts & 0x8) != 0) nd.Print("Timekeeping ");
                if ((opts & 0x10) != 0) nd.Print("Priority ");
                off += 5;
                nd.Print("] ");
            }
            nd.Print("] ");
        }
    }

    /// <summary>TSCH Timeslot IE (7.4.4.4): the ID alone, or the whole template with 2- or 3-octet maxima.</summary>
    private static void Timeslot(PrintContext nd, int p, int len)
    {
        if (len == 1)
        {
            int id = nd.U8(p);
            nd.Print($"Time slot ID = {id} ");
            return;
        }
        if (len != 25 && len != 27)
        {
            nd.Print("[ERROR: Length not 1, 25, or 27]");
            nd.Print("\n\t\t\tIE Data = ");
            HexBytes(nd, p, 0, len);
            return;
        }
        nd.Check(p, len);
        int last = len == 25 ? nd.Le16(p + 21) : (int)(nd.Le32(p + 20) >> 8);
        int length = len == 25 ? nd.Le16(p + 23) : (int)(nd.Le32(p + 23) >> 8);
        nd.Print($"Time slot ID = {nd.U8(p)}, CCA Offset = {nd.Le16(p + 1)}, CCA = {nd.Le16(p + 3)}, TX Offset = {nd.Le16(p + 5)}, ");
        nd.Print($"RX Offset = {nd.Le16(p + 7)}, RX Ack Delay = {nd.Le16(p + 9)}, TX Ack Delay = {nd.Le16(p + 11)}, ");
        nd.Print($"RX Wait = {nd.Le16(p + 13)}, Ack Wait = {nd.Le16(p + 15)}, RX TX = {nd.Le16(p + 17)}, ");
        nd.Print($"Max Ack = {nd.Le16(p + 19)}, Max TX = {last}, Time slot Length = {length} ");
    }

    /// <summary>The 802.15.9 multiplexed IE: transaction control, fragment or abort fields, the upper layer data.</summary>
    private static void MultiplexedIe(PrintContext nd, int p, int len)
    {
        int start = 0;
        int control = nd.U8(p);
        int type = control & 7, tid = control >> 3;
        switch (type)
        {
            case 0x00:
            case 0x01:
                nd.Print($"Type = Full upper layer fragment{(type == 1 ? " with small Multiplex ID" : "")}, ");
                if (type == 0)
                {
                    if (len < 3) { nd.Print("[ERROR: Multiplex ID missing]"); return; }
                    start = 3;
                    int id = nd.Le16(p + 1);
                    nd.Print($"tid = 0x{tid:x2}, Multiplex ID = 0x{id:x4}, ");
                }
                else
                {
                    start = 1;
                    nd.Print($"Multiplex ID = 0x{tid:x4}, ");
                }
                break;
            case 0x02:
            case 0x04:
                {
                    if (len < 2) { nd.Print("[ERROR: fragment number missing]"); return; }
                    int frag = nd.U8(p + 1);
                    string what = type == 2 ? frag == 0 ? "First fragment" : "Middle fragment" : "Last fragment";
                    nd.Print($"Type = {what}, tid = 0x{tid:x2}, fragment = 0x{frag:x2}, ");
                    start = 2;
                    if (frag == 0)
                    {
                        if (len < 6) { nd.Print("[ERROR: Total upper layer size or multiplex ID missing]"); return; }
                        int total = nd.Le16(p + 2), id = nd.Le16(p + 4);
                        nd.Print($"Total upper layer size = 0x{total:x4}, Multiplex ID = 0x{id:x4}, ");
                        start = 6;
                    }
                    break;
                }
            case 0x06:
                if (len == 1) nd.Print($"Type = Abort, tid = 0x{tid:x2}, no max size given");
                else if (len == 3)
                {
                    int max = nd.Le16(p + 1);
                    nd.Print($"Type = Abort, tid = 0x{tid:x2}, max size = 0x{max:x4}");
                }
                else
                {
                    nd.Print($"Type = Abort, tid = 0x{tid:x2}, invalid length = {len} (not 1 or 3)");
                    nd.Print("Abort data = ");
                    HexBytes(nd, p, 1, len);
                }
                return;
            default:
                nd.Print($"Type = {type} (Reserved), tid = 0x{tid:x2}, ");
                start = 1;
                break;
        }
        nd.Print("Upper layer data = ");
        HexBytes(nd, p, start, len);
    }
}
