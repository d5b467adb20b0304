// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Pcap.Filter;

/// <summary>
/// One statement of the intermediate code, in a singly linked list (a block's straight-line part).
/// Jt/Jf are only used by the few generators that emit jumps inside a block (protochain, geneve, Linux VLAN).
/// </summary>
internal sealed class Stmt(int code, uint k = 0)
{
    public int Code = code;
    public uint K = k;
    public Stmt? Next;
    public Stmt? Jt, Jf;

    /// <summary>Appends list s1 at the end of list s0.</summary>
    public static void Append(Stmt s0, Stmt? s1)
    {
        while (s0.Next != null) s0 = s0.Next;
        s0.Next = s1;
    }

    public const int Nop = -1;
}

/// <summary>
/// A basic block: straight-line statements followed by one conditional jump (or a return).
/// While an expression is being built, unresolved exits form a list threaded through Jt/Jf
/// (which one depends on <see cref="Sense"/>); <see cref="Head"/> is the entry of the expression.
/// </summary>
internal sealed class Block
{
    public Stmt? Stmts;
    public int Code;
    public uint K;
    public Block? Jt { get => Et.Succ; set => Et.Succ = value; }
    public Block? Jf { get => Ef.Succ; set => Ef.Succ = value; }
    public bool Sense;
    public Block Head;

    // optimizer and linearizer state
    public int Id;
    public int Mark;
    public int Offset;
    public int LongJt, LongJf;
    public Edge Et, Ef;
    public int Level;
    public Block? Link;
    public uint[]? Dom;
    public uint[]? Val;
    public uint Oval;
    public Edge? InEdges;
    public uint Def, Kill, InUse, OutUse;

    private static int s_mark;

    /// <summary>A fresh traversal mark (blocks are "marked" when their Mark equals it).</summary>
    public static int NewMark() => Interlocked.Increment(ref s_mark);

    public Block(int code, uint k = 0)
    {
        Code = code;
        K = k;
        Head = this;
        Et = new Edge(this);
        Ef = new Edge(this);
    }

    public bool IsReturn => Bpf.Class(Code) == Bpf.Ret;

    /// <summary>Points every unresolved exit of list at target.</summary>
    public static void Backpatch(Block? list, Block target)
    {
        while (list != null)
        {
            Block? next;
            if (!list.Sense) { next = list.Jt; list.Jt = target; }
            else { next = list.Jf; list.Jf = target; }
            list = next;
        }
    }

    /// <summary>Concatenates exit list b1 onto the end of b0's.</summary>
    public static void Merge(Block b0, Block b1)
    {
        Block p = b0;
        while (true)
        {
            Block? n = !p.Sense ? p.Jt : p.Jf;
            if (n == null) break;
            p = n;
        }
        if (!p.Sense) p.Jt = b1; else p.Jf = b1;
    }

    /// <summary>b0 and b1; the result is b1.</summary>
    public static void And(Block b0, Block b1)
    {
        Backpatch(b0, b1.Head);
        b0.Sense = !b0.Sense;
        b1.Sense = !b1.Sense;
        Merge(b1, b0);
        b1.Sense = !b1.Sense;
        b1.Head = b0.Head;
    }

    /// <summary>b0 or b1; the result is b1.</summary>
    public static void Or(Block b0, Block b1)
    {
        b0.Sense = !b0.Sense;
        Backpatch(b0, b1.Head);
        b0.Sense = !b0.Sense;
        Merge(b1, b0);
        b1.Head = b0.Head;
    }

    public static void Not(Block b) => b.Sense = !b.Sense;
}

/// <summary>A flow-graph edge (used by the optimizer's jump threading).</summary>
internal sealed class Edge(Block pred)
{
    public Block Pred = pred;
    public int Id;
    /// <summary>The branch opcode for a true edge, its negation for a false edge (set by the optimizer).</summary>
    public int Code;
    public Block? Succ;
    public Edge? Next;
    public uint[]? EdomSet;
}

/// <summary>A compile error; the message is libpcap's wording.</summary>
public sealed class FilterException(string message) : Exception(message);
