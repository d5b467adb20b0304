// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Cli;
using Dumpkit.Pcap.Capture;

namespace Dumpkit.Tcpdump.Cli;

/// <summary>Thrown for a command-line error; the message goes to stderr after "tcpdump: ".</summary>
internal sealed class UsageException(string message, bool showUsage = false) : Exception(message)
{
    public bool ShowUsage { get; } = showUsage;
}

/// <summary>tcpdump 4.99's command line, parsed GNU getopt_long style (options and operands may mix).</summary>
internal sealed class Options
{
    /// <summary>-A, counted: payload as ASCII (-AA: with the link header).</summary>
    public int AsciiCount { get; private set; }
    /// <summary>-X, counted: payload as hex and ASCII (-XX: with the link header).</summary>
    public int HexAsciiCount { get; private set; }
    /// <summary>-x, counted: payload as hex (-xx: with the link header).</summary>
    public int HexCount { get; private set; }
    /// <summary>-t, counted: the time stamp format (0 default, 1 none, 2 epoch, 3 delta, 4 date, 5 since the first).</summary>
    public int TimeFormat { get; private set; }
    /// <summary>-v, counted.</summary>
    public int Verbosity { get; private set; }
    /// <summary>-d, counted: print the compiled filter (-d, -dd, -ddd) instead of capturing.</summary>
    public int DumpCodeLevel { get; private set; }
    /// <summary>-q, counted: quick (less protocol information).</summary>
    public int QuietCount { get; private set; }
    /// <summary>-b: BGP AS numbers in asdot notation.</summary>
    public bool AsDot { get; private set; }
    /// <summary>-e: print the link-level header.</summary>
    public bool LinkHeader { get; private set; }
    /// <summary>-n: no address-to-name conversion (hosts, ports, protocols and MACs print as numbers).</summary>
    public bool NoNames { get; private set; }
    /// <summary>-N: no domain qualification of host names.</summary>
    public bool NoDomains { get; private set; }
    /// <summary>-S: absolute TCP sequence numbers.</summary>
    public bool AbsoluteSequence { get; private set; }
    /// <summary>-K: do not verify checksums.</summary>
    public bool NoChecksum { get; private set; }
    /// <summary>-l: line-buffered output.</summary>
    public bool LineBuffered { get; private set; }
    /// <summary>-U: packet-buffered output (and -w file).</summary>
    public bool PacketBuffered { get; private set; }
    /// <summary>-p: no promiscuous mode.</summary>
    public bool NoPromiscuous { get; private set; }
    /// <summary>-# / --number: packet numbers.</summary>
    public bool Number { get; private set; }
    /// <summary>--count: count packets instead of printing them.</summary>
    public bool Count { get; private set; }
    /// <summary>--print: print even when writing with -w.</summary>
    public bool Print { get; private set; }
    /// <summary>--immediate-mode.</summary>
    public bool Immediate { get; private set; }
    /// <summary>-D.</summary>
    public bool ListInterfaces { get; private set; }
    /// <summary>-L.</summary>
    public bool ListDataLinks { get; private set; }
    /// <summary>-h / --help.</summary>
    public bool Help { get; private set; }
    /// <summary>--version.</summary>
    public bool Version { get; private set; }
    /// <summary>--fp-type.</summary>
    public bool FpType { get; private set; }
    /// <summary>-O: do not optimize the filter.</summary>
    public bool OptimizeOff { get; private set; }
    /// <summary>--pcapng: write pcapng instead of pcap.</summary>
    public bool Pcapng { get; private set; }
    /// <summary>--nano / --micro / --time-stamp-precision; null: not given.</summary>
    public bool? NanoPrecision { get; private set; }
    /// <summary>-c: stop after this many packets; -1: no limit.</summary>
    public long CountLimit { get; private set; } = -1;
    /// <summary>-r.</summary>
    public string? ReadFile { get; private set; }
    /// <summary>-w.</summary>
    public string? WriteFile { get; private set; }
    /// <summary>-i.</summary>
    public string? Interface { get; private set; }
    /// <summary>-F: the filter expression's file.</summary>
    public string? FilterFile { get; private set; }
    /// <summary>-T: the packet type forced on UDP payloads.</summary>
    public string? ForcedType { get; private set; }
    /// <summary>-H: 802.11s mesh headers in 802.11 QoS data frames.</summary>
    public bool Mesh { get; private set; }
    /// <summary>-E: the ESP/IKEv2 secrets.</summary>
    public string? EspSecret { get; private set; }
    /// <summary>-M: the TCP-MD5 shared secret.</summary>
    public string? SigSecret { get; private set; }
    /// <summary>-Q: in, out or inout.</summary>
    public string? Direction { get; private set; }
    /// <summary>-I (monitor mode): refused by the netfilter devices as libpcap does, else ignored.</summary>
    public bool MonitorMode { get; private set; }
    /// <summary>-Z: the user to switch to.</summary>
    public string? User { get; private set; }
    /// <summary>-z: the command run on each closed -C/-G file.</summary>
    public string? PostRotate { get; private set; }
    /// <summary>-y: the link type's name.</summary>
    public string? LinkTypeName { get; private set; }
    /// <summary>-s.</summary>
    public int SnapLen { get; private set; } = SnapLength.Maximum;
    /// <summary>-C: rotate after this many millions of bytes.</summary>
    public long FileSizeMb { get; private set; }
    /// <summary>-G: rotate after this many seconds.</summary>
    public long RotateSeconds { get; private set; }
    /// <summary>-W: the number of files -C cycles through, or after which -G stops.</summary>
    public long FileCount { get; private set; }
    /// <summary>-B: the capture buffer's size in KiB.</summary>
    public long BufferSizeKb { get; private set; }
    /// <summary>-J / --list-time-stamp-types.</summary>
    public bool ListTimeStampTypes { get; private set; }
    /// <summary>-j: the time stamp type asked for (libpcap's name, lower case).</summary>
    public string? TimeStampType { get; private set; }
    /// <summary>-V: the file listing savefiles.</summary>
    public string? ListFile { get; private set; }
    /// <summary>Warnings tcpdump prints while reading its options (-m without libsmi).</summary>
    public List<string> Warnings { get; } = [];
    /// <summary>The filter expression's words (the operands).</summary>
    public List<string> Expression { get; } = [];

    /// <summary>An option-table row; <see cref="Code"/> is what <see cref="Apply"/> switches on (the short letter,
    /// or a code of its own for a long-only option).</summary>
    private sealed record Opt(string? Long, char Short, Arity Arity, char Code) : Option(Long, Short, Arity)
    {
        public Opt(char shortName, Arity arity, string? longName = null) : this(longName, shortName, arity, shortName) { }
    }

    private const Arity Flag = Arity.None;
    private const Arity Value = Arity.Required;

    /// <summary>tcpdump 4.99's options as dumpkit reads them. -J takes a value as a short option (as dumpkit always
    /// read it) and none as --list-time-stamp-types, so the two are rows of their own.</summary>
    private static readonly Opt[] Table =
    [
        new('A', Flag), new('b', Flag), new('B', Value, "buffer-size"), new('c', Value), new('C', Value), new('d', Flag),
        new('D', Flag, "list-interfaces"), new('e', Flag), new('E', Value), new('f', Flag), new('F', Value), new('G', Value),
        new('h', Flag, "help"), new('H', Flag), new('i', Value, "interface"), new('I', Flag, "monitor-mode"), new('J', Flag),
        new("list-time-stamp-types", Option.NoShort, Flag, 'J'), new('j', Value, "time-stamp-type"),
        new('K', Flag, "dont-verify-checksums"), new('l', Flag), new('L', Flag, "list-data-link-types"), new('m', Value),
        new('M', Value), new('n', Flag), new('N', Flag), new('O', Flag, "no-optimize"), new('p', Flag, "no-promiscuous-mode"),
        new('q', Flag), new('Q', Value, "direction"), new(null, 'P', Value, 'Q'), new('r', Value), new('s', Value, "snapshot-length"),
        new('S', Flag, "absolute-tcp-sequence-numbers"), new('t', Flag), new('T', Value), new('u', Flag),
        new('U', Flag, "packet-buffered"), new('v', Flag), new('V', Value), new('w', Value), new('W', Value), new('x', Flag),
        new('X', Flag), new('y', Value, "linktype"), new('Y', Flag), new('z', Value), new('Z', Value, "relinquish-privileges"),
        new('#', Flag, "number"),
        new("micro", Option.NoShort, Flag, '\u0101'), new("nano", Option.NoShort, Flag, '\u0102'),
        new("time-stamp-precision", Option.NoShort, Value, '\u0103'), new("immediate-mode", Option.NoShort, Flag, '\u0104'),
        new("count", Option.NoShort, Flag, '\u0105'), new("fp-type", Option.NoShort, Flag, '\u0106'),
        new("print", Option.NoShort, Flag, '\u0107'), new("version", Option.NoShort, Flag, '\u0108'),
        new("pcapng", Option.NoShort, Flag, '\u0109'),
    ];

    /// <summary>getopt_long with its defaults: bundled short options, unique prefixes of long names, "--" ends them.</summary>
    private static readonly Getopt<Opt> Getopt = new(Table);

    public static Options Parse(string[] args)
    {
        var o = new Options();
        try
        {
            foreach (var a in Getopt.Parse(args))
            {
                if (a.Option is null) o.Expression.Add(a.Value!);
                else o.Apply(a.Option.Code, a.Value);
            }
        }
        catch (GetoptException e)
        {
            // dumpkit's wording so far: no list of possibilities, and "--=VALUE" (an empty name) is ambiguous as in glibc
            bool ambiguous = e.Error == GetoptError.AmbiguousOption || (e.Error == GetoptError.UnrecognizedOption && e.Name == "--");
            throw new UsageException(ambiguous ? $"option '{e.Argument}' is ambiguous" : e.Message, true);
        }
        if (o.ListFile != null && o.ReadFile != null) throw new UsageException("-V and -r are mutually exclusive.");
        return o;
    }

    /// <summary>The packet types -T accepts (tcpdump 4.99.3's list; those without a printer here print as UDP).</summary>
    private static readonly string[] PacketTypes =
    [
        "aodv", "carp", "cnfp", "domain", "lmp", "pgm", "pgm_zmtp1", "ptp", "radius", "resp", "rpc", "rtcp", "rtp",
        "snmp", "someip", "tftp", "vat", "vxlan", "wb", "zmtp1",
    ];

    /// <summary>libpcap's time stamp type names (pcap_tstamp_type_name_to_val, case-insensitive).</summary>
    private static readonly string[] TimeStampTypes =
        ["host", "host_lowprec", "host_hiprec", "adapter", "adapter_unsynced", "host_hiprec_unsynced"];

    /// <summary>
    /// C's atoi, as tcpdump reads -G: leading blanks, a sign and digits, the rest ignored (0 when there are no
    /// digits); null when the value overflows (strtol's LONG_MAX truncated to an int is negative, so tcpdump refuses it).
    /// </summary>
    private static long? Atoi(string s)
    {
        int i = 0;
        while (i < s.Length && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) i++;
        bool neg = false;
        if (i < s.Length && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
        long v = 0;
        for (; i < s.Length && s[i] >= '0' && s[i] <= '9'; i++)
        {
            v = v * 10 + (s[i] - '0');
            if (v > int.MaxValue) return null;
        }
        return neg ? -v : v;
    }

    private static long ParseNum(string s, string what, long min, long max)
    {
        s = s.Trim();
        long v;
        bool ok;
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) ok = long.TryParse(s[2..], System.Globalization.NumberStyles.HexNumber, null, out v);
        else ok = long.TryParse(s, System.Globalization.NumberStyles.AllowLeadingSign, null, out v);
        if (!ok) throw new UsageException($"invalid {what} {s}");
        if (v < min || v > max) throw new UsageException($"invalid {what} {s}");
        return v;
    }

    internal void Apply(char c, string? val)
    {
        switch (c)
        {
            case 'A': AsciiCount++; break;
            case 'b': AsDot = true; break;
            case 'B': BufferSizeKb = ParseNum(val!, "packet buffer size", 1, int.MaxValue); break;
            case 'c': CountLimit = ParseNum(val!, "packet count", 1, int.MaxValue); break;
            case 'C': FileSizeMb = ParseNum(val!, "file size", 1, int.MaxValue); break;
            case 'd': DumpCodeLevel++; break;
            case 'D': ListInterfaces = true; break;
            case 'e': LinkHeader = true; break;
            case 'E': EspSecret = ArgvBytes(val); break;
            case 'f': break;
            case 'F': FilterFile = val; break;
            case 'G':
                RotateSeconds = Atoi(val!) is long g and >= 0 ? g : throw new UsageException($"invalid number of seconds {val}");
                break;
            case 'h': Help = true; break;
            case 'H': Mesh = true; break;
            case 'i': Interface = val; break;
            case 'I': MonitorMode = true; break;
            case 'j':
                if (!TimeStampTypes.Contains(val!.ToLowerInvariant())) throw new UsageException($"invalid time stamp type {val}");
                TimeStampType = val.ToLowerInvariant();
                break;
            case 'J': ListTimeStampTypes = true; break;
            case 'K': NoChecksum = true; break;
            case 'l': LineBuffered = true; break;
            case 'L': ListDataLinks = true; break;
            case 'm': Warnings.Add($"ignoring option `-m {val}' (no libsmi support)"); break;
            case 'M': SigSecret = ArgvBytes(val); break;
            case 'n': NoNames = true; break;
            case 'N': NoDomains = true; break;
            case 'O': OptimizeOff = true; break;
            case 'p': NoPromiscuous = true; break;
            case 'q': QuietCount++; break;
            case 'Q':
                if (val != "in" && val != "out" && val != "inout") throw new UsageException($"unknown capture direction `{val}'");
                Direction = val; break;
            case 'r': ReadFile = val; break;
            case 's':
                SnapLen = long.TryParse(val, System.Globalization.NumberStyles.AllowLeadingWhite | System.Globalization.NumberStyles.AllowLeadingSign,
                        System.Globalization.CultureInfo.InvariantCulture, out long snap)
                    && snap is >= 0 and <= SnapLength.Maximum
                    ? (int)snap
                    : throw new UsageException($"invalid snaplen {val} (must be >= 0 and <= {SnapLength.Maximum})");
                if (SnapLen == 0) SnapLen = SnapLength.Maximum;
                break;
            case 'S': AbsoluteSequence = true; break;
            case 't': TimeFormat++; break;
            case 'T':
                if (!PacketTypes.Contains(val)) throw new UsageException($"unknown packet type `{val}'");
                ForcedType = val;
                break;
            case 'u': break;
            case 'U': PacketBuffered = true; break;
            case 'v': Verbosity++; break;
            case 'V': ListFile = val; break;
            case 'w': WriteFile = val; break;
            case 'W': FileCount = ParseNum(val!, "number of output files", 1, int.MaxValue); break;
            case 'x': HexCount++; break;
            case 'X': HexAsciiCount++; break;
            case 'y':
                // as tcpdump: pcap_datalink_name_to_val when the option is read, whatever else the run does
                if (LinkTypes.FromAnyName(val!) == null) throw new UsageException($"invalid data link type {val}");
                LinkTypeName = val;
                break;
            case 'Y': break;
            case 'z': PostRotate = val; break;
            case 'Z': User = val; break;
            case '#': Number = true; break;
            case '\u0101': NanoPrecision = false; break;
            case '\u0102': NanoPrecision = true; break;
            case '\u0103':
                if (val == "micro") NanoPrecision = false;
                else if (val == "nano") NanoPrecision = true;
                else throw new UsageException("unsupported time stamp precision");
                break;
            case '\u0104': Immediate = true; break;
            case '\u0105': Count = true; break;
            case '\u0106': FpType = true; break;
            case '\u0107': Print = true; break;
            case '\u0108': Version = true; break;
            case '\u0109': Pcapng = true; break;
        }
    }

    public const string Usage =
        "Usage: tcpdump [-AbdDefhHIJKlLnNOpqStuUvxX#] [ -B size ] [ -c count ] [--count]\n" +
        "\t\t[ -C file_size ] [ -E algo:secret ] [ -F file ] [ -G seconds ]\n" +
        "\t\t[ -i interface ] [ --immediate-mode ] [ -j tstamptype ]\n" +
        "\t\t[ -M secret ] [ --number ] [ --print ] [ -Q in|out|inout ]\n" +
        "\t\t[ -r file ] [ -s snaplen ] [ -T type ] [ --version ]\n" +
        "\t\t[ -V file ] [ -w file ] [ -W filecount ] [ -y datalinktype ]\n" +
        "\t\t[ --time-stamp-precision precision ] [ --micro ] [ --nano ]\n" +
        "\t\t[ -z postrotate-command ] [ -Z user ] [ expression ]\n";

    public const string VersionText = "tcpdump version 4.99.3 (dumpkit)\nlibpcap version none (dumpkit AF_PACKET)\n";

    /// <summary>
    /// A secret as the bytes tcpdump sees in argv (UTF-8 here), one char per byte, as a secrets file's lines are read:
    /// the printers then key the ciphers and TCP-MD5 with the same bytes as tcpdump, whatever the characters.
    /// </summary>
    private static string ArgvBytes(string? value) =>
        value is null ? "" : System.Text.Encoding.Latin1.GetString(System.Text.Encoding.UTF8.GetBytes(value));
}
