namespace Dumpkit.Tcpdump.Live;

/// <summary>-D: interfaces in tcpdump's "N.name [flags]" format, read from /sys/class/net.</summary>
internal static class Interfaces
{
    public static void List(TextWriter w)
    {
        var names = new List<(string Name, int Index, uint Flags, bool Wireless)>();
        const string root = "/sys/class/net";
        if (Directory.Exists(root))
        {
            foreach (var dir in Directory.GetDirectories(root))
            {
                string name = Path.GetFileName(dir);
                int idx = ReadInt(Path.Combine(dir, "ifindex"));
                uint flags = (uint)ReadInt(Path.Combine(dir, "flags"));
                bool wl = Directory.Exists(Path.Combine(dir, "wireless"));
                names.Add((name, idx, flags, wl));
            }
        }
        // libpcap orders: up before down, running before not, non-loopback before loopback, then by index
        names.Sort((a, b) =>
        {
            int k(uint f) => ((f & 1) != 0 ? 0 : 4) + ((f & 0x40) != 0 ? 0 : 2) + ((f & 8) != 0 ? 1 : 0);
            int c = k(a.Flags).CompareTo(k(b.Flags));
            return c != 0 ? c : a.Index.CompareTo(b.Index);
        });
        int n = 1;
        var entries = new List<string>();
        foreach (var (name, _, flags, wl) in names)
        {
            var parts = new List<string>();
            if ((flags & 8) != 0) parts.Add("Loopback");
            if ((flags & 1) != 0) parts.Add("Up");
            if ((flags & 0x40) != 0) parts.Add("Running");
            if ((flags & 8) == 0) parts.Add(wl ? "Wireless" : "");
            var tail = string.Join(", ", parts.Where(p => p.Length > 0));
            string extra = (flags & 8) != 0 ? "" : (wl ? "" : ", Connected".TrimStart(',', ' '));
            entries.Add($"{n++}.{name} [{(tail.Length > 0 ? tail : "")}{(extra.Length > 0 ? (tail.Length > 0 ? ", " : "") + extra : "")}]");
        }
        foreach (var e in entries) w.Write(e + "\n");
        w.Write($"{n++}.any (Pseudo-device that captures on all interfaces) [Up, Running]\n");
    }

    private static int ReadInt(string path)
    {
        try
        {
            var s = File.ReadAllText(path).Trim();
            if (s.StartsWith("0x", StringComparison.Ordinal)) return Convert.ToInt32(s[2..], 16);
            return int.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException or OverflowException)
        {
            return 0;
        }
    }
}
