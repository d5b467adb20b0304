// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Numerics;

namespace Dumpkit.Pcap.Filter;

/// <summary>
/// The flow-graph optimizer, following libpcap 1.10's passes so that optimized listings come out the same:
/// value numbering over the acyclic graph (constant folding and propagation, redundant-load and dead-store
/// elimination, peephole rewrites), jump threading along dominating edges, and/or pull-ups, then merging of
/// identical blocks.
/// </summary>
internal sealed class Optimizer
{
    private const int AAtom = Bpf.MemWords, XAtom = Bpf.MemWords + 1, NAtoms = Bpf.MemWords + 2, AxAtom = NAtoms;
    private const uint ValUnknown = 0;

    private Block _root;
    private Block[] _blocks = [];
    private Edge[] _edges = [];
    private Block?[] _levels = [];
    private int _nodeWords, _edgeWords;
    private bool _done, _nonBranchMovement;

    // value numbering
    private readonly Dictionary<(int, uint, uint), uint> _hash = [];
    private readonly List<(bool IsConst, uint Const)> _vmap = [];
    private uint _curVal;

    private Optimizer(Block root) => _root = root;

    /// <summary>Optimizes the graph rooted at root; returns the new root.</summary>
    public static Block Optimize(Block root)
    {
        var o = new Optimizer(root);
        o.Init();
        o.Loop(false);
        o.Loop(true);
        o.InternBlocks();
        o.OptRoot();
        return o._root;
    }

    // ---- set helpers ---------------------------------------------------------------------------------------

    private static bool Member(uint[] set, int a) => (set[a >> 5] & (1u << (a & 31))) != 0;
    private static void Insert(uint[] set, int a) => set[a >> 5] |= 1u << (a & 31);
    private static void Intersect(uint[] a, uint[] b) { for (int i = 0; i < a.Length; i++) a[i] &= b[i]; }
    private static bool AtomElem(uint set, int atom) => (set & (1u << atom)) != 0;
    private static uint AtomMask(int atom) => 1u << atom;

    private static int NewMark() => Block.NewMark();

    // ---- setup ---------------------------------------------------------------------------------------------

    private void Init()
    {
        var list = new List<Block>();
        int mark = NewMark();
        Number(_root, mark, list);
        _blocks = [.. list];
        int n = _blocks.Length;
        _edges = new Edge[2 * n];
        _levels = new Block?[n];
        _edgeWords = 2 * n / 32 + 1;
        _nodeWords = n / 32 + 1;
        for (int i = 0; i < n; i++)
        {
            var b = _blocks[i];
            b.Dom = new uint[_nodeWords];
            b.Et.EdomSet = new uint[_edgeWords];
            b.Ef.EdomSet = new uint[_edgeWords];
            b.Et.Id = i;
            _edges[i] = b.Et;
            b.Ef.Id = n + i;
            _edges[n + i] = b.Ef;
            b.Et.Pred = b;
            b.Ef.Pred = b;
            b.Val = new uint[NAtoms];
        }
    }

    private static void Number(Block? p, int mark, List<Block> list)
    {
        if (p == null || p.Mark == mark) return;
        p.Mark = mark;
        p.Id = list.Count;
        list.Add(p);
        Number(p.Jt, mark, list);
        Number(p.Jf, mark, list);
    }

    // ---- analysis --------------------------------------------------------------------------------------------

    private void FindLevels()
    {
        Array.Clear(_levels);
        int mark = NewMark();
        FindLevelsR(_root, mark);
    }

    private void FindLevelsR(Block b, int mark)
    {
        if (b.Mark == mark) return;
        b.Mark = mark;
        b.Link = null;
        int level;
        if (b.Jt != null)
        {
            FindLevelsR(b.Jt, mark);
            FindLevelsR(b.Jf!, mark);
            level = Math.Max(b.Jt.Level, b.Jf!.Level) + 1;
        }
        else level = 0;
        b.Level = level;
        b.Link = _levels[level];
        _levels[level] = b;
    }

    private IEnumerable<Block> Level(int level)
    {
        for (var b = _levels[level]; b != null; b = b.Link) yield return b;
    }

    private void FindDom()
    {
        foreach (var b in _blocks) Array.Fill(b.Dom!, 0xffffffffu);
        Array.Clear(_root.Dom!);
        for (int level = _root.Level; level >= 0; level--)
            for (var b = _levels[level]; b != null; b = b.Link)
            {
                Insert(b.Dom!, b.Id);
                if (b.Jt == null) continue;
                Intersect(b.Jt.Dom!, b.Dom!);
                Intersect(b.Jf!.Dom!, b.Dom!);
            }
    }

    private static void PropEdom(Edge ep)
    {
        Insert(ep.EdomSet!, ep.Id);
        if (ep.Succ != null)
        {
            Intersect(ep.Succ.Et.EdomSet!, ep.EdomSet!);
            Intersect(ep.Succ.Ef.EdomSet!, ep.EdomSet!);
        }
    }

    private void FindEdom()
    {
        foreach (var e in _edges) Array.Fill(e.EdomSet!, 0xffffffffu);
        Array.Clear(_root.Et.EdomSet!);
        Array.Clear(_root.Ef.EdomSet!);
        for (int level = _root.Level; level >= 0; level--)
            for (var b = _levels[level]; b != null; b = b.Link)
            {
                PropEdom(b.Et);
                PropEdom(b.Ef);
            }
    }

    private static int AtomUse(int c, uint k)
    {
        if (c == Stmt.Nop) return -1;
        switch (Bpf.Class(c))
        {
            case Bpf.Ret:
                return Bpf.RVal(c) == Bpf.A ? AAtom : Bpf.RVal(c) == Bpf.X ? XAtom : -1;
            case Bpf.Ld:
            case Bpf.Ldx:
                return Bpf.Mode(c) == Bpf.Ind ? XAtom : Bpf.Mode(c) == Bpf.Mem ? (int)k : -1;
            case Bpf.St: return AAtom;
            case Bpf.Stx: return XAtom;
            case Bpf.Jmp:
            case Bpf.Alu:
                return Bpf.Src(c) == Bpf.X ? AxAtom : AAtom;
            default: // misc
                return (c & 0xf8) == Bpf.Txa ? XAtom : AAtom;
        }
    }

    private static int AtomDef(int c, uint k)
    {
        if (c == Stmt.Nop) return -1;
        switch (Bpf.Class(c))
        {
            case Bpf.Ld:
            case Bpf.Alu:
                return AAtom;
            case Bpf.Ldx: return XAtom;
            case Bpf.St:
            case Bpf.Stx:
                return (int)k;
            case Bpf.Misc: return (c & 0xf8) == Bpf.Tax ? XAtom : AAtom;
            default: return -1;
        }
    }

    private static void ComputeLocalUd(Block b)
    {
        uint def = 0, use = 0, killed = 0;
        for (var s = b.Stmts; s != null; s = s.Next)
        {
            if (s.Code == Stmt.Nop) continue;
            int atom = AtomUse(s.Code, s.K);
            if (atom >= 0)
            {
                if (atom == AxAtom)
                {
                    if (!AtomElem(def, XAtom)) use |= AtomMask(XAtom);
                    if (!AtomElem(def, AAtom)) use |= AtomMask(AAtom);
                }
                else if (atom < NAtoms)
                {
                    if (!AtomElem(def, atom)) use |= AtomMask(atom);
                }
            }
            atom = AtomDef(s.Code, s.K);
            if (atom >= 0)
            {
                if (!AtomElem(use, atom)) killed |= AtomMask(atom);
                def |= AtomMask(atom);
            }
        }
        if (Bpf.Class(b.Code) == Bpf.Jmp)
        {
            int atom = AtomUse(b.Code, b.K);
            if (atom >= 0)
            {
                if (atom == AxAtom)
                {
                    if (!AtomElem(def, XAtom)) use |= AtomMask(XAtom);
                    if (!AtomElem(def, AAtom)) use |= AtomMask(AAtom);
                }
                else if (atom < NAtoms)
                {
                    if (!AtomElem(def, atom)) use |= AtomMask(atom);
                }
            }
        }
        b.Def = def;
        b.Kill = killed;
        b.InUse = use;
    }

    private void FindUd()
    {
        int maxlevel = _root.Level;
        for (int i = maxlevel; i >= 0; --i)
            for (var p = _levels[i]; p != null; p = p.Link)
            {
                ComputeLocalUd(p);
                p.OutUse = 0;
            }
        for (int i = 1; i <= maxlevel; ++i)
            for (var p = _levels[i]; p != null; p = p.Link)
            {
                p.OutUse |= p.Jt!.InUse | p.Jf!.InUse;
                p.InUse |= p.OutUse & ~p.Kill;
            }
    }

    // ---- value numbering ---------------------------------------------------------------------------------------

    private void InitVal()
    {
        _curVal = 0;
        _hash.Clear();
        _vmap.Clear();
        _vmap.Add((false, 0));
    }

    private (bool IsConst, uint Const) VMap(uint v) => v < _vmap.Count ? _vmap[(int)v] : (false, 0);

    private uint F(int code, uint v0, uint v1)
    {
        if (_hash.TryGetValue((code, v0, v1), out uint val)) return val;
        val = ++_curVal;
        bool isConst = Bpf.Mode(code) == Bpf.Imm && (Bpf.Class(code) == Bpf.Ld || Bpf.Class(code) == Bpf.Ldx);
        while (_vmap.Count <= val) _vmap.Add((false, 0));
        if (isConst) _vmap[(int)val] = (true, v0);
        _hash[(code, v0, v1)] = val;
        return val;
    }

    private uint K(uint i) => F(Bpf.Ld | Bpf.Imm | Bpf.W, i, 0);

    private static void VStore(Stmt s, ref uint valp, uint newval, bool alter)
    {
        if (alter && newval != ValUnknown && valp == newval) s.Code = Stmt.Nop;
        else valp = newval;
    }

    private void Changed()
    {
        _nonBranchMovement = true;
        _done = false;
    }

    private void FoldOp(Stmt s, uint v0, uint v1)
    {
        uint a = VMap(v0).Const, b = VMap(v1).Const;
        switch (Bpf.Op(s.Code))
        {
            case Bpf.Add: a += b; break;
            case Bpf.Sub: a -= b; break;
            case Bpf.Mul: a *= b; break;
            case Bpf.Div:
                if (b == 0) throw new FilterException("division by zero");
                a /= b;
                break;
            case Bpf.Mod:
                if (b == 0) throw new FilterException("modulus by zero");
                a %= b;
                break;
            case Bpf.And: a &= b; break;
            case Bpf.Or: a |= b; break;
            case Bpf.Xor: a ^= b; break;
            case Bpf.Lsh: a = b < 32 ? a << (int)b : 0; break;
            case Bpf.Rsh: a = b < 32 ? a >> (int)b : 0; break;
            default: throw new FilterException("internal error: bad fold operation");
        }
        s.K = a;
        s.Code = Bpf.Ld | Bpf.Imm;
        Changed();
    }

    private static Stmt? ThisOp(Stmt? s)
    {
        while (s != null && s.Code == Stmt.Nop) s = s.Next;
        return s;
    }

    private static void OptNot(Block b) => (b.Jt, b.Jf) = (b.Jf, b.Jt);

    private void OptPeep(Block b)
    {
        var s = b.Stmts;
        if (s == null) return;
        var last = s;
        for (; ; )
        {
            s = ThisOp(s);
            if (s == null) break;
            var next = ThisOp(s.Next);
            if (next == null) break;
            last = next;
            if (s.Code == Bpf.St && next.Code == (Bpf.Ldx | Bpf.Mem) && s.K == next.K)
            {
                Changed();
                next.Code = Bpf.Misc | Bpf.Tax;
            }
            if (s.Code == (Bpf.Ld | Bpf.Imm) && next.Code == (Bpf.Misc | Bpf.Tax))
            {
                s.Code = Bpf.Ldx | Bpf.Imm;
                next.Code = Bpf.Misc | Bpf.Txa;
                Changed();
            }
            if (s.Code == (Bpf.Ld | Bpf.Imm))
            {
                if (AtomElem(b.OutUse, XAtom)) { s = next; continue; }
                var add = next.Code != (Bpf.Ldx | Bpf.Msh | Bpf.B) ? next : ThisOp(next.Next);
                if (add == null || add.Code != (Bpf.Alu | Bpf.Add | Bpf.X)) { s = next; continue; }
                var tax = ThisOp(add.Next);
                if (tax == null || tax.Code != (Bpf.Misc | Bpf.Tax)) { s = next; continue; }
                var ild = ThisOp(tax.Next);
                if (ild == null || Bpf.Class(ild.Code) != Bpf.Ld || Bpf.Mode(ild.Code) != Bpf.Ind) { s = next; continue; }
                ild.K += s.K;
                s.Code = Stmt.Nop;
                add.Code = Stmt.Nop;
                tax.Code = Stmt.Nop;
                Changed();
            }
            s = next;
        }
        if (b.Code == (Bpf.Jmp | Bpf.Jeq | Bpf.K) && !AtomElem(b.OutUse, AAtom))
        {
            if (last.Code == (Bpf.Alu | Bpf.Sub | Bpf.X))
            {
                uint val = b.Val![XAtom];
                if (VMap(val).IsConst)
                {
                    b.K += VMap(val).Const;
                    last.Code = Stmt.Nop;
                    Changed();
                }
                else if (b.K == 0)
                {
                    last.Code = Stmt.Nop;
                    b.Code = Bpf.Jmp | Bpf.Jeq | Bpf.X;
                    Changed();
                }
            }
            else if (last.Code == (Bpf.Alu | Bpf.Sub | Bpf.K))
            {
                last.Code = Stmt.Nop;
                b.K += last.K;
                Changed();
            }
            else if (last.Code == (Bpf.Alu | Bpf.And | Bpf.K) && b.K == 0)
            {
                b.K = last.K;
                b.Code = Bpf.Jmp | Bpf.K | Bpf.Jset;
                last.Code = Stmt.Nop;
                Changed();
                OptNot(b);
            }
        }
        if (b.Code == (Bpf.Jmp | Bpf.K | Bpf.Jset))
        {
            if (b.K == 0) b.Jt = b.Jf;
            if (b.K == 0xffffffff) b.Jf = b.Jt;
        }
        {
            uint val = b.Val![XAtom];
            if (VMap(val).IsConst && Bpf.Src(b.Code) == Bpf.X)
            {
                b.Code &= ~Bpf.X;
                b.K = VMap(val).Const;
            }
        }
        {
            uint val = b.Val![AAtom];
            if (VMap(val).IsConst && Bpf.Src(b.Code) == Bpf.K)
            {
                uint v = VMap(val).Const;
                switch (Bpf.Op(b.Code))
                {
                    case Bpf.Jeq: v = v == b.K ? 1u : 0u; break;
                    case Bpf.Jgt: v = v > b.K ? 1u : 0u; break;
                    case Bpf.Jge: v = v >= b.K ? 1u : 0u; break;
                    case Bpf.Jset: v &= b.K; break;
                    default: throw new FilterException("internal error: bad branch");
                }
                if (b.Jf != b.Jt) Changed();
                if (v != 0) b.Jf = b.Jt;
                else b.Jt = b.Jf;
            }
        }
    }

    private void OptStmt(Stmt s, uint[] val, bool alter)
    {
        uint v;
        switch (s.Code)
        {
            case Bpf.Ld | Bpf.Abs | Bpf.W:
            case Bpf.Ld | Bpf.Abs | Bpf.H:
            case Bpf.Ld | Bpf.Abs | Bpf.B:
                v = F(s.Code, s.K, 0);
                VStore(s, ref val[AAtom], v, alter);
                break;
            case Bpf.Ld | Bpf.Ind | Bpf.W:
            case Bpf.Ld | Bpf.Ind | Bpf.H:
            case Bpf.Ld | Bpf.Ind | Bpf.B:
                v = val[XAtom];
                if (alter && VMap(v).IsConst)
                {
                    s.Code = Bpf.Ld | Bpf.Abs | Bpf.Size(s.Code);
                    s.K += VMap(v).Const;
                    v = F(s.Code, s.K, 0);
                    Changed();
                }
                else v = F(s.Code, s.K, v);
                VStore(s, ref val[AAtom], v, alter);
                break;
            case Bpf.Ld | Bpf.Len:
                v = F(s.Code, 0, 0);
                VStore(s, ref val[AAtom], v, alter);
                break;
            case Bpf.Ld | Bpf.Imm:
                v = K(s.K);
                VStore(s, ref val[AAtom], v, alter);
                break;
            case Bpf.Ldx | Bpf.Imm:
                v = K(s.K);
                VStore(s, ref val[XAtom], v, alter);
                break;
            case Bpf.Ldx | Bpf.Msh | Bpf.B:
                v = F(s.Code, s.K, 0);
                VStore(s, ref val[XAtom], v, alter);
                break;
            case Bpf.Alu | Bpf.Neg:
                if (alter && VMap(val[AAtom]).IsConst)
                {
                    s.Code = Bpf.Ld | Bpf.Imm;
                    s.K = 0u - VMap(val[AAtom]).Const;
                    val[AAtom] = K(s.K);
                }
                else val[AAtom] = F(s.Code, val[AAtom], 0);
                break;
            case Bpf.Alu | Bpf.Add | Bpf.K:
            case Bpf.Alu | Bpf.Sub | Bpf.K:
            case Bpf.Alu | Bpf.Mul | Bpf.K:
            case Bpf.Alu | Bpf.Div | Bpf.K:
            case Bpf.Alu | Bpf.Mod | Bpf.K:
            case Bpf.Alu | Bpf.And | Bpf.K:
            case Bpf.Alu | Bpf.Or | Bpf.K:
            case Bpf.Alu | Bpf.Xor | Bpf.K:
            case Bpf.Alu | Bpf.Lsh | Bpf.K:
            case Bpf.Alu | Bpf.Rsh | Bpf.K:
                {
                    int op = Bpf.Op(s.Code);
                    if (alter)
                    {
                        if (s.K == 0)
                        {
                            if (op is Bpf.Add or Bpf.Lsh or Bpf.Rsh or Bpf.Or or Bpf.Xor)
                            {
                                s.Code = Stmt.Nop;
                                break;
                            }
                            if (op is Bpf.Mul or Bpf.And)
                            {
                                s.Code = Bpf.Ld | Bpf.Imm;
                                val[AAtom] = K(s.K);
                                break;
                            }
                            if (op == Bpf.Div) throw new FilterException("division by zero");
                            if (op == Bpf.Mod) throw new FilterException("modulus by zero");
                        }
                        if (VMap(val[AAtom]).IsConst)
                        {
                            FoldOp(s, val[AAtom], K(s.K));
                            val[AAtom] = K(s.K);
                            break;
                        }
                    }
                    val[AAtom] = F(s.Code, val[AAtom], K(s.K));
                    break;
                }
            case Bpf.Alu | Bpf.Add | Bpf.X:
            case Bpf.Alu | Bpf.Sub | Bpf.X:
            case Bpf.Alu | Bpf.Mul | Bpf.X:
            case Bpf.Alu | Bpf.Div | Bpf.X:
            case Bpf.Alu | Bpf.Mod | Bpf.X:
            case Bpf.Alu | Bpf.And | Bpf.X:
            case Bpf.Alu | Bpf.Or | Bpf.X:
            case Bpf.Alu | Bpf.Xor | Bpf.X:
            case Bpf.Alu | Bpf.Lsh | Bpf.X:
            case Bpf.Alu | Bpf.Rsh | Bpf.X:
                {
                    int op = Bpf.Op(s.Code);
                    if (alter && VMap(val[XAtom]).IsConst)
                    {
                        if (VMap(val[AAtom]).IsConst)
                        {
                            FoldOp(s, val[AAtom], val[XAtom]);
                            val[AAtom] = K(s.K);
                        }
                        else
                        {
                            s.Code = Bpf.Alu | Bpf.K | op;
                            s.K = VMap(val[XAtom]).Const;
                            if (op is Bpf.Lsh or Bpf.Rsh && s.K > 31) throw new FilterException("shift by more than 31 bits");
                            Changed();
                            val[AAtom] = F(s.Code, val[AAtom], K(s.K));
                        }
                        break;
                    }
                    if (alter && VMap(val[AAtom]).IsConst && VMap(val[AAtom]).Const == 0)
                    {
                        if (op is Bpf.Add or Bpf.Or or Bpf.Xor)
                        {
                            s.Code = Bpf.Misc | Bpf.Txa;
                            VStore(s, ref val[AAtom], val[XAtom], alter);
                            break;
                        }
                        if (op is Bpf.Mul or Bpf.Div or Bpf.Mod or Bpf.And or Bpf.Lsh or Bpf.Rsh)
                        {
                            s.Code = Bpf.Ld | Bpf.Imm;
                            s.K = 0;
                            VStore(s, ref val[AAtom], K(s.K), alter);
                            break;
                        }
                        if (op == Bpf.Neg)
                        {
                            s.Code = Stmt.Nop;
                            break;
                        }
                    }
                    val[AAtom] = F(s.Code, val[AAtom], val[XAtom]);
                    break;
                }
            case Bpf.Misc | Bpf.Txa:
                VStore(s, ref val[AAtom], val[XAtom], alter);
                break;
            case Bpf.Ld | Bpf.Mem:
                v = val[s.K];
                if (alter && VMap(v).IsConst)
                {
                    s.Code = Bpf.Ld | Bpf.Imm;
                    s.K = VMap(v).Const;
                    Changed();
                }
                VStore(s, ref val[AAtom], v, alter);
                break;
            case Bpf.Misc | Bpf.Tax:
                VStore(s, ref val[XAtom], val[AAtom], alter);
                break;
            case Bpf.Ldx | Bpf.Mem:
                v = val[s.K];
                if (alter && VMap(v).IsConst)
                {
                    s.Code = Bpf.Ldx | Bpf.Imm;
                    s.K = VMap(v).Const;
                    Changed();
                }
                VStore(s, ref val[XAtom], v, alter);
                break;
            case Bpf.St:
                VStore(s, ref val[s.K], val[AAtom], alter);
                break;
            case Bpf.Stx:
                VStore(s, ref val[s.K], val[XAtom], alter);
                break;
        }
    }

    private void DeadStmt(Stmt s, Stmt?[] last)
    {
        int atom = AtomUse(s.Code, s.K);
        if (atom >= 0)
        {
            if (atom == AxAtom)
            {
                last[XAtom] = null;
                last[AAtom] = null;
            }
            else last[atom] = null;
        }
        atom = AtomDef(s.Code, s.K);
        if (atom >= 0)
        {
            if (last[atom] is { } l)
            {
                Changed();
                l.Code = Stmt.Nop;
            }
            last[atom] = s;
        }
    }

    private void OptDeadStores(Block b)
    {
        var last = new Stmt?[NAtoms];
        for (var s = b.Stmts; s != null; s = s.Next) DeadStmt(s, last);
        // the branch itself: it defines nothing, so only its uses matter
        var branch = new Stmt(b.Code, b.K);
        DeadStmt(branch, last);
        for (int atom = 0; atom < NAtoms; ++atom)
            if (last[atom] != null && !AtomElem(b.OutUse, atom))
            {
                last[atom]!.Code = Stmt.Nop;
                Changed();
            }
    }

    private void OptBlk(Block b, bool doStmts)
    {
        var val = b.Val!;
        var p = b.InEdges;
        if (p == null) Array.Clear(val);
        else
        {
            Array.Copy(p.Pred.Val!, val, NAtoms);
            while ((p = p.Next) != null)
                for (int i = 0; i < NAtoms; ++i)
                    if (val[i] != p.Pred.Val![i]) val[i] = 0;
        }
        uint aval = val[AAtom], xval = val[XAtom];
        for (var s = b.Stmts; s != null; s = s.Next) OptStmt(s, val, doStmts);
        if (doStmts && ((b.OutUse == 0 && aval != ValUnknown && val[AAtom] == aval && xval != ValUnknown && val[XAtom] == xval)
            || Bpf.Class(b.Code) == Bpf.Ret))
        {
            if (b.Stmts != null)
            {
                b.Stmts = null;
                Changed();
            }
        }
        else
        {
            OptPeep(b);
            OptDeadStores(b);
        }
        b.Oval = Bpf.Src(b.Code) == Bpf.K ? K(b.K) : val[XAtom];
        b.Et.Code = b.Code;
        b.Ef.Code = -b.Code;
    }

    private static bool UseConflict(Block b, Block succ)
    {
        uint use = succ.OutUse;
        if (use == 0) return false;
        for (int atom = 0; atom < NAtoms; ++atom)
            if (AtomElem(use, atom) && b.Val![atom] != succ.Val![atom]) return true;
        return false;
    }

    private static Block? FoldEdge(Block child, Edge ep)
    {
        int code = ep.Code;
        bool sense;
        if (code < 0) { code = -code; sense = false; }
        else sense = true;
        if (child.Code != code) return null;
        uint aval0 = child.Val![AAtom], oval0 = child.Oval;
        uint aval1 = ep.Pred.Val![AAtom], oval1 = ep.Pred.Oval;
        if (aval0 != aval1) return null;
        if (oval0 == oval1) return sense ? child.Jt : child.Jf;
        if (sense && code == (Bpf.Jmp | Bpf.Jeq | Bpf.K)) return child.Jf;
        return null;
    }

    private void OptJ(Edge ep)
    {
        if (ep.Succ!.Jt == null) return;
        if (ep.Succ.Jt == ep.Succ.Jf)
        {
            if (!UseConflict(ep.Pred, ep.Succ.Jt))
            {
                Changed();
                ep.Succ = ep.Succ.Jt;
            }
        }
    top:
        for (int i = 0; i < _edgeWords; ++i)
        {
            uint x = ep.EdomSet![i];
            while (x != 0)
            {
                int k = BitOperations.TrailingZeroCount(x);
                x &= ~(1u << k);
                k += i * 32;
                var target = FoldEdge(ep.Succ!, _edges[k]);
                if (target != null && !UseConflict(ep.Pred, target))
                {
                    _done = false;
                    ep.Succ = target;
                    if (target.Jt != null) goto top;
                    return;
                }
            }
        }
    }

    /// <summary>Pull-ups of or/and chains (libpcap's or_pullup when isOr, and_pullup otherwise).</summary>
    private void Pullup(Block b, bool isOr)
    {
        var ep = b.InEdges;
        if (ep == null) return;
        uint val = ep.Pred.Val![AAtom];
        for (ep = ep.Next; ep != null; ep = ep.Next)
            if (val != ep.Pred.Val![AAtom]) return;

        // a "slot" is an edge whose successor may be rewritten
        var first = b.InEdges!.Pred;
        Edge diffp = first.Jt == b ? first.Et : first.Ef;
        bool atTop = true;
        for (; ; )
        {
            var d = diffp.Succ;
            if (d == null) return;
            if ((isOr ? d.Jt : d.Jf) != (isOr ? b.Jt : b.Jf)) return;
            if (!Member(d.Dom!, b.Id)) return;
            if (d.Val![AAtom] != val) break;
            diffp = isOr ? d.Ef : d.Et;
            atTop = false;
        }
        Edge samep = isOr ? diffp.Succ!.Ef : diffp.Succ!.Et;
        for (; ; )
        {
            var sm = samep.Succ;
            if (sm == null) return;
            if ((isOr ? sm.Jt : sm.Jf) != (isOr ? b.Jt : b.Jf)) return;
            if (!Member(sm.Dom!, b.Id)) return;
            if (sm.Val![AAtom] == val) break;
            samep = isOr ? sm.Ef : sm.Et;
        }
        var pull = samep.Succ!;
        if (isOr)
        {
            samep.Succ = pull.Jf;
            pull.Jf = diffp.Succ;
        }
        else
        {
            samep.Succ = pull.Jt;
            pull.Jt = diffp.Succ;
        }
        if (atTop)
        {
            for (ep = b.InEdges; ep != null; ep = ep.Next)
            {
                if (ep.Pred.Jt == b) ep.Pred.Jt = pull;
                else ep.Pred.Jf = pull;
            }
        }
        else diffp.Succ = pull;
        _done = false;
    }

    private void FindInEdges()
    {
        foreach (var b in _blocks) b.InEdges = null;
        for (int level = _root.Level; level > 0; --level)
            for (var b = _levels[level]; b != null; b = b.Link)
            {
                LinkInEdge(b.Et, b.Jt!);
                LinkInEdge(b.Ef, b.Jf!);
            }
    }

    private static void LinkInEdge(Edge parent, Block child)
    {
        parent.Next = child.InEdges;
        child.InEdges = parent;
    }

    private void OptBlks(bool doStmts)
    {
        InitVal();
        int maxlevel = _root.Level;
        FindInEdges();
        for (int i = maxlevel; i >= 0; --i)
            for (var p = _levels[i]; p != null; p = p.Link)
                OptBlk(p, doStmts);
        if (doStmts) return;
        for (int i = 1; i <= maxlevel; ++i)
            for (var p = _levels[i]; p != null; p = p.Link)
            {
                OptJ(p.Et);
                OptJ(p.Ef);
            }
        FindInEdges();
        for (int i = 1; i <= maxlevel; ++i)
            for (var p = _levels[i]; p != null; p = p.Link)
            {
                Pullup(p, true);
                Pullup(p, false);
            }
    }

    private void Loop(bool doStmts)
    {
        int loopCount = 0;
        for (; ; )
        {
            _done = true;
            _nonBranchMovement = false;
            FindLevels();
            FindDom();
            FindUd();
            FindEdom();
            OptBlks(doStmts);
            if (_done) break;
            if (_nonBranchMovement) loopCount = 0;
            else if (++loopCount >= 100) break;
        }
    }

    // ---- block merging and root ---------------------------------------------------------------------------------

    private void MakeMarks(Block p, int mark)
    {
        if (p.Mark == mark) return;
        p.Mark = mark;
        if (Bpf.Class(p.Code) != Bpf.Ret)
        {
            MakeMarks(p.Jt!, mark);
            MakeMarks(p.Jf!, mark);
        }
    }

    private static bool EqSlist(Stmt? x, Stmt? y)
    {
        for (; ; )
        {
            while (x != null && x.Code == Stmt.Nop) x = x.Next;
            while (y != null && y.Code == Stmt.Nop) y = y.Next;
            if (x == null) return y == null;
            if (y == null) return false;
            if (x.Code != y.Code || x.K != y.K) return false;
            x = x.Next;
            y = y.Next;
        }
    }

    private static bool EqBlk(Block b0, Block b1) =>
        b0.Code == b1.Code && b0.K == b1.K && b0.Jt == b1.Jt && b0.Jf == b1.Jf && EqSlist(b0.Stmts, b1.Stmts);

    private void InternBlocks()
    {
        int n = _blocks.Length;
        bool done1;
        do
        {
            done1 = true;
            foreach (var b in _blocks) b.Link = null;
            int mark = NewMark();
            MakeMarks(_root, mark);
            for (int i = n - 1; i != 0;)
            {
                --i;
                if (_blocks[i].Mark != mark) continue;
                for (int j = i + 1; j < n; ++j)
                {
                    if (_blocks[j].Mark != mark) continue;
                    if (EqBlk(_blocks[i], _blocks[j]))
                    {
                        _blocks[i].Link = _blocks[j].Link ?? _blocks[j];
                        break;
                    }
                }
            }
            foreach (var p in _blocks)
            {
                if (p.Jt == null) continue;
                if (p.Jt.Link != null)
                {
                    done1 = false;
                    p.Jt = p.Jt.Link;
                }
                if (p.Jf!.Link != null)
                {
                    done1 = false;
                    p.Jf = p.Jf.Link;
                }
            }
        } while (!done1);
    }

    private void OptRoot()
    {
        var s = _root.Stmts;
        _root.Stmts = null;
        while (Bpf.Class(_root.Code) == Bpf.Jmp && _root.Jt == _root.Jf) _root = _root.Jt!;
        var tmp = _root.Stmts;
        if (tmp != null)
        {
            if (s == null) s = tmp;
            else Stmt.Append(s, tmp);
        }
        _root.Stmts = s;
        if (Bpf.Class(_root.Code) == Bpf.Ret) _root.Stmts = null;
    }
}
