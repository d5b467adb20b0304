// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;
using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;

namespace Dumpkit.Kernel.Net;

/// <summary>
/// One entry of the ARP cache: the <c>struct neighbour</c>, its IPv4 key (dotted), hardware address (the device's
/// <c>addr_len</c> bytes of <c>ha</c>), the device's name and ARPHRD type, and <c>nud_state</c>.
/// </summary>
public sealed record Neighbour(ulong Address, string Ip, byte[] HardwareAddress, string Device, ushort DeviceType, byte State);

/// <summary>
/// The ARP cache as the kernel keeps it: <c>arp_tbl.nht</c>, a <c>neigh_hash_table</c> of <c>1 &lt;&lt; hash_shift</c>
/// (or <c>hash_mask + 1</c>) buckets, each a chain of <c>neighbour</c> through <c>next</c>, in bucket order.
/// Bounded: 2^20 buckets, 2^16 entries a chain.
/// </summary>
public static class NeighbourTable
{
    private const int MaxBuckets = 1 << 20;
    private const int MaxChain = 1 << 16;

    /// <summary>The buckets that hold entries, each with its chain; throws <see cref="KernelAddressException"/> on unreadable memory.</summary>
    public static List<List<Neighbour>> Arp(KernelMemory memory, KallsymsTable symbols, BtfTypes types)
    {
        ulong Offset(string path) => types.MemberPath(path)?.ByteOffset ?? throw new KernelDataException($"BTF lacks {path}");
        ulong table = symbols.AddressOf("arp_tbl") ?? throw new KernelDataException("arp_tbl does not exist in this kernel");
        ulong nht = memory.ReadU64(table + Offset("neigh_table.nht"), "neigh_table nht");
        long buckets;
        if (types.MemberPath("neigh_hash_table.hash_mask") is { } mask)
            buckets = (long)ReadU32(memory, nht + mask.ByteOffset, "neigh_hash_table hash_mask") + 1;
        else
        {
            uint shift = ReadU32(memory, nht + Offset("neigh_hash_table.hash_shift"), "neigh_hash_table hash_shift");
            buckets = shift >= 31 ? long.MaxValue : 1L << (int)shift;
        }
        if (buckets is <= 0 or > MaxBuckets)
            throw new KernelDataException($"neigh_hash_table {nht:x} claims {buckets} buckets");
        ulong hash = memory.ReadU64(nht + Offset("neigh_hash_table.hash_buckets"), "neigh_hash_table hash_buckets ptr");
        var heads = new byte[buckets * 8];
        memory.ReadVirtual(hash, heads, "neigh_hash_table hash_buckets");
        ulong next = Offset("neighbour.next"), key = Offset("neighbour.primary_key"), ha = Offset("neighbour.ha");
        ulong dev = Offset("neighbour.dev"), state = Offset("neighbour.nud_state");
        var haMember = types.MemberPath("neighbour.ha")!.Value;
        int haSize = (int)Math.Min(types.SizeOf(haMember.Type), 256);
        ulong devName = Offset("net_device.name"), devType = Offset("net_device.type"), devAddrLen = Offset("net_device.addr_len");
        var result = new List<List<Neighbour>>();
        for (int b = 0; b < buckets; b++)
        {
            ulong n = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(heads.AsSpan(b * 8));
            if (n == 0)
                continue;
            var chain = new List<Neighbour>();
            for (; n != 0; n = memory.ReadU64(n + next, "neighbour next"))
            {
                if (chain.Count >= MaxChain)
                    throw new KernelDataException($"the ARP chain of bucket {b} does not end");
                var ip = new byte[4];
                memory.ReadVirtual(n + key, ip, "neighbour primary_key");
                var hw = new byte[haSize];
                memory.ReadVirtual(n + ha, hw, "neighbour ha");
                ulong device = memory.ReadU64(n + dev, "neighbour dev");
                var name = new byte[16];
                memory.ReadVirtual(device + devName, name, "net_device name");
                var small = new byte[2];
                memory.ReadVirtual(device + devType, small, "net_device type");
                ushort type = (ushort)(small[0] | small[1] << 8);
                memory.ReadVirtual(device + devAddrLen, small.AsSpan(0, 1), "net_device addr_len");
                int addrLen = Math.Min(small[0], haSize);
                memory.ReadVirtual(n + state, small.AsSpan(0, 1), "neighbour nud_state");
                int nul = Array.IndexOf(name, (byte)0);
                chain.Add(new Neighbour(n, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ip[0]}.{ip[1]}.{ip[2]}.{ip[3]}"), hw[..addrLen],
                    Encoding.Latin1.GetString(name, 0, nul < 0 ? 16 : nul), type, small[0]));
            }
            result.Add(chain);
        }
        return result;
    }

    private static uint ReadU32(KernelMemory memory, ulong address, string what) =>
        memory.TryReadU32(address, out uint v) ? v : throw new KernelAddressException(address, what);
}
