// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Pcap.Capture;

namespace Dumpkit.Pcap.Filter;

// llc and its frame kinds (pcap-filter(7): llc [i|s|u|rr|rnr|rej|ui|ua|disc|sabme|test|xid|frmr]), as libpcap 1.10 builds them
internal sealed partial class CodeGen
{
    /// <summary>Control-field masks and values of IEEE 802.2 LLC: format (I, S, U), S and U command codes.</summary>
    private const uint LlcSFmt = 0x01, LlcUFmt = 0x03, LlcSCmdMask = 0x0f, LlcUCmdMask = 0xef;

    /// <summary>The S-frame commands, then the U-frame ones, by the names pcap-filter(7) gives them.</summary>
    private static readonly (string Name, uint Code)[] LlcSSubtypes = [("rr", 0x01), ("rnr", 0x05), ("rej", 0x09)];

    private static readonly (string Name, uint Code)[] LlcUSubtypes =
        [("ui", 0x03), ("ua", 0x63), ("disc", 0x43), ("dm", 0x0f), ("sabme", 0x6f), ("test", 0xe3), ("xid", 0xaf), ("frmr", 0x87)];

    /// <summary>llc: an 802.2 LLC frame. On Ethernet, a length (not a type) field whose DSAP/SSAP is not 0xffff (Novell raw 802.3).</summary>
    public Block Llc()
    {
        if (_linktype != LinkTypes.Ethernet) throw Error($"'llc' not supported for {LinkDescription}");
        var b0 = CmpGt(OffRel.LinkType, 0, Bpf.H, EtherMtu);
        Block.Not(b0);
        var b1 = Cmp(OffRel.Llc, 0, Bpf.H, 0xffff);
        Block.Not(b1);
        Block.And(b0, b1);
        return b1;
    }

    /// <summary>llc i: the control field's low bit clear.</summary>
    public Block LlcI()
    {
        var b0 = Llc();
        var b1 = NewBlock(JmpK(Bpf.Jset), LoadA(OffRel.Llc, 2, Bpf.B), 0x01);
        Block.Not(b1);
        Block.And(b0, b1);
        return b1;
    }

    /// <summary>llc s / llc u: the control field's two low bits.</summary>
    public Block LlcFormat(bool unnumbered)
    {
        var b0 = Llc();
        var b1 = NCmp(OffRel.Llc, 2, Bpf.B, 0x03, Bpf.Jeq, false, unnumbered ? LlcUFmt : LlcSFmt);
        Block.And(b0, b1);
        return b1;
    }

    private Block LlcSubtype(uint code, uint mask)
    {
        var b0 = Llc();
        var b1 = NCmp(OffRel.Llc, 2, Bpf.B, mask, Bpf.Jeq, false, code);
        Block.And(b0, b1);
        return b1;
    }

    /// <summary>llc rnr (rnr is a keyword of its own, PF's rule number).</summary>
    public Block LlcRnr() => LlcSubtype(0x05, LlcSCmdMask);

    /// <summary>llc NAME: i, s, u, or an S or U command (case-insensitive, as libpcap's str2tok).</summary>
    public Block LlcNamed(string name)
    {
        if (name.Equals("i", StringComparison.OrdinalIgnoreCase)) return LlcI();
        if (name.Equals("s", StringComparison.OrdinalIgnoreCase)) return LlcFormat(false);
        if (name.Equals("u", StringComparison.OrdinalIgnoreCase)) return LlcFormat(true);
        foreach (var (n, code) in LlcSSubtypes)
            if (n.Equals(name, StringComparison.OrdinalIgnoreCase)) return LlcSubtype(code, LlcSCmdMask);
        foreach (var (n, code) in LlcUSubtypes)
            if (n.Equals(name, StringComparison.OrdinalIgnoreCase)) return LlcSubtype(code, LlcUCmdMask);
        throw Error($"unknown LLC type name \"{name}\"");
    }
}
