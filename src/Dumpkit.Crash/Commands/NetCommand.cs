// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text;
using Dumpkit.Kernel;
using Dumpkit.Kernel.Net;
using Dumpkit.Kernel.Sched;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>net</c> as crash 8.0.2 reads its options (<c>N:asSR:xdn</c>): the network devices (NET_DEVICE, NAME, IP
/// ADDRESS(ES)) of the initial namespace, or with <c>-n [pid | task]</c> of a task's namespace; <c>-a</c> the ARP cache;
/// <c>-N ADDR</c> a number in dotted notation; <c>-s [pid | task]</c> each task's socket table (FD SOCKET SOCK
/// FAMILY:TYPE SOURCE-PORT DESTINATION-PORT), <c>-S [pid | task]</c> each socket's <c>struct socket</c> and
/// <c>struct inet_sock</c> (whatever its family, as crash prints it; <c>-x</c>/<c>-d</c> their radix), <c>-R REF</c> only the
/// sockets (or descriptor) it names.
/// </summary>
internal sealed class NetCommand : ICrashCommand
{
    public const string DeviceHeader = "   NET_DEVICE     NAME   IP ADDRESS(ES)";
    public const string ArpHeader = "NEIGHBOUR        IP ADDRESS      HW TYPE    HW ADDRESS         DEVICE  STATE";
    public const string SocketHeader = "FD      SOCKET            SOCK       FAMILY:TYPE SOURCE-PORT DESTINATION-PORT";

    public string Name => "net";
    public string Synopsis => "  net [[-s | -S] [-xd] [-R ref] [pid | task]] [-a] [ -n [pid | task]] [-N addr]";
    public string Summary => "network command";

    public void Run(CrashSession session, string[] args)
    {
        var (options, words) = CrashGetopt.Parse(this, args, "N:asSR:xdn");
        string? reference = null;
        bool sockets = false, structs = false, hex = false, dec = false, namespaces = false, arp = false;
        ProcessEntry? nsTask = null;
        var errors = new List<string>();
        var o = session.Out;
        foreach (var (letter, value) in options)
        {
            switch (letter)
            {
                case 'R' when reference is null:
                    reference = value;
                    break;
                case 'R':
                    o.WriteLine("net: only one -R option allowed");
                    break;
                case 'a':
                    Arp(session);
                    arp = true;
                    break;
                case 'N':
                    o.WriteLine(Dotted(value!));
                    return;
                case 's' or 'S' when (letter == 's' ? structs : sockets):
                    o.WriteLine("net: only one -s or -S option allowed");
                    break;
                case 's':
                    sockets = true;
                    break;
                case 'S':
                    structs = true;
                    break;
                case 'x' or 'd' when (letter == 'x' ? dec : hex):
                    throw new CommandException("net: -d and -x are mutually exclusive");
                case 'x':
                    hex = true;
                    break;
                case 'd':
                    dec = true;
                    break;
                case 'n':
                    namespaces = true;
                    nsTask = NamespaceTask(session, args);
                    break;
                default:
                    errors.Add(value!);
                    break;
            }
        }
        if (errors.Count > 0)
            throw CrashGetopt.UsageAfter(this, errors);
        if (sockets || structs)
        {
            var view = new SocketView(reference, structs, structs ? new TypePrinter(session) { Hex = hex } : null);
            SocketTables(session, words, view);
            return;
        }
        if (args.Length == 0 || namespaces)
            Devices(session, nsTask);
        else if (!arp)
            throw CrashSession.Usage(this);
    }

    /// <summary>
    /// The task of <c>-n</c>: the word after it when that is a PID or task address (its first task), else the current
    /// context (crash reads <c>args[optind]</c> there and ignores a word that names no task).
    /// </summary>
    private static ProcessEntry NamespaceTask(CrashSession session, string[] args)
    {
        int at = Array.FindIndex(args, a => a.Length > 1 && a[0] == '-' && a[^1] == 'n' && a.Skip(1).All(c => "asSxdn".Contains(c)));
        if (at >= 0 && at + 1 < args.Length && TaskViews.Select(session, args[at + 1]) is [var first, ..])
            return first;
        return session.CurrentTask ?? throw new CommandException("net: no current task");
    }

    /// <summary>crash's stol then inet_ntoa: a decimal or hexadecimal number's low 32 bits, first byte lowest.</summary>
    private static string Dotted(string value)
    {
        ulong v;
        if (value.Length > 0 && value.All(char.IsAsciiDigit))
        {
            if (!ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out v))
                throw new CommandException($"net: not a valid number: {value}");
        }
        else if (!CrashSession.TryParseHex(value, out v))
            throw new CommandException($"net: not a valid number: {value}");
        return string.Create(CultureInfo.InvariantCulture, $"{v & 0xff}.{v >> 8 & 0xff}.{v >> 16 & 0xff}.{v >> 24 & 0xff}");
    }

    /// <summary>The device list of <c>init_net</c> (no task) or of a task's <c>nsproxy-&gt;net_ns</c>.</summary>
    internal static void Devices(CrashSession session, ProcessEntry? task = null)
    {
        var o = session.Out;
        List<NetDevice> devices;
        try
        {
            ulong? net = null;
            if (task is not null)
            {
                var r = new KernelReader(session, "net");
                ulong nsproxy = r.ReadU64(task.Task + r.Offset("task_struct", "nsproxy"));
                if (nsproxy == 0 || !session.Memory.TryReadU64(nsproxy + r.Offset("nsproxy", "net_ns"), out ulong ns))
                    throw new CommandException("net: cannot determine net_namespace location!");
                net = ns;
            }
            devices = NetDevices.Read(session.Memory, session.Symbols, session.Types, net);
        }
        catch (KernelAddressException e) { throw new CommandException(ExcludedPages.Message(session, "net", e.Address, "net_device buffer")); }
        o.WriteLine(DeviceHeader);
        foreach (var d in devices)
            o.WriteLine($"{d.Device:x16}  {d.Name,-6} {string.Join(", ", d.Addresses)}");
    }

    /// <summary><c>net -a</c>: the ARP cache, its header before the first entry (nothing when it is empty).</summary>
    private static void Arp(CrashSession session)
    {
        List<List<Neighbour>> buckets;
        try { buckets = NeighbourTable.Arp(session.Memory, session.Symbols, session.Types); }
        catch (KernelAddressException e) { throw new CommandException(ExcludedPages.Message(session, "net", e.Address, "neighbour")); }
        catch (KernelDataException e) { throw new CommandException($"net: {e.Message}"); }
        var o = session.Out;
        bool header = false;
        foreach (var n in buckets.SelectMany(b => b))
        {
            if (!header)
                o.WriteLine(ArpHeader);
            header = true;
            var sb = new StringBuilder();
            sb.Append(CultureInfo.InvariantCulture, $"{n.Address,-16:x} {n.Ip,-16}");
            string? kind = n.DeviceType switch
            {
                1 => "ETHER", 0 => "NETROM", 2 => "EETHER", 3 => "AX25", 4 => "PRONET", 5 => "CHAOS", 6 => "IEEE802",
                7 => "ARCNET", 8 => "APPLETLK", 15 => "DLCI", 23 => "METRICOM", _ => "UNKNOWN",
            };
            sb.Append(CultureInfo.InvariantCulture, $"{kind,-10} ");
            for (int i = 0; i < n.HardwareAddress.Length; i++)
                sb.Append(CultureInfo.InvariantCulture, $"{n.HardwareAddress[i]:x2}")
                    .Append(n.DeviceType == 1 ? (i == n.HardwareAddress.Length - 1 ? ' ' : ':') : ' ');
            sb.Append(CultureInfo.InvariantCulture, $" {n.Device,-6}  ");
            string[] names = ["INCOMPLETE", "REACHABLE", "STALE", "DELAY", "PROBE", "FAILED", "NOARP", "PERMANENT"];
            sb.Append(string.Join('|', names.Where((_, bit) => (n.State >> bit & 1) != 0)));
            o.WriteLine(sb.ToString());
        }
    }

    /// <summary>
    /// What <c>net -s</c> or <c>-S</c> shows of each socket: the reference of <c>-R</c>, and with <c>-S</c> the structures,
    /// printed with <paramref name="Printer"/>'s radix.
    /// </summary>
    internal sealed record SocketView(string? Reference, bool Structs = false, TypePrinter? Printer = null);

    /// <summary><c>net -s|-S [pid | task]...</c>: each task's header and sockets (no header with <c>-R</c>).</summary>
    private static void SocketTables(CrashSession session, List<string> words, SocketView view)
    {
        var reference = view.Reference;
        if (words.Count == 0)
        {
            var current = session.CurrentTask ?? throw new CommandException("net: no current task");
            if (reference is null)
                TaskViews.Header(session, current, false);
            Sockets(session, current, view);
            return;
        }
        int subsequent = 0;
        foreach (var arg in words)
        {
            if (TaskViews.Select(session, arg) is not { } tasks)
            {
                session.Out.WriteLine($"{(subsequent++ > 0 ? "\n" : "")}net: invalid task or pid value: {arg}");
                continue;
            }
            foreach (var e in tasks)
            {
                if (reference is null)
                    TaskViews.Header(session, e, subsequent++ > 0);
                Sockets(session, e, view);
            }
        }
    }

    /// <summary>
    /// A task's sockets after its header: the table of every open file whose inode is a socket (with <c>-S</c> each
    /// socket's structures), "No open sockets." when none is. With a reference (a socket or sock address, or a
    /// descriptor) only the sockets it names, after the task's header, then a blank line; nothing when none.
    /// </summary>
    internal static void Sockets(CrashSession session, ProcessEntry e, SocketView view)
    {
        var reference = view.Reference;
        var views = TaskViews.Of(session);
        var files = views.Files.Read(e.Task);
        var o = session.Out;
        if (files.Files is null)
        {
            if (reference is null)
                o.WriteLine("No open sockets.");
            return;
        }
        var (hex, dec) = reference is null ? (null, null)
            : CrashReference.Parse(reference).DescriptorOrAddress(views.Files.DescriptorLimit(e.Task));
        var reader = new SocketReader(session.Memory, session.Types);
        int found = 0;
        foreach (var f in files.Files.Where(f => f.Type == "SOCK"))
        {
            SocketInfo s;
            try { s = reader.Read(f.Inode); }
            catch (KernelAddressException x) { throw new CommandException(ExcludedPages.Message(session, "net", x.Address, "socket buffer")); }
            if (reference is not null)
            {
                bool match = (hex is ulong h && (h == s.Sock || h == s.Socket || h == (ulong)f.Fd)) || (dec is ulong d && d == (ulong)f.Fd);
                if (!match)
                    continue;
                if (found == 0)
                    TaskViews.Header(session, e, false);
            }
            if (view.Structs)
            {
                Structures(session, view.Printer!, f.Fd, s, found++ > 0);
                continue;
            }
            if (found++ == 0)
                o.WriteLine(SocketHeader);
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{f.Fd,2} {s.Socket,16:x} {s.Sock,16:x} {Describe(s)}"));
        }
        if (found == 0 && reference is null)
            o.WriteLine("No open sockets.");
        if (found > 0 && reference is not null)
            o.WriteLine();
    }

    /// <summary>
    /// <c>-S</c>'s block for one socket: FD, SOCKET and SOCK (a blank line before all but the first), then the
    /// <c>struct socket</c> and the <c>struct inet_sock</c> at its sock, as crash's dump_struct prints them.
    /// </summary>
    private static void Structures(CrashSession session, TypePrinter printer, int fd, SocketInfo s, bool subsequent)
    {
        var o = session.Out;
        o.WriteLine($"{(subsequent ? "\n" : "")}FD  {VmCommand.Center("SOCKET", 16)}  {VmCommand.Center("SOCK", 16)}");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{fd,2}  {s.Socket,16:x}  {s.Sock,16:x}\n"));
        o.WriteLine(TaskCommand.Format(session, printer, "socket", s.Socket, "net"));
        o.WriteLine(TaskCommand.Format(session, printer, "inet_sock", s.Sock, "net"));
    }

    /// <summary>crash's FAMILY:TYPE and, for INET, " SOURCE-PORT DESTINATION-PORT" (addresses first byte lowest).</summary>
    private static string Describe(SocketInfo s)
    {
        string family = s.Family switch
        {
            0 => "UNSPEC", 1 => "UNIX", 2 => "INET", 3 => "AX25", 4 => "IPX", 5 => "APPLETALK", 6 => "NETROM", 7 => "BRIDGE",
            8 => "ATMPVC", 9 => "X25", 10 => "INET6", 11 => "ROSE", 12 => "DECnet", 13 => "NETBEUI", 14 => "SECURITY/KEY",
            16 => "NETLINK/ROUTE", 17 => "PACKET", 18 => "ASH", 19 => "ECONET", 20 => "ATMSVC", 22 => "SNA", 23 => "IRDA",
            24 => "PPPOX", _ => s.Family.ToString(CultureInfo.InvariantCulture),
        };
        string type = s.Type switch
        {
            1 => "STREAM", 2 => "DGRAM ", 3 => "RAW", 4 => "RDM", 5 => "SEQPACKET", 10 => "PACKET",
            _ => s.Type.ToString(CultureInfo.InvariantCulture),
        };
        var text = $"{family}:{type} ";
        if (s.Family == 2)
            text += $" {Ip(s.SourceAddress)}-{Port(s.SourcePort)} {Ip(s.DestinationAddress)}-{Port(s.DestinationPort)}";
        return text;
    }

    private static string Ip(uint a) => string.Create(CultureInfo.InvariantCulture, $"{a & 0xff}.{a >> 8 & 0xff}.{a >> 16 & 0xff}.{a >> 24}");

    private static string Port(ushort networkOrder) => ((networkOrder & 0xff) << 8 | networkOrder >> 8).ToString(CultureInfo.InvariantCulture);
}
