// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Pcap.Filter;

/// <summary>
/// Recursive-descent parser for pcap-filter(7). It calls the code generator in the order libpcap's LALR parser
/// reduces (left to right, bottom up), so scratch registers and blocks come out the same; "and" and "or" have
/// equal precedence and associate to the left, "not" binds tightest, and an identifier after "and"/"or"
/// inherits the qualifiers of the primitive before it.
/// </summary>
internal sealed class Parser
{
    private readonly List<Token> _t;
    private int _p;
    private readonly CodeGen _g;

    private Parser(List<Token> tokens, CodeGen g)
    {
        _t = tokens;
        _g = g;
    }

    /// <summary>Parses and generates; returns null for an empty expression.</summary>
    public static Block? Parse(string expr, CodeGen g)
    {
        // a scanner error surfaces when the parser reaches the bad token, as with libpcap's on-demand scanner
        // (code for the primitives before it may already have failed with its own message)
        var toks = Lexer.Scan(expr);
        var p = new Parser(toks, g);
        if (p.Peek.Kind == Tok.End) return null;
        var (b, _) = p.Expr(Qual.Err);
        if (p.Peek.Kind != Tok.End) throw SyntaxError();
        return b;
    }

    private static FilterException SyntaxError() => new("can't parse filter expression: syntax error");

    // ---- nesting bound ---------------------------------------------------------------------------------------------
    // libpcap's bison parser keeps at most YYMAXDEPTH (10,000) states on its stack and then gives up with "memory
    // exhausted". The parser counts the states bison would hold at the same point (its initial state and the empty
    // "null" rule, two per unfinished operator or opening bracket, one per "not" and "("), so the same nesting is
    // refused with the same message, and the recursion here (a few frames per state) stays bounded.

    private const int MaxStates = 10000;
    private int _states = 2;

    private static FilterException MemoryExhausted() => new("can't parse filter expression: memory exhausted");

    /// <summary>States shifted for an unfinished construct (an operator, "not", an opening bracket).</summary>
    private void Open(int states)
    {
        _states += states;
        if (_states >= MaxStates || !System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw MemoryExhausted();
    }

    private void Close(int states) => _states -= states;

    /// <summary>A primitive's first token shifted on top of the open constructs.</summary>
    private void Leaf()
    {
        if (_states + 1 >= MaxStates) throw MemoryExhausted();
    }

    /// <summary>The closing bracket shifted on top of the bracketed expression's state.</summary>
    private void Closing()
    {
        if (_states + 2 >= MaxStates) throw MemoryExhausted();
    }

    private Token Peek => _t[_p].Kind == Tok.Error
        ? throw new FilterException(_t[_p].Error ?? "can't parse filter expression: syntax error")
        : _t[_p];
    private Token PeekAt(int k) => _t[Math.Min(_p + k, _t.Count - 1)];
    private Token Take()
    {
        var t = Peek;
        _p++;
        return t;
    }

    private Token Expect(Tok k)
    {
        if (Peek.Kind != k) throw SyntaxError();
        return Take();
    }

    private uint ExpectNum() => Expect(Tok.Num).Num;

    // ---- boolean structure -----------------------------------------------------------------------------------

    private (Block B, Qual Q) Expr(Qual ctx)
    {
        var (b, q) = Term(ctx);
        while (Peek.Kind is Tok.And or Tok.Or)
        {
            bool and = Take().Kind == Tok.And;
            Open(2);
            var (b2, q2) = StartsId() ? Id(q) : Term(q);
            Close(2);
            if (and) Block.And(b, b2); else Block.Or(b, b2);
            b = b2;
            q = q2;
        }
        return (b, q);
    }

    private static bool IsIdStart(Tok k) => k is Tok.Id or Tok.Hid or Tok.Hid6 or Tok.Eid or Tok.Aid;

    private static bool IsArithOp(Tok k) => k is Tok.Plus or Tok.Minus or Tok.Star or Tok.Slash or Tok.Percent or Tok.Amp
        or Tok.Pipe or Tok.Caret or Tok.Lsh or Tok.Rsh;

    private static bool IsRelop(Tok k) => k is Tok.Gt or Tok.Geq or Tok.Eq or Tok.Lt or Tok.Leq or Tok.Neq;

    /// <summary>After "and"/"or": does a bare identifier (qualifiers elided) follow rather than a term?</summary>
    private bool StartsId()
    {
        int k = 0;
        while (PeekAt(k).Kind == Tok.Not) k++;
        while (PeekAt(k).Kind == Tok.LParen)
        {
            k++;
            while (PeekAt(k).Kind == Tok.Not) k++;
        }
        var t = PeekAt(k).Kind;
        if (IsIdStart(t)) return true;
        if (t == Tok.Num)
        {
            var n = PeekAt(k + 1).Kind;
            return !(IsArithOp(n) || IsRelop(n));
        }
        return false;
    }

    private (Block B, Qual Q) Term(Qual ctx)
    {
        if (Peek.Kind == Tok.Not)
        {
            Take();
            Open(1);
            var (b, q) = Term(ctx);
            Close(1);
            Block.Not(b);
            return (b, q);
        }
        return RTerm(ctx);
    }

    private static bool IsPname(Tok k) => k is >= Tok.Link and <= Tok.Netbeui;

    private static QProto Pname(Tok k) => k switch
    {
        Tok.Link => QProto.Link, Tok.Ip => QProto.Ip, Tok.Arp => QProto.Arp, Tok.Rarp => QProto.Rarp, Tok.Sctp => QProto.Sctp,
        Tok.Tcp => QProto.Tcp, Tok.Udp => QProto.Udp, Tok.Icmp => QProto.Icmp, Tok.Igmp => QProto.Igmp, Tok.Igrp => QProto.Igrp,
        Tok.Pim => QProto.Pim, Tok.Vrrp => QProto.Vrrp, Tok.Carp => QProto.Carp, Tok.Radio => QProto.Radio,
        Tok.Ip6 => QProto.Ipv6, Tok.Icmp6 => QProto.Icmpv6, Tok.Ah => QProto.Ah, Tok.Esp => QProto.Esp,
        Tok.Atalk => QProto.Atalk, Tok.Aarp => QProto.Aarp, Tok.Decnet => QProto.Decnet, Tok.Lat => QProto.Lat,
        Tok.Sca => QProto.Sca, Tok.Moprc => QProto.Moprc, Tok.Mopdl => QProto.Mopdl, Tok.Iso => QProto.Iso,
        Tok.Esis => QProto.Esis, Tok.Isis => QProto.Isis, Tok.L1 => QProto.IsisL1, Tok.L2 => QProto.IsisL2,
        Tok.Iih => QProto.IsisIih, Tok.Lsp => QProto.IsisLsp, Tok.Snp => QProto.IsisSnp, Tok.Csnp => QProto.IsisCsnp,
        Tok.Psnp => QProto.IsisPsnp, Tok.Clnp => QProto.Clnp, Tok.Stp => QProto.Stp, Tok.Ipx => QProto.Ipx,
        Tok.Netbeui => QProto.Netbeui, _ => QProto.Undef,
    };

    private static bool IsDqual(Tok k) => k is Tok.Src or Tok.Dst or Tok.Addr1 or Tok.Addr2 or Tok.Addr3 or Tok.Addr4 or Tok.Ra or Tok.Ta;
    private static bool IsAqual(Tok k) => k is Tok.Host or Tok.Net or Tok.Port or Tok.Portrange;

    private (Block B, Qual Q) RTerm(Qual ctx)
    {
        var t = Peek.Kind;
        if (t == Tok.LParen)
        {
            if (ParenIsArith()) return (RelationTerm(), Qual.Err);
            Take();
            Open(1);
            var (b, _) = Expr(ctx);
            Closing();
            Expect(Tok.RParen);
            Close(1);
            return (b, ctx);
        }
        Leaf();
        if (IsPname(t))
        {
            var n = PeekAt(1).Kind;
            if (n == Tok.LBracket) return (RelationTerm(), Qual.Err);
            if (IsDqual(n) || IsAqual(n) || n is Tok.Proto or Tok.Protochain or Tok.Gateway)
            {
                Take();
                return HeadId(Pname(t));
            }
            if (n is Tok.Broadcast or Tok.Multicast)
            {
                Take();
                return (Take().Kind == Tok.Broadcast ? _g.Broadcast(Pname(t)) : _g.Multicast(Pname(t)), Qual.Err);
            }
            Take();
            return (_g.ProtoAbbrev(Pname(t)), Qual.Err);
        }
        if (IsDqual(t) || IsAqual(t) || t is Tok.Proto or Tok.Protochain or Tok.Gateway) return HeadId(QProto.Default);
        switch (t)
        {
            case Tok.Broadcast: Take(); return (_g.Broadcast(QProto.Default), Qual.Err);
            case Tok.Multicast: Take(); return (_g.Multicast(QProto.Default), Qual.Err);
            case Tok.Num:
            case Tok.Minus:
            case Tok.Len:
                return (RelationTerm(), Qual.Err);
            case Tok.Less: Take(); return (_g.Less(ExpectNum()), Qual.Err);
            case Tok.Greater: Take(); return (_g.Greater(ExpectNum()), Qual.Err);
            case Tok.Byte:
                {
                    Take();
                    uint idx = ExpectNum();
                    char op = Take().Kind switch
                    {
                        Tok.Amp => '&', Tok.Pipe => '|', Tok.Lt => '<', Tok.Gt => '>', Tok.Eq => '=',
                        _ => throw SyntaxError(),
                    };
                    return (_g.ByteOp(op, idx, ExpectNum()), Qual.Err);
                }
            case Tok.Inbound: Take(); return (_g.Inbound(false), Qual.Err);
            case Tok.Outbound: Take(); return (_g.Inbound(true), Qual.Err);
            case Tok.Ifindex: Take(); return (_g.IfIndex(ExpectNum()), Qual.Err);
            case Tok.Vlan: { Take(); var n = OptPnum(); return (_g.Vlan(n ?? 0, n != null), Qual.Err); }
            case Tok.Mpls: { Take(); var n = OptPnum(); return (_g.Mpls(n ?? 0, n != null), Qual.Err); }
            case Tok.Pppoed: Take(); return (_g.PppoeD(), Qual.Err);
            case Tok.Pppoes: { Take(); var n = OptPnum(); return (_g.PppoeS(n ?? 0, n != null), Qual.Err); }
            case Tok.Geneve: { Take(); var n = OptPnum(); return (_g.Geneve(n ?? 0, n != null), Qual.Err); }
            case Tok.Llc:
                {
                    // other: LLC | LLC ID | LLC PF_RNR ("rnr" is PF's keyword)
                    Take();
                    if (Peek.Kind == Tok.Id) return (_g.LlcNamed(Take().Text), Qual.Err);
                    if (Peek.Kind == Tok.PfRnr) { Take(); return (_g.LlcRnr(), Qual.Err); }
                    return (_g.Llc(), Qual.Err);
                }
            case Tok.Type or Tok.Subtype or Tok.Dir:
                throw new FilterException("802.11 link-layer types supported only on 802.11");
            case Tok.PfIfname or Tok.PfRset or Tok.PfRnr or Tok.PfSrnr or Tok.PfReason or Tok.PfAction:
                throw new FilterException($"{Peek.Text} supported only on PF linktype");
            case >= Tok.Lane and <= Tok.Metaconnect:
                throw new FilterException($"'{Peek.Text}' supported only on raw ATM");
            case >= Tok.Fisu and <= Tok.Hsls:
                throw new FilterException($"'{Peek.Text}' supported only on MTP2");
            default:
                throw SyntaxError();
        }
    }

    /// <summary>pnum = NUM | '(' pnum ')', optional.</summary>
    private uint? OptPnum()
    {
        if (Peek.Kind == Tok.Num) return Take().Num;
        int k = 0;
        while (PeekAt(k).Kind == Tok.LParen) k++;
        if (k == 0 || PeekAt(k).Kind != Tok.Num) return null;
        for (int j = 1; j <= k; j++) if (PeekAt(k + j).Kind != Tok.RParen) return null;
        _p += k;
        uint v = Take().Num;
        _p += k;
        return v;
    }

    /// <summary>Does the parenthesis at the cursor enclose arithmetic (it is followed by an operator or relation)?</summary>
    private bool ParenIsArith()
    {
        int depth = 0, k = 0;
        while (true)
        {
            var kind = PeekAt(k).Kind;
            if (kind is Tok.End or Tok.Error) return false;
            if (kind == Tok.LParen) depth++;
            else if (kind == Tok.RParen && --depth == 0) break;
            k++;
        }
        var next = PeekAt(k + 1).Kind;
        return IsArithOp(next) || IsRelop(next);
    }

    private (Block B, Qual Q) HeadId(QProto proto)
    {
        var dir = QDir.Default;
        var addr = QAddr.Default;
        var t = Peek.Kind;
        if (IsDqual(t))
        {
            Take();
            dir = t switch
            {
                Tok.Src => QDir.Src, Tok.Dst => QDir.Dst, Tok.Addr1 => QDir.Addr1, Tok.Addr2 => QDir.Addr2,
                Tok.Addr3 => QDir.Addr3, Tok.Addr4 => QDir.Addr4, Tok.Ra => QDir.Ra, _ => QDir.Ta,
            };
            if (t is Tok.Src or Tok.Dst && Peek.Kind is Tok.And or Tok.Or)
            {
                bool isAnd = Take().Kind == Tok.And;
                Expect(t == Tok.Src ? Tok.Dst : Tok.Src);
                dir = isAnd ? QDir.And : QDir.Or;
            }
            if (IsAqual(Peek.Kind)) addr = Aqual(Take().Kind);
        }
        else if (IsAqual(t)) addr = Aqual(Take().Kind);
        else if (t == Tok.Proto) { Take(); addr = QAddr.Proto; }
        else if (t == Tok.Protochain) { Take(); addr = QAddr.Protochain; }
        else if (t == Tok.Gateway) { Take(); addr = QAddr.Gateway; }
        else throw SyntaxError();
        var q = new Qual(addr, proto, dir);
        return Id(q);
    }

    private static QAddr Aqual(Tok k) => k switch
    {
        Tok.Host => QAddr.Host, Tok.Net => QAddr.Net, Tok.Port => QAddr.Port, _ => QAddr.Portrange,
    };

    // ---- identifiers -------------------------------------------------------------------------------------------

    /// <summary>id: nid | pnum | '(' pid ')'; every identifier gets the qualifiers ctx.</summary>
    private (Block B, Qual Q) Id(Qual ctx)
    {
        var t = Peek;
        switch (t.Kind)
        {
            case Tok.Not:
                {
                    Take();
                    var (b, _) = Id(ctx);
                    Block.Not(b);
                    return (b, ctx);
                }
            case Tok.Num:
                Take();
                return (_g.NCode(null, t.Num, ctx), ctx);
            case Tok.LParen:
                {
                    var n = OptPnum();
                    if (n != null) return (_g.NCode(null, n.Value, ctx), ctx);
                    Take();
                    var (b, _) = Id(ctx);
                    while (Peek.Kind is Tok.And or Tok.Or)
                    {
                        bool and = Take().Kind == Tok.And;
                        var (b2, _) = Id(ctx);
                        if (and) Block.And(b, b2); else Block.Or(b, b2);
                        b = b2;
                    }
                    Expect(Tok.RParen);
                    return (b, ctx);
                }
            case Tok.Id:
                Take();
                return (_g.SCode(t.Text, ctx), ctx);
            case Tok.Hid:
                {
                    Take();
                    if (Peek.Kind == Tok.Slash)
                    {
                        Take();
                        return (_g.MCode(t.Text, null, ExpectNum(), ctx), ctx);
                    }
                    if (Peek.Kind == Tok.Mask)
                    {
                        Take();
                        var m = Expect(Tok.Hid);
                        return (_g.MCode(t.Text, m.Text, 0, ctx), ctx);
                    }
                    switch (ctx.Addr)
                    {
                        case QAddr.Port: throw new FilterException("'port' modifier applied to ip host");
                        case QAddr.Portrange: throw new FilterException("'portrange' modifier applied to ip host");
                        case QAddr.Proto: throw new FilterException("'proto' modifier applied to ip host");
                        case QAddr.Protochain: throw new FilterException("'protochain' modifier applied to ip host");
                    }
                    return (_g.NCode(t.Text, 0, ctx), ctx);
                }
            case Tok.Hid6:
                {
                    Take();
                    if (Peek.Kind == Tok.Slash)
                    {
                        Take();
                        return (_g.MCode6(t.Text, ExpectNum(), ctx), ctx);
                    }
                    return (_g.MCode6(t.Text, 128, ctx), ctx);
                }
            case Tok.Eid:
                Take();
                return (_g.ECode(t.Text, ctx), ctx);
            case Tok.Aid:
                throw new FilterException("aid supported only on ARCnet");
            default:
                throw SyntaxError();
        }
    }

    // ---- arithmetic ------------------------------------------------------------------------------------------------

    private Block RelationTerm()
    {
        var a0 = Arith(0);
        Open(2);
        var op = Take().Kind;
        int code;
        bool reversed;
        switch (op)
        {
            case Tok.Gt: code = Bpf.Jgt; reversed = false; break;
            case Tok.Geq: code = Bpf.Jge; reversed = false; break;
            case Tok.Eq: code = Bpf.Jeq; reversed = false; break;
            case Tok.Leq: code = Bpf.Jgt; reversed = true; break;
            case Tok.Lt: code = Bpf.Jge; reversed = true; break;
            case Tok.Neq: code = Bpf.Jeq; reversed = true; break;
            default: throw SyntaxError();
        }
        var a1 = Arith(0);
        Close(2);
        return _g.Relation(code, a0, a1, reversed);
    }

    private static int Prec(Tok k) => k switch
    {
        Tok.Pipe => 1,
        Tok.Amp => 2,
        Tok.Lsh or Tok.Rsh => 3,
        Tok.Plus or Tok.Minus => 4,
        Tok.Star or Tok.Slash => 5,
        _ => -1,
    };

    private static int AluOp(Tok k) => k switch
    {
        Tok.Plus => Bpf.Add, Tok.Minus => Bpf.Sub, Tok.Star => Bpf.Mul, Tok.Slash => Bpf.Div, Tok.Percent => Bpf.Mod,
        Tok.Amp => Bpf.And, Tok.Pipe => Bpf.Or, Tok.Caret => Bpf.Xor, Tok.Lsh => Bpf.Lsh, _ => Bpf.Rsh,
    };

    /// <summary>Binary operators by precedence; '%' and '^' have none in libpcap's grammar, so they always shift.</summary>
    private Arth Arith(int minPrec)
    {
        var lhs = PrimaryMod();
        while (true)
        {
            int p = Prec(Peek.Kind);
            if (p < 0 || p < minPrec) return lhs;
            var op = Take().Kind;
            Open(2);
            var rhs = Arith(p + 1);
            Close(2);
            lhs = _g.Arith(AluOp(op), lhs, rhs);
        }
    }

    private Arth PrimaryMod()
    {
        var a = Primary();
        while (Peek.Kind is Tok.Percent or Tok.Caret)
        {
            var op = Take().Kind;
            Open(2);
            var rhs = Arith(0);
            Close(2);
            a = _g.Arith(AluOp(op), a, rhs);
        }
        return a;
    }

    private Arth Primary()
    {
        var t = Peek;
        Leaf();
        switch (t.Kind)
        {
            case Tok.Num:
                Take();
                return _g.LoadI(t.Num);
            case Tok.LParen:
                {
                    Take();
                    Open(1);
                    var a = Arith(0);
                    Closing();
                    Expect(Tok.RParen);
                    Close(1);
                    return a;
                }
            case Tok.Len:
                Take();
                return _g.LoadLen();
            case Tok.Minus:
                {
                    Take();
                    Open(1);
                    var a = _g.Neg(PrimaryMod());
                    Close(1);
                    return a;
                }
            default:
                if (IsPname(t.Kind) && PeekAt(1).Kind == Tok.LBracket)
                {
                    Take();
                    Take();
                    Open(2);
                    var idx = Arith(0);
                    uint size = 1;
                    if (Peek.Kind == Tok.Colon)
                    {
                        Take();
                        size = ExpectNum();
                    }
                    Closing();
                    Expect(Tok.RBracket);
                    Close(2);
                    return _g.Load(Pname(t.Kind), idx, size);
                }
                throw SyntaxError();
        }
    }
}
