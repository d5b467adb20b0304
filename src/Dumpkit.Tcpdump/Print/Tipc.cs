// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>TIPC (EtherType 0x88ca): the message header of payload, internal (link, broadcast, changeover, bundler,
/// fragmenter) and neighbour-detection messages, with -v the sequence and link fields.</summary>
/// <remarks>Specification: TIPC protocol specification (draft-spec-tipc-10), section 3 (message formats).</remarks>
internal static class Tipc
{
    private static string User(uint u) => u switch
    {
        0 => "Low Importance Data payload", 1 => "Medium Importance Data payload", 2 => "High Importance Data payload",
        3 => "Critical Importance Data payload", 5 => "Broadcast Link Protocol internal", 6 => "Message Bundler Protocol internal",
        7 => "Link State Protocol internal", 8 => "Connection Manager internal", 10 => "Link Changeover Protocol internal",
        11 => "Name Table Update Protocol internal", 12 => "Message Fragmentation Protocol internal",
        13 => "Neighbor Detection Protocol internal", _ => "unknown",
    };

    // tcpdump's table swaps the names of types 1 and 3
    private static string MessageType(uint t) => t switch { 0 => "CONN_MSG", 1 => "MCAST_MSG", 2 => "NAMED_MSG", 3 => "DIRECT_MSG", _ => "Unknown" };

    private static string Node(uint a) => $"{a >> 24}.{(a >> 12) & 0xfff}.{a & 0xfff}";

    public static void Print(PrintContext nd, int p)
    {
        nd.Proto = "tipc";
        uint w0 = nd.Be32(p);
        uint user = (w0 >> 25) & 0xf;
        switch (user)
        {
            case 0: case 1: case 2: case 3: case 11: case 8: Payload(nd, p); break;
            case 13: LinkConfig(nd, p); break;
            case 5: case 6: case 7: case 10: case 12: Internal(nd, p); break;
        }
    }

    private static void Payload(PrintContext nd, int p)
    {
        uint w0 = nd.Be32(p), w1 = nd.Be32(p + 4);
        uint prev = nd.Be32(p + 12), origPort = nd.Be32(p + 16), destPort = nd.Be32(p + 20);
        uint hsize = (w0 >> 21) & 0xf, msize = w0 & 0x1ffff;
        string tail = $"headerlength {hsize * 4} bytes, MessageSize {msize} bytes, {User((w0 >> 25) & 0xf)}, messageType {MessageType(w1 >> 29)}";
        if (hsize <= 6)
        {
            nd.Print($"TIPC v{w0 >> 29}.0 {Node(prev)}:{origPort} > {destPort}, {tail}");
            return;
        }
        uint origNode = nd.Be32(p + 24), destNode = nd.Be32(p + 28);
        nd.Print($"TIPC v{w0 >> 29}.0 {Node(origNode)}:{origPort} > {Node(destNode)}:{destPort}, {tail}");
        if (nd.Verbose == 0) return;
        uint w2 = nd.Be32(p + 8);
        nd.Print($"\n\tPrevious Node {Node(prev)}, Broadcast Ack {w1 & 0xffff}, Link Ack {w2 >> 16}, Link Sequence {w2 & 0xffff}");
    }

    private static void Internal(PrintContext nd, int p)
    {
        uint w0 = nd.Be32(p), w1 = nd.Be32(p + 4);
        uint origNode = nd.Be32(p + 24), destNode = nd.Be32(p + 28);
        nd.Print($"TIPC v{w0 >> 29}.0 {Node(origNode)} > {Node(destNode)}, headerlength {((w0 >> 21) & 0xf) * 4} bytes, ");
        nd.Print($"MessageSize {w0 & 0x1ffff} bytes, {User((w0 >> 25) & 0xf)}, messageType {MessageType(w1 >> 29)} (0x{w1:x8})");
        if (nd.Verbose == 0) return;
        uint w2 = nd.Be32(p + 8), prev = nd.Be32(p + 12), w4 = nd.Be32(p + 16), w5 = nd.Be32(p + 20);
        uint transSeq = nd.Be32(p + 32), w9 = nd.Be32(p + 36);
        nd.Print($"\n\tPrevious Node {Node(prev)}, Session No. {w5 >> 16}, Broadcast Ack {w1 & 0xffff}, Sequence Gap {(w1 >> 16) & 0x1fff},  ");
        nd.Print($"Broadcast Gap After {w2 >> 16}, Broadcast Gap To {w2 & 0xffff}, Last Sent Packet No. {w4 >> 16}, ");
        nd.Print($"Next sent Packet No. {w4 & 0xffff}, Transport Sequence {transSeq}, msg_count {w9 >> 16}, Link Tolerance {w9 & 0xffff}");
    }

    private static void LinkConfig(PrintContext nd, int p)
    {
        uint w0 = nd.Be32(p), w1 = nd.Be32(p + 4), destDomain = nd.Be32(p + 8), prev = nd.Be32(p + 12);
        string type = (w1 >> 29) switch { 0 => "Link request", 1 => "Link response", _ => "Unknown" };
        nd.Print($"TIPC v{w0 >> 29}.0 {Node(prev)} > {Node(destDomain)}, headerlength {((w0 >> 21) & 0xf) * 4} bytes, ");
        nd.Print($"MessageSize {w0 & 0x1ffff} bytes, {User((w0 >> 25) & 0xf)}, messageType {type}");
        if (nd.Verbose == 0) return;
        uint ntwrkId = nd.Be32(p + 16), w5 = nd.Be32(p + 20);
        nd.Print($"\n\tNodeSignature {w1 & 0xffff}, network_id {ntwrkId}, media_id {w5 & 0xff}");
    }
}
