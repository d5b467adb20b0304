// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Pcap.Capture;
using Dumpkit.Pcap.Filter;
using Dumpkit.Tcpdump.Print;

namespace Dumpkit.Tcpdump.Cli;

/// <summary>One tcpdump invocation: open the source, loop over packets, print and/or write.</summary>
internal sealed partial class Session(Stream rawStdout, TextWriter stderr, Func<Stream> stdin, TimeZoneInfo zone, CancellationToken cancel)
{
    /// <summary>A process of its own (not a caller's thread): root becomes the tcpdump user when -Z names none.</summary>
    public bool DropToDefaultUser { get; init; }

    /// <summary>Standard output for what tcpdump prints: a failed write ends the run ("Unable to write output").</summary>
    private readonly Stream stdout = new GuardedOutput(rawStdout);

    public int Run(string[] args)
    {
        var o = Options.Parse(args);
        foreach (var w in o.Warnings) stderr.WriteLine($"tcpdump: {w}");
        if (o.FpType)
        {
            // Same computation as tcpdump's float-format probe: 9877.895 on IEEE-754 doubles.
            const string Probe = "9877.895";
            using var w = new StreamWriter(stdout, leaveOpen: true);
            w.Write(Probe + "\n");
            return 0;
        }
        if (o.Version)
        {
            using var w = new StreamWriter(stdout, leaveOpen: true);
            w.Write(Options.VersionText);
            return 0;
        }
        if (o.Help)
        {
            using var w = new StreamWriter(stdout, leaveOpen: true);
            w.Write(Options.VersionText + Options.Usage);
            return 0;
        }
        if (o.ListInterfaces)
        {
            using var w = new StreamWriter(stdout, leaveOpen: true);
            Interfaces.List(w);
            return 0;
        }
        if (o.ListFile != null && o.ReadFile != null) throw new UsageException("-V and -r are mutually exclusive.");
        if (o.FilterFile == null) _filter = string.Join(' ', o.Expression);
        if (o.DumpCodeLevel > 0 && o.ReadFile == null && o.ListFile == null) return DumpCode(o);
        if (o.ReadFile == null && o.ListFile == null) return Live(o);
        return ReadFiles(o);
    }

    private string _filter = "";

    /// <summary>The expression: the arguments, or -F's file (read when tcpdump reads it: after the source is open).</summary>
    private string FilterText(Options o)
    {
        if (o.FilterFile == null || _filterRead) return _filter;
        string path = o.FilterFile;
        if (Directory.Exists(path)) throw new UsageException($"read {path}: Is a directory");
        // a named FIFO without a writer would hold open(2) for ever (tcpdump's own fopen waits)
        if (Dumpkit.Cli.FileKind.NamedPipeOrSocket(path) is { } kind) throw new UsageException($"can't open {path}: Not a regular file ({kind})");
        string text;
        try { text = System.Text.Encoding.Latin1.GetString(ReadInfile(path)); }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or ArgumentException)
        {
            throw new UsageException($"can't open {path}: No such file or directory");
        }
        catch (UnauthorizedAccessException)
        {
            throw new UsageException($"can't open {path}: Permission denied");
        }
        catch (IOException ex)
        {
            throw new UsageException($"can't open {path}: {SystemErrors.Describe(ex, path) ?? "Input/output error"}");
        }
        // tcpdump's read_infile: '#' starts a comment that runs to the end of the line; arguments are ignored
        var chars = text.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
            if (chars[i] == '#')
                while (i < chars.Length && chars[i] != '\n') chars[i++] = ' ';
        _filterRead = true;
        return _filter = new string(chars);
    }

    private bool _filterRead;

    /// <summary>
    /// As tcpdump's read_infile: as many bytes as fstat says the file holds, so an endless file (/dev/zero, a
    /// device, whose size is 0) gives an empty expression at once instead of being read until memory runs out.
    /// </summary>
    private static byte[] ReadInfile(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        long size = RandomAccess.GetLength(handle);
        if (size > int.MaxValue) throw new UsageException($"{path}: file too long");
        var data = new byte[size];
        using var file = new FileStream(handle, FileAccess.Read, 1);
        int got = file.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (got != size) throw new UsageException($"short read {path} ({got} != {size})");
        return data;
    }

    /// <summary>-d/-dd/-ddd without -r: compile for -i's device (opened, as tcpdump opens it), -y's link type or (with a warning) Ethernet.</summary>
    private int DumpCode(Options o)
    {
        int dlt;
        bool linux = false;
        if (o.Interface != null)
        {
            PacketSource src;
            string device = DeviceName(o.Interface);
            try { src = OpenLive(o, device, forList: false); }
            catch (CaptureException ex) { stderr.WriteLine($"tcpdump: {ex.Message}"); return 1; }
            using (src) dlt = src.LinkType;
            if (o.LinkTypeName != null || device == "any") stderr.WriteLine($"tcpdump: data link type {LinkTypes.Describe(dlt)!.Value.Name}");
            linux = true;
        }
        else if (o.LinkTypeName != null)
        {
            dlt = LinkTypes.FromAnyName(o.LinkTypeName) ?? throw new UsageException($"invalid data link type {o.LinkTypeName}");
        }
        else
        {
            stderr.WriteLine("Warning: assuming Ethernet");
            dlt = LinkTypes.Ethernet;
        }
        var target = new FilterTarget(dlt, o.SnapLen) { Netmask = 0, LinuxExtensions = linux };
        return PrintCode(o, target);
    }

    /// <summary>
    /// Opens a live source: netfilter log groups or queues for nflog[:GROUPS] and nfqueue[:QUEUES], else an AF_PACKET socket. -y applies unless
    /// <paramref name="forList"/> (-L lists what the device offers whatever -y says).
    /// </summary>
    private PacketSource OpenLive(Options o, string iface, bool forList)
    {
        string? linkType = forList ? null : o.LinkTypeName;
        if (PseudoDevices.Claims(iface)) PseudoDevices.Open(iface, o.MonitorMode);
        if (NetfilterSource.IsNetfilter(iface))
        {
            // as libpcap: the groups bound, then monitor mode refused, then the direction (pcap_setdirection), then -y
            var nf = NetfilterSource.Open(iface, o.SnapLen, null, o.BufferSizeKb, cancel);
            try
            {
                if (o.MonitorMode) throw new CaptureException($"{iface}: That device doesn't support monitor mode");
                if (o.Direction != null)
                    throw new CaptureException($"{iface}: pcap_setdirection() failed: Setting direction is not supported on this device");
                if (linkType != null) nf.SetLinkType(linkType);
                return nf;
            }
            catch
            {
                nf.Dispose();
                throw;
            }
        }
        var lo = new LiveOptions(iface, o.SnapLen, !o.NoPromiscuous, o.Direction, o.NanoPrecision == true, o.Immediate, o.BufferSizeKb, linkType);
        return new AfPacketSource(lo, cancel);
    }

    private int PrintCode(Options o, FilterTarget target)
    {
        var prog = Compile(o, target);
        using var w = new StreamWriter(stdout, leaveOpen: true);
        w.Write(Bpf.Dump(prog, o.DumpCodeLevel));
        return 0;
    }

    private BpfInstruction[] Compile(Options o, FilterTarget target)
    {
        try { return FilterCompiler.Compile(FilterText(o), target, !o.OptimizeOff); }
        // libpcap formats its errors into a PCAP_ERRBUF_SIZE (256) buffer: at most 255 characters reach tcpdump
        catch (FilterException ex) { throw new UsageException(ex.Message.Length > 255 ? ex.Message[..255] : ex.Message); }
    }

    private static string DefaultInterface()
    {
        // first interface that is up, running and not loopback, as pcap_lookupdev does
        foreach (var dir in (Directory.Exists("/sys/class/net") ? Directory.GetDirectories("/sys/class/net") : []).Order(StringComparer.Ordinal))
        {
            try
            {
                // sysfs "flags" holds no IFF_RUNNING (the kernel adds it from the carrier): up, carrier, not loopback
                var flags = Convert.ToInt32(File.ReadAllText(Path.Combine(dir, "flags")).Trim()[2..], 16);
                if ((flags & 1) != 0 && (flags & 8) == 0 && File.ReadAllText(Path.Combine(dir, "carrier")).Trim() == "1") return Path.GetFileName(dir);
            }
            catch (IOException) { }
            catch (FormatException) { }
        }
        return "any";
    }

    /// <summary>-i N (all of it a number, as strtol reads it): the Nth entry of -D; any other name as it is.</summary>
    private static string DeviceName(string iface)
    {
        if (iface.Length > 0 && iface.AsSpan(iface[0] is '-' or '+' ? 1 : 0).IndexOfAnyExceptInRange('0', '9') < 0
            && iface.Length > (iface[0] is '-' or '+' ? 1 : 0))
        {
            if (!int.TryParse(iface, System.Globalization.NumberStyles.AllowLeadingSign,
                System.Globalization.CultureInfo.InvariantCulture, out int num) || num < 1)
                throw new UsageException("Invalid adapter index");
            var names = Interfaces.Names();
            if (num > names.Count) throw new UsageException("Invalid adapter index");
            iface = names[num - 1];
        }
        return iface;
    }

    private int Live(Options o)
    {
        string iface = DeviceName(o.Interface ?? DefaultInterface());
        if (o.ListTimeStampTypes)
        {
            // on standard error, as tcpdump 4.99.3 prints it
            TimeStampTypes.List(stderr, iface);
            return 0;
        }
        if (o.TimeStampType != null) TimeStampTypes.Check(stderr, iface, o.TimeStampType);
        PacketSource src;
        try { src = OpenLive(o, iface, forList: o.ListDataLinks); }
        catch (CaptureException ex) { stderr.WriteLine($"tcpdump: {ex.Message}"); return 1; }
        using var _ = src;
        if (o.ListDataLinks)
        {
            // on standard error, as tcpdump 4.99.3's show_dlts_and_exit
            var list = new System.Text.StringBuilder($"Data link types for {iface} (use option -y to set):\n");
            foreach (int lt in src is NetfilterSource nf ? nf.DataLinks : ((AfPacketSource)src).DataLinks)
            {
                var (name, desc) = LinkTypes.Describe(lt)!.Value;
                list.Append($"  {name} ({desc}){(lt == LinkTypes.Docsis ? " (printing not supported)" : "")}\n");
            }
            stderr.Write(list.ToString());
            return 0;
        }
        BpfInstruction[]? userFilter = null;
        if (FilterText(o).Trim().Length > 0)
        {
            // netmask 0, as Debian's tcpdump ends up with here: "ip broadcast" tests for all-ones/all-zeros hosts
            var prog = Compile(o, new FilterTarget(src.LinkType, o.SnapLen) { Netmask = 0, LinuxExtensions = true });
            string? refused = null;
            if (src is not AfPacketSource live || !live.AttachFilter(prog, out refused))
            {
                // as libpcap: the kernel's refusal is reported, and the program runs in user space
                if (refused != null) stderr.WriteLine($"Warning: Kernel filter failed: {refused}");
                userFilter = prog;
            }
        }
        var d = LinkTypes.Describe(src.LinkType)!.Value;
        // tcpdump names the link type it asked for: with -y, and LINUX_SLL2 on "any"
        if (o.LinkTypeName != null || iface == "any") stderr.WriteLine($"tcpdump: data link type {d.Name}");
        using var writer = OpenOutputAndDrop(o, src.LinkType, o.SnapLen, o.NanoPrecision == true);
        // as tcpdump: the hint about -v only when neither -v nor -w is given, else a "tcpdump: " prefix
        if (o.Verbosity == 0 && o.WriteFile == null) stderr.WriteLine("tcpdump: verbose output suppressed, use -v[v]... for full protocol decode");
        else stderr.Write("tcpdump: ");
        stderr.WriteLine($"listening on {iface}, link-type {d.Name} ({d.Desc}), snapshot length {o.SnapLen} bytes");
        int rc = Loop(o, src, o.NanoPrecision == true, live: true, writer, userFilter, linuxFilter: true);
        if (cancel.IsCancellationRequested && o.WriteFile != "-")
        {
            // as tcpdump's cleanup after SIGINT/SIGTERM: a newline, in case a line was cut short
            stdout.WriteByte((byte)'\n');
            stdout.Flush();
        }
        // netfilter: libpcap counts the packets it delivered (after the filter) and the ENOBUFS it saw
        var (recv, drop) = src is AfPacketSource af ? af.ReadStats() : (LiveCount, ((NetfilterSource)src).ReadStats().Dropped);
        stderr.Write($"{LiveCount} packet{(LiveCount == 1 ? "" : "s")} captured\n" +
            $"{recv} packet{(recv == 1 ? "" : "s")} received by filter\n{drop} packet{(drop == 1 ? "" : "s")} dropped by kernel\n");
        return rc;
    }

    private uint LiveCount;

    /// <summary>The packet loop has begun: a signal now stops it cleanly (before, it ends the process at once).</summary>
    public static volatile bool Looping;

    /// <summary>Opens one savefile (-r's, or a line of -V's list); null after an error tcpdump reports with status 1.</summary>
    private PacketSource? OpenSavefile(string path, bool nano, List<IDisposable> open)
    {
        Stream input;
        try
        {
            input = path == "-" ? stdin() : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (SystemErrors.IsOpenFailure(ex))
        {
            // as libpcap: a directory opens, and its first read fails
            if (ex is UnauthorizedAccessException && Directory.Exists(path)) throw new UsageException("error reading dump file: Is a directory");
            throw new UsageException($"{path}: {SystemErrors.Describe(ex, path) ?? "Input/output error"}");
        }
        open.Add(input);
        PacketSource src;
        try { src = PacketSource.OpenFile(input, nano); }
        catch (CaptureException ex) { stderr.WriteLine($"tcpdump: {ex.Message}"); return null; }
        catch (Exception ex) when (SystemErrors.IsIo(ex))
        {
            stderr.WriteLine($"tcpdump: error reading dump file: {SystemErrors.Describe(ex) ?? "Input/output error"}");
            return null;
        }
        open.Add(src);
        return src;
    }

    private void Announce(string path, PacketSource src)
    {
        var desc0 = LinkTypes.Describe(src.LinkType);
        stderr.WriteLine(desc0 is { } d
            ? $"reading from file {path}, link-type {d.Name} ({d.Desc}), snapshot length {src.SnapLen}"
            : $"reading from file {path}, link-type {src.LinkType}, snapshot length {src.SnapLen}");
    }

    /// <summary>-r FILE, or -V LIST: the savefiles one after the other, as tcpdump's loop over them.</summary>
    private int ReadFiles(Options o)
    {
        bool nano = o.NanoPrecision == true;
        var open = new List<IDisposable>();
        try
        {
            using var list = o.ListFile != null ? new SavefileList(o.ListFile, stdin) : null;
            string path = list != null ? list.Next() ?? throw new UsageException($"Nothing in {o.ListFile}") : o.ReadFile!;
            var src = OpenSavefile(path, nano, open);
            if (src == null) return 1;
            Announce(path, src);
            if (src.LinkType == LinkTypes.LinuxSll2) stderr.WriteLine("Warning: interface names might be incorrect");
            var target = new FilterTarget(src.LinkType, src.SnapLen) { Netmask = 0, FromFile = true, Swapped = src.Swapped };
            if (o.DumpCodeLevel > 0) return PrintCode(o, target);
            BpfInstruction[]? prog = FilterText(o).Trim().Length > 0 ? Compile(o, target) : null;
            using var writer = OpenOutputAndDrop(o, src.LinkType, src.SnapLen, nano);
            int linkType = src.LinkType;
            while (true)
            {
                int rc = Loop(o, src, nano, live: false, writer, prog);
                if (cancel.IsCancellationRequested || list?.Next() is not string next)
                {
                    if (o.Count) WriteCount();
                    return rc;
                }
                foreach (var d in open) d.Dispose();
                open.Clear();
                src = OpenSavefile(next, nano, open);
                if (src == null) return 1;
                if (src.LinkType != linkType)
                {
                    // as tcpdump: a pcap file holds one link type; printing switches to the new one
                    if (o.WriteFile != null) throw new UsageException($"{next}: new dlt does not match original");
                    linkType = src.LinkType;
                    if (prog != null) prog = Compile(o, new FilterTarget(linkType, src.SnapLen) { Netmask = 0, FromFile = true, Swapped = src.Swapped });
                }
                Announce(next, src);
            }
        }
        finally
        {
            foreach (var d in open) d.Dispose();
        }
    }

    private void WriteCount()
    {
        using var w = new StreamWriter(stdout, leaveOpen: true);
        w.Write($"{LiveCount} packet{(LiveCount == 1 ? "" : "s")}\n");
    }

    private Output? _output;
    private PrintContext? _context;
    private Timestamp? _timestamp;

    /// <summary>
    /// One pcap_loop: the packets of one source (-c counts per source, as pcap_loop's count); the printer's
    /// state (-ttt's previous time, --number) carries over from one -V file to the next.
    /// </summary>
    private int Loop(Options o, PacketSource src, bool nano, bool live, RotatingWriter? writer, BpfInstruction[]? filter = null, bool linuxFilter = false)
    {
        bool print = (o.WriteFile == null || o.Print) && !o.Count;
        PacketPrinter? printer = null;
        var output = _output ??= new Output(stdout);
        if (print)
        {
            var settings = new PrintSettings
            {
                Verbose = o.Verbosity, LinkHeader = o.LinkHeader, Quick = o.QuietCount > 0, AbsoluteSeq = o.AbsoluteSequence, NoChecksum = o.NoChecksum,
                AsDot = o.AsDot, HexAscii = o.HexAsciiCount, Hex = o.HexCount, Ascii = o.AsciiCount, TimeFormat = o.TimeFormat, Nano = nano,
                Number = o.Number, ForcedType = o.ForcedType, Names = o.NoNames ? null : new NameResolver(o.NoDomains), Zone = zone,
                Mesh = o.Mesh,
                EspSecret = o.EspSecret, SigSecret = o.SigSecret, Warnings = stderr,
            };
            _context ??= new PrintContext(settings, output);
            _timestamp ??= new Timestamp(zone, o.TimeFormat, nano);
            printer = new PacketPrinter(_context, src.LinkType, _timestamp);
        }

        var h = new PacketHeader();
        byte[] buf = printer?.Context.Buf ?? new byte[SnapLength.Maximum];
        uint count = 0;
        int status = 0;
        bool flushEach = o.LineBuffered || o.PacketBuffered;
        Looping = true;
        try
        {
            while (!cancel.IsCancellationRequested || !live)
            {
                if (cancel.IsCancellationRequested) break;
                if (o.CountLimit >= 0 && count >= o.CountLimit) break;
                bool more;
                try { more = src.Next(ref h, ref buf); }
                catch (Exception ex) when (ex is CaptureException || SystemErrors.IsIo(ex))
                {
                    output.Flush();
                    stderr.WriteLine(ex is CaptureException
                        ? $"tcpdump: pcap_loop: {ex.Message}"
                        : $"tcpdump: pcap_loop: error reading dump file: {SystemErrors.Describe(ex) ?? "Input/output error"}");
                    status = 1;
                    break;
                }
                if (!more) break;
                if (filter != null)
                {
                    var aux = default(PacketAux);
                    if (BpfMachine.Run(filter, buf.AsSpan(0, h.CapLen), h.Len, in aux, linuxFilter) == 0) continue;
                }
                count++;
                LiveCount++;
                if (writer != null && !writer.RotateIfDue()) break;
                writer?.Write(h, buf);
                if (printer != null)
                {
                    if (printer.Context.Buf != buf) printer.Context.Buf = buf;
                    printer.Print(h, LiveCount);
                    if (flushEach) output.Flush();
                    else if (output.Length > 60000) output.Drain();
                }
                if (o.PacketBuffered) writer?.Flush();
            }
        }
        finally
        {
            // the -w file is closed by the caller whatever happens to standard output
            output.Flush();
        }
        return status;
    }
}
