// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;
using System.Text;
using static Dumpkit.Pcap.Capture.LinuxPacket;

namespace Dumpkit.Pcap.Capture;

/// <summary>
/// libpcap's Bluetooth (<c>bluetoothN</c>, <c>bluetooth-monitor</c>) and D-Bus (<c>dbus-system</c>, <c>dbus-session</c>,
/// <c>dbus://ADDRESS</c>) devices, which cannot be captured on yet: opening one fails as libpcap's fails when the kernel
/// has no Bluetooth sockets or the bus cannot be reached (its message, libdbus's words), and otherwise with a message
/// saying that capture there is not supported.
/// </summary>
public static unsafe partial class PseudoDevices
{
    /// <summary>True when libpcap would hand <paramref name="device"/> to its Bluetooth or D-Bus source.</summary>
    public static bool Claims(string device) => IsBluetooth(device) || IsDbus(device);

    private static bool IsDbus(string device) =>
        device is "dbus-system" or "dbus-session" || device.StartsWith("dbus://", StringComparison.Ordinal);

    /// <summary>bluetooth-monitor, or "bluetooth" and a decimal number (libpcap keeps the '/' it looks after: no '/' matches).</summary>
    private static bool IsBluetooth(string device)
    {
        if (device == "bluetooth-monitor") return true;
        var cp = device.AsSpan();
        if (!cp.StartsWith("bluetooth", StringComparison.Ordinal)) return false;
        var n = cp[9..];
        int i = 0;
        while (i < n.Length && n[i] is ' ' or '\t' or '\n' or '\v' or '\f' or '\r') i++;
        if (i < n.Length && n[i] is '+' or '-') i++;
        int digits = i;
        while (i < n.Length && char.IsAsciiDigit(n[i])) i++;
        return i > digits && i == n.Length;
    }

    /// <summary>Opens the device as libpcap would and throws <see cref="CaptureException"/> with the message the attempt ends in.</summary>
    public static void Open(string device, bool monitorMode)
    {
        if (IsBluetooth(device))
        {
            if (monitorMode && device == "bluetooth-monitor") throw new CaptureException($"{device}: That device doesn't support monitor mode");
            int fd = socket(31 /* AF_BLUETOOTH */, SockRaw | SockCloexec, 1 /* BTPROTO_HCI */);
            if (fd < 0) throw new CaptureException($"Can't create raw socket: {Error(Marshal.GetLastPInvokeError())}");
            close(fd);
            throw new CaptureException($"{device}: capture on Bluetooth devices is not supported");
        }
        string bus, what;
        if (device == "dbus-system")
        {
            (bus, what) = (Environment.GetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS") ?? "unix:path=/run/dbus/system_bus_socket",
                "Failed to get system bus");
        }
        else if (device == "dbus-session")
        {
            what = "Failed to get session bus";
            var env = Environment.GetEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS");
            if (env == null)
            {
                // libdbus: $XDG_RUNTIME_DIR/bus when it is there, else X11 autolaunch, which needs $DISPLAY
                var run = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
                if (run != null && File.Exists(Path.Combine(run, "bus"))) env = "unix:path=" + Path.Combine(run, "bus");
                else if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY")))
                    throw new CaptureException($"{what}: Unable to autolaunch a dbus-daemon without a $DISPLAY for X11");
            }
            bus = env ?? "";
        }
        else
        {
            bus = device[7..];
            what = $"Failed to open connection to: {bus}";
        }
        string? path = UnixPath(bus);
        if (path != null)
        {
            int e = Connect(path);
            if (e != 0) throw new CaptureException($"{what}: Failed to connect to socket {path}: {Error(e)}");
        }
        throw new CaptureException($"{device}: capture on D-Bus is not supported");
    }

    /// <summary>The path of a lone "unix:path=..." bus address (%XX escapes decoded), else null.</summary>
    private static string? UnixPath(string address)
    {
        const string Prefix = "unix:path=";
        if (!address.StartsWith(Prefix, StringComparison.Ordinal) || address.IndexOfAny([';', ',']) >= 0) return null;
        var bytes = new List<byte>();
        var v = address.AsSpan(Prefix.Length);
        for (int i = 0; i < v.Length; i++)
        {
            if (v[i] == '%' && i + 2 < v.Length && Uri.IsHexDigit(v[i + 1]) && Uri.IsHexDigit(v[i + 2]))
            {
                bytes.Add(Convert.ToByte(v.Slice(i + 1, 2).ToString(), 16));
                i += 2;
            }
            else if (v[i] == '%') return null;
            else bytes.AddRange(Encoding.UTF8.GetBytes(v[i].ToString()));
        }
        return bytes.Count == 0 ? null : Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>connect() of an AF_UNIX stream socket to <paramref name="path"/>: 0, or the errno.</summary>
    private static int Connect(string path)
    {
        var name = Encoding.UTF8.GetBytes(path);
        if (name.Length >= 108) return 36; // ENAMETOOLONG
        int fd = socket(1 /* AF_UNIX */, 1 /* SOCK_STREAM */ | SockCloexec, 0);
        if (fd < 0) return Marshal.GetLastPInvokeError();
        byte* addr = stackalloc byte[110];
        new Span<byte>(addr, 110).Clear();
        *(ushort*)addr = 1;
        name.CopyTo(new Span<byte>(addr + 2, name.Length));
        int rc = connect(fd, addr, (uint)(2 + name.Length + 1));
        int e = rc == 0 ? 0 : Marshal.GetLastPInvokeError();
        close(fd);
        return e;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int connect(int fd, void* addr, uint len);
}
