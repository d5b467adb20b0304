// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;
using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;

namespace Dumpkit.Kernel.Net;

/// <summary>One network device of a namespace: its <c>struct net_device</c>, name and IPv4 addresses (dotted, in list order).</summary>
public sealed record NetDevice(ulong Device, string Name, IReadOnlyList<string> Addresses);

/// <summary>
/// The network devices of the initial namespace as the kernel lists them: <c>init_net.dev_base_head</c> through
/// <c>net_device.dev_list</c>, each with <c>ip_ptr</c>'s <c>in_device.ifa_list</c> chain of <c>in_ifaddr</c>
/// (<c>ifa_address</c>, <c>ifa_next</c>). Bounded: a list longer than 2^16 entries is refused.
/// </summary>
public static class NetDevices
{
    private const int MaxEntries = 1 << 16;

    /// <summary>
    /// The devices of <c>init_net</c> (or of the <c>struct net</c> at <paramref name="netNamespace"/>) in list order;
    /// unreadable memory throws <see cref="KernelAddressException"/>.
    /// </summary>
    public static List<NetDevice> Read(KernelMemory memory, KallsymsTable symbols, BtfTypes types, ulong? netNamespace = null)
    {
        ulong Offset(string path) => types.MemberPath(path)?.ByteOffset ?? throw new KernelDataException($"BTF lacks {path}");
        ulong net = netNamespace ?? symbols.AddressOf("init_net") ?? throw new KernelDataException("no init_net symbol");
        ulong head = net + Offset("net.dev_base_head");
        ulong devList = Offset("net_device.dev_list");
        ulong name = Offset("net_device.name");
        ulong ipPtr = Offset("net_device.ip_ptr");
        ulong ifaList = Offset("in_device.ifa_list");
        ulong ifaNext = Offset("in_ifaddr.ifa_next");
        ulong ifaAddress = Offset("in_ifaddr.ifa_address");
        var result = new List<NetDevice>();
        ulong next = memory.ReadU64(head, "init_net.dev_base_head");
        while (next != head)
        {
            if (result.Count >= MaxEntries || next == 0)
                throw new KernelDataException("init_net.dev_base_head is not a list");
            ulong dev = next - devList;
            var nameBytes = new byte[16];
            memory.ReadVirtual(dev + name, nameBytes, "net_device");
            int nul = Array.IndexOf(nameBytes, (byte)0);
            var addresses = new List<string>();
            ulong inDev = memory.ReadU64(dev + ipPtr, "net_device");
            ulong ifa = inDev == 0 ? 0 : memory.ReadU64(inDev + ifaList, "in_device");
            for (int guard = 0; ifa != 0 && guard < MaxEntries; guard++)
            {
                var ip = new byte[4];
                memory.ReadVirtual(ifa + ifaAddress, ip, "in_ifaddr");
                addresses.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ip[0]}.{ip[1]}.{ip[2]}.{ip[3]}"));
                ifa = memory.ReadU64(ifa + ifaNext, "in_ifaddr");
            }
            result.Add(new NetDevice(dev, Encoding.Latin1.GetString(nameBytes, 0, nul < 0 ? 16 : nul), addresses));
            next = memory.ReadU64(next, "net_device.dev_list");
        }
        return result;
    }
}
