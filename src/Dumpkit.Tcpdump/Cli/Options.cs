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
    /// <summary>-Q: in, out or inout.</summary>
    public string? Direction { get; private set; }
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
    /// <summary>-V: the file listing savefiles (not supported yet).</summary>
    public string? ListFile { get; private set; }
    /// <summary>Warnings tcpdump prints while reading its options (-m without libsmi).</summary>
    public List<string> Warnings { get; } = [];
    /// <summary>The filter expression's words (the operands).</summary>
    public List<string> Expression { get; } = [];

    private const string WithArg = "BcCEFGiJjmMQrsTVwWyzZ";
    private const string NoArg = "AbdDefhHIKlLnNOpqStuUvxXY#";

    private static readonly (string Name, char Short, bool Arg)[] Long =
    [
        ("buffer-size", 'B', true), ("list-interfaces", 'D', false), ("help", 'h', false), ("interface", 'i', true),
        ("monitor-mode", 'I', false), ("time-stamp-type", 'j', true), ("list-time-stamp-types", 'J', false),
        ("micro", '\u0101', false), ("nano", '\u0102', false), ("time-stamp-precision", '\u0103', true),
        ("dont-verify-checksums", 'K', false), ("list-data-link-types", 'L', false), ("no-optimize", 'O', false),
        ("no-promiscuous-mode", 'p', false), ("direction", 'Q', true), ("snapshot-length", 's', true),
        ("absolute-tcp-sequence-numbers", 'S', false), ("packet-buffered", 'U', false), ("linktype", 'y', true),
        ("immediate-mode", '\u0104', false), ("relinquish-privileges", 'Z', true), ("count", '\u0105', false),
        ("fp-type", '\u0106', false), ("number", '#', false), ("print", '\u0107', false), ("version", '\u0108', false),
        ("pcapng", '\u0109', false),
    ];

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--")
            {
                for (i++; i < args.Length; i++) o.Expression.Add(args[i]);
                break;
            }
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                string name = a[2..];
                string? val = null;
                int eq = name.IndexOf('=');
                if (eq >= 0) { val = name[(eq + 1)..]; name = name[..eq]; }
                var matches = Long.Where(l => l.Name.StartsWith(name, StringComparison.Ordinal)).ToArray();
                var exact = Long.Where(l => l.Name == name).ToArray();
                if (exact.Length == 1) matches = exact;
                if (matches.Length == 0) throw new UsageException($"unrecognized option '{a}'", true);
                if (matches.Length > 1) throw new UsageException($"option '{a}' is ambiguous", true);
                var m = matches[0];
                if (m.Arg)
                {
                    if (val == null)
                    {
                        if (i + 1 >= args.Length) throw new UsageException($"option '--{m.Name}' requires an argument", true);
                        val = args[++i];
                    }
                }
                else if (val != null) throw new UsageException($"option '--{m.Name}' doesn't allow an argument", true);
                o.Apply(m.Short, val);
                continue;
            }
            if (a.Length > 1 && a[0] == '-')
            {
                for (int j = 1; j < a.Length; j++)
                {
                    char c = a[j];
                    if (WithArg.Contains(c))
                    {
                        string val;
                        if (j + 1 < a.Length) val = a[(j + 1)..];
                        else if (i + 1 < args.Length) val = args[++i];
                        else throw new UsageException($"option requires an argument -- '{c}'", true);
                        o.Apply(c, val);
                        break;
                    }
                    if (NoArg.Contains(c)) { o.Apply(c, null); continue; }
                    throw new UsageException($"invalid option -- '{c}'", true);
                }
                continue;
            }
            o.Expression.Add(a);
        }
        if (o.ListFile != null)
        {
            if (o.ReadFile != null) throw new UsageException("-V and -r are mutually exclusive.");
            throw new UsageException("-V is not supported yet");
        }
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
            case 'E': break;
            case 'f': break;
            case 'F': FilterFile = val; break;
            case 'G':
                RotateSeconds = Atoi(val!) is long g and >= 0 ? g : throw new UsageException($"invalid number of seconds {val}");
                break;
            case 'h': Help = true; break;
            case 'H': break;
            case 'i': Interface = val; break;
            case 'I': break;
            case 'j':
                if (!TimeStampTypes.Contains(val!.ToLowerInvariant())) throw new UsageException($"invalid time stamp type {val}");
                break;
            case 'J': break;
            case 'K': NoChecksum = true; break;
            case 'l': LineBuffered = true; break;
            case 'L': ListDataLinks = true; break;
            case 'm': Warnings.Add($"ignoring option `-m {val}' (no libsmi support)"); break;
            case 'M': break;
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
            case 'y': LinkTypeName = val; break;
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
}
