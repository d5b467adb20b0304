// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;

namespace Dumpkit.Tcpdump.Print;

/// <summary>
/// Address-to-name conversion as tcpdump 4.99 does it without <c>-n</c> (its addrtoname layer): host names
/// through the C library's <c>gethostbyaddr</c> (so /etc/hosts, nsswitch.conf and the resolver answer exactly as
/// they answer tcpdump), TCP/UDP port names from <c>getservent</c> (the first entry of a port wins), IP protocol
/// names from <c>getprotobynumber</c>, MAC addresses from <c>ether_ntohost</c> (/etc/ethers) or else the address
/// followed by its OUI's name. Every answer, also a failed lookup (then the number is printed), is cached for the
/// run, so each address is asked about once. With <c>-N</c> a host name is cut at its first dot.
/// With <c>-f</c> and a live capture, IPv4 addresses outside the interface's network stay numeric.
/// A null resolver (<c>-n</c>) means everything is printed as numbers.
/// </summary>
internal sealed partial class NameResolver
{
    private const int AF_INET = 2, AF_INET6 = 10;
    private readonly bool _noDomains;
    private readonly uint _localNet, _netmask;
    private readonly Dictionary<uint, byte[]> _v4 = [];
    private readonly Dictionary<UInt128, byte[]> _v6 = [];
    private readonly Dictionary<ulong, byte[]> _mac = [];
    private readonly Dictionary<int, string?> _protocols = [];
    private Dictionary<int, byte[]>? _tcpPorts, _udpPorts;

    public NameResolver(bool noDomains, uint localNet = 0, uint netmask = 0)
    {
        _noDomains = noDomains;
        _localNet = localNet;
        _netmask = netmask;
    }

    /// <summary>The name of an IPv4 address (network order in the value: a.b.c.d is a&lt;&lt;24|...), or its number.</summary>
    public byte[] Host4(uint addr)
    {
        if (_v4.TryGetValue(addr, out var name)) return name;
        byte[]? found = null;
        if ((addr & _netmask) == _localNet)
        {
            Span<byte> a = [(byte)(addr >> 24), (byte)(addr >> 16), (byte)(addr >> 8), (byte)addr];
            found = Lookup(a, AF_INET);
        }
        name = found ?? System.Text.Encoding.ASCII.GetBytes($"{addr >> 24}.{(addr >> 16) & 0xff}.{(addr >> 8) & 0xff}.{addr & 0xff}");
        _v4[addr] = name;
        return name;
    }

    /// <summary>The name of an IPv6 address, or null when it has none (the caller prints it numerically).</summary>
    public byte[]? Host6(ReadOnlySpan<byte> addr)
    {
        var key = System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(addr);
        if (_v6.TryGetValue(key, out var name)) return name.Length == 0 ? null : name;
        var found = Lookup(addr, AF_INET6);
        _v6[key] = found ?? [];
        return found;
    }

    private unsafe byte[]? Lookup(ReadOnlySpan<byte> addr, int family)
    {
        nint h;
        fixed (byte* p = addr) h = gethostbyaddr(p, addr.Length, family);
        if (h == 0) return null;
        byte* n = *(byte**)h; // struct hostent starts with char *h_name
        if (n == null) return null;
        var name = CString(n);
        if (_noDomains && name.IndexOf((byte)'.') is int dot and >= 0) name = name[..dot];
        return name.ToArray();
    }

    /// <summary>The service name of a TCP port, or null (printed as the number).</summary>
    public byte[]? TcpPort(int port) { LoadServices(); return _tcpPorts!.GetValueOrDefault(port); }

    /// <summary>The service name of a UDP port, or null (printed as the number).</summary>
    public byte[]? UdpPort(int port) { LoadServices(); return _udpPorts!.GetValueOrDefault(port); }

    private unsafe void LoadServices()
    {
        if (_tcpPorts != null) return;
        _tcpPorts = [];
        _udpPorts = [];
        setservent(0);
        try
        {
            nint s;
            while ((s = getservent()) != 0)
            {
                var e = (ServEnt*)s;
                var proto = CString(e->Proto);
                var table = proto.SequenceEqual("tcp"u8) ? _tcpPorts : proto.SequenceEqual("udp"u8) ? _udpPorts : null;
                if (table == null) continue;
                int port = (ushort)System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((ushort)e->Port);
                table.TryAdd(port, CString(e->Name).ToArray());
            }
        }
        finally { endservent(); }
    }

    /// <summary>The name /etc/protocols gives an IP protocol number, or null.</summary>
    public unsafe string? Protocol(int proto)
    {
        if (_protocols.TryGetValue(proto, out var name)) return name;
        nint p = getprotobynumber(proto);
        name = p == 0 ? null : System.Text.Encoding.Latin1.GetString(CString(*(byte**)p));
        _protocols[proto] = name;
        return name;
    }

    /// <summary>A MAC address as tcpdump prints it without -n: its /etc/ethers name, "Broadcast", or the
    /// address followed by " (oui NAME)".</summary>
    public unsafe byte[] Mac(ReadOnlySpan<byte> mac)
    {
        ulong key = (ulong)mac[0] << 40 | (ulong)mac[1] << 32 | (ulong)mac[2] << 24 | (ulong)mac[3] << 16 | (ulong)mac[4] << 8 | mac[5];
        if (_mac.TryGetValue(key, out var name)) return name;
        byte* host = stackalloc byte[1025];
        int rc;
        fixed (byte* m = mac) rc = ether_ntohost(host, m);
        if (rc == 0) name = CString(host).ToArray();
        else if (key == 0xffff_ffff_ffff) name = "Broadcast"u8.ToArray(); // /etc/ethers may name it otherwise
        else
        {
            int oui = (int)(key >> 24);
            name = System.Text.Encoding.Latin1.GetBytes(
                $"{mac[0]:x2}:{mac[1]:x2}:{mac[2]:x2}:{mac[3]:x2}:{mac[4]:x2}:{mac[5]:x2} (oui {Llc.Oui((uint)oui) ?? "Unknown"})");
        }
        _mac[key] = name;
        return name;
    }

    private static unsafe ReadOnlySpan<byte> CString(byte* s) => s == null ? default
        : System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpanFromNullTerminated(s);

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct ServEnt
    {
        public byte* Name;
        public byte** Aliases;
        public int Port;
        public byte* Proto;
    }

    [LibraryImport("libc")]
    private static unsafe partial nint gethostbyaddr(byte* addr, int len, int type);

    [LibraryImport("libc")]
    private static partial void setservent(int stayOpen);

    [LibraryImport("libc")]
    private static partial nint getservent();

    [LibraryImport("libc")]
    private static partial void endservent();

    [LibraryImport("libc")]
    private static partial nint getprotobynumber(int proto);

    [LibraryImport("libc")]
    private static unsafe partial int ether_ntohost(byte* hostname, byte* addr);
}
