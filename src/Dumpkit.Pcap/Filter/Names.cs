// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Net;

namespace Dumpkit.Pcap.Filter;

/// <summary>
/// Name resolution at compile time, as libpcap does it: hosts (/etc/hosts, then the system resolver), ports
/// (/etc/services, tcp and udp), IP protocols (/etc/protocols), networks (/etc/networks), MAC addresses
/// (/etc/ethers). Names are always resolved, whatever -n says (-n only concerns printing).
/// </summary>
internal sealed class Names(string etc = "/etc", bool useResolver = true)
{
    private List<(string Name, int Port, string Proto)>? _services;
    private Dictionary<string, int>? _protocols;

    private IEnumerable<string[]> Lines(string file)
    {
        string path = Path.Combine(etc, file);
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { yield break; }
        foreach (var raw in lines)
        {
            int hash = raw.IndexOf('#');
            var line = hash >= 0 ? raw[..hash] : raw;
            var f = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length > 0) yield return f;
        }
    }

    /// <summary>All addresses of a host name, in the order getaddrinfo would give them.</summary>
    public IReadOnlyList<IPAddress> HostAddresses(string name)
    {
        var list = new List<IPAddress>();
        foreach (var f in Lines("hosts"))
        {
            if (f.Length < 2 || !IPAddress.TryParse(f[0], out var a)) continue;
            for (int i = 1; i < f.Length; i++)
                if (string.Equals(f[i], name, StringComparison.OrdinalIgnoreCase) && !list.Contains(a)) list.Add(a);
        }
        if (list.Count > 0 || !useResolver) return list;
        if (name.Length > 253) return list;
        try
        {
            foreach (var a in Dns.GetHostAddresses(name))
                if (!list.Contains(a) && a.AddressFamily is System.Net.Sockets.AddressFamily.InterNetwork or System.Net.Sockets.AddressFamily.InterNetworkV6)
                    list.Add(a);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or ArgumentException) { }
        return list;
    }

    private List<(string Name, int Port, string Proto)> Services()
    {
        if (_services != null) return _services;
        var l = new List<(string, int, string)>();
        foreach (var f in Lines("services"))
        {
            if (f.Length < 2) continue;
            int slash = f[1].IndexOf('/');
            if (slash < 0 || !int.TryParse(f[1].AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out int port)) continue;
            string proto = f[1][(slash + 1)..];
            for (int i = 0; i < f.Length; i++)
                if (i != 1) l.Add((f[i], port, proto));
        }
        return _services = l;
    }

    private int ServicePort(string name, string proto)
    {
        foreach (var (n, p, pr) in Services())
            if (pr == proto && n == name) return p;
        return -1;
    }

    /// <summary>pcap_nametoport: proto is 6 (tcp only or different numbers), 17 (udp only) or -1 (both, same number).</summary>
    public bool Port(string name, out int port, out int proto)
    {
        int tcp = ServicePort(name, "tcp"), udp = ServicePort(name, "udp");
        port = 0;
        proto = -1;
        if (tcp >= 0)
        {
            port = tcp;
            proto = udp >= 0 && udp == tcp ? -1 : 6;
            return true;
        }
        if (udp >= 0)
        {
            port = udp;
            proto = 17;
            return true;
        }
        return false;
    }

    /// <summary>pcap_nametoportrange: "N-M" or "name-name".</summary>
    public bool PortRange(string name, out int p1, out int p2, out int proto)
    {
        p1 = p2 = 0;
        proto = -1;
        if (TryScanRange(name, out p1, out p2)) return true;
        int dash = name.IndexOf('-');
        if (dash < 0) return false;
        if (!Port(name[..dash], out p1, out proto)) return false;
        int save = proto;
        if (!Port(name[(dash + 1)..], out p2, out proto)) return false;
        if (proto != save) proto = -1;
        return true;
    }

    /// <summary>sscanf("%d-%d") == 2.</summary>
    private static bool TryScanRange(string s, out int a, out int b)
    {
        a = b = 0;
        int i = 0;
        if (!ScanInt(s, ref i, out a)) return false;
        if (i >= s.Length || s[i] != '-') return false;
        i++;
        return ScanInt(s, ref i, out b);
    }

    private static bool ScanInt(string s, ref int i, out int v)
    {
        v = 0;
        while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
        bool neg = false;
        if (i < s.Length && (s[i] == '-' || s[i] == '+')) { neg = s[i] == '-'; i++; }
        int start = i;
        long acc = 0;
        while (i < s.Length && s[i] >= '0' && s[i] <= '9') { acc = acc * 10 + (s[i] - '0'); if (acc > int.MaxValue) acc = int.MaxValue; i++; }
        if (i == start) return false;
        v = (int)(neg ? -acc : acc);
        return true;
    }

    /// <summary>getprotobyname.</summary>
    public int? Protocol(string name)
    {
        if (_protocols == null)
        {
            _protocols = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var f in Lines("protocols"))
            {
                if (f.Length < 2 || !int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n)) continue;
                for (int i = 0; i < f.Length; i++)
                    if (i != 1) _protocols.TryAdd(f[i], n);
            }
        }
        return _protocols.TryGetValue(name, out int v) ? v : null;
    }

    /// <summary>getnetbyname: the network number in host order (null if unknown).</summary>
    public uint? NetworkAddress(string name)
    {
        foreach (var f in Lines("networks"))
        {
            if (f.Length < 2) continue;
            bool match = false;
            for (int i = 0; i < f.Length; i++)
                if (i != 1 && f[i] == name) match = true;
            if (!match) continue;
            return InetNetwork(f[1]);
        }
        return null;
    }

    /// <summary>inet_network: "a", "a.b", "a.b.c", "a.b.c.d" packed from the right.</summary>
    private static uint? InetNetwork(string s)
    {
        var parts = s.Split('.');
        if (parts.Length > 4) return null;
        uint v = 0;
        foreach (var p in parts)
        {
            if (!uint.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out uint n) || n > 255) return null;
            v = v << 8 | n;
        }
        return v;
    }

    /// <summary>ether_hostton over /etc/ethers.</summary>
    public byte[]? EtherHost(string name)
    {
        foreach (var f in Lines("ethers"))
            if (f.Length >= 2 && f[1] == name) return ParseMac(f[0]);
        return null;
    }

    /// <summary>pcap_ether_aton: hex bytes of one or two digits, separated by ':', '.' or '-' (or none).</summary>
    public static byte[]? ParseMac(string s)
    {
        var e = new byte[6];
        int n = 0, i = 0;
        while (i < s.Length)
        {
            if (s[i] is ':' or '.' or '-') i++;
            if (i >= s.Length || !Uri.IsHexDigit(s[i])) return null;
            int d = Convert.ToInt32(s[i++].ToString(), 16);
            if (i < s.Length && Uri.IsHexDigit(s[i])) d = d << 4 | Convert.ToInt32(s[i++].ToString(), 16);
            if (n >= 6) return null;
            e[n++] = (byte)d;
        }
        return n == 6 ? e : null;
    }

    /// <summary>Names allowed after "ether proto" (libpcap's eproto_db), or -1.</summary>
    public static int EtherProto(string s) => s switch
    {
        "aarp" => 0x80f3,
        "arp" => 0x0806,
        "atalk" => 0x809b,
        "decnet" => 0x6003,
        "ip" => 0x0800,
        "ip6" => 0x86dd,
        "lat" => 0x6004,
        "loopback" => 0x9000,
        "mopdl" => 0x6001,
        "moprc" => 0x6002,
        "rarp" => 0x8035,
        "sca" => 0x6007,
        _ => -1,
    };

    /// <summary>LLC SAP names allowed after "ether proto", or -1.</summary>
    public static int LlcProto(string s) => s switch
    {
        "iso" => 0xfe,
        "stp" => 0x42,
        "ipx" => 0xe0,
        "netbeui" => 0xf0,
        _ => -1,
    };
}
