// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>
/// AppleTalk: DDP over Ethernet (EtherTalk, ethertype 0x809b, also through SNAP), AARP (ethertype 0x80f3), LocalTalk
/// LLAP (LINKTYPE_LTALK), with NBP and ATP decoded and other DDP types named, as tcpdump 4.99 prints them. Addresses are
/// numeric (tcpdump never reads its AppleTalk names file).
/// </summary>
/// <remarks>Specification: Inside AppleTalk, second edition (Apple, 1990): DDP (chapter 4), AARP (chapter 2), NBP
/// (chapter 7), ATP (chapter 9), LLAP (chapter 1).</remarks>
internal static class Atalk
{
    private const int DdpSize = 13, DdpShortSize = 5;

    private static string Addr(int net, int node) => node != 255 ? $"{net}.{node}" : $"{net}";

    private static string Socket(PrintContext nd, int skt) => nd.Settings.Names == null
        ? $"{skt}"
        : skt switch { 1 => "rtmp", 2 => "nis", 4 => "echo", 6 => "zip", _ => $"{skt}" };

    /// <summary>EtherTalk: a long DDP header and its payload.</summary>
    public static void Print(PrintContext nd, int p, int length)
    {
        nd.Proto = "atalk";
        if (!nd.Settings.LinkHeader) nd.Print("AT ");
        if (length < DdpSize) { nd.Print($" [|ddp {length}]"); return; }
        if (!nd.TTest(p, DdpSize)) { nd.Print(" [|ddp]"); return; }
        int snet = nd.Be16(p + 6), snode = nd.U8(p + 9), sskt = nd.U8(p + 11);
        nd.Print($"{Addr(snet, snode)}.{Socket(nd, sskt)}");
        nd.Print($" > {Addr(nd.Be16(p + 4), nd.U8(p + 8))}.{Socket(nd, nd.U8(p + 10))}: ");
        Ddp(nd, p + DdpSize, length - DdpSize, nd.U8(p + 12), snet, snode, sskt);
    }

    /// <summary>LINKTYPE_LTALK: the LLAP header, then a short or long DDP header.</summary>
    public static int LtalkIfPrint(PrintContext nd, int length, int caplen)
    {
        nd.Proto = "ltalk";
        int hdr = Llap(nd, length);
        return hdr == 0 ? caplen : hdr;
    }

    private static int Llap(PrintContext nd, int length)
    {
        nd.Proto = "llap";
        if (length < 3) { nd.Print($" [|llap {length}]"); return length; }
        if (!nd.TTest(0, 3)) { nd.PrintTrunc(); return 0; }
        int dst = nd.U8(0), src = nd.U8(1), type = nd.U8(2);
        int p = 3;
        length -= 3;
        switch (type)
        {
            case 1:
                if (length < DdpShortSize) { nd.Print($" [|sddp {length}]"); return length; }
                if (!nd.TTest(p, DdpShortSize)) { nd.Print(" [|sddp]"); return 0; }
                nd.Print($"{Addr(0, src)}.{Socket(nd, nd.U8(p + 3))}");
                nd.Print($" > {Addr(0, dst)}.{Socket(nd, nd.U8(p + 2))}:");
                Ddp(nd, p + DdpShortSize, length - DdpShortSize, nd.U8(p + 4), 0, src, nd.U8(p + 3));
                return 3 + DdpShortSize;
            case 2:
            {
                if (length < DdpSize) { nd.Print($" [|ddp {length}]"); return length; }
                if (!nd.TTest(p, DdpSize)) { nd.Print(" [|ddp]"); return 0; }
                int snet = nd.Be16(p + 6), snode = nd.U8(p + 9), sskt = nd.U8(p + 11);
                nd.Print($"{Addr(snet, snode)}.{Socket(nd, sskt)}");
                nd.Print($" > {Addr(nd.Be16(p + 4), nd.U8(p + 8))}.{Socket(nd, nd.U8(p + 10))}:");
                Ddp(nd, p + DdpSize, length - DdpSize, nd.U8(p + 12), snet, snode, sskt);
                return 3 + DdpSize;
            }
            default:
                nd.Print($"{src} > {dst} at-lap#{type} {length}");
                return 3;
        }
    }

    private static void Ddp(PrintContext nd, int p, int length, int type, int snet, int snode, int skt)
    {
        switch (type)
        {
            case 2: Nbp(nd, p, length, snet, snode, skt); break;
            case 3: Atp(nd, p, length); break;
            case 88: Eigrp.Print(nd, p, length); break;
            default:
                string name = type switch
                {
                    1 => "rtmp", 5 => "rtmpReq", 4 => "echo", 22 => "IP", 23 => "ARP", 0x4b => "KLAP", _ => $"#{type}",
                };
                nd.Print($" at-{name} {length}");
                break;
        }
    }

    /// <summary>AARP: who-has / reply / probe for Ethernet and AppleTalk addresses, anything else by its fields.</summary>
    public static void Aarp(PrintContext nd, int p, int length)
    {
        nd.Proto = "aarp";
        nd.Print("aarp ");
        if (!nd.TTest(p, 28)) { nd.PrintTrunc(); return; }
        if (length < 28) { nd.Print($" [|aarp {length}]"); return; }
        int htype = nd.Be16(p), ptype = nd.Be16(p + 2), halen = nd.U8(p + 4), palen = nd.U8(p + 5), op = nd.Be16(p + 6);
        string At(int off) => Addr((nd.U8(off + 1) << 8) | nd.U8(off + 2), nd.U8(off + 3));
        if (htype == 1 && ptype == 0x809b && halen == 6 && palen == 4)
        {
            switch (op)
            {
                case 1: nd.Print($"who-has {At(p + 24)} tell {At(p + 14)}"); return;
                case 2:
                    nd.Print($"reply {At(p + 14)} is-at ");
                    nd.Mac(p + 8);
                    return;
                case 3: nd.Print($"probe {At(p + 24)} tell {At(p + 14)}"); return;
            }
        }
        nd.Print($"len {length} op {op} htype {htype} ptype {(ptype == 0 ? "0" : $"0x{ptype:x}")} halen {halen} palen {palen}");
    }

    private static void Atp(PrintContext nd, int p, int length)
    {
        if (!nd.TTest(p, 8)) { nd.PrintTrunc(); return; }
        if (length < 8) { nd.Print($" [|atp {length}]"); return; }
        length -= 8;
        int control = nd.U8(p), bitmap = nd.U8(p + 1), tid = nd.Be16(p + 2);
        switch (control & 0xc0)
        {
            case 0x40:
                nd.Print($" atp-req{((control & 0x20) != 0 ? " " : "*")} {tid}");
                Bitmap(nd, bitmap);
                if (length != 0) nd.Print($" [len={length}]");
                switch (control & 0x18)
                {
                    case 0x10: nd.Print(" [EOM]"); break;
                    case 0x08: nd.Print(" [STS]"); break;
                    case 0x18: nd.Print(" [EOM,STS]"); break;
                }
                break;
            case 0x80:
                nd.Print($" atp-resp{((control & 0x10) != 0 ? "*" : " ")}{tid}:{bitmap} ({length})");
                switch (control & 0x28)
                {
                    case 0x20: nd.Print(" [XO]"); break;
                    case 0x08: nd.Print(" [STS]"); break;
                    case 0x28: nd.Print(" [XO,STS]"); break;
                }
                break;
            case 0xc0:
                nd.Print($" atp-rel  {tid}");
                Bitmap(nd, bitmap);
                if (length != 0) nd.Print($" [len={length}]");
                if ((control & 0x38) != 0)
                {
                    char c = '[';
                    if ((control & 0x20) != 0) { nd.Print($"{c}XO"); c = ','; }
                    if ((control & 0x10) != 0) { nd.Print($"{c}EOM"); c = ','; }
                    if ((control & 0x08) != 0) nd.Print($"{c}STS");
                    nd.Print(']');
                }
                break;
            default:
                nd.Print($" atp-0x{control:x}  {tid} ({length})");
                break;
        }
        uint data = nd.Be32(p + 4);
        if (data != 0) nd.Print($" 0x{data:x}");
    }

    private static void Bitmap(PrintContext nd, int bm)
    {
        if (((bm + 1) & bm) != 0)
        {
            char c = '<';
            for (int i = 0; bm != 0; i++, bm >>= 1)
            {
                if ((bm & 1) != 0) { nd.Print($"{c}{i}"); c = ','; }
            }
            nd.Print('>');
        }
        else
        {
            int i = 0;
            for (; bm != 0; i++) bm >>= 1;
            nd.Print(i > 1 ? $"<0-{i - 1}>" : "<0>");
        }
    }

    private static void Nbp(PrintContext nd, int p, int length, int snet, int snode, int skt)
    {
        int tp = p + 2;
        if (length < 2) { nd.Print($" truncated-nbp {length}"); return; }
        length -= 2;
        if (length < 8) { nd.Print($" truncated-nbp {length + 2}"); return; }
        int ep = nd.SnapEnd;
        if (tp > ep) { nd.PrintTrunc(); return; }
        int control = nd.U8(p);
        switch (control & 0xf0)
        {
            case 0x10:
            case 0x20:
                nd.Print($"{((control & 0xf0) == 0x20 ? " nbp-lkup" : " nbp-brRq")} {nd.U8(p + 1)}:");
                if (tp + 5 > ep) { nd.PrintTrunc(); return; }
                NameTuple(nd, tp, ep);
                if ((control & 0xf) != 1) nd.Print($" [ntup={control & 0xf}]");
                if (nd.U8(tp + 4) != 0) nd.Print($" [enum={nd.U8(tp + 4)}]");
                if (nd.Be16(tp) != snet || nd.U8(tp + 2) != snode || nd.U8(tp + 3) != skt)
                    nd.Print($" [addr={Addr(nd.Be16(tp), nd.U8(tp + 2))}.{nd.U8(tp + 3)}]");
                break;
            case 0x30:
                nd.Print($" nbp-reply {nd.U8(p + 1)}:");
                for (int i = control & 0xf; i != 0 && tp >= 0; i--) tp = Tuple(nd, tp, ep, snet, snode, skt);
                break;
            default:
                nd.Print($" nbp-0x{control:x}  {nd.U8(p + 1)} ({length})");
                break;
        }
    }

    /// <summary>A counted string of at most 32 characters; the offset after it, or -1 when it could not be printed.</summary>
    private static int CountedString(PrintContext nd, int cp, int ep)
    {
        if (cp >= ep) { nd.PrintTrunc(); return -1; }
        int length = nd.U8(cp++);
        if (length > 32) { nd.Print($"[len={length}]"); return -1; }
        for (; length != 0; length--, cp++)
        {
            if (cp >= ep) { nd.PrintTrunc(); return -1; }
            Text.PrintChar(nd, nd.U8(cp));
        }
        return cp;
    }

    private static int Tuple(PrintContext nd, int tp, int ep, int snet, int snode, int skt)
    {
        if (tp + 5 > ep) { nd.PrintTrunc(); return -1; }
        int next = NameTuple(nd, tp, ep);
        if (nd.U8(tp + 4) != 1) nd.Print($"({nd.U8(tp + 4)})");
        if (nd.U8(tp + 3) != skt) nd.Print($" {nd.U8(tp + 3)}");
        if (nd.Be16(tp) != snet || nd.U8(tp + 2) != snode) nd.Print($" [addr={Addr(nd.Be16(tp), nd.U8(tp + 2))}]");
        return next;
    }

    /// <summary>"object:type@zone" after a tuple's address; the offset after it, or -1.</summary>
    private static int NameTuple(PrintContext nd, int tp, int ep)
    {
        nd.Print(" \"");
        int cp = CountedString(nd, tp + 5, ep);
        if (cp >= 0)
        {
            nd.Print(':');
            cp = CountedString(nd, cp, ep);
            if (cp >= 0)
            {
                nd.Print('@');
                cp = CountedString(nd, cp, ep);
                if (cp >= 0) nd.Print('"');
            }
        }
        return cp;
    }
}
