// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Pcap.Capture;

/// <summary>Capture devices (<c>tcpdump -D</c>) in tcpdump's "N.name [flags]" format, from /sys/class/net (as libpcap orders them).</summary>
public static class Interfaces
{
    private sealed record Dev(string Name, int Index, bool Up, bool Running, bool Loopback, bool Wireless, string? Status);

    private static string Read(string path)
    {
        try { return File.ReadAllText(path).Trim(); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return ""; }
    }

    /// <summary>The name of the interface with this index (<c>if_indextoname</c>), or null when there is none.</summary>
    public static string? NameOf(uint index) => LinuxPacket.IndexToName(index);

    /// <summary>Writes the list <c>tcpdump -D</c> prints: up and running interfaces first, then <c>any</c>, loopback, the rest.</summary>
    public static void List(TextWriter w)
    {
        var devs = new List<Dev>();
        const string Root = "/sys/class/net";
        if (Directory.Exists(Root))
        {
            foreach (var dir in Directory.GetDirectories(Root))
            {
                string name = Path.GetFileName(dir);
                int.TryParse(Read(Path.Combine(dir, "ifindex")), out int idx);
                string fs = Read(Path.Combine(dir, "flags"));
                int flags = fs.StartsWith("0x", StringComparison.Ordinal) ? Convert.ToInt32(fs[2..], 16) : 0;
                bool up = (flags & 1) != 0, loop = (flags & 8) != 0;
                bool running = up && (loop || Read(Path.Combine(dir, "carrier")) == "1");
                bool wireless = Directory.Exists(Path.Combine(dir, "wireless"));
                string oper = Read(Path.Combine(dir, "operstate"));
                string? status = !up || loop ? null : oper == "up" ? "Connected" : oper == "down" ? "Disconnected" : null;
                devs.Add(new Dev(name, idx, up, running, loop, wireless, status));
            }
        }
        int Rank(Dev d) => d.Up && d.Running && !d.Loopback ? 0 : d.Loopback && d.Up ? 2 : 3;
        var ordered = devs.OrderBy(Rank).ThenBy(d => d.Index).ToList();
        int n = 1;
        bool anyDone = false;
        foreach (var d in ordered)
        {
            if (!anyDone && Rank(d) > 0)
            {
                w.Write($"{n++}.any (Pseudo-device that captures on all interfaces) [Up, Running]\n");
                anyDone = true;
            }
            var parts = new List<string>();
            if (d.Up) parts.Add("Up");
            if (d.Running) parts.Add("Running");
            if (d.Wireless) parts.Add("Wireless");
            if (d.Loopback) parts.Add("Loopback");
            if (d.Status != null) parts.Add(d.Status);
            w.Write($"{n++}.{d.Name} [{(parts.Count == 0 ? "none" : string.Join(", ", parts))}]\n");
        }
        if (!anyDone) w.Write($"{n}.any (Pseudo-device that captures on all interfaces) [Up, Running]\n");
    }
}
