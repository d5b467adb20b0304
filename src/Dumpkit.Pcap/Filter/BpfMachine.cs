// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Pcap.Filter;

/// <summary>What the Linux kernel would know about a packet besides its bytes (SKF_AD_* loads).</summary>
public struct PacketAux
{
    /// <summary>The packet type (<c>sll_pkttype</c>: PACKET_HOST, PACKET_OUTGOING, ...), SKF_AD_PKTTYPE.</summary>
    public ushort PktType;
    /// <summary>The interface index, SKF_AD_IFINDEX.</summary>
    public uint IfIndex;
    /// <summary>The protocol (ethertype) in host byte order, SKF_AD_PROTOCOL.</summary>
    public ushort Protocol;
    /// <summary>The VLAN tag control information the driver stripped, SKF_AD_VLAN_TAG.</summary>
    public ushort VlanTci;
    /// <summary>True when a VLAN tag was stripped, SKF_AD_VLAN_TAG_PRESENT.</summary>
    public bool VlanPresent;
    /// <summary>The stripped tag's TPID, SKF_AD_VLAN_TPID.</summary>
    public ushort VlanTpid;
    /// <summary>The device's ARPHRD_ type, SKF_AD_HATYPE.</summary>
    public ushort HaType;
}

/// <summary>
/// A classic BPF interpreter with the kernel's and libpcap's safety rules: every packet load is bounds-checked
/// against the captured length (out of bounds ends the program with 0, i.e. reject), division by zero rejects,
/// a jump that leaves the program rejects. No allocation per packet.
/// </summary>
public static class BpfMachine
{
    /// <summary>Instructions executed before a program is considered looping (and the packet rejected).</summary>
    public const int MaxSteps = 1 << 20;

    /// <summary>Runs prog over pkt (the captured bytes; wireLen is the original length). Returns the snap length to keep, 0 = reject.</summary>
    public static uint Run(ReadOnlySpan<BpfInstruction> prog, ReadOnlySpan<byte> pkt, uint wireLen) => Run(prog, pkt, wireLen, default, false);

    /// <summary>As <see cref="Run(ReadOnlySpan{BpfInstruction}, ReadOnlySpan{byte}, uint)"/>; with linux = true, loads at
    /// SKF_AD_OFF + n read the ancillary data aux as the kernel's socket filter does.</summary>
    public static uint Run(ReadOnlySpan<BpfInstruction> prog, ReadOnlySpan<byte> pkt, uint wireLen, in PacketAux aux, bool linux)
    {
        if (prog.IsEmpty) return uint.MaxValue;
        Span<uint> mem = stackalloc uint[Bpf.MemWords];
        mem.Clear();
        uint a = 0, x = 0;
        int pc = 0;
        int n = prog.Length;
        uint buflen = (uint)pkt.Length;
        int budget = MaxSteps;
        while ((uint)pc < (uint)n)
        {
            if (--budget < 0) return 0;
            var i = prog[pc++];
            uint k = i.K;
            switch (i.Code)
            {
                case Bpf.Ret | Bpf.K: return k;
                case Bpf.Ret | Bpf.A: return a;
                case Bpf.Ld | Bpf.W | Bpf.Abs:
                    if (linux && k >= Bpf.SkfAdOff) { a = Ancillary(k, in aux, a, x); break; }
                    if (k > buflen || 4 > buflen - k) return 0;
                    a = BinaryPrimitives.ReadUInt32BigEndian(pkt[(int)k..]);
                    break;
                case Bpf.Ld | Bpf.H | Bpf.Abs:
                    if (linux && k >= Bpf.SkfAdOff) { a = Ancillary(k, in aux, a, x); break; }
                    if (k > buflen || 2 > buflen - k) return 0;
                    a = BinaryPrimitives.ReadUInt16BigEndian(pkt[(int)k..]);
                    break;
                case Bpf.Ld | Bpf.B | Bpf.Abs:
                    if (linux && k >= Bpf.SkfAdOff) { a = Ancillary(k, in aux, a, x); break; }
                    if (k >= buflen) return 0;
                    a = pkt[(int)k];
                    break;
                case Bpf.Ld | Bpf.W | Bpf.Len: a = wireLen; break;
                case Bpf.Ldx | Bpf.W | Bpf.Len: x = wireLen; break;
                case Bpf.Ld | Bpf.W | Bpf.Ind:
                    {
                        uint off = k + x;
                        if (off < k && x != 0 || off > buflen || 4 > buflen - off) return 0;
                        a = BinaryPrimitives.ReadUInt32BigEndian(pkt[(int)off..]);
                        break;
                    }
                case Bpf.Ld | Bpf.H | Bpf.Ind:
                    {
                        uint off = k + x;
                        if (off < k && x != 0 || off > buflen || 2 > buflen - off) return 0;
                        a = BinaryPrimitives.ReadUInt16BigEndian(pkt[(int)off..]);
                        break;
                    }
                case Bpf.Ld | Bpf.B | Bpf.Ind:
                    {
                        uint off = k + x;
                        if (off < k && x != 0 || off >= buflen) return 0;
                        a = pkt[(int)off];
                        break;
                    }
                case Bpf.Ldx | Bpf.Msh | Bpf.B:
                    if (k >= buflen) return 0;
                    x = (uint)(pkt[(int)k] & 0xf) << 2;
                    break;
                case Bpf.Ld | Bpf.Imm: a = k; break;
                case Bpf.Ldx | Bpf.Imm: x = k; break;
                case Bpf.Ld | Bpf.Mem: if (k >= Bpf.MemWords) return 0; a = mem[(int)k]; break;
                case Bpf.Ldx | Bpf.Mem: if (k >= Bpf.MemWords) return 0; x = mem[(int)k]; break;
                case Bpf.St: if (k >= Bpf.MemWords) return 0; mem[(int)k] = a; break;
                case Bpf.Stx: if (k >= Bpf.MemWords) return 0; mem[(int)k] = x; break;
                case Bpf.Jmp | Bpf.Ja:
                    // libpcap's interpreter lets "ja" go backwards (protochain's loop); the kernel refuses such programs
                    pc += (int)k;
                    break;
                case Bpf.Jmp | Bpf.Jgt | Bpf.K: pc += a > k ? i.Jt : i.Jf; break;
                case Bpf.Jmp | Bpf.Jge | Bpf.K: pc += a >= k ? i.Jt : i.Jf; break;
                case Bpf.Jmp | Bpf.Jeq | Bpf.K: pc += a == k ? i.Jt : i.Jf; break;
                case Bpf.Jmp | Bpf.Jset | Bpf.K: pc += (a & k) != 0 ? i.Jt : i.Jf; break;
                case Bpf.Jmp | Bpf.Jgt | Bpf.X: pc += a > x ? i.Jt : i.Jf; break;
                case Bpf.Jmp | Bpf.Jge | Bpf.X: pc += a >= x ? i.Jt : i.Jf; break;
                case Bpf.Jmp | Bpf.Jeq | Bpf.X: pc += a == x ? i.Jt : i.Jf; break;
                case Bpf.Jmp | Bpf.Jset | Bpf.X: pc += (a & x) != 0 ? i.Jt : i.Jf; break;
                case Bpf.Alu | Bpf.Add | Bpf.X: a += x; break;
                case Bpf.Alu | Bpf.Sub | Bpf.X: a -= x; break;
                case Bpf.Alu | Bpf.Mul | Bpf.X: a *= x; break;
                case Bpf.Alu | Bpf.Div | Bpf.X: if (x == 0) return 0; a /= x; break;
                case Bpf.Alu | Bpf.Mod | Bpf.X: if (x == 0) return 0; a %= x; break;
                case Bpf.Alu | Bpf.And | Bpf.X: a &= x; break;
                case Bpf.Alu | Bpf.Or | Bpf.X: a |= x; break;
                case Bpf.Alu | Bpf.Xor | Bpf.X: a ^= x; break;
                case Bpf.Alu | Bpf.Lsh | Bpf.X: a = x < 32 ? a << (int)x : 0; break;
                case Bpf.Alu | Bpf.Rsh | Bpf.X: a = x < 32 ? a >> (int)x : 0; break;
                case Bpf.Alu | Bpf.Add | Bpf.K: a += k; break;
                case Bpf.Alu | Bpf.Sub | Bpf.K: a -= k; break;
                case Bpf.Alu | Bpf.Mul | Bpf.K: a *= k; break;
                case Bpf.Alu | Bpf.Div | Bpf.K: if (k == 0) return 0; a /= k; break;
                case Bpf.Alu | Bpf.Mod | Bpf.K: if (k == 0) return 0; a %= k; break;
                case Bpf.Alu | Bpf.And | Bpf.K: a &= k; break;
                case Bpf.Alu | Bpf.Or | Bpf.K: a |= k; break;
                case Bpf.Alu | Bpf.Xor | Bpf.K: a ^= k; break;
                case Bpf.Alu | Bpf.Lsh | Bpf.K: a = k < 32 ? a << (int)k : 0; break;
                case Bpf.Alu | Bpf.Rsh | Bpf.K: a = k < 32 ? a >> (int)k : 0; break;
                case Bpf.Alu | Bpf.Neg: a = 0u - a; break;
                case Bpf.Misc | Bpf.Tax: x = a; break;
                case Bpf.Misc | Bpf.Txa: a = x; break;
                default: return 0;
            }
        }
        return 0;
    }

    private static uint Ancillary(uint k, in PacketAux aux, uint a, uint x) => (k - Bpf.SkfAdOff) switch
    {
        Bpf.SkfAdProtocol => aux.Protocol,
        Bpf.SkfAdPktType => aux.PktType,
        Bpf.SkfAdIfIndex => aux.IfIndex,
        28 => aux.HaType,
        Bpf.SkfAdVlanTag => aux.VlanTci,
        Bpf.SkfAdVlanTagPresent => aux.VlanPresent ? 1u : 0u,
        40 => a ^ x,
        60 => aux.VlanTpid,
        _ => 0,
    };

    /// <summary>
    /// The kernel's sk_chk_filter rules, used before attaching or running a program: known opcodes, jumps inside the
    /// program, scratch-memory indexes in range, a constant division by zero refused, last instruction a return.
    /// </summary>
    public static bool Validate(ReadOnlySpan<BpfInstruction> prog)
    {
        if (prog.Length == 0 || prog.Length > 4096) return false;
        for (int pc = 0; pc < prog.Length; pc++)
        {
            var i = prog[pc];
            int cls = Bpf.Class(i.Code);
            if (cls == Bpf.Jmp)
            {
                if (Bpf.Op(i.Code) == Bpf.Ja)
                {
                    if (i.K >= (uint)(prog.Length - pc - 1)) return false;
                }
                else if (pc + 1 + i.Jt >= prog.Length || pc + 1 + i.Jf >= prog.Length) return false;
            }
            else if (cls is Bpf.St or Bpf.Stx || (cls is Bpf.Ld or Bpf.Ldx && Bpf.Mode(i.Code) == Bpf.Mem))
            {
                if (i.K >= Bpf.MemWords) return false;
            }
            else if (cls == Bpf.Alu && (Bpf.Op(i.Code) is Bpf.Div or Bpf.Mod) && Bpf.Src(i.Code) == Bpf.K && i.K == 0) return false;
            if (Bpf.Image(i, pc).Contains("unimp", StringComparison.Ordinal)) return false;
        }
        return Bpf.Class(prog[^1].Code) == Bpf.Ret;
    }
}
