// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;
using static Dumpkit.Pcap.Capture.LinuxPacket;

namespace Dumpkit.Pcap.Capture;

/// <summary>
/// Capture devices (<c>tcpdump -D</c>) as libpcap 1.10 finds them on Linux: the network interfaces in getifaddrs() order
/// with their flags and connection status (SIOCETHTOOL/ETHTOOL_GLINK), <c>any</c>, then the pseudo-devices of the
/// capture sources Debian's libpcap is built with (Bluetooth adapters and monitor, usbmon buses, netfilter log and queue,
/// D-Bus), each put in the list by libpcap's figure of merit.
/// </summary>
public static class Interfaces
{
    // libpcap's PCAP_IF_ flags
    private const uint IfLoopback = 1, IfUp = 2, IfRunning = 4, IfWireless = 8;
    private const uint StatusMask = 0x30, StatusConnected = 0x10, StatusDisconnected = 0x20, StatusNotApplicable = 0x30;

    private sealed record Dev(string Name, string? Description, uint Flags);

    /// <summary>The name of the interface with this index (<c>if_indextoname</c>), or null when there is none.</summary>
    public static string? NameOf(uint index) => IndexToName(index);

    /// <summary>Writes the list <c>tcpdump -D</c> prints ("N.name (description) [flags, status]").</summary>
    public static void List(TextWriter w)
    {
        int n = 1;
        foreach (var d in Find())
        {
            w.Write($"{n++}.{d.Name}");
            if (d.Description != null) w.Write($" ({d.Description})");
            if (d.Flags != 0) w.Write($" [{FlagText(d.Flags)}]");
            w.Write('\n');
        }
    }

    /// <summary>The device names in -D's order (for <c>-i N</c>).</summary>
    public static IReadOnlyList<string> Names() => Find().Select(d => d.Name).ToList();

    private static string FlagText(uint flags)
    {
        var parts = new List<string>();
        if ((flags & IfUp) != 0) parts.Add("Up");
        if ((flags & IfRunning) != 0) parts.Add("Running");
        if ((flags & IfLoopback) != 0) parts.Add("Loopback");
        if ((flags & IfWireless) != 0) parts.Add("Wireless");
        string s = parts.Count == 0 ? "none" : string.Join(", ", parts);
        bool wireless = (flags & IfWireless) != 0;
        return (flags & StatusMask) switch
        {
            0 => s + (wireless ? ", Association status unknown" : ", Connection status unknown"),
            StatusConnected => s + (wireless ? ", Associated" : ", Connected"),
            StatusDisconnected => s + (wireless ? ", Not associated" : ", Disconnected"),
            _ => s,
        };
    }

    /// <summary>libpcap's get_figure_of_merit: lower sorts first.</summary>
    private static uint Merit(Dev d)
    {
        uint m = 0;
        if ((d.Flags & IfRunning) == 0) m |= 0x80000000;
        if ((d.Flags & IfUp) == 0) m |= 0x40000000;
        if ((d.Flags & IfWireless) == 0 && (d.Flags & StatusMask) == StatusDisconnected) m |= 0x20000000;
        if ((d.Flags & IfLoopback) != 0) m |= 0x10000000;
        if (d.Name == "any") m |= 0x08000000;
        return m;
    }

    /// <summary>libpcap's add_dev: after every device whose merit is not worse.</summary>
    private static void Add(List<Dev> list, Dev d)
    {
        uint m = Merit(d);
        int at = list.FindIndex(x => m < Merit(x));
        list.Insert(at < 0 ? list.Count : at, d);
    }

    private static List<Dev> Find()
    {
        var list = new List<Dev>();
        foreach (var (name, ifFlags) in InterfaceFlags())
        {
            uint f = 0;
            if ((ifFlags & 0x8) != 0) f |= IfLoopback;   // IFF_LOOPBACK
            if ((ifFlags & 0x1) != 0) f |= IfUp;         // IFF_UP
            if ((ifFlags & 0x40) != 0) f |= IfRunning;   // IFF_RUNNING
            Add(list, new Dev(name, null, f | LinkFlags(name, f)));
        }
        Add(list, new Dev("any", "Pseudo-device that captures on all interfaces", IfUp | IfRunning | StatusNotApplicable));
        foreach (var bt in BluetoothAdapters())
            Add(list, new Dev($"bluetooth{bt.Id}", $"Bluetooth adapter number {bt.Number}", IfWireless));
        Add(list, new Dev("bluetooth-monitor", "Bluetooth Linux Monitor", IfWireless | StatusNotApplicable));
        foreach (int bus in UsbmonBuses())
            Add(list, bus == 0
                ? new Dev("usbmon0", "Raw USB traffic, all USB buses", StatusNotApplicable)
                : new Dev($"usbmon{bus}", $"Raw USB traffic, bus number {bus}", 0));
        if (NetfilterAvailable())
        {
            Add(list, new Dev("nflog", "Linux netfilter log (NFLOG) interface", StatusNotApplicable));
            Add(list, new Dev("nfqueue", "Linux netfilter queue (NFQUEUE) interface", StatusNotApplicable));
        }
        Add(list, new Dev("dbus-system", "D-Bus system bus", StatusNotApplicable));
        Add(list, new Dev("dbus-session", "D-Bus session bus", StatusNotApplicable));
        return list;
    }

    /// <summary>Each interface once, in getifaddrs() order, with the flags of its first entry.</summary>
    private static unsafe List<(string Name, uint Flags)> InterfaceFlags()
    {
        var result = new List<(string, uint)>();
        byte* head;
        if (getifaddrs(&head) != 0) return result;
        try
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            // struct ifaddrs (LP64): ifa_next at 0, ifa_name at 8, ifa_flags at 16
            for (byte* ifa = head; ifa != null; ifa = *(byte**)ifa)
            {
                string? name = Marshal.PtrToStringUTF8((nint)(*(byte**)(ifa + 8)));
                if (name != null && seen.Add(name)) result.Add((name, *(uint*)(ifa + 16)));
            }
        }
        finally { freeifaddrs(head); }
        return result;
    }

    /// <summary>libpcap's get_if_flags: wireless or not, and the connection status ETHTOOL_GLINK reports.</summary>
    private static unsafe uint LinkFlags(string name, uint flags)
    {
        if ((flags & IfLoopback) != 0) return StatusNotApplicable;
        uint f = 0;
        if (Directory.Exists($"/sys/class/net/{name}/wireless")) f |= IfWireless;
        else
        {
            string type = ReadTrimmed($"/sys/class/net/{name}/type");
            if (type == "772") return StatusNotApplicable;                                 // ARPHRD_LOOPBACK
            if (type is "783" or "801" or "802" or "803" or "804" or "805" or "825") f |= IfWireless; // IrDA, 802.11, 802.15.4, 6LoWPAN
        }
        int fd = socket(2 /* AF_INET */, SockDgram | SockCloexec, 0);
        if (fd < 0) return f;
        try
        {
            uint* value = stackalloc uint[2];
            value[0] = 0x0000000a; // ETHTOOL_GLINK
            value[1] = 0;
            byte* ifr = stackalloc byte[40];
            new Span<byte>(ifr, 40).Clear();
            System.Text.Encoding.UTF8.GetBytes(name.Length > 15 ? name[..15] : name, new Span<byte>(ifr, 15));
            *(uint**)(ifr + 16) = value;
            if (ioctl(fd, 0x8946 /* SIOCETHTOOL */, ifr) != 0)
            {
                int e = Marshal.GetLastPInvokeError();
                return e == 95 /* EOPNOTSUPP */ || e == 22 /* EINVAL */ ? f | StatusNotApplicable : f;
            }
            return f | (value[1] != 0 ? StatusConnected : StatusDisconnected);
        }
        finally { close(fd); }
    }

    private static string ReadTrimmed(string path)
    {
        try { return File.ReadAllText(path).Trim(); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return ""; }
    }

    /// <summary>The HCI devices (HCIGETDEVLIST on a raw Bluetooth socket); none where the kernel has no Bluetooth.</summary>
    private static unsafe List<(uint Id, int Number)> BluetoothAdapters()
    {
        var result = new List<(uint, int)>();
        int fd = socket(31 /* AF_BLUETOOTH */, SockRaw | SockCloexec, 1 /* BTPROTO_HCI */);
        if (fd < 0) return result;
        try
        {
            const int Max = 16; // HCI_MAX_DEV
            // struct hci_dev_list_req { u16 dev_num; struct hci_dev_req { u16 dev_id; u32 dev_opt; } dev_req[]; }
            byte* req = stackalloc byte[4 + Max * 8];
            new Span<byte>(req, 4 + Max * 8).Clear();
            *(ushort*)req = Max;
            if (ioctl(fd, 0x800448d2 /* HCIGETDEVLIST */, req) != 0) return result;
            int count = *(ushort*)req;
            for (int i = 0; i < count && i < Max; i++) result.Add((*(ushort*)(req + 4 + i * 8), i));
        }
        finally { close(fd); }
        return result;
    }

    /// <summary>The usbmon buses: /dev/usbmonN in directory order.</summary>
    private static List<int> UsbmonBuses()
    {
        var result = new List<int>();
        try
        {
            foreach (var path in Directory.EnumerateFileSystemEntries("/dev", "usbmon*"))
            {
                var digits = Path.GetFileName(path).AsSpan(6);
                int len = 0;
                if (len < digits.Length && digits[len] is '-' or '+') len++;
                while (len < digits.Length && char.IsAsciiDigit(digits[len])) len++;
                if (int.TryParse(digits[..len], System.Globalization.NumberStyles.AllowLeadingSign,
                    System.Globalization.CultureInfo.InvariantCulture, out int n)) result.Add(n);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        return result;
    }

    /// <summary>libpcap lists nflog and nfqueue when a NETLINK_NETFILTER socket can be opened.</summary>
    private static bool NetfilterAvailable()
    {
        int fd = socket(16 /* AF_NETLINK */, SockRaw | SockCloexec, 12 /* NETLINK_NETFILTER */);
        if (fd < 0) return false;
        close(fd);
        return true;
    }
}
