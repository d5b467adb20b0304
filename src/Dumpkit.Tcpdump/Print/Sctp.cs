// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>SCTP (IP protocol 132): the common header and each chunk's fixed fields, DATA payloads by protocol
/// identifier (M3UA with -vv), as tcpdump 4.99 prints them.</summary>
/// <remarks>Specification: RFC 4960 (Stream Control Transmission Protocol), sections 3.1-3.3: the common header,
/// chunk layout and the DATA, INIT, INIT ACK and SACK chunks; payload protocol identifiers from IANA's SCTP
/// parameters registry.</remarks>
internal static class Sctp
{
    private static readonly Tok[] ChunkTypes =
    [
        new(0, "DATA"), new(1, "INIT"), new(2, "INIT ACK"), new(3, "SACK"), new(4, "HB REQ"), new(5, "HB ACK"), new(6, "ABORT"),
        new(7, "SHUTDOWN"), new(8, "SHUTDOWN ACK"), new(9, "OP ERR"), new(10, "COOKIE ECHO"), new(11, "COOKIE ACK"),
        new(12, "ECN ECHO"), new(13, "ECN CWR"), new(14, "SHUTDOWN COMPLETE"), new(0xc0, "FOR CUM TSN"), new(0xc1, "REL CTRL"),
        new(0xc2, "REL CTRL ACK"),
    ];

    private static readonly Tok[] PayloadProtocols =
    [
        new(1, "ISDN Q.921"), new(2, "M2UA"), new(3, "M3UA"), new(4, "SUA"), new(5, "M2PA"), new(6, "V5.2"), new(7, "H.248"),
        new(8, "BICC"), new(9, "TALI"), new(10, "DUA"), new(11, "ASAP"), new(12, "ENRP"), new(13, "H.323"), new(14, "Q.IPC"),
        new(15, "SIMCO"), new(16, "DDPSC"), new(17, "DDPSSC"), new(18, "S1AP"), new(19, "RUA"), new(20, "HNBAP"),
        new(21, "ForCES HP"), new(22, "ForCES MP"), new(23, "ForCES LP"), new(24, "SBc-AP"), new(25, "NBAP"), new(27, "X2AP"),
    ];

    /// <summary>The ForCES channels' SCTP ports (RFC 5811): high, medium and low priority.</summary>
    private static string? ForcesChannel(int port) => port switch { 6704 => "ForCES HP", 6705 => "ForCES MP", 6706 => "ForCES LP", _ => null };

    /// <summary>The packet at bp, length bytes long (from the IP header), inside the IP header at iph.</summary>
    public static void Print(PrintContext nd, int bp, int iph, int length)
    {
        nd.Proto = "sctp";
        uint remaining = (uint)length;
        if (remaining < 12)
        {
            nd.Print($"truncated-sctp - {12 - remaining} bytes missing!");
            return;
        }
        nd.Check(bp, 12);
        int sport = nd.Be16(bp), dport = nd.Be16(bp + 2);
        if ((nd.U8(iph) >> 4) == 6) nd.Print($"{nd.A6(iph + 8)}.{sport} > {nd.A6(iph + 24)}.{dport}: sctp");
        else nd.Print($"{nd.A4(iph + 12)}.{sport} > {nd.A4(iph + 16)}.{dport}: sctp");
        bool forces = false;
        if (ForcesChannel(sport) is { } sc) { nd.Print($"[{sc}]"); forces = true; }
        if (ForcesChannel(dport) is { } dc) { nd.Print($"[{dc}]"); forces = true; }
        bp += 12;
        remaining -= 12;
        string sep = nd.Verbose >= 2 ? "\n\t" : " (";
        for (uint count = 1; remaining != 0; count++)
        {
            if (remaining < 4)
            {
                nd.Print($"{sep}{count}) [chunk descriptor cut off at end of packet]");
                break;
            }
            nd.Check(bp, 4);
            int chunkLen = nd.Be16(bp + 2);
            if (chunkLen < 4)
            {
                nd.Print($"{sep}{count}) [Bad chunk length {chunkLen}, < size of chunk descriptor]");
                break;
            }
            int align = chunkLen % 4 == 0 ? 0 : 4 - chunkLen % 4;
            if (remaining < align)
            {
                nd.Print($"{sep}{count}) [Bad chunk length {chunkLen}, > remaining data in packet]");
                break;
            }
            nd.Check(bp, chunkLen);
            int type = nd.U8(bp), flags = nd.U8(bp + 1);
            int chunkLeft = chunkLen - 4;
            bp += 4;
            remaining -= 4;
            nd.Print($"{sep}{count}) ");
            nd.Print($"[{Toks.Find(ChunkTypes, (uint)type) ?? $"Unknown chunk type: 0x{type:x}"}] ");
            int used;
            switch (type)
            {
                case 0:
                    used = Data(nd, bp, flags, chunkLeft, chunkLen, ref forces);
                    break;
                case 1:
                case 2:
                    if (chunkLeft < 16) { Bogus(nd, chunkLen); return; }
                    nd.Print($"[init tag: {nd.Be32(bp)}] ");
                    nd.Print($"[rwnd: {nd.Be32(bp + 4)}] ");
                    nd.Print($"[OS: {nd.Be16(bp + 8)}] ");
                    nd.Print($"[MIS: {nd.Be16(bp + 10)}] ");
                    nd.Print($"[init TSN: {nd.Be32(bp + 12)}] ");
                    used = chunkLeft; // optional parameters are not printed
                    break;
                case 3:
                    used = Sack(nd, bp, chunkLeft, chunkLen);
                    break;
                default:
                    used = chunkLeft;
                    break;
            }
            if (used < 0) return;
            // the chunk's bytes not consumed above (and the whole of chunks without a decoder) are skipped
            bp += chunkLeft;
            remaining = unchecked(remaining - (uint)chunkLeft);
            if (nd.Verbose < 2) sep = ", (";
            if (align != 0)
            {
                nd.Check(bp, align);
                bp += align;
                remaining = unchecked(remaining - (uint)align);
            }
        }
    }

    private static void Bogus(PrintContext nd, int chunkLen) => nd.Print($"bogus chunk length {chunkLen}]");

    /// <summary>A DATA chunk's fields and payload; -1 when the chunk is too short (the packet's printing ends).</summary>
    private static int Data(PrintContext nd, int bp, int flags, int chunkLeft, int chunkLen, ref bool forces)
    {
        if ((flags & 4) != 0) nd.Print("(U)");
        if ((flags & 2) != 0) nd.Print("(B)");
        if ((flags & 1) != 0) nd.Print("(E)");
        if ((flags & 7) != 0) nd.Print(" ");
        if (chunkLeft < 12) { Bogus(nd, chunkLen); return -1; }
        uint ppid = nd.Be32(bp + 8);
        nd.Print($"[TSN: {nd.Be32(bp)}] ");
        nd.Print($"[SID: {nd.Be16(bp + 4)}] ");
        nd.Print($"[SSEQ {nd.Be16(bp + 6)}] ");
        nd.Print($"[PPID {Toks.Find(PayloadProtocols, ppid) ?? $"0x{ppid:x}"}] ");
        if (!forces) forces = ppid is 21 or 22 or 23;
        int payload = bp + 12, size = chunkLeft - 12;
        if (size == 0) { Bogus(nd, chunkLen); return -1; }
        if (forces)
        {
            Forces.Print(nd, payload, (uint)size);
            nd.Proto = "sctp";
        }
        else if (nd.Verbose >= 2)
        {
            if (ppid == 3)
            {
                M3ua.Print(nd, payload, size);
                nd.Proto = "sctp";
            }
            else
            {
                nd.Print("[Payload");
                if (!nd.Settings.SuppressDefault)
                {
                    nd.Print(":");
                    nd.DefaultPrint(payload, size);
                }
                nd.Print("]");
            }
        }
        return chunkLeft;
    }

    /// <summary>A SACK chunk: cumulative ack, window, gap blocks and duplicate TSNs; -1 when too short.</summary>
    private static int Sack(PrintContext nd, int bp, int chunkLeft, int chunkLen)
    {
        if (chunkLeft < 12) { Bogus(nd, chunkLen); return -1; }
        uint cumAck = nd.Be32(bp);
        nd.Print($"[cum ack {cumAck}] ");
        nd.Print($"[a_rwnd {nd.Be32(bp + 4)}] ");
        nd.Print($"[#gap acks {nd.Be16(bp + 8)}] ");
        nd.Print($"[#dup tsns {nd.Be16(bp + 10)}] ");
        int gaps = nd.Be16(bp + 8), dups = nd.Be16(bp + 10);
        int p = bp + 12, left = chunkLeft - 12;
        for (int i = 0; left != 0 && i < gaps; i++, p += 4, left -= 4)
        {
            if (left < 4) { Bogus(nd, chunkLen); return -1; }
            nd.Print($"\n\t\t[gap ack block #{i + 1}: start = {unchecked(cumAck + nd.Be16(p))}, end = {unchecked(cumAck + nd.Be16(p + 2))}] ");
        }
        for (int i = 0; left != 0 && i < dups; i++, p += 4, left -= 4)
        {
            if (left < 4) { Bogus(nd, chunkLen); return -1; }
            nd.Print($"\n\t\t[dup TSN #{i + 1}: {nd.Be32(p)}] ");
        }
        return chunkLeft;
    }
}
