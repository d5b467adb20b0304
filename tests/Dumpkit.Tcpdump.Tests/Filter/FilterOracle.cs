// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Dumpkit.Tcpdump.Tests.Filter;

/// <summary>The filter corpus, Debian's tcpdump as the oracle, and our tcpdump run in-process.</summary>
internal static class FilterOracle
{
    public const string TcpdumpPath = "/usr/bin/tcpdump";
    public static bool Available => File.Exists(TcpdumpPath);
    public const string SkipMessage = "needs /usr/bin/tcpdump (Debian tcpdump 4.99.3 / libpcap 1.10.3) as the oracle";

    public static readonly string[] AllDlts = ["EN10MB", "LINUX_SLL", "LINUX_SLL2", "NULL", "LOOP", "RAW", "IPV4", "IPV6"];

    public sealed record Case(string Dlt, string Expr)
    {
        public override string ToString() => $"{Dlt}\t{Expr}";
    }

    private static string DataFile(string name) => Path.Combine(AppContext.BaseDirectory, "Filter", name);

    private static readonly Lazy<List<Case>> s_corpus = new(() => ReadCases("corpus.txt"));
    public static List<Case> Corpus => s_corpus.Value;

    /// <summary>"DLTS TAB expression" lines; DLTS is a comma list or "*".</summary>
    public static List<Case> ReadCases(string file)
    {
        var list = new List<Case>();
        foreach (var raw in File.ReadAllLines(DataFile(file)))
        {
            if (raw.Length == 0 || raw[0] == '#') continue;
            int tab = raw.IndexOf('\t');
            if (tab < 0) throw new InvalidDataException($"{file}: no tab in '{raw}'");
            var dlts = raw[..tab] == "*" ? AllDlts : raw[..tab].Split(',');
            foreach (var d in dlts) list.Add(new Case(d, raw[(tab + 1)..]));
        }
        return list;
    }

    public static HashSet<string> ReadSet(string file) =>
        File.Exists(DataFile(file)) ? [.. ReadCases(file).Select(c => c.ToString())] : [];

    public readonly record struct Result(int Rc, string Out, string Err)
    {
        public override string ToString() => $"rc={Rc}\n--- stdout\n{Out}--- stderr\n{Err}";
    }

    private static readonly ConcurrentDictionary<string, Result> s_cache = new();

    /// <summary>Runs /usr/bin/tcpdump (results cached per argument list).</summary>
    public static Result RunTcpdump(params string[] args) => s_cache.GetOrAdd(string.Join('\0', args), _ =>
    {
        var psi = new ProcessStartInfo(TcpdumpPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.Latin1,
            StandardErrorEncoding = Encoding.Latin1,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var o = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return new Result(p.ExitCode, o, err.Result);
    });

    /// <summary>Runs tcpdump's raw output bytes (for -w -).</summary>
    public static byte[] TcpdumpBytes(params string[] args)
    {
        var psi = new ProcessStartInfo(TcpdumpPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var ms = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(ms);
        p.WaitForExit();
        _ = err.Result;
        return ms.ToArray();
    }

    /// <summary>Our tcpdump, in-process.</summary>
    public static Result Ours(params string[] args)
    {
        var o = new MemoryStream();
        var e = new StringWriter();
        int rc = TcpdumpCommand.Run(args, o, e, () => new MemoryStream(), TimeZoneInfo.Utc);
        return new Result(rc, Encoding.Latin1.GetString(o.ToArray()), e.ToString());
    }

    // ---- savefiles for the semantic comparison ---------------------------------------------------------------

    public sealed record Packet(uint Sec, uint Frac, byte[] Data, uint Len);

    /// <summary>Reads a classic pcap file (either byte order); null if it is not one or is damaged.</summary>
    public static (int LinkType, List<Packet> Packets)? ReadPcap(byte[] f)
    {
        if (f.Length < 24) return null;
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(f);
        bool swap;
        if (magic is 0xa1b2c3d4 or 0xa1b23c4d) swap = false;
        else if (magic is 0xd4c3b2a1 or 0x4d3cb2a1) swap = true;
        else return null;
        uint U32(int o) => swap ? BinaryPrimitives.ReadUInt32BigEndian(f.AsSpan(o)) : BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(o));
        int lt = (int)(U32(20) & 0x03ffffff);
        var list = new List<Packet>();
        int pos = 24;
        while (pos + 16 <= f.Length)
        {
            uint sec = U32(pos), frac = U32(pos + 4), cap = U32(pos + 8), len = U32(pos + 12);
            if (cap > 65535 || pos + 16 + cap > f.Length) break;
            list.Add(new Packet(sec, frac, f.AsSpan(pos + 16, (int)cap).ToArray(), Math.Max(len, cap)));
            pos += 16 + (int)cap;
        }
        return (lt, list);
    }

    /// <summary>Writes a little-endian microsecond pcap file.</summary>
    public static void WritePcap(string path, int linkType, IEnumerable<Packet> packets)
    {
        using var fs = File.Create(path);
        Span<byte> h = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0xa1b2c3d4);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], 262144);
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], (uint)linkType);
        fs.Write(h);
        Span<byte> r = stackalloc byte[16];
        foreach (var p in packets)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(r, p.Sec);
            BinaryPrimitives.WriteUInt32LittleEndian(r[4..], Math.Min(p.Frac, 999999));
            BinaryPrimitives.WriteUInt32LittleEndian(r[8..], (uint)p.Data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(r[12..], p.Len);
            fs.Write(r);
            fs.Write(p.Data);
        }
    }

    /// <summary>Indexes (0-based) of the packets of all that appear, in order, in the pcap bytes tcpdump wrote with -w.</summary>
    public static List<int> MatchWritten(List<Packet> all, byte[] written)
    {
        var got = ReadPcap(written)?.Packets ?? [];
        var idx = new List<int>();
        int j = 0;
        foreach (var g in got)
        {
            while (j < all.Count && !(all[j].Data.AsSpan().SequenceEqual(g.Data) && all[j].Sec == g.Sec && all[j].Len == g.Len)) j++;
            if (j == all.Count) throw new InvalidDataException("tcpdump wrote a packet that is not in the input");
            idx.Add(j++);
        }
        return idx;
    }
}
