// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>
/// Rx, the remote procedure call transport of AFS (UDP ports 7000-7009): the packet header (type, and with -v its
/// sequence and serial numbers, call, connection, security index, service and flags), acknowledgements with their
/// acked/nacked ranges, and for the first packet of a call to a known AFS service the call (<see cref="AfsFs"/>,
/// <see cref="AfsDb"/>, <see cref="AfsVol"/>). Calls are remembered (<see cref="RxState"/>) so that their replies
/// and aborts can be decoded too.
/// </summary>
/// <remarks>Specification: the OpenAFS Rx protocol (rx/rx_packet.h, rx/rx.h: header, packet types, flags, the ack
/// packet and its reasons).</remarks>
internal static class Rx
{
    public const int HeaderSize = 28;
    public const int TypeData = 1, TypeAck = 2, TypeAbort = 4;
    private const int ClientInitiated = 1;

    private static readonly Tok[] Types =
    [
        new(1, "data"), new(2, "ack"), new(3, "busy"), new(4, "abort"), new(5, "ackall"), new(6, "challenge"), new(7, "response"),
        new(8, "debug"), new(9, "params"), new(13, "version"),
    ];

    // flag bit, the one packet type it belongs to (0: any), name
    private static readonly (int Flag, int Type, string Name)[] Flags =
    [
        (1, 0, "client-init"), (2, 0, "req-ack"), (4, 0, "last-pckt"), (8, 0, "more-pckts"), (16, 0, "free-pckt"),
        (32, TypeAck, "slow-start"), (32, TypeData, "jumbogram"),
    ];

    private static readonly Tok[] AckReasons =
    [
        new(1, "ack requested"), new(2, "duplicate packet"), new(3, "out of sequence"), new(4, "exceeds window"),
        new(5, "no buffer space"), new(6, "ping"), new(7, "ping response"), new(8, "delay"), new(9, "idle"),
    ];

    /// <summary>The Rx packet at bp (UDP payload of length bytes) between the given ports; iph is the IP header.</summary>
    public static void Print(PrintContext nd, int bp, int length, int sport, int dport, int iph)
    {
        nd.Proto = "rx";
        uint len = (uint)length;
        if (!nd.TTest(bp, HeaderSize))
        {
            nd.Print($" [|rx] ({len})");
            return;
        }
        int type = nd.U8(bp + 20);
        nd.Print(" rx ");
        if (Toks.Find(Types, (uint)type) is { } name) nd.Print(name);
        else nd.Print($"type {type}");
        int flags = nd.U8(bp + 21);
        uint seq = nd.Be32(bp + 12);
        if (nd.Verbose > 0) Header(nd, bp, type, flags);

        if (type == TypeData && seq == 1 && (flags & ClientInitiated) != 0)
        {
            nd.Rx.Insert(nd, bp, iph, dport);
            switch (dport)
            {
                case 7000: AfsFs.FsCall(nd, bp, len); break;
                case 7001: AfsFs.CbCall(nd, bp, len); break;
                case 7002: AfsDb.PtCall(nd, bp, len); break;
                case 7003: AfsDb.VldbCall(nd, bp, len); break;
                case 7004: AfsDb.KauthCall(nd, bp, len); break;
                case 7005: AfsVol.VolCall(nd, bp, len); break;
                case 7007: AfsVol.BosCall(nd, bp, len); break;
            }
        }
        else if (((type == TypeData && seq == 1) || type == TypeAbort) && (flags & ClientInitiated) == 0
                 && nd.Rx.Find(nd, bp, iph, sport) is { } opcode)
        {
            switch (sport)
            {
                case 7000: AfsFs.FsReply(nd, bp, len, opcode); break;
                case 7001: AfsFs.CbReply(nd, bp, len, opcode); break;
                case 7002: AfsDb.PtReply(nd, bp, len, opcode); break;
                case 7003: AfsDb.VldbReply(nd, bp, len, opcode); break;
                case 7004: AfsDb.KauthReply(nd, bp, len, opcode); break;
                case 7005: AfsVol.VolReply(nd, bp, len, opcode); break;
                case 7007: AfsVol.BosReply(nd, bp, len, opcode); break;
            }
        }
        else if (type == TypeAck) Ack(nd, bp, len);
        nd.Print($" ({len})");
    }

    private static void Header(PrintContext nd, int bp, int type, int flags)
    {
        if (nd.Verbose > 1) nd.Print($" cid {nd.Be32(bp + 4):x8} call# {nd.Be32(bp + 8)}");
        nd.Print($" seq {nd.Be32(bp + 12)} ser {nd.Be32(bp + 16)}");
        if (nd.Verbose > 2) nd.Print($" secindex {nd.U8(bp + 23)} serviceid {nd.Be16(bp + 26)}");
        if (nd.Verbose <= 1) return;
        bool first = true;
        foreach (var (flag, only, name) in Flags)
        {
            if ((flags & flag) == 0 || (only != 0 && type != only)) continue;
            nd.Print(first ? " <" : ",<");
            nd.Print(name);
            nd.Print('>');
            first = false;
        }
    }

    private static void Ack(PrintContext nd, int bp, uint length)
    {
        if (length < HeaderSize) return;
        int a = bp + HeaderSize;
        if (!nd.TTest(a, 18)) { nd.Print(" [|ack]"); return; }
        if (nd.Verbose > 2) nd.Print($" bufspace {nd.Be16(a)} maxskew {nd.Be16(a + 2)}");
        uint first = nd.Be32(a + 4);
        nd.Print($" first {first} serial {nd.Be32(a + 12)} reason ");
        int reason = nd.U8(a + 16);
        if (Toks.Find(AckReasons, (uint)reason) is { } why) nd.Print(why);
        else nd.Print($"#{reason}");
        int nAcks = nd.U8(a + 17);
        int p = a + 18;
        if (nAcks != 0)
        {
            if (!nd.TTest(p, nAcks)) { nd.Print(" [|ack]"); return; }
            Ranges(nd, p, nAcks, first, 1, " acked ");
            Ranges(nd, p, nAcks, first, 0, " nacked ");
            p += nAcks;
        }
        p += 3;
        if (nd.Verbose <= 1) return;
        foreach (var label in (ReadOnlySpan<string>)[" ifmtu", " maxmtu", " rwind", " maxpackets"])
        {
            if (nd.SnapEnd - p < 4) return;
            nd.Print($"{label} {nd.Be32(p)}");
            p += 4;
        }
    }

    // The packets whose ack byte is `which`, as ranges: "first-last,n,m-k" after the label.
    private static void Ranges(PrintContext nd, int p, int n, uint first, int which, string label)
    {
        int start = -2, last = -2, i;
        for (i = 0; i < n; i++)
        {
            if (nd.U8(p + i) == which)
            {
                if (last == -2) { nd.Print($"{label}{first + (uint)i}"); start = i; }
                else if (last != i - 1) { nd.Print($",{first + (uint)i}"); start = i; }
                last = i;
            }
            else if (last == i - 1 && start != last) nd.Print($"-{first + (uint)i - 1}");
        }
        if (last == i - 1 && start != last) nd.Print($"-{first + (uint)i - 1}");
    }
}

/// <summary>The last 64 Rx calls seen (call number, client, server, port, service, opcode), to decode their replies.</summary>
internal sealed class RxState
{
    private const int Size = 64;
    private readonly (uint Call, uint Client, uint Server, int Port, int Service, uint Opcode)[] _calls = new (uint, uint, uint, int, int, uint)[Size];
    private int _next, _hint;

    // The addresses are the four bytes 12-15 and 16-19 of the IP header, as tcpdump reads them (for IPv6 too).
    public void Insert(PrintContext nd, int bp, int iph, int dport)
    {
        if (!nd.TTest(bp + Rx.HeaderSize, 4)) return;
        int e = _next;
        if (++_next >= Size) _next = 0;
        _calls[e] = (nd.Be32(bp + 8), nd.Be32(iph + 12), nd.Be32(iph + 16), dport, nd.Be16(bp + 26), nd.Be32(bp + Rx.HeaderSize));
    }

    public uint? Find(PrintContext nd, int bp, int iph, int sport)
    {
        uint client = nd.Be32(iph + 16), server = nd.Be32(iph + 12);
        int i = _hint;
        do
        {
            var c = _calls[i];
            if (c.Call == nd.Be32(bp + 8) && c.Client == client && c.Server == server && c.Service == nd.Be16(bp + 26) && c.Port == sport)
            {
                _hint = i;
                return c.Opcode;
            }
            if (++i >= Size) i = 0;
        }
        while (i != _hint);
        return null;
    }
}
