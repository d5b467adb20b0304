// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;

namespace Dumpkit.Tcpdump.Cli;

/// <summary>
/// -J and -j: the time stamp types libpcap 1.10 offers for a Linux interface. It asks the driver with
/// SIOCETHTOOL/ETHTOOL_GET_TS_INFO: hardware stamping of all packets (HWTSTAMP_FILTER_ALL) lists what
/// so_timestamping holds (host, adapter, adapter_unsynced); a driver that cannot answer (EOPNOTSUPP, EINVAL) gets
/// all three; otherwise ("any", a missing device, no hardware stamping) only host. Capture here always uses the
/// kernel's host time stamp: a type from the list is accepted, one outside it gets libpcap's warning.
/// </summary>
internal static partial class TimeStampTypes
{
    private const int AfInet = 2, SockDgram = 2, Einval = 22, Eopnotsupp = 95;
    private const uint SiocEthtool = 0x8946, EthtoolGetTsInfo = 0x41;
    private const uint SofSoftware = 1 << 4, SofSysHardware = 1 << 5, SofRawHardware = 1 << 6, FilterAll = 1 << 1;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ioctl(int fd, nuint request, IntPtr arg);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    private static readonly (string Name, string Desc, uint Flag)[] Map =
    [
        ("host", "Host", SofSoftware), ("adapter", "Adapter", SofSysHardware),
        ("adapter_unsynced", "Adapter, not synced with system time", SofRawHardware),
    ];

    /// <summary>The (name, description) pairs pcap_list_tstamp_types gives for the device.</summary>
    public static List<(string Name, string Desc)> For(string device)
    {
        var host = new List<(string, string)> { ("host", "Host") };
        if (device == "any" || !OperatingSystem.IsLinux()) return host;
        int fd = socket(AfInet, SockDgram, 0);
        if (fd < 0) throw new UsageException($"socket for SIOCETHTOOL(ETHTOOL_GET_TS_INFO): {SystemErrors.StrError(Marshal.GetLastPInvokeError())}");
        IntPtr ifr = Marshal.AllocHGlobal(40), info = Marshal.AllocHGlobal(44);
        try
        {
            for (int i = 0; i < 40; i++) Marshal.WriteByte(ifr, i, 0);
            for (int i = 0; i < 44; i++) Marshal.WriteByte(info, i, 0);
            var name = System.Text.Encoding.UTF8.GetBytes(device);
            for (int i = 0; i < Math.Min(name.Length, 15); i++) Marshal.WriteByte(ifr, i, name[i]);
            Marshal.WriteInt32(info, 0, (int)EthtoolGetTsInfo);
            Marshal.WriteIntPtr(ifr, 16, info);
            if (ioctl(fd, SiocEthtool, ifr) == -1)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno is Eopnotsupp or Einval) return [.. Map.Select(m => (m.Name, m.Desc))];
                if (errno == 19) return host; // ENODEV
                throw new UsageException($"{device}: SIOCETHTOOL(ETHTOOL_GET_TS_INFO) ioctl failed: {SystemErrors.StrError(errno)}");
            }
            uint soTimestamping = (uint)Marshal.ReadInt32(info, 4), rxFilters = (uint)Marshal.ReadInt32(info, 28);
            if ((rxFilters & FilterAll) == 0) return host;
            var list = Map.Where(m => (soTimestamping & m.Flag) != 0).Select(m => (m.Name, m.Desc)).ToList();
            return list.Count == 0 ? host : list;
        }
        finally
        {
            Marshal.FreeHGlobal(ifr);
            Marshal.FreeHGlobal(info);
            close(fd);
        }
    }

    /// <summary>-J: tcpdump's listing.</summary>
    public static void List(TextWriter w, string device)
    {
        w.Write($"Time stamp types for {device} (use option -j to set):\n");
        foreach (var (name, desc) in For(device)) w.Write($"  {name} ({desc})\n");
    }

    /// <summary>-j TYPE: libpcap's warning when the device does not offer the type (the capture goes on).</summary>
    public static void Check(TextWriter stderr, string device, string type)
    {
        if (!For(device).Any(t => t.Name == type))
            stderr.WriteLine($"tcpdump: WARNING: When trying to set timestamp type '{type}' on {device}: " +
                $"That type of time stamp is not supported by that device");
    }
}
