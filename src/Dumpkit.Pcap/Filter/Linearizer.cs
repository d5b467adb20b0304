// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Pcap.Filter;

/// <summary>
/// Flow graph to instruction array, laid out as libpcap lays it out: a block is placed after everything reachable
/// from it (false branch first), so the array is filled from the end; a branch too far for 8 bits gets an extra
/// "ja" and the layout is redone.
/// </summary>
internal static class Linearizer
{
    public static BpfInstruction[] Linearize(Block root)
    {
        while (true)
        {
            int mark = NewMark();
            int n = CountStmts(root, mark);
            var prog = new BpfInstruction[n];
            int tail = n;
            if (Convert(root, NewMark(), prog, ref tail)) return prog;
        }
    }

    private static int NewMark() => Block.NewMark();

    private static int SLength(Stmt? s)
    {
        int n = 0;
        for (; s != null; s = s.Next) if (s.Code != Stmt.Nop) n++;
        return n;
    }

    private static int CountStmts(Block? p, int mark)
    {
        if (p == null || p.Mark == mark) return 0;
        p.Mark = mark;
        int n = CountStmts(p.Jt, mark) + CountStmts(p.Jf, mark);
        return SLength(p.Stmts) + n + 1 + p.LongJt + p.LongJf;
    }

    private static bool Convert(Block? p, int mark, BpfInstruction[] prog, ref int tail)
    {
        if (p == null || p.Mark == mark) return true;
        p.Mark = mark;
        if (!Convert(p.Jf, mark, prog, ref tail)) return false;
        if (!Convert(p.Jt, mark, prog, ref tail)) return false;

        int slen = SLength(p.Stmts);
        int dst = tail -= slen + 1 + p.LongJt + p.LongJf;
        p.Offset = dst;
        var offset = new Stmt[slen];
        {
            int k = 0;
            for (var s = p.Stmts; s != null && k < slen; s = s.Next)
                if (s.Code != Stmt.Nop) offset[k++] = s;
        }
        int off = 0;
        for (var src = p.Stmts; src != null; src = src.Next)
        {
            if (src.Code == Stmt.Nop) continue;
            byte jt = 0, jf = 0;
            if (Bpf.Class(src.Code) == Bpf.Jmp && src.Code != (Bpf.Jmp | Bpf.Ja) && off != slen - 2)
            {
                if (src.Jt == null || src.Jf == null) throw new FilterException($"no jmp destination for block-local relative jump: off={off}");
                bool ft = false, ff = false;
                for (int i = 0; i < slen; i++)
                {
                    if (offset[i] == src.Jt)
                    {
                        if (ft) throw new FilterException($"multiple matches for block-local relative jump: off={off}");
                        if (i - off - 1 >= 256) throw new FilterException($"out-of-range jump for block-local relative jump: off={off}");
                        jt = (byte)(i - off - 1);
                        ft = true;
                    }
                    if (offset[i] == src.Jf)
                    {
                        if (ff) throw new FilterException($"multiple matches for block-local relative jump: off={off}");
                        if (i - off - 1 >= 256) throw new FilterException($"out-of-range jump for block-local relative jump: off={off}");
                        jf = (byte)(i - off - 1);
                        ff = true;
                    }
                }
                if (!ft || !ff) throw new FilterException($"no destination found for block-local relative jump: off={off}");
            }
            prog[dst + off] = new BpfInstruction((ushort)src.Code, jt, jf, src.K);
            off++;
        }
        int at = dst + slen;
        if (p.Jt != null)
        {
            int extra = 0;
            byte bjt, bjf;
            int o = p.Jt.Offset - (p.Offset + slen) - 1;
            if (o >= 256)
            {
                if (p.LongJt == 0) { p.LongJt++; return false; }
                bjt = (byte)extra;
                extra++;
                prog[at + extra] = new BpfInstruction(Bpf.Jmp | Bpf.Ja, 0, 0, (uint)(o - extra));
            }
            else bjt = (byte)o;
            o = p.Jf!.Offset - (p.Offset + slen) - 1;
            if (o >= 256)
            {
                if (p.LongJf == 0) { p.LongJf++; return false; }
                bjf = (byte)extra;
                extra++;
                prog[at + extra] = new BpfInstruction(Bpf.Jmp | Bpf.Ja, 0, 0, (uint)(o - extra));
            }
            else bjf = (byte)o;
            prog[at] = new BpfInstruction((ushort)p.Code, bjt, bjf, p.K);
        }
        else prog[at] = new BpfInstruction((ushort)p.Code, 0, 0, p.K);
        return true;
    }
}
